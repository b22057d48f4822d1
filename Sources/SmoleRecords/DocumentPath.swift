import Foundation

/// A document's path as the records carry it. File names on Unix are bytes: a name that is
/// valid UTF-8 is a JSON string; one that is not is `{"bytes": "<base64>"}`, the form ripgrep's
/// JSON output uses (`{"text": ...}` is read too), so every file name survives the pipeline.
///
/// The file is always opened by its very bytes (see `openable()`), never by a repaired
/// (U+FFFD) spelling of them.
public struct DocumentPath: Sendable, Hashable, CustomStringConvertible {
    /// The path's bytes, exactly as the file system knows them.
    public var bytes: [UInt8]

    /// The path of exactly these bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// The path of the string's UTF-8 bytes.
    public init(_ string: String) { bytes = Array(string.utf8) }

    /// Reads a `path` field: a string, or an object with `bytes` (standard base64) or `text`.
    /// Returns nil for anything else, an empty path, or base64 that does not decode.
    public init?(json: JSONValue?) {
        switch json {
        case .string(let s)?:
            guard !s.isEmpty else { return nil }
            bytes = Array(s.utf8)
        case .object(let o)?:
            if let b = o["bytes"]?.stringValue, let d = Data(base64Encoded: b), !d.isEmpty {
                bytes = [UInt8](d)
            } else if let t = o["text"]?.stringValue, !t.isEmpty {
                bytes = Array(t.utf8)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    /// The path as text when its bytes are valid UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The `path` field for a record: a string, or `{"bytes": base64}` when the bytes are not UTF-8.
    public var json: JSONValue {
        if let s = string { return .string(s) }
        return .object(JSONObject([("bytes", .string(Data(bytes).base64EncodedString()))]))
    }

    /// The path for messages and tables: text, with each byte that is not part of valid UTF-8
    /// written as `\xNN` (as Python's `backslashreplace` does) and a backslash as `\\` (as
    /// `ls --quoting-style=escape` does), so two names never share a text.
    public var display: String { DocumentPath.escaped(bytes) }

    /// The same text as `display`.
    public var description: String { display }

    /// Whether the name is valid UTF-8, so the record can carry it as a JSON string.
    public var isText: Bool { string != nil }

    /// The base name (the bytes after the last `/`, trailing slashes ignored).
    public var baseName: DocumentPath {
        var end = bytes.count
        while end > 1, bytes[end - 1] == 0x2F { end -= 1 }
        let start = bytes[..<end].lastIndex(of: 0x2F).map { $0 + 1 } ?? 0
        return DocumentPath(bytes: Array(bytes[start..<end]))
    }

    /// The document's key in a results stream (see `DocumentKey`).
    public var key: DocumentKey {
        DocumentKey(canonical: DocumentKey.canonical(bytes, cwd: DocumentKey.workingDirectory))
    }

    /// A path string that opens this very file. A UTF-8 path is returned as it is; for one that
    /// is not, a symbolic link with a UTF-8 name in a private folder (mode 0700) that points at the
    /// exact bytes, so code and child programs that take a String path (pdftotext, tesseract, the
    /// HTTP upload) open the right file. Call `release()` when done: it removes the link.
    /// - Throws: `RecordError(.unreadable)` when the link cannot be made.
    public func openable() throws(RecordError) -> OpenablePath {
        if let s = string { return OpenablePath(path: s, link: nil) }
        let link = try makeLink()
        return OpenablePath(path: link.path, link: link)
    }

    /// A stand-in symbolic link and its private folder.
    struct Link: Sendable {
        let dir: String
        let path: String
        func remove() {
            unlink(path)
            rmdir(dir)
        }
    }

    private func makeLink() throws(RecordError) -> Link {
        let tmp = FileManager.default.temporaryDirectory.path
        var template = Array("\(tmp)/smole-name-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw RecordError(
                .unreadable, "\(display): cannot make a private folder in \(tmp) to open a file name that is not UTF-8")
        }
        let dir = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Keep a valid extension (file kind cues use it); the rest of the name does not matter.
        let base = baseName.bytes
        var ext = ""
        if let dot = base.lastIndex(of: 0x2E), dot > 0, let e = String(validating: base[(dot + 1)...], as: UTF8.self),
            !e.isEmpty, e.count <= 16, e.allSatisfy({ $0.isLetter || $0.isNumber })
        {
            ext = "." + e
        }
        let linkPath = "\(dir)/document\(ext)"
        var target = bytes
        if target.first != 0x2F { target = DocumentKey.workingDirectory + [0x2F] + target }
        target.append(0)
        let ok = target.withUnsafeBufferPointer { t in
            t.withMemoryRebound(to: CChar.self) { symlink($0.baseAddress!, linkPath) == 0 }
        }
        guard ok else {
            let e = errno
            rmdir(dir)
            throw RecordError(
                .unreadable, "\(display): cannot link the file for reading (\(String(cString: strerror(e))))")
        }
        return Link(dir: dir, path: linkPath)
    }

    /// Text with every byte outside valid UTF-8 written as `\xNN` and a backslash as `\\`: one text per name.
    public static func escaped(_ bytes: [UInt8]) -> String {
        if !bytes.contains(0x5C), let s = String(validating: bytes, as: UTF8.self) { return s }
        var out = ""
        var i = 0
        while i < bytes.count {
            let len = utf8SequenceLength(bytes, at: i)
            if bytes[i] == 0x5C {
                // A backslash is written `\\` (as `ls --escape` does), so a name that holds the text `\xE9`
                // and a name with the byte 0xE9 are never shown, keyed or stored as the same text.
                out += "\\\\"
                i += 1
            } else if len > 0, let s = String(validating: bytes[i..<(i + len)], as: UTF8.self) {
                out += s
                i += len
            } else {
                out += "\\x" + String(format: "%02X", bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let c = b[i]
        let n: Int
        switch c {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: n = 2
        case 0xE0...0xEF: n = 3
        case 0xF0...0xF4: n = 4
        default: return 0
        }
        return i + n <= b.count ? n : 0
    }
}

/// A String path that opens a `DocumentPath`'s file (see `DocumentPath.openable()`).
public struct OpenablePath: Sendable {
    /// Give this to `open`, `stat`, a child program or an upload.
    public let path: String
    let link: DocumentPath.Link?
    /// Whether `path` is a stand-in link for a name that is not UTF-8.
    public var isLink: Bool { link != nil }
    /// Removes the stand-in link, if one was made.
    public func release() { link?.remove() }
}

/// Document arguments as the bytes the shell passed. Swift's `CommandLine.arguments` repairs
/// invalid UTF-8 with U+FFFD, which names a file that does not exist; `find -print0 | xargs -0`
/// hands over such names, so the tools that take document paths read argv's bytes.
public enum ArgumentBytes {
    /// The raw bytes of every argument after the program name.
    public static var all: [[UInt8]] {
        (1..<Int(CommandLine.argc)).compactMap { i in
            CommandLine.unsafeArgv[i].map { p in
                var out: [UInt8] = []
                var q = p
                while q.pointee != 0 { out.append(UInt8(bitPattern: q.pointee)); q += 1 }
                return out
            }
        }
    }

    /// Maps arguments as parsed (possibly repaired) back to their bytes, in order: each parsed
    /// value is matched to the next raw argument that decodes to it.
    public static func documents(_ parsed: [String], raw: [[UInt8]] = all) -> [DocumentPath] {
        var out: [DocumentPath] = []
        var i = 0
        for p in parsed {
            var found: [UInt8]? = nil
            var j = i
            while j < raw.count {
                if String(decoding: raw[j], as: UTF8.self) == p { found = raw[j]; break }
                j += 1
            }
            if let found {
                out.append(DocumentPath(bytes: found))
                i = j + 1
            } else {
                out.append(DocumentPath(p))
            }
        }
        return out
    }
}

/// The one key a results stream is folded by: the same file, however it was named, has one key.
///
/// The key is the path made absolute against the working directory of the tool reading the
/// stream, then cleaned lexically as Go's `path/filepath.Clean` does (Pike, "Lexical File Names
/// in Plan 9"): repeated `/` become one, `.` components go, and `..` removes the component
/// before it. Symbolic links are not followed, so the key does not depend on the file existing.
/// A key inside the working directory is written relative to it (`docs/x.pdf`); any other is
/// absolute. So `docs/x.pdf`, `./docs/x.pdf`, `docs//x.pdf` and `$PWD/docs/x.pdf` are one key.
/// Documented in smole(7), "Records".
public struct DocumentKey: Sendable, Hashable, CustomStringConvertible {
    /// The canonical path bytes.
    public let bytes: [UInt8]

    init(canonical: [UInt8]) { bytes = canonical }

    /// The key of a path written as text.
    public init(path: String) { bytes = DocumentKey.canonical(Array(path.utf8), cwd: DocumentKey.workingDirectory) }

    /// The key as a `path` value: a string, or `{"bytes": base64}` when it is not UTF-8.
    public var json: JSONValue { DocumentPath(bytes: bytes).json }
    /// The key for messages and tables (`\xNN` for bytes outside UTF-8).
    public var display: String { DocumentPath.escaped(bytes) }
    /// The same text as `display`.
    public var description: String { display }

    /// The working directory's bytes, read once per process.
    public static let workingDirectory: [UInt8] = {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return [0x2F] }
        return buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }()

    /// `path` made absolute against `cwd`, cleaned lexically, then relative to `cwd` when inside it.
    public static func canonical(_ path: [UInt8], cwd: [UInt8]) -> [UInt8] {
        if isCleanRelative(path) { return path }
        let absolute = clean(path.first == 0x2F ? path : cwd + [0x2F] + path)
        let base = clean(cwd)
        if absolute == base { return [0x2E] }
        if base == [0x2F] { return Array(absolute.dropFirst()) }
        if absolute.count > base.count + 1, absolute.starts(with: base), absolute[base.count] == 0x2F {
            return Array(absolute[(base.count + 1)...])
        }
        return absolute
    }

    /// Whether a path is already its own key: relative, and with no empty, `.` or `..` component
    /// (the common case, decided without allocating).
    static func isCleanRelative(_ p: [UInt8]) -> Bool {
        guard let first = p.first, first != 0x2F, p.last != 0x2F else { return false }
        var start = 0
        var i = 0
        while i <= p.count {
            if i == p.count || p[i] == 0x2F {
                let n = i - start
                if n == 0 { return false }
                if p[start] == 0x2E && (n == 1 || (n == 2 && p[start + 1] == 0x2E)) { return false }
                start = i + 1
            }
            i += 1
        }
        return true
    }

    /// Lexical cleaning of an absolute path (Go's `filepath.Clean` rules).
    static func clean(_ path: [UInt8]) -> [UInt8] {
        var parts: [ArraySlice<UInt8>] = []
        for part in path.split(separator: 0x2F, omittingEmptySubsequences: true) {
            if part.elementsEqual([0x2E]) { continue }
            if part.elementsEqual([0x2E, 0x2E]) {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        var out: [UInt8] = []
        for p in parts {
            out.append(0x2F)
            out.append(contentsOf: p)
        }
        return out.isEmpty ? [0x2F] : out
    }
}

extension Record {
    /// The `path` field read as a `DocumentPath` (a string or `{"bytes": base64}`).
    public var documentPath: DocumentPath? { DocumentPath(json: object["path"]) }

    /// Whether the record has a `path` field that is not null (it may still be malformed).
    public var hasPathField: Bool {
        if let p = object["path"], !p.isNull { return true }
        return false
    }
}

/// The rule every reader of a results stream folds by (smole-summary, smole-csv, smole-sql,
/// smole-retry): per `DocumentKey`, the latest record describes the document, except that an
/// error which says nothing about the document itself never replaces an earlier ok result.
public enum ResultFold {
    /// Error codes that say something about the document itself: it is gone, cannot be read, is of
    /// a kind or size the backend refuses, or its job failed on it. Only these, and only when not
    /// retryable, replace an earlier ok result. Every other error describes the input line (bad_record),
    /// the command (no_schema), the account (unauthorized, forbidden, quota_exhausted), or the backend
    /// and the network (a wrong base URL, an outage, a timeout, a cancelled run): a re-run that meets
    /// one of them is kept in the stream, but does not undo a result already extracted.
    public static let codesAboutDocument: Set<ErrorCode> = [
        .notFound, .unreadable, .unsupportedType, .tooLarge, .jobFailed, .engineFailed, .nothingExtracted,
    ]

    /// What the record kept for a document so far is.
    public enum Kept: UInt8, Sendable {
        /// An input record (no `status`, no `error`: smole-ls or smole-route output), or nothing yet.
        case input
        case ok
        case error

        /// The kind of record `r` is: `ok` or `error` by its `status`, else `input`.
        public init(_ r: Record) {
            self = r.isOK ? .ok : r.isError ? .error : .input
        }
    }

    /// Whether `next` takes the place of the kept record. An input record never replaces a result
    /// (`smole-route ... >> results.ndjson` forgets smole-extract, or results and inputs are
    /// concatenated); an error replaces an ok result only when it says something about the document.
    public static func replaces(kept: Kept, next: Record) -> Bool {
        let nextKind = Kept(next)
        if nextKind == .input { return kept == .input }
        guard kept == .ok, nextKind == .error, let error = next.error else { return true }
        return codesAboutDocument.contains(error.code) && !error.retryable
    }

    /// The fold itself, the one every reader of a results stream uses: per key, the record that describes the
    /// document so far (as its `Kept` kind) and a value the reader keeps for it, with keys in first-seen order.
    /// A bare path line (`offer(nil, ...)`) reads as an input record: it never replaces a result.
    public struct Latest<Key: Hashable, Value> {
        /// The keys in the order they were first offered.
        public private(set) var keys: [Key] = []
        /// The value kept for each key, parallel to `keys`.
        public private(set) var values: [Value] = []
        private var kinds: [Kept] = []
        private var index: [Key: Int] = [:]

        /// An empty fold.
        public init() {}

        /// How many keys were offered.
        public var count: Int { keys.count }

        /// The value kept for `key`, if it was offered.
        public subscript(key: Key) -> Value? { index[key].map { values[$0] } }

        /// Offers `next` for `key` (nil: a bare path line). When it takes the place of what is kept (or the key
        /// is new), `value()` is kept for the key and the result is true; otherwise nothing changes.
        ///
        /// - Throws: Only what `value` throws.
        @discardableResult
        public mutating func offer(_ next: Record?, key: Key, value: () throws -> Value) rethrows -> Bool {
            let kind = next.map(Kept.init) ?? .input
            guard let i = index[key] else {
                let v = try value()  // first, so a throw leaves the fold as it was
                index[key] = keys.count
                keys.append(key)
                values.append(v)
                kinds.append(kind)
                return true
            }
            let replaces = next.map { ResultFold.replaces(kept: kinds[i], next: $0) } ?? (kinds[i] == .input)
            guard replaces else { return false }
            values[i] = try value()
            kinds[i] = kind
            return true
        }
    }
}

extension ResultFold.Latest: Sendable where Key: Sendable, Value: Sendable {}
