import Foundation

// Stage 3, parsing. Input: a line or a cell. Output: typed tokens with their offsets: numbers (either decimal mark,
// group marks of threes or Indian lakh grouping, apostrophes and thin spaces, accounting negatives, the currency that
// touches them: `Currency.swift`), dates (numeric, with month names in seven languages, day-first or month-first from
// the document's cues), times and contract terms. The grammar serves bytes, scalars and characters alike (`ScanUnit`).

/// A number found in a line of text, with where it was.
struct NumberToken: Sendable, Equatable {
    var start: Int  // character offset in the line
    var end: Int  // one past the last character
    var value: Double
    var decimals: Int  // digits after the decimal mark (0 when none)
    var isPercent: Bool
    var currency: String?  // ISO code when a symbol or code touches the number
    var raw: String
}

enum Parse {
    // MARK: numbers and amounts

    /// One-character currency signs (see `Currency`).
    static var currencySymbols: [Character: String] { Currency.symbols }

    /// Finds every number in `chars`. `decimalHint` (',' or '.') settles "1.234" style ambiguity.
    static func numbers(in chars: [Character], decimalHint: Character? = nil) -> [NumberToken] {
        scanNumbers(chars, decimalHint: decimalHint)
    }

    /// Numbers in a line: on its bytes when it is ASCII (offsets are the same), else on its characters.
    static func numbers(in line: Line, decimalHint: Character? = nil) -> [NumberToken] {
        if let bytes = line.ascii { return scanNumbers(bytes, decimalHint: decimalHint) }
        if let units = line.scalars { return scanNumbers(units, decimalHint: decimalHint) }
        return scanNumbers(line.chars, decimalHint: decimalHint)
    }

