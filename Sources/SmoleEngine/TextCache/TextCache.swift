import Foundation
import SmoleRecords
import Synchronization

// Stage 1's memory: the text a document's text sources produced (pdftotext's text, OCR readings), kept on disk by
// content, so `smole-route --classify` and `smole-extract` read a scan once between them and a rerun of the same
// folder runs no OCR at all. The engine asks for an entry with `TextCache.through(...)`; a miss runs the text source
// and stores what it returned. Extraction then runs on exactly the strings the text source gave (byte for byte), so
// cached and uncached runs give the same results.

/// A content-addressed, size-bounded store of document text on disk, shared by concurrent processes.
///
/// - Key: SHA-256 of the document's bytes, `TextSource.version`, `EngineOptions.textSettingsKey`, and the reading
///   itself (which program at which path, the OCR languages, the page, the clean-up), hashed again with SHA-256
///   into the entry's file name `<64 hex>.json`.
/// - Place: `$XDG_CACHE_HOME/smole`, or `~/.cache/smole` when `XDG_CACHE_HOME` is unset, empty or relative (the
///   XDG Base Directory Specification). The folder is made with mode 0700 and kept at 0700; a folder owned by
///   another user is not used. Entries are files of mode 0600.
/// - Bound: `SMOLE_CACHE_MAX` (a size such as `500M`; `0` turns the cache off), default
///   `TextCache.defaultMaxBytes`. When the entries pass the bound, the least recently used (by modification
///   time; a hit touches its entry) are removed until they fill at most 90% of it.
/// - Concurrency: an entry is written to a temporary file in the same folder and renamed into place (rename(2) is
///   atomic), so a reader sees a whole entry or none. An entry that does not parse, names another key or fails its
///   checksum is ignored, and the fresh reading replaces it.
/// - Failures: the cache never fails an extraction. A folder that cannot be made or written is reported once on
///   stderr and the engine reads without it.
public final class TextCache: Sendable {
    /// The folder holding the entries.
    public let directory: String
    /// The bound on the entries' total size, in bytes.
    public let maxBytes: Int64
    /// 100 MiB: OCR text is a few kilobytes a page, so this holds the readings of tens of thousands of documents.
    public static let defaultMaxBytes: Int64 = 100 * 1024 * 1024
    private let state = CacheState()

    /// A cache in `directory` bounded to `maxBytes`. The folder is made (mode 0700) when the first entry is written.
    public init(directory: String, maxBytes: Int64 = TextCache.defaultMaxBytes) {
        self.directory = directory
        self.maxBytes = max(0, maxBytes)
    }

