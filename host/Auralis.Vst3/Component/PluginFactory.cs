using System.Runtime.InteropServices;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Classes;
using Auralis.Vst3.Com;
using Auralis.Vst3.Diagnostics;

namespace Auralis.Vst3.Component;

/// <summary>
/// The module's factory (IPluginFactory, 2 and 3 share one vtable: each extends the previous). Lists the classes of the
/// <see cref="ClassRegistry"/> and creates <see cref="AuralisComponent"/> instances.
/// </summary>
internal sealed unsafe class PluginFactory : ComObject
{
    private static readonly nint FactoryVtable = Vtable(
        (nint)(delegate* unmanaged<void*, PFactoryInfo*, int>)&GetFactoryInfoEntry,
        (nint)(delegate* unmanaged<void*, int>)&CountClassesEntry,
        (nint)(delegate* unmanaged<void*, int, PClassInfo*, int>)&GetClassInfoEntry,
        (nint)(delegate* unmanaged<void*, Tuid*, Tuid*, void**, int>)&CreateInstanceEntry,
        (nint)(delegate* unmanaged<void*, int, PClassInfo2*, int>)&GetClassInfo2Entry,
        (nint)(delegate* unmanaged<void*, int, PClassInfoW*, int>)&GetClassInfoUnicodeEntry,
        (nint)(delegate* unmanaged<void*, void*, int>)&SetHostContextEntry);

    private readonly ClassRegistry _registry;

    public PluginFactory(ClassRegistry registry)
    {
        _registry = registry;
        Pointer = Expose(FactoryVtable);
    }

    /// <summary>The IPluginFactory3 pointer handed to the host.</summary>
    public void* Pointer { get; }

    /// <summary>
    /// The classes can differ between runs (third-party plugins come and go), so hosts must not cache them; and all
    /// strings are UTF-16 in PClassInfoW.
    /// </summary>
    public const int Flags = PFactoryInfo.FlagUnicode | PFactoryInfo.FlagClassesDiscardable;

    protected override void* InterfaceFor(in Tuid iid) =>
        iid.Equals(Iids.FUnknown) || iid.Equals(Iids.IPluginFactory) || iid.Equals(Iids.IPluginFactory2) || iid.Equals(Iids.IPluginFactory3)
            ? Pointer : null;

    private static PluginFactory Of(void* self) =>
        From<PluginFactory>(self) ?? throw new InvalidOperationException("the host passed a pointer that is not the Auralis factory");

    private bool TryGetClass(int index, out Vst3Class vstClass)
    {
        vstClass = null!;
        if ((uint)index >= (uint)_registry.Classes.Count)
        {
            return false;
        }
        vstClass = _registry.Classes[index];
        return true;
    }

    [UnmanagedCallersOnly]
    private static int GetFactoryInfoEntry(void* self, PFactoryInfo* info)
    {
        try
        {
            if (info == null)
            {
                return VstResult.InvalidArgument;
            }
            VstText.Copy("Auralis", info->Vendor, PFactoryInfo.NameSize);
            VstText.Copy("", info->Url, PFactoryInfo.UrlSize);
            VstText.Copy("", info->Email, PFactoryInfo.EmailSize);
            info->Flags = Flags;
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("IPluginFactory::getFactoryInfo", e);
            return VstResult.InternalError;
        }
    }

    [UnmanagedCallersOnly]
    private static int CountClassesEntry(void* self)
    {
        try
        {
            return Of(self)._registry.Classes.Count;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("IPluginFactory::countClasses", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetClassInfoEntry(void* self, int index, PClassInfo* info)
    {
        try
        {
            if (info == null || !Of(self).TryGetClass(index, out var c))
            {
                return VstResult.InvalidArgument;
            }
            info->Cid = c.Id;
            info->Cardinality = PClassInfo.ManyInstances;
            VstText.Copy(Vst.AudioEffectCategory, info->Category, PClassInfo.CategorySize);
            VstText.Copy(c.Name, info->Name, PClassInfo.NameSize);
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("IPluginFactory::getClassInfo", e);
            return VstResult.InternalError;
        }
    }

    [UnmanagedCallersOnly]
    private static int GetClassInfo2Entry(void* self, int index, PClassInfo2* info) => DescribeClass(self, index, info, null);

    [UnmanagedCallersOnly]
    private static int GetClassInfoUnicodeEntry(void* self, int index, PClassInfoW* info) => DescribeClass(self, index, null, info);

    // Fills PClassInfo2 (narrow) or PClassInfoW (wide): the same facts, names in UTF-8 or UTF-16.
    private static int DescribeClass(void* self, int index, PClassInfo2* narrow, PClassInfoW* wide)
    {
        try
        {
            if ((narrow == null && wide == null) || !Of(self).TryGetClass(index, out var c))
            {
                return VstResult.InvalidArgument;
            }
            if (narrow != null)
            {
                Describe(c, &narrow->Cid, &narrow->Cardinality, narrow->Category, &narrow->ClassFlags, narrow->SubCategories);
                VstText.Copy(c.Name, narrow->Name, PClassInfo.NameSize);
                VstText.Copy(c.Vendor, narrow->Vendor, PClassInfo2.VendorSize);
                VstText.Copy(c.Version, narrow->Version, PClassInfo2.VersionSize);
                VstText.Copy(Vst.SdkVersion, narrow->SdkVersion, PClassInfo2.VersionSize);
            }
            else
            {
                Describe(c, &wide->Cid, &wide->Cardinality, wide->Category, &wide->ClassFlags, wide->SubCategories);
                VstText.Copy(c.Name, wide->Name, PClassInfo.NameSize);
                VstText.Copy(c.Vendor, wide->Vendor, PClassInfo2.VendorSize);
                VstText.Copy(c.Version, wide->Version, PClassInfo2.VersionSize);
                VstText.Copy(Vst.SdkVersion, wide->SdkVersion, PClassInfo2.VersionSize);
            }
            return VstResult.Ok;
        }
        catch (Exception e)
        {
            BridgeLog.Failure(narrow != null ? "IPluginFactory2::getClassInfo2" : "IPluginFactory3::getClassInfoUnicode", e);
            return VstResult.InternalError;
        }
    }

    // The fields PClassInfo2 and PClassInfoW share (they differ only in the width of their names).
    private static void Describe(Vst3Class c, Tuid* cid, int* cardinality, byte* category, uint* classFlags, byte* subCategories)
    {
        *cid = c.Id;
        *cardinality = PClassInfo.ManyInstances;
        VstText.Copy(Vst.AudioEffectCategory, category, PClassInfo.CategorySize);
        *classFlags = 0;
        VstText.Copy(c.SubCategories, subCategories, PClassInfo2.SubCategoriesSize);
    }

    [UnmanagedCallersOnly]
    private static int CreateInstanceEntry(void* self, Tuid* classId, Tuid* iid, void** result)
    {
        try
        {
            if (result == null)
            {
                return VstResult.InvalidArgument;
            }
            *result = null;
            var factory = Of(self);
            if (classId == null || iid == null || factory._registry.Find(*classId) is not { } c)
            {
                return VstResult.InvalidArgument;
            }
            var component = new AuralisComponent(c, factory._registry);
            var found = component.QueryInterface(*iid, result);
            component.Release(); // the reference queryInterface added is now the host's only one
            return found;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("IPluginFactory::createInstance", e);
            return VstResult.InternalError;
        }
    }

    // The bridge needs nothing from the host application.
    [UnmanagedCallersOnly]
    private static int SetHostContextEntry(void* self, void* context) => VstResult.Ok;
}
