import Foundation
import SmoleBackend
import SmoleRecords
import SmoleTools
import Synchronization

// The engine's public surface. smole-extract's local backend, smole-serve and
// smole-route --classify call only this.
//
// The stages, each in its folder, in the order a document goes through them:
//   TextSources/  the document's text per page (pdftotext, OCR, HTML), or its e-invoice XML (EInvoices/)
//   TextCache/    that text kept on disk by content, so a document is read (OCRed) once across processes and runs
//   Layout/       lines of cells
//   Parsing/      numbers, currencies (ISO 4217), dates, times, terms
//   Lexicon/      label words per role and language, as data (labels/*.json), and the roles of fields
//   Labels/       label hits and the values beside or below them; the document's cues (Extractor)
//   Resolvers/    one per role: Parties (seller, buyer), Tables (items), Receipts, PaymentMethod, Contracts/ (title,
//                 parties, dates, term, law); Resolve.swift maps every schema field to its role's resolver
//   Checks/       the numbers must agree: subtotal + tax = total, Σ items, OCR repairs; a credit note's amounts are
//                 negative (CreditNote.swift); and the review of every result (Review.swift: whether a person should
//                 look at it, and why; run by smole-extract for either backend)
//   Schemas/      the JSON Schema subset and the built-in schemas
// "Where is vendor_name chosen?": its role is `seller` (Lexicon/roles.json), resolved in Resolvers/Parties.swift.

/// How the engine reads documents: page limit, subprocess timeout, user schemas, evidence, tool folders, the text
/// cache and the OCR backend. The tools fill it from their flags (`--max-pages`, `--schemas`, `--ocr`, ...).
public struct EngineOptions: Sendable {
    /// Pages read per document at most (`--max-pages`).
    public var maxPages: Int = 50
    /// Wall-clock limit per text-source subprocess.
    public var timeout: Duration = .seconds(120)
    /// Folders of user schemas (`--schemas DIR`), in addition to the built-ins.
    public var schemaDirs: [String] = []
    /// Whether results carry evidence (page, line, confidence) per field.
    public var evidence: Bool = false
    /// Folders searched for pdftotext, pdftoppm, pdfdetach and tesseract, colon-separated; nil means `$PATH`.
    public var toolSearchPath: String? = nil
    /// Where text read from documents (pdftotext's text, OCR readings) is kept, so each document is read once across
    /// processes and reruns (`TextCache.standard()`); nil reads every document afresh (`--no-cache`).
    public var textCache: TextCache? = nil

    /// The settings that change the text a document's text sources produce, as one string. It is part of every
    /// text-cache key, so text read under other settings is never reused. Add to it any option that changes what a
    /// reading returns (an OCR backend, languages, page segmentation, rendering resolution). The page limit is not
    /// here: each reading's key names the pages it read (`pdftotext -l N`, OCR of page K), which is exact for every
    /// `maxPages`. The OCR program's path and the languages it is given are added per reading (`TextSource.ocrIdentity`).
    public var textSettingsKey: String {
        "ocr=\(ocr.rawValue) psm=6 preserve_interword_spaces=1 render=pdftoppm-300dpi-gray"
    }

    /// The OCR backend for scans and photos (`--ocr`).
    public var ocr: OCRChoice = .auto
    /// The defaults: 50 pages, 120 s per subprocess, built-in schemas only, no evidence, `$PATH`, no cache, `auto` OCR.
    public init() {}
}

/// What one extraction gives: the schema-shaped data, optional evidence, the page limit's effect, the review signals
/// and (for images) the OCR text the data came from.
public struct ExtractionOutput: Sendable {
    /// The extracted object: exactly the schema's fields, `null` where not found.
    public var data: JSONValue
    /// With `evidence`: `{field: {"page": n, "line": "...", "confidence": 0.93}}`.
    public var evidence: JSONValue?
    /// Set when the document has more pages than `maxPages` and only those were read.
    public var pages: PagesRead? = nil
    /// What the engine knows beyond the data, for the review checks (`Checks/Review.swift`).
    public var signals = DocumentSignals()
    /// For an image: the pages of the OCR reading the data was taken from (of the readings `extract` made, the one
    /// whose numbers agree best); nil otherwise. For measuring OCR (`engine-bench --text --schema`).
    public var ocrText: [String]? = nil
    /// An output of `data` (a JSON object with the schema's fields) and its evidence, with no pages note or signals.
    public init(data: JSONValue, evidence: JSONValue? = nil) {
        self.data = data
        self.evidence = evidence
    }
}