    /// The standard cache: `$XDG_CACHE_HOME/smole` (or `~/.cache/smole`), bounded by `SMOLE_CACHE_MAX`.
    /// Nil when `SMOLE_CACHE_MAX` is 0 or no home folder is known.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> TextCache? {
        guard let dir = defaultDirectory(environment: environment) else { return nil }
        let bound = Self.bound(from: environment)
        if bound == 0 { return nil }
        return TextCache(directory: dir, maxBytes: bound)
    }

    /// The bound from `SMOLE_CACHE_MAX` (`ByteSize` syntax: `500M`, `2G`, `0`), or the default when unset. A value
    /// that is not a size is warned about once and the default used.
    public static func bound(from environment: [String: String]) -> Int64 {
        guard let raw = environment["SMOLE_CACHE_MAX"], !raw.isEmpty else { return defaultMaxBytes }
        if let n = ByteSize.parse(raw) { return Int64(n) }
        Diagnostics.warning(
            "SMOLE_CACHE_MAX='\(raw)' is not a size (e.g. 500M, or 0 for no cache); using \(defaultMaxBytes / 1024 / 1024)M"
        )
        return defaultMaxBytes
    }

    /// `$XDG_CACHE_HOME/smole` when that variable is an absolute path, else `$HOME/.cache/smole`; nil without a home.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let x = environment["XDG_CACHE_HOME"], x.hasPrefix("/") { return x + "/smole" }
        var home = environment["HOME"] ?? ""
        if home.isEmpty, let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { home = String(cString: dir) }
        return home.hasPrefix("/") ? home + "/.cache/smole" : nil
    }

    // MARK: entries

    /// The entry's file name for a full key.
    static func fileName(forKey key: String) -> String { Digest256.hash(Array(key.utf8)) + ".json" }

    /// The pages stored under `key`, or nil (missing, unreadable, torn, corrupt, or another key's).
    public func lookup(key: String) -> [String]? {
        let path = directory + "/" + Self.fileName(forKey: key)
        guard let data = FileManager.default.contents(atPath: path),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.format == Entry.currentFormat, entry.key == key, entry.checksum == Entry.checksum(entry.pages)
        else { return nil }
        // Recently used: eviction goes by modification time.
        _ = utimensat(AT_FDCWD, path, nil, 0)
        return entry.pages
    }

    /// Stores `pages` under `key`: a temporary file in the folder, renamed into place. Failures are reported once.
    public func store(key: String, pages: [String]) {
        guard prepareDirectory() else { return }
        let entry = Entry(format: Entry.currentFormat, key: key, checksum: Entry.checksum(pages), pages: pages)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // the same reading gives the same bytes
        guard let data = try? encoder.encode(entry) else { return }
        var template = Array((directory + "/.tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mode 0600
        guard fd >= 0 else {
            return state.warnOnce("cannot write to the text cache \(directory): \(String(cString: strerror(errno)))")
        }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        close(fd)
        guard written, rename(tmp, directory + "/" + Self.fileName(forKey: key)) == 0 else {
            unlink(tmp)
            return state.warnOnce("cannot write to the text cache \(directory): \(String(cString: strerror(errno)))")
        }
        // The entries' total is counted once per process, then kept up to date with this process's own entries;
        // passing the bound counts again (other processes' entries included) and evicts.
        if state.addStored(Int64(data.count), bound: maxBytes) { state.setTotal(evict()) }
    }

    /// Makes the folder (0700) once per process; false when it cannot be used.
    private func prepareDirectory() -> Bool {
        state.prepared {
            let parent = (directory as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                state.warnOnce(
                    "cannot make the text cache folder \(directory): \(String(cString: strerror(errno))); reading without it"
                )
                return false
            }
            var st = stat()
            guard lstat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                state.warnOnce("the text cache \(directory) is not a folder; reading without it")
                return false
            }
            // Another user's folder could hand us text they wrote: not used.
            guard st.st_uid == getuid() else {
                state.warnOnce("the text cache folder \(directory) belongs to another user; reading without it")
                return false
            }
            if st.st_mode & 0o777 != 0o700 { chmod(directory, 0o700) }
            return true
        }
    }

    /// Removes the least recently used entries while the entries fill more than the bound (down to 90% of it),
    /// and temporary files a crashed writer left more than an hour ago. Returns the entries' total size after.
    @discardableResult
    func evict() -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var entries: [(path: String, size: Int64, mtime: Double)] = []
        var total: Int64 = 0
        let now = Date().timeIntervalSince1970
        for name in names {
            let path = directory + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            if name.hasPrefix(".tmp-") {
                if now - mtime > 3600 { unlink(path) }
                continue
            }
            guard name.hasSuffix(".json") else { continue }
            entries.append((path, Int64(st.st_size), mtime))
            total += Int64(st.st_size)
        }
        guard total > maxBytes else { return total }
        let target = maxBytes / 10 * 9
        for e in entries.sorted(by: { $0.mtime < $1.mtime }) {
            if total <= target { break }
            if unlink(e.path) == 0 || errno == ENOENT { total -= e.size }
        }
        return total
    }

    /// One stored reading.
    struct Entry: Codable {
        static let currentFormat = 1
        var format: Int
        var key: String
        /// SHA-256 over each page's length and bytes: a damaged entry that still parses is caught.
        var checksum: String
        var pages: [String]

        static func checksum(_ pages: [String]) -> String {
            let d = Digest256()
            for p in pages {
                var n = UInt64(p.utf8.count).littleEndian
                withUnsafeBytes(of: &n) { d.update($0) }
                var s = p
                s.withUTF8 { d.update(UnsafeRawBufferPointer($0)) }
            }
            return d.finalizeHex()
        }
    }
}

/// The cache's per-process bookkeeping: whether the folder is ready, the entries' total size as last counted plus
/// what this process stored since, and whether a warning was given.
private final class CacheState: Sendable {
    private struct State {
        var ready: Bool? = nil
        var total: Int64? = nil
        var warned = false
    }
    private let state = Mutex(State())

    /// Whether the folder is ready; `make` prepares it the first time (under the lock, so once per process).
    func prepared(_ make: () -> Bool) -> Bool {
        state.withLock { s in
            if let ready = s.ready { return ready }
            let ok = make()
            s.ready = ok
            return ok
        }
    }

    /// Counts a stored entry of `size` bytes; true when the entries must be counted (the first store) or may pass
    /// `bound`: an eviction pass is due.
    func addStored(_ size: Int64, bound: Int64) -> Bool {
        state.withLock { s in
            guard let t = s.total else { return true }
            s.total = t + size
            return t + size > bound
        }
    }

    func setTotal(_ t: Int64) { state.withLock { $0.total = t } }

    func warnOnce(_ message: String) {
        let first = state.withLock { s in
            defer { s.warned = true }
            return !s.warned
        }
        if first { Diagnostics.warning(message) }
    }
}

/// SHA-256 of a document's bytes, computed once per process for each (device, inode, size, modification time).
enum DocumentDigest {
    private static let memo = LockedDictionary<String>()

