import NIOCore
import SmoleRecords

/// A multipart/form-data body with a `schemaId` field and a `file` part streamed from disk in
/// 64 KiB chunks, so memory does not grow with the file's size.
public struct MultipartFileBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public let boundary: String
    public let path: String
    public let fileSize: Int64
    let head: [UInt8]
    let tail: [UInt8]
    static let chunk = 64 * 1024

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

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }
    public var length: Int64 { Int64(head.count) + fileSize + Int64(tail.count) }

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

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}

public struct UploadError: Error, Sendable {
    public var message: String
}