    /// Numbers in a piece of text (character offsets).
    static func numbers(in text: String, decimalHint: Character? = nil) -> [NumberToken] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return scanNumbers(Array(text.utf8), decimalHint: decimalHint) }
        let units = Array(text.unicodeScalars)
        if units.allSatisfy(Line.standsAlone) { return scanNumbers(units, decimalHint: decimalHint) }
        return scanNumbers(Array(text), decimalHint: decimalHint)
    }

    /// The scanner, written once for characters and for the bytes of an ASCII line.
    static func scanNumbers<C: ScanUnit>(_ chars: [C], decimalHint: Character?) -> [NumberToken] {
        var out: [NumberToken] = []
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            guard c.isASCIIDigit else { i += 1; continue }
            // A digit glued to a letter belongs to a word (M8, Cat6, A524, 4PK).
            // ...unless the letters are a currency and the digits an amount with decimals ("RM12.50", "USD1,200.00").
            if i > 0, chars[i - 1].isLetterUnit,
                !moneyShaped(chars, from: i) || currencyBefore(chars, endingAt: i - 1, amountHasDecimals: true) == nil
            {
                while i < n, chars[i].isLetterUnit || chars[i].isNumberUnit { i += 1 }; continue
            }
            let start = i
            var groups: [String] = []
            var seps: [Character] = []
            let g0 = i
            while i < n, chars[i].isASCIIDigit { i += 1 }
            groups.append(C.string(chars[g0..<i]))
            while i + 1 < n {
                let s = chars[i]
                if s == C.dot || s == C.comma || s == C.apostrophe || s == C.rightQuote {
                    guard chars[i + 1].isASCIIDigit else { break }
                } else if s == C.space || s == C.nbsp || s == C.narrowNbsp || s == C.thinSpace {
                    // A thin thousands space: exactly three digits follow and then no digit.
                    guard i + 3 < n + 0, i + 3 <= n - 1 || i + 3 == n else { break }
                    var ok = true
                    for k in 1...3 { if i + k >= n || !chars[i + k].isASCIIDigit { ok = false; break } }
                    if ok, i + 4 < n, chars[i + 4].isASCIIDigit { ok = false }
                    if ok, groups.count == 1, groups[0].count > 3 { ok = false }
                    if !ok { break }
                } else {
                    break
                }
                var j = i + 1
                while j < n, chars[j].isASCIIDigit { j += 1 }
                seps.append(s.character); groups.append(C.string(chars[(i + 1)..<j])); i = j
            }
            // A word glued after the digits (4x40, 10kg) is not an amount on its own.
            if i < n, chars[i].isLetterUnit {
                let glued = chars[i]
                let timesSign =
                    (glued == C.lowerX || glued == C.upperX) && groups.count == 1
                    && (i + 1 == n || chars[i + 1] == C.space)
                let marked =
                    seps.count > 0
                    && (currencyAfter(chars, from: i, amountHasDecimals: true) != nil
                        || creditMark(chars, from: i) != nil)
                if !timesSign && !marked {
                    while i < n, chars[i].isLetterUnit || chars[i].isNumberUnit { i += 1 }
                    continue
                }
            }
            guard let (value, decimals) = interpret(groups: groups, seps: seps, decimalHint: decimalHint) else {
                continue
            }
            var end = i
            var isPercent = false
            if end < n, chars[end] == C.percent {
                isPercent = true; end += 1
            } else if end + 1 < n, chars[end] == C.space, chars[end + 1] == C.percent {
                isPercent = true; end += 2
            }
            var sign = 1.0
            var s0 = start
            // sign or currency before
            var currency: String? = nil
            var k = start - 1
            while k >= 0, chars[k] == C.space, start - k <= 2 { k -= 1 }
            if k >= 0, chars[k] == C.minus || chars[k] == C.unicodeMinus {
                if k == 0 || !(chars[k - 1].isNumberUnit) {
                    sign = -1; s0 = k; k -= 1; while k >= 0, chars[k] == C.space, s0 - k <= 2 { k -= 1 }
                }
            } else if k == start - 1, Parse.isDashMinus(chars, at: k) {
                sign = -1; s0 = k; k -= 1; while k >= 0, chars[k] == C.space, s0 - k <= 2 { k -= 1 }
            }
            if k >= 0, let (code, at) = currencyBefore(chars, endingAt: k, amountHasDecimals: decimals > 0) {
                currency = code; s0 = min(s0, at)
                // "-$228.00": the sign before the currency
                if sign > 0, at > 0, chars[at - 1] == C.minus || chars[at - 1] == C.unicodeMinus,
                    at == 1 || !chars[at - 2].isNumberUnit
                {
                    sign = -1; s0 = at - 1
                } else if sign > 0, at > 0, Parse.isDashMinus(chars, at: at - 1) {
                    sign = -1; s0 = at - 1
                }
            }
            if currency == nil, !isPercent,
                let (code, to) = currencyAfter(chars, from: end, amountHasDecimals: decimals > 0)
            {
                currency = code; end = to
            }
            if !isPercent, decimals > 0 || currency != nil, sign > 0 {
                // Accounting negatives: "(228.00)", "($228.00)", "$228.00-", "228.00 CR".
                if s0 > 0, chars[s0 - 1] == C.openParen, end < n, chars[end] == C.closeParen {
                    sign = -1; s0 -= 1; end += 1
                } else if end < n, chars[end] == C.minus,
                    end + 1 == n || chars[end + 1] == C.space || chars[end + 1] == C.closeParen
                {
                    sign = -1; end += 1
                } else if let to = creditMark(chars, from: end) {
                    sign = -1; end = to
                }
            }
            out.append(
                NumberToken(
                    start: s0, end: end, value: sign * value, decimals: decimals, isPercent: isPercent,
                    currency: currency, raw: C.string(chars[s0..<end])))
        }
        return out
    }

    /// Whether the en dash at `k` is a minus sign: word processors turn a typed "-" before a number into an en dash
    /// (U+2013, "–240.00"). It counts only touching the amount (or its currency sign) and not after a digit or a
    /// letter, since a spaced en dash is a range or a separator ("10 – 20", "Consulting – 240.00").
    static func isDashMinus<C: ScanUnit>(_ chars: [C], at k: Int) -> Bool {
        guard k >= 0, k < chars.count, chars[k] == C.enDash else { return false }
        return k == 0 || !(chars[k - 1].isNumberUnit || chars[k - 1].isLetterUnit)
    }

    /// The currency named just before an amount, ending at `k`: a sign ("$", "€"), a sign with letters ("R$", "HK$"),
    /// a local form ("RM", "Rs.", "Kč") or an ISO 4217 code. Returns the code and where its text starts.
    /// A code that is also a word ("PEN", "ALL") counts only before an amount with decimals.
    static func currencyBefore<C: ScanUnit>(_ chars: [C], endingAt k: Int, amountHasDecimals: Bool) -> (String, Int)? {
        guard k >= 0, k < chars.count else { return nil }
        if let code = chars[k].currencySymbolCode {
            var j = k - 1
            while j >= 0, chars[j].isLetterUnit, k - j <= 3 { j -= 1 }
            if j + 1 < k, j < 0 || !chars[j].isLetterUnit, let c = Currency.prefixes[C.string(chars[(j + 1)...k])] {
                return (c, j + 1)
            }
            return (code, k)
        }
        var e = k
        if chars[e] == C.dot { e -= 1 }
        guard e >= 0, chars[e].isLetterUnit else { return nil }
        var j = e
        while j >= 0, chars[j].isLetterUnit, e - j < 4 { j -= 1 }
        guard j < 0 || !(chars[j].isLetterUnit || chars[j].isNumberUnit) else { return nil }
        let letters = C.string(chars[(j + 1)...e])
        if e < k, let c = Currency.prefixes[letters + "."] { return (c, j + 1) }
        if let c = Currency.prefixes[letters] { return (c, j + 1) }
        if let c = codeWord(letters, amountHasDecimals: amountHasDecimals), e == k { return (c, j + 1) }
        return nil
    }

    /// The currency named just after an amount starting at `from` (up to two spaces away): a sign, a local form
    /// ("zł", "Kč", "лв.") or an ISO 4217 code. Returns the code and the offset after it.
    static func currencyAfter<C: ScanUnit>(_ chars: [C], from: Int, amountHasDecimals: Bool) -> (String, Int)? {
        let n = chars.count
        var m = from
        while m < n, chars[m] == C.space, m - from < 2 { m += 1 }
        guard m < n else { return nil }
        if let code = chars[m].currencySymbolCode { return (code, m + 1) }
        guard chars[m].isLetterUnit else { return nil }
        var j = m
        while j < n, chars[j].isLetterUnit, j - m < 4 { j += 1 }
        if j < n, chars[j].isLetterUnit || chars[j].isNumberUnit { return nil }
        let letters = C.string(chars[m..<j])
        if j < n, chars[j] == C.dot, let c = Currency.suffixes[letters + "."] { return (c, j + 1) }
        if let c = Currency.suffixes[letters] { return (c, j) }
        if let c = codeWord(letters, amountHasDecimals: amountHasDecimals) { return (c, j) }
        return nil
    }

    /// Whether the digits at `from` read as money: digit groups ending in a decimal mark and two or three digits.
    static func moneyShaped<C: ScanUnit>(_ chars: [C], from: Int) -> Bool {
        let n = chars.count
        var i = from
        var lastSep = -1
        while i < n,
            chars[i].isASCIIDigit
                || ((chars[i] == C.dot || chars[i] == C.comma) && i + 1 < n && chars[i + 1].isASCIIDigit)
        {
            if !chars[i].isASCIIDigit { lastSep = i }
            i += 1
        }
        let frac = i - lastSep - 1
        return lastSep > from && (frac == 2 || frac == 3)
            && (i == n || !chars[i].isLetterUnit || creditMark(chars, from: i) != nil)
    }

    /// An ISO 4217 code written beside an amount: upper case, or any case when it is not also a word.
    static func codeWord(_ w: String, amountHasDecimals: Bool) -> String? {
        guard w.utf8.count == 3 else { return nil }
        let upper = w.uppercased()
        guard Currency.isCode(upper) else { return nil }
        if Currency.wordLikeCodes.contains(upper) { return w == upper && amountHasDecimals ? upper : nil }
        return w == upper || amountHasDecimals ? upper : nil
    }

    /// "228.00 CR", "228.00CR": a credit, as accountants mark it. Returns the offset after the mark.
    static func creditMark<C: ScanUnit>(_ chars: [C], from: Int) -> Int? {
        let n = chars.count
        var m = from
        if m < n, chars[m] == C.space { m += 1 }
        guard m + 1 < n, chars[m] == C.upperC, chars[m + 1] == C.upperR || chars[m + 1] == C.lowerR else { return nil }
        if m + 2 < n, chars[m + 2].isLetterUnit || chars[m + 2].isNumberUnit { return nil }
        return m + 2
    }

    /// Reads digit groups and their separators as one number.
    static func interpret(groups: [String], seps: [Character], decimalHint: Character?) -> (Double, Int)? {
        if seps.isEmpty { return Double(groups[0]).map { ($0, 0) } }
        let last = seps.last!
        let lastGroup = groups.last!
        var decimalMark: Character? = nil
        let isDecimalCandidate = last == "." || last == ","
        if isDecimalCandidate && lastGroup.count != 3 {
            decimalMark = last
        } else if isDecimalCandidate && lastGroup.count == 3 {
            let sameBefore = seps.dropLast().contains(last)
            let otherBefore = seps.dropLast().contains { $0 != last }
            if sameBefore {
                decimalMark = nil
            } else if otherBefore {
                decimalMark = last
            } else if let h = decimalHint, h == last, seps.count == 1 {
                decimalMark = last
            }  // "66,509" in a comma-decimal document
            else {
                decimalMark = nil
            }
        }
        var intGroups = groups
        var frac = ""
        var intSeps = seps
        if let _ = decimalMark {
            frac = intGroups.removeLast(); intSeps.removeLast()
            if frac.count > 6 { return nil }  // unit prices are printed with up to six decimals
        }
        // thousands groups must be three digits, all with one separator kind
        if !intSeps.isEmpty {
            if Set(intSeps).count > 1 { return nil }
            if intSeps.contains(decimalMark ?? "#") { return nil }
            if intGroups[0].count > 3 || intGroups[0].isEmpty { return nil }
            let threes = intGroups.dropFirst().allSatisfy { $0.count == 3 }
            // Indian grouping (lakh and crore): three digits last, pairs before them ("2,82,660", "1,23,45,678").
            let indian =
                intGroups.count >= 3 && intGroups[0].count <= 2 && intGroups.last!.count == 3
                && intGroups.dropFirst().dropLast().allSatisfy { $0.count == 2 }
            if !threes && !indian { return nil }
        }
        let s = intGroups.joined() + (frac.isEmpty ? "" : "." + frac)
        guard let v = Double(s) else { return nil }
        return (v, frac.count)
    }

    /// The amount in a piece of text: the last non-percent number (amounts sit at the right).
    static func amount(in text: String, decimalHint: Character? = nil) -> NumberToken? {
        let nums = numbers(in: text, decimalHint: decimalHint).filter { !$0.isPercent }
        return nums.last
    }

    // MARK: currency

    /// Currency ISO code for a token seen in text.
    static func currencyCode(in text: String) -> String? {
        for c in text { if let code = currencySymbols[c] { return code } }
        let words = text.split { !$0.isLetter && $0 != "$" && $0 != "." }.map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        for w in words {
            if let c = Currency.prefixes[w] ?? Currency.suffixes[w] { return c }
            if Currency.isCode(w.uppercased()), !Currency.wordLikeCodes.contains(w.uppercased()) || w == w.uppercased()
            {
                return w.uppercased()
            }
        }
        return nil
    }

    // MARK: dates

    /// Month names from the lexicon (`Lexicon/labels/*.json`, "months").
    static let months: [String: Int] = Lexicon.months
    /// Words between a date's day, month and year: "1st of May", "15 de marzo de 2025" (Lexicon "date_particles").
    static let datePartic = Lexicon.wordSet("date_particles")

    struct DateToken: Sendable {
        var start: Int
        var end: Int
        var year: Int
        var a: Int  // first numeric part (day or month when ambiguous)
        var b: Int
        var ambiguous: Bool  // a/b/yyyy with both ≤ 12
        var iso: String  // resolved with the given cue
        var separator: Character?
    }

    private enum Tok { case num(String), word(String), punct(Character), space }

    /// Finds dates in a line. `dayFirst` resolves a/b/yyyy when both parts are ≤ 12.
    static func dates(in line: String, dayFirst: Bool) -> [DateToken] {
        // tokens with character offsets, read from the bytes, the scalars or the characters (as numbers are)
        if line.utf8.allSatisfy({ $0 < 0x80 }) { return dates(in: Array(line.utf8), dayFirst: dayFirst) }
        let units = Array(line.unicodeScalars)
        if units.allSatisfy(Line.standsAlone) { return dates(in: units, dayFirst: dayFirst) }
        return dates(in: Array(line), dayFirst: dayFirst)
    }

    /// Dates in the bytes of an ASCII line, the scalars of a line whose scalars stand alone, or its characters.
    static func dates<C: ScanUnit>(in units: [C], dayFirst: Bool) -> [DateToken] {
        dates(tokens: tokenize(units), dayFirst: dayFirst)
    }

    private static func tokenize<C: ScanUnit>(_ chars: [C]) -> [(Tok, Int, Int)] {
        var toks: [(Tok, Int, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isASCIIDigit {
                let s = i; while i < chars.count, chars[i].isASCIIDigit { i += 1 }
                toks.append((.num(C.string(chars[s..<i])), s, i))
            } else if c.isLetterUnit {
                let s = i; while i < chars.count, chars[i].isLetterUnit { i += 1 }
                toks.append((.word(C.string(chars[s..<i]).lowercased()), s, i))
            } else if c == C.space || c == C.tab {
                let s = i; while i < chars.count, chars[i] == C.space || chars[i] == C.tab { i += 1 }
                toks.append((.space, s, i))
            } else {
                toks.append((.punct(c.character), i, i + 1)); i += 1
            }
        }
        return toks
    }

    private static func dates(tokens toks: [(Tok, Int, Int)], dayFirst: Bool) -> [DateToken] {
        var out: [DateToken] = []
        var t = 0
        func num(_ k: Int) -> String? { if k < toks.count, case .num(let s) = toks[k].0 { return s }; return nil }
        func word(_ k: Int) -> String? { if k < toks.count, case .word(let s) = toks[k].0 { return s }; return nil }
        func punct(_ k: Int) -> Character? {
            if k < toks.count, case .punct(let c) = toks[k].0 { return c }; return nil
        }
        func isSpace(_ k: Int) -> Bool { if k < toks.count, case .space = toks[k].0 { return true }; return false }
        func skipSpace(_ k: Int) -> Int { isSpace(k) ? k + 1 : k }
        func year(_ s: String) -> Int? {
            guard let v = Int(s) else { return nil }
            if s.count == 4, v >= 1900, v <= 2100 { return v }
            if s.count == 2 { return 2000 + v }
            return nil
        }
        func month(_ w: String) -> Int? { months[w] }
        func valid(_ y: Int, _ m: Int, _ d: Int) -> Bool {
            guard m >= 1, m <= 12, d >= 1 else { return false }
            let dim = [
                31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
            ]
            return d <= dim[m - 1]
        }
        func iso(_ y: Int, _ m: Int, _ d: Int) -> String { String(format: "%04d-%02d-%02d", y, m, d) }
        func notGluedBefore(_ k: Int) -> Bool {
            guard k > 0 else { return true }
            switch toks[k - 1].0 {
            case .num: return false
            case .word: return false
            case .punct(let c):
                return !(c == "." || c == "/" || c == "-") || k < 2
                    || {
                        if case .num = toks[k - 2].0 { return false }; return true
                    }()
            case .space: return true
            }
        }
        // "20180428 13:05": eight digits set off by spaces, then a time (a till slip's stamp)
        func stampedWithTime(_ k: Int) -> Bool {
            guard k == 0 || isSpace(k - 1), isSpace(k + 1), let h = num(k + 2), h.count <= 2, punct(k + 3) == ":",
                let mm = num(k + 4), mm.count == 2
            else { return false }
            return true
        }
        while t < toks.count {
            defer { t += 1 }
            guard notGluedBefore(t) else { continue }
            // numeric forms
            if let n1 = num(t), let p1 = punct(t + 1), p1 == "." || p1 == "/" || p1 == "-" {
                if let n2 = num(t + 2), let p2 = punct(t + 3), p2 == p1, let n3 = num(t + 4) {
                    if t + 5 < toks.count, num(t + 5) != nil { continue }
                    if p1 == "." || p1 == "-", t + 6 < toks.count, punct(t + 5) == p1, num(t + 6) != nil { continue }
                    let endOff = toks[t + 4].2
                    if n1.count == 4, let y = year(n1), let m = Int(n2), let d = Int(n3), valid(y, m, d) {
                        out.append(
                            DateToken(
                                start: toks[t].1, end: endOff, year: y, a: m, b: d, ambiguous: false, iso: iso(y, m, d),
                                separator: p1))
                        t += 4; continue
                    }
                    if n1.count <= 2, n2.count <= 2, n3.count == 4 || n3.count == 2, let y = year(n3), let a = Int(n1),
                        let b = Int(n2)
                    {
                        let ambiguous = a <= 12 && b <= 12 && a != b && p1 != "."
                        var df = dayFirst
                        if p1 == "." { df = true }
                        if a > 12 { df = true } else if b > 12 { df = false }
                        let (d, m) = df ? (a, b) : (b, a)
                        if valid(y, m, d) {
                            out.append(
                                DateToken(
                                    start: toks[t].1, end: endOff, year: y, a: a, b: b, ambiguous: ambiguous,
                                    iso: iso(y, m, d), separator: p1))
                            t += 4; continue
                        }
                    }
                }
                // 31-Oct-2026, 31.Oct.2026, 31/Oct/26
                if let w = word(t + 2), let m = month(w), punct(t + 3) == p1, let n3 = num(t + 4), let y = year(n3),
                    let d = Int(n1), valid(y, m, d)
                {
                    out.append(
                        DateToken(
                            start: toks[t].1, end: toks[t + 4].2, year: y, a: d, b: m, ambiguous: false,
                            iso: iso(y, m, d), separator: p1))
                    t += 4; continue
                }
            }
            // d[.][st] [of] Month[.][,] yyyy
            if let n1 = num(t), n1.count <= 2, let d = Int(n1) {
                var k = t + 1
                if punct(k) == "." { k += 1 }
                if let w = word(k), ["st", "nd", "rd", "th", "er", "e"].contains(w) { k += 1 }
                k = skipSpace(k)
                if word(k) == "day", word(skipSpace(k + 1)) == "of" { k = skipSpace(k + 1) }
                if let w = word(k), datePartic.contains(w) { k = skipSpace(k + 1) }
                if let w = word(k), let m = month(w) {
                    k += 1
                    if punct(k) == "." { k += 1 }
                    if punct(k) == "," { k += 1 }
                    k = skipSpace(k)
                    if let w = word(k), datePartic.contains(w) { k = skipSpace(k + 1) }
                    // four-digit year, or two ("30 DEC 17", as till slips print it) when no time follows ("15 Mar 10:30")
                    if let n3 = num(k), n3.count == 4 || (n3.count == 2 && punct(k + 1) != ":" && punct(k + 1) != "."),
                        let y = year(n3), valid(y, m, d)
                    {
                        out.append(
                            DateToken(
                                start: toks[t].1, end: toks[k].2, year: y, a: d, b: m, ambiguous: false,
                                iso: iso(y, m, d), separator: nil))
                        t = k; continue
                    }
                }
            }
            // Month[.] d[st][,] yyyy
            if let w = word(t), let m = month(w) {
                var k = t + 1
                if punct(k) == "." { k += 1 }
                k = skipSpace(k)
                if let n1 = num(k), n1.count <= 2, let d = Int(n1) {
                    k += 1
                    if let s = word(k), ["st", "nd", "rd", "th"].contains(s) { k += 1 }
                    if punct(k) == "," { k += 1 } else if isSpace(k), punct(k + 1) == "," { k += 2 }
                    k = skipSpace(k)
                    if let n3 = num(k), n3.count == 4, let y = year(n3), valid(y, m, d) {
                        out.append(
                            DateToken(
                                start: toks[t].1, end: toks[k].2, year: y, a: m, b: d, ambiguous: false,
                                iso: iso(y, m, d), separator: nil))
                        t = k; continue
                    }
                }
            }
            // yyyymmdd (CII format 102) standing alone
            if let n1 = num(t), n1.count == 8, let y = Int(n1.prefix(4)), y >= 1900, y <= 2100,
                let m = Int(n1.dropFirst(4).prefix(2)), let d = Int(n1.suffix(2)), valid(y, m, d),
                toks.count == 1 || (t == 0 && toks.count <= 2) || stampedWithTime(t)
            {
                out.append(
                    DateToken(
                        start: toks[t].1, end: toks[t].2, year: y, a: m, b: d, ambiguous: false, iso: iso(y, m, d),
                        separator: nil))
            }
        }
        return out
    }

    /// A whole-value date parse (for a cell or an XML value).
    static func date(_ s: String, dayFirst: Bool) -> String? { dates(in: s, dayFirst: dayFirst).first?.iso }

    /// Cue for a/b/yyyy dates: a numeric date with a first part > 12 says day-first, a second part > 12 says
    /// month-first; otherwise the document's market (`Market`: a US address with a ZIP code is month first, an
    /// Australian or Malaysian one day first), then the currency (USD → month-first) and language decide.
    static func dayFirstCue(lines: [String], currency: String?, english: Bool, market: Market? = nil) -> Bool {
        let (dayVotes, monthVotes) = numericDateVotes(lines)
        if dayVotes != monthVotes { return dayVotes > monthVotes }
        if let monthFirst = market?.monthFirst { return !monthFirst }
        if currency == "USD" && english && !dayFirstMarket(lines: lines) { return false }
        return true
    }

    /// The page's numeric dates that settle the order: (day first: a first part over 12; month first: a second part
    /// over 12).
    static func numericDateVotes(_ lines: [String]) -> (day: Int, month: Int) {
        var dayVotes = 0, monthVotes = 0
        for line in lines
        where line.utf8.contains(where: { $0 == 0x2F || $0 == 0x2D })
            && line.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
        {
            for d in dates(in: line, dayFirst: true) where d.separator == "/" || d.separator == "-" {
                guard d.year > 0, d.iso.count == 10, d.a != d.year else { continue }
                if d.a > 12 && d.b <= 12 { dayVotes += 1 }
                if d.b > 12 && d.a <= 12 { monthVotes += 1 }
            }
        }
        return (dayVotes, monthVotes)
    }

    /// Whether the order of an a/b/yyyy date is in doubt: no date on the page settles it, and the market its
    /// addresses name and the currency it states point different ways (a Boulder, CO address with euro amounts; an
    /// Australian address with US dollars). Dates read so are flagged for review (`ReviewChecks.ambiguousDateConfidence`).
    static func dateOrderInDoubt(lines: [String], currency: String?, market: Market?) -> Bool {
        guard let marketMonthFirst = market?.monthFirst, let currency, Currency.isCode(currency),
            marketMonthFirst != (currency == "USD")
        else { return false }
        let votes = numericDateVotes(lines)
        return votes.day == votes.month
    }

    /// Words of a market that writes dates day first, whatever its dollar sign says: GST and SST (Malaysia, Singapore,
    /// Australia, New Zealand, India), ringgit ("RM", "MYR"). Canada's GST comes with HST, PST or QST and mixed date
    /// orders, so those words cancel the cue.
    static func dayFirstMarket(lines: [String]) -> Bool {
        var cue = false
        for line in lines {
            for w in line.split(whereSeparator: { !$0.isLetter }) where w.count <= 3 {
                switch w.uppercased() {
                case "HST", "PST", "QST": return false
                case "GST", "SST", "MYR": cue = true
                case "RM" where w == "RM": cue = true
                default: break
                }
            }
        }
        return cue
    }

    // MARK: time

    /// "13:10", "1:10 PM", "13:10:22" → "13:10".
    static func time(in line: String) -> (String, Int)? {
        let c = Array(line)
        var i = 0
        while i < c.count {
            if c[i].isASCII, c[i].isNumber,
                i == 0 || !(c[i - 1].isNumber || c[i - 1] == ":" || c[i - 1] == "." || c[i - 1] == "/")
            {
                var j = i
                while j < c.count, c[j].isASCII, c[j].isNumber { j += 1 }
                let hs = String(c[i..<j])
                if hs.count <= 2, j + 2 < c.count, c[j] == ":", c[j + 1].isNumber, c[j + 2].isNumber,
                    j + 3 >= c.count || !c[j + 3].isNumber, var h = Int(hs), let m = Int(String(c[(j + 1)...(j + 2)])),
                    h < 24, m < 60
                {
                    let rest = String(c[(j + 3)...].prefix(6)).lowercased().replacingOccurrences(of: ":", with: "")
                    let tail = rest.drop { $0.isNumber }.trimmingCharacters(in: .whitespaces)
                    if tail.hasPrefix("pm") || tail.hasPrefix("p.m"), h < 12 { h += 12 }
                    if tail.hasPrefix("am") || tail.hasPrefix("a.m"), h == 12 { h = 0 }
                    return (String(format: "%02d:%02d", h, m), i)
                }
                i = j
            } else {
                i += 1
            }
        }
        return nil
    }

    // MARK: terms

    static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "a": 1, "an": 1,
        "ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "zwölf": 12, "zehn": 10,
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "douze": 12, "six ": 6,
        "een": 1, "twee": 2, "drie": 3, "vijf": 5, "twaalf": 12,
    ]

    static let monthUnits = Lexicon.wordSet("unit_month")
    static let yearUnits = Lexicon.wordSet("unit_year")

    /// Reads "twelve (12) months", "24 months", "3 years", "two (2) years" → months.
    static func termMonths(in text: String) -> (Int, Int)? {
        let lower = text.lowercased()
        let words = lower.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
        for (i, w) in words.enumerated() {
            var unit = 0
            if monthUnits.contains(w) { unit = 1 } else if yearUnits.contains(w) { unit = 12 }
            guard unit > 0, i > 0 else { continue }
            let prev = words[i - 1]
            var n: Int? = Int(prev)
            if n == nil { n = wordNumber(prev) }
            if n == nil, i > 1, Int(prev) == nil { n = wordNumber(words[i - 2] + "-" + prev) }
            if let n, n > 0, n < 1200 {
                let offset = lower.distance(
                    from: lower.startIndex, to: lower.range(of: w)?.lowerBound ?? lower.startIndex)
                return (n * unit, offset)
            }
        }
        return nil
    }

    static func wordNumber(_ w: String) -> Int? {
        if let v = numberWords[w] { return v }
        let parts = w.split(separator: "-")
        if parts.count == 2, let a = numberWords[String(parts[0])], let b = numberWords[String(parts[1])], a >= 20,
            b < 10
        {
            return a + b
        }
        return nil
    }
}

