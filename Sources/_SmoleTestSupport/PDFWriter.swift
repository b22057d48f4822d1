import Foundation

/// A small PDF writer for test fixtures: Helvetica text at positions, several pages, grayscale image pages
/// (a scan with no text layer), and embedded file attachments (Factur-X / ZUGFeRD XML).
public struct PDFWriter {
    /// One run of Helvetica text at a position on the page.
    public struct Text: Sendable {
        /// Distance of the baseline's start from the page's left edge, in points (1/72 inch).
        public var x: Double
        /// Distance of the baseline from the top of the page, in points.
        public var y: Double  // from the top of the page, in points
        /// The font size in points.
        public var size: Double
        /// The text; characters outside WinAnsiEncoding (Latin-1, the euro sign and typographic quotes and dashes)
        /// become `?`.
        public var string: String
        /// A text run at (`x`, `y` from the top) in points, 10 pt by default.
        public init(x: Double, y: Double, size: Double = 10, _ string: String) {
            self.x = x; self.y = y; self.size = size; self.string = string
        }
    }

    enum Page {
        case text([Text])
        case image(gray: [UInt8], width: Int, height: Int)
        /// Text with a grayscale picture (a logo, a letterhead) drawn at (x, y from the top) `drawWidth` points wide.
        case textWithPicture([Text], gray: [UInt8], width: Int, height: Int, x: Double, y: Double, drawWidth: Double)
    }

    /// The page width in points (612 by default: US Letter).
    public var pageWidth: Double
    /// The page height in points (792 by default: US Letter).
    public var pageHeight: Double
    var pages: [Page] = []
    var attachments: [(name: String, data: [UInt8], mime: String, encoding: AttachmentEncoding)] = []

    /// How an attachment's stream is stored: as is, FlateDecode (zlib, as real Factur-X writers do), or
    /// ASCIIHexDecode (a filter few readers decode themselves).
    public enum AttachmentEncoding: Sendable { case none, flate, asciiHex }

    /// How the file around the attachments is written, in the ways PDF producers other than this writer write it.
    /// Every option is valid PDF (ISO 32000-1) and poppler reads every one.
    public struct AttachmentStyle: Sendable {
        /// CR LF ends every line the writer makes, `stream` keywords' lines included (Windows producers).
        public var crlf = false
        /// The stream's `/Length` is an indirect reference to an integer object written after the stream.
        public var indirectLength = false
        /// `/Params << /Size … /CheckSum <…> /CreationDate (…) /ModDate (…) >>`, a dictionary nested in the stream's.
        public var nestedParams = false
        /// Names with `#xx` escapes beyond the mime type's `#2F`: `/Flat#65Decode`, `/F#69lespec`, `/Dat#61`.
        public var escapedNames = false
        /// Every object but the streams packed in one FlateDecode object stream (`/Type /ObjStm`), with a
        /// cross-reference stream instead of a table (PDF 1.5 and later).
        public var objectStreams = false
        /// The `/EmbeddedFiles` name tree as a root with `/Kids`, one leaf per attachment with its `/Limits`.
        public var nameTreeKids = false
        /// File specifications written directly inside the name tree's `/Names` array (no `/AF` then).
        public var inlineFileSpecs = false
        /// File names as UTF-16BE hexadecimal strings with a byte-order mark (`/UF <FEFF…>`).
        public var utf16Names = false
        /// The embedded-file streams without `/Type /EmbeddedFile` (the key is optional).
        public var untypedStreams = false
        /// No `/EmbeddedFiles` name tree: the attachments are listed only in the catalog's `/AF` array.
        public var associatedFilesOnly = false
        /// A style; every option is off by default (the writer's own plain layout).
        public init(
            crlf: Bool = false, indirectLength: Bool = false, nestedParams: Bool = false, escapedNames: Bool = false,
            objectStreams: Bool = false, nameTreeKids: Bool = false, inlineFileSpecs: Bool = false,
            utf16Names: Bool = false, untypedStreams: Bool = false, associatedFilesOnly: Bool = false
        ) {
            self.crlf = crlf; self.indirectLength = indirectLength; self.nestedParams = nestedParams
            self.escapedNames = escapedNames; self.objectStreams = objectStreams; self.nameTreeKids = nameTreeKids
            self.inlineFileSpecs = inlineFileSpecs; self.utf16Names = utf16Names; self.untypedStreams = untypedStreams
            self.associatedFilesOnly = associatedFilesOnly
        }
    }
    /// How attachments and the file around them are written (all options off by default).
    public var attachmentStyle = AttachmentStyle()

