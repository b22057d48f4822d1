import SmoleCore
/// SmoleEngine: text sources, schema model and extraction (the local backend).
public enum SmoleEngineInfo {
    public static let name = "local"
}
