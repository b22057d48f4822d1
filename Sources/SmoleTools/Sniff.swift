import SmoleRecords

/// Media types sniffed from a file's first bytes, never from its name.
public enum Sniff {
    /// How many leading bytes `mediaType` looks at.
    public static let headSize = 1024

    /// The media type of an empty file (as file(1) names it).
    public static let empty = "application/x-empty"
    /// The media type of content no signature matches and that is not text (RFC 2046 §4.5.1: arbitrary binary data).
    public static let binary = "application/octet-stream"

    /// The media type of content starting with `head` (the first `headSize` bytes, or the whole
    /// file when shorter). `complete` says whether `head` is the whole file, so a multi-byte
    /// UTF-8 sequence cut at the end of the head is not taken for invalid text.
    public static func mediaType(_ head: UnsafeRawBufferPointer, complete: Bool) -> String {
        let b = head.bindMemory(to: UInt8.self)
        let n = b.count
        if n == 0 { return empty }
        func starts(_ sig: [UInt8], at off: Int = 0) -> Bool {
            guard n >= off + sig.count else { return false }
            for i in 0..<sig.count where b[off + i] != sig[i] { return false }
            return true
        }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "image/tiff" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "application/zip" }
        // A PDF may carry a few bytes of junk before its header (readers accept it within 1 KiB).
        if let r = find(Array("%PDF-".utf8), in: b), r > 0 { return "application/pdf" }

        guard isText(b, complete: complete) else { return binary }
        // Text: skip a UTF-8 BOM and leading white space, then look at the first markup.
        var i = 0
        if starts([0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x0C { i += 1 }
        if i == n { return "text/plain" }
        func startsCI(_ s: String) -> Bool {
            let sig = Array(s.utf8)
            guard n >= i + sig.count else { return false }
            for j in 0..<sig.count {
                var c = b[i + j]
                if c >= 0x41, c <= 0x5A { c += 0x20 }
                if c != sig[j] { return false }
            }
            // The tag name must end here (WHATWG: a space or `>`).
            if let last = sig.last, last >= 0x61, last <= 0x7A, n > i + sig.count {
                let t = b[i + sig.count]
                return t == 0x20 || t == 0x3E || t == 0x09 || t == 0x0A || t == 0x0D || t == 0x2F
            }
            return true
        }
        for tag in [
            "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<h1", "<div", "<font",
            "<table", "<a", "<style", "<title", "<b", "<br", "<p", "<!--",
        ]
        where startsCI(tag) {
            return "text/html"
        }
        if startsCI("<?xml") {
            // XHTML is still HTML to a reader.
            if find(Array("<html".utf8), in: b) != nil { return "text/html" }
            return "application/xml"
        }
        if b[i] == UInt8(ascii: "{") || b[i] == UInt8(ascii: "[") {
            var j = i + 1
            while j < n, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { j += 1 }
            if j == n { return complete ? "text/plain" : "application/json" }
            let c = b[j]
            if b[i] == UInt8(ascii: "{") {
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "}") { return "application/json" }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "{") || c == UInt8(ascii: "[")
                || c == UInt8(ascii: "]") || c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "t") || c == UInt8(ascii: "f") || c == UInt8(ascii: "n")
            {
                return "application/json"
            }
        }
        return "text/plain"
    }

    /// The media type of content starting with `head`, as the buffer form decides it; `complete` defaults to true (the
    /// whole file).
    public static func mediaType(_ head: [UInt8], complete: Bool = true) -> String {
        head.withUnsafeBytes { mediaType($0, complete: complete) }
    }

    /// Text: no NUL and no other control bytes but the usual white space, and valid UTF-8
    /// (a sequence cut off at the end of an incomplete head is allowed).
    static func isText(_ b: UnsafeBufferPointer<UInt8>, complete: Bool) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if c < 0x20, c != 0x09, c != 0x0A, c != 0x0D, c != 0x0C, c != 0x1B { return false }
                if c == 0x7F { return false }
                i += 1
                continue
            }
            let len: Int
            if c & 0xE0 == 0xC0, c >= 0xC2 {
                len = 2
            } else if c & 0xF0 == 0xE0 {
                len = 3
            } else if c & 0xF8 == 0xF0, c <= 0xF4 {
                len = 4
            } else {
                return false
            }
            if i + len > n { return !complete }
            for j in 1..<len where b[i + j] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }

    static func find(_ needle: [UInt8], in b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count, m = needle.count
        guard n >= m else { return nil }
        var i = 0
        outer: while i <= n - m {
            for j in 0..<m where b[i + j] != needle[j] {
                i += 1
                continue outer
            }
            return i
        }
        return nil
    }
}
