/* Decoding alone, nothing else: every frame as float in 4096-frame blocks, through libsndfile (libvorbis for Ogg
 * Vorbis; `decode_only FILE`) or through the package's libauralis_decode.so (libavcodec; `decode_only --shim SO FILE`),
 * the two ways Auralis has read Ogg Vorbis. bench/analysis/loudness_pairs.sh times both beside the loudness runs, to
 * show how much of a run is decoding. Declares what it calls instead of including headers (no -dev package needed). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long long sf_count_t;
typedef struct { sf_count_t frames; int samplerate, channels, format, sections, seekable; } SF_INFO;
typedef struct SNDFILE_tag SNDFILE;
SNDFILE *sf_open(const char *path, int mode, SF_INFO *info);
sf_count_t sf_readf_float(SNDFILE *file, float *frames, sf_count_t count);
int sf_close(SNDFILE *file);
const char *sf_strerror(SNDFILE *file);
#define SFM_READ 0x10

/* libauralis_decode.so (host/Auralis.Offline.Native/auralis_decode.c). */
typedef void *(*open_fn)(const char *path, char *error, int error_size);
typedef int (*channels_fn)(void *decoder);
typedef int (*read_fn)(void *decoder, float *dest, int stride, int frames);

static int with_shim(const char *library, const char *path)
{
    void *so = dlopen(library, RTLD_NOW);
    open_fn open = so ? (open_fn)dlsym(so, "auralis_decode_open") : NULL;
    channels_fn channels = so ? (channels_fn)dlsym(so, "auralis_decode_channels") : NULL;
    read_fn read = so ? (read_fn)dlsym(so, "auralis_decode_read") : NULL;
    if (!open || !channels || !read) {
        fprintf(stderr, "decode_only: %s\n", dlerror());
        return 1;
    }
    char error[512];
    void *decoder = open(path, error, sizeof error);
    if (!decoder) {
        fprintf(stderr, "decode_only: %s\n", error);
        return 1;
    }
    float *block = malloc(sizeof(float) * 4096 * (size_t)channels(decoder));
    long long total = 0;
    double sum = 0; /* used, so the reads cannot be skipped */
    int n;
    while ((n = read(decoder, block, 4096, 4096)) > 0) {
        total += n;
        sum += block[0];
    }
    printf("%lld frames (%g)\n", total, sum);
    return n < 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--shim") == 0) {
        return with_shim(argv[2], argv[3]);
    }
    SF_INFO info = {0};
    SNDFILE *file = argc == 2 ? sf_open(argv[1], SFM_READ, &info) : NULL;
    if (!file) {
        fprintf(stderr, "decode_only: %s\n", argc == 2 ? sf_strerror(NULL) : "usage: decode_only FILE | decode_only --shim SO FILE");
        return 1;
    }
    float *block = malloc(sizeof(float) * 4096 * info.channels);
    sf_count_t n, total = 0;
    double sum = 0;
    while ((n = sf_readf_float(file, block, 4096)) > 0) {
        total += n;
        sum += block[0];
    }
    printf("%lld frames (%g)\n", total, sum);
    sf_close(file);
    free(block);
    return 0;
}
