import Foundation
import SmoleRecords

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree: each element by its local name and namespace URI, whatever prefix the file used
/// (`ubl:Invoice`, `Invoice` and `ns0:Invoice` are one element).
final class XMLNode {
    let name: String
    let namespace: String?
    var attributes: [String: String]
    var text = ""
    var children: [XMLNode] = []
    init(name: String, namespace: String? = nil, attributes: [String: String]) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
    }

    func child(_ n: String) -> XMLNode? { children.first { $0.name == n } }
    func all(_ n: String) -> [XMLNode] { children.filter { $0.name == n } }
    /// Follows a path of local names: "A/B/C".
    func find(_ path: String) -> XMLNode? {
        var node: XMLNode? = self
        for part in path.split(separator: "/") { node = node?.child(String(part)); if node == nil { return nil } }
        return node
    }
    /// Every node at the end of a path of local names, across repeated elements on the way.
    func findAll(_ path: String) -> [XMLNode] {
        var nodes = [self]
        for part in path.split(separator: "/") { nodes = nodes.flatMap { $0.all(String(part)) } }
        return nodes
    }
    /// The trimmed text at a path, nil when absent or empty.
    func value(_ path: String) -> String? {
        guard let t = find(path)?.trimmed, !t.isEmpty else { return nil }
        return t
    }
    var trimmed: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
    /// Depth-first search for the first descendant named `n`.
    func descendant(_ n: String) -> XMLNode? {
        for c in children { if c.name == n { return c }; if let d = c.descendant(n) { return d } }
        return nil
    }
    /// Depth-first search for the first node (this one included) that satisfies `match`.
    func first(where match: (XMLNode) -> Bool) -> XMLNode? {
        if match(self) { return self }
        for c in children { if let d = c.first(where: match) { return d } }
        return nil
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?
    static func local(_ n: String) -> String { n.split(separator: ":").last.map(String.init) ?? n }
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        var attributes: [String: String] = [:]
        for (k, v) in attributeDict where !k.hasPrefix("xmlns") { attributes[Self.local(k)] = v }
        let ns = namespaceURI.flatMap { $0.isEmpty ? nil : $0 }
        let node = XMLNode(name: Self.local(elementName), namespace: ns, attributes: attributes)
        if let top = stack.last { top.children.append(node) } else if root == nil { root = node }
        stack.append(node)
    }
    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        _ = stack.popLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        stack.last?.text += String(decoding: block, as: UTF8.self)
    }
}

/// E-invoices: the structured XML of a Factur-X / ZUGFeRD PDF or a standalone XRechnung file, mapped onto the
/// invoice fields by EN 16931 business terms.
///
/// Input: a document's bytes (an XML file, or a PDF's attachments from `PDFAttachments`, or pdfdetach's copies).
/// Output: the invoice fields (`mapInvoice`), merged onto a schema with the page's own reading (`merge`).
/// Order of evidence:
/// 1. Recognition by parsing the whole XML (XMLParser, namespaces resolved): the root's local name and namespace
///    (CII D16B, ZUGFeRD 1.0, UBL Invoice/CreditNote), or such an element inside an envelope. Never the first
///    kilobytes' text: licence comments may come first.
/// 2. Among several attachments, the one whose root is CII 2.x or UBL, then ZUGFeRD 1.0; a standard file name
///    (factur-x.xml, zugferd-invoice.xml, xrechnung.xml) breaks ties; then file order.
/// 3. Each field from its business term (BT-1 number, BT-2 date, BT-9 due date, BT-5 currency, BT-27/44 names,
///    BT-109/110/112 amounts, lines BT-153/129/146/131), then the documented fallbacks beside each (trading name,
///    the VAT breakdown's sum, the due date in the payment terms' text).
/// 4. What the XML leaves out comes from the rendered page when there is one (a PDF), else stays null.
private final class InvoiceElementWatcher: NSObject, XMLParserDelegate {
    var found = false
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        if EInvoiceXML.syntax(name: local, namespace: namespaceURI.flatMap { $0.isEmpty ? nil : $0 }) != nil {
            found = true
            parser.abortParsing()
        }
    }
}

enum EInvoiceXML {
    /// The syntaxes mapped onto the invoice fields.
    enum Syntax: Equatable {
        /// UN/CEFACT CII D16B: XRechnung CII, ZUGFeRD 2.x, Factur-X (all profiles).
        case cii
        /// ZUGFeRD 1.0 (`CrossIndustryDocument`, CII D13B-based).
        case zugferd1
        /// OASIS UBL 2.1 `Invoice` or `CreditNote`: XRechnung UBL, Peppol BIS.
        case ubl
    }

