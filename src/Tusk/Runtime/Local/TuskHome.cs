namespace Tusk.Runtime.Local;

/// <summary>
/// The local runtime's state directory and where everything lives in it. <c>TUSK_HOME</c>
/// overrides the default, which is <c>~/.local/state/tusk</c> for a user and <c>/var/lib/tusk</c>
/// for root (the postgres account cannot enter /root).
/// </summary>
public sealed class TuskHome(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Socket => Path.Combine(Root, "agent.sock");
    public string AgentPidFile => Path.Combine(Root, "agent.pid");

    /// <summary>Held (flock) by the one agent that runs for this state directory.</summary>
    public string AgentLockFile => Path.Combine(Root, "agent.lock");
    public string AgentLog => Path.Combine(Root, "agent.log");
    public string EtcdDirectory => Path.Combine(Root, "etcd");
    public string CaDirectory => Path.Combine(Root, "ca");
    public string CaCertificate => Path.Combine(CaDirectory, "ca.crt");
    public string CaKey => Path.Combine(CaDirectory, "ca.key");
    public string ClustersDirectory => Path.Combine(Root, "clusters");

    public string ClusterDirectory(string ns, string name) => Path.Combine(ClustersDirectory, ns, name);

    public static TuskHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable("TUSK_HOME");
        if (!string.IsNullOrEmpty(configured))
        {
            return new TuskHome(configured);
        }

        if (Environment.IsPrivilegedProcess)
        {
            return new TuskHome("/var/lib/tusk");
        }

        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return new TuskHome(string.IsNullOrEmpty(state)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "tusk")
            : Path.Combine(state, "tusk"));
    }
}
