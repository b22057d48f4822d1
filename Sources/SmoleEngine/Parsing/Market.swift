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
            // the patterns need four digits in a row, a Canadian postal code's letter-digit-letter, or a country's
            // name: most lines (amounts, words) have none of them
            var run = 0, longest = 0, postal = false
            let u = Array(line.utf8)
            for (i, b) in u.enumerated() {
                let digit = b >= 0x30 && b <= 0x39
                if digit { run += 1; longest = max(longest, run) } else { run = 0 }
                if digit, i > 0, i + 1 < u.count, u[i - 1] >= 0x41, u[i - 1] <= 0x5A, u[i + 1] >= 0x41, u[i + 1] <= 0x5A
                {
                    postal = true
                }
            }
            let numeric = longest >= 4 || postal || line.contains("ABN")
            let lower = numeric ? "" : line.lowercased()
            guard numeric || ["zealand", "hong kong", "malaysia", "bhd"].contains(where: lower.contains) else {
                if line.contains("ST") { addSalesTaxCue(line, &votes) }
                continue
            }
            let range = NSRange(line.startIndex..., in: line)
            for (country, re) in patterns {
                let n = re.numberOfMatches(in: line, range: range)
                if n > 0 { votes[country, default: 0] += n }
            }
            if line.contains("ST") { addSalesTaxCue(line, &votes) }
        }
        let sorted = votes.sorted { $0.value > $1.value }
        guard let best = sorted.first, sorted.count == 1 || sorted[1].value < best.value else { return nil }
        return Market(country: best.key)
    }
}
