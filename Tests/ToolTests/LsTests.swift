import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

/// End-to-end tests of the built smole-ls binary.
@Suite struct LsTests {
    func parse(_ r: RunResult) throws -> [JSONObject] {
        try r.stdoutLines.map { line in
            guard case .object(let o) = try JSON.parse(line) else { throw Failure("not an object: \(line)") }
            return o
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String; init(_ s: String) { description = s } }

    /// docs/ with nested folders, hidden entries, a symlink loop, a broken link and a FIFO.
    func makeTree(_ d: TempDir) throws {
        try d.write("docs/b-invoice.pdf", "%PDF-1.4\n1 0 obj\n")
        try d.write("docs/A-receipt.txt", "Coffee 3.50\nTotal 3.50\n")
        try d.write("docs/2024/q1/scan.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0])
        try d.write("docs/2024/q1/photo.JPG", bytes: [0xFF, 0xD8, 0xFF, 0xE1, 0, 0])
        try d.write("docs/2024/page.html", "<!doctype html><title>x</title>")
        try d.write("docs/2024/contracts/lease.pdf", "%PDF-1.7\n")
        try d.write("docs/.hidden.pdf", "%PDF-1.4\n")
        try d.write("docs/.git/config", "[core]\n")
        try FileManager.default.createSymbolicLink(atPath: d.file("docs/2024/q1/up"), withDestinationPath: "../..")
        try FileManager.default.createSymbolicLink(
            atPath: d.file("docs/2024/broken.pdf"), withDestinationPath: "gone.pdf")
        try FileManager.default.createSymbolicLink(
            atPath: d.file("docs/link-to-invoice.pdf"), withDestinationPath: "b-invoice.pdf")
        #expect(mkfifo(d.file("docs/2024/pipe"), 0o644) == 0)
    }

    @Test func walksSortedRecursiveWithRealHashesAndTypes() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try makeTree(d)
        let r = try await runTool("smole-ls", ["docs"], cwd: d.path)
        #expect(r.status == 0, "\(r.stderr)")
        let recs = try parse(r)
        #expect(
            recs.map { $0["path"]?.stringValue } == [
                "docs/2024/contracts/lease.pdf", "docs/2024/page.html", "docs/2024/q1/photo.JPG",
                "docs/2024/q1/scan.png", "docs/A-receipt.txt", "docs/b-invoice.pdf",
            ])
        #expect(
            recs.map { $0["type"]?.stringValue } == [
                "application/pdf", "text/html", "image/jpeg", "image/png", "text/plain", "application/pdf",
            ])
        // Every digest agrees with sha256sum on the same files.
        let sums = try await runTool("sha256sum", recs.map { $0["path"]!.stringValue! }, cwd: d.path)
        #expect(sums.stdoutLines.map { String($0.prefix(64)) } == recs.map { $0["sha256"]?.stringValue })
        let first = try #require(recs.first)
        #expect(first["name"] == .string("lease.pdf"))
        #expect(first["size"] == .number("9"))
        let mtime = try #require(first["mtime"]?.stringValue)
        #expect(mtime.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        let attrs = try FileManager.default.attributesOfItem(atPath: d.file("docs/2024/contracts/lease.pdf"))
        let date = try #require(attrs[.modificationDate] as? Date)
        #expect(mtime == Timestamp.format(seconds: Int(date.timeIntervalSince1970)))
    }

    @Test func digestsMatchSha256sum() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        for (i, size) in [0, 1, 64, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5_000_000].enumerated() {
            try d.write("f\(i).bin", bytes: try randomBytes(size))
        }
        let r = try await runTool("smole-ls", ["."], cwd: d.path)
        #expect(r.status == 0)
        let recs = try parse(r)
        #expect(recs.count == 8)
        let sums = try await runTool("sha256sum", recs.map { $0["path"]!.stringValue! }, cwd: d.path)
        #expect(sums.stdoutLines.map { String($0.prefix(64)) } == recs.map { $0["sha256"]?.stringValue })
        #expect(
            recs.map { $0["size"]?.intValue } == [0, 1, 64, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5_000_000])
    }

    @Test func globsExcludesDepthHiddenAndCwdPaths() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try makeTree(d)
        let docs = d.file("docs")
        func paths(_ args: [String], cwd: String? = nil) async throws -> [String] {
            let r = try await runTool("smole-ls", args, cwd: cwd ?? docs)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return try parse(r).map { $0["path"]!.stringValue! }
        }
        #expect(try await paths(["--glob", "*.PDF"]) == ["2024/contracts/lease.pdf", "b-invoice.pdf"])
        #expect(try await paths(["--glob", "*.pdf", "--exclude", "contracts"]) == ["b-invoice.pdf"])
        #expect(try await paths(["--glob", "2024/*"]) == ["2024/page.html"])
        #expect(try await paths(["--glob", "2024/**/*.p*"]) == ["2024/contracts/lease.pdf", "2024/q1/scan.png"])
        #expect(try await paths(["--exclude", "2024/"]) == ["A-receipt.txt", "b-invoice.pdf"])
        #expect(try await paths(["--max-depth", "1"]) == ["A-receipt.txt", "b-invoice.pdf"])
        #expect(try await paths(["--max-depth", "2", "--glob", "*.html"]) == ["2024/page.html"])
        #expect(
            try await paths(["--hidden", "--max-depth", "2"]) == [
                ".git/config", ".hidden.pdf", "2024/page.html", "A-receipt.txt", "b-invoice.pdf",
            ])
        // Paths stay reachable from the working directory however the folder is named.
        #expect(
            try await paths(["./docs/", "--max-depth", "1"], cwd: d.path) == [
                "./docs/A-receipt.txt", "./docs/b-invoice.pdf",
            ])
        #expect(try await paths([docs + "/2024/q1"]) == [docs + "/2024/q1/photo.JPG", docs + "/2024/q1/scan.png"])
    }

    @Test func followDetectsLoopsAndReportsBrokenLinks() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try makeTree(d)
        let r = try await runTool("smole-ls", ["--follow", "--no-hash", "docs"], cwd: d.path)
        // The broken link is an error record, so the run ends with 1.
        #expect(r.status == 1)
        let recs = try parse(r)
        let paths = recs.map { $0["path"]!.stringValue! }
        #expect(
            paths == [
                "docs/2024/broken.pdf", "docs/2024/contracts/lease.pdf", "docs/2024/page.html",
                "docs/2024/q1/photo.JPG",
                "docs/2024/q1/scan.png", "docs/A-receipt.txt", "docs/b-invoice.pdf", "docs/link-to-invoice.pdf",
            ])
        let broken = recs[0]
        #expect(broken["status"] == .string("error"))
        #expect(broken["error"]?["code"] == .string("not_found"))
        #expect(recs.dropFirst().allSatisfy { $0["sha256"] == nil && $0["error"] == nil })
        #expect(r.stderr.contains("docs/2024/q1/up: symbolic link loop"))
        #expect(r.stderr.contains("smole-ls: error: docs/2024/broken.pdf: broken symbolic link"))
        // The link to a file is listed under its own path with the target's type.
        #expect(recs.last?["type"] == .string("application/pdf"))
    }

    @Test func missingNamedPathIsNotFoundAndExit66() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("a.txt", "a")
        let r = try await runTool("smole-ls", ["nope", "a.txt", "also/missing.pdf"], cwd: d.path)
        #expect(r.status == 66)
        let recs = try parse(r)
        #expect(recs.map { $0["path"]?.stringValue } == ["nope", "a.txt", "also/missing.pdf"])
        #expect(recs[0]["error"]?["code"] == .string("not_found"))
        #expect(recs[1]["sha256"] == .string(Digest256.hash(Array("a".utf8))))
        #expect(recs[2]["name"] == .string("missing.pdf"))
        #expect(r.stderr.contains("nope: no such file or folder"))
    }

    @Test func namedFifoIsUnreadableWithoutBlocking() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        #expect(mkfifo(d.file("pipe"), 0o644) == 0)
        let r = try await runTool("smole-ls", ["pipe"], cwd: d.path)
        #expect(r.status == 1)
        let recs = try parse(r)
        #expect(recs.count == 1)
        #expect(recs.first?["error"]?["code"] == .string("unreadable"))
    }

    /// Unreadable files and folders for real: the tests run as root, who may read anything, so
    /// the binary is run as user `nobody` (setpriv) over a tree with mode-000 entries.
    @Test func unreadableFileAndFolderBecomeErrorRecords() async throws {
        let d = try TempDir()
        defer {
            chmod(d.file("docs/locked"), 0o755)
            d.cleanup()
        }
        try d.write("docs/a.txt", "a")
        try d.write("docs/secret.pdf", "%PDF-1.4 secret")
        try d.write("docs/locked/inside.pdf", "%PDF-1.4")
        try d.write("docs/z.txt", "z")
        #expect(chmod(d.file("docs/secret.pdf"), 0) == 0)
        #expect(chmod(d.file("docs/locked"), 0) == 0)
        for p in [d.path, d.file("docs")] { chmod(p, 0o755) }
        for p in ["docs/a.txt", "docs/z.txt"] { chmod(d.file(p), 0o644) }
        let bin = Binaries.path("smole-ls")
        let r =
            getuid() == 0
            ? try await runTool(
                "setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", bin, "docs"], cwd: d.path)
            : try await runTool("smole-ls", ["docs"], cwd: d.path)
        #expect(r.status == 1, "\(r.stderr)")
        let recs = try parse(r)
        #expect(recs.map { $0["path"]?.stringValue } == ["docs/a.txt", "docs/locked", "docs/secret.pdf", "docs/z.txt"])
        #expect(recs[1]["error"]?["code"] == .string("unreadable"))
        #expect(recs[2]["error"]?["code"] == .string("unreadable"))
        #expect(recs[2]["error"]?["message"] == .string("docs/secret.pdf: Permission denied"))
        #expect(recs[3]["sha256"] == .string(Digest256.hash(Array("z".utf8))))
        #expect(r.stderr.contains("docs/locked: Permission denied"))
    }

    @Test func badOptionsAreUsageErrors() async throws {
        let r = try await runTool("smole-ls", ["--max-depth", "-1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--max-depth"))
        let u = try await runTool("smole-ls", ["--no-such-option"])
        #expect(u.status == 64)
    }

    @Test func closedPipeEndsQuietly() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        for i in 0..<3000 { try d.write("f\(i).txt", "x") }
        let r = try await runTool(
            "bash", ["-c", "set -o pipefail; \"$0\" \"$1\" | head -n 1", Binaries.path("smole-ls"), d.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutLines.count == 1)
        #expect(r.stderr.isEmpty)
    }

    @Test func manPageNamesEveryOption() async throws {
        try await OptionPages.check(tool: "smole-ls")
    }
}

