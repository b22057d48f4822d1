import Foundation
import SmoleRecords

// Stage 1, text sources. Input: a document's path. Output: `DocumentText`, its text one string per page in layout
// form (columns kept as spaces), and an embedded e-invoice's XML when there is one. Order of evidence: the e-invoice
// XML (`EInvoices/`) over the page text; for a PDF `pdftotext -layout`, or OCR (`pdftoppm` + tesseract) when it has
// no text layer; for an image OCR, deskewed first (`OCRPrep.swift`); text and HTML read directly. External programs run
// through `ExternalTool` with argument arrays, a deadline and a private temporary folder.

/// What kind of file a document is, sniffed from its first bytes (and its name as a last resort).
enum DocumentKind: String, Sendable {
    case pdf, image, xml, html, text
}

/// The text of a document, one string per page, in layout form (columns kept as spaces).
struct DocumentText: Sendable {
    var pages: [String]
    var kind: DocumentKind
    var ocr: Bool = false
    /// The embedded or standalone e-invoice XML (CII or UBL), when there is one.
    var xml: [UInt8]? = nil
    /// The pages the document has, when `maxPages` left some unread (nil otherwise).
    var pagesTotal: Int? = nil
}

enum TextSource {
    /// Reads the document at `path`. `maxPages` bounds the pages read; `firstPageOnly` is for classification.
    ///
    /// Every reading leaves out the invisible format characters `Invisibles.strip` names, so a value copied from a web
    /// page keeps no zero-width space ("HL-\u{200B}4410").
    static func read(path: String, options: EngineOptions, maxPages: Int? = nil, wantXML: Bool = true)
        async throws(RecordError) -> DocumentText
    {
        var doc = try await readKind(path: path, options: options, maxPages: maxPages, wantXML: wantXML)
        doc.pages = doc.pages.map(Invisibles.strip)
        return doc
    }

