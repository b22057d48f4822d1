/// SmoleCore: the record stream, exit codes, errors, inputs and outputs shared by every smole tool.
public enum Smole {
    public static let version = "0.1.0"
}
