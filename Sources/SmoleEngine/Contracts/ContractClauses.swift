import Foundation
import SmoleRecords

/// Stage: reading long agreements (SEC-filed NDAs, letter agreements), for the contract resolvers in Contract.swift.
///
/// Input: the prose and layout lines. Output: durations with the sentence each sits in and the agreement's own term;
/// page furniture; the parties a signature page or a letter's address names.
///
/// Order of evidence for the term: a "Term" row of a cover table ("Term | 24 months") > the end of the agreement or of
/// its obligations ("shall terminate / expire N from the date hereof") > a period with the agreement as subject > a
/// period under a "Term" heading; periods of non-solicitation, standstill, renewal or payment lose; a notice period and
/// a period counted from the agreement's end (survival after termination) are never the term, so an agreement that
/// runs until terminated has none.
/// Order of evidence for a signature party: an organisation above "By:"; a person who signs "/s/" under no organisation,
/// witness or "By:" (or under a role heading such as "EMPLOYEE:" / "SECOND PARTY"), with the typed name preferred.
extension Extractor {
    /// A duration written in the prose ("two (2) years", "eighteen months", "24 months").
    struct Duration {
        var months: Int
        var start: Int
        var end: Int
    }

    /// Days as whole months, when they are close to a whole number of months (90 days, 180 days, 365 days, 26 weeks);
    /// 45 days or 8 weeks are not.
    static func wholeMonths(days: Int) -> Int? {
        let m = (Double(days) / 30.4375).rounded()
        guard m >= 1, abs(Double(days) - m * 30.4375) <= 0.05 * Double(days) + 1.5 else { return nil }
        return Int(m)
    }

    /// An agreement's term written as its last day: "This Agreement shall remain in effect through December 31, 2022",
    /// "shall expire on 30 June 2025", counted from `start` (the effective date, ISO 8601) in whole calendar months: the
    /// last day is the start date n months on, or the day before it (January 1, 2021 through December 31, 2022: 24). The sentence must have the agreement as its subject and
    /// say that it ends (Lexicon "term_subjects", "term_end_verbs"), with the date right after a word of an end
    /// ("term_until_words": "through", "until", "on"); a notice, a non-solicitation or a survival sentence does not count.
    /// - Returns: the months and the date's offset in the prose; nil when no such sentence is written.
    func termUntilDate(_ p: Prose, from start: String) -> (months: Int, offset: Int)? {
        guard let begin = Self.isoDay(start) else { return nil }
        let starts = Self.sentenceStarts(p)
        let subjects = Lexicon.words("term_subjects"), endVerbs = Lexicon.words("term_end_verbs")
        let untilWords = Lexicon.words("term_until_words")
        let other = Lexicon.words("term_unrelated") + Lexicon.words("term_after_end") + ["notice"]
        for d in contractDates(p) {
            let before = String(p.text[max(0, d.start - 20)..<d.start]).lowercased()
            guard untilWords.contains(where: { before.hasSuffix(" " + $0 + " ") }) else { continue }
            let s = Self.sentence(around: d.start, starts: starts, in: p.text)
            let lower = s.text.lowercased()
            guard subjects.contains(where: { lower.contains($0) }), endVerbs.contains(where: { lower.contains($0) }),
                !other.contains(where: { lower.contains($0) }), let end = Self.isoDay(d.iso), end > begin
            else { continue }
            // whole calendar months: the last day is the start date n months on, or the day before it
            let a = start.split(separator: "-").compactMap { Int($0) },
                b = d.iso.split(separator: "-").compactMap { Int($0) }
            let n = (b[0] - a[0]) * 12 + (b[1] - a[1])
            for k in [n, n + 1] where k >= 1 {
                let m0 = a[1] - 1 + k
                let y = a[0] + m0 / 12, m = m0 % 12 + 1
                let lastDay = [
                    31, y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
                ][m - 1]
                guard let on = Self.isoDay(String(format: "%04d-%02d-%02d", y, m, min(a[2], lastDay))) else { continue }
                if on == end || on == end + 1 { return (k, d.start) }
            }
        }
        return nil
    }