    static func readKind(path: String, options: EngineOptions, maxPages: Int?, wantXML: Bool)
        async throws(RecordError) -> DocumentText
    {
        let pagesLimit = max(1, maxPages ?? options.maxPages)
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw RecordError(.notFound, "\(path): no such file") }
            throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw RecordError(.unreadable, "\(path) is a folder, not a document") }
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw RecordError(.unreadable, "\(path): permission denied or unreadable")
        }
        let head = [UInt8]((try? fh.read(upToCount: 4096)) ?? Data())
        try? fh.close()
        let kind = try sniff(head: head, path: path)
        switch kind {
        case .pdf:
            return try await readPDF(
                path: path, size: Int(st.st_size), options: options, pages: pagesLimit, wantXML: wantXML)
        case .image:
            let text = try await ocrImage(path: path, options: options)
            return DocumentText(pages: splitPages(text), kind: .image, ocr: true)
        case .xml:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RecordError(.unreadable, "\(path) cannot be read")
            }
            let bytes = [UInt8](data)
            // The declared encoding (ISO-8859-1, UTF-16, a BOM) decides the text; XMLParser reads the bytes itself.
            let page = HTMLText.strip(EInvoiceXML.decodeText(bytes), xml: true)
            return DocumentText(pages: [page], kind: .xml, xml: EInvoiceXML.recognizes(bytes) ? bytes : nil)
        case .html:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RecordError(.unreadable, "\(path) cannot be read")
            }
            return DocumentText(pages: [HTMLText.strip(decodeText(data), xml: false)], kind: .html)
        case .text:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RecordError(.unreadable, "\(path) cannot be read")
            }
            let all = splitPages(decodeText(data))
            return DocumentText(
                pages: Array(all.prefix(pagesLimit)), kind: .text, pagesTotal: all.count > pagesLimit ? all.count : nil)
        }
    }

    /// A text document's bytes as text. UTF-8 (RFC 3629) when they are UTF-8: a byte-order mark where they begin is
    /// not part of the first field. Bytes that are not UTF-8 are Windows-1252 (the WHATWG Encoding Standard's
    /// reading of a page labelled ISO-8859-1 or with no label; exports of German, French or Dutch accounting tools
    /// write it: "M\u{FC}ller" is the byte 0xFC), decoded by Foundation; a file that is UTF-8 with a few bad bytes
    /// (more valid multi-byte characters than bad bytes) stays UTF-8, the bad bytes becoming U+FFFD.
    static func decodeText(_ data: Data) -> String {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if data.starts(with: bom) { return String(decoding: data.dropFirst(3), as: UTF8.self) }
        if let valid = String(validating: data, as: UTF8.self) { return valid }
        var multiByte = 0, bad = 0
        var it = data.makeIterator()
        var utf8 = UTF8()
        decoding: while true {
            switch utf8.decode(&it) {
            case .scalarValue(let c): if c.value >= 0x80 { multiByte += 1 }
            case .error: bad += 1
            case .emptyInput: break decoding
            }
        }
        if bad > 0, multiByte < bad, let s = windows1252(data) { return s }
        return String(decoding: data, as: UTF8.self)
    }

    /// Windows-1252 by Foundation's decoder. The five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90,
    /// 0x9D), which make that decoder give up on the whole file, become U+FFFD each.
    static func windows1252(_ data: Data) -> String? {
        var out = ""
        for (i, part) in data.split(
            omittingEmptySubsequences: false, whereSeparator: { [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }
        )
        .enumerated() {
            if i > 0 { out.append("\u{FFFD}") }
            guard let s = String(data: Data(part), encoding: .windowsCP1252) else { return nil }
            out += s
        }
        return out
    }

    static func sniff(head: [UInt8], path: String) throws(RecordError) -> DocumentKind {
        func starts(_ sig: [UInt8], at off: Int = 0) -> Bool {
            head.count >= off + sig.count && Array(head[off..<(off + sig.count)]) == sig
        }
        if ByteSearch.contains(Array("%PDF-".utf8), in: Array(head.prefix(1024))) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts([0x49, 0x49, 0x2A, 0x00])
            || starts([0x4D, 0x4D, 0x00, 0x2A]) || (starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8))
            || starts(Array("GIF8".utf8)) || starts([0x42, 0x4D]) && path.lowercased().hasSuffix(".bmp")
        {
            return .image
        }
        if head.isEmpty { throw RecordError(.unsupportedType, "\(path) is empty") }
        // UTF-16 XML (a byte-order mark, then "<"): its zero bytes are not a binary file's.
        if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]),
            EInvoiceXML.decodeText(head).trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<")
        {
            return .xml
        }
        if head.contains(0) {
            throw RecordError(
                .unsupportedType,
                "\(path) is a binary file of a kind no text source reads (PDF, PNG, JPEG, TIFF, WebP, XML, HTML, text)")
        }
        // The markup cues are ASCII: match them on the lowercased bytes (no Unicode lowercasing of 4 KB per file).
        var lb = head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head
        for k in lb.indices where lb[k] >= 0x41 && lb[k] <= 0x5A { lb[k] |= 0x20 }
        let firstNonSpace = lb.firstIndex { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) } ?? lb.count
        let lower = Array(lb[firstNonSpace...])
        func hasPrefix(_ s: String) -> Bool { lower.starts(with: s.utf8) }
        func contains(_ s: String) -> Bool { ByteSearch.contains(Array(s.utf8), in: lower) }
        let ext = (path as NSString).pathExtension.lowercased()
        /// A file whose name promises a binary kind ("invoice.pdf") but that holds `what`: a saved web page or a
        /// server's "404 Not Found", not the document; reading its words would give an empty record that hides why.
        func notWhatItsNameSays(_ what: String) throws(RecordError) {
            guard let promised = binaryKinds[ext] else { return }
            throw RecordError(
                .unsupportedType,
                "\(path) is named .\(ext) but is not a \(promised): it holds \(what) (a saved web page or an error page?)"
            )
        }
        if hasPrefix("<!doctype html") || hasPrefix("<html") || (hasPrefix("<") && contains("<body")) {
            try notWhatItsNameSays("HTML")
            return .html
        }
        // A document opening with a comment (an XML e-invoice's licence text can fill the first kilobytes) is
        // markup: XML unless its name or an <html> tag says HTML. Whether it is an e-invoice is decided by parsing it.
        if hasPrefix("<?xml") || hasPrefix("<!--")
            || hasPrefix("<")
                && (contains("crossindustry") || contains("<invoice")
                    || contains("urn:oasis:names:specification:ubl:schema:xsd"))
        {
            if contains("<html") || ["htm", "html", "xhtml"].contains(ext) { return .html }
            return .xml
        }
        // Text (UTF-8, or Windows-1252: `decodeText`) under a name that promises a binary kind
        try notWhatItsNameSays(hasPrefix("<") ? (contains("<html") || contains("<body") ? "HTML" : "markup") : "text")
        if ["htm", "html", "xhtml"].contains(ext) { return .html }
        if ["xml"].contains(ext) { return .xml }
        let controls = head.filter { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20 && $0 != 0x1B) }.count
        if controls * 20 > head.count {
            throw RecordError(.unsupportedType, "\(path) is not a document kind the engine reads")
        }
        return .text
    }

    /// File name extensions of the binary kinds the engine reads, with the kind's name: a file named so whose bytes
    /// are text is not read as text (`sniff`).
    static let binaryKinds: [String: String] = [
        "pdf": "PDF", "png": "PNG image", "jpg": "JPEG image", "jpeg": "JPEG image", "tif": "TIFF image",
        "tiff": "TIFF image", "webp": "WebP image", "gif": "GIF image",
    ]

    static func splitPages(_ text: String) -> [String] {
        // On bytes: a form feed is one byte in UTF-8 and never part of another character.
        var pages: [String] = []
        var bytes = text.utf8[...]
        while let ff = bytes.firstIndex(of: 0x0C) {
            pages.append(String(decoding: bytes[..<ff], as: UTF8.self))
            bytes = bytes[bytes.index(after: ff)...]
        }
        pages.append(String(decoding: bytes, as: UTF8.self))
        func blank(_ p: String) -> Bool {
            if p.utf8.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) { return true }
            if p.utf8.allSatisfy({ $0 < 0x80 }) { return false }
            return p.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        while pages.count > 1, blank(pages.last!) { pages.removeLast() }
        return pages
    }

    private static let alphanumerics = CharacterSet.alphanumerics

    /// Letters and digits in `s` (how much text a text layer really has).
    static func meaningfulCharacters(_ s: String) -> Int {
        var n = 0
        for b in s.utf8 where b < 0x80 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { n += 1 }
        }
        if s.utf8.contains(where: { $0 >= 0x80 }) {
            for u in s.unicodeScalars where u.value >= 0x80 && alphanumerics.contains(u) { n += 1 }
        }
        return n
    }

    // MARK: PDF

    static func readPDF(path: String, size: Int, options: EngineOptions, pages: Int, wantXML: Bool)
        async throws(RecordError) -> DocumentText
    {
        var xml: [UInt8]? = nil
        if wantXML, let attachment = try await EInvoiceXML.embeddedXML(pdfPath: path, size: size, options: options) {
            xml = attachment
        }
        let r = try await ExternalTool.runCached(
            "pdftotext", ["-layout", "-enc", "UTF-8", "-l", String(pages), path, "-"], document: path, options: options)
        if r.status != 0 {
            let msg = r.stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(r.status)"
            if r.status == 3 || msg.lowercased().contains("password") || msg.lowercased().contains("encrypt") {
                throw RecordError(.unreadable, "\(path) is an encrypted PDF: \(msg)")
            }
            throw RecordError(.unreadable, "\(path) is not a readable PDF (pdftotext: \(msg))")
        }
        let text = r.text
        var pageTexts = splitPages(text)
        let chars = meaningfulCharacters(text)
        if chars < 40 * max(1, min(pageTexts.count, 3)) / 2 {
            // No usable text layer: render and OCR every page pdftotext read (it ends each page with a form feed;
            // `splitPages` drops trailing blank pages, which for a scan is all but the first).
            let pagesRead = text.utf8.reduce(0) { $1 == 0x0C ? $0 + 1 : $0 }
            let ocrPages = try await ocrPDF(
                path: path, options: options, pages: min(pages, max(1, pagesRead, pageTexts.count)))
            if meaningfulCharacters(ocrPages.joined()) > chars {
                return DocumentText(
                    pages: ocrPages, kind: .pdf, ocr: true, xml: xml,
                    pagesTotal: try await pdfPagesBeyond(
                        pages, path: path, read: max(pagesRead, ocrPages.count), options: options))
            }
        }
        if pageTexts.isEmpty { pageTexts = [""] }
        return DocumentText(
            pages: pageTexts, kind: .pdf, xml: xml,
            pagesTotal: try await pdfPagesBeyond(pages, path: path, read: pageTexts.count, options: options))
    }

    /// The page count of a PDF when pdftotext stopped at the `limit` (from pdfinfo), else nil.
    static func pdfPagesBeyond(_ limit: Int, path: String, read: Int, options: EngineOptions) async throws(RecordError)
        -> Int?
    {
        guard read >= limit, let r = try? await ExternalTool.run("pdfinfo", [path], options: options), r.status == 0
        else { return nil }
        for line in r.text.split(separator: "\n") where line.hasPrefix("Pages:") {
            if let n = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)), n > limit { return n }
        }
        return nil
    }

    /// The OCR text of pages 1...`pages` of a PDF. Each page is one text-cache entry: pages read before (by
    /// `--classify`, by an earlier run) are not rendered again; the others are rendered from the first missing one on.
    static func ocrPDF(path: String, options: EngineOptions, pages: Int) async throws(RecordError) -> [String] {
        if OCRBackends.primary(options.ocr) is TesseractBackend,
            ExternalTool.locate("tesseract", path: options.toolSearchPath) == nil
        {
            throw ExternalTool.unavailable("tesseract")
        }
        let dir = try PrivateTempDir()
        defer { dir.remove() }
        var rendered: (first: Int, images: [String])? = nil
        let ocr = options.textCache == nil ? "" : try await ocrIdentity(options: options)
        let pdftoppm = ExternalTool.locate("pdftoppm", path: options.toolSearchPath) ?? "pdftoppm"
        var out: [String] = []
        for page in 1...max(1, pages) {
            let reading =
                "pdf page \(page): \(pdftoppm) -r 300 -gray -png | \(ocr) --psm 6 -c preserve_interword_spaces=1"
            let text = try await cached(path, reading: reading, options: options) {
                () async throws(RecordError) -> [String] in
                if rendered == nil {
                    let prefix = dir.path + "/page"
                    let r = try await ExternalTool.run(
                        "pdftoppm",
                        ["-r", "300", "-gray", "-png", "-f", String(page), "-l", String(pages), path, prefix],
                        options: options)
                    if r.status != 0 {
                        throw RecordError(
                            .unreadable,
                            "\(path): pdftoppm could not render it (\(r.stderr.split(separator: "\n").first ?? ""))")
                    }
                    rendered = (
                        page,
                        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter {
                            $0.hasSuffix(".png")
                        }.sorted()
                    )
                }
                // pdftoppm names pages with the same zero-padding, so name order is page order; [] past the last page
                guard let (first, images) = rendered, page - first < images.count else { return [] }
                return [try await OCRReader.read(dir.path + "/" + images[page - first], options: options)]
            }
            guard let t = text.first else { break }
            out.append(t)
        }
        return out
    }

    /// A photo or scanned image: cleaned up first (grey, turned straight when its lines slope; see
    /// `OCRPrep`), then read by the OCR backend `options.ocr` picks (`OCRBackend.swift`). Without Leptonica, or when it
    /// cannot read the file, the original is read.
    static func ocrImageUncached(
        path: String, options: EngineOptions, prepare: Bool = true, scale: Double = 1,
        quarterTurns: Int = 0
    ) async throws(RecordError) -> String {
        if OCRBackends.primary(options.ocr) is TesseractBackend,
            ExternalTool.locate("tesseract", path: options.toolSearchPath) == nil
        {
            throw ExternalTool.unavailable("tesseract")
        }
        if prepare || quarterTurns != 0, OCRPrep.available {
            let dir = try PrivateTempDir()
            defer { dir.remove() }
            let cleaned = dir.path + "/page.png"
            if OCRPrep.prepare(path, output: cleaned, scale: scale, quarterTurns: quarterTurns) != nil {
                return OCRText.dropEdgeNoise(try await OCRReader.read(cleaned, options: options))
            }
        }
        return OCRText.dropEdgeNoise(try await OCRReader.read(path, options: options))
    }

    /// The quarter turns clockwise that bring a page upright, from tesseract's orientation and script detection
    /// (`--psm 0`, the `osd` data tesseract installs); 0 when the page is upright or the detection is not sure
    /// (confidence under 2, tesseract's own threshold for trusting it).
    static func uprightTurns(path: String, options: EngineOptions) async -> Int {
        guard
            let r = try? await ExternalTool.runCached(
                "tesseract", [path, "-", "--psm", "0"], document: path, options: options), r.status == 0
        else { return 0 }
        var rotate = 0, confidence = 0.0
        for line in r.text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "Rotate" { rotate = Int(parts[1]) ?? 0 }
            if parts[0] == "Orientation confidence" { confidence = Double(parts[1]) ?? 0 }
        }
        guard confidence >= 2, rotate % 90 == 0 else { return 0 }
        return rotate / 90
    }

    /// tesseract on one image; `languages` is the `-l` value (nil: `OCRLanguages.argument`).
    static func tesseract(_ image: String, psm: String, options: EngineOptions, languages: String? = nil)
        async throws(RecordError) -> String
    {
        let langs: String?
        if let languages { langs = languages } else { langs = try await OCRLanguages.argument(options: options) }
        var args = [image, "-", "--psm", psm, "-c", "preserve_interword_spaces=1"]
        if let langs { args += ["-l", langs] }
        let r = try await ExternalTool.run("tesseract", args, options: options)
        if r.status != 0 {
            let msg = r.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(r.status)"
            throw RecordError(.unreadable, "\(image): tesseract could not read the image (\(msg))")
        }
        return OCRText.normalize(r.text)
    }
}