/// A route by content: the schema whose keywords fit the first page best, and how sure that is.
public struct Classification: Sendable, Equatable {
    /// The schema id (`invoice`, `receipt`, `contract`, or a user schema's id).
    public var schema: String
    /// 0...1: 0.6 × the margin over the next schema's score + 0.4 × the evidence's strength (`Classifier`).
    public var confidence: Double
    /// A classification of `schema` at `confidence` (0...1).
    public init(schema: String, confidence: Double) {
        self.schema = schema
        self.confidence = confidence
    }
}

/// The embedded extraction engine: reads a document's text (text layer, OCR, e-invoice XML), classifies it and fills a
/// schema's fields. Safe to share between concurrent extractions; `LocalBackend` and smole-serve wrap it.
public final class Engine: Sendable {
    /// The options the engine was made with.
    public let options: EngineOptions
    let registry: SchemaRegistry
    let fileSchemas = FileSchemaCache()

    /// Loads the built-in schemas and those in `options.schemaDirs`. An invalid schema throws once, clearly.
    /// - Throws: `RecordError` `no_schema` naming the schema file that does not load or is not a valid schema.
    public init(options: EngineOptions = EngineOptions()) throws(RecordError) {
        self.options = options
        self.registry = try SchemaRegistry.load(dirs: options.schemaDirs)
    }

    /// Schema ids known to the engine (built-in and user), sorted.
    public var schemaIDs: [String] { registry.schemas.keys.sorted() }

    /// The schema document for an id or a path to a schema file, if it resolves.
    public func schemaJSON(_ idOrPath: String) -> JSONValue? {
        (try? resolve(idOrPath))?.document
    }

    /// Checks that a schema id or path resolves and is valid (for a tool to report a bad schema once, up front).
    /// - Throws: `RecordError` `no_schema` for an unknown id or a schema file that does not load or validate.
    public func validateSchema(_ idOrPath: String) throws(RecordError) {
        _ = try resolve(idOrPath)
    }

    func resolve(_ idOrPath: String) throws(RecordError) -> Schema {
        if let s = registry.schemas[idOrPath] { return s }
        let looksLikePath = idOrPath.contains("/") || idOrPath.hasSuffix(".json")
        if looksLikePath || FileManager.default.fileExists(atPath: idOrPath) {
            return try fileSchemas.get(idOrPath)
        }
        throw RecordError(
            .noSchema,
            "unknown schema \"\(idOrPath)\" (known: \(schemaIDs.joined(separator: ", ")); or give a path to a .json schema file)"
        )
    }

