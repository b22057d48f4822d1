import Foundation
import SmoleRecords
import Synchronization

/// What smole-ls walks and how.
public struct WalkOptions: Sendable {
    /// Deepest level listed below a named folder (its own files are level 1); nil for no limit.
    public var maxDepth: Int?
    /// Follow symbolic links met during the walk (loops are detected and skipped).
    public var follow = false
    /// List entries whose name starts with `.` (and walk such folders).
    public var hidden = false
    /// Compute `sha256` (reads every byte of every file).
    public var hash = true
    /// `--glob`/`--exclude`: which files are listed and which folders are skipped whole.
    public var filter = PathFilter()
    /// Files read at once; 0 means one per processor.
    public var jobs = 0

    /// The defaults: no depth limit, no symbolic links followed, hidden entries skipped, hashing on, one reader per
    /// processor.
    public init() {}
}

/// What a listing ran into.
public struct WalkSummary: Sendable {
    /// File records written.
    public var files = 0
    /// Error records written (`not_found`, `unreadable`).
    public var errors = 0
    /// Named paths that do not exist.
    public var missing = 0

    /// 66 when a named path is missing, 1 when any other error record was written, else 0.
    public var exitStatus: ExitStatus {
        if missing > 0 { return .noInput }
        if errors > 0 { return .someErrors }
        return .ok
    }
}

/// smole-ls: walks the named paths in a stable sorted order and describes each regular file
/// (path, name, size, mtime, type, sha256). Files are read in parallel in batches; records are
/// written in walk order as each batch completes, so output streams and never reorders.
public final class Lister {
    /// The options the listing runs with.
    public let options: WalkOptions
    private let emit: (Record) -> Void
    private var summary = WalkSummary()
    private var batch: [Item] = []
    private var batchBytes = 0
    private let workers: Int
    private let buffers: [UnsafeMutableRawPointer]
    private let digests: [Digest256]
    /// The read buffer per worker, in bytes (1 MiB): files are hashed in chunks of this size.
    public static let readSize = 1 << 20

    enum Item: Sendable {
        case file(path: DocumentPath, name: DocumentPath, size: Int)
        case record(Record)
    }

    struct DevIno: Hashable { var dev: UInt64; var ino: UInt64 }

    /// `emit` receives each record in order, on the calling thread.
    public init(options: WalkOptions, emit: @escaping (Record) -> Void) {
        self.options = options
        self.emit = emit
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        workers = max(1, options.jobs > 0 ? options.jobs : min(cpus, 8))
        buffers = (0..<workers).map { _ in
            UnsafeMutableRawPointer.allocate(byteCount: Lister.readSize, alignment: 64)
        }
        digests = (0..<workers).map { _ in Digest256() }
    }

    deinit { for b in buffers { b.deallocate() } }

    /// Lists every root in order ("." when none) and returns what happened.
    public func run(_ roots: [String]) -> WalkSummary {
        run(paths: roots.map(DocumentPath.init))
    }

    /// Lists every root, given as the bytes of its name, in order ("." when none). A name that
    /// is not UTF-8 is listed with `{"bytes": base64}` as its `path` and `name`.
    public func run(paths roots: [DocumentPath]) -> WalkSummary {
        for root in roots.isEmpty ? [DocumentPath(".")] : roots { list(root: root) }
        flush()
        return summary
    }

    // MARK: walking

