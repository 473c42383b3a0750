using System.Runtime.InteropServices;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Diagnostics;

namespace Auralis.Vst3.Com;

/// <summary>
/// A managed object the host sees as one or more C++ interfaces. Each interface pointer is a small native block
/// <c>[vtable*, GCHandle]</c>: the vtable holds [UnmanagedCallersOnly] functions, the handle leads back to this object.
/// Reference counted like COM; the last <c>release</c> frees the blocks and calls <see cref="OnFinalRelease"/>.
/// </summary>
internal abstract unsafe class ComObject
{
    private readonly GCHandle _self;
    private readonly List<nint> _blocks = [];
    private int _references = 1;

    protected ComObject() => _self = GCHandle.Alloc(this);

    /// <summary>Creates the pointer the host holds for one interface of this object.</summary>
    protected void* Expose(nint vtable)
    {
        var block = (nint*)NativeMemory.Alloc(2, (nuint)sizeof(nint));
        block[0] = vtable;
        block[1] = GCHandle.ToIntPtr(_self);
        _blocks.Add((nint)block);
        return block;
    }

    /// <summary>The object behind an interface pointer the host passed back, or null when it is not a <typeparamref name="T"/>.</summary>
    public static T? From<T>(void* pointer) where T : ComObject =>
        pointer == null ? null : GCHandle.FromIntPtr(((nint*)pointer)[1]).Target as T;

    /// <summary>The pointer for <paramref name="iid"/>, or null when the object does not implement it.</summary>
    protected abstract void* InterfaceFor(in Tuid iid);

    /// <summary>Runs once, when the host released the last reference.</summary>
    protected virtual void OnFinalRelease()
    {
    }

    public uint AddRef() => (uint)Interlocked.Increment(ref _references);

    public uint Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            try
            {
                OnFinalRelease();
            }
            finally
            {
                foreach (var block in _blocks)
                {
                    NativeMemory.Free((void*)block);
                }
                _blocks.Clear();
                _self.Free();
            }
        }
        return (uint)Math.Max(0, left);
    }

    /// <summary>Looks up an interface and adds a reference for the caller (FUnknown::queryInterface).</summary>
    public int QueryInterface(in Tuid iid, void** result)
    {
        var pointer = InterfaceFor(iid);
        if (pointer == null)
        {
            *result = null;
            return VstResult.NoInterface;
        }
        AddRef();
        *result = pointer;
        return VstResult.Ok;
    }

    // The three FUnknown entries every vtable starts with.

    [UnmanagedCallersOnly]
    public static int QueryInterfaceEntry(void* self, Tuid* iid, void** result)
    {
        try
        {
            if (result == null || iid == null)
            {
                return VstResult.InvalidArgument;
            }
            var target = From<ComObject>(self);
            if (target == null)
            {
                *result = null;
                return VstResult.InvalidArgument;
            }
            return target.QueryInterface(*iid, result);
        }
        catch (Exception e)
        {
            BridgeLog.Failure("FUnknown::queryInterface", e);
            return VstResult.InternalError;
        }
    }

    [UnmanagedCallersOnly]
    public static uint AddRefEntry(void* self)
    {
        try
        {
            return From<ComObject>(self)?.AddRef() ?? 0;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("FUnknown::addRef", e);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    public static uint ReleaseEntry(void* self)
    {
        try
        {
            return From<ComObject>(self)?.Release() ?? 0;
        }
        catch (Exception e)
        {
            BridgeLog.Failure("FUnknown::release", e);
            return 0;
        }
    }

    /// <summary>
    /// Builds a vtable (a native array of function pointers that lives for the process) that starts with FUnknown's
    /// three entries followed by <paramref name="methods"/>.
    /// </summary>
    protected static nint Vtable(params nint[] methods)
    {
        var table = (nint*)NativeMemory.Alloc((nuint)(3 + methods.Length), (nuint)sizeof(nint));
        table[0] = (nint)(delegate* unmanaged<void*, Tuid*, void**, int>)&QueryInterfaceEntry;
        table[1] = (nint)(delegate* unmanaged<void*, uint>)&AddRefEntry;
        table[2] = (nint)(delegate* unmanaged<void*, uint>)&ReleaseEntry;
        for (var i = 0; i < methods.Length; i++)
        {
            table[3 + i] = methods[i];
        }
        return (nint)table;
    }
}