/// One unit of text the number scanner reads: a Character, or a byte of an all-ASCII line.
protocol ScanUnit: Equatable {
    var isASCIIDigit: Bool { get }
    var isLetterUnit: Bool { get }
    var isNumberUnit: Bool { get }
    var currencySymbolCode: String? { get }
    var character: Character { get }
    static func string(_ units: ArraySlice<Self>) -> String
    static var dot: Self { get }
    static var comma: Self { get }
    static var apostrophe: Self { get }
    static var rightQuote: Self { get }
    static var space: Self { get }
    static var tab: Self { get }
    static var nbsp: Self { get }
    static var narrowNbsp: Self { get }
    static var thinSpace: Self { get }
    static var openParen: Self { get }
    static var closeParen: Self { get }
    static var upperC: Self { get }
    static var upperR: Self { get }
    static var lowerR: Self { get }
    static var lowerX: Self { get }
    static var upperX: Self { get }
    static var percent: Self { get }
    static var minus: Self { get }
    static var unicodeMinus: Self { get }
    static var enDash: Self { get }
}

extension Character: ScanUnit {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isLetterUnit: Bool { isLetter }
    var isNumberUnit: Bool { isNumber }
    var currencySymbolCode: String? { Parse.currencySymbols[self] }
    var character: Character { self }
    static func string(_ units: ArraySlice<Character>) -> String { String(units) }
    static var dot: Character { "." }
    static var comma: Character { "," }
    static var apostrophe: Character { "'" }
    static var rightQuote: Character { "’" }
    static var space: Character { " " }
    static var tab: Character { "\t" }
    static var nbsp: Character { "\u{00A0}" }
    static var narrowNbsp: Character { "\u{202F}" }
    static var thinSpace: Character { "\u{2009}" }
    static var openParen: Character { "(" }
    static var closeParen: Character { ")" }
    static var upperC: Character { "C" }
    static var upperR: Character { "R" }
    static var lowerR: Character { "r" }
    static var lowerX: Character { "x" }
    static var upperX: Character { "X" }
    static var percent: Character { "%" }
    static var minus: Character { "-" }
    static var unicodeMinus: Character { "−" }
    static var enDash: Character { "\u{2013}" }
}