    /// Days since 1970-01-01 of an ISO 8601 date (`YYYY-MM-DD`), in the proleptic Gregorian calendar.
    static func isoDay(_ iso: String) -> Int? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        // days from civil (H. Hinnant's algorithm)
        let y = parts[1] <= 2 ? parts[0] - 1 : parts[0]
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (parts[1] + 9) % 12
        let doy = (153 * mp + 2) / 5 + parts[2] - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Every "N month(s)/year(s)" in `t`, where N is digits, a number word, or "word (digits)".
    static func durations(in t: [Character]) -> [Duration] {
        // words with offsets
        var words: [(String, Int, Int)] = []
        var i = 0
        while i < t.count {
            if t[i].isLetter || t[i].isNumber {
                let s = i
                while i < t.count,
                    t[i].isLetter || t[i].isNumber || (t[i] == "-" && i + 1 < t.count && t[i + 1].isLetter)
                { i += 1 }
                words.append((String(t[s..<i]).lowercased(), s, i))
            } else {
                i += 1
            }
        }
        let monthUnits = Parse.monthUnits, yearUnits = Parse.yearUnits
        let weekUnits = Lexicon.wordSet("unit_week"), dayUnits = Lexicon.wordSet("unit_day")
        var out: [Duration] = []
        let ordinals = [
            "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9,
            "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9,
            "10th": 10,
        ]
        for (k, w) in words.enumerated() where k > 0 {
            // "the second anniversary of the date hereof": two years
            if w.0 == "anniversary" || w.0 == "anniversaries", let n = ordinals[words[k - 1].0] {
                out.append(Duration(months: n * 12, start: words[k - 1].1, end: w.2))
                continue
            }
            // "a three-year period", "the 24-month anniversary", "(2)-year", "a 90-day period"
            if let dash = w.0.lastIndex(of: "-") {
                let tail = w.0[w.0.index(after: dash)...]
                let head = String(w.0[..<dash])
                if ["year", "month", "week", "day"].contains(tail), let n = Int(head) ?? Parse.wordNumber(head), n > 0,
                    n < 1000
                {
                    let months: Int? =
                        tail == "year"
                        ? n * 12 : tail == "month" ? n : Self.wholeMonths(days: tail == "week" ? n * 7 : n)
                    if let months, months < 1200 { out.append(Duration(months: months, start: w.1, end: w.2)) }
                }
                continue
            }
            let unit =
                monthUnits.contains(w.0)
                ? 1 : yearUnits.contains(w.0) ? 12 : weekUnits.contains(w.0) ? -7 : dayUnits.contains(w.0) ? -1 : 0
            guard unit != 0 else { continue }
            let prev = words[k - 1]
            // the number must be right before the unit: "two (2) years", "24 months", "twenty-four months"
            let gap = String(t[prev.2..<w.1]).trimmingCharacters(in: .whitespaces)
            guard gap.isEmpty || gap == ")" else { continue }
            var start = prev.1
            let n: Int?
            if let d = Int(prev.0) {
                n = d
                // "two (2) years": start at the word
                if gap == ")", k > 1, Parse.wordNumber(words[k - 2].0) == d { start = words[k - 2].1 }
            } else {
                n = Parse.wordNumber(prev.0)
            }
            guard let n, n > 0, n < (unit > 0 ? 100 : 1000) else { continue }
            // days and weeks count when they make whole months ("ninety (90) days", "fifty-two weeks")
            guard let months = unit > 0 ? n * unit : Self.wholeMonths(days: n * -unit) else { continue }
            out.append(Duration(months: months, start: start, end: w.2))
        }
        return out
    }

    static let sentenceAbbreviations: Set<String> = abbreviations.union(Lexicon.words("sentence_abbreviations"))

    /// Start offsets of sentences in the prose: after ". " / "; " before a capital, digit or quote, and at paragraph starts.
    static func sentenceStarts(_ p: Prose) -> [Int] {
        let t = p.text
        var starts: [Int] = [0]
        var i = 1
        while i + 2 < t.count {
            if p.paragraphStarts.contains(i) { starts.append(i) }
            if (t[i] == "." || t[i] == ":") && t[i + 1] == " " {
                let next = t[i + 2]
                // "except: (i) ..." and "assist others to): (i) acquire ..." go on; ". (b)" starts anew
                if next.isUppercase || next.isNumber || (next == "(" && t[i] == ".") || next == "“" || next == "\"" {
                    var k = i - 1
                    while k >= 0, t[k].isLetter || t[k] == "." { k -= 1 }
                    let word = String(t[(k + 1)..<i]).lowercased()
                    if t[i] == ":" || !(sentenceAbbreviations.contains(word) || (word.count == 1 && !t[i - 1].isNumber))
                    {
                        starts.append(i + 2)
                    }
                }
            }
            i += 1
        }
        return starts.sorted()
    }

