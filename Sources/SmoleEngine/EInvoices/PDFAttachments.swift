import Foundation

/// The files embedded in a PDF (ISO 32000-1 §7.11.4), read from the PDF's own bytes so that an e-invoice's XML
/// attachment is found without starting `pdfdetach` twice (`-list`, then `-save`).
///
/// Input: a PDF's bytes. Output: each embedded file's name and decoded data, and whether the reading is certain.
/// Order of evidence: every file specification (a dictionary with `/EF`) wherever it is written — the
/// `/EmbeddedFiles` name tree (with `/Kids` or not), the catalog's or a page's `/AF` array, a file attachment
/// annotation, in the open or inside an object stream — gives a name (`/UF`, else `/F`) and the embedded-file
/// stream it points to; then any `/Type /EmbeddedFile` stream no specification pointed to, without a name.
/// Names are read with their `#xx` escapes decoded, strings with their escapes, `/Length` direct or indirect,
/// `stream` after CR LF or LF, nested `/Params` dictionaries as any other value.
/// Unfiltered and FlateDecode streams are decoded (zlib, loaded from the system's libz). Anything else — another
/// filter or a predictor, an encrypted document, a damaged stream, an object stream that cannot be unpacked — makes
/// the reading uncertain (`complete == false`): the caller then asks poppler (`pdfdetach`) rather than guess.
enum PDFAttachments {
    struct File: Sendable {
        /// The file specification's name (`/UF`, else `/F`), nil for a stream no specification names.
        var name: String?
        var data: [UInt8]
    }

    /// Whether the bytes could hold an embedded file at all: a file specification's `/EF`, an `/EmbeddedFile`,
    /// or an object stream (`/ObjStm`) where either could hide. When not, there is certainly none (a name spelled
    /// with `#xx` escapes in those keys is not looked for).
    static func mayHaveAttachments(_ pdf: Data) -> Bool {
        ["/EF", "/EmbeddedFile", "/ObjStm"].contains { ByteSearch.contains(Array($0.utf8), in: pdf) }
    }

    /// The decoded data of every embedded file found, in object order, each at most `limit` bytes, and whether every
    /// one found could be read (when not, pdfdetach should have a look).
    static func embeddedFiles(in pdf: [UInt8], limit: Int = 64 * 1024 * 1024) -> (files: [File], complete: Bool) {
        // Strings and streams of an encrypted file are encrypted: poppler decrypts them, this reader does not.
        if ByteSearch.contains(Array("/Encrypt".utf8), in: pdf) { return ([], false) }
        let file = PDFFile(pdf)
        var complete = file.unreadObjectStreams == 0
        var out: [File] = []
        var taken = Set<Int>()

        // File specifications: dictionaries with /EF, at any depth of any object.
        var specs: [[String: PDFObject]] = []
        func collect(_ o: PDFObject, depth: Int) {
            guard depth < 32 else { return }
            switch o {
            case .dictionary(let d):
                if d["EF"] != nil { specs.append(d) }
                for v in d.values { collect(v, depth: depth + 1) }
            case .array(let a):
                for v in a { collect(v, depth: depth + 1) }
            default: break
            }
        }
        var embeddedStreams: [Int] = []
        // Only objects that mention a file specification or an embedded file (or spell a name with #xx escapes
        // where one could hide) are parsed; the rest of the file is only searched.
        let needles = ["/EF", "EmbeddedFile", "/E#", "#45", "#46"].map { Array($0.utf8) }
        for n in file.objectNumbers where file.mentions(n, anyOf: needles) {
            guard let o = file.object(n) else { continue }
            if o["Type"]?.name == "EmbeddedFile", file.isStream(n) { embeddedStreams.append(n) }
            collect(o, depth: 0)
        }
        // Each specification's stream (/UF and /F of /EF normally point to the same one), in file order: the
        // order a dictionary's values come in is not the file's.
        var pointed: [(stream: Int, name: String?)] = []
        for spec in specs {
            guard let ef = file.resolve(spec["EF"])?.dictionary,
                let n = ["UF", "F"].lazy.compactMap({ ef[$0]?.reference }).first
            else { complete = false; continue }
            pointed.append((n, file.resolve(spec["UF"])?.text ?? file.resolve(spec["F"])?.text))
        }
        for (n, name) in pointed.sorted(by: { ($0.stream, $0.name ?? "") < ($1.stream, $1.name ?? "") })
        where !taken.contains(n) {
            taken.insert(n)
            guard let s = file.stream(n, limit: limit) else { complete = false; continue }
            out.append(File(name: name, data: s.data))
        }
        for n in embeddedStreams where !taken.contains(n) {
            taken.insert(n)
            guard let s = file.stream(n, limit: limit) else { complete = false; continue }
            out.append(File(name: nil, data: s.data))
        }
        return (out, complete)
    }
}

/// zlib's `uncompress`, loaded at run time from the system library (present on every Debian system).
enum Zlib {
    typealias Uncompress =
        @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32

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
            case 0:  // Z_OK
                out.removeSubrange(Int(len)...)
                return out
            case -5 where capacity < limit:  // Z_BUF_ERROR: the output did not fit
                capacity = min(limit, capacity * 4)
            default:
                return nil
            }
        }
    }
}
