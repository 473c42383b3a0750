namespace Auralis.Vst3.Diagnostics;

/// <summary>An instance that has work to do off both the audio thread and the host's calls.</summary>
internal interface IWatchedInstance
{
    /// <summary>Reports a new fault once, tells the host what it must re-read. Thread: the watcher's.</summary>
    void Tick();
}

/// <summary>
/// One background thread, every 200 ms, for what may be done neither on the audio thread nor inside a host's call:
/// reporting a plugin that failed on the audio thread (which may only flip a flag), and telling the host that the
/// latency changed after it loaded a state (Ardour 7.3 deadlocks when restartComponent is called from inside setState).
/// </summary>
internal static class InstanceWatcher
{
    private static readonly Lock Gate = new();
    private static readonly List<IWatchedInstance> Instances = [];
    private static Thread? _thread;

    public static void Watch(IWatchedInstance instance)
    {
        lock (Gate)
        {
            Instances.Add(instance);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Auralis VST3 watcher" };
                _thread.Start();
            }
        }
    }

    public static void Forget(IWatchedInstance instance)
    {
        lock (Gate)
        {
            Instances.Remove(instance);
        }
    }

    private static void Run()
    {
        while (true)
        {
            Thread.Sleep(200);
            IWatchedInstance[] instances;
            lock (Gate)
            {
                instances = [.. Instances];
            }
            // Outside the lock: a tick may call into the host, which may call back into Forget.
            foreach (var instance in instances)
            {
                try
                {
                    instance.Tick();
                }
                catch (Exception e)
                {
                    BridgeLog.Failure("the instance watcher", e);
                }
            }
        }
    }
}