    /// The sentence around `offset`, and the clause heading before it ("Term.", "Section 12. Governing Law.").
    static func sentence(around offset: Int, starts: [Int], in t: [Character]) -> (
        text: String, start: Int, heading: String
    ) {
        var lo = 0
        var idx = 0
        for (n, s) in starts.enumerated() where s <= offset { lo = s; idx = n }
        let hi = idx + 1 < starts.count ? starts[idx + 1] : t.count
        var heading = ""
        // short sentences right before are the clause's number and heading
        var j = idx - 1
        while j >= 0, j >= idx - 3 {
            let s = String(t[starts[j]..<starts[j + 1]])
            if s.split(separator: " ").count > 7 { break }
            heading = s + heading
            j -= 1
        }
        let text = String(t[lo..<max(lo, hi)])
        // a heading with no period ("Term This Agreement shall ..." from HTML): the sentence's first words
        heading += " " + String(text.prefix(32))
        return (text, lo, heading.lowercased())
    }

    /// The agreement's own term, in months: each duration is scored by its sentence. "This Agreement shall terminate /
    /// expire / remain in effect ..." under a "Term" heading wins; periods of non-solicitation, standstill or notice, and
    /// obligations that survive termination lose to it. When only such unrelated periods are written, there is no term.
    func agreementTermMonths(_ p: Prose) -> (months: Int, offset: Int, confidence: Double)? {
        let t = p.text
        let ds = Self.durations(in: t)
        guard !ds.isEmpty else { return nil }
        let starts = Self.sentenceStarts(p)
        let subjects = Lexicon.words("term_subjects")
        // the verbs that end an agreement or its obligations: "shall terminate", "shall expire", "remain in effect until"
        let endVerbs = Lexicon.words("term_end_verbs")
        // a duration counted from the start ("seven (7) years from the Effective Date"), not from termination
        let fromStart = Lexicon.words("term_from_start")
        let headingWords: Set<String> = Lexicon.wordSet("term_headings")
        let verbs = Lexicon.words("term_verbs")
        let unrelated = Lexicon.words("term_unrelated")
        let afterEnd = Lexicon.words("term_after_end")
        var best: (score: Int, d: Duration)? = nil
        for d in ds {
            let s = Self.sentence(around: d.start, starts: starts, in: t)
            let lower = s.text.lowercased()
            // what bears on this duration: its sentence, up to an exception that follows it
            // ("shall expire 18 months after the date hereof, except that the standstill ...")
            var near = lower
            let rel = d.end - s.start
            if rel > 0, rel < near.count {
                let tail = near.dropFirst(rel)
                if let cut = Lexicon.words("term_provisos").compactMap({ tail.range(of: $0)?.lowerBound }).min() {
                    near = String(near[..<cut])
                }
            }
            // an exception before the duration is another clause's business: "Your obligations, except: (i) the obligations
            // with respect to information retained ..., shall terminate two (2) years from the date hereof"
            let relStart = max(0, min(near.count, d.start - s.start))
            var lead = String(near.prefix(relStart))
            if let ex = lead.range(of: "except"),
                let verb = lead.range(of: " shall ", options: .backwards, range: ex.upperBound..<lead.endIndex)
            {
                lead.removeSubrange(ex.lowerBound..<verb.lowerBound)
            }
            near = lead + near.dropFirst(relStart)
            let fromHere = String(t[d.end..<min(t.count, d.end + 40)]).lowercased()
            let anchored = fromStart.contains { fromHere.contains($0) } || lower.contains("anniversary")
            var score = 0
            let hasVerb = verbs.contains { near.contains($0) }
            let hasSubject = subjects.contains(where: { lower.contains($0) })
            let ends = endVerbs.contains { near.contains($0) }
            if hasVerb && hasSubject { score += ends ? 4 : 3 } else if hasVerb { score += 1 }
            // the confidentiality obligations' own end, counted from the start, outlasts a period for disclosures
            if ends, anchored, near.contains("obligations") { score += 1 }
            let headingSet = Set(s.heading.split(whereSeparator: { !$0.isLetter }).map(String.init))
            if !headingSet.isDisjoint(with: headingWords) { score += 2 }
            if unrelated.contains(where: { near.contains($0) || s.heading.contains($0) }) { score -= 5 }
            // a notice period is never the term, whatever its sentence says of the agreement: "may terminate this
            // Agreement on three (3) months' notice", "six months prior written notice", "upon written notice of ninety
            // (90) days"
            var right = String(t[d.end..<min(t.count, d.end + 25)]).lowercased()
            if let dot = right.range(of: ". ") { right = String(right[..<dot.lowerBound]) }
            let left = String(t[max(s.start, d.start - 40)..<d.start]).lowercased()
            if right.contains("notice") || right.hasPrefix(" prior") || right.hasPrefix(" in advance")
                || left.suffix(24).contains("notice")
            {
                continue
            }
            // a renewal or payment period: "for successive one (1) year periods", "payable in 12 monthly installments"
            if Lexicon.words("term_renewal_words").contains(where: { left.contains($0) })
                || ["-year renewal", " renewal", " installment"].contains(where: { right.hasPrefix($0) })
            {
                score -= 5
            }
            // a period counted from the agreement's end is not its term: "survive termination for three (3) years",
            // "for five (5) years after the end of the Term", "two (2) years following any termination of this Agreement"
            if afterEnd.contains(where: { near.contains($0) }), !anchored { continue }
            if score >= 1, best == nil || score > best!.score { best = (score, d) }
        }
        guard let b = best else { return nil }
        return (b.d.months, b.d.start, b.score >= 5 ? 0.9 : b.score >= 3 ? 0.8 : 0.6)
    }

