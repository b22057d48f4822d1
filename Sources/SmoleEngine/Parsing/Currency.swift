import Foundation

/// ISO 4217 currencies: the codes in force with their minor units, and the signs and local forms that name them.
///
/// Input: a code, a sign or a short word seen beside an amount. Output: an ISO 4217 alphabetic code.
/// Data, not code: `Lexicon/iso4217.json` (generated from ISO 4217 List One by `scripts/lib/gen_iso4217.py`)
/// and `Lexicon/currency-signs.json` (signs and local forms), both compiled into the binary.
enum Currency {
    /// Current ISO 4217 codes → minor units (digits after the decimal mark: 2 for EUR, 0 for JPY, 3 for KWD).
    static let minorUnits: [String: Int] = {
        struct Entry: Decodable {
            var minorUnits: Int
            enum CodingKeys: String, CodingKey { case minorUnits = "minor_units" }
        }
        struct File: Decodable { var currencies: [String: Entry] }
        let file = try! JSONDecoder().decode(File.self, from: Data(PackageResources.iso4217_json))
        return file.currencies.mapValues(\.minorUnits)
    }()

    private struct Signs: Decodable {
        var symbols: [String: String]
        var prefixes: [String: String]
        var suffixes: [String: String]
        var weak: [String]
        var dollarFamily: [String]
        var wordLikeCodes: [String]
        enum CodingKeys: String, CodingKey {
            case symbols, prefixes, suffixes, weak
            case dollarFamily = "dollar_family"
            case wordLikeCodes = "word_like_codes"
        }
    }
    private static let signs: Signs = try! JSONDecoder().decode(
        Signs.self, from: Data(PackageResources.currency_signs_json))

    /// One-character signs (€, $, £, ₹, ₺...) → code.
    static let symbols: [Character: String] = Dictionary(
        uniqueKeysWithValues: signs.symbols.map { (Character($0.key), $0.value) })
    /// Forms written before an amount ("R$", "RM", "HK$", "Rs.") → code.
    static let prefixes: [String: String] = signs.prefixes
    /// Forms written after an amount ("zł", "Kč", "Ft", "lei") → code.
    static let suffixes: [String: String] = signs.suffixes
    /// Signs several currencies share: evidence only when nothing more specific is on the page.
    static let weakSigns: Set<String> = Set(signs.weak)
    /// Currencies written with a dollar sign: an explicit one of these beats a bare "$".
    static let dollarFamily: Set<String> = Set(signs.dollarFamily)
    /// Codes that are also everyday words ("ALL", "TOP", "PEN"): a currency only when touching an amount.
    static let wordLikeCodes: Set<String> = Set(signs.wordLikeCodes)

    /// Whether an amount's currency came from a sign several currencies share ("$12", "¥500", "Rs 90"), rather
    /// than its code or an unambiguous form ("USD 12", "US$12", "HK$12").
    static func isWeak(raw: String, code: String) -> Bool {
        // Only the currencies a weak sign names can be weak; the rest is a byte search in a short token.
        guard weakCodes.contains(code) else { return false }
        let r = Array(raw.utf8)
        if ByteSearch.contains(Array(code.utf8), in: r) { return false }
        if let strong = strongForms[code], strong.contains(where: { ByteSearch.contains($0, in: r) }) { return false }
        return weakSignBytes.contains { ByteSearch.contains($0, in: r) }
    }
    /// The codes a weak sign stands for ("$" → USD, "¥" → JPY, "Rs" → INR).
    private static let weakCodes: Set<String> = Set(
        weakSigns.compactMap { w in
            w.count == 1 ? symbols[Character(w)] : (prefixes[w] ?? suffixes[w])
        })
    private static let weakSignBytes: [[UInt8]] = weakSigns.map { Array($0.utf8) }
    /// Unambiguous prefixes of each code ("US$" for USD), as bytes.
    private static let strongForms: [String: [[UInt8]]] = {
        var out: [String: [[UInt8]]] = [:]
        for (form, code) in prefixes where !weakSigns.contains(form) { out[code, default: []].append(Array(form.utf8)) }
        return out
    }()

    /// Whether two currencies write the same sign: the dollars ($), yen and yuan (¥), the rupees (Rs).
    static func sharesSign(_ a: String, with b: String) -> Bool {
        let families: [Set<String>] = [dollarFamily, ["JPY", "CNY"], ["INR", "PKR", "LKR", "NPR", "MUR", "SCR"]]
        return families.contains { $0.contains(a) && $0.contains(b) }
    }

    /// Whether `s` is an ISO 4217 code in force (exact, upper case).
    static func isCode(_ s: String) -> Bool { s.utf8.count == 3 && minorUnits[s] != nil }

    /// Whether `s` names a currency as a word standing on its own ("Currency: EUR", "All amounts in USD").
    static func isStandaloneCode(_ s: String) -> Bool { isCode(s) && !wordLikeCodes.contains(s) }

    /// Digits after the decimal mark for `code` (ISO 4217 List One); 2 when unknown.
    static func minorUnits(of code: String?) -> Int { code.flatMap { minorUnits[$0] } ?? 2 }

    /// Rounds an amount to the currency's minor unit, never to fewer than two places (a price per unit keeps
    /// its cents even in a currency without them).
    static func round(_ v: Double, currency: String?) -> Double {
        let p = pow(10.0, Double(max(2, minorUnits(of: currency))))
        return (v * p).rounded() / p
    }
}
