import Foundation

/// Finding a byte string in bytes: memchr for the needle's first byte, then memcmp (both vectorised in libc; a Swift
/// byte loop was a visible share of a large PDF's time). memmem is a GNU extension Swift does not import.
enum ByteSearch {
    /// The first offset ≥ `from` where `needle` occurs in `hay`.
    static func find(_ needle: [UInt8], in hay: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard !needle.isEmpty, from >= 0, hay.count - from >= needle.count, let base = hay.baseAddress else {
            return nil
        }
        return needle.withUnsafeBytes { m -> Int? in
            let n = m.count
            var p = base + from
            let end = base + hay.count
            while end - p >= n, let hit = memchr(p, Int32(m[0]), end - p - n + 1) {
                if memcmp(hit, m.baseAddress!, n) == 0 { return UnsafeRawPointer(hit) - base }
                p = UnsafeRawPointer(hit) + 1
            }
            return nil
        }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int = 0) -> Int? {
        hay.withUnsafeBytes { find(needle, in: $0, from: from) }
    }

    static func contains(_ needle: [UInt8], in hay: [UInt8]) -> Bool { find(needle, in: hay) != nil }

    /// Without copying a file's bytes out of their Data.
    static func contains(_ needle: [UInt8], in hay: Data) -> Bool {
        hay.withUnsafeBytes { find(needle, in: $0) } != nil
    }
}