    static let ciiNamespace = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice"
    static let zugferd1Namespace = "urn:ferd:CrossIndustryDocument:invoice"
    static let ublInvoiceNamespace = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    static let ublCreditNoteNamespace = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

    /// Which e-invoice syntax an element is the root of, by local name and namespace (never by prefix).
    static func syntax(of node: XMLNode) -> Syntax? { syntax(name: node.name, namespace: node.namespace) }

    static func syntax(name: String, namespace: String?) -> Syntax? {
        guard let ns = namespace else { return nil }
        switch name {
        case "CrossIndustryInvoice" where ns.hasPrefix(ciiNamespace): return .cii
        case "CrossIndustryDocument" where ns.hasPrefix(zugferd1Namespace): return .zugferd1
        case "Invoice" where ns == ublInvoiceNamespace: return .ubl
        case "CreditNote" where ns == ublCreditNoteNamespace: return .ubl
        default: return nil
        }
    }

    static func parseTree(_ bytes: [UInt8]) -> XMLNode? {
        let parser = XMLParser(data: Data(bytes))
        let b = TreeBuilder()
        parser.delegate = b
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        // A truncated file can end without an error from the parser: every element must also have closed.
        guard parser.parse(), parser.parserError == nil, b.stack.isEmpty else { return nil }
        return b.root
    }

    /// The e-invoice element and its syntax: the document's root, or one wrapped in an envelope
    /// (a Peppol StandardBusinessDocument, say). Nil when the bytes are not well-formed or hold no e-invoice.
    static func invoiceRoot(_ bytes: [UInt8]) -> (XMLNode, Syntax)? {
        guard let root = parseTree(bytes) else { return nil }
        if let s = syntax(of: root) { return (root, s) }
        guard let inner = root.first(where: { syntax(of: $0) != nil }), let s = syntax(of: inner) else { return nil }
        return (inner, s)
    }

