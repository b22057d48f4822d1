import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SmoleCore

/// A small element tree with namespace prefixes dropped (ram:ID → ID).
final class XMLNode {
    let name: String
    var attributes: [String: String]
    var text = ""
    var children: [XMLNode] = []
    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    func child(_ n: String) -> XMLNode? { children.first { $0.name == n } }
    func all(_ n: String) -> [XMLNode] { children.filter { $0.name == n } }
    /// Follows a path of local names: "A/B/C".
    func find(_ path: String) -> XMLNode? {
        var node: XMLNode? = self
        for part in path.split(separator: "/") { node = node?.child(String(part)); if node == nil { return nil } }
        return node
    }
    func value(_ path: String) -> String? {
        guard let t = find(path)?.text.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }
    /// Depth-first search for the first descendant named `n`.
    func descendant(_ n: String) -> XMLNode? {
        for c in children { if c.name == n { return c }; if let d = c.descendant(n) { return d } }
        return nil
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?
    static func local(_ n: String) -> String { n.split(separator: ":").last.map(String.init) ?? n }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let node = XMLNode(name: Self.local(elementName), attributes: attributeDict)
        if let top = stack.last { top.children.append(node) } else { root = node }
        stack.append(node)
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
}

enum EInvoiceXML {
    static func parseTree(_ bytes: [UInt8]) -> XMLNode? {
        let parser = XMLParser(data: Data(bytes))
        let b = TreeBuilder()
        parser.delegate = b
        parser.shouldProcessNamespaces = false
        guard parser.parse() else { return nil }
        return b.root
    }