    /// Extracts `schema` (an id or a path to a schema file) from the document at `path`.
    /// - Throws: `RecordError` with the record error codes: `not_found`, `unreadable` (also a page with no readable
    ///   text), `unsupported_type`, `engine_unavailable` (a program such as pdftotext or tesseract missing),
    ///   `engine_failed`, `timeout` (a subprocess over `options.timeout`), `no_schema`.
    public func extract(path: String, schema: String) async throws(RecordError) -> ExtractionOutput {
        let s = try resolve(schema)
        let wantsInvoice = s.fields.contains { $0.name == "invoice_number" } || s.id == "invoice"
        let doc = try await TextSource.read(path: path, options: options, wantXML: wantsInvoice)
        var out = extract(text: doc, schema: s)
        if let total = doc.pagesTotal, total > doc.pages.count {
            out.pages = PagesRead(read: doc.pages.count, total: total)
        }
        if doc.kind == .pdf, !doc.ocr, doc.xml == nil { await sellerFromPictures(path: path, schema: s, into: &out) }
        // A photo read after deskewing whose totals do not add up gets more readings while none adds up: RapidOCR, then
        // the page turned upright (when tesseract's orientation check says it lies turned), else the photo as taken.
        // The reading whose numbers agree with each other wins (see OCRPrep). A third tesseract reading, deskewed and enlarged by half, was dropped in session 6: on 60
        // photographed receipts (scripts/bench photos, seeds 1 and 2) it added 0.001-0.004 of field accuracy for a
        // fifth of the CPU, and on receipts-real it changed no header field.
        // The most letters and digits any reading of an image found: too few, and the image is unreadable.
        var mostText = doc.kind == .image ? TextSource.meaningfulCharacters(doc.pages.joined(separator: "\n")) : Int.max
        if doc.kind == .image, OCRPrep.available {
            var best = OCRPrep.arithmeticScore(out.data)
            out.ocrText = doc.pages
            /// Another reading of the image, extracted, with its text kept as the reading's.
            func reading(_ text: String) -> ExtractionOutput {
                mostText = max(mostText, TextSource.meaningfulCharacters(text))
                let pages = TextSource.splitPages(text)
                var other = extract(text: DocumentText(pages: pages, kind: .image, ocr: true), schema: s)
                other.ocrText = pages
                return other
            }
            // auto: RapidOCR reads the image too (it finds the totals of real receipt scans that tesseract misreads,
            // and misreads clean rendered pages that tesseract reads exactly: each wins where its numbers agree better).
            // When the two recognisers read the same total and date, the page is upright: no orientation check. When
            // besides each reading's items add up (or neither found items), the page is read: no as-taken reading.
            // (Session 7, README "OCR backends": skipping both whenever total and date agree changed no field of
            // receipts-real but cost photographed receipts 0.05 of line-item accuracy; with the items condition both
            // photo seeds gained and receipts-real's fields stayed the same.)
            var recognisersAgree = false, upright = false
            if best < OCRPrep.consistentScore, options.ocr == .auto, RapidOCRWorker.installedPython() != nil {
                var rapid = options
                rapid.ocr = .rapidocr
                if let text = try? await TextSource.ocrImage(path: path, options: rapid) {
                    var other = reading(text)
                    upright = Self.sameTotalAndDate(out.data, other.data, schema: s)
                    recognisersAgree =
                        upright && Self.itemsAddUp(out.data, schema: s) && Self.itemsAddUp(other.data, schema: s)
                    let score = OCRPrep.arithmeticScore(other.data)
                    if score > best {
                        // RapidOCR's recogniser has no euro sign and fewer accents: a field its reading leaves empty
                        // keeps tesseract's value
                        if case .object(var o) = other.data, let before = out.data.objectValue {
                            for m in before
                            where !m.value.isNull && (o[m.key]?.isNull ?? false) && m.value.arrayValue == nil {
                                o[m.key] = m.value
                            }
                            other.data = .object(o)
                        }
                        best = score; out = other
                    }
                }
            }
            // Still no totals that agree: the page may lie sideways or upside down. Tesseract's orientation detection
            // says how far to turn it; the turned reading wins when its numbers agree better. (Asked before the
            // as-taken reading, which a turned page does not need: smole-route --classify reads a dark or sideways
            // scan the same way, so smole-extract finds every reading in the text cache.)
            var turns = 0
            if best < OCRPrep.consistentScore, !upright {
                turns = await TextSource.uprightTurns(path: path, options: options)
                if turns != 0,
                    let text = try? await TextSource.ocrImage(path: path, options: options, quarterTurns: turns)
                {
                    let other = reading(text)
                    let score = OCRPrep.arithmeticScore(other.data)
                    if score > best { best = score; out = other }
                }
            }
            // RapidOCR's detector scales every image to its own size and copes with the light itself: reading the photo
            // as taken gives it the same text, so only tesseract gets that reading.
            if best < OCRPrep.consistentScore, !recognisersAgree, turns == 0,
                OCRBackends.primary(options.ocr) is TesseractBackend,
                let text = try? await TextSource.ocrImage(path: path, options: options, prepare: false)
            {
                let other = reading(text)
                let score = OCRPrep.arithmeticScore(other.data)
                if score > best { best = score; out = other }
            }
        }
        if mostText < Self.readableCharacters {
            throw RecordError(
                .unreadable,
                "\(path): OCR found no readable text in the image (\(mostText) letters or digits, "
                    + "also after turning it upright); it may be blank, too blurred or too small")
        }
        // A PDF whose text layer and OCR both give next to nothing (a blank scan, a page of pictures) is unreadable
        // by the same rule, not an ok record of nulls.
        if doc.kind == .pdf, doc.xml == nil {
            let chars = TextSource.meaningfulCharacters(doc.pages.joined(separator: "\n"))
            if chars < Self.readableCharacters {
                throw RecordError(
                    .unreadable,
                    "\(path): the PDF has no readable text (\(chars) letters or digits in its "
                        + "\(doc.ocr ? "OCR" : "text layer and its OCR")); it may be blank or a picture without words")
            }
        }
        return out
    }

