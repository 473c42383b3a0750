/*
 * Auralis.so: the native face of the Auralis VST3 bundle.
 *
 * A VST3 host dlopens this library and calls GetPluginFactory. Everything real happens in .NET: on the first call
 * this shim starts CoreCLR through hostfxr (once per process) from the runtime shipped inside the bundle, loads the
 * managed bridge (Contents/Resources/bridge/Auralis.Vst3.dll) and hands over to it. NativeAOT cannot be used instead:
 * it cannot load plugin assemblies at run time.
 *
 * Bundle layout, relative to this file (Contents/x86_64-linux/Auralis.so):
 *   ../Resources/dotnet/            the .NET runtime (host/fxr/<v>/libhostfxr.so, shared/Microsoft.NETCore.App/<v>/)
 *   ../Resources/bridge/            Auralis.Vst3.dll, its runtimeconfig.json and dependencies
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coreclr_delegates.h>
#include <hostfxr.h>
#include <nethost.h>

#define EXPORT __attribute__((visibility("default")))

typedef void *(*managed_get_factory_fn)(void);

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static managed_get_factory_fn g_get_factory;

static void report(const char *what, const char *detail, int code)
{
    fprintf(stderr, "auralis-vst3: error: %s%s%s (code 0x%08x); Auralis plugins are unavailable in this process\n",
            what, detail ? ": " : "", detail ? detail : "", (unsigned)code);
    fflush(stderr);
}

/* hostfxr keeps its state per loaded copy: if some other component already loaded one (and so started a runtime),
 * that copy must be used, or a second CoreCLR would be started. */
static int find_loaded_hostfxr(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    const char *name = info->dlpi_name;
    size_t n = name ? strlen(name) : 0;
    static const char suffix[] = "/libhostfxr.so";
    if (n >= sizeof suffix - 1 && strcmp(name + n - (sizeof suffix - 1), suffix) == 0) {
        snprintf((char *)data, PATH_MAX, "%s", name);
        return 1;
    }
    return 0;
}

static bool join(char *out, const char *dir, const char *relative)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, relative);
    return n > 0 && n < PATH_MAX;
}

static void start_runtime(void)
{
    Dl_info self;
    if (!dladdr((void *)&start_runtime, &self) || !self.dli_fname) {
        report("cannot find where Auralis.so is loaded from", NULL, 0);
        return;
    }
    char so_path[PATH_MAX], contents[PATH_MAX];
    if (!realpath(self.dli_fname, so_path)) {
        report("cannot resolve the path of Auralis.so", self.dli_fname, 0);
        return;
    }
    /* so_path = <bundle>/Contents/x86_64-linux/Auralis.so -> contents = <bundle>/Contents */
    snprintf(contents, sizeof contents, "%s", so_path);
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(contents, '/');
        if (!slash) {
            report("Auralis.so is not inside a VST3 bundle (Contents/x86_64-linux/)", so_path, 0);
            return;
        }
        *slash = '\0';
    }

    char dotnet_root[PATH_MAX], config[PATH_MAX], assembly[PATH_MAX], fxr_path[PATH_MAX] = "";
    if (!join(dotnet_root, contents, "Resources/dotnet") || !join(config, contents, "Resources/bridge/Auralis.Vst3.runtimeconfig.json")
        || !join(assembly, contents, "Resources/bridge/Auralis.Vst3.dll")) {
        report("the bundle path is too long", contents, 0);
        return;
    }

    dl_iterate_phdr(find_loaded_hostfxr, fxr_path);
    if (fxr_path[0] == '\0') {
        size_t size = sizeof fxr_path;
        struct get_hostfxr_parameters where = { sizeof where, assembly, dotnet_root };
        int rc = get_hostfxr_path(fxr_path, &size, &where);
        if (rc != 0) {
            report("the .NET runtime shipped in the bundle is missing (no host/fxr/<version>/libhostfxr.so)", dotnet_root, rc);
            return;
        }
    }
    void *fxr = dlopen(fxr_path, RTLD_NOW | RTLD_LOCAL);
    if (!fxr) {
        report("cannot load hostfxr", dlerror(), 0);
        return;
    }
    hostfxr_initialize_for_runtime_config_fn init =
        (hostfxr_initialize_for_runtime_config_fn)dlsym(fxr, "hostfxr_initialize_for_runtime_config");
    hostfxr_get_runtime_delegate_fn get_delegate = (hostfxr_get_runtime_delegate_fn)dlsym(fxr, "hostfxr_get_runtime_delegate");
    hostfxr_close_fn close_context = (hostfxr_close_fn)dlsym(fxr, "hostfxr_close");
    if (!init || !get_delegate || !close_context) {
        report("hostfxr lacks the hosting API", fxr_path, 0);
        return;
    }

    /* 0: started here; 1: a runtime already runs in this process (another Auralis instance or .NET component) and is
     * compatible; 2: the same, with different runtime properties. All three mean: use the running runtime. */
    struct hostfxr_initialize_parameters parameters = { sizeof parameters, so_path, dotnet_root };
    hostfxr_handle context = NULL;
    int rc = init(config, &parameters, &context);
    if ((rc != 0 && rc != 1 && rc != 2) || !context) {
        report("the .NET runtime did not start", config, rc);
        if (context)
            close_context(context);
        return;
    }
    load_assembly_and_get_function_pointer_fn load = NULL;
    rc = get_delegate(context, hdt_load_assembly_and_get_function_pointer, (void **)&load);
    if (rc != 0 || !load) {
        report("the .NET runtime offers no assembly loader", NULL, rc);
        close_context(context);
        return;
    }
    void *entry = NULL;
    rc = load(assembly, "Auralis.Vst3.ModuleEntry, Auralis.Vst3", "GetPluginFactory", UNMANAGEDCALLERSONLY_METHOD, NULL, &entry);
    close_context(context);
    if (rc != 0 || !entry) {
        report("cannot load the managed bridge", assembly, rc);
        return;
    }
    g_get_factory = (managed_get_factory_fn)entry;
}

EXPORT void *GetPluginFactory(void)
{
    pthread_once(&g_once, start_runtime);
    return g_get_factory ? g_get_factory() : NULL;
}

/* The runtime cannot be unloaded; the library is linked with -z nodelete so it stays mapped after dlclose. */
EXPORT bool ModuleEntry(void *library_handle)
{
    (void)library_handle;
    return true;
}

EXPORT bool ModuleExit(void)
{
    return true;
}
