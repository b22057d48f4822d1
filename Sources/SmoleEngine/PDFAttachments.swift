import Foundation

/// Reads embedded-file streams straight out of a PDF's bytes, so an e-invoice's XML attachment is found without
/// starting `pdfdetach` twice (`-list`, then `-save`). An embedded file is a stream object, and a stream is never
/// inside a compressed object stream, so its dictionary (`/Type /EmbeddedFile`) and its data are in the raw bytes.
/// Unfiltered and FlateDecode streams are read (zlib, loaded from the system's libz); anything else — another
/// filter, an encrypted document, a damaged stream — returns nothing here and the caller falls back to pdfdetach.
enum PDFAttachments {
    /// The decoded data of every embedded-file stream found, in file order, each at most `limit` bytes, and
    /// whether every one found could be read (when not, pdfdetach should have a look).
    static func embeddedFiles(in pdf: [UInt8], limit: Int = 64 * 1024 * 1024) -> (files: [[UInt8]], complete: Bool) {
        var out: [[UInt8]] = []
        var complete = true
        if contains(pdf, "/Encrypt") { return ([], false) }
        let marker = Array("/EmbeddedFile".utf8)
        var from = 0
        while let at = ByteSearch.find(marker, in: pdf, from: from) {
            from = at + marker.count
            // "/EmbeddedFiles" is the name tree in the catalog, not a stream.
            if from < pdf.count, isNameChar(pdf[from]) { continue }
            guard let data = streamData(around: at, in: pdf, limit: limit) else { complete = false; continue }
            out.append(data)
        }
        return (out, complete)
    }

    /// The stream whose dictionary holds the byte offset `at`: from the dictionary to `stream`, its data to
    /// `endstream`, decoded per its /Filter.
    static func streamData(around at: Int, in pdf: [UInt8], limit: Int) -> [UInt8]? {
        // The dictionary ends at the first "stream" keyword after the marker (before any "endobj").
        // The keyword follows the dictionary's ">>" and ends its line ("/Subtype /application#2Foctet-stream" is not it).
        var search = at
        var keyword: Int? = nil
        while let k = ByteSearch.find(Array("stream".utf8), in: pdf, from: search) {
            search = k + 6
            var b = k - 1
            while b > at, pdf[b] == 0x20 || pdf[b] == 0x0A || pdf[b] == 0x0D || pdf[b] == 0x09 { b -= 1 }
            if pdf[b] == 0x3E, k + 6 < pdf.count, pdf[k + 6] == 0x0A || pdf[k + 6] == 0x0D { keyword = k; break }
        }
        guard let kw = keyword else { return nil }
        if let endobj = ByteSearch.find(Array("endobj".utf8), in: pdf, from: at), endobj < kw { return nil }
        // The dictionary starts after the object header "N G obj" before the marker.
        guard let objStart = findBackward(Array("obj".utf8), in: pdf, before: at) else { return nil }
        let dict = Array(pdf[objStart..<kw])
        var start = kw + 6
        if start < pdf.count, pdf[start] == 0x0D { start += 1 }
        if start < pdf.count, pdf[start] == 0x0A { start += 1 }
        guard let end = ByteSearch.find(Array("endstream".utf8), in: pdf, from: start) else { return nil }
        var raw = Array(pdf[start..<end])
        while let l = raw.last, l == 0x0A || l == 0x0D { raw.removeLast() }
        let filters = filterNames(dict)
        if filters.isEmpty { return raw.count <= limit ? raw : nil }
        guard filters == ["FlateDecode"] || filters == ["Fl"] else { return nil }
        // Predictors are not used for embedded files in practice; a stream with DecodeParms is left to pdfdetach.
        if contains(dict, "/DecodeParms") || contains(dict, "/DP") { return nil }
        return Zlib.inflate(raw, limit: limit)
    }

    /// The names after /Filter: `/Filter /FlateDecode` or `/Filter [/FlateDecode]`.
    static func filterNames(_ dict: [UInt8]) -> [String] {
        guard let f = ByteSearch.find(Array("/Filter".utf8), in: dict, from: 0) else { return [] }
        var i = f + 7
        while i < dict.count, dict[i] == 0x20 || dict[i] == 0x0A || dict[i] == 0x0D || dict[i] == 0x09 { i += 1 }
        var names: [String] = []
        let array = i < dict.count && dict[i] == 0x5B
        if array { i += 1 }
        while i < dict.count {
            while i < dict.count, dict[i] == 0x20 || dict[i] == 0x0A || dict[i] == 0x0D || dict[i] == 0x09 { i += 1 }
            guard i < dict.count, dict[i] == 0x2F else { break }
            i += 1
            let s = i
            while i < dict.count, isNameChar(dict[i]) { i += 1 }
            names.append(String(decoding: dict[s..<i], as: UTF8.self))
            if !array { break }
        }
        return names
    }

    static func isNameChar(_ b: UInt8) -> Bool {
        // PDF delimiters and white space end a name.
        !(b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00 || b == 0x2F || b == 0x3C || b == 0x3E
          || b == 0x5B || b == 0x5D || b == 0x28 || b == 0x29 || b == 0x7B || b == 0x7D || b == 0x25)
    }

    static func contains(_ hay: [UInt8], _ s: String) -> Bool { ByteSearch.contains(Array(s.utf8), in: hay) }

    /// The offset just past the last `needle` that ends before `before`, looking back at most 64 KB.
    static func findBackward(_ needle: [UInt8], in hay: [UInt8], before: Int) -> Int? {
        let n = needle.count
        var i = min(before, hay.count) - n
        let stop = max(0, before - 65_536)
        while i >= stop {
            if hay[i] == needle[0], Array(hay[i..<(i + n)]) == needle { return i + n }
            i -= 1
        }
        return nil
    }
}

/// zlib's `uncompress`, loaded at run time from the system library (present on every Debian system).
enum Zlib {
    typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32

    nonisolated(unsafe) static let uncompress: Uncompress? = {
        for name in ["libz.so.1", "libz.so"] {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL), let p = dlsym(h, "uncompress") else { continue }
            return unsafeBitCast(p, to: Uncompress.self)
        }
        return nil
    }()

    /// Inflates a zlib stream (bytes after its end are ignored). Nil when it is not one, or is larger than `limit`.
    static func inflate(_ data: [UInt8], limit: Int) -> [UInt8]? {
        guard let uncompress, !data.isEmpty else { return nil }
        var capacity = max(4096, min(limit, data.count * 8))
        while true {
            var out = [UInt8](repeating: 0, count: capacity)
            var len = UInt(capacity)
            let rc = out.withUnsafeMutableBufferPointer { o in
                data.withUnsafeBufferPointer { d in uncompress(o.baseAddress, &len, d.baseAddress, UInt(d.count)) }
            }
            switch rc {
            case 0:                                   // Z_OK
                out.removeSubrange(Int(len)...)
                return out
            case -5 where capacity < limit:           // Z_BUF_ERROR: the output did not fit
                capacity = min(limit, capacity * 4)
            default:
                return nil
            }
        }
    }
}