    /// Whether two readings of one image found the same total and the same issue date, both present (a schema without
    /// one of the two roles compares the other alone; without either, never the same).
    static func sameTotalAndDate(_ a: JSONValue, _ b: JSONValue, schema s: Schema) -> Bool {
        let names = [s.field(.total), s.field(.issueDate)].compactMap { $0?.name }
        guard !names.isEmpty else { return false }
        return names.allSatisfy { name in
            guard let x = a[name], let y = b[name], !x.isNull else { return false }
            if let dx = x.doubleValue, let dy = y.doubleValue { return abs(dx - dy) < 0.005 }
            return x == y
        }
    }

    /// Whether a reading's line items add up to its subtotal or total (to the cent), or it found none.
    static func itemsAddUp(_ data: JSONValue, schema s: Schema) -> Bool {
        guard let itemsField = s.field(.lineItems), let items = data[itemsField.name]?.arrayValue, !items.isEmpty
        else { return true }
        let sum = Sums.itemsTotal(items, amountKey: Sums.itemAmountKey(s))
        return [s.field(.subtotal), s.field(.total)].compactMap { $0.flatMap { data[$0.name]?.doubleValue } }
            .contains { abs($0 - sum) < 0.015 }
    }

    /// A PDF with a text layer whose seller is not in it: many issuers print their name only in a logo or a letterhead
    /// picture. The pictures of page 1 (`pdfimages -png`, those at least 32 × 100 px) are OCRed (the text cache keeps
    /// each reading) and the seller their text names fills the field. Nothing else is taken from the pictures: the text
    /// layer is the exact source for the rest.
    func sellerFromPictures(path: String, schema s: Schema, into out: inout ExtractionOutput) async {
        guard let seller = s.field(.seller), var data = out.data.objectValue, data[seller.name]?.isNull ?? true,
            ExternalTool.locate("tesseract", path: options.toolSearchPath) != nil,
            let dir = try? PrivateTempDir()
        else { return }
        defer { dir.remove() }
        guard
            let r = try? await ExternalTool.run(
                "pdfimages", ["-png", "-f", "1", "-l", "1", path, dir.path + "/img"], options: options),
            r.status == 0
        else { return }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().prefix(8)
        var texts: [String] = []
        for name in names {
            let image = dir.path + "/" + name
            guard let size = Self.pngSize(image), size.height >= 32, size.width >= 100,
                let text = try? await TextSource.ocrImage(path: image, options: options, prepare: false)
            else { continue }
            texts.append(text)
        }
        guard !texts.isEmpty else { return }
        // A letterhead's line with a legal form names the legal seller ("e-Luscious Nederland B.V. iov Saeco.com"
        // under a logo that reads "Saeco"): the words up to the legal form. Without one, the resolvers read the text.
        let legal = texts.flatMap { $0.split(separator: "\n") }.lazy
            .compactMap { l in Self.nameUpToLegalForm(String(l)).map { (name: $0, line: String(l)) } }.first
        let other =
            legal == nil
            ? extract(text: DocumentText(pages: [texts.joined(separator: "\n")], kind: .image, ocr: true), schema: s)
            : nil
        guard let name = legal.map({ JSONValue.string($0.name) }) ?? other?.data[seller.name],
            name.stringValue.map({ $0.filter(\.isLetter).count >= 3 }) == true
        else { return }
        data[seller.name] = name
        out.data = .object(data)
        // as sure as a name read by OCR at the head of a page (the resolver's confidence, less OCR's share)
        let confidence = other?.signals.fieldConfidence[seller.name] ?? 0.6
        out.signals.fieldConfidence[seller.name] = confidence
        if case .object(var e)? = out.evidence {
            let line = legal?.line ?? other?.evidence?[seller.name]?["line"]?.stringValue ?? name.stringValue ?? ""
            e[seller.name] = [
                "page": 1, "line": .string(line.trimmingCharacters(in: .whitespaces)),
                "confidence": JSONValue(confidence), "source": "OCR of a picture on page 1",
            ]
            out.evidence = .object(e)
        }
    }

