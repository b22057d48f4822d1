import Foundation
import SmoleRecords

/// The parties of an invoice or receipt: the seller (vendor, merchant) and the buyer (customer).
///
/// Input: label hits for the role (`Lexicon/labels`), the payment instructions, the heading block at the top.
/// Output: a name, or nil. Order of evidence for the seller: a labelled name ("From:", "Verkäufer:"); the payee of
/// the payment instructions ("Account holder", "Kontoinhaber"); on a till slip its head (`Receipts.swift`); the first
/// name at the top of the page that is not a title, an address heading, a label or the labelled customer. The buyer:
/// a labelled name only ("Bill To", "Rechnung an", a salutation such as "Herrn" with the name below).
extension Extractor {
    // MARK: names

    static let titleWords: Set<String> = Lexicon.wordSet("title_words")
    static let contactPrefixes = Lexicon.words("contact_prefixes")

    func looksLikeName(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.count >= 2, t.contains(where: \.isLetter) else { return false }
        if Self.titleWords.contains(t.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :#"))) {
            return false
        }
        if Lexicon.headings.contains(t.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :#"))) {
            return false
        }
        if let f = t.first, f.isNumber { return false }
        // a note in parentheses ("(Not to be used for payment remittance)") is not a name
        if t.hasPrefix("("), t.hasSuffix(")") { return false }
        if !Parse.dates(in: t, dayFirst: dayFirst).isEmpty { return false }
        let lower = t.lowercased()
        for w in Self.contactPrefixes where lower.hasPrefix(w) { return false }
        if t.contains("@") { return false }
        // "Receipt #25259", "Ticket #91937": the slip's number (the name above it lost to OCR), not a name
        if t.contains("#"), let first = lower.split(separator: " ").first, Self.titleWords.contains(String(first)) {
            return false
        }
        // a customer or account number, not a name
        if !t.contains(" "), t.filter(\.isNumber).count >= 3 { return false }
        // a post-office box or a lockbox ("Remit To: P.O. BOX 74210", "Lockbox 4410"), a city with its postal code
        // ("Denver, CO 80291"): an address, not a name
        let letters = lower.filter { $0.isLetter || $0 == " " }.split(separator: " ").joined(separator: " ")
        if Self.boxWords.contains(where: { letters.hasPrefix($0) }), t.contains(where: \.isNumber) { return false }
        if t.contains(where: \.isNumber), Market.isAddressLine(t) { return false }
        return true
    }

    /// The words a post-office box address starts with (after its dots and spaces are dropped).
    static let boxWords = [
        "po box", "p o box", "pobox", "post office box", "lockbox", "lock box", "postfach", "bp ", "apartado",
    ]

