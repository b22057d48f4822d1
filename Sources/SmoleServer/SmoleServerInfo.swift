/// SmoleServer: the local engine behind the Smole HTTP API (smole-serve).
public enum SmoleServerInfo {
    /// The TCP port smole-serve listens on when `--port` is not given.
    public static let defaultPort = 8750
}
