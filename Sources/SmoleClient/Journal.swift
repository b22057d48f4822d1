import SmoleBackend
import SmoleRecords
import Synchronization

/// `--journal FILE`: one NDJSON line per submitted job, appended (one write(2)) before the
/// client waits on it. A rerun loads it and polls those jobs instead of uploading again.
/// Lines that do not parse (a torn last line after a crash) are skipped.
public final class Journal: @unchecked Sendable {
    /// One journal line: `{"path", "sha256", "schema", "job", "attempts"}`, keyed by content hash and schema.
    public struct Entry: Sendable, Equatable {
        /// The document's path as the run showed it (for people reading the journal; lookups use the hash).
        public var path: String
        /// The file's SHA-256, 64 lower-case hex digits.
        public var sha256: String
        /// The schema id the job was submitted with.
        public var schema: String
        /// The job id the server gave.
        public var job: String
        /// The record's `attempts` when the job was submitted (1 for a line without it).
        public var attempts: Int
        /// An entry from its fields.
        public init(path: String, sha256: String, schema: String, job: String, attempts: Int) {
            self.path = path
            self.sha256 = sha256
            self.schema = schema
            self.job = job
            self.attempts = attempts
        }
    }

    /// The journal file, as named by `--journal`.
    public let path: String
    private let fd: Int32
    private let byKey: Mutex<[String: Entry]>
    /// Lines of the file that were not entries (a torn last line after a crash, or another file given by mistake).
    public private(set) var skippedLines = 0

    /// Opens (creating if needed, mode 0600) and loads the journal; a later line for the same content and schema
    /// replaces an earlier one.
    ///
    /// - Throws: `RecordError(.unreadable)` when the file cannot be opened for appending or read.
    public init(path: String) throws(RecordError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 {
            throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))")
        }
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch {
            close(fd)  // deinit does not run for an instance whose init throws
            throw error
        }
        var loaded: [String: Entry] = [:]
        var torn = false
        while let line = reader.next() {
            torn = false
            guard !line.isEmpty else { continue }
            guard let v = try? JSON.parse(line), let o = v.objectValue,
                let p = o["path"]?.stringValue, let sha = o["sha256"]?.stringValue,
                let schema = o["schema"]?.stringValue, let job = o["job"]?.stringValue
            else {
                skippedLines += 1
                torn = true
                continue
            }
            let e = Entry(path: p, sha256: sha, schema: schema, job: job, attempts: o["attempts"]?.intValue ?? 1)
            loaded[Self.key(sha256: sha, schema: schema)] = e
        }
        byKey = Mutex(loaded)
        // A torn last line has no newline: start the next entry on a fresh line.
        if torn || !endsWithNewline() { _ = write(fd, "\n", 1) }
    }

    deinit { close(fd) }

    private func endsWithNewline() -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return true }
        var c: UInt8 = 0
        guard pread(fd, &c, 1, st.st_size - 1) == 1 else { return true }
        return c == 0x0A
    }

    static func key(sha256: String, schema: String) -> String { "\(sha256):\(schema)" }

    /// How many (content, schema) pairs have a job recorded.
    public var count: Int { byKey.withLock { $0.count } }

    /// The job recorded for this file content and schema, if any.
    public func lookup(sha256: String, schema: String) -> Entry? {
        byKey.withLock { $0[Self.key(sha256: sha256, schema: schema)] }
    }

    /// Appends an entry with one write(2) and remembers it.
    public func append(_ e: Entry) {
        var o = JSONObject()
        o["path"] = .string(e.path)
        o["sha256"] = .string(e.sha256)
        o["schema"] = .string(e.schema)
        o["job"] = .string(e.job)
        o["attempts"] = .number(String(e.attempts))
        var bytes = JSON.serializeBytes(.object(o))
        bytes.append(0x0A)
        byKey.withLock { byKey in
            byKey[Self.key(sha256: e.sha256, schema: e.schema)] = e
            bytes.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        Diagnostics.warning("journal \(path): write failed: \(String(cString: strerror(errno)))")
                        return
                    }
                    off += n
                }
            }
        }
    }

    /// Forgets an entry whose job the server no longer knows (a fresh submit replaces it).
    public func forget(sha256: String, schema: String) {
        byKey.withLock { _ = $0.removeValue(forKey: Self.key(sha256: sha256, schema: schema)) }
    }
}