    /// The hex digest of the file at `path`, or nil when it cannot be read.
    static func of(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let id = "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        if let hit = memo.get(id) { return hit }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let d = Digest256()
        let size = 1 << 20
        let buf = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = read(fd, buf, size)
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            d.update(UnsafeRawBufferPointer(start: buf, count: n))
        }
        let hex = d.finalizeHex()
        memo.set(id, hex)
        return hex
    }
}

extension TextSource {
    /// The text sources' version: part of every text-cache key. Bump it whenever code in `TextSources/` (or the
    /// OCR clean-up in `OCRPrep`) changes the text a reading produces, so entries written by older code are not used.
    static let version = 2

    /// The text of one reading of the document at `path`: from the cache when `options.textCache` holds it under
    /// `reading`, else from `read`, whose result is then stored. `reading` names the reading fully (program and
    /// its arguments, page, clean-up); the document's SHA-256, `version` and `options.textSettingsKey` are added here.
    /// - Throws: whatever `read` throws; nothing is stored then.
    static func cached(
        _ path: String, reading: String, options: EngineOptions,
        _ read: () async throws(RecordError) -> [String]
    ) async throws(RecordError) -> [String] {
        guard let cache = options.textCache, let digest = DocumentDigest.of(path) else { return try await read() }
        let key = "sha256=\(digest)\ntext-source=\(version)\nsettings=\(options.textSettingsKey)\nreading=\(reading)"
        if let hit = cache.lookup(key: key) { return hit }
        let pages = try await read()
        cache.store(key: key, pages: pages)
        return pages
    }

    /// The part of an OCR reading's key that names the OCR program: its path and the `-l` languages it is given, and for
    /// RapidOCR its package version and the sides it reads at.
    static func ocrIdentity(options: EngineOptions) async throws(RecordError) -> String {
        let exe = ExternalTool.locate("tesseract", path: options.toolSearchPath) ?? "tesseract"
        let rapid =
            options.ocr == .rapidocr
            ? " \(RapidOCRWorker.package) \(RapidOCRWorker.version) max-side \(RapidOCRWorker.maxSide) det-side \(RapidOCRWorker.detSide)"
            : ""
        return
            "\(options.ocr.rawValue): \(exe) -l \(try await OCRLanguages.argument(options: options) ?? "default")\(rapid)"
    }
}

extension TextSource {
    /// A photo or scanned image read by OCR (`ocrImageUncached`), through the text cache: one entry per way of
    /// reading it (clean-up or not, scale, quarter turns).
    /// - Throws: `engine_unavailable` without tesseract; what `ocrImageUncached` throws.
    static func ocrImage(
        path: String, options: EngineOptions, prepare: Bool = true, scale: Double = 1,
        quarterTurns: Int = 0
    ) async throws(RecordError) -> String {
        guard options.textCache != nil else {
            return try await ocrImageUncached(
                path: path, options: options, prepare: prepare, scale: scale, quarterTurns: quarterTurns)
        }
        if OCRBackends.primary(options.ocr) is TesseractBackend,
            ExternalTool.locate("tesseract", path: options.toolSearchPath) == nil
        {
            throw ExternalTool.unavailable("tesseract")
        }
        let reading =
            "image: \(try await ocrIdentity(options: options)) --psm 6 -c preserve_interword_spaces=1"
            + " prepare=\(prepare) leptonica=\(OCRPrep.available) scale=\(scale) quarter-turns=\(quarterTurns)"
        let pages = try await cached(path, reading: reading, options: options) {
            () async throws(RecordError) -> [String] in
            [
                try await ocrImageUncached(
                    path: path, options: options, prepare: prepare, scale: scale, quarterTurns: quarterTurns)
            ]
        }
        return pages.first ?? ""
    }
}

extension ExternalTool {
    /// `run(name, args)` on the document at `document` (one of `args`), through the text cache: a run that exited 0
    /// is stored (its output as text) and a later identical run on the same bytes is answered from the cache with
    /// status 0 and that output. Runs that fail are never stored.
    /// - Throws: what `run` throws.
    static func runCached(_ name: String, _ args: [String], document: String, options: EngineOptions)
        async throws(RecordError) -> ToolResult
    {
        guard options.textCache != nil else { return try await run(name, args, options: options) }
        guard let exe = locate(name, path: options.toolSearchPath) else { throw unavailable(name) }
        let reading = ([exe] + args.map { $0 == document ? "<document>" : $0 }).joined(separator: " ")
        var failed: ToolResult? = nil
        do throws(RecordError) {
            let pages = try await TextSource.cached(document, reading: reading, options: options) {
                () async throws(RecordError) -> [String] in
                let r = try await run(name, args, options: options)
                // a failed run is handed back as it was, and not stored
                guard r.status == 0 else { failed = r; throw RecordError(.engineFailed, "\(name) exited \(r.status)") }
                return [r.text]
            }
            return ToolResult(status: 0, stdout: Array((pages.first ?? "").utf8), stderr: "")
        } catch {
            if let failed { return failed }
            throw error
        }
    }
}
