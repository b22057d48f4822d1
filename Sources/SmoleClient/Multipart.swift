import NIOCore
import SmoleBackend
import SmoleRecords

/// A multipart/form-data body with a `schemaId` field and a `file` part streamed from disk in
/// 64 KiB chunks, so memory does not grow with the file's size.
public struct MultipartFileBody: AsyncSequence, Sendable {
    /// The body arrives as byte buffers: the part headers, the file in chunks of up to 64 KiB, the closing boundary.
    public typealias Element = ByteBuffer
    /// The boundary between parts (without the leading `--`).
    public let boundary: String
    /// The file uploaded as the `file` part.
    public let path: String
    /// The file's size in bytes when it was checked; the upload fails if the file then grows or shrinks.
    public let fileSize: Int64
    let head: [UInt8]
    let tail: [UInt8]
    static let chunk = 64 * 1024

    /// A body for the file at `path` (`fileSize` bytes) with `schema` as the `schemaId` field. The part's file name is
    /// the path's last component, with `"`, CR and LF percent-encoded (as HTML form submission does).
    public init(path: String, fileSize: Int64, schema: String, boundary: String = MultipartFileBody.newBoundary()) {
        self.boundary = boundary
        self.path = path
        self.fileSize = fileSize
        let name = Self.quote(String(path.split(separator: "/").last ?? Substring(path)))
        var h = "--\(boundary)\r\nContent-Disposition: form-data; name=\"schemaId\"\r\n\r\n\(schema)\r\n"
        h += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
        h += "Content-Type: application/octet-stream\r\n\r\n"
        head = Array(h.utf8)
        tail = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The request's `Content-Type`: `multipart/form-data; boundary=...` (RFC 7578).
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }
    /// The whole body's length in bytes, for `Content-Length`.
    public var length: Int64 { Int64(head.count) + fileSize + Int64(tail.count) }

    /// A fresh random boundary: `smole-` and four random 64-bit numbers in base 36 (at most 58 characters, within RFC
    /// 2046's 70).
    public static func newBoundary() -> String {
        var g = SystemRandomNumberGenerator()
        return "smole-" + (0..<4).map { _ in String(g.next() as UInt64, radix: 36) }.joined()
    }

    /// Quotes a file name for a Content-Disposition parameter (HTML's form encoding).
    static func quote(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Owns the open file so it is closed even when an upload is abandoned midway.
    final class OpenFile: @unchecked Sendable {
        var fd: Int32 = -1
        deinit { if fd >= 0 { close(fd) } }
    }

    /// Yields the head, the file in chunks, then the tail; owns the open file.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: MultipartFileBody
        var stage = 0
        let file = OpenFile()
        var fd: Int32 {
            get { file.fd }
            nonmutating set { file.fd = newValue }
        }
        var sent: Int64 = 0
        let allocator = ByteBufferAllocator()

        /// The next buffer of the body, or nil after the closing boundary.
        ///
        /// - Throws: `UploadError` when the file cannot be opened, or it grew or shrank while it was uploaded (a read
        ///   error also reads as shrinking).
        public mutating func next() async throws -> ByteBuffer? {
            switch stage {
            case 0:
                stage = 1
                fd = open(body.path, O_RDONLY | O_CLOEXEC)
                if fd < 0 { throw UploadError(message: "\(body.path): \(String(cString: strerror(errno)))") }
                return allocator.buffer(bytes: body.head)
            case 1:
                let want = Int(Swift.min(Int64(MultipartFileBody.chunk), body.fileSize - sent))
                if want <= 0 {
                    var extra: UInt8 = 0
                    let more = read(fd, &extra, 1)
                    close(fd)
                    fd = -1
                    stage = 2
                    if more > 0 { throw UploadError(message: "\(body.path): the file grew while it was uploaded") }
                    return allocator.buffer(bytes: body.tail)
                }
                var buf = allocator.buffer(capacity: want)
                let n = buf.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { p in
                    var r: Int
                    repeat { r = read(fd, p.baseAddress!, want) } while r < 0 && errno == EINTR
                    return Swift.max(r, 0)
                }
                if n == 0 {
                    close(fd)
                    fd = -1
                    throw UploadError(message: "\(body.path): the file shrank while it was uploaded")
                }
                sent += Int64(n)
                return buf
            default:
                return nil
            }
        }
    }

    /// A fresh iterator; the file is opened at the first `next()`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}

/// Why the file could not be streamed into the request body; the orchestrator records it as `unreadable`.
public struct UploadError: Error, Sendable {
    /// The message, naming the file.
    public var message: String
}