    /// The words of `line` up to and including its first legal form that is not only a name's last word ("Acme
    /// Tools Ltd" of "Acme Tools Ltd, 12 High St"), when at most six words come before it; nil without one.
    static func nameUpToLegalForm(_ line: String) -> String? {
        let tokens = line.split(separator: " ").map(String.init)
        for (k, t) in tokens.enumerated().prefix(7) {
            guard let w = Extractor.receiptWords(t).last, Extractor.legalForms.contains(w),
                !Extractor.shortLegalForms.contains(w),
                k > 0
            else { continue }
            let name = tokens[0...k].joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ",;: "))
            return name.filter(\.isLetter).count >= 3 ? name : nil
        }
        return nil
    }

    /// Width and height in pixels of a PNG file, from its IHDR chunk (PNG spec 11.2.2: bytes 16–23 after the
    /// signature and chunk header, big-endian); nil when the file is not a PNG.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let d = try? h.read(upToCount: 24), d.count == 24, d.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            return nil
        }
        let b = [UInt8](d)
        func be(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        return (be(16), be(20))
    }

    /// Fewer letters and digits than this in every reading of an image (a receipt has hundreds; a line of text has
    /// twenty) and it is `unreadable`, not an `ok` record of nulls.
    static let readableCharacters = 20

    /// Extraction from text already read (used by tests and by `extract(path:schema:)`).
    func extract(text doc: DocumentText, schema s: Schema) -> ExtractionOutput {
        if let xml = doc.xml, let mapped = EInvoiceXML.mapInvoice(xml) {
            // The e-invoice XML is the exact source: map its fields onto the schema's.
            let o = EInvoiceXML.merge(mapped, schema: s, textIsRendered: doc.kind != .xml) {
                Extractor(layout: Layout(pages: doc.pages), schema: s).run()
            }
            var ev: JSONValue? = nil
            if options.evidence {
                var e = JSONObject()
                for m in o where !m.value.isNull && !(mapped[m.key]?.isNull ?? true) {
                    e[m.key] = ["source": "embedded XML", "confidence": 1.0]
                }
                ev = .object(e)
            }
            var out = ExtractionOutput(data: .object(o), evidence: ev)
            for m in o where !m.value.isNull && !(mapped[m.key]?.isNull ?? true) {
                out.signals.fieldConfidence[m.key] = 1
            }
            // The XML's allowances and charges, for the review's sums (the lines are the XML's own).
            out.signals.itemsAdjustment = mapped[EInvoiceXML.itemsAdjustmentKey]?.doubleValue
            if mapped["line_items"]?.arrayValue != nil, let adj = mapped[EInvoiceXML.itemAdjustmentsKey]?.arrayValue {
                for (i, a) in adj.enumerated() {
                    if let x = a.doubleValue, x != 0 { out.signals.itemAdjustments[i] = x }
                }
            }
            return out
        }
        let layout = Layout(pages: doc.pages)
        let ex = Extractor(layout: layout, schema: s, ocr: doc.ocr)
        var data = ex.run()
        // A printed credit note with unsigned amounts gets a credit's sign (`CreditNote`).
        let credited = CreditNote.signedPrinted(data, schema: s, pages: doc.pages)
        if let credited { data = credited }
        var ev: JSONValue? = nil
        if options.evidence {
            var e = JSONObject()
            for f in s.fields {
                if let found = ex.evidence[f.name], !(data[f.name]?.isNull ?? true) {
                    e[f.name] = Self.evidenceJSON(found, ocr: doc.ocr)
                }
                if f.name == "line_items"
                    || (data[f.name]?.arrayValue != nil && ex.items != nil && ex.evidence[f.name] == nil),
                    let items = ex.items
                {
                    e[f.name] = .array(
                        items.map { row in
                            var r = JSONObject()
                            for (k, v) in row.sorted(by: { $0.key < $1.key }) {
                                r[k] = Self.evidenceJSON(v, ocr: doc.ocr)
                            }
                            return .object(r)
                        })
                }
            }
            ev = .object(e)
        }
        var out = ExtractionOutput(data: .object(data), evidence: ev)
        out.signals = signals(doc, schema: s, extractor: ex, data: data)
        if credited != nil {
            // the totals block's discounts and charges change sign with the totals
            out.signals.totalsAdjustment = out.signals.totalsAdjustment.map { -$0 }
            out.signals.itemsRecomputed = out.signals.itemsRecomputed.mapValues { -$0 }
        }
        return out
    }

    /// The review signals of one reading: each found field's evidence confidence (as `--evidence` gives it), the OCR
    /// text's word quality, and how the first page's words fit the schema (`Classifier`).
    func signals(_ doc: DocumentText, schema s: Schema, extractor ex: Extractor, data: JSONObject) -> DocumentSignals {
        var sig = DocumentSignals()
        for f in s.fields {
            if let found = ex.evidence[f.name], !(data[f.name]?.isNull ?? true) {
                sig.fieldConfidence[f.name] = Self.evidenceJSON(found, ocr: doc.ocr)["confidence"]?.doubleValue
            }
        }
        // A date written a/b/yyyy with both parts 12 or under, on a page whose market and currency disagree on the
        // order: either reading may be the right one.
        if ex.dateOrderInDoubt {
            for f in s.fields where f.role == .issueDate || f.role == .dueDate {
                if let found = ex.evidence[f.name], let c = sig.fieldConfidence[f.name],
                    Parse.dates(in: found.line.text, dayFirst: ex.dayFirst).contains(where: { d in
                        d.iso == data[f.name]?.stringValue && d.ambiguous && d.a != d.b
                    })
                {
                    sig.fieldConfidence[f.name] = min(c, ReviewChecks.ambiguousDateConfidence)
                }
            }
        }
        if doc.ocr {
            sig.ocrWordQuality = ReviewChecks.ocrWordQuality(doc.pages)
            // A party name read by OCR with a word that mixes letters and digits ("99SFEED MART5/9"), with its words run
            // together ("SANYUSTATIONERYSHOP"), or with a word the page's head spells with one other letter ("SANYO" over
            // "SANYU SUPPLY"), is a misreading far more often than a name: its confidence drops under the review's floor
            // so the field is looked at.
            for f in s.fields where f.role == .seller || f.role == .buyer {
                if let name = data[f.name]?.stringValue,
                    ReviewChecks.hasMixedWord(name) || ReviewChecks.hasGluedWords(name)
                        || ReviewChecks.readTwoWays(name, head: doc.pages.first?.split(separator: "\n").prefix(15)),
                    let c = sig.fieldConfidence[f.name]
                {
                    sig.fieldConfidence[f.name] = min(c, ReviewChecks.misreadNameConfidence)
                }
            }
        }
        sig.itemsWithTax = ex.itemsWithTax
        sig.itemsRecomputed = ex.itemsRecomputed
        sig.totalsAdjustment = ex.totalsAdjustment()
        if !s.keywords.isEmpty {
            let text = doc.pages.first ?? ""
            let known = Array(registry.schemas.values)
            let scores = Classifier.scores(text: text, schemas: registry.schemas[s.id] == nil ? known + [s] : known)
            sig.noSchemaKeyword = (scores.first { $0.0 == s.id }?.1 ?? 0) == 0
            if let c = Classifier.classification(scores.filter { registry.schemas[$0.0] != nil }) {
                if c.schema != s.id {
                    sig.classifiedAs = (c.schema, c.confidence)
                } else {
                    sig.fitConfidence = c.confidence
                }
            }
        }
        return sig
    }

    static func evidenceJSON(_ f: Found, ocr: Bool) -> JSONValue {
        let c = max(0, min(1, f.confidence * (ocr ? 0.85 : 1)))
        return [
            "page": JSONValue(f.line.page), "line": .string(f.line.text.trimmingCharacters(in: .whitespaces)),
            "confidence": JSONValue((c * 100).rounded() / 100),
        ]
    }

    /// The document's text as the engine reads it (one string per page, layout form), for benchmarks and tools.
    /// - Throws: the record errors of `extract`.
    public func text(path: String) async throws(RecordError) -> [String] {
        try await TextSource.read(path: path, options: options).pages
    }

    /// Scores each known schema's keywords against the first page's text; the best one, or nil.
    ///
    /// An image whose first reading routes nowhere with confidence (under `Self.sureRoute`: a dark or small scan that
    /// tesseract reads as a few stray characters) is read the way extraction reads it next: by RapidOCR under
    /// `--ocr auto`, then turned upright when tesseract's orientation detection says so. The reading that routes
    /// with the most confidence wins. Each reading goes to the text cache, so extraction does not OCR it again.
    /// - Throws: the record errors of `extract` (not_found, unreadable, unsupported_type, engine_unavailable).
    public func classify(path: String) async throws(RecordError) -> Classification? {
        let doc = try await TextSource.read(path: path, options: options, maxPages: 1, wantXML: true)
        if doc.xml != nil, registry.schemas["invoice"] != nil {
            return Classification(schema: "invoice", confidence: 1)
        }
        let schemas = Array(registry.schemas.values)
        var best = Classifier.classify(text: doc.pages.first ?? "", schemas: schemas)
        guard doc.kind == .image, OCRPrep.available else { return best }
        func consider(_ text: String?) {
            guard let text,
                let other = Classifier.classify(text: TextSource.splitPages(text).first ?? "", schemas: schemas),
                other.confidence > (best?.confidence ?? 0)
            else { return }
            best = other
        }
        if (best?.confidence ?? 0) < Self.sureRoute, options.ocr == .auto, RapidOCRWorker.installedPython() != nil {
            var rapid = options
            rapid.ocr = .rapidocr
            consider(try? await TextSource.ocrImage(path: path, options: rapid))
        }
        if (best?.confidence ?? 0) < Self.sureRoute {
            let turns = await TextSource.uprightTurns(path: path, options: options)
            if turns != 0 {
                consider(try? await TextSource.ocrImage(path: path, options: options, quarterTurns: turns))
            }
        }
        return best
    }

    /// A route at or above this confidence is not read again (`smole-route --min-confidence` defaults to 0.5).
    static let sureRoute = 0.6
}

