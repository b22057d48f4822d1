import Foundation
import Testing
import _SmoleTestSupport

/// man/smole-extract.1 documents every option the tool accepts, spelled as the tool spells it.
@Suite struct ManPageTests {
    static var page: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("man/smole-extract.1"), encoding: .utf8)) ?? ""
    }

    @Test func everyOptionIsInTheManPage() async throws {
        let help = try await runTool("smole-extract", ["--help"], env: ["SMOLE_API_KEY": ""])
        #expect(help.status == 0)
        // Options as --help lists them: "--name" and "-x" at the start of an option line.
        var longs = Set<String>()
        var shorts = Set<String>()
        for line in help.stdout.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("-") else { continue }
            for word in t.split(separator: " ") {
                let w = word.trimmingCharacters(in: CharacterSet(charactersIn: ","))
                if w.hasPrefix("--") {
                    longs.insert(String(w.dropFirst(2)))
                } else if w.hasPrefix("-"), w.count == 2 {
                    shorts.insert(String(w.dropFirst()))
                }
            }
        }
        #expect(longs.count >= 20)
        let page = Self.page
        #expect(page.contains(".Sh OPTIONS") && page.contains(".Sh EXAMPLES") && page.contains(".Sh EXIT STATUS"))
        for l in longs { #expect(page.contains("Fl -\(l)"), "man page lacks --\(l)") }
        for s in shorts { #expect(page.contains("Fl \(s) ") || page.contains("Fl \(s)\n"), "man page lacks -\(s)") }
        #expect(page.contains("streams"))
    }
}