/// Bytes of an all-ASCII line: the non-ASCII units (’, no-break spaces, −, –) never occur, so they are 0xFF.
extension UInt8: ScanUnit {
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetterUnit: Bool { (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) }
    var isNumberUnit: Bool { self >= 0x30 && self <= 0x39 }
    var currencySymbolCode: String? { self == 0x24 ? "USD" : nil }
    var character: Character { Character(Unicode.Scalar(self)) }
    static func string(_ units: ArraySlice<UInt8>) -> String { String(decoding: units, as: UTF8.self) }
    static var dot: UInt8 { 0x2E }
    static var comma: UInt8 { 0x2C }
    static var apostrophe: UInt8 { 0x27 }
    static var rightQuote: UInt8 { 0xFF }
    static var space: UInt8 { 0x20 }
    static var tab: UInt8 { 0x09 }
    static var nbsp: UInt8 { 0xFF }
    static var narrowNbsp: UInt8 { 0xFF }
    static var thinSpace: UInt8 { 0xFF }
    static var openParen: UInt8 { 0x28 }
    static var closeParen: UInt8 { 0x29 }
    static var upperC: UInt8 { 0x43 }
    static var upperR: UInt8 { 0x52 }
    static var lowerR: UInt8 { 0x72 }
    static var lowerX: UInt8 { 0x78 }
    static var upperX: UInt8 { 0x58 }
    static var percent: UInt8 { 0x25 }
    static var minus: UInt8 { 0x2D }
    static var unicodeMinus: UInt8 { 0xFF }
    static var enDash: UInt8 { 0xFF }
}