/// Schemas loaded from paths, validated once and kept.
final class FileSchemaCache: Sendable {
    private let cache = Mutex<[String: Result<Schema, RecordError>]>([:])
    /// The schema at `path`, loaded and validated on first use (a second caller may load it again meanwhile).
    /// - Throws: the schema's load error (`unreadable`, `invalid_schema`), remembered like a success.
    func get(_ path: String) throws(RecordError) -> Schema {
        if let r = cache.withLock({ $0[path] }) { return try r.get() }
        let r: Result<Schema, RecordError>
        do { r = .success(try SchemaRegistry.loadFile(path)) } catch { r = .failure(error) }
        cache.withLock { $0[path] = r }
        return try r.get()
    }
}

/// Keyword scoring for routing by content.
enum Classifier {
    static func classify(text: String, schemas: [Schema]) -> Classification? {
        classification(scores(text: text, schemas: schemas))
    }

    /// The best schema of `scores` (best first) with a confidence from its margin over the next and its strength.
    static func classification(_ scores: [(String, Double)]) -> Classification? {
        guard let top = scores.first, top.1 > 0 else { return nil }
        let second = scores.count > 1 ? scores[1].1 : 0
        let margin = (top.1 - second) / top.1  // 0 when tied, 1 when alone
        let strength = 1 - exp(-top.1 / 6)  // how much evidence there is at all
        let confidence = max(0, min(1, 0.6 * margin + 0.4 * strength))
        return Classification(schema: top.0, confidence: (confidence * 100).rounded() / 100)
    }