/// Repairs OCR slips that break dates: "J uly" → "July", "4) uly" / "24] uly" → "4 July".
enum OCRText {
    nonisolated(unsafe) static let splitMonth = try! NSRegularExpression(
        pattern:
            #"\b([JjFfMmAaSsOoNnDd]) (anuary|uly|une|ebruary|arch|pril|ugust|eptember|ctober|ovember|ecember|an|ul|un)\b"#
    )
    nonisolated(unsafe) static let bracketJ = try! NSRegularExpression(
        pattern: #"(\d)\s?[\]\)\|}]\s?(anuary|uly|une|an|ul|un)\b"#)
    /// "S ubtotal", "S oftware": a capital split from the rest of its word (never "A" or "I", which are words).
    nonisolated(unsafe) static let splitCapital = try! NSRegularExpression(
        pattern: #"(?<![\p{L}\p{N}])([B-HJ-Z]) ([a-z]{3,})"#)
    /// Specks a photo's background and paper edges leave in the text ("ad      The Book Nook      B", "eo", "|"):
    /// a line with two letters or digits or fewer is blanked, and a first or last cell of at most two characters,
    /// with no digit or currency sign, set off from the rest of its line by three spaces or more, is blanked too
    /// (spaces keep the other cells' columns).
    static func dropEdgeNoise(_ s: String) -> String {
        let keep: Set<Character> = ["$", "€", "£", "¥", "₹", "%"]
        func speck(_ cell: ArraySlice<Character>) -> Bool {
            cell.count <= 2 && !cell.contains { $0.isNumber || keep.contains($0) }
        }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            var c = Array(raw)
            if c.filter({ $0.isLetter || $0.isNumber }).count <= 2 { return "" }
            // cells: runs of text apart by three spaces or more
            var cells: [Range<Int>] = []
            var i = 0
            while i < c.count {
                while i < c.count, c[i] == " " { i += 1 }
                guard i < c.count else { break }
                let start = i
                var end = i
                while i < c.count {
                    if c[i] == " " {
                        var j = i
                        while j < c.count, c[j] == " " { j += 1 }
                        if j - i >= 3 || j == c.count { break }
                        i = j
                    } else {
                        i += 1; end = i
                    }
                }
                cells.append(start..<end)
            }
            if cells.count >= 2 {
                for r in [cells.first!, cells.last!] where speck(c[r]) {
                    for k in r { c[k] = " " }
                }
            }
            // a word of marks alone at either end ("Supermarche Casino =", "| Brood"), but not a leading sign
            func mark(_ w: ArraySlice<Character>) -> Bool {
                !w.isEmpty && !w.contains { $0.isLetter || $0.isNumber || keep.contains($0) }
            }
            while c.last == " " { c.removeLast() }
            if let sp = c.lastIndex(of: " "), mark(c[(sp + 1)...]) { c.removeSubrange((sp + 1)...) }
            if let f = c.firstIndex(where: { $0 != " " }) {
                let e = c[f...].firstIndex(of: " ") ?? c.count
                if e < c.count, mark(c[f..<e]), !(e - f == 1 && (c[f] == "-" || c[f] == "+")) {
                    for k in f..<e { c[k] = " " }
                }
            }
            while c.last == " " { c.removeLast() }
            return String(c)
        }.joined(separator: "\n")
    }

    static func normalize(_ s: String) -> String {
        let ns = NSMutableString(string: s)
        splitCapital.replaceMatches(in: ns, range: NSRange(location: 0, length: ns.length), withTemplate: "$1$2")
        bracketJ.replaceMatches(in: ns, range: NSRange(location: 0, length: ns.length), withTemplate: "$1 J$2")
        splitMonth.replaceMatches(in: ns, range: NSRange(location: 0, length: ns.length), withTemplate: "$1$2")
        return String(ns)
    }
}

/// HTML and XML to plain text: tags dropped, block elements end lines, entities decoded.
enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead",
        "tbody", "section", "article", "header", "footer", "ul", "ol", "dt", "dd", "hr", "address", "pre", "blockquote",
    ]
    static func strip(_ html: String, xml: Bool) -> String {
        var out = ""
        var i = html.startIndex
        var skipUntil: String? = nil
        while i < html.endIndex {
            let c = html[i]
            if c == "<" {
                guard let close = html[i...].firstIndex(of: ">") else { break }
                let tag = html[html.index(after: i)..<close]
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber || $0 == ":" }.lowercased()
                let closing = tag.hasPrefix("/")
                if let s = skipUntil {
                    if closing && name == s { skipUntil = nil }
                } else if !closing && (name == "script" || name == "style") && !tag.hasSuffix("/") {
                    skipUntil = name
                } else if xml {
                    if closing { out.append("\n") } else { out.append(" ") }
                } else if blockTags.contains(name) {
                    out.append("\n")
                } else if name == "td" || name == "th" {
                    if !closing { out.append("    ") }
                }
                i = html.index(after: close)
                continue
            }
            if skipUntil == nil {
                if c == "&", let semi = html[i...].prefix(10).firstIndex(of: ";") {
                    let ent = String(html[html.index(after: i)..<semi])
                    if let d = decode(ent) { out.append(d); i = html.index(after: semi); continue }
                }
                out.append(c == "\n" || c == "\r\n" || c == "\t" ? " " : c)
            }
            i = html.index(after: i)
        }
        // tidy: collapse blank runs, trim line ends
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = String(line)
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var tidy: [String] = []
        for l in lines {
            if l.trimmingCharacters(in: .whitespaces).isEmpty {
                if let last = tidy.last, last.isEmpty { continue }
                tidy.append("")
            } else {
                var s = l
                while s.hasPrefix(" ") && !xml { s.removeFirst() }
                tidy.append(xml ? s.trimmingCharacters(in: .whitespaces) : s)
            }
        }
        return tidy.joined(separator: "\n")
    }

    static func decode(_ ent: String) -> String? {
        switch ent {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        case "euro": return "€"
        case "pound": return "£"
        default:
            if ent.hasPrefix("#x") || ent.hasPrefix("#X"), let v = UInt32(ent.dropFirst(2), radix: 16),
                let u = Unicode.Scalar(v)
            {
                return String(u)
            }
            if ent.hasPrefix("#"), let v = UInt32(ent.dropFirst()), let u = Unicode.Scalar(v) { return String(u) }
            return nil
        }
    }
}

