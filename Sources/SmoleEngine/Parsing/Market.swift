import Foundation

/// The market a document comes from, read from what its addresses and registrations look like, for the two things a
/// page often leaves open: the order of a numeric date ("04/02/2024") and the currency of a bare "$".
///
/// Cues (each a structural pattern, never a name of a company or place list beyond what the postal systems define):
/// - US: a state's USPS code or name before a ZIP code ("Oakland, CA 94612", "Denver, Colorado 80202-1234")
///   (USPS Publication 28, appendix B);
/// - Canada: a province's code before a postal code "A1A 1A1" (Canada Post addressing guidelines); GST with HST,
///   PST or QST;
/// - Australia: a state's code before a four-digit postcode ("Sydney NSW 2000"); an ABN (11 digits);
/// - New Zealand, Singapore, Hong Kong, Malaysia: the country's name (Singapore with its six-digit postal code),
///   Malaysia also "Sdn Bhd" (Companies Act 2016 s. 27: a private company's name ends so).
/// The market with the most cues wins; a tie is no answer.
struct Market: Equatable, Sendable {
    /// ISO 3166-1 alpha-2.
    let country: String

    /// The currency of the market (ISO 4217).
    var currency: String {
        switch country {
        case "US": "USD"
        case "CA": "CAD"
        case "AU": "AUD"
        case "NZ": "NZD"
        case "SG": "SGD"
        case "HK": "HKD"
        case "MY": "MYR"
        default: "USD"
        }
    }

    /// Whether numeric dates are written month first there (the US; Canada writes both and is left open).
    var monthFirst: Bool? {
        switch country {
        case "US": true
        case "CA": nil
        default: false
        }
    }

    static let usStates =
        "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
    static let usStateNames =
        "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"

    /// (country, pattern): each match is one cue.
    static let patterns: [(String, NSRegularExpression)] = [
        ("US", #"\b(?:"# + usStates + #")\.?,?[ \t]+\d{5}(?:-\d{4})?\b(?![-/.,]\d)"#),
        ("US", #"\b(?:"# + usStateNames + #"),?[ \t]+\d{5}(?:-\d{4})?\b(?![-/.,]\d)"#),
        ("CA", #"\b(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\.?,?[ \t]+[A-Z]\d[A-Z][ \t]?\d[A-Z]\d\b"#),
        ("AU", #"\b(?:NSW|VIC|QLD|SA|WA|TAS|ACT|NT)\.?,?[ \t]+\d{4}\b(?![-/.,]\d)"#),
        ("AU", #"\bABN:?[ \t]*\d{2}[ \t]?\d{3}[ \t]?\d{3}[ \t]?\d{3}\b"#),
        ("NZ", #"\bNew Zealand\b"#),
        ("SG", #"\bSingapore[ \t]+\d{6}\b"#),
        ("HK", #"\bHong Kong\b"#),
        ("MY", #"\b(?:Malaysia|SDN\.?[ \t]*BHD|Sdn\.?[ \t]*Bhd)\b"#),
    ].map { ($0.0, try! NSRegularExpression(pattern: $0.1)) }

    private static let st = Array("ST".utf8)
    private static let abn = Array("ABN".utf8)
    private static let names = ["zealand", "hong kong", "malaysia", "bhd"].map { Array($0.utf8) }

    /// Whether a line (its UTF-8 bytes) may hold a cue: a run of four to six digits after a word and spaces (a ZIP or
    /// postal code, not a date's year after "/" nor an amount's "1234.50"), a letter-digit-letter (a Canadian postal
    /// code), "ABN", or a country's name in any case.
    static func mayHoldCue(_ u: [UInt8]) -> Bool {
        func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func upper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
        func letter(_ b: UInt8) -> Bool { upper(b) || (b >= 0x61 && b <= 0x7A) || b >= 0x80 }
        var i = 0
        while i < u.count {
            guard digit(u[i]) else { i += 1; continue }
            if i > 0, i + 1 < u.count, upper(u[i - 1]), upper(u[i + 1]) { return true }
            var j = i
            while j < u.count, digit(u[j]) { j += 1 }
            if (4...6).contains(j - i), i > 0, u[i - 1] == 0x20 || u[i - 1] == 0x09 {
                var k = i - 1
                while k > 0, u[k] == 0x20 || u[k] == 0x09 { k -= 1 }
                let decimalAfter = j + 1 < u.count && [0x2E, 0x2C, 0x2F].contains(u[j]) && digit(u[j + 1])
                if letter(u[k]) || u[k] == 0x2C || u[k] == 0x2E, !decimalAfter { return true }
            }
            i = j
        }
        if ByteSearch.contains(abn, in: u) { return true }
        let lower = u.map { upper($0) ? $0 | 0x20 : $0 }
        return names.contains { ByteSearch.contains($0, in: lower) }
    }

    /// Canada's sales taxes: HST, PST or QST as words.
    private static func addSalesTaxCue(_ line: String, _ votes: inout [String: Int]) {
        let words = line.split(whereSeparator: { !$0.isLetter })
        if words.contains(where: { $0 == "HST" || $0 == "PST" || $0 == "QST" }) { votes["CA", default: 0] += 1 }
    }

    /// Whether a line holds a postal address's city line (a state or province with its postal code:
    /// "Denver, CO 80291", "Toronto, ON M5V 2T6", "Sydney NSW 2000").
    static func isAddressLine(_ line: String) -> Bool {
        let range = NSRange(line.startIndex..., in: line)
        return patterns.prefix(postalPatterns).contains { $0.1.firstMatch(in: line, range: range) != nil }
    }

    /// The first patterns of `patterns` are postal addresses (US twice, Canada, Australia).
    static let postalPatterns = 4

    /// The market of a page's lines, or nil when no cue is found or two markets have as many.
    static func of(lines: [String]) -> Market? {
        var votes: [String: Int] = [:]
        for line in lines where line.utf8.count >= 4 {
            let u = Array(line.utf8)
            // Canada's sales taxes (HST, PST, QST) end in "ST"
            if ByteSearch.contains(st, in: u) { addSalesTaxCue(line, &votes) }
            // the patterns need a postal code after a word (four to six digits, or a Canadian letter-digit-letter)
            // or a country's name: most lines (amounts, dates, words) have neither, and are not searched
            guard mayHoldCue(u) else { continue }
            let range = NSRange(line.startIndex..., in: line)
            for (country, re) in patterns {
                let n = re.numberOfMatches(in: line, range: range)
                if n > 0 { votes[country, default: 0] += n }
            }
        }
        let sorted = votes.sorted { $0.value > $1.value }
        guard let best = sorted.first, sorted.count == 1 || sorted[1].value < best.value else { return nil }
        return Market(country: best.key)
    }
}
