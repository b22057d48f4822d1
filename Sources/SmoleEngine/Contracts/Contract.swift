import Foundation
import SmoleRecords

/// Stage: contract clause resolvers (one per contract field), after layout and parsing.
///
/// Input: the document's layout lines (page furniture removed) joined into running prose (`Prose`), and the schema's
/// contract fields (`title`, `parties`, `effective_date`, `term_months`, `governing_law`, `total_value`).
/// Output: one `Found` per field, with the line it was read from and a confidence.
///
/// Order of evidence, per field:
/// - parties: the preamble's list ("by and between X and Y", "PARTIES:", "among X, Y and Z"); the organisation a
///   first-person agreement names ("my employment with X"); the signature blocks (organisations above "By:", a full
///   name replacing a short form, people who sign for themselves); a letter's addressee (ContractClauses.swift).
/// - effective_date: a labelled date above the signatures; "effective when last signed" → the latest signature date;
///   the date the agreement defines ("(the "Effective Date")"); a letter's date line; a cued preamble date
///   ("dated as of", "this 3rd day of"); a date signed; a/b/yyyy order from `contractDayFirst`.
/// - term_months: a cover table's "Term" row; else every duration (days, weeks, months, years) scored by its sentence;
///   else a term written as its last day ("through December 31, 2022"), from the effective date (ContractClauses.swift).
/// - governing_law: "governed by / construed in accordance with the laws of X" over any other "laws of X"; "X law governs".
/// - title: a heading above the first paragraph, a letter's "Re:", or the preamble's name for the agreement.
/// Word lists live in ContractWords.swift.
extension Extractor {
    /// The document's prose as one string, with the line each character came from.
    struct Prose {
        var text: [Character] = []
        var lower: [Character] = []  // text lowercased, same length, for searching
        var lineAt: [Int] = []  // line index per character
        var paragraphStarts: Set<Int> = []  // offsets of the first character after a blank line
        var string: String { String(text) }
        func line(at offset: Int) -> Int { lineAt.isEmpty ? 0 : lineAt[max(0, min(offset, lineAt.count - 1))] }
    }

    /// The prose, built once per document (every contract field reads it).
    func prose() -> Prose {
        if let p = proseCache { return p }
        let p = buildProse()
        proseCache = p
        return p
    }

    func buildProse() -> Prose {
        var p = Prose()
        var afterBlank = false
        let furniture = pageFurniture()
        for l in layout.lines {
            if l.isBlank { afterBlank = true; continue }
            if furniture.contains(l.index) { continue }
            defer { afterBlank = false }
            // no-break and other Unicode spaces (EDGAR HTML's &#160;) are spaces: "February&#160;8, 2022" is a date
            let spaced =
                l.text.contains(where: { $0 != " " && $0.isWhitespace })
                ? String(l.text.map { $0.isWhitespace ? " " : $0 }) : l.text
            let t = spaced.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
                .joined(separator: " ")
            // a word hyphenated across lines joins without a space
            if let last = p.text.last, last == "-", p.text.count > 1, p.text[p.text.count - 2].isLetter,
                t.first?.isLowercase == true
            {
                p.text.removeLast(); p.lineAt.removeLast()
            } else if !p.text.isEmpty {
                p.text.append(" "); p.lineAt.append(l.index)
            }
            if afterBlank, !p.text.isEmpty { p.paragraphStarts.insert(p.text.count) }
            for c in t { p.text.append(c); p.lineAt.append(l.index) }
        }
        p.lower = p.text.map { c in c.isUppercase ? (c.lowercased().first ?? c) : c }
        return p
    }

