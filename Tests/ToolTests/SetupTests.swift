import Foundation
import Testing
import _SmoleTestSupport

/// Issue 11, item 16: on a fresh machine `scripts/setup` then `scripts/test` must be enough.
/// Every program a test runs is installed by scripts/setup (or is part of Debian's essential
/// set, present on every Debian system).
@Suite struct SetupTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Debian package each program a test may run comes from; "essential" for packages every
    /// Debian system has (Essential: yes, or Priority: required).
    static let providers: [String: String] = [
        "bash": "essential", "sh": "essential", "env": "essential", "find": "essential", "xargs": "essential",
        "sort": "essential", "cat": "essential", "head": "essential", "tail": "essential", "touch": "essential",
        "sleep": "essential", "timeout": "essential", "sha256sum": "essential", "setpriv": "essential",
        "printf": "essential", "echo": "essential", "wc": "essential", "grep": "essential", "sed": "essential",
        "tr": "essential", "cut": "essential", "kill": "essential", "rm": "essential", "mkdir": "essential",
        "awk": "essential", "date": "essential", "dirname": "essential", "od": "essential", "seq": "essential",
        "stat": "essential", "tee": "essential", "basename": "essential", "ls": "essential", "false": "essential",
        "true": "essential",
        "jq": "jq", "sqlite3": "sqlite3", "psql": "postgresql", "mlr": "miller", "make": "make",
        "python3": "python3", "groff": "groff-base", "man": "man-db",
        "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "pdfdetach": "poppler-utils",
        "tesseract": "tesseract-ocr", "curl": "curl",
        "nginx": "nginx-light", "ip": "iproute2", "ssh": "openssh-client", "ssh-keygen": "openssh-client",
        "sshd": "openssh-server", "parallel": "parallel", "rsync": "rsync", "taskset": "essential",
    ]

    /// Words a test's shell text names as a command: the first argument of every `runTool(...)`,
    /// the first word of every `sh("...")`, and every pipeline stage or command after `|`, `&&`,
    /// `;`, `$(` or `xargs` inside a string literal (where shell text lives; Swift's own `&&` and
    /// `;` are outside literals). Which of them are programs is asked of the machine (`command -v`).
    static func commandWordsInTheTests() throws -> Set<String> {
        var found = Set<String>()
        let tests = root.appendingPathComponent("Tests")
        let files =
            FileManager.default.enumerator(atPath: tests.path)?.compactMap { $0 as? String }.filter {
                $0.hasSuffix(".swift")
            } ?? []
        #expect(files.count > 10, "the test sources were found under \(tests.path)")
        let runTool = try NSRegularExpression(pattern: #"runTool\(\s*"([^"\\]+)""#)
        let shFirst = try NSRegularExpression(pattern: #"\bsh\(\s*"(?:"")?\s*([a-z][a-z0-9_+.-]*)"#)
        let literal = try NSRegularExpression(pattern: #""""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*""#)
        let stage = try NSRegularExpression(pattern: #"(?:\||&&|;|\$\(|\bxargs\s+(?:-0\s+)?)\s*([a-z][a-z0-9_+.-]*)\b"#)
        for f in files {
            let text = try String(contentsOf: tests.appendingPathComponent(f), encoding: .utf8)
            let ns = text as NSString
            for m in runTool.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                found.insert((ns.substring(with: m.range(at: 1)) as NSString).lastPathComponent)
            }
            for m in shFirst.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                found.insert(ns.substring(with: m.range(at: 1)))
            }
            for lit in literal.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let l = ns.substring(with: lit.range)
                let ls = l as NSString
                for m in stage.matches(in: l, range: NSRange(location: 0, length: ls.length)) {
                    found.insert(ls.substring(with: m.range(at: 1)))
                }
            }
        }
        return found.filter { !$0.hasPrefix("smole-") }
    }

    /// The command words of `commandWordsInTheTests()` that are programs on this machine (not
    /// shell builtins or keywords, not smole's own).
    static func programsTheTestsRun() async throws -> Set<String> {
        var programs = Set<String>()
        for w in try commandWordsInTheTests() {
            let r = try await runTool("/usr/bin/env", ["bash", "-c", "[ \"$(type -t \"$0\")\" = file ]", w])
            if r.status == 0 { programs.insert(w) }
        }
        return programs
    }

    /// The packages `scripts/setup` installs without `--bench`.
    static func setupPackages() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("scripts/setup"), encoding: .utf8)
        guard let start = text.range(of: "PACKAGES=("),
            let end = text.range(of: "\n)", range: start.upperBound..<text.endIndex)
        else {
            throw CancellationError()
        }
        return Set(
            text[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
                line.split(separator: "#").first?.split(whereSeparator: \.isWhitespace).first.map(String.init)
            })
    }

    @Test func everyProgramATestRunsIsInstalledBySetup() async throws {
        let programs = try await Self.programsTheTestsRun()
        let packages = try Self.setupPackages()
        #expect(
            programs.contains("mlr") && programs.contains("sqlite3") && programs.contains("make"),
            "\(programs.sorted())")
        for p in programs.sorted() {
            guard let pkg = Self.providers[p] else {
                Issue.record("a test runs \(p): add its Debian package to scripts/setup and to SetupTests.providers")
                continue
            }
            if pkg != "essential" {
                #expect(packages.contains(pkg), "a test runs \(p) from \(pkg), which scripts/setup does not install")
            }
            // And on this machine (set up by scripts/setup) it is really there.
            let r = try await runTool("/usr/bin/env", ["bash", "-c", "command -v \"$0\"", p])
            #expect(r.status == 0, "\(p) is not installed; run scripts/setup")
        }
    }
}
