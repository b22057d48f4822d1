/// SmoleRecords: the record layer every smole tool shares: records, NDJSON input and output, errors and exit
/// codes, document paths, hashing and spawning. It links no networking.
public enum Smole {
    /// The version every tool prints for `--version` (semantic versioning).
    public static let version = "0.1.0"
}