/// Scalars of a line whose every scalar is a character of its own (see `Line.standsAlone`).
extension Unicode.Scalar: ScanUnit {
    var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }
    var isLetterUnit: Bool {
        value < 0x80 ? ((value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)) : properties.isAlphabetic
    }
    var isNumberUnit: Bool { value < 0x80 ? (value >= 0x30 && value <= 0x39) : properties.numericType != nil }
    var currencySymbolCode: String? {
        value < 0x80 ? (value == 0x24 ? "USD" : nil) : Parse.currencySymbols[Character(self)]
    }
    var character: Character { Character(self) }
    static func string(_ units: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: units)
        return String(view)
    }
    static var dot: Unicode.Scalar { "." }
    static var comma: Unicode.Scalar { "," }
    static var apostrophe: Unicode.Scalar { "'" }
    static var rightQuote: Unicode.Scalar { "’" }
    static var space: Unicode.Scalar { " " }
    static var tab: Unicode.Scalar { "\t" }
    static var nbsp: Unicode.Scalar { "\u{00A0}" }
    static var narrowNbsp: Unicode.Scalar { "\u{202F}" }
    static var thinSpace: Unicode.Scalar { "\u{2009}" }
    static var openParen: Unicode.Scalar { "(" }
    static var closeParen: Unicode.Scalar { ")" }
    static var upperC: Unicode.Scalar { "C" }
    static var upperR: Unicode.Scalar { "R" }
    static var lowerR: Unicode.Scalar { "r" }
    static var lowerX: Unicode.Scalar { "x" }
    static var upperX: Unicode.Scalar { "X" }
    static var percent: Unicode.Scalar { "%" }
    static var minus: Unicode.Scalar { "-" }
    static var unicodeMinus: Unicode.Scalar { "−" }
    static var enDash: Unicode.Scalar { "\u{2013}" }
}
