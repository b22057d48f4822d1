import Testing

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.pdf", "a.pdf", true), ("*.pdf", "A.PDF", true), ("*.pdf", "a.pdf.txt", false),
        ("*receipt*", "2024-Receipt-Shell.pdf", true), ("*receipt*", "invoice.pdf", false),
        ("?.txt", "a.txt", true), ("?.txt", "ab.txt", false), ("?", "/", false),
        ("[abc]*.pdf", "b1.pdf", true), ("[abc]*.pdf", "d1.pdf", false),
        ("[!abc]*", "d", true), ("[^abc]*", "a", false), ("[a-c]x", "Bx", true),
        ("[]]x", "]x", true), ("[x", "[x", true), ("scan [1].pdf", "scan [1].pdf", false),
        ("scan \\[1\\].pdf", "scan [1].pdf", true), ("*", "", true), ("", "", true), ("", "a", false),
        ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false),
        ("*.pdf", "dir/a.pdf", false), ("*/*.pdf", "dir/a.pdf", true), ("*/*.pdf", "d/e/a.pdf", false),
        ("**/*.pdf", "a.pdf", true), ("**/*.pdf", "d/e/a.pdf", true), ("**/*.pdf", "d/e/a.txt", false),
        ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true), ("a/**/b", "ab", false),
        ("a/**", "a/x/y", true), ("a/**", "b/x", false), ("**", "any/thing/at/all", true),
        ("docs**", "docs/x", true), ("*é*", "CAFÉ.pdf", true),
    ])
    func matches(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected, "\(pattern) vs \(text)")
    }

    @Test func pathologicalPatternIsFast() {
        let text = String(repeating: "a", count: 5000)
        let pattern = String(repeating: "*a", count: 50) + "b"
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!Glob(pattern).matches(text)) }
        #expect(elapsed < .seconds(5))
    }

    @Test func hasSlash() {
        #expect(Glob("a/b").hasSlash)
        #expect(Glob("**/x").hasSlash)
        #expect(!Glob("*.pdf").hasSlash)
    }

    @Test func filterMatchesNameOrRelativePath() {
        let f = PathFilter(include: ["*.pdf", "notes/*.txt"], exclude: ["draft*", "old/"])
        #expect(f.includes(file: "a/b/x.PDF", name: "x.PDF"))
        #expect(f.includes(file: "notes/n.txt", name: "n.txt"))
        #expect(!f.includes(file: "a/notes/n.txt", name: "n.txt"))
        #expect(!f.includes(file: "a/draft-1.pdf", name: "draft-1.pdf"))
        #expect(!f.includes(file: "old/x.pdf", name: "x.pdf"))
        #expect(!f.includes(file: "x.doc", name: "x.doc"))
        #expect(f.prunes(directory: "old", name: "old"))
        #expect(f.prunes(directory: "a/drafts", name: "drafts"))
        #expect(!f.prunes(directory: "a/new", name: "new"))
        #expect(PathFilter().includes(file: "anything", name: "anything"))
        #expect(PathFilter(include: ["./a/*.pdf"]).includes(file: "a/x.pdf", name: "x.pdf"))
    }
}