    func cleanName(_ s: String) -> String {
        var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " :,;-–|"))
        t = t.split(separator: " ").joined(separator: " ")
        return t
    }

    func parseName(_ s: String) -> JSONValue? {
        let t = cleanName(s)
        if Self.addressHeadings.contains(t.lowercased()) { return nil }
        return looksLikeName(t) ? .string(t) : nil
    }

    func partyName(_ f: Field, fallbackHeader: Bool) -> Found? {
        var c = candidates(f.name, parse: parseName)
        // a seller label's value that is the labelled buyer's name was read from the buyer's column beside it
        // ("Bill To | Remit To" over "Aspen Row Builders | Lockbox 4410")
        if f.role == .seller, !c.isEmpty, let buyer = schema.field(.buyer), buyer.name != f.name,
            let name = best(candidates(buyer.name, parse: parseName))?.value.stringValue?.lowercased()
        {
            c.removeAll { $0.value.stringValue?.lowercased() == name }
        }
        if let b = best(c) { return b }
        guard fallbackHeader else { return nil }
        // Payment instructions name the payee ("Account holder: NETPRESSE", "Payment received by OYO"): stronger
        // evidence of the seller than the first name-looking cell at the top, which may be the buyer's address.
        if let p = payeeName() { return p }
        // A till slip's merchant: the business at its head (Receipts.swift).
        if f.name == "merchant_name", let r = receiptMerchant() { return r }
        // The buyer's block can sit at the top too: a heading cell that is the labelled customer is not the seller.
        let customer = schema.field(.buyer).flatMap { cf in
            best(candidates(cf.name, parse: parseName))?.value.stringValue?.lowercased()
        }
        // The heading: the first cell near the top that is a name, not a title, address heading or label.
        // Cells under an address heading or a customer label belong to that block.
        var blocked: [(Int, Int)] = []
        let customerFields: Set<String> = Set(schema.fields.filter { $0.role == .buyer }.map(\.name))
        for l in layout.lines.prefix(15) where !l.isBlank {
            if tableLines.contains(l.index) { break }
            for cell in l.cells {
                if blocked.contains(where: { cell.start < $0.1 && cell.end > $0.0 }) { continue }
                if (hits[l.index] ?? []).contains(where: {
                    customerFields.contains($0.field) && $0.start >= cell.start && $0.start <= cell.start + 1
                }) {
                    blocked.append((cell.start - 2, cell.end + 8)); continue
                }
                if isLabelCell(l, cell) || cell.text.hasSuffix(":") { continue }
                // a cell that holds a date is not a name, even once cut at its comma ("March 1, 2025" → "March 1")
                if !Parse.dates(in: cell.text, dayFirst: dayFirst).isEmpty { continue }
                // a title ("Tax Invoice") is not a name, not even what is left once its last word is cut off
                if Self.titleWords.contains(cleanName(cell.text).lowercased()) { continue }
                let t = headerName(cell.text)
                if Self.addressHeadings.contains(t.lowercased()) {
                    blocked.append((cell.start - 2, cell.end + 8)); continue
                }
                if Self.titleWords.contains(t.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " .:#"))) {
                    continue
                }
                if let customer, t.lowercased() == customer { continue }
                if looksLikeName(t) { return Found(value: .string(t), line: l, confidence: 0.7) }
            }
        }
        return nil
    }

    /// Phrases after which payment instructions name the payee, in the four languages. ("Empfänger" alone is not
    /// one: "Rechnungsempfänger" is the buyer.)
    static let payeePhrases: [String] = [
        "account holder", "account name", "payable to", "make checks payable to", "make cheques payable to",
        "payment received by",
        "beneficiary", "kontoinhaber", "zahlungsempfänger", "begünstigter", "titulaire du compte", "titulaire",
        "bénéficiaire",
        "rekeninghouder", "ten name van", "t.n.v.", "begunstigde",
    ]

    /// The payee phrases as label keys, prepared once.
    static let payeeKeys: [(keys: [UInt32], count: Int, lastIsWord: Bool)] = payeePhrases.map { p in
        let chars = LabelMatch.normalize(p)
        return (LabelMatch.keys(chars), chars.count, chars.last?.isWordChar ?? false)
    }

    /// The payee named in payment instructions, when it reads as a name and is not the labelled customer.
    func payeeName() -> Found? {
        var customer: String?? = nil  // looked up only once a payee phrase is found
        for l in layout.lines where l.keys.count > 6 {
            for phrase in Self.payeeKeys {
                guard let at = LabelMatch.find(phrase.keys, lastIsWord: phrase.lastIsWord, in: l).first,
                    let cell = l.cell(at: at)
                else { continue }
                var rest = l.substring(at + phrase.count, cell.end)
                if rest.trimmingCharacters(in: CharacterSet(charactersIn: " :")).isEmpty,
                    let next = l.cells.first(where: { $0.start >= cell.end })
                {
                    rest = next.text
                }
                // up to the end of the name: a comma, an opening parenthesis or a second label ends it
                if let cut = rest.firstIndex(where: { $0 == "(" || $0 == "," || $0 == ";" }) {
                    rest = String(rest[..<cut])
                }
                guard case .string(let name)? = parseName(rest), name.count <= 60 else { continue }
                if customer == nil {
                    customer = .some(
                        schema.field(.buyer).flatMap { cf in
                            best(candidates(cf.name, parse: parseName))?.value.stringValue?.lowercased()
                        })
                }
                if let c = customer ?? nil, name.lowercased() == c { continue }
                if name.lowercased().hasPrefix("iban") || name.lowercased().hasPrefix("bic") { continue }
                return Found(value: .string(name), line: l, confidence: 0.75)
            }
        }
        return nil
    }

    static let addressHeadings: Set<String> = Lexicon.wordSet("address_headings")

    /// A heading cell as a name: "Amazon Web Services Invoice" → "Amazon Web Services";
    /// "QualityHosting AG - Uferweg 40-42 - D-63571 Gelnhausen" → "QualityHosting AG".
    func headerName(_ s: String) -> String {
        var t = cleanName(s)
        for sep in [" - ", " · ", " | ", " • ", ", "] {
            if let r = t.range(of: sep), t[r.upperBound...].contains(where: \.isNumber) {
                t = String(t[..<r.lowerBound])
            }
        }
        let lower = t.lowercased()
        for w in Self.titleWords.sorted(by: { $0.count > $1.count }) where lower.hasSuffix(" " + w) {
            t = String(t.dropLast(w.count + 1)); break
        }
        // a department after the name ("Free Service Abonné", "Acme Ltd Customer Service")
        let rest = t.lowercased()
        for w in Self.departmentWords where rest.hasSuffix(" " + w) && rest.count > w.count + 2 {
            t = String(t.dropLast(w.count + 1)); break
        }
        return cleanName(t)
    }

    /// Department names, longest first (Lexicon "department_words").
    static let departmentWords = Lexicon.words("department_words").sorted { $0.count > $1.count }
}