    /// An empty document whose pages all have this size in points (US Letter by default).
    public init(pageWidth: Double = 612, pageHeight: Double = 792) {
        self.pageWidth = pageWidth
        self.pageHeight = pageHeight
    }

    /// A page of text items at absolute positions.
    public mutating func addPage(_ texts: [Text]) { pages.append(.text(texts)) }

    /// A page of lines, top to bottom; each line is a list of (x, text) runs, so columns line up.
    public mutating func addPage(
        lines: [[(Double, String)]], top: Double = 60, lineHeight: Double = 14, size: Double = 10
    ) {
        var texts: [Text] = []
        for (i, runs) in lines.enumerated() {
            for (x, s) in runs where !s.isEmpty {
                texts.append(Text(x: x, y: top + Double(i) * lineHeight, size: size, s))
            }
        }
        pages.append(.text(texts))
    }

    /// A page of text lines (as `addPage(lines:)`) with a grayscale picture (8 bits per pixel, row by row) drawn with
    /// its top left corner at (`x`, `y` from the top of the page), `drawWidth` points wide: a logo or a letterhead.
    public mutating func addPage(
        lines: [[(Double, String)]], picture gray: [UInt8], width: Int, height: Int,
        x: Double, y: Double, drawWidth: Double, top: Double = 60, lineHeight: Double = 14, size: Double = 10
    ) {
        precondition(gray.count == width * height, "gray image size mismatch")
        var texts: [Text] = []
        for (i, line) in lines.enumerated() {
            for (x, s) in line { texts.append(Text(x: x, y: top + Double(i) * lineHeight, size: size, s)) }
        }
        pages.append(
            .textWithPicture(texts, gray: gray, width: width, height: height, x: x, y: y, drawWidth: drawWidth))
    }

    /// A page that is only a grayscale image (8 bits per pixel, row by row): a scan without a text layer.
    public mutating func addImagePage(gray: [UInt8], width: Int, height: Int) {
        precondition(gray.count == width * height, "gray image size mismatch")
        pages.append(.image(gray: gray, width: width, height: height))
    }

    /// A page from a binary PGM (P5) file, e.g. made by `pdftoppm -gray`.
    public mutating func addImagePage(pgm: [UInt8]) throws {
        var fields: [String] = []
        var i = 0
        while fields.count < 4, i < pgm.count {
            while i < pgm.count, pgm[i] == 0x20 || pgm[i] == 0x0A || pgm[i] == 0x0D || pgm[i] == 0x09 { i += 1 }
            if i < pgm.count, pgm[i] == UInt8(ascii: "#") { while i < pgm.count, pgm[i] != 0x0A { i += 1 }; continue }
            var s = ""
            while i < pgm.count, !(pgm[i] == 0x20 || pgm[i] == 0x0A || pgm[i] == 0x0D || pgm[i] == 0x09) {
                s.append(Character(UnicodeScalar(pgm[i]))); i += 1
            }
            fields.append(s)
        }
        i += 1
        guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
            pgm.count - i >= w * h
        else {
            throw NSError(
                domain: "PDFWriter", code: 1, userInfo: [NSLocalizedDescriptionKey: "not an 8-bit binary PGM"])
        }
        addImagePage(gray: Array(pgm[i..<(i + w * h)]), width: w, height: h)
    }

    /// Embeds a file (listed in the document's EmbeddedFiles name tree and as an associated file).
    public mutating func attach(
        name: String, data: [UInt8], mimeType: String = "text/xml", encoding: AttachmentEncoding = .none
    ) {
        attachments.append((name, data, mimeType, encoding))
    }