    /// Whether the bytes begin as markup does (after a byte-order mark and white space): a precondition for
    /// parsing them, so an image attachment is never handed to the XML parser. Says nothing of what the XML is.
    static func startsAsMarkup(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return true }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        return body.first { !PDFLexer.isSpace($0) } == UInt8(ascii: "<")
    }

    /// Whether these bytes are a well-formed e-invoice this mapping reads, decided by parsing the whole document
    /// (its root may follow kilobytes of comments, as in the FeRD samples' licence text), never by a look at its head.
    static func recognizes(_ bytes: [UInt8]) -> Bool {
        startsAsMarkup(bytes) && mentionsInvoiceElement(bytes) && invoiceRoot(bytes) != nil
    }

    /// Streams through the XML (no tree, constant memory) until an e-invoice element starts: a large XML that
    /// is no e-invoice is never built into a tree. Parse errors end the stream with false.
    static func mentionsInvoiceElement(_ bytes: [UInt8]) -> Bool {
        let parser = XMLParser(data: Data(bytes))
        let watcher = InvoiceElementWatcher()
        parser.delegate = watcher
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        _ = parser.parse()
        return watcher.found
    }

    /// XML bytes as text, honouring a byte-order mark (UTF-8, UTF-16) or a declared single-byte encoding
    /// (ISO-8859-1, ISO-8859-15, windows-1252); UTF-8 otherwise.
    static func decodeText(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let even = bytes.count & ~1
            return String(data: Data(bytes[0..<even]), encoding: .utf16) ?? ""
        }
        let declaration = String(decoding: bytes.prefix(200), as: UTF8.self).lowercased()
        if declaration.hasPrefix("<?xml"), let end = declaration.firstIndex(of: ">") {
            let decl = declaration[..<end]
            if decl.contains("iso-8859") || decl.contains("latin1") || decl.contains("latin-1") {
                return String(data: Data(bytes), encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
            }
            if decl.contains("windows-1252") || decl.contains("cp1252") {
                return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The standard attachment names (Factur-X / ZUGFeRD 2.x, ZUGFeRD 1.0 and 2.0, XRechnung, Order-X), lowercased.
    static let standardNames: Set<String> = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"]

    /// The e-invoice among a PDF's attachments, chosen by what each one is: a CII 2.x or UBL root before a
    /// ZUGFeRD 1.0 one (a PDF carrying both is read as its newer form), then a standard name before another,
    /// then the order in the file. Nil when none is a well-formed e-invoice.
    static func chooseInvoice(_ files: [(name: String?, data: [UInt8])]) -> [UInt8]? {
        var best: (rank: (Int, Int, Int), data: [UInt8])? = nil
        for (i, f) in files.enumerated() where startsAsMarkup(f.data) && mentionsInvoiceElement(f.data) {
            guard let (_, syntax) = invoiceRoot(f.data) else { continue }
            let named = f.name.map { standardNames.contains($0.lowercased()) } ?? false
            let rank = (syntax == .zugferd1 ? 1 : 0, named ? 0 : 1, i)
            if best == nil || rank < best!.rank { best = (rank, f.data) }
        }
        return best?.data
    }

    /// Finds an embedded CII/UBL XML file in a PDF (Factur-X, ZUGFeRD, XRechnung). Cheap when there is none: the
    /// bytes are only parsed when they mention an embedded file or hold object streams. The attachments are read
    /// from the PDF's bytes (`PDFAttachments`); when that reading is uncertain and finds no e-invoice, poppler's
    /// pdfdetach lists and saves them instead. An attachment that is not a well-formed e-invoice is passed over
    /// (the next one is tried, else the PDF's text is read as for any PDF).
    static func embeddedXML(pdfPath: String, size: Int, options: EngineOptions) async throws(RecordError) -> [UInt8]? {
        guard size < 200 * 1024 * 1024, let data = FileManager.default.contents(atPath: pdfPath) else { return nil }
        guard PDFAttachments.mayHaveAttachments(data) else { return nil }
        let own = PDFAttachments.embeddedFiles(in: [UInt8](data))
        if let xml = chooseInvoice(own.files.map { ($0.name, $0.data) }) { return xml }
        if own.complete { return nil }
        guard ExternalTool.locate("pdfdetach", path: options.toolSearchPath) != nil else { return nil }
        let list = try await ExternalTool.run("pdfdetach", ["-list", "-enc", "UTF-8", pdfPath], options: options)
        guard list.status == 0 else { return nil }
        // "1: factur-x.xml"
        var listed: [(Int, String)] = []
        for line in list.text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), let n = Int(line[..<colon].trimmingCharacters(in: .whitespaces))
            else { continue }
            listed.append((n, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        // Files named .xml first (standard names before others), then the rest; a few at most.
        func order(_ name: String) -> Int {
            let l = name.lowercased()
            return standardNames.contains(l) ? 0 : l.hasSuffix(".xml") ? 1 : 2
        }
        let candidates = listed.enumerated().sorted {
            (order($0.element.1), $0.offset) < (order($1.element.1), $1.offset)
        }.map(\.element).prefix(10)
        guard !candidates.isEmpty else { return nil }
        let dir = try PrivateTempDir()
        defer { dir.remove() }
        var saved: [(name: String?, data: [UInt8])] = []
        for (n, name) in candidates {
            let out = dir.path + "/attachment-\(n)"
            let r = try await ExternalTool.run("pdfdetach", ["-save", String(n), "-o", out, pdfPath], options: options)
            guard r.status == 0, let d = FileManager.default.contents(atPath: out) else { continue }
            saved.append((name, [UInt8](d)))
        }
        return chooseInvoice(saved)
    }

    /// The invoice fields the mapping fills. A field the XML does not carry maps to `null`
    /// (`line_items` too, when the profile has no lines: MINIMUM, BASIC WL).
    static let fields = [
        "vendor_name", "customer_name", "invoice_number", "date", "due_date", "currency",
        "subtotal", "tax", "total", "line_items",
    ]

    /// Maps CII (XRechnung, ZUGFeRD 2.x, Factur-X), ZUGFeRD 1.0 or UBL (Invoice, CreditNote) onto the invoice
    /// fields. Nil when the XML is none of these or is not well-formed.
    ///
    /// A credit note (`isCreditNote`) states its amounts as positive numbers credited (EN 16931); they are given
    /// negative, the sign a printed credit memo's "(228.00)" gets (`CreditNote.negated`), so a credit never reads as an
    /// invoice. One whose total (or, without one, subtotal) is already negative was signed by its producer: it is kept.
    static func mapInvoice(_ bytes: [UInt8]) -> JSONObject? {
        guard let (root, syntax) = invoiceRoot(bytes) else { return nil }
        let o: JSONObject
        switch syntax {
        case .cii, .zugferd1: o = mapCII(root)
        case .ubl: o = mapUBL(root)
        }
        let signedByProducer = ((o["total"] ?? o["subtotal"])?.doubleValue ?? 0) < 0
        return isCreditNote(root, syntax) && !signedByProducer ? CreditNote.negated(o) : o
    }

    /// The UNTDID 1001 document type codes that EN 16931 reads as a credit note (BT-3; the list as XRechnung's
    /// KoSIT interprets it): 81, 83 (credit notes for goods or services, for financial adjustments), 261 (self-billed),
    /// 262 (consolidated), 296 (price variation), 308 (delcredere), 381 (credit note), 396 (factored), 420 (OCR payment
    /// credit note), 458 (reversal of credit), 532 (forwarder's). Every other code (380, 384, 389, ...) is an invoice.
    static let creditNoteTypeCodes: Set<String> = [
        "81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532",
    ]

    /// Whether the e-invoice is a credit note: a UBL `CreditNote`, or a document type code (BT-3: CII
    /// `ExchangedDocument/TypeCode`, ZUGFeRD 1.0 `HeaderExchangedDocument/TypeCode`, UBL `InvoiceTypeCode`) in
    /// `creditNoteTypeCodes`.
    static func isCreditNote(_ root: XMLNode, _ syntax: Syntax) -> Bool {
        let code: String?
        switch syntax {
        case .cii: code = root.value("ExchangedDocument/TypeCode")
        case .zugferd1: code = root.value("HeaderExchangedDocument/TypeCode")
        case .ubl:
            if root.name == "CreditNote" { return true }
            code = root.value("InvoiceTypeCode")
        }
        return code.map { creditNoteTypeCodes.contains($0) } ?? false
    }

    /// The keys `mapInvoice` keeps beside the fields for the review (never part of a record): the signed sum of the
    /// document-level charges (BT-99, added) and allowances (BT-92, taken off) between the lines' sum (BT-106) and the
    /// tax basis (BT-109); and per line, in `line_items` order, the signed sum of its own charges (BT-141) and
    /// allowances (BT-136), which make its net amount (BT-131) differ from quantity × net price.
    static let itemsAdjustmentKey = "_items_adjustment"
    static let itemAdjustmentsKey = "_item_adjustments"

    /// The signed sum of allowance/charge elements (CII `SpecifiedTradeAllowanceCharge` with `ChargeIndicator/
    /// Indicator` and `ActualAmount`; UBL `AllowanceCharge` with `ChargeIndicator` and `Amount`): charges added,
    /// allowances taken off. Nil when there are none.
    static func allowancesAndCharges(_ nodes: [XMLNode]) -> Double? {
        var sum: Double? = nil
        for n in nodes {
            let indicator = (n.value("ChargeIndicator/Indicator") ?? n.value("ChargeIndicator"))?.lowercased()
            guard let amount = decimal(n.value("ActualAmount") ?? n.value("Amount")) else { continue }
            sum = (sum ?? 0) + (indicator == "true" ? amount : -amount)
        }
        return sum
    }

    /// The document-level adjustment between the lines and the tax basis: the stated totals (BT-108 charges, BT-107
    /// allowances) when there are any, else the sum of the allowance/charge elements. Nil when there is neither.
    static func itemsAdjustment(charges: Double?, allowances: Double?, elements: [XMLNode]) -> Double? {
        if charges != nil || allowances != nil { return (charges ?? 0) - (allowances ?? 0) }
        return allowancesAndCharges(elements)
    }

    /// Merges the mapped XML onto a schema's fields. XML values win. Fields the mapping does not know
    /// come from the text. Fields it knows but the XML leaves out (a MINIMUM profile's lines, say) come from
    /// the text when there is a rendered text (a PDF); for a bare XML file they stay null, and lines are `[]`.
    static func merge(_ mapped: JSONObject, schema s: Schema, textIsRendered: Bool, fromText: () -> JSONObject)
        -> JSONObject
    {
        var o = JSONObject(members: [])
        var text: JSONObject? = nil
        func textValue(_ name: String) -> JSONValue {
            if text == nil { text = fromText() }
            return text?[name] ?? .null
        }
        for f in s.fields {
            var v: JSONValue
            switch mapped[f.name] {
            case .some(let m) where !m.isNull: v = m
            case .none: v = textValue(f.name)
            case .some:
                if textIsRendered { v = textValue(f.name) } else { v = f.name == "line_items" ? .array([]) : .null }
                let credit = mapped[CreditNote.key] == .bool(true)
                if f.name == "line_items", let rows = v.arrayValue {
                    // a credit note's page may print its lines unsigned: they take the XML's sign first
                    let signed =
                        credit ? CreditNote.negatedRows(rows, amountKey: "amount", priceKey: "unit_price") : rows
                    v = mapped[lineTotalKey]?.doubleValue.map { .array(rowsUpTo($0, signed)) } ?? .array(signed)
                } else if credit, ["subtotal", "tax", "total"].contains(f.name), let x = v.doubleValue, x > 0 {
                    v = JSONValue(-x)
                }
            }
            o.members.append(.init(key: f.name, value: v))
        }
        return o
    }

    /// The XML's sum of line amounts (BT-106), kept beside the fields to check lines read from the page.
    static let lineTotalKey = "_line_total"

    /// Lines read from a page, cut where their amounts add up to the XML's line total: rows after that point
    /// ("Summe Positionen", a shipping charge) are not lines. Unchanged when no prefix adds up.
    static func rowsUpTo(_ total: Double, _ rows: [JSONValue]) -> [JSONValue] {
        var sum = 0.0
        for (i, row) in rows.enumerated() {
            guard let a = row["amount"]?.doubleValue else { continue }
            sum += a
            if abs(sum - total) < 0.005 { return Array(rows.prefix(i + 1)) }
        }
        return rows
    }

    // MARK: values

    /// An XML decimal (xs:decimal: dot as the decimal mark, optional sign).
    static func decimal(_ s: String?) -> Double? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        if let v = Double(t), v.isFinite { return v }
        // Lenient, for producers that break the schema: a currency code or symbol beside the number, a decimal
        // comma ("1234,56"), thousands separators ("1.234,56", "1,234.56"). The last mark is the decimal one.
        var kept = t.filter { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "," || $0 == "-" || $0 == "+") }
        if let last = kept.lastIndex(where: { $0 == "." || $0 == "," }) {
            let mark = kept[last]
            let other: Character = mark == "." ? "," : "."
            if mark == ",", kept.filter({ $0 == "," }).count > 1 {
                kept.removeAll { $0 == "," }
            }  // "1,234,567"
            else {
                kept.removeAll { $0 == other }
                kept = kept.replacingOccurrences(of: ",", with: ".")
            }
        }
        guard !kept.isEmpty, let v = Double(kept), v.isFinite else { return nil }
        return v
    }
    /// A line's price per unit: the net price (BT-146) over its base quantity (BT-149), as EN 16931 defines it
    /// (line net amount = quantity × price ÷ base quantity, BT-131). Where the line's own net amount (BT-131) says
    /// otherwise and agrees with quantity × price as written (a producer that writes the quantity again as the base
    /// quantity: 15 g at 10.00 "per 15 g" = 150.00), the price is per unit.
    static func unitPrice(_ price: Double?, base: Double?, quantity: Double?, amount: Double?) -> Double? {
        guard let p = price, let b = base, b > 0, b != 1 else { return price }
        let perBase = p / b
        if let q = quantity, let a = amount, abs(q * perBase - a) > 0.01, abs(q * p - a) <= 0.01 { return p }
        return perBase
    }

    static func number(_ s: String?) -> JSONValue { decimal(s).map { JSONValue(rounded($0)) } ?? .null }
    static func number(_ d: Double?) -> JSONValue { d.map { JSONValue(rounded($0)) } ?? .null }
    /// Drops binary floating-point noise (0.1 + 0.2) while keeping every digit an XML amount can carry.
    static func rounded(_ d: Double) -> Double { (d * 1e6).rounded() / 1e6 }
    static func string(_ s: String?) -> JSONValue {
        guard let s = s.map(Invisibles.strip)?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else {
            return .null
        }
        return .string(s.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    /// "2026-03-15", also with a time or zone after it ("2026-03-15Z", "2026-03-15T10:00:00+01:00").
    static func isoDate(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        let c = Array(t.utf8)
        if c.count >= 10, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-"),
            let y = Int(String(t.prefix(4))), let m = Int(String(t.dropFirst(5).prefix(2))),
            let d = Int(String(t.dropFirst(8).prefix(2))),
            let iso = validDate(y, m, d)
        {
            return iso
        }
        return Parse.date(t, dayFirst: true)
    }
    static func validDate(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1900...2200).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var comps = DateComponents()
        comps.year = y; comps.month = m; comps.day = d
        let cal = Calendar(identifier: .gregorian)
        guard let date = cal.date(from: comps), cal.component(.day, from: date) == d else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// A CII date element (`IssueDateTime`, `DueDateDateTime`): its `DateTimeString` or `DateString`, format 102
    /// (yyyymmdd, the one EN 16931 allows), also 203 (yyyymmddhhmm) and ISO text.
    static func ciiDate(_ node: XMLNode?) -> JSONValue {
        guard let node else { return .null }
        let ds = node.first { $0.name == "DateTimeString" || $0.name == "DateString" }
        let t = (ds ?? node).trimmed
        guard !t.isEmpty else { return .null }
        let format = ds?.attributes["format"]
        let digits = t.allSatisfy(\.isNumber)
        if digits, t.count == 8 || (t.count == 12 && format == "203"),
            let y = Int(t.prefix(4)), let m = Int(t.dropFirst(4).prefix(2)), let d = Int(t.dropFirst(6).prefix(2)),
            let iso = validDate(y, m, d)
        {
            return .string(iso)
        }
        return isoDate(t).map { .string($0) } ?? .null
    }

    /// A due date stated only in the payment terms' text (BT-20: "Zahlbar innerhalb 30 Tagen netto bis 04.04.2018,
    /// 3% Skonto innerhalb 10 Tagen bis 15.03.2018"): the latest date in it that is not before the issue date
    /// (a cash discount's date always comes before the net due date). Nil when the text states none.
    static func dueDate(inTerms texts: [String], issued: String?) -> String? {
        let dates = texts.flatMap { Parse.dates(in: $0, dayFirst: true).map(\.iso) }
        return dates.filter { issued == nil || $0 >= issued! }.max()
    }

    // MARK: CII (ZUGFeRD 2.x, Factur-X, XRechnung CII) and ZUGFeRD 1.0

    /// CII D16B and ZUGFeRD 1.0 name the same things differently; each lookup tries both names.
    static func mapCII(_ root: XMLNode) -> JSONObject {
        var o = JSONObject()
        let doc = root.child("ExchangedDocument") ?? root.child("HeaderExchangedDocument")
        let tx = root.child("SupplyChainTradeTransaction") ?? root.child("SpecifiedSupplyChainTradeTransaction")
        let agreement = tx?.child("ApplicableHeaderTradeAgreement") ?? tx?.child("ApplicableSupplyChainTradeAgreement")
        let settlement =
            tx?.child("ApplicableHeaderTradeSettlement") ?? tx?.child("ApplicableSupplyChainTradeSettlement")
        let sums =
            settlement?.child("SpecifiedTradeSettlementHeaderMonetarySummation")
            ?? settlement?.child("SpecifiedTradeSettlementMonetarySummation")

        // BT-27 / BT-44: the seller's and buyer's name (the legal name a PDF's letterhead shows); the trading name
        // (BT-28) only when the name is missing.
        func partyName(_ p: XMLNode?) -> String? {
            p?.value("Name") ?? p?.value("SpecifiedLegalOrganization/TradingBusinessName")
        }
        o["vendor_name"] = string(partyName(agreement?.child("SellerTradeParty")))
        o["customer_name"] = string(partyName(agreement?.child("BuyerTradeParty")))
        o["invoice_number"] = string(doc?.value("ID"))
        o["date"] = ciiDate(doc?.child("IssueDateTime"))
        let terms = settlement?.all("SpecifiedTradePaymentTerms") ?? []
        // BT-9: the payment terms' due date; several terms (EXTENDED: a cash discount's date beside the net date)
        // give the latest. Without one, the latest date the terms' text (BT-20) states on or after the issue date.
        let stated = terms.compactMap { ciiDate($0.child("DueDateDateTime")).stringValue }
        o["due_date"] = string(
            stated.max()
                ?? dueDate(inTerms: terms.compactMap { $0.value("Description") }, issued: o["date"]?.stringValue))

        let currency =
            settlement?.value("InvoiceCurrencyCode")
            ?? sums?.child("GrandTotalAmount")?.attributes["currencyID"]
            ?? sums?.child("TaxBasisTotalAmount")?.attributes["currencyID"]
        o["currency"] = string(currency)

        // Several amounts may repeat with a currencyID (TaxTotalAmount in the invoice and in the VAT accounting
        // currency): take the invoice currency's, else the first.
        func amount(_ name: String) -> Double? {
            let nodes = (sums?.all(name) ?? []).filter { !$0.trimmed.isEmpty }
            let pick =
                nodes.first { $0.attributes["currencyID"] == currency }
                ?? nodes.first { $0.attributes["currencyID"] == nil }
                // only amounts in another currency (the VAT accounting currency, BT-111): none in the invoice's
                ?? (currency == nil ? nodes.first : nil)
            return decimal(pick?.text)
        }
        let lineTotal = amount("LineTotalAmount")
        let taxBasis = amount("TaxBasisTotalAmount")
        let grand = amount("GrandTotalAmount")
        var tax = amount("TaxTotalAmount")
        if tax == nil {
            // No header total: the VAT breakdown's amounts (ApplicableTradeTax/CalculatedAmount), summed.
            let parts = (settlement?.all("ApplicableTradeTax") ?? []).compactMap {
                decimal($0.value("CalculatedAmount"))
            }
            if !parts.isEmpty { tax = parts.reduce(0, +) }
        }
        // Subtotal: the tax basis (lines after document-level allowances and charges), which with the tax makes
        // the total; else the lines' total adjusted by those allowances and charges.
        var subtotal = taxBasis
        if subtotal == nil, let lineTotal {
            subtotal = lineTotal + (amount("ChargeTotalAmount") ?? 0) - (amount("AllowanceTotalAmount") ?? 0)
        }
        if subtotal == nil, let grand, let tax { subtotal = grand - tax }
        o["subtotal"] = number(subtotal)
        o["tax"] = number(tax)
        o["total"] = number(grand ?? amount("DuePayableAmount"))
        if let adjustment = itemsAdjustment(
            charges: amount("ChargeTotalAmount"), allowances: amount("AllowanceTotalAmount"),
            elements: settlement?.all("SpecifiedTradeAllowanceCharge") ?? [])
        {
            o[itemsAdjustmentKey] = JSONValue(rounded(adjustment))
        }

        // EXTENDED sub-lines (ParentLineID, LineStatusReasonCode): a GROUP line is the subtotal of its DETAIL lines,
        // and an INFORMATION line is never billed. The items are the billed lines no other billed line belongs to
        // (the details, and any line without parts); their amounts make the line total (BT-106) as the groups' do.
        let billed = (tx?.all("IncludedSupplyChainTradeLineItem") ?? []).filter {
            $0.value("AssociatedDocumentLineDocument/LineStatusReasonCode")?.uppercased() != "INFORMATION"
        }
        let parents = Set(billed.compactMap { $0.value("AssociatedDocumentLineDocument/ParentLineID") })
        let lines = billed.filter { li in
            // a section heading or note written as a line: no quantity and no amount (see the UBL lines)
            let delivery = li.child("SpecifiedLineTradeDelivery") ?? li.child("SpecifiedSupplyChainTradeDelivery")
            let settlement = li.child("SpecifiedLineTradeSettlement") ?? li.child("SpecifiedSupplyChainTradeSettlement")
            let q = decimal(delivery?.value("BilledQuantity"))
            let sums =
                settlement?.child("SpecifiedTradeSettlementLineMonetarySummation")
                ?? settlement?.child("SpecifiedTradeSettlementMonetarySummation")
            let a = decimal(sums?.value("LineTotalAmount"))
            if q == 0 && (a ?? 0) == 0 { return false }
            guard let id = li.value("AssociatedDocumentLineDocument/LineID") else { return true }
            return !parents.contains(id)
        }
        o["line_items"] = lines.isEmpty ? .null : .array(lines.map { .object(ciiLine($0)) })
        if !lines.isEmpty {
            o[itemAdjustmentsKey] = .array(
                lines.map { li in
                    let settlement =
                        li.child("SpecifiedLineTradeSettlement") ?? li.child("SpecifiedSupplyChainTradeSettlement")
                    return JSONValue(
                        rounded(allowancesAndCharges(settlement?.all("SpecifiedTradeAllowanceCharge") ?? []) ?? 0))
                })
        }
        // MINIMUM has no line total: its tax basis is the lines' sum unless there are document-level allowances.
        if let check = lineTotal ?? taxBasis { o[lineTotalKey] = JSONValue(rounded(check)) }
        return o
    }

    static func ciiLine(_ li: XMLNode) -> JSONObject {
        var item = JSONObject()
        item["description"] = string(
            li.value("SpecifiedTradeProduct/Name") ?? li.value("SpecifiedTradeProduct/Description"))
        let delivery = li.child("SpecifiedLineTradeDelivery") ?? li.child("SpecifiedSupplyChainTradeDelivery")
        item["quantity"] = number(delivery?.value("BilledQuantity"))
        // The net price (BT-146) per its base quantity (BT-149: "12.50 per 100 pieces" is 0.125 a piece);
        // the gross price only when there is no net price.
        let agreement = li.child("SpecifiedLineTradeAgreement") ?? li.child("SpecifiedSupplyChainTradeAgreement")
        let priceNode = agreement?.child("NetPriceProductTradePrice") ?? agreement?.child("GrossPriceProductTradePrice")
        let settlement = li.child("SpecifiedLineTradeSettlement") ?? li.child("SpecifiedSupplyChainTradeSettlement")
        let lineSums =
            settlement?.child("SpecifiedTradeSettlementLineMonetarySummation")
            ?? settlement?.child("SpecifiedTradeSettlementMonetarySummation")
        item["unit_price"] = number(
            unitPrice(
                decimal(priceNode?.value("ChargeAmount")),
                base: decimal(priceNode?.value("BasisQuantity")),
                quantity: decimal(delivery?.value("BilledQuantity")),
                amount: decimal(lineSums?.value("LineTotalAmount"))))
        item["amount"] = number(lineSums?.value("LineTotalAmount"))
        return item
    }

    // MARK: UBL (XRechnung UBL, Peppol BIS)

    static func mapUBL(_ root: XMLNode) -> JSONObject {
        var o = JSONObject()
        // BT-27 / BT-44 (PartyLegalEntity/RegistrationName), as CII's Name; the trading name
        // (PartyName/Name, BT-28 / BT-45) only when it is missing.
        func partyName(_ p: XMLNode?) -> String? {
            let party = p?.child("Party")
            return party?.value("PartyLegalEntity/RegistrationName") ?? party?.value("PartyName/Name")
        }
        o["vendor_name"] = string(partyName(root.child("AccountingSupplierParty")))
        o["customer_name"] = string(partyName(root.child("AccountingCustomerParty")))
        o["invoice_number"] = string(root.value("ID"))
        o["date"] = isoDate(root.value("IssueDate")).map { .string($0) } ?? .null
        let due =
            root.value("DueDate")
            ?? root.findAll("PaymentMeans/PaymentDueDate").lazy.compactMap { $0.trimmed.isEmpty ? nil : $0.trimmed }
            .first
        let date = o["date"]?.stringValue
        o["due_date"] = string(
            isoDate(due) ?? dueDate(inTerms: root.findAll("PaymentTerms/Note").map(\.trimmed), issued: date))
        let totals = root.child("LegalMonetaryTotal")
        let currency = root.value("DocumentCurrencyCode") ?? totals?.child("PayableAmount")?.attributes["currencyID"]
        o["currency"] = string(currency)

        var subtotal = decimal(totals?.value("TaxExclusiveAmount"))
        if subtotal == nil, let lines = decimal(totals?.value("LineExtensionAmount")) {
            subtotal =
                lines + (decimal(totals?.value("ChargeTotalAmount")) ?? 0)
                - (decimal(totals?.value("AllowanceTotalAmount")) ?? 0)
        }
        // TaxTotal repeats when VAT is also stated in the accounting currency (BT-111): take the document currency's.
        let taxTotals = root.all("TaxTotal")
        let tt =
            taxTotals.first { $0.child("TaxAmount")?.attributes["currencyID"] == currency }
            ?? taxTotals.first { $0.child("TaxSubtotal") != nil } ?? taxTotals.first
        var tax = decimal(tt?.value("TaxAmount"))
        if tax == nil, let tt {
            let parts = tt.all("TaxSubtotal").compactMap { decimal($0.value("TaxAmount")) }
            if !parts.isEmpty { tax = parts.reduce(0, +) }
        }
        let total = decimal(totals?.value("TaxInclusiveAmount")) ?? decimal(totals?.value("PayableAmount"))
        if subtotal == nil, let total, let tax { subtotal = total - tax }
        o["subtotal"] = number(subtotal)
        o["tax"] = number(tax)
        o["total"] = number(total)

        if let lineTotal = decimal(totals?.value("LineExtensionAmount")) {
            o[lineTotalKey] = JSONValue(rounded(lineTotal))
        }
        if let adjustment = itemsAdjustment(
            charges: decimal(totals?.value("ChargeTotalAmount")),
            allowances: decimal(totals?.value("AllowanceTotalAmount")), elements: root.all("AllowanceCharge"))
        {
            o[itemsAdjustmentKey] = JSONValue(rounded(adjustment))
        }
        // A line with no quantity and no amount is a section heading or a note some producers write as a line
        // ("--- Non Food ---", "Delivered in a re-usable container"): nothing is billed on it.
        let lines = (root.all("InvoiceLine") + root.all("CreditNoteLine")).filter { li in
            let q = decimal(li.value("InvoicedQuantity") ?? li.value("CreditedQuantity")),
                a = decimal(li.value("LineExtensionAmount"))
            return !(q == 0 && (a ?? 0) == 0)
        }
        o["line_items"] =
            lines.isEmpty
            ? .null
            : .array(
                lines.map { li in
                    var item = JSONObject()
                    item["description"] = string(li.value("Item/Name") ?? li.value("Item/Description"))
                    item["quantity"] = number(li.value("InvoicedQuantity") ?? li.value("CreditedQuantity"))
                    item["unit_price"] = number(
                        unitPrice(
                            decimal(li.value("Price/PriceAmount")), base: decimal(li.value("Price/BaseQuantity")),
                            quantity: decimal(li.value("InvoicedQuantity") ?? li.value("CreditedQuantity")),
                            amount: decimal(li.value("LineExtensionAmount"))))
                    item["amount"] = number(li.value("LineExtensionAmount"))
                    return .object(item)
                })
        if !lines.isEmpty {
            // the line's own AllowanceCharge (not Price/AllowanceCharge: that one makes the net price)
            o[itemAdjustmentsKey] = .array(
                lines.map { JSONValue(rounded(allowancesAndCharges($0.all("AllowanceCharge")) ?? 0)) })
        }
        return o
    }
}