    /// Each schema with keywords and its keyword score on `text`, best first.
    ///
    /// Keywords of all schemas are matched longest first, and a stretch of text that a longer keyword of one schema
    /// matched does not count for a shorter keyword of another: "cash invoice" is the receipt's "cash inv", not also the
    /// invoice's "invoice"; "customer's copy" is not the invoice's "customer". Within one schema the keywords add up
    /// as written ("invoice number" is also "invoice"). A keyword scores `weight × (1 + log2(min(n, 8)))` for its n
    /// occurrences.
    static func scores(text: String, schemas: [Schema]) -> [(String, Double)] {
        let scored = schemas.filter { !$0.keywords.isEmpty }
        guard !scored.isEmpty else { return [] }
        let page = KeywordText(text)
        // owners[word]: a bit per schema of `scored` that lists the word
        var owners: [String: UInt64] = [:]
        for (k, s) in scored.prefix(64).enumerated() {
            for (word, _) in s.keywords { owners[word, default: 0] |= 1 << UInt64(k) }
        }
        let words = owners.keys.map { ($0, $0.count) }.sorted { a, b in
            a.1 != b.1 ? a.1 > b.1 : a.0 < b.0
        }
        var claimed = [UInt64](repeating: 0, count: page.bytes.count)
        var counts: [String: Int] = [:]
        for (word, length) in words {
            let n = page.occurrences(of: word, characters: length, owners: owners[word]!, claimed: &claimed)
            if n > 0 { counts[word] = n }
        }
        var scores: [(String, Double)] = []
        for s in scored {
            var score = 0.0
            for (word, weight) in s.keywords {
                if let n = counts[word] { score += weight * (1 + log2(Double(min(n, 8)))) }
            }
            if s.id == "receipt" { score += TillLayout.bonus(text: text) }
            scores.append((s.id, score))
        }
        scores.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return scores
    }
}