    private func list(root rootPath: DocumentPath) {
        var st = stat()
        let root = rootPath.display
        if root.isEmpty || Lister.cStat(rootPath.bytes, &st, follow: true) != 0 {
            let e = root.isEmpty ? ENOENT : errno
            if e == ENOENT || e == ENOTDIR {
                var lst = stat()
                let dangling = !root.isEmpty && Lister.cStat(rootPath.bytes, &lst, follow: false) == 0
                summary.missing += 1
                add(
                    .record(
                        Lister.errorRecord(
                            path: rootPath, .notFound,
                            dangling ? "\(root): broken symbolic link" : "\(root): no such file or folder")))
            } else {
                add(.record(Lister.errorRecord(path: rootPath, .unreadable, "\(root): \(Lister.strerror(e))")))
            }
            return
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR {
            var prefix = rootPath.bytes
            if prefix == [0x2E] || prefix == [0x2E, 0x2F] {
                prefix = []
            } else {
                while prefix.count > 1, prefix.last == 0x2F { prefix.removeLast() }
                if prefix != [0x2F] { prefix.append(0x2F) }
            }
            walk(dir: prefix, relative: "", depth: 0, ancestors: [DevIno(st)])
        } else if kind == S_IFREG {
            let name = rootPath.baseName
            if options.filter.includes(file: PathFilter.normalize(root), name: name.display) {
                add(.file(path: rootPath, name: name, size: Int(st.st_size)))
            }
        } else {
            add(.record(Lister.errorRecord(path: rootPath, .unreadable, "\(root): not a regular file or folder")))
        }
    }

    /// Walks the folder whose path (as reachable from the working directory) is `dir`, as bytes
    /// ("" for the working directory itself, otherwise ending in `/`). File names are bytes: a
    /// name that is not UTF-8 is carried as bytes, and globs match its text with `\xNN` escapes.
    private func walk(dir: [UInt8], relative: String, depth: Int, ancestors: Set<DevIno>) {
        let shownPath = DocumentPath(bytes: dir.isEmpty ? [0x2E] : Array(dir.dropLast(dir == [0x2F] ? 0 : 1)))
        let shown = shownPath.display
        let opened: OpaquePointer? = Lister.withCPath(dir.isEmpty ? [0x2E] : dir) { opendir($0) }
        guard let d = opened else {
            let e = errno
            add(.record(Lister.errorRecord(path: shownPath, .unreadable, "\(shown): \(Lister.strerror(e))")))
            return
        }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let ent = readdir(d) else {
                if errno != 0 {
                    let e = errno
                    add(.record(Lister.errorRecord(path: shownPath, .unreadable, "\(shown): \(Lister.strerror(e))")))
                }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                let p = raw.bindMemory(to: UInt8.self)
                let len = p.firstIndex(of: 0) ?? p.count
                return Array(p[0..<len])
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        closedir(d)
        names.sort { $0.lexicographicallyPrecedes($1) }

        for raw in names {
            if !options.hidden, raw.first == 0x2E { continue }
            let nameBytes = DocumentPath(bytes: raw)
            let name = nameBytes.display
            let pathBytes = DocumentPath(bytes: dir + raw)
            let path = pathBytes.display
            let rel = relative.isEmpty ? name : relative + "/" + name
            let level = depth + 1
            var st = stat()
            if Lister.cStat(pathBytes.bytes, &st, follow: false) != 0 {
                let e = errno
                if options.filter.includes(file: rel, name: name) {
                    add(
                        .record(
                            Lister.errorRecord(
                                path: pathBytes, e == ENOENT ? .notFound : .unreadable, "\(path): \(Lister.strerror(e))"
                            )))
                }
                continue
            }
            var kind = st.st_mode & S_IFMT
            if kind == S_IFLNK {
                guard options.follow else { continue }
                if Lister.cStat(pathBytes.bytes, &st, follow: true) != 0 {
                    let e = errno
                    if level <= (options.maxDepth ?? Int.max), options.filter.includes(file: rel, name: name) {
                        let msg =
                            e == ENOENT || e == ENOTDIR
                            ? "\(path): broken symbolic link" : "\(path): \(Lister.strerror(e))"
                        add(
                            .record(
                                Lister.errorRecord(
                                    path: pathBytes, e == ELOOP || e == EACCES ? .unreadable : .notFound, msg)))
                    }
                    continue
                }
                kind = st.st_mode & S_IFMT
            }
            if kind == S_IFDIR {
                if options.filter.prunes(directory: rel, name: name) { continue }
                if let m = options.maxDepth, level >= m { continue }
                let id = DevIno(st)
                if ancestors.contains(id) {
                    Diagnostics.warning(
                        "\(path): symbolic link loop (it leads back to a folder above it); not followed")
                    continue
                }
                var next = ancestors
                next.insert(id)
                walk(dir: pathBytes.bytes + [0x2F], relative: rel, depth: level, ancestors: next)
            } else if kind == S_IFREG {
                if let m = options.maxDepth, level > m { continue }
                if options.filter.includes(file: rel, name: name) {
                    add(.file(path: pathBytes, name: nameBytes, size: Int(st.st_size)))
                }
            }
            // FIFOs, sockets and devices are not documents: skipped, as `find -type f` does.
        }
    }

    // MARK: batches

    private func add(_ item: Item) {
        batch.append(item)
        if case .file(_, _, let size) = item { batchBytes += size }
        if batch.count >= 512 || batchBytes >= 64 << 20 { flush() }
    }

    private func flush() {
        if batch.isEmpty { return }
        let items = batch
        batch.removeAll(keepingCapacity: true)
        batchBytes = 0
        let results = UnsafeMutableBufferPointer<Record>.allocate(capacity: items.count)
        defer { results.deallocate() }
        let hash = options.hash
        let fileCount = items.reduce(0) { n, i in if case .file = i { return n + 1 } else { return n } }
        let lanes = min(workers, max(1, fileCount))
        let next = Counter()
        nonisolated(unsafe) let buffers = self.buffers
        nonisolated(unsafe) let digests = self.digests
        nonisolated(unsafe) let out = results
        let work: @Sendable (Int) -> Void = { lane in
            let buf = buffers[lane]
            let digest = digests[lane]
            while true {
                let i = next.take()
                if i >= items.count { break }
                switch items[i] {
                case .record(let r):
                    (out.baseAddress! + i).initialize(to: r)
                case .file(let path, let name, _):
                    (out.baseAddress! + i).initialize(
                        to: Lister.describe(path: path, name: name, hash: hash ? digest : nil, buffer: buf))
                }
            }
        }
        if lanes == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: lanes, execute: work)
        }
        for i in 0..<items.count {
            let r = results[i]
            if r.isError {
                summary.errors += 1
                Diagnostics.error(r.error?.message ?? "error")
            } else {
                summary.files += 1
            }
            emit(r)
        }
        _ = results.baseAddress.map { $0.deinitialize(count: items.count) }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func take() -> Int {
            value.withLock { v in
                v += 1
                return v - 1
            }
        }
    }