private func randomBytes(_ n: Int) throws -> [UInt8] {
    let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
    defer { try? h.close() }
    var out: [UInt8] = []
    while out.count < n { out += try h.read(upToCount: n - out.count) ?? Data() }
    return out
}

/// Checks a hand-written man page against the options `--help` lists.
enum OptionPages {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func check(tool: String) async throws {
        let page = try String(contentsOf: root.appendingPathComponent("man/\(tool).1"), encoding: .utf8)
        let help = try await runTool(tool, ["--help"])
        // Option lines of argument-parser's help: indented by exactly two spaces.
        let optionLines = help.stdout.split(separator: "\n").filter { $0.hasPrefix("  -") && !$0.hasPrefix("   ") }
        let options = Set(optionLines.compactMap { $0.firstMatch(of: /--[a-z][a-z-]+/).map { String($0.output) } })
            .subtracting(["--help", "--version"])
        #expect(!options.isEmpty)
        // mdoc writes `--glob` as `Fl \-glob` (or `Fl -glob`).
        for o in options.sorted() {
            let flag = o.dropFirst()
            #expect(page.contains("Fl \\\(flag)") || page.contains("Fl \(flag)"), "\(tool).1 lacks \(o)")
        }
        for section in [
            "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "ENVIRONMENT", "SEE ALSO",
        ] {
            #expect(page.contains(".Sh \(section)"), "\(tool).1 lacks \(section)")
        }
    }
}
