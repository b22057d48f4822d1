import Foundation
import SmoleCore

/// Contract fields read from prose: title, parties from the preamble, dates, term, law, value.
extension Extractor {
    /// The document's prose as one string, with the line each character came from.
    struct Prose {
        var text: [Character] = []
        var lineAt: [Int] = []   // line index per character
        var paragraphStarts: Set<Int> = []   // offsets of the first character after a blank line
        var string: String { String(text) }
        func line(at offset: Int) -> Int { lineAt.isEmpty ? 0 : lineAt[max(0, min(offset, lineAt.count - 1))] }
    }

    func prose() -> Prose {
        var p = Prose()
        var afterBlank = false
        for l in layout.lines {
            if l.isBlank { afterBlank = true; continue }
            defer { afterBlank = false }
            let t = l.text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            // a word hyphenated across lines joins without a space
            if let last = p.text.last, last == "-", p.text.count > 1, p.text[p.text.count - 2].isLetter, t.first?.isLowercase == true {
                p.text.removeLast(); p.lineAt.removeLast()
            } else if !p.text.isEmpty { p.text.append(" "); p.lineAt.append(l.index) }
            if afterBlank, !p.text.isEmpty { p.paragraphStarts.insert(p.text.count) }
            for c in t { p.text.append(c); p.lineAt.append(l.index) }
        }
        return p
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

    func contractTitle() -> Found? {
        let words = ["agreement", "contract", "vertrag", "vereinbarung", "contrat", "convention", "overeenkomst", "memorandum", "lease", "terms"]
        let top = layout.lines.prefix(25).filter { !$0.isBlank }
        for l in top.prefix(8) {
            let t = l.text.trimmingCharacters(in: .whitespaces)
            let lower = t.lowercased()
            guard t.count <= 90, words.contains(where: { lower.contains($0) }) else { continue }
            // A heading: short, and not a sentence
            if lower.hasPrefix("this ") || t.hasSuffix(",") { continue }
            let letters = t.filter(\.isLetter)
            let upper = letters.filter(\.isUppercase).count
            if upper * 2 >= letters.count || t.split(separator: " ").count <= 8 {
                return Found(value: .string(cleanName(t.replacingOccurrences(of: "\"", with: ""))), line: l, confidence: 0.85)
            }
        }
        // "This Master Services Agreement (the "Agreement")": the name in the preamble
        let p = prose()
        if let i = Self.find("this ", in: p.text) {
            let rest = String(p.text[(i + 5)...].prefix(120))
            for w in words {
                if let r = rest.lowercased().range(of: w) {
                    let title = String(rest[rest.startIndex..<rest.index(rest.startIndex, offsetBy: rest.distance(from: rest.startIndex, to: r.upperBound))])
                    return Found(value: .string(title), line: layout.lines[p.line(at: i)], confidence: 0.6)
                }
            }
        }
        return nil
    }

    static let abbreviations: Set<String> = ["co", "inc", "ltd", "corp", "llc", "l.l.c", "n.v", "b.v", "s.a", "plc", "gmbh", "ag", "mr", "mrs", "dr", "no", "st", "s.r.l", "s.a.s", "e.v", "bros", "l.p", "l.l.p", "p.c", "s.p.a", "pty", "corp", "co", "n.a", "s.e", "ltda", "b.v.b.a"]

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
            if c == "(" || c == "“" || c == "\"" && depth == 0 && i > from + 1 && s[i - 1] == " " { return i }
            if c == "," {
                let rest = String(s[(i + 1)...].prefix(14)).lowercased()
                if rest.hasPrefix(" a ") || rest.hasPrefix(" an ") || rest.hasPrefix(" having") || rest.hasPrefix(" with ") || rest.hasPrefix(" located")
                    || rest.hasPrefix(" whose") || rest.hasPrefix(" hereinafter") || rest.hasPrefix(" organized") || rest.hasPrefix(" incorporated")
                    || rest.hasPrefix(" registered") || rest.hasPrefix(" each") || rest.hasPrefix(" and ") || rest.hasPrefix(" represented") {
                    // "X, Inc., a Delaware corporation": the comma before "a" ends it
                    return i
                }
            }
            if c == ";" || c == ":" { return i }
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
            }
            if stopAtAnd, c == " " {
                for conj in [" and ", " und ", " et ", " en "] where i + conj.count <= s.count && String(s[i..<(i + conj.count)]).lowercased() == conj {
                    return i
                }
            }
            _ = depth
            depth = 0
            i += 1
        }
        return s.count
    }

    func contractParties() -> Found? {
        let p = prose()
        let t = p.text
        for key in ["by and between ", "between ", "zwischen ", "entre ", "tussen "] {
            guard let k = Self.find(key, in: t), k < max(2000, t.count / 3) else { continue }
            var start = k + key.count
            while start < t.count, t[start] == " " || t[start] == ":" { start += 1 }
            let e1 = partyEnd(t, from: start, stopAtAnd: true, paragraphStarts: p.paragraphStarts)
            let first = cleanParty(String(t[start..<e1]))
            // the second party follows the next "and"
            guard let a = [" and ", " und ", " et ", " en "].compactMap({ Self.find($0, in: t, from: e1) }).min(), a - e1 < 300 else { continue }
            var s2 = a + 5
            if String(t[a..<min(t.count, a + 4)]).lowercased() == " et " || String(t[a..<min(t.count, a + 4)]).lowercased() == " en " { s2 = a + 4 }
            while s2 < t.count, t[s2] == " " { s2 += 1 }
            let e2 = partyEnd(t, from: s2, stopAtAnd: false, paragraphStarts: p.paragraphStarts)
            let second = cleanParty(String(t[s2..<e2]))
            let parties = [first, second].filter { !$0.isEmpty && $0.count < 120 }
            if parties.count == 2 {
                return Found(value: .array(parties.map { .string($0) }), line: layout.lines[p.line(at: k)], confidence: 0.8)
            }
        }
        // Signature blocks: names above "By:" lines
        return nil
    }

    func cleanParty(_ s: String) -> String {
        var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:\"“”'"))
        for prefix in ["the undersigned ", "undersigned "] where t.lowercased().hasPrefix(prefix) { t = String(t.dropFirst(prefix.count)) }
        return t.split(separator: " ").joined(separator: " ")
    }

    func contractEffectiveDate(_ f: Field) -> Found? {
        if let c = best(candidates(f.name, parse: parseDate)) { return c }
        let p = prose()
        let s = p.string
        let dates = Parse.dates(in: s, dayFirst: dayFirst)
        let cues = ["as of", "effective", "dated", "made on", "entered into on", "commenc", "made and entered", "signed on", "vom", "en date du", "d.d.", "with effect from", "starting"]
        for d in dates {
            let before = String(p.text[max(0, d.start - 60)..<d.start]).lowercased()
            if cues.contains(where: { before.contains($0) }) {
                return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.8)
            }
        }
        if let d = dates.first { return Found(value: .string(d.iso), line: layout.lines[p.line(at: d.start)], confidence: 0.5) }
        return nil
    }

    func contractTerm(_ f: Field) -> Found? {
        let p = prose()
        let t = p.text
        for cue in ["period of", "term of", "initial term", "continue for", "continues for", "remain in effect for", "remain in force for",
                    "for a term", "duration of", "laufzeit", "durée", "looptijd", "term.", "term:", "term ", "in effect", "in force",
                    "terminat", "expire"] {
            var from = 0
            while let i = Self.find(cue, in: t, from: from) {
                from = i + 1
                let window = String(t[i..<min(t.count, i + 140)])
                if let (m, _) = Parse.termMonths(in: window) {
                    return Found(value: JSONValue(m), line: layout.lines[p.line(at: i)], confidence: 0.85)
                }
            }
        }
        return nil
    }

    func governingLaw(_ f: Field) -> Found? {
        let p = prose()
        let t = p.text
        for cue in ["governed by and construed in accordance with the laws of", "construed in accordance with the laws of", "governed by the laws of",
                    "in accordance with the laws of", "governed by the law of", "laws of", "law of", "recht der", "droit "] {
            guard let i = Self.find(cue, in: t) else { continue }
            var s = i + cue.count
            while s < t.count, t[s] == " " { s += 1 }
            var rest = String(t[s..<min(t.count, s + 80)])
            for lead in ["the state of ", "the commonwealth of ", "the province of ", "the republic of ", "the federal republic of ", "the kingdom of ", "the ", "state of "]
                where rest.lowercased().hasPrefix(lead) { rest = String(rest.dropFirst(lead.count)); break }
            var end = rest.endIndex
            for stop in [",", ".", ";", " without", " (", " applicable", " excluding", " as ", " in ", " that", " which", " and "] {
                var from = rest.startIndex
                while let r = rest.range(of: stop, range: from..<rest.endIndex) {
                    // "England and Wales" continues; "New York and the federal laws" stops
                    if stop == " and ", let next = rest[r.upperBound...].first, next.isUppercase { from = r.upperBound; continue }
                    if r.lowerBound < end { end = r.lowerBound }
                    break
                }
            }
            let law = rest[..<end].trimmingCharacters(in: .whitespaces)
            if !law.isEmpty, law.count < 50, law.first?.isUppercase == true {
                return Found(value: .string(law), line: layout.lines[p.line(at: i)], confidence: 0.85)
            }
        }
        // "governed by California law", "governed by German law"
        if let i = Self.find("governed by ", in: t) {
            let rest = String(t[(i + 12)..<min(t.count, i + 72)])
            if let r = rest.range(of: " law") {
                var law = String(rest[..<r.lowerBound])
                for lead in ["the ", "and construed under "] where law.lowercased().hasPrefix(lead) { law = String(law.dropFirst(lead.count)) }
                let demonyms = ["german": "Germany", "french": "France", "dutch": "Netherlands", "english": "England and Wales", "swiss": "Switzerland", "austrian": "Austria", "belgian": "Belgium"]
                if let d = demonyms[law.lowercased()] { law = d }
                if !law.isEmpty, law.count < 40, law.first?.isUppercase == true {
                    return Found(value: .string(law), line: layout.lines[p.line(at: i)], confidence: 0.75)
                }
            }
        }
        if let c = best(candidates(f.name, parse: parseString)) { return c }
        return nil
    }

    func contractValue(_ f: Field) -> Found? {
        if let c = best(candidates(f.name, wholeLine: true, parse: { s in
            let n = Parse.numbers(in: s, decimalHint: self.decimalHint).filter { !$0.isPercent && ($0.currency != nil || $0.decimals == 2) }
            return n.first.map { JSONValue($0.value) }
        })) { return c }
        let p = prose()
        let nums = Parse.numbers(in: p.text, decimalHint: decimalHint).filter { $0.currency != nil && !$0.isPercent }
        let cues = ["total", "fee", "price", "consideration", "value", "amount", "sum", "pay", "vergütung", "montant", "prix", "vergoeding"]
        for n in nums {
            let before = String(p.text[max(0, n.start - 80)..<n.start]).lowercased()
            if cues.contains(where: { before.contains($0) }) {
                if currency == nil || n.currency != currency { currency = n.currency; currencyLine = layout.lines[p.line(at: n.start)] }
                return Found(value: JSONValue(n.value), line: layout.lines[p.line(at: n.start)], confidence: 0.8)
            }
        }
        return nil
    }
}