    /// A cover table's term row: "Term | 24 months", "MNDA Term | Expires 1 year from Effective Date", "Term: 2 years":
    /// a label of one to three words whose last is a term word (Lexicon "term_label_words"), then one duration. A row
    /// of another period ("Term of Confidentiality", "Payment Term", "Notice Period") does not count.
    /// - Returns: the months, the row's line and 0.85; nil when the document has no such row.
    func termRow() -> Found? {
        let furniture = pageFurniture()
        let labelWords = Lexicon.wordSet("term_label_words")
        let other = Lexicon.words("term_row_not") + Lexicon.words("term_unrelated")
        for l in layout.lines where !l.isBlank && !furniture.contains(l.index) {
            var label: String, value: String
            if l.cells.count >= 2 {
                label = l.cells[0].text
                value = l.cells[1...].map(\.text).joined(separator: " ")
            } else if let colon = l.text.firstIndex(of: ":") {
                label = String(l.text[..<colon])
                value = String(l.text[l.text.index(after: colon)...])
            } else {
                continue
            }
            label = label.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :."))
            let words = label.split(separator: " ")
            guard (1...3).contains(words.count), let last = words.last, labelWords.contains(String(last)),
                !other.contains(where: { label.contains($0) })
            else { continue }
            let v = value.trimmingCharacters(in: .whitespaces)
            let lower = v.lowercased()
            guard v.count <= 80, !other.contains(where: { lower.contains($0) }) else { continue }
            let ds = Self.durations(in: Array(v))
            guard ds.count == 1 else { continue }
            return Found(value: JSONValue(ds[0].months), line: l, confidence: 0.85)
        }
        return nil
    }

    // MARK: page furniture