/// A page prepared for keyword matching: lowercased, whitespace runs as one space, as UTF-8 bytes, with the offsets
/// where a word starts grouped by their first byte. A keyword is compared only where a word starts with its first
/// byte: one pass over the page, not one per keyword.
struct KeywordText {
    /// " " + the words joined by one space + " ".
    let bytes: [UInt8]
    /// Per byte: whether it belongs to a letter (Unicode `Alphabetic`; every byte of a multi-byte letter).
    let letter: [Bool]
    /// First byte → the offsets of the word starts (no letter before them) that begin with it.
    let starts: [[Int]]

    init(_ text: String) {
        let lower = text.lowercased()
        var bytes: [UInt8] = [0x20]
        var letter: [Bool] = [false]
        bytes.reserveCapacity(lower.utf8.count + 2)
        letter.reserveCapacity(lower.utf8.count + 2)
        for scalar in lower.unicodeScalars {
            if scalar.isASCII {
                let b = UInt8(scalar.value)
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                    if bytes.last != 0x20 {  // a run of white space is one space
                        bytes.append(0x20)
                        letter.append(false)
                    }
                    continue
                }
                bytes.append(b)
                letter.append((b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A))
                continue
            }
            if scalar.properties.isWhitespace {
                if bytes.last != 0x20 {
                    bytes.append(0x20)
                    letter.append(false)
                }
                continue
            }
            let isLetter = scalar.properties.isAlphabetic
            for b in UTF8.encode(scalar)! {
                bytes.append(b)
                letter.append(isLetter)
            }
        }
        if bytes.last != 0x20 {
            bytes.append(0x20)
            letter.append(false)
        }
        var starts = [[Int]](repeating: [], count: 256)
        for i in bytes.indices where i == 0 || !letter[i - 1] {
            // a word start: the first byte of a scalar (not a UTF-8 continuation byte) with no letter before it
            if bytes[i] & 0xC0 != 0x80 { starts[Int(bytes[i])].append(i) }
        }
        self.bytes = bytes
        self.letter = letter
        self.starts = starts
    }

    /// Occurrences of `word` (`characters` long, listed by the schemas whose bits are `owners`) that start a word and
    /// do not overlap a stretch `claimed` only by other schemas' longer keywords; each one found is claimed for
    /// `owners`. A keyword of 7 characters or more, or one that ends in a non-letter, may continue into a longer word
    /// (a prefix such as "indemnif"); a shorter one must end there.
    func occurrences(of word: String, characters: Int, owners: UInt64, claimed: inout [UInt64]) -> Int {
        let w = Array(word.utf8)
        guard let first = w.first, bytes.count >= w.count else { return 0 }
        func free(_ k: Int) -> Bool { claimed[k] == 0 || claimed[k] & owners != 0 }
        let wordEndsWithLetter = word.unicodeScalars.last!.properties.isAlphabetic
        var n = 0
        var after = 0  // occurrences do not overlap: the next one starts at or after the end of the last
        for i in starts[Int(first)] where i >= after && i + w.count <= bytes.count && free(i) {
            var ok = true
            for k in 1..<w.count where bytes[i + k] != w[k] || !free(i + k) {
                ok = false
                break
            }
            guard ok else { continue }
            let e = i + w.count
            if e >= bytes.count || !letter[e] || !wordEndsWithLetter || characters >= 7 {
                n += 1
                for k in i..<e { claimed[k] |= owners }
                after = e
            }
        }
        return n
    }
}
