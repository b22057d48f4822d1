import Crypto

/// Per-document checks before anything is sent, and streaming SHA-256.
public enum DocumentFile {
    /// The size in bytes of a regular, readable, non-empty file within `maxSize` (bytes; nil: no limit).
    ///
    /// - Throws: `RecordError` `.notFound` when the path does not exist, `.unreadable` for a directory, a file that
    ///   is not regular, an empty file or one that cannot be opened, `.tooLarge` over `maxSize`.
    public static func check(_ path: String, maxSize: Int64?) throws(RecordError) -> Int64 {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw RecordError(.notFound, "\(path): no such file") }
            throw RecordError(.unreadable, "\(path): \(String(cString: strerror(e)))")
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR { throw RecordError(.unreadable, "\(path): is a directory") }
        if kind != S_IFREG { throw RecordError(.unreadable, "\(path): not a regular file") }
        let size = Int64(st.st_size)
        if size == 0 { throw RecordError(.unreadable, "\(path): empty file (0 bytes)") }
        if let maxSize, size > maxSize {
            throw RecordError(.tooLarge, "\(path): \(size) bytes is over the limit of \(maxSize) (--max-size)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))") }
        close(fd)
        return size
    }

    /// Hex SHA-256 (FIPS 180-4) of the file, 64 lower-case digits, read in 256 KiB chunks (constant memory).
    ///
    /// - Throws: `RecordError(.unreadable)` when the file cannot be opened or a read fails.
    public static func sha256(_ path: String) throws(RecordError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = Crypto.SHA256()
        let cap = 256 * 1024
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: cap, alignment: 16)
        defer { buf.deallocate() }
        while true {
            let n = read(fd, buf.baseAddress!, cap)
            if n < 0 {
                if errno == EINTR { continue }
                throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buf[0..<n]))
        }
        return hasher.finalize().map { b in
            let h = String(b, radix: 16)
            return b < 16 ? "0" + h : h
        }.joined()
    }
}
