import Foundation
import Testing

@testable import SmoleEngine

/// The engine reads ASCII lines from their bytes and common non-ASCII lines from their scalars. These paths must
/// give exactly what the Character path gives; random lines over an alphabet of the text that matters
/// (digits, separators, currency, signs, accented letters) check that.
@Suite struct FastPathTests {
    struct Rng { var s: UInt64; mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s } }

    static let asciiPieces = [
        "0", "1", "5", "9", "12", "1,234.56", "3.50", "1.234,56", " ", "  ", "   ", ".", ",", "'", "-", "%", "x", "X",
        "$", "USD", "EUR", "eur", "Total", "qty", "A524", "4x40", "10kg", "/", ":", "#", "(", ")", "Rs", "\t", "Mar",
        "2026",
    ]
    static let wordPieces = [
        "€", "£", "₹", "’", "\u{00A0}", "\u{202F}", "−", "é", "Ü", "ß", "–", "°", "Σ", "Ж", "²", "½",
    ]

    static func randomLine(_ rng: inout Rng, nonASCII: Bool) -> String {
        var s = ""
        for _ in 0..<(Int(rng.next() % 14) + 1) {
            let useWide = nonASCII && rng.next() % 4 == 0
            let pool = useWide ? wordPieces : asciiPieces
            s += pool[Int(rng.next() % UInt64(pool.count))]
        }
        return s
    }

    @Test func numberScannersAgree() {
        var rng = Rng(s: 0x9E3779B97F4A7C15)
        for k in 0..<4000 {
            let s = Self.randomLine(&rng, nonASCII: k % 2 == 1)
            for hint: Character? in [nil, ",", "."] {
                let reference = Parse.scanNumbers(Array(s), decimalHint: hint)
                #expect(Parse.numbers(in: s, decimalHint: hint) == reference, "text \(s.debugDescription)")
                let line = Line(page: 1, index: 0, text: s)
                // a line trims trailing spaces: compare with the Character scan of its own text
                #expect(
                    Parse.numbers(in: line, decimalHint: hint)
                        == Parse.scanNumbers(Array(line.text), decimalHint: hint), "line \(s.debugDescription)")
                if s.unicodeScalars.allSatisfy(Line.standsAlone) {
                    #expect(
                        Parse.scanNumbers(Array(s.unicodeScalars), decimalHint: hint) == reference,
                        "scalars \(s.debugDescription)")
                }
            }
        }
    }

    @Test func linesAgreeWithTheCharacterView() {
        var rng = Rng(s: 42)
        var fast = 0
        for k in 0..<3000 {
            let s = Self.randomLine(&rng, nonASCII: k % 3 != 0)
            let line = Line(page: 1, index: 0, text: s)
            // the reference: tabs to four spaces, trailing blanks dropped, cells split at two or more spaces
            var t = s.replacingOccurrences(of: "\t", with: "    ")
            while t.hasSuffix(" ") { t.removeLast() }
            #expect(line.text == t)
            let chars = Array(t)
            #expect(line.chars == chars, "\(s.debugDescription)")
            let lower = Array(t.lowercased())
            if lower.count == chars.count {
                #expect(line.lower == lower, "\(s.debugDescription)")
                #expect(line.keys == lower.map { $0.unicodeScalars.first!.value })
                #expect(line.lowerText == t.lowercased())
            }
            for i in chars.indices where lower.count == chars.count {
                #expect(line.lowerIsWordChar(at: i) == lower[i].isWordChar)
            }
            let cells = t.split(separator: "  ", omittingEmptySubsequences: true).map {
                $0.trimmingCharacters(in: .init(charactersIn: " "))
            }.filter { !$0.isEmpty }
            #expect(line.cells.map(\.text) == cells, "\(s.debugDescription)")
            for c in line.cells { #expect(String(chars[c.start..<c.end]) == c.text) }
            if line.ascii != nil || line.scalars != nil { fast += 1 }
        }
        #expect(fast > 2000)  // the fast paths really ran
    }

    @Test func datesFromBytesMatchDatesFromCharacters() {
        let lines = [
            "Invoice date: 03/04/2026", "Due 2026-05-31", "31-Oct-2026", "March 3, 2021", "the 3rd day of March, 2021",
            "1.2.2026  12.5.26", "Dated: 7th of June 2024", "12/13/2025 and 13/12/2025", "no date 12/40/2026",
            "20260315",
            "Datum 15. März 2026", "le 1er février 2026 – réglé", "Fällig am 28.02.2026\t(netto)",
        ]
        for l in lines {
            for df in [true, false] {
                let chars = Parse.dates(in: Array(l), dayFirst: df).map(\.iso)
                #expect(Parse.dates(in: Array(l.unicodeScalars), dayFirst: df).map(\.iso) == chars, "\(l)")
                #expect(Parse.dates(in: l, dayFirst: df).map(\.iso) == chars, "\(l)")
                if l.utf8.allSatisfy({ $0 < 0x80 }) {
                    #expect(Parse.dates(in: Array(l.utf8), dayFirst: df).map(\.iso) == chars, "\(l)")
                }
            }
        }
        #expect(Parse.dates(in: "March 3, 2021", dayFirst: true).map(\.iso) == ["2021-03-03"])
        #expect(Parse.dates(in: "Datum 15. März 2026", dayFirst: true).map(\.iso) == ["2026-03-15"])
    }

    @Test func byteSearchFindsEveryPlaceALoopWould() {
        var rng = Rng(s: 7)
        for _ in 0..<2000 {
            let hay = (0..<Int(rng.next() % 40)).map { _ in UInt8(0x61 + rng.next() % 3) }
            let needle = (0..<Int(rng.next() % 4 + 1)).map { _ in UInt8(0x61 + rng.next() % 3) }
            let from = Int(rng.next() % 8)
            var reference: Int? = nil
            if hay.count >= needle.count {
                for i in stride(from: from, through: hay.count - needle.count, by: 1)
                where Array(hay[i..<(i + needle.count)]) == needle {
                    reference = i; break
                }
            }
            #expect(ByteSearch.find(needle, in: hay, from: from) == reference, "\(hay) \(needle) from \(from)")
        }
        #expect(ByteSearch.contains(Array("%PDF-".utf8), in: Data("junk%PDF-1.7".utf8)))
        #expect(!ByteSearch.contains([], in: [1, 2, 3]))
    }
}
