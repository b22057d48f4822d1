/// SmoleServer: the local engine behind the Smole HTTP API (smole-serve).
public enum SmoleServerInfo {
    public static let defaultPort = 8750
}