    // MARK: one file

    /// Reads the file at `path` once: sniffs its type from the first bytes and, when `hash`,
    /// digests all of it in `Lister.readSize` chunks. Failures become error records.
    public static func describe(path: String, name: String, hash digest: Digest256?, buffer: UnsafeMutableRawPointer)
        -> Record
    {
        describe(path: DocumentPath(path), name: DocumentPath(name), hash: digest, buffer: buffer)
    }

    /// `describe` for a path given as bytes (opened by those very bytes).
    public static func describe(
        path pathBytes: DocumentPath, name: DocumentPath, hash digest: Digest256?, buffer: UnsafeMutableRawPointer
    ) -> Record {
        let hash = digest != nil
        let path = pathBytes.display
        // A read error on an earlier file may have left bytes in the digest.
        digest?.reset()
        let fd = withCPath(pathBytes.bytes) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        if fd < 0 {
            let e = errno
            return errorRecord(path: pathBytes, e == ENOENT ? .notFound : .unreadable, "\(path): \(strerror(e))")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            return errorRecord(path: pathBytes, .unreadable, "\(path): \(strerror(e))")
        }
        if st.st_mode & S_IFMT != S_IFREG {
            return errorRecord(path: pathBytes, .unreadable, "\(path): not a regular file")
        }
        let want = hash ? readSize : Sniff.headSize
        // The head: at least `Sniff.headSize` bytes unless the file is shorter.
        var got = 0
        var eof = false
        while got < Sniff.headSize {
            let n = read(fd, buffer + got, want - got)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                return errorRecord(path: pathBytes, .unreadable, "\(path): \(strerror(e))")
            }
            if n == 0 {
                eof = true
                break
            }
            got += n
        }
        let head = UnsafeRawBufferPointer(start: buffer, count: min(got, Sniff.headSize))
        let type = Sniff.mediaType(head, complete: got <= Sniff.headSize && (eof || Int(st.st_size) <= got))
        var total = got
        if hash {
            digest?.update(UnsafeRawBufferPointer(start: buffer, count: got))
            while !eof {
                let n = read(fd, buffer, readSize)
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    return errorRecord(path: pathBytes, .unreadable, "\(path): \(strerror(e))")
                }
                if n == 0 { break }
                total += n
                digest?.update(UnsafeRawBufferPointer(start: buffer, count: n))
            }
        }
        var r = Record()
        r["path"] = pathBytes.json
        r["name"] = name.json
        r["size"] = .number(String(hash ? total : Int(st.st_size)))
        r["mtime"] = .string(Timestamp.format(seconds: Int(st.st_mtim.tv_sec)))
        r["type"] = .string(type)
        if let digest { r["sha256"] = .string(digest.finalizeHex()) }
        return r
    }

    /// An error record for a path given as text: `{"path", "name", "status": "error", "error"}`.
    public static func errorRecord(path: String, _ code: ErrorCode, _ message: String) -> Record {
        errorRecord(path: DocumentPath(path), code, message)
    }

    /// An error record for a path given as bytes: `{"path", "name", "status": "error", "error"}`, the path a string or
    /// `{"bytes": base64}`.
    public static func errorRecord(path: DocumentPath, _ code: ErrorCode, _ message: String) -> Record {
        var r = Record()
        r["path"] = path.json
        r["name"] = path.baseName.json
        r.setError(RecordError(code, message))
        return r
    }

    /// Calls `body` with a NUL-terminated C path made of exactly these bytes.
    static func withCPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        var z = bytes
        z.append(0)
        return z.withUnsafeBufferPointer { b in b.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    /// stat(2) (`follow`) or lstat(2) on a path given as bytes.
    static func cStat(_ bytes: [UInt8], _ st: inout stat, follow: Bool) -> Int32 {
        withCPath(bytes) { follow ? stat($0, &st) : lstat($0, &st) }
    }

    /// The text after the last `/`, trailing slashes ignored (`/` stays `/`).
    public static func baseName(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if let i = p.lastIndex(of: "/"), p != "/" { return String(p[p.index(after: i)...]) }
        return String(p)
    }

    static func strerror(_ e: Int32) -> String { LibC.strerror(e) }
}

extension Lister.DevIno {
    init(_ st: stat) {
        dev = UInt64(st.st_dev)
        ino = UInt64(st.st_ino)
    }
}