    /// Whether these bytes are a CII CrossIndustryInvoice or a UBL Invoice/CreditNote.
    static func isEInvoice(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return head.contains("CrossIndustryInvoice") || head.range(of: #"<([A-Za-z0-9]+:)?(Invoice|CreditNote)[\s>]"#, options: .regularExpression) != nil
    }

    /// Finds an embedded CII/UBL XML file in a PDF (Factur-X, ZUGFeRD, XRechnung). Cheap when there is none:
    /// pdfdetach only runs when the file mentions embedded files.
    static func embeddedXML(pdfPath: String, size: Int, options: EngineOptions) async throws(RecordError) -> [UInt8]? {
        guard size < 200 * 1024 * 1024, let data = FileManager.default.contents(atPath: pdfPath) else { return nil }
        // An embedded file's stream dictionary is never inside a compressed object stream, so its
        // /Type /EmbeddedFile or its XML /Subtype shows in the raw bytes.
        let markers = [Array("EmbeddedFile".utf8), Array("#2Fxml".utf8)]
        // memchr for the first byte, then memcmp (both vectorised in libc): a Swift byte loop here was a visible
        // share of a large PDF's time. (memmem is a GNU extension Swift does not import.)
        let found: Bool = data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            return markers.contains { marker in
                marker.withUnsafeBytes { m -> Bool in
                    let n = m.count
                    var p = base
                    let end = base + raw.count
                    while end - p >= n, let hit = memchr(p, Int32(m[0]), end - p - n + 1) {
                        if memcmp(hit, m.baseAddress!, n) == 0 { return true }
                        p = UnsafeRawPointer(hit) + 1
                    }
                    return false
                }
            }
        }
        guard found else { return nil }
        // Read the attachments from the bytes first; pdfdetach only when one of them could not be read here.
        let own = PDFAttachments.embeddedFiles(in: [UInt8](data))
        if let xml = own.files.first(where: { isEInvoice($0) }) { return xml }
        if own.complete, !own.files.isEmpty { return nil }
        guard ExternalTool.locate("pdfdetach", path: options.toolSearchPath) != nil else { return nil }
        let list = try await ExternalTool.run("pdfdetach", ["-list", "-enc", "UTF-8", pdfPath], options: options)
        guard list.status == 0 else { return nil }
        // "1: factur-x.xml"
        var candidates: [(Int, String)] = []
        for line in list.text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), let n = Int(line[..<colon].trimmingCharacters(in: .whitespaces)) else { continue }
            let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased().hasSuffix(".xml") { candidates.append((n, name)) }
        }
        // Prefer the standard names.
        candidates.sort { a, b in
            let pa = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"].contains(a.1.lowercased()) ? 0 : 1
            let pb = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"].contains(b.1.lowercased()) ? 0 : 1
            return pa < pb
        }
        guard !candidates.isEmpty else { return nil }
        let dir = try PrivateTempDir()
        defer { dir.remove() }
        for (n, _) in candidates {
            let out = dir.path + "/attachment-\(n).xml"
            let r = try await ExternalTool.run("pdfdetach", ["-save", String(n), "-o", out, pdfPath], options: options)
            guard r.status == 0, let d = FileManager.default.contents(atPath: out) else { continue }
            let bytes = [UInt8](d)
            if isEInvoice(bytes) { return bytes }
        }
        return nil
    }

    /// Maps CII or UBL onto the invoice fields. Nil when the XML is neither.
    static func mapInvoice(_ bytes: [UInt8]) -> JSONObject? {
        guard let root = parseTree(bytes) else { return nil }
        if root.name == "CrossIndustryInvoice" { return mapCII(root) }
        if root.name == "Invoice" || root.name == "CreditNote" { return mapUBL(root) }
        return nil
    }

    static func number(_ s: String?) -> JSONValue {
        guard let s, let v = Double(s.trimmingCharacters(in: .whitespaces)) else { return .null }
        return JSONValue(v)
    }
    static func string(_ s: String?) -> JSONValue {
        guard let s = s?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return .null }
        return .string(s.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }
    static func ciiDate(_ node: XMLNode?) -> JSONValue {
        guard let node, let ds = node.descendant("DateTimeString") ?? (node.name == "DateTimeString" ? node : nil) else {
            if let t = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), let d = Parse.date(t, dayFirst: true) { return .string(d) }
            return .null
        }
        let t = ds.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let format = ds.attributes["format"] ?? "102"
        if format == "102", t.count == 8, let _ = Int(t) {
            return .string("\(t.prefix(4))-\(t.dropFirst(4).prefix(2))-\(t.suffix(2))")
        }
        if let d = Parse.date(t, dayFirst: true) { return .string(d) }
        return .null
    }

    static func mapCII(_ root: XMLNode) -> JSONObject {
        var o = JSONObject()
        let doc = root.child("ExchangedDocument")
        let tx = root.child("SupplyChainTradeTransaction")
        let agreement = tx?.child("ApplicableHeaderTradeAgreement")
        let settlement = tx?.child("ApplicableHeaderTradeSettlement")
        let sums = settlement?.child("SpecifiedTradeSettlementHeaderMonetarySummation")
        o["vendor_name"] = string(agreement?.value("SellerTradeParty/Name"))
        o["customer_name"] = string(agreement?.value("BuyerTradeParty/Name"))
        o["invoice_number"] = string(doc?.value("ID"))
        o["date"] = ciiDate(doc?.child("IssueDateTime"))
        o["due_date"] = ciiDate(settlement?.child("SpecifiedTradePaymentTerms")?.child("DueDateDateTime"))
        let currency = settlement?.value("InvoiceCurrencyCode") ?? sums?.child("GrandTotalAmount")?.attributes["currencyID"]
        o["currency"] = string(currency)
        let subtotal = sums?.value("TaxBasisTotalAmount") ?? sums?.value("LineTotalAmount")
        o["subtotal"] = number(subtotal)
        // TaxTotalAmount may appear twice (invoice and accounting currency): take the invoice currency's.
        let taxes = sums?.all("TaxTotalAmount") ?? []
        let tax = taxes.first { $0.attributes["currencyID"] == nil || $0.attributes["currencyID"] == currency } ?? taxes.first
        o["tax"] = number(tax?.text)
        o["total"] = number(sums?.value("GrandTotalAmount") ?? sums?.value("DuePayableAmount"))
        var items: [JSONValue] = []
        for li in tx?.all("IncludedSupplyChainTradeLineItem") ?? [] {
            var item = JSONObject()
            item["description"] = string(li.value("SpecifiedTradeProduct/Name") ?? li.value("SpecifiedTradeProduct/Description"))
            item["quantity"] = number(li.value("SpecifiedLineTradeDelivery/BilledQuantity"))
            let agreementLine = li.child("SpecifiedLineTradeAgreement")
            var price = number(agreementLine?.value("NetPriceProductTradePrice/ChargeAmount") ?? agreementLine?.value("GrossPriceProductTradePrice/ChargeAmount"))
            if let basis = agreementLine?.value("NetPriceProductTradePrice/BasisQuantity"), let b = Double(basis), b > 0, b != 1, let p = price.doubleValue {
                price = JSONValue(p / b)
            }
            item["unit_price"] = price
            item["amount"] = number(li.value("SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount"))
            items.append(.object(item))
        }
        o["line_items"] = .array(items)
        return o
    }

    static func mapUBL(_ root: XMLNode) -> JSONObject {
        var o = JSONObject()
        func partyName(_ p: XMLNode?) -> String? {
            let party = p?.child("Party")
            return party?.value("PartyName/Name") ?? party?.value("PartyLegalEntity/RegistrationName")
        }
        o["vendor_name"] = string(partyName(root.child("AccountingSupplierParty")))
        o["customer_name"] = string(partyName(root.child("AccountingCustomerParty")))
        o["invoice_number"] = string(root.value("ID"))
        o["date"] = root.value("IssueDate").flatMap { Parse.date($0, dayFirst: true) }.map { .string($0) } ?? .null
        let due = root.value("DueDate") ?? root.value("PaymentMeans/PaymentDueDate")
        o["due_date"] = due.flatMap { Parse.date($0, dayFirst: true) }.map { .string($0) } ?? .null
        let currency = root.value("DocumentCurrencyCode")
        o["currency"] = string(currency)
        let totals = root.child("LegalMonetaryTotal")
        o["subtotal"] = number(totals?.value("TaxExclusiveAmount") ?? totals?.value("LineExtensionAmount"))
        let taxTotals = root.all("TaxTotal")
        let tt = taxTotals.first { $0.child("TaxAmount")?.attributes["currencyID"] == currency } ?? taxTotals.first
        o["tax"] = number(tt?.value("TaxAmount"))
        o["total"] = number(totals?.value("TaxInclusiveAmount") ?? totals?.value("PayableAmount"))
        var items: [JSONValue] = []
        for li in root.all("InvoiceLine") + root.all("CreditNoteLine") {
            var item = JSONObject()
            item["description"] = string(li.value("Item/Name") ?? li.value("Item/Description"))
            item["quantity"] = number(li.value("InvoicedQuantity") ?? li.value("CreditedQuantity"))
            var price = number(li.value("Price/PriceAmount"))
            if let basis = li.value("Price/BaseQuantity"), let b = Double(basis), b > 0, b != 1, let p = price.doubleValue { price = JSONValue(p / b) }
            item["unit_price"] = price
            item["amount"] = number(li.value("LineExtensionAmount"))
            items.append(.object(item))
        }
        o["line_items"] = .array(items)
        return o
    }
}