    /// zlib `compress` from the system library, for FlateDecode streams.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        typealias Compress =
            @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) ->
            Int32
        guard let h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL), let sym = dlsym(h, "compress") else {
            fatalError("PDFWriter: libz.so.1 is needed for FlateDecode attachments")
        }
        let compress = unsafeBitCast(sym, to: Compress.self)
        var out = [UInt8](repeating: 0, count: data.count + data.count / 100 + 64)
        var len = UInt(out.count)
        let rc = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { d in compress(o.baseAddress, &len, d.baseAddress, UInt(d.count)) }
        }
        precondition(rc == 0, "zlib compress failed (\(rc))")
        return Array(out[..<Int(len)])
    }

    /// Helvetica with WinAnsiEncoding: Latin-1 plus the euro sign.
    static func encode(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.unicodeScalars {
            var b: UInt8
            switch u.value {
            case 0x20AC: b = 0x80
            case 0x2013: b = 0x96
            case 0x2014: b = 0x97
            case 0x2019: b = 0x92
            case 0x201C: b = 0x93
            case 0x201D: b = 0x94
            case 0x2022: b = 0x95
            case 0x20...0x7E, 0xA0...0xFF: b = UInt8(u.value)
            default: b = UInt8(ascii: "?")
            }
            if b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
            }
            out.append(b)
        }
        return out
    }

    /// The whole PDF file: the pages, the attachments, and a cross-reference table (or a cross-reference stream with
    /// `objectStreams`).
    public func data() -> [UInt8] {
        var objects: [[UInt8]] = []  // object n is objects[n-1]
        func add(_ body: [UInt8]) -> Int { objects.append(body); return objects.count }
        func reserve() -> Int { objects.append([]); return objects.count }
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        let style = attachmentStyle
        let eol = style.crlf ? "\r\n" : "\n"
        func stream(_ dict: String, _ content: [UInt8]) -> [UInt8] {
            b("<< \(dict) /Length \(content.count) >>\(eol)stream\(eol)") + content + b("\(eol)endstream")
        }
        // An attachment's stream, with its /Length direct or as a reference to an object added after it.
        func attachmentStream(_ dict: String, _ content: [UInt8]) -> Int {
            guard style.indirectLength else { return add(stream(dict, content)) }
            let s = reserve()
            let length = add(b("\(content.count)"))
            objects[s - 1] = b("<< \(dict) /Length \(length) 0 R >>\(eol)stream\(eol)") + content + b("\(eol)endstream")
            return s
        }

        let catalog = reserve()
        let pagesObj = reserve()
        let font = add(b("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
        var pageRefs: [Int] = []
        for page in pages {
            switch page {
            case .text(let texts):
                var content: [UInt8] = []
                for t in texts {
                    let y = pageHeight - t.y
                    content +=
                        b(String(format: "BT /F1 %.1f Tf %.2f %.2f Td (", t.size, t.x, y)) + Self.encode(t.string)
                        + b(") Tj ET\n")
                }
                let c = add(stream("", content))
                let p = add(
                    b(
                        "<< /Type /Page /Parent \(pagesObj) 0 R /MediaBox [0 0 \(fmt(pageWidth)) \(fmt(pageHeight))] /Resources << /Font << /F1 \(font) 0 R >> >> /Contents \(c) 0 R >>"
                    ))
                pageRefs.append(p)
            case .image(let gray, let w, let h):
                let img = add(
                    stream(
                        "/Type /XObject /Subtype /Image /Width \(w) /Height \(h) /ColorSpace /DeviceGray /BitsPerComponent 8",
                        gray))
                // fit the image to the page width, keeping its aspect ratio
                let scale = pageWidth / Double(w)
                let drawH = Double(h) * scale
                let content = b(
                    String(format: "q %.2f 0 0 %.2f 0 %.2f cm /Im1 Do Q\n", pageWidth, drawH, pageHeight - drawH))
                let c = add(stream("", content))
                let p = add(
                    b(
                        "<< /Type /Page /Parent \(pagesObj) 0 R /MediaBox [0 0 \(fmt(pageWidth)) \(fmt(pageHeight))] /Resources << /XObject << /Im1 \(img) 0 R >> >> /Contents \(c) 0 R >>"
                    ))
                pageRefs.append(p)
            case .textWithPicture(let texts, let gray, let w, let h, let x, let y, let drawWidth):
                let img = add(
                    stream(
                        "/Type /XObject /Subtype /Image /Width \(w) /Height \(h) /ColorSpace /DeviceGray /BitsPerComponent 8",
                        gray))
                let drawH = Double(h) * drawWidth / Double(w)
                var content = b(
                    String(
                        format: "q %.2f 0 0 %.2f %.2f %.2f cm /Im1 Do Q\n", drawWidth, drawH, x, pageHeight - y - drawH)
                )
                for t in texts {
                    content +=
                        b(String(format: "BT /F1 %.1f Tf %.2f %.2f Td (", t.size, t.x, pageHeight - t.y))
                        + Self.encode(t.string) + b(") Tj ET\n")
                }
                let c = add(stream("", content))
                let p = add(
                    b(
                        "<< /Type /Page /Parent \(pagesObj) 0 R /MediaBox [0 0 \(fmt(pageWidth)) \(fmt(pageHeight))] /Resources << /Font << /F1 \(font) 0 R >> /XObject << /Im1 \(img) 0 R >> >> /Contents \(c) 0 R >>"
                    ))
                pageRefs.append(p)
            }
        }
        objects[pagesObj - 1] = b(
            "<< /Type /Pages /Kids [\(pageRefs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pageRefs.count) >>"
        )
        // (name, file specification: an object number, or the dictionary itself when written inline)
        var specs: [(name: String, ref: Int?, dict: String)] = []
        let typeKey = style.untypedStreams ? "" : "/Type /EmbeddedFile "
        let flate = style.escapedNames ? "/Flat#65Decode" : "/FlateDecode"
        for a in attachments {
            let subtype = a.mime.replacingOccurrences(of: "/", with: "#2F")
            let md5ish = a.data.reduce(into: [UInt8](repeating: 0, count: 16)) { acc, x in acc[Int(x) % 16] &+= x }
            let params =
                style.nestedParams
                ? "/Params << /Size \(a.data.count) /CheckSum <\(md5ish.map { String(format: "%02x", $0) }.joined())> /CreationDate (D:20260301101500+01'00') /ModDate (D:20260301101500+01'00') >>"
                : "/Params << /Size \(a.data.count) >>"
            let ef: Int
            switch a.encoding {
            case .none:
                ef = attachmentStream("\(typeKey)/Subtype /\(subtype) \(params)", a.data)
            case .flate:
                ef = attachmentStream("\(typeKey)/Subtype /\(subtype) /Filter \(flate) \(params)", Self.deflate(a.data))
            case .asciiHex:
                let hex = Array(a.data.map { String(format: "%02X", $0) }.joined().utf8) + [0x3E]
                ef = attachmentStream("\(typeKey)/Subtype /\(subtype) /Filter /ASCIIHexDecode \(params)", hex)
            }
            let name = String(decoding: Self.encode(a.name), as: UTF8.self)
            let uf =
                style.utf16Names
                ? "<FEFF" + a.name.utf16.map { String(format: "%04X", $0) }.joined() + ">"
                : "(\(name))"
            let relationship = style.escapedNames ? "/Dat#61" : "/Data"
            let filespec = style.escapedNames ? "/F#69lespec" : "/Filespec"
            let desc = style.nestedParams ? " /Desc (Rechnungsdaten)" : ""
            let dict =
                "<< /Type \(filespec) /F (\(name)) /UF \(uf)\(desc) /AFRelationship \(relationship) /EF << /F \(ef) 0 R /UF \(ef) 0 R >> >>"
            specs.append((name, style.inlineFileSpecs ? nil : add(b(dict)), dict))
        }
        var cat = "<< /Type /Catalog /Pages \(pagesObj) 0 R"
        if !specs.isEmpty {
            let sorted = specs.sorted { $0.name < $1.name }
            func entry(_ s: (name: String, ref: Int?, dict: String)) -> String {
                "(\(s.name)) " + (s.ref.map { "\($0) 0 R" } ?? s.dict)
            }
            if !style.associatedFilesOnly {
                let tree: Int
                if style.nameTreeKids {
                    let leaves = sorted.map { s in
                        add(b("<< /Limits [(\(s.name)) (\(s.name))] /Names [\(entry(s))] >>"))
                    }
                    tree = add(b("<< /Kids [\(leaves.map { "\($0) 0 R" }.joined(separator: " "))] >>"))
                } else {
                    tree = add(b("<< /Names [\(sorted.map(entry).joined(separator: " "))] >>"))
                }
                cat += " /Names << /EmbeddedFiles \(tree) 0 R >>"
            }
            let refs = specs.compactMap { $0.ref }
            if !refs.isEmpty { cat += " /AF [\(refs.map { "\($0) 0 R" }.joined(separator: " "))]" }
        }
        cat += " >>"
        objects[catalog - 1] = b(cat)
        if style.objectStreams { return objectStreamFile(objects, catalog: catalog, eol: eol) }

        var out = b("%PDF-1.7\(eol)%\u{00E2}\u{00E3}\(eol)")
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += b("\(i + 1) 0 obj\(eol)") + body + b("\(eol)endobj\(eol)")
        }
        let xref = out.count
        out += b("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n")
        for o in offsets { out += b(String(format: "%010d 00000 n \n", o)) }
        out += b("trailer\n<< /Size \(objects.count + 1) /Root \(catalog) 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        return out
    }

    /// The file with every object that is not a stream packed in one object stream, and a cross-reference stream.
    private func objectStreamFile(_ objects: [[UInt8]], catalog: Int, eol: String) -> [UInt8] {
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        let isStream = objects.map { $0.count >= 9 && Array($0.suffix(9)) == b("endstream") }
        let packed = objects.indices.filter { !isStream[$0] }
        // the object stream: "num offset" pairs, then the objects
        var header = ""
        var body: [UInt8] = []
        for i in packed {
            header += "\(i + 1) \(body.count) "
            body += objects[i] + b("\n")
        }
        let first = b(header).count
        let objStm = objects.count + 1
        let xrefObj = objects.count + 2
        let packedData = Self.deflate(b(header) + body)
        var out = b("%PDF-1.7\(eol)%\u{00E2}\u{00E3}\(eol)")
        var offsets = [Int](repeating: 0, count: objects.count + 3)
        for i in objects.indices where isStream[i] {
            offsets[i + 1] = out.count
            out += b("\(i + 1) 0 obj\(eol)") + objects[i] + b("\(eol)endobj\(eol)")
        }
        offsets[objStm] = out.count
        out +=
            b(
                "\(objStm) 0 obj\(eol)<< /Type /ObjStm /N \(packed.count) /First \(first) /Filter /FlateDecode /Length \(packedData.count) >>\(eol)stream\(eol)"
            )
            + packedData + b("\(eol)endstream\(eol)endobj\(eol)")
        offsets[xrefObj] = out.count
        // /W [1 4 2]: type 0 free, 1 in the open (offset, generation), 2 packed (object stream, index)
        var rows: [UInt8] = [0, 0, 0, 0, 0, 0xFF, 0xFF]
        func row(_ type: UInt8, _ field: Int, _ extra: Int) -> [UInt8] {
            [
                type, UInt8(field >> 24 & 0xFF), UInt8(field >> 16 & 0xFF), UInt8(field >> 8 & 0xFF),
                UInt8(field & 0xFF),
                UInt8(extra >> 8 & 0xFF), UInt8(extra & 0xFF),
            ]
        }
        for n in 1...(objects.count + 2) {
            if n <= objects.count, !isStream[n - 1] {
                rows += row(2, objStm, packed.firstIndex(of: n - 1)!)
            } else {
                rows += row(1, offsets[n], 0)
            }
        }
        out +=
            b(
                "\(xrefObj) 0 obj\(eol)<< /Type /XRef /Size \(objects.count + 3) /W [1 4 2] /Root \(catalog) 0 R /Length \(rows.count) >>\(eol)stream\(eol)"
            )
            + rows + b("\(eol)endstream\(eol)endobj\(eol)")
        out += b("startxref\(eol)\(offsets[xrefObj])\(eol)%%EOF\(eol)")
        return out
    }

    /// Writes `data()` to `path`.
    ///
    /// - Throws: Foundation's error when the file cannot be written.
    public func write(to path: String) throws {
        try Data(data()).write(to: URL(fileURLWithPath: path))
    }

    private func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