/// The OCR languages: English, German, French and Dutch together in the first pass (so umlauts and accents survive)
/// as far as their traineddata files are installed; Spanish, Italian and Portuguese only for a page whose words are
/// clearly theirs (`OCRReader`). Asked of `tesseract --list-langs` once per tesseract binary and cached.
enum OCRLanguages {
    static let firstPass = ["eng", "deu", "fra", "nld"]
    static let wanted = firstPass
    /// Per tesseract binary: the installed languages.
    private static let cache = LockedDictionary<Set<String>>()

    /// The `-l` value for all wanted installed languages, or nil to leave tesseract's default.
    static func argument(options: EngineOptions) async throws(RecordError) -> String? {
        choose(installed: try await installed(options: options))
    }

    /// The languages `tesseract --list-langs` names.
    static func installed(options: EngineOptions) async throws(RecordError) -> Set<String> {
        let key = ExternalTool.locate("tesseract", path: options.toolSearchPath) ?? "tesseract"
        if let cached = cache.get(key) { return cached }
        let r = try await ExternalTool.run("tesseract", ["--list-langs"], options: options)
        // the list goes to stdout (tesseract 4/5); older builds print it on stderr
        let installed = Set(
            (r.text + "\n" + r.stderr).split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        cache.set(key, installed)
        return installed
    }

    static func choose(installed: Set<String>) -> String? {
        let have = wanted.filter(installed.contains)
        return have.isEmpty ? nil : have.joined(separator: "+")
    }
}

/// Invisible format characters (Unicode general category Cf) that web pages, PDFs and word processors put inside
/// words and numbers: U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE (a byte-order
/// mark inside the text), and U+200C ZERO WIDTH NON-JOINER / U+200D ZERO WIDTH JOINER. (Not U+00AD: a PDF font may
/// map its visible hyphen to it.) A value
/// read with one inside ("HL-\u{200B}4410") would not match the same value typed, so they are left out. The two
/// joiners are kept between two characters of scripts that spell with them (Persian, the Indic scripts, emoji
/// sequences: both neighbours beyond U+036F), where they are part of the word.
enum Invisibles {
    static func isAlwaysDropped(_ v: UInt32) -> Bool { v == 0x200B || v == 0x2060 || v == 0xFEFF }
    static func isJoiner(_ v: UInt32) -> Bool { v == 0x200C || v == 0x200D }

    /// `s` without the invisible characters above; `s` itself (no copy) when it has none.
    static func strip(_ s: String) -> String {
        // All of them start with E2 80 / E2 81 / EF BB in UTF-8: most pages skip at once.
        guard s.utf8.contains(where: { $0 == 0xE2 || $0 == 0xEF }) else { return s }
        let scalars = Array(s.unicodeScalars)
        guard scalars.contains(where: { isAlwaysDropped($0.value) || isJoiner($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            if isAlwaysDropped(c.value) { continue }
            if isJoiner(c.value) {
                let before = i > 0 ? scalars[i - 1].value : 0
                let after = i + 1 < scalars.count ? scalars[i + 1].value : 0
                let inScript = before > 0x036F && after > 0x036F && !isAlwaysDropped(before) && !isAlwaysDropped(after)
                if !inScript { continue }
            }
            out.append(c)
        }
        return String(out)
    }
}