    /// The first `needle` (lowercase) in the prose's lowercased text at or after `from`.
    static func find(_ needle: String, in p: Prose, from: Int = 0) -> Int? {
        let n = Array(needle)
        let hay = p.lower
        guard let first = n.first, hay.count >= n.count, from <= hay.count - n.count else { return nil }
        var i = max(0, from)
        while i <= hay.count - n.count {
            if hay[i] == first {
                var k = 1
                while k < n.count, hay[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func find(_ needle: String, in hay: [Character], from: Int = 0) -> Int? {
        let n = Array(needle.lowercased())
        guard !n.isEmpty, hay.count >= n.count, from <= hay.count - n.count else { return nil }
        var i = from
        while i <= hay.count - n.count {
            var ok = true
            for k in 0..<n.count where Character(hay[i + k].lowercased()) != n[k] { ok = false; break }
            if ok { return i }
            i += 1
        }
        return nil
    }

    static let contractWords = Lexicon.words("contract_words")

    /// The title: a heading above the first paragraph of prose (after "EXHIBIT 10.1", "Execution Version", a letterhead,
    /// "CONFIDENTIAL"), over as many lines as it is broken into; the subject line of a letter agreement ("Re:
    /// Confidentiality Agreement"); the description of an SEC EDGAR exhibit's header line ("EX-99.(D)(2) 9
    /// d907418dex99d2.htm CONFIDENTIALITY AGREEMENT", EDGAR Filer Manual vol. II § 5.2: type, sequence, file name,
    /// description), for a letter that prints none; or the name the preamble gives ("This MUTUAL NONDISCLOSURE
    /// AGREEMENT (the "Agreement") ...").
    func contractTitle() -> Found? {
        let proseStarts = Lexicon.words("prose_starts")
        let joiners = Lexicon.words("title_joiners")
        var seen = 0
        let furniture = pageFurniture()
        let edgar = edgarHeader()
        /// A line that can be part of a heading broken over lines: one cell, capitals, short, not a company's name.
        func headingPart(_ line: Line) -> String? {
            guard line.cells.count == 1, !(edgar?.lines.contains(line.index) ?? false) else { return nil }
            let a = line.text.trimmingCharacters(in: .whitespaces)
            let lower = a.lowercased()
            guard a.count < 60, a.contains(where: \.isLetter), a.filter(\.isLetter).allSatisfy(\.isUppercase),
                !lower.hasPrefix("exhibit"), !lower.hasPrefix("ex-"), !Lexicon.words("title_notes").contains(lower),
                !Self.hasEntitySuffix(a)
            else { return nil }
            return a
        }
        for l in layout.lines.prefix(80) where !l.isBlank && !furniture.contains(l.index) {
            if edgar?.lines.contains(l.index) == true { continue }
            seen += 1
            let whole = l.text.trimmingCharacters(in: .whitespaces)
            let wl = whole.lowercased()
            if seen > 40 || whole.count > 95 || proseStarts.contains(where: { wl.hasPrefix($0) }) { break }
            for cell in l.cells {
                var t = cell.text.trimmingCharacters(in: .whitespaces)
                // EDGAR's SGML wrapper in .txt filings: "<DESCRIPTION>CONFIDENTIALITY AGREEMENT"
                while t.hasPrefix("<"), let close = t.firstIndex(of: ">") {
                    t = String(t[t.index(after: close)...]).trimmingCharacters(in: .whitespaces)
                }
                for lead in Lexicon.words("subject_leads") where t.lowercased().hasPrefix(lead) {
                    t = String(t.dropFirst(lead.count)).trimmingCharacters(in: .whitespaces)
                }
                let lower = t.lowercased()
                // EDGAR's header line "EX-10.2 3 d412345dex102.htm ..." and exhibit numbers are not titles
                if lower.hasPrefix("ex-") || lower.hasPrefix("exhibit") { continue }
                guard t.count <= 90, Self.contractWords.contains(where: { lower.contains($0) }) else { continue }
                if lower.hasPrefix("this ") || t.hasSuffix(",") { continue }
                let letters = t.filter(\.isLetter)
                let upper = letters.filter(\.isUppercase).count
                let words = t.split(separator: " ")
                // a heading in title case: "Form of Waiver, Release, Non-Competition and Non-Disclosure Agreement"
                let titleCase =
                    l.cells.count == 1 && Self.contractWords.contains(where: { lower.hasSuffix($0) })
                    && words.allSatisfy { w in
                        w.count < 4 || w.first?.isUppercase == true || !w.contains(where: \.isLetter)
                    }
                if upper * 2 >= letters.count || words.count <= 8 || titleCase {
                    // a heading broken over lines: "COVENANT NOT TO COMPETE" / "AND NON-DISCLOSURE AGREEMENT";
                    // "FORM OF" / "EMPLOYEE NON-COMPETITION AND" / "CONFIDENTIALITY AGREEMENT"; "AT-WILL EMPLOYMENT,
                    // CONFIDENTIAL INFORMATION," / "INVENTION ASSIGNMENT, AND ARBITRATION AGREEMENT"
                    var top = l.index
                    while l.cells.count == 1, top > 0,
                        let above = layout.lines[max(0, top - 3)..<top].last(where: { !$0.isBlank }),
                        !furniture.contains(above.index), let a = headingPart(above)
                    {
                        let aLower = a.lowercased()
                        // a title of its own above ("MUTUAL NONDISCLOSURE AGREEMENT" over "AGREEMENT"? no: over a
                        // subtitle) ends the heading
                        if Self.contractWords.contains(where: { aLower.hasSuffix($0) }) { break }
                        let lastWord = aLower.split(separator: " ").last.map(String.init) ?? ""
                        let firstWord = t.lowercased().split(separator: " ").first.map(String.init) ?? ""
                        guard
                            joiners.contains(lastWord) || a.hasSuffix(",") || joiners.contains(firstWord)
                                || t.split(separator: " ").count == 1
                        else { break }
                        t = a + " " + t
                        top = above.index
                    }
                    let title = cleanTitle(t)
                    // a heading that is the end of the filer's description ("CIRCUMVENTION AND NON-DISCLOSURE
                    // AGREEMENT" of "NON-CIRCUMVENTION AND ..."): a title broken where the text lost its line break
                    if let e = edgar, e.description.count > title.count,
                        e.description.lowercased().hasSuffix(title.lowercased())
                    {
                        return Found(value: .string(cleanTitle(e.description)), line: e.line, confidence: 0.8)
                    }
                    return Found(value: .string(title), line: l, confidence: 0.85)
                }
            }
        }
        // The filer's description of the exhibit, for a letter that prints no heading
        if let e = edgar, Self.contractWords.contains(where: { e.description.lowercased().contains($0) }) {
            return Found(value: .string(cleanTitle(e.description)), line: e.line, confidence: 0.75)
        }
        // The name in the preamble, in capitals or title case: "This Master Services Agreement (the "Agreement")",
        // "CONFIDENTIALITY AND STANDSTILL AGREEMENT, dated as of ..."
        let p = prose()
        let head = String(p.text.prefix(4000))
        let pattern =
            #"(?:\b[Tt][Hh][Ii][Ss]\s+|^|\n)((?:[A-Z][A-Za-z\-]*\s+(?:(?:and|AND|of|OF|&)\s+)?){0,8}(?:AGREEMENT|Agreement|CONTRACT|Contract|UNDERTAKING|Undertaking))\b"#
        if let re = try? NSRegularExpression(pattern: pattern),
            let m = re.firstMatch(in: head, range: NSRange(head.startIndex..., in: head)),
            let r = Range(m.range(at: 1), in: head)
        {
            let title = cleanTitle(String(head[r]))
            let offset = head.distance(from: head.startIndex, to: r.lowerBound)
            if title.split(separator: " ").count >= 2 {
                return Found(value: .string(title), line: layout.lines[p.line(at: offset)], confidence: 0.6)
            }
        }
        return nil
    }

    /// A title as printed, without what surrounds it in a flattened filing: a leading "EXHIBIT M" or "FORM OF", the
    /// preamble run on after it ("NON-DISCLOSURE AGREEMENT This Non-Disclosure Agreement ..."), quotes.
    func cleanTitle(_ raw: String) -> String {
        var words = raw.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.count > 2, words[0].lowercased() == "exhibit" { words.removeFirst(2) }
        if words.count > 2, words[0].lowercased() == "form", words[1].lowercased() == "of" { words.removeFirst(2) }
        // the preamble that follows the heading on the same line: cut at "This"/"THIS" after a contract word
        if let k = words.indices.dropFirst().first(where: { k in
            words[k].lowercased() == "this"
                && Self.contractWords.contains(where: { words[k - 1].lowercased().hasPrefix($0) })
        }) {
            words = Array(words[..<k])
        }
        let t = words.joined(separator: " ").replacingOccurrences(of: "\"", with: "")
            .replacingOccurrences(of: "“", with: "").replacingOccurrences(of: "”", with: "")
        return cleanName(t)
    }

    /// The header line of a document filed on SEC EDGAR as it is printed from the filing ("EX-10.1 2
    /// d338123dex101.htm FORM OF EMPLOYEE NON-COMPETITION AND CONFIDENTIALITY" ⏎ "AGREEMENT"): its description,
    /// joined over the lines the header wraps onto (capitals at the left margin), and cut at the page number a
    /// flattened text filing runs on with ("... AGREEMENT 1 NON-").
    /// - Returns: the description, the header's lines, and its first line; nil when the page has no such header.
    func edgarHeader() -> (description: String, lines: Set<Int>, line: Line)? {
        guard let first = layout.lines.prefix(5).first(where: { !$0.isBlank }) else { return nil }
        let words = first.text.split(whereSeparator: \.isWhitespace).map(String.init)
        // the type may be printed with spaces ("EX-99. (E) (1)"): the file name is the first word with a filing's
        // extension, after the sequence number
        guard words.count >= 4, words[0].uppercased().hasPrefix("EX-"),
            let f = words.prefix(7).firstIndex(where: { w in
                [".htm", ".html", ".txt"].contains(where: { w.lowercased().hasSuffix($0) })
            }), f >= 2, f + 1 < words.count, words[f - 1].allSatisfy(\.isNumber)
        else { return nil }
        var desc = Array(words[(f + 1)...])
        // the type repeated in the description: "EX-99.(D)(3) MUTUAL NON-DISCLOSURE AGREEMENT"
        while desc.count > 1, desc[0].uppercased().hasPrefix("EX-") { desc.removeFirst() }
        var lines: Set<Int> = [first.index]
        let complete = { (d: [String]) in
            Self.contractWords.contains(where: { d.last?.lowercased().hasPrefix($0) == true })
        }
        var k = first.index + 1
        while !complete(desc), k < layout.lines.count, k <= first.index + 2 {
            let next = layout.lines[k]
            let t = next.text
            guard !next.isBlank, !t.hasPrefix(" "), next.cells.count == 1, t.count < 80,
                t.filter(\.isLetter).allSatisfy(\.isUppercase), t.contains(where: \.isLetter)
            else { break }
            desc += t.split(whereSeparator: \.isWhitespace).map(String.init)
            lines.insert(k)
            k += 1
        }
        // a flattened filing: the page number and the text run on after the description
        if let n = desc.indices.dropFirst().first(where: { desc[$0].allSatisfy(\.isNumber) }),
            complete(Array(desc[..<n]))
        {
            desc = Array(desc[..<n])
        }
        return (desc.joined(separator: " "), lines, first)
    }

    /// Words that begin a sentence, never a party's name.
    /// "and" between names, read once per character of a preamble (Lexicon "conjunctions").
    static let conjunctions = Lexicon.words("conjunctions")
    /// Words after a law's name in a clause in capitals that do not continue it (Lexicon "law_name_fillers").
    static let lawNameFillers = Lexicon.wordSet("law_name_fillers")

    static let sentenceStarters: Set<String> = Lexicon.wordSet("sentence_starters")

    static let abbreviations: Set<String> = Lexicon.wordSet("name_abbreviations")

    func partyEnd(_ s: [Character], from: Int, stopAtAnd: Bool, paragraphStarts: Set<Int> = []) -> Int {
        var i = from
        var depth = 0
        while i < s.count {
            let c = s[i]
            // A party name never runs into the next paragraph ("… Contoso Analytics Inc." ⏎⏎ "1. Term.").
            if i > from, paragraphStarts.contains(i) { return i }
            // nor into a clause number: "Inc. 1. Term", "Ltd. 2) Scope"
            if c == " ", i > from, s[i - 1] == ".", i + 1 < s.count, s[i + 1].isNumber {
                var k = i + 1
                while k < s.count, s[k].isNumber || s[k] == "." { k += 1 }
                if k < s.count, s[k - 1] == "." || s[k] == ")" { return i }
                if k >= s.count { return i }
            }
            if c == "(" { return i }
            // a quoted defined name ends the party ("Acme “Acme”"), but a quoted part of the name does not:
            // Open Joint Stock Company “Vimpel-Communications”, an open joint stock company
            if c == "“" || c == "\"" && i > from + 1 && s[i - 1] == " " {
                guard let close = Self.quotedPartOfName(s, open: i) else { return i }
                i = close + 1
                continue
            }
            // "Regent Group, Inc. together with its subsidiaries (the "Recipient")": the group is not the name
            if c == " ", i > from {
                let rest = String(s[i..<min(s.count, i + 26)]).lowercased()
                if ContractWords.partyTails.contains(where: { rest.hasPrefix(" " + $0) }) { return i }
                // "ASSET ACCEPTANCE CAPITAL CORP. a Delaware corporation": a description after the legal form, with no comma
                if rest.hasPrefix(" a ") || rest.hasPrefix(" an "), Self.hasEntitySuffix(String(s[from..<i])) {
                    return i
                }
                // an address after the name: "Acme Inc. of 1 Main Street, Waltham"
                if rest.hasPrefix(" of "), rest.dropFirst(4).first?.isNumber == true { return i }
            }
            if c == "," {
                let rest = String(s[(i + 1)...].prefix(26)).lowercased()
                // "X, Inc., a Delaware corporation": the comma before "a" ends it; "Escalade, Incorporated" does not
                if ContractWords.partyCommaTails.contains(where: { rest.hasPrefix(" " + $0) }) { return i }
                // a list of names with no descriptions: "GRANITE PEAK HOLDINGS, INC., GP MERGER SUB, INC. and ...":
                // after a legal form, another name with a legal form is the next party
                if stopAtAnd, let last = String(s[from..<i]).split(separator: " ").last,
                    ContractWords.legalForms.contains(last.lowercased())
                {
                    var k = i + 1
                    while k < s.count, s[k] == " " { k += 1 }
                    let window = String(s[k..<min(s.count, k + 80)])
                    let cut =
                        [", a ", ", an ", " (", " and ", " AND ", ";"].compactMap { window.range(of: $0)?.lowerBound }
                        .min() ?? window.endIndex
                    let next = window[..<cut].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                    if next.first?.isUppercase == true, next.split(separator: " ").count >= 2,
                        let form = next.split(separator: " ").last,
                        ContractWords.legalForms.contains(form.lowercased())
                    {
                        return i
                    }
                }
            }
            if c == ";" || c == ":" { return i }
            // a period inside a word ("NetTalk.com, Inc.") ends nothing
            if c == ".", i + 1 < s.count, s[i + 1].isLetter, i > from, s[i - 1].isLetter { i += 1; continue }
            if c == "." {
                // a sentence end, unless an abbreviation ("Co.", "Inc.") or an initial
                var k = i - 1
                while k >= from, s[k].isLetter || s[k] == "." { k -= 1 }
                let word = String(s[(k + 1)..<i]).lowercased()
                // "Partners L.P. ("Orion")": a period right before the defined name belongs to the party's name
                if i + 2 < s.count, s[i + 1] == " ", s[i + 2] == "(" || s[i + 2] == "\"" || s[i + 2] == "“" {
                    return Self.abbreviations.contains(word) || word.contains(".") || word.count <= 4 ? i + 1 : i
                }
                if !(Self.abbreviations.contains(word) || word.count == 1 || word.contains(".")) { return i }
                // "Northwind Traders Ltd. The term of ...": after the abbreviation a new sentence starts
                if i + 2 < s.count, s[i + 1] == " ", s[i + 2].isUppercase {
                    var k2 = i + 2
                    while k2 < s.count, s[k2].isLetter { k2 += 1 }
                    if Self.sentenceStarters.contains(String(s[(i + 2)..<k2]).lowercased()) { return i + 1 }
                }
            }
            if stopAtAnd, c == " " {
                for conj in Self.conjunctions
                where i + conj.count <= s.count && String(s[i..<(i + conj.count)]).lowercased() == conj {
                    return i
                }
            }
            _ = depth
            depth = 0
            i += 1
        }
        return s.count
    }

    /// Skips an enumerator before a party: "(1) ", "(a) ", "1. ", "(i) ".
    static func skipEnumerator(_ t: [Character], _ i: Int) -> Int {
        var k = i
        while k < t.count, t[k] == " " || t[k] == ":" { k += 1 }
        if k < t.count, t[k] == "(" {
            var j = k + 1
            while j < t.count, j - k <= 4, t[j].isLetter || t[j].isNumber { j += 1 }
            if j < t.count, t[j] == ")", j - k <= 4, j > k + 1 { k = j + 1 }
        } else if k + 1 < t.count, t[k].isNumber, t[k + 1] == "." {
            k += 2
        }
        while k < t.count, t[k] == " " { k += 1 }
        return k
    }

    /// Where the second party starts: after the "and" that follows the first party's description. When the first
    /// party carries a defined name ("(the "Company")"), the "and" comes after it, so "registered in England and
    /// Wales" or "Smith and Jones LLP" inside the description does not split it.
    static func secondPartyStart(_ t: [Character], after e1: Int, allowComma: Bool = false) -> Int? {
        let limit = min(t.count, e1 + 400)
        guard e1 < limit else { return nil }
        let conj = Lexicon.words("party_list_conjunctions")
        func conjAt(_ i: Int) -> Int? {
            for c in conj where i + c.count <= t.count && String(t[i..<(i + c.count)]).lowercased() == c {
                return c.count
            }
            return nil
        }
        func sentenceEnds(_ i: Int) -> Bool {
            t[i] == "." && i + 2 < t.count && t[i + 1] == " " && t[i + 2].isUppercase
                && !(i > 0 && Self.isAbbreviationEnd(t, i))
        }
        // a defined-name parenthesis ahead, before the sentence ends?
        var definedClose: Int? = nil
        var i = e1
        while i < limit {
            if sentenceEnds(i) { break }
            if t[i] == "(", i + 1 < t.count {
                let peek = String(t[(i + 1)..<min(t.count, i + 16)]).lowercased()
                if peek.hasPrefix("\"") || peek.hasPrefix("“") || peek.hasPrefix("the \"") || peek.hasPrefix("the “")
                    || peek.hasPrefix("hereinafter")
                    || peek.hasPrefix("together") || peek.hasPrefix("collectively") || peek.hasPrefix("individually")
                    || peek.hasPrefix("'")
                {
                    if let close = t[i..<limit].firstIndex(of: ")") { definedClose = close }
                    break
                }
            }
            i += 1
        }
        var depth = 0
        i = definedClose.map { $0 + 1 } ?? e1
        while i < limit {
            if t[i] == "(" { depth += 1 } else if t[i] == ")" { depth = max(0, depth - 1) }
            if depth == 0 {
                if sentenceEnds(i) || t[i] == ";" && !String(t[i..<min(t.count, i + 6)]).lowercased().hasPrefix("; and")
                {
                    return nil
                }
                if let n = conjAt(i) { return skipEnumerator(t, i + n) }
                // "X (“Parent”), Merger Sub, LLC (…), and the Company": parties listed with commas ("by and among")
                if allowComma, t[i] == ",", definedClose != nil {
                    var k = i + 1
                    while k < t.count, t[k] == " " { k += 1 }
                    if k < t.count, t[k].isUppercase { return k }
                }
                // "X, Inc., a Delaware corporation, Polaris Freight, LLC, an Ohio limited liability company, and Y": with
                // no defined names, a name with a legal form after a description's comma is the next party
                if allowComma, t[i] == ",", definedClose == nil {
                    var k = i + 1
                    while k < t.count, t[k] == " " { k += 1 }
                    if k < t.count, t[k].isUppercase {
                        let window = String(t[k..<min(t.count, k + 90)])
                        let cut =
                            [", a ", ", an ", " (", " and ", ";"].compactMap { window.range(of: $0)?.lowerBound }
                            .min() ?? window.endIndex
                        let name = window[..<cut].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                        if name.split(separator: " ").count >= 2, hasEntitySuffix(name) { return k }
                    }
                }
            }
            i += 1
        }
        return nil
    }

    static func isAbbreviationEnd(_ t: [Character], _ i: Int) -> Bool {
        var k = i - 1
        while k >= 0, t[k].isLetter || t[k] == "." { k -= 1 }
        let word = String(t[(k + 1)..<i]).lowercased()
        return abbreviations.contains(word) || word.count == 1 || word.contains(".")
    }

    /// The parties: from the preamble ("by and between X, a Delaware corporation ("X"), and Y"), with the names above the
    /// signature lines filling in what the preamble does not name (letter agreements: "between you and the Company").
    func contractParties() -> Found? {
        if let listed = partiesUnderHeading() { return listed }
        let p = prose()
        let t = p.text
        var named: [String] = []
        var at: Line? = nil
        // every place a preamble may list the parties, in reading order ("by and between" before its own "between")
        let limit = max(3000, t.count / 3)
        var places: [(at: Int, key: String)] = []
        for key in Lexicon.words("preamble_keys") {
            var from = 0
            while places.count < 40, let k = Self.find(key, in: p, from: from), k < limit {
                from = k + 1
                // "PARTIES:" as a heading at the start of a line, not "the parties:" in a sentence
                // (the space that joins two lines carries the later line's index, so look one character further back)
                if key == "parties:", k > 1, p.lineAt[k - 2] == p.lineAt[k] { continue }
                places.append((k, key))
            }
        }
        places.sort { $0.at < $1.at || ($0.at == $1.at && $0.key.count > $1.key.count) }
        var covered = -1
        for (k, key) in places.prefix(16) {
            // "between" inside an already read "by and between"
            if k <= covered { continue }
            covered = k + key.count
            let start = Self.skipEnumerator(t, k + key.count)
            var e1 = partyEnd(t, from: start, stopAtAnd: true, paragraphStarts: p.paragraphStarts)
            // "Procter and Gamble Co. ("P&G") and X": an "and" inside the first name, which its defined name follows
            if e1 + 5 <= t.count, String(t[e1..<(e1 + 5)]).lowercased() == " and " {
                let whole = partyEnd(t, from: start, stopAtAnd: false, paragraphStarts: p.paragraphStarts)
                if whole > e1, whole - start < 90, whole + 1 < t.count,
                    t[whole] == "(" || t[whole] == " " && t[whole + 1] == "(",
                    Self.secondPartyStart(t, after: whole) != nil
                {
                    e1 = whole
                }
            }
            let first = cleanParty(String(t[start..<e1]))
            var found = [first]
            // "by and among" lists three or more; "between" two
            let among = key.contains("among")
            var e = e1
            while found.count < (among ? 6 : 2), let s2 = Self.secondPartyStart(t, after: e, allowComma: among) {
                e = partyEnd(t, from: s2, stopAtAnd: among, paragraphStarts: p.paragraphStarts)
                found.append(cleanParty(String(t[s2..<e])))
                if e <= s2 { break }
            }
            let parties = found.filter { !$0.isEmpty && $0.count < 120 && Self.isPartyName($0) }
            if parties.count >= 2, parties.count == found.count {
                return Found(
                    value: .array(parties.map { .string($0) }), line: layout.lines[p.line(at: k)], confidence: 0.8)
            }
            if !parties.isEmpty, named.isEmpty { named = parties; at = layout.lines[p.line(at: k)] }
        }
        // A letter agreement whose preamble names no parties: the letterhead's organisation and the addressee, not
        // the signature page, which may list an investor group's every fund ("L. B. FOSTER COMPANY" to "Legion
        // Partners Asset Management, LLC", signed by five Legion entities) or the principal an adviser writes for.
        if named.isEmpty, let sender = letterSender(), let a = letterAddressee(), !Self.sameParty(sender.name, a.name) {
            return Found(value: .array([.string(sender.name), .string(a.name)]), line: sender.line, confidence: 0.7)
        }
        // A first-person or second-person agreement names only the other side: "As a condition of my employment with
        // Dolby Laboratories, Inc., its subsidiaries ...", "As an associate of Ann Taylor, Inc. (the "Company")"
        if named.isEmpty, let e = employerNamed(p) {
            named.append(e.name)
            at = e.line
        }
        // Signature blocks: the organisations above "By:" lines. One that spells out a short name the preamble used
        // ("between Sears and me" / "SEARS, ROEBUCK AND CO.") replaces it.
        for s in signatureParties() {
            if let i = named.firstIndex(where: { Self.shortForm($0, of: s.name) }) { named[i] = s.name; continue }
            if named.contains(where: { Self.sameParty($0, s.name) }) { continue }
            named.append(s.name)
            if at == nil { at = s.line }
        }
        // the individuals who sign for themselves (an employee, a consultant), when the preamble does not name them
        if named.count < 2 {
            for s in signatureIndividuals() where !named.contains(where: { Self.sameParty($0, s.name) }) {
                named.append(s.name)
                if at == nil { at = s.line }
            }
        }
        // a letter agreement signed by one side only: the addressee is the other
        if named.count < 2, let a = letterAddressee(), !named.contains(where: { Self.sameParty($0, a.name) }) {
            named.append(a.name)
            if at == nil { at = a.line }
        }
        guard let line = at, !named.isEmpty else { return nil }
        return Found(value: .array(named.map { .string($0) }), line: line, confidence: named.count >= 2 ? 0.7 : 0.4)
    }

    /// The parties numbered under a "PARTIES" heading, as English agreements list them: the heading alone on its line
    /// (with or without a colon; Lexicon "party_list_headings"), then a block per party, each opening with its number
    /// ("(1)", "(2)", "1.") at the start of a line and running over the lines below it: "(1) HALCYON MARINE LIMITED
    /// incorporated and registered in England and Wales with company number 04829311 whose registered office is at
    /// ... (Discloser); and". A party's name is what its block opens with (`partyEnd`, `cleanParty`). The list ends at
    /// the first line that opens no block and continues none: a heading ("BACKGROUND", "AGREED TERMS"), a recital "(A)".
    /// - Returns: two or more names, with the heading's line and 0.8; nil when there is no such list.
    func partiesUnderHeading() -> Found? {
        let headings = Lexicon.wordSet("party_list_headings")
        let lines = layout.lines
        let furniture = pageFurniture()
        let limit = min(lines.count, max(150, lines.count / 3))
        /// The number a line's block opens with: "(1) " → 1, "2. " → 2; nil for "(A)", "1.1", a line of prose.
        func number(_ text: String) -> Int? {
            guard let m = text.range(of: #"^\(?([0-9]{1,2})[.)]\)?\s"#, options: .regularExpression) else { return nil }
            if text.hasPrefix("("), !text[m].contains(")") { return nil }
            return Int(text[m].filter(\.isNumber))
        }
        for h in lines[..<limit] where !h.isBlank && !furniture.contains(h.index) {
            let head = h.text.trimmingCharacters(in: .whitespaces).lowercased()
                .trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            guard headings.contains(head) else { continue }
            var blocks: [String] = []
            for l in lines[(h.index + 1)..<min(lines.count, h.index + 40)] where !furniture.contains(l.index) {
                if l.isBlank { continue }
                let text = l.text.trimmingCharacters(in: .whitespaces)
                if let n = number(text) {
                    guard n == blocks.count + 1 else { break }
                    blocks.append(text)
                    continue
                }
                // a heading or a recital ends the list; any other line continues the block above it
                let letters = text.filter(\.isLetter)
                let heading =
                    !letters.isEmpty && letters.allSatisfy(\.isUppercase) && text.split(separator: " ").count <= 5
                let recital = text.range(of: #"^\([A-Za-z]{1,3}\)\s"#, options: .regularExpression) != nil
                if blocks.isEmpty || heading || recital { break }
                blocks[blocks.count - 1] += " " + text
            }
            guard blocks.count >= 2 else { continue }
            var names: [String] = []
            for b in blocks {
                let chars = Array(b.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "))
                let start = Self.skipEnumerator(chars, 0)
                let name = cleanParty(String(chars[start..<partyEnd(chars, from: start, stopAtAnd: false)]))
                // a name, not a clause numbered under a heading of the same word ("1. The parties agree that ...")
                guard Self.isPartyName(name), name.count < 120,
                    Self.looksLikeEntity(name) || Self.looksLikePerson(name)
                else { return nil }
                names.append(name)
            }
            return Found(value: .array(names.map { .string($0) }), line: h, confidence: 0.8)
        }
        return nil
    }

    /// A party's name as printed, alone: no "the undersigned" before it, no address before it ("Waltham, MA 02451,
    /// Acme Inc."), no degree after a person's name ("Maher Albitar, M.D."), no cross-reference after it ("please see
    /// Exhibit 10").
    func cleanParty(_ s: String) -> String {
        Self.cleanPartyName(s)
    }

    static func cleanPartyName(_ s: String) -> String {
        let trim = CharacterSet(charactersIn: " ,;:\"'")
        var t = s.trimmingCharacters(in: trim)
        // quotes around the whole name, not a quoted part inside it
        if t.hasPrefix("“") && !t.dropFirst().contains("“") { t = String(t.dropFirst()) }
        if t.hasSuffix("”") && !t.contains("“") { t = String(t.dropLast()) }
        for prefix in Lexicon.words("undersigned_prefixes") where t.lowercased().hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count)); break
        }
        // a person's title before the name: "Ms. Jane Roe" (not "Dr. Reddy's Laboratories Ltd.")
        for h in ContractWords.honorifics
        where t.lowercased().hasPrefix(h + " ") && looksLikePerson(String(t.dropFirst(h.count + 1))) {
            t = String(t.dropFirst(h.count + 1)); break
        }
        // an address before the name ends with a postal code: "Waltham, MA 02451, Acme Corp."
        if let r = t.range(
            of: #"^.*\b(?:[A-Z]{2}|[A-Z][a-z]+)\.?\s+\d{5}(?:-\d{4})?,?\s+"#, options: .regularExpression),
            r.upperBound < t.endIndex
        {
            t = String(t[r.upperBound...])
        }
        // a cross-reference or a note after the name
        let lower = t.lowercased()
        if let cut = ContractWords.afterName.compactMap({ lower.range(of: $0)?.lowerBound }).min(),
            cut > lower.startIndex
        {
            t = String(t[..<t.index(t.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: cut))])
        }
        t = t.trimmingCharacters(in: trim)
        // a register's number after the name: "Coral Coast Tourism Pty Ltd ACN 611 222 333", "Acme Ltd company number
        // 01234567"
        let lowered = t.lowercased()
        for mark in ContractWords.registrationMarks {
            var from = lowered.startIndex
            while let r = lowered.range(of: " " + mark, range: from..<lowered.endIndex) {
                from = r.upperBound
                let after = lowered[r.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "." }
                guard after.first?.isNumber == true, r.lowerBound > lowered.startIndex else { continue }
                t = String(
                    t[..<t.index(t.startIndex, offsetBy: lowered.distance(from: lowered.startIndex, to: r.lowerBound))])
                break
            }
        }
        t = t.trimmingCharacters(in: trim)
        // a person's degree or credential: "Maher Albitar, M.D."
        for suffix in ContractWords.credentials {
            if t.lowercased().hasSuffix(", " + suffix) { t = String(t.dropLast(suffix.count + 2)); break }
        }
        return t.split(separator: " ").joined(separator: " ")
    }

    /// For a quote that opens inside a party's name, the offset of its closing quote when the quoted words are part of
    /// the name (a description or the next party follows it: "Company “Vimpel-Communications”, an open joint stock
    /// company"), nil when it is a defined name ("Acme “Acme”").
    static func quotedPartOfName(_ s: [Character], open: Int) -> Int? {
        var k = open + 1
        while k < s.count, k - open < 60, s[k] != "”", s[k] != "\"" { k += 1 }
        guard k < s.count, k - open < 60, k > open + 1 else { return nil }
        let rest = String(s[(k + 1)..<min(s.count, k + 16)]).lowercased()
        guard
            rest.hasPrefix(", a ") || rest.hasPrefix(", an ") || rest.hasPrefix(", organized")
                || rest.hasPrefix(", incorporated")
        else { return nil }
        return k
    }

    /// The first line of the signature part: "IN WITNESS WHEREOF", "Very truly yours", or the first "By:" in the last half.
    func signatureStart() -> Int? {
        let lines = layout.lines
        // the closing formulas, not the same words in a clause near the top
        for l in lines[(lines.count * 3 / 10)...] where !l.isBlank {
            let lower = l.text.lowercased()
            if lower.contains("in witness whereof") || lower.contains("very truly yours")
                || lower.contains("sincerely,")
                || lower.contains("accepted and agreed") || lower.contains("agreed and accepted")
            {
                return l.index
            }
        }
        for l in lines[(lines.count / 2)...]
        where !l.isBlank && l.cells.contains(where: { $0.text.lowercased().hasPrefix("by:") }) {
            return max(0, l.index - 2)
        }
        return nil
    }

    /// The effective date: a labelled date above the signatures, a date the preamble introduces ("dated as of",
    /// "entered into as of the 3rd day of March, 2021"), or, for "effective as of the date last signed" and for
    /// agreements dated only where they are signed, the latest date in the signature block.
    func contractEffectiveDate(_ f: Field) -> Found? {
        guard var found = effectiveDateRead(f) else { return nil }
        // The signature part dates the signing and none of its dates is the one chosen: the parties may mean the
        // signing date (a letter dated one day and countersigned another), so the date is looked at. Lowered here, in
        // the evidence itself, so that `--evidence` and the review state the same confidence.
        if let chosen = found.value.stringValue {
            let signed = signingDates()
            if !signed.isEmpty, !signed.contains(chosen) {
                found.confidence = min(found.confidence, ReviewChecks.otherSigningDateConfidence)
            }
        }
        return found
    }

    /// The dates (ISO 8601 `YYYY-MM-DD`) the signature part gives for the signing, an a/b/yyyy date read both ways
    /// (month first and day first): the dates on the lines from the signature part's start (`signatureStart`), or,
    /// in a document where none is found, in its last quarter. A date that follows a word of another date's kind
    /// (Lexicon "not_signing_date_cues": a form's revision "revised March 15, 2019", a term's end "through December
    /// 31, 2022") is not a signing date; neither is a line of the page furniture.
    func signingDates() -> Set<String> {
        let furniture = pageFurniture()
        let lines = layout.lines
        let from = signatureStart() ?? (lines.count * 3 / 4)
        let cues = Lexicon.words("not_signing_date_cues")
        var out = Set<String>()
        for l in lines[min(from, lines.count)...]
        where !l.isBlank && !furniture.contains(l.index) && l.text.contains(where: \.isNumber) {
            let chars = Array(l.text)
            for first in [false, true] {
                for d in Parse.dates(in: l.text, dayFirst: first) {
                    let lead = String(chars[max(0, d.start - 24)..<min(d.start, chars.count)]).lowercased()
                    if cues.contains(where: { lead.contains($0) }) { continue }
                    out.insert(d.iso)
                }
            }
        }
        return out
    }

    /// The effective date as read, before the signature part is compared with it (`contractEffectiveDate`).
    func effectiveDateRead(_ f: Field) -> Found? {
        dayFirst = contractDayFirst()
        let sigLine = signatureStart()
        if let c = best(candidates(f.name, parse: parseDate).filter { sigLine == nil || $0.line.index < sigLine! }) {
            return c
        }
        let p = prose()
        let dates = contractDates(p)
        let sigOffset = sigLine.flatMap { s in p.lineAt.firstIndex { $0 >= s } } ?? p.text.count
        let before = dates.filter { $0.start < sigOffset }
        let signed = dates.filter { $0.start >= sigOffset }
        let latestSigned = signed.max { $0.iso < $1.iso }
        let head = String(p.text.prefix(min(2500, sigOffset))).lowercased()
        // "effective as of the date last signed", in a sentence about when the agreement takes effect; not "may be
        // amended only in a writing signed by both parties" (Lexicon "when_signed_context")
        let whenSigned = Lexicon.words("when_signed")
        let effectWords = Lexicon.words("when_signed_context")
        func statesWhenSigned() -> Bool {
            for cue in whenSigned {
                var from = head.startIndex
                while let r = head.range(of: cue, range: from..<head.endIndex) {
                    from = r.upperBound
                    let lo =
                        head.range(of: ". ", options: .backwards, range: head.startIndex..<r.lowerBound)?.upperBound
                        ?? head.startIndex
                    let hi = head.range(of: ". ", range: r.upperBound..<head.endIndex)?.lowerBound ?? head.endIndex
                    let sentence = head[lo..<hi]
                    if effectWords.contains(where: { sentence.contains($0) }) { return true }
                }
            }
            return false
        }
        if let d = latestSigned, statesWhenSigned() {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.75)
        }
        // "... effective as of January 1, 2018 (the "Effective Date")": the date the agreement defines
        for d in before {
            let after = String(p.text[d.end..<min(p.text.count, d.end + 30)]).lowercased()
            if after.hasPrefix(" (") || after.hasPrefix(", (") || after.hasPrefix("("), after.contains("effective date")
            {
                return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.85)
            }
        }
        // the preamble's own date first ("dated as of", "entered into this 3rd day of"), then a letter's date above
        // "Dear ..."; dates in later clauses ("financial statements as of December 31, 2019") only after those
        let preamble = before.filter { $0.start < 1500 }
        let cues = Lexicon.words("effective_date_cues")
        func cued(_ d: Parse.DateToken) -> Bool {
            let ctx = String(p.text[max(0, d.start - 60)..<d.start]).lowercased()
            return cues.contains(where: { ctx.contains($0) })
        }
        // a letter's date on a line of its own ("April 6, 2020", "Dated: April 6, 2020"), above the first dated clause
        let firstCued = preamble.first(where: cued)
        if let d = preamble.first(where: { d in
            let line = layout.lines[p.line(at: d.start)].text.trimmingCharacters(in: .whitespaces)
            return line.count <= d.end - d.start + 8 && (firstCued == nil || d.start <= firstCued!.start)
        }) {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.7)
        }
        if let d = firstCued {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.8)
        }
        if let d = preamble.first {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.6)
        }
        if let d = latestSigned {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.5)
        }
        if let d = before.first(where: cued) {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.5)
        }
        if let d = before.first {
            return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.4)
        }
        return nil
    }

    /// Every date in the prose: those Parse reads, and the forms deeds write out ("this twenty-first day of June, 2004",
    /// "June twenty-first, 2004", "the 1st day of March, A.D. 2003"), in reading order.
    /// - Returns: tokens with offsets into `p.text` (Characters).
    func contractDates(_ p: Prose) -> [Parse.DateToken] {
        var out = Parse.dates(in: p.string, dayFirst: dayFirst)
        let s = p.string
        let month =
            "(January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?)"
        let day = "([0-9]{1,2}(?:st|nd|rd|th)?|" + ContractWords.ordinalDayPattern + ")"
        let year = ",?\\s+(?:A\\.?\\s?D\\.?,?\\s+)?([0-9]{4})\\b"
        let forms: [(String, dayGroup: Int, monthGroup: Int)] = [
            ("\\b" + day + "\\s+day\\s+of\\s+" + month + year, 1, 2),
            ("\\b" + month + "\\s+" + day + year, 2, 1),
        ]
        for (pattern, dg, mg) in forms {
            guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            for m in re.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
                guard let r = Range(m.range, in: s), let dr = Range(m.range(at: dg), in: s),
                    let mr = Range(m.range(at: mg), in: s),
                    let yr = Range(m.range(at: 3), in: s), let y = Int(s[yr])
                else { continue }
                let dayText = s[dr].lowercased()
                let digits = dayText.prefix { $0.isNumber }
                guard let d = digits.isEmpty ? ContractWords.ordinalDay(dayText) : Int(digits), (1...31).contains(d),
                    let mo = ContractWords.monthNumber(String(s[mr]))
                else { continue }
                let start = s.distance(from: s.startIndex, to: r.lowerBound),
                    end = s.distance(from: s.startIndex, to: r.upperBound)
                if out.contains(where: { $0.start < end && start < $0.end }) { continue }
                let iso = String(format: "%04d-%02d-%02d", y, mo, d)
                out.append(
                    Parse.DateToken(
                        start: start, end: end, year: y, a: mo, b: d, ambiguous: false, iso: iso, separator: nil))
            }
        }
        return out.sorted { $0.start < $1.start }
    }

    /// Whether a/b/yyyy dates in an agreement are day first. Numeric dates that settle it come first (Parse.dayFirstCue);
    /// then the way the agreement writes its dates out ("August 11, 2008" is month first, "11 August 2008" day first);
    /// then where it is made: a US state's law or a US filing ("a Delaware corporation", "Securities and Exchange
    /// Commission") reads month first.
    func contractDayFirst() -> Bool {
        let p = prose()
        let s = p.string
        func count(_ pattern: String) -> Int {
            (try? NSRegularExpression(pattern: pattern))?.numberOfMatches(in: s, range: NSRange(s.startIndex..., in: s))
                ?? 0
        }
        let months = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
        let monthFirst = count(#"\b"# + months + #"\s+\d{1,2}(?:st|nd|rd|th)?,\s*\d{4}"#)
        let dayFirstWritten = count(#"\b\d{1,2}(?:st|nd|rd|th)?\s+"# + months + #",?\s+\d{4}"#)
        let lower = s.lowercased()
        let american =
            Lexicon.words("american_cues")
            .contains(where: { lower.contains($0) })
            || governingLaw(nil).flatMap { $0.value.stringValue }.map {
                ContractWords.usStates.contains($0.lowercased())
            } == true
        let us = monthFirst != dayFirstWritten ? monthFirst > dayFirstWritten : american
        return Parse.dayFirstCue(
            lines: layout.lines.map(\.text), currency: us ? "USD" : (currency == "USD" ? nil : currency),
            english: english)
    }

    func contractTerm(_ f: Field) -> Found? {
        if let row = termRow() { return row }
        let p = prose()
        guard let term = agreementTermMonths(p) else {
            // a term written as its last day, counted from the effective date
            guard let ef = schema.field(.effectiveDate), let start = effectiveDateRead(ef)?.value.stringValue,
                let until = termUntilDate(p, from: start)
            else { return nil }
            return Found(value: JSONValue(until.months), line: layout.lines[p.line(at: until.offset)], confidence: 0.7)
        }
        return Found(
            value: JSONValue(term.months), line: layout.lines[p.line(at: term.offset)], confidence: term.confidence)
    }

    /// The jurisdiction after "laws of" / "law of": "the State of Delaware" → "Delaware", "England and Wales".
    func lawName(_ t: [Character], at i: Int) -> String? {
        var s = i
        while s < t.count, t[s] == " " { s += 1 }
        var rest = String(t[s..<min(t.count, s + 80)])
        for lead in Lexicon.words("law_place_leads")
        where rest.lowercased().hasPrefix(lead) { rest = String(rest.dropFirst(lead.count)); s += lead.count; break }
        // a clause in capitals ("GOVERNED BY THE LAWS OF THE STATE OF NEW YORK WITHOUT ...") is read in lower case
        let shouting = rest.prefix(40).filter(\.isLetter).allSatisfy(\.isUppercase)
        let scan = shouting ? rest.lowercased() : rest
        var end = rest.endIndex
        for stop in Lexicon.words("law_name_stops") {
            var from = scan.startIndex
            while let r = scan.range(of: stop, range: from..<scan.endIndex) {
                // "England and Wales" continues; "New York and the federal laws" stops
                if stop == " and ", let next = scan[r.upperBound...].split(separator: " ").first {
                    let go = shouting ? !Self.lawNameFillers.contains(String(next)) : next.first?.isUppercase == true
                    if go { from = r.upperBound; continue }
                }
                let at = rest.index(rest.startIndex, offsetBy: scan.distance(from: scan.startIndex, to: r.lowerBound))
                if at < end { end = at }
                break
            }
        }
        // "the Hong Kong Special Administrative Region (of the People's Republic of China)": the place is Hong Kong
        let scanLower = scan.lowercased()
        for tail in Lexicon.words("law_place_tails") {
            guard let r = scanLower.range(of: tail) else { continue }
            let after = scanLower[r.upperBound...].first
            guard after == nil || !(after!.isLetter || after!.isNumber) else { continue }
            let at = rest.index(
                rest.startIndex, offsetBy: scanLower.distance(from: scanLower.startIndex, to: r.lowerBound))
            if at < end { end = at }
        }
        var law = rest[..<end].trimmingCharacters(in: .whitespaces)
        if shouting {
            law = law.capitalized.replacingOccurrences(of: " And ", with: " and ").replacingOccurrences(
                of: " Of ", with: " of ")
        }
        guard !law.isEmpty, law.count < 50, law.first?.isUppercase == true else { return nil }
        // "the laws of the United States of America and the State of Delaware": the state's law is the one that differs
        if law.lowercased().hasPrefix("united states"), let r = rest.range(of: "state of ", options: .caseInsensitive),
            rest.distance(from: rest.startIndex, to: r.lowerBound) < law.count + 20
        {
            let after = s + rest.distance(from: rest.startIndex, to: r.lowerBound)
            if let state = lawName(t, at: after), state != law { return state }
        }
        return law
    }

    /// Governing law: every "laws of X" is read in its context; "governed by" / "construed in accordance with" wins,
    /// and "organized under the laws of the Netherlands" in the preamble (where a party is incorporated) is skipped.
    func governingLaw(_ f: Field?) -> Found? {
        let p = prose()
        let t = p.text
        var best: (score: Int, law: String, at: Int)? = nil
        func consider(_ score: Int, _ law: String, _ at: Int) {
            if best == nil || score > best!.score { best = (score, law, at) }
        }
        // "the laws and public policies of the State of Delaware", "the laws and regulations of": a few lower-case words
        // between "laws" and "of"
        var joined: [(at: Int, length: Int)] = []
        var scanFrom = 0
        while let i = Self.find("laws and ", in: p, from: scanFrom) {
            scanFrom = i + 1
            let window = String(t[i..<min(t.count, i + 45)])
            if let r = window.range(of: #"^laws and (?:[a-z]+ ){1,3}of"#, options: .regularExpression) {
                joined.append((i, window.distance(from: window.startIndex, to: r.upperBound)))
            }
        }
        for cue in Lexicon.words("law_cues") {
            var from = 0
            while let found = cue == "laws and"
                ? joined.first(where: { $0.at >= from }).map({ $0.at }) : Self.find(cue, in: p, from: from)
            {
                let i = found
                from = i + 1
                let cueLength = cue == "laws and" ? joined.first(where: { $0.at == i })!.length : cue.count
                let near = String(t[max(0, i - 45)..<i]).lowercased()
                // "construed and enforced pursuant to the laws of X" is the governing clause; "organized pursuant to" is not
                let governs = Lexicon.words("governing_verbs").contains(where: { near.contains($0) })
                if Lexicon.words("not_governing_cues").contains(where: { near.contains($0) })
                    || (!governs && near.contains("pursuant to"))
                {
                    continue
                }
                guard let law = lawName(t, at: i + cueLength) else { continue }
                // the clause this "laws of" is in: what comes before it in its own sentence
                var before = String(t[max(0, i - 120)..<i]).lowercased()
                if let stop = before.range(of: ". ", options: .backwards) {
                    before = String(before[stop.upperBound...])
                }
                let after = String(t[i..<min(t.count, i + cueLength + law.count + 40)]).lowercased()
                var score = 0
                // "governed by the laws of X", or "The laws of X shall govern this Agreement"
                if before.contains("govern") || after.contains("shall govern") || after.contains("will govern")
                    || after.contains("govern this")
                {
                    score += 3
                }
                if Lexicon.words("choice_of_law_words").contains(where: { before.contains($0) })
                    || before.hasSuffix("subject to the ") || before.hasSuffix("subject to ")
                {
                    score += 2
                }
                consider(score, law, i)
            }
        }
        // "governed by California law", "governed by New York law", "governed by German law"
        var from = 0
        while let i = Self.find("governed by ", in: p, from: from) {
            from = i + 1
            let rest = String(t[(i + 12)..<min(t.count, i + 72)])
            guard let r = rest.range(of: " law") else { continue }
            var law = String(rest[..<r.lowerBound])
            for lead in ["the ", "and construed under ", "and construed in accordance with "]
            where law.lowercased().hasPrefix(lead) { law = String(law.dropFirst(lead.count)) }
            let demonyms = [
                "german": "Germany", "french": "France", "dutch": "Netherlands", "english": "England and Wales",
                "swiss": "Switzerland",
                "austrian": "Austria", "belgian": "Belgium", "irish": "Ireland", "scottish": "Scotland",
                "luxembourg": "Luxembourg",
            ]
            if let d = demonyms[law.lowercased()] { law = d }
            if !law.isEmpty, law.count < 40, law.first?.isUppercase == true, !law.contains(",") { consider(3, law, i) }
        }
        // "New York law governs this Agreement", "German law shall apply"
        for cue in Lexicon.words("law_governs_cues") {
            var from = 0
            while let i = Self.find(cue, in: p, from: from) {
                from = i + 1
                var k = i
                var words: [String] = []
                while words.count < 3, k > 0 {
                    var j = k - 1
                    while j >= 0, t[j].isLetter { j -= 1 }
                    let w = String(t[(j + 1)..<k])
                    guard let f = w.first, f.isUppercase, j < 0 || t[j] == " " else { break }
                    words.insert(w, at: 0)
                    k = j
                }
                // "Governing Law. New York law governs": the heading's words are not the law's
                while let f = words.first, Lexicon.words("law_heading_words").contains(f.lowercased()) {
                    words.removeFirst()
                }
                guard !words.isEmpty else { continue }
                var law = words.joined(separator: " ")
                let demonyms = [
                    "German": "Germany", "French": "France", "Dutch": "Netherlands", "English": "England and Wales",
                    "Swiss": "Switzerland",
                ]
                if let d = demonyms[law] { law = d }
                consider(3, law, i)
            }
        }
        if let b = best {
            return Found(
                value: .string(b.law), line: layout.lines[p.line(at: b.at)], confidence: b.score >= 3 ? 0.85 : 0.6)
        }
        // a cover table's row, "Governing Law | State of Utah": the place, read as a clause's would be
        if let f, var c = self.best(candidates(f.name, parse: parseString)) {
            if let v = c.value.stringValue {
                let lower = v.lowercased()
                let cue = Lexicon.words("law_cues").filter { lower.hasPrefix($0) }.max { $0.count < $1.count }
                if let law = lawName(Array(v), at: cue?.count ?? 0) { c.value = .string(law) }
            }
            return c
        }
        return nil
    }

    func contractValue(_ f: Field) -> Found? {
        // An NDA has no value: its "fees" are each side's own costs, never the contract's worth. Only a payment it
        // states outright ("X shall pay a total fee of $12,500") counts.
        let nda = isNondisclosure(title: contractTitle()?.value.stringValue)
        if !nda,
            let c = best(
                candidates(
                    f.name, wholeLine: true,
                    parse: { s in
                        let n = Parse.numbers(in: s, decimalHint: self.decimalHint).filter {
                            !$0.isPercent && ($0.currency != nil || $0.decimals == 2)
                        }
                        return n.first.map { JSONValue($0.value) }
                    }))
        {
            return c
        }
        let p = prose()
        let nums = Parse.numbers(in: p.text, decimalHint: decimalHint).filter { $0.currency != nil && !$0.isPercent }
        let cues = Lexicon.words("contract_value_cues")
        for n in nums {
            let before = String(p.text[max(0, n.start - 80)..<n.start]).lowercased()
            let hedged = Lexicon.words("hedged_amount_cues")
            let stated =
                Lexicon.words("payment_verbs").contains { before.contains($0) }
                && Lexicon.words("amount_of_phrases").contains { before.contains($0) }
            // a rate is not the contract's total: "$15,000 per month", "$250 an hour", "USD 90,000 annually"
            let after = String(p.text[min(p.text.count, n.end)..<min(p.text.count, n.end + 16)]).lowercased()
                .trimmingCharacters(in: .whitespaces)
            let rate = Lexicon.words("rate_words").contains { after.hasPrefix($0) }
            if cues.contains(where: { before.contains($0) }), !hedged.contains(where: { before.contains($0) }),
                !nda || stated, !rate
            {
                if currency == nil || n.currency != currency {
                    currency = n.currency; currencyLine = layout.lines[p.line(at: n.start)]
                }
                return Found(value: JSONValue(n.value), line: layout.lines[p.line(at: n.start)], confidence: 0.8)
            }
        }
        return nil
    }

    /// A contract without a value has no currency either (the currency belongs to the value).
    func applyContractRules(_ out: inout JSONObject) {
        guard schema.fields.contains(where: { $0.name == "total_value" }),
            schema.fields.contains(where: { $0.name == "currency" }),
            out["total_value"]?.isNull ?? true
        else { return }
        out["currency"] = .null
        evidence["currency"] = nil
    }
}