    /// Lines that belong to the page, not the agreement: what repeats at the top or bottom of several pages (a filing
    /// service's "Source: ..., 8-K, 11/5/2020", running heads, page numbers), and a browser's print header and footer
    /// (the print date and time, the URL, "1/9"). Their dates are not the agreement's, and they would split sentences.
    func pageFurniture() -> Set<Int> {
        var byPage: [Int: [Line]] = [:]
        for l in layout.lines where !l.isBlank { byPage[l.page, default: []].append(l) }
        var edges: [Line] = []
        for (_, ls) in byPage {
            edges += ls.prefix(2)
            if ls.count > 2 { edges += ls.suffix(2) }
        }
        func key(_ l: Line) -> String {
            String(l.text.lowercased().filter { !$0.isWhitespace }.map { $0.isNumber ? "#" : $0 })
        }
        var pagesWith: [String: Set<Int>] = [:]
        for l in edges { pagesWith[key(l), default: []].insert(l.page) }
        var out: Set<Int> = []
        for l in edges {
            let lower = l.text.lowercased()
            let printed =
                lower.contains("http://") || lower.contains("https://") || lower.contains("www.sec.gov")
                || l.text.range(of: #"\b\d{1,2}:\d{2}\s?(AM|PM|am|pm)\b"#, options: .regularExpression) != nil
            if printed || (byPage.count >= 2 && (pagesWith[key(l)]?.count ?? 0) >= 2) { out.insert(l.index) }
        }
        return out
    }

    // MARK: signature blocks

    static let entitySuffixes = Lexicon.words("entity_suffixes")

    /// Whether `s` reads as an organisation's name: a legal-form suffix, or two or more words in capitals.
    static func looksLikeEntity(_ s: String) -> Bool {
        let words = s.split(separator: " ")
        guard words.count >= 1, words.count <= 10, s.count <= 90, s.first?.isLetter == true,
            s.first?.isUppercase == true
        else { return false }
        let lower = s.lowercased()
        for bad in Lexicon.words("signature_not_name") where lower.contains(bad) { return false }
        if hasEntitySuffix(s) { return true }
        let letters = s.filter(\.isLetter)
        // "AUTHORIZED PERSON", "AUTHORIZED SIGNATORY", "EMPLOYEE SIGNATURE": words of the block, not a name
        if ContractWords.signatureWords.contains(where: { w in
            words.contains { $0.lowercased().trimmingCharacters(in: .punctuationCharacters) == w }
        })
            || lower.contains("person")
        {
            return false
        }
        return words.count >= 2 && letters.count >= 4 && letters.allSatisfy(\.isUppercase)
    }

    /// Whether the last word is a legal form or organisation word ("Inc.", "LLC", "N.V.", "Holdings").
    static func hasEntitySuffix(_ s: String) -> Bool {
        let last =
            s.split(separator: " ").last.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
            ?? ""
        return entitySuffixes.contains(last) || entitySuffixes.contains(last + ".")
    }

    /// Party names from signature blocks: the name written just above each "By:" line.
    func signatureParties() -> [(name: String, line: Line)] {
        let lines = layout.lines
        var out: [(String, Line)] = []
        for (n, l) in lines.enumerated() where !l.isBlank {
            for (ci, c) in l.cells.enumerated()
            where c.text.lowercased().hasPrefix("by:") || c.text.lowercased() == "by" {
                // the nearest line above with a cell in the same column
                var k = n - 1
                var hops = 0
                while k >= 0, hops < 4 {
                    let above = lines[k]
                    k -= 1
                    if above.isBlank { continue }
                    hops += 1
                    let col = above.cells.min {
                        abs($0.center - c.center) + Double(abs($0.start - c.start)) < abs($1.center - c.center)
                            + Double(abs($1.start - c.start))
                    }
                    guard let cell = col,
                        l.cells.count == 1 || abs(cell.start - c.start) < 12 || ci == 0 && cell.start <= c.start + 4
                    else { break }
                    if cell.text.lowercased().hasPrefix("by") { break }
                    var name = cell.text.trimmingCharacters(in: CharacterSet(charactersIn: " :,"))
                    // a name wrapped over two lines leaves its legal form alone above "By:" ("NORTHUMBRIA WATER" /
                    // "HOLDINGS PLC", "CYPRESS POINT DEVICES," / "INC."): the line above, in the same column, begins it
                    if Self.onlyEntityWords(name) {
                        let hi = above.cells.first(where: { $0.start > cell.start })?.start ?? Int.max
                        let upper = lines[..<above.index].last(where: { !$0.isBlank })
                        let head = (upper?.cells ?? []).filter { $0.start >= cell.start - 4 && $0.start < hi }
                            .map(\.text).joined(separator: " ")
                        guard !head.isEmpty, head.first?.isUppercase == true else { break }
                        name = head.trimmingCharacters(in: CharacterSet(charactersIn: " :")) + " " + name
                    }
                    for lead in Lexicon.words("behalf_leads")
                    where name.lowercased().hasPrefix(lead) { name = String(name.dropFirst(lead.count)); break }
                    // "ACME CORP., a Delaware corporation"
                    for cut in [", a ", ", an "] {
                        if let r = name.range(of: cut) { name = String(name[..<r.lowerBound]) }
                    }
                    if Self.looksLikeEntity(name), !out.contains(where: { Self.sameParty($0.0, name) }) {
                        out.append((name, above))
                    }
                    break
                }
            }
        }
        return out
    }

    /// Whether every word of `s` is a legal form or organisation word ("LIMITED", "HOLDINGS PLC", "Inc."): the end of
    /// a name, not a name.
    static func onlyEntityWords(_ s: String) -> Bool {
        let words = s.split(separator: " ").map {
            $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ","))
        }
        return !words.isEmpty && words.allSatisfy { entitySuffixes.contains($0) || entitySuffixes.contains($0 + ".") }
    }

    /// Whether `short` is a short form of `long`: its leading words ("Sears" of "SEARS, ROEBUCK AND CO.", "ANN TAYLOR" of
    /// "Ann Taylor, Inc."), when `long` is the fuller organisation name.
    static func shortForm(_ short: String, of long: String) -> Bool {
        func words(_ s: String) -> [String] {
            s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        }
        let a = words(short), b = words(long)
        guard !a.isEmpty, a.count < b.count, !hasEntitySuffix(short), hasEntitySuffix(long) else { return false }
        return Array(b.prefix(a.count)) == a
    }

    /// The organisation a first-person or second-person agreement names: "my employment with X", "an associate of X",
    /// read in the first part of the document.
    func employerNamed(_ p: Prose) -> (name: String, line: Line)? {
        let t = p.text
        var best: (Int, String)? = nil
        for cue in ContractWords.employerCues {
            guard let k = Self.find(cue, in: p), k < 2500, best == nil || k < best!.0 else { continue }
            let start = k + cue.count
            let e = partyEnd(t, from: start, stopAtAnd: true, paragraphStarts: p.paragraphStarts)
            let name = cleanParty(String(t[start..<e]))
            guard Self.isPartyName(name), Self.looksLikeEntity(name) else { continue }
            best = (k, name)
        }
        return best.map { ($0.1, layout.lines[p.line(at: $0.0)]) }
    }

    /// People who sign for themselves: a "/s/ Name" that no "By:" introduces and no organisation or "Witness" heads, or
    /// a name under a heading such as "EMPLOYEE:" or above "Name of Employee". The name typed under the signature
    /// ("RAY M. DOLBY" under "/s/ RAY DOLBY") is preferred to the signed one.
    func signatureIndividuals() -> [(name: String, line: Line)] {
        let lines = layout.lines
        var out: [(String, Line)] = []
        func cell(in l: Line, near c: Cell) -> Cell? {
            l.cells.min { abs($0.center - c.center) < abs($1.center - c.center) }.flatMap {
                abs($0.center - c.center) < 30 || l.cells.count == 1 ? $0 : nil
            }
        }
        func neighbours(_ n: Int, _ step: Int, _ c: Cell, _ count: Int) -> [(text: String, line: Line)] {
            var got: [(text: String, line: Line)] = []
            var k = n + step
            while k >= 0, k < lines.count, got.count < count, abs(k - n) <= count + 2 {
                if !lines[k].isBlank, let x = cell(in: lines[k], near: c) { got.append((x.text, lines[k])) }
                k += step
            }
            return got
        }
        for (n, l) in lines.enumerated() where !l.isBlank {
            for (ci, c) in l.cells.enumerated() {
                var text = c.text.trimmingCharacters(in: .whitespaces)
                // a heading for the person who signs ("Executive:", "EMPLOYEE", "Name of Employee"), then the name below it
                let heading = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :"))
                if ContractWords.individualHeadings.contains(heading) {
                    for b in neighbours(n, 1, c, 3) {
                        var typed = b.text.trimmingCharacters(in: .whitespaces)
                        if typed.lowercased().hasPrefix("by") || typed.lowercased().hasPrefix("/s/") { continue }
                        if typed.lowercased().hasPrefix("name:") {
                            typed = String(typed.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                        }
                        if typed.allSatisfy({ $0 == "_" || $0 == " " }) { continue }
                        if Self.looksLikePerson(typed), !out.contains(where: { Self.sameParty($0.0, typed) }) {
                            out.append((typed, b.line))
                        }
                        break
                    }
                    continue
                }
                // "By: /s/ Name" signs for whatever the heading above names
                let byLine =
                    text.lowercased().hasPrefix("by")
                    || l.cells[..<ci].contains { $0.text.lowercased().hasPrefix("by") }
                if text.lowercased().hasPrefix("by"), let r = text.range(of: "/s/") {
                    text = String(text[r.lowerBound...])
                }
                guard text.lowercased().hasPrefix("/s/") else { continue }
                // "/s/      RAY DOLBY": the mark and the name may fall in cells of their own
                if text.count == 3, ci + 1 < l.cells.count { text += " " + l.cells[ci + 1].text }
                var name = String(text.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                let above = neighbours(n, -1, c, 2)
                func isRoleHeading(_ s: String) -> Bool {
                    let h = s.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :“”\""))
                    return ContractWords.individualHeadings.contains(h) || h.hasSuffix(" party")
                }
                let underRole = above.first.map { isRoleHeading($0.text) } == true
                // an officer signing for an organisation ("By:", an organisation above), or a witness
                if let a = above.first, !underRole {
                    let al = a.text.lowercased()
                    if byLine || al.contains("witness") || al.hasPrefix("by")
                        || Self.looksLikeEntity(a.text.trimmingCharacters(in: CharacterSet(charactersIn: " :")))
                    {
                        continue
                    }
                }
                if above.dropFirst().first.map({ $0.text.lowercased().contains("witness") }) == true { continue }
                // the typed name below, when it is the same person; an officer's title below says they sign for an organisation
                var titled = false
                for b in neighbours(n, 1, c, 3) {
                    var typed = b.text.trimmingCharacters(in: .whitespaces)
                    if typed.lowercased().hasPrefix("name:") {
                        typed = String(typed.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                    }
                    if Self.looksLikePerson(typed),
                        typed.split(separator: " ").last?.lowercased() == name.split(separator: " ").last?.lowercased()
                    {
                        name = typed
                        continue
                    }
                    let lower = typed.lowercased()
                    if ContractWords.officerTitles.contains(where: { lower.contains($0) }) { titled = true }
                }
                if titled, !underRole { continue }
                guard Self.looksLikePerson(name), !out.contains(where: { Self.sameParty($0.0, name) }) else { continue }
                out.append((name, l))
            }
        }
        return out
    }

    /// Whether `s` reads as a person's name: two to five words, each capitalised or an initial, no legal form and no word
    /// of a signature block ("Authorized Person", "Title").
    static func looksLikePerson(_ s: String) -> Bool {
        let words = s.split(separator: " ")
        guard words.count >= 2, words.count <= 5, !hasEntitySuffix(s) else { return false }
        for w in words {
            let bare = w.trimmingCharacters(in: CharacterSet(charactersIn: ".,"))
            guard let f = bare.first, f.isUppercase,
                bare.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "'" || $0 == "’" || $0 == "." })
            else { return false }
            if ContractWords.signatureWords.contains(bare.lowercased()) { return false }
        }
        return true
    }

    /// A letter's head within its first 60 lines: the index of its date line (a line that is little but a date) and
    /// of the line that opens the letter ("Dear ...", "Ladies and Gentlemen:", and with `subjectOpens` "Re:"), the
    /// date above the opening. Nil when the document does not open as a letter.
    func letterHead(subjectOpens: Bool) -> (lines: ArraySlice<Line>, dated: Int, open: Int)? {
        let lines = layout.lines.prefix(60)
        guard
            let open = lines.firstIndex(where: { l in
                let t = l.text.trimmingCharacters(in: .whitespaces).lowercased()
                return (subjectOpens && t.hasPrefix("re:")) || t.hasPrefix("dear ")
                    || t.hasPrefix("ladies and gentlemen") || t.hasPrefix("gentlemen:")
            }),
            let dated = lines[..<open].lastIndex(where: { l in
                let t = l.text.trimmingCharacters(in: .whitespaces)
                guard let d = Parse.dates(in: t, dayFirst: dayFirst).first else { return false }
                return t.count <= d.end - d.start + 8
            })
        else { return nil }
        return (lines, dated, open)
    }

    /// A letter agreement's addressee: the organisation named between the letter's date and "Re:" / "Dear ..." /
    /// "Ladies and Gentlemen:".
    func letterAddressee() -> (name: String, line: Line)? {
        guard let (lines, dated, open) = letterHead(subjectOpens: true) else { return nil }
        for l in lines[(dated + 1)..<open] where !l.isBlank {
            let t = l.text.trimmingCharacters(in: .whitespaces)
            if Self.looksLikeEntity(t) { return (t, l) }
        }
        // a letter to a person: the name whose surname the salutation repeats ("Mr. Alan Reyes" ... "Dear Mr. Reyes:")
        guard
            let dear = lines.first(where: {
                $0.text.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("dear ")
            }),
            let surname = dear.text.split(whereSeparator: { !$0.isLetter && $0 != "-" }).last.map({ $0.lowercased() })
        else { return nil }
        for l in lines[(dated + 1)..<open] where !l.isBlank {
            var t = l.text.trimmingCharacters(in: .whitespaces)
            for h in ContractWords.honorifics where t.lowercased().hasPrefix(h + " ") {
                t = String(t.dropFirst(h.count + 1)); break
            }
            if Self.looksLikePerson(t), t.split(separator: " ").last.map({ $0.lowercased() }) == surname {
                return (t, l)
            }
        }
        return nil
    }

    /// A letter agreement's sender: the organisation its letterhead names above the date line ("Wells Fargo
    /// Securities, LLC" over its address), with a legal form; or a letterhead's bare name ("Emerson") spelt out the
    /// way the letter's prose names it ("Emerson Electric Co."). Nil when the letter has no letterhead name (only
    /// the filing's header, "Exhibit 10.1", "PRIVILEGED AND CONFIDENTIAL" above the date).
    func letterSender() -> (name: String, line: Line)? {
        guard let (lines, dated, _) = letterHead(subjectOpens: false) else { return nil }
        let furniture = pageFurniture()
        for l in lines[..<dated] where !l.isBlank && !furniture.contains(l.index) {
            let t = l.text.trimmingCharacters(in: .whitespaces)
            // the filing's own header line ("EX-99.(D)(2) 9 d380892dex99d2.htm ...") and exhibit labels
            if t.contains(".htm") || t.lowercased().hasPrefix("exhibit") || t.lowercased().hasPrefix("ex-") { continue }
            if Self.hasEntitySuffix(t), Self.looksLikeEntity(t) { return (t, l) }
            let words = t.split(separator: " ")
            guard words.count <= 2, t.allSatisfy({ $0.isLetter || $0 == " " }), t.first?.isUppercase == true,
                t.lowercased() != "logo"
            else { continue }
            // a bare letterhead name: the prose's first organisation name that starts with it
            let s = String(prose().text)
            var from = s.startIndex
            while let r = s.range(of: t + " ", range: from..<s.endIndex) {
                from = r.upperBound
                let rest = s[r.lowerBound...].split(separator: " ", maxSplits: 5).prefix(5)
                for n in 1..<rest.count {
                    let candidate = rest.prefix(n + 1).joined(separator: " ").trimmingCharacters(
                        in: CharacterSet(charactersIn: ",;:()“”\""))
                    if Self.hasEntitySuffix(candidate), rest.prefix(n + 1).allSatisfy({ $0.first?.isUppercase == true })
                    {
                        return (candidate, l)
                    }
                }
            }
        }
        return nil
    }

    /// Same organisation, whatever the case or punctuation ("ACME CORP." and "Acme Corp").
    static func sameParty(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> String { s.lowercased().filter { $0.isLetter || $0.isNumber } }
        let ka = key(a), kb = key(b)
        guard !ka.isEmpty, !kb.isEmpty else { return false }
        return ka == kb || (min(ka.count, kb.count) >= 6 && (ka.hasPrefix(kb) || kb.hasPrefix(ka)))
    }

    /// Whether a preamble "party" is a real name, not "you", "the undersigned" or a role.
    static func isPartyName(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard let f = s.first, f.isUppercase || f.isNumber, s.count >= 2 else { return false }
        return !ContractWords.roles.contains(lower)
    }

    // MARK: kind of contract

    /// An NDA or confidentiality/standstill agreement: it has no contract value, whatever fees it mentions.
    func isNondisclosure(title: String?) -> Bool {
        let words = Lexicon.words("nda_title_words")
        if let t = title?.lowercased(), words.contains(where: { t.contains($0) }) { return true }
        return false
    }
}
