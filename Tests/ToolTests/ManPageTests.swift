import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

// The man pages are part of the product, so they are tested like code:
//  - every option a tool's --help lists appears in the OPTIONS section of its page;
//  - each page has the required sections;
//  - every EXAMPLES command runs, from a folder holding the sample inputs below.
//
// The example convention (documented in smole(7), EXAMPLE FILES):
//  - inside `.Sh EXAMPLES`, a `.Dl` line is a command; inside a `.Bd -literal` block,
//    a line starting with `$ ` is a command (other lines are shown output);
//    a command ending in `\e` continues on the next line;
//  - a command with the comment `# needs ...` (e.g. `# needs network`) is not run;
//  - the commands of one page run in order, each with `bash -o pipefail -c`, in one
//    fresh folder, with the built tools first in PATH, stdin empty, NO_COLOR=1 and
//    SMOLE_API_KEY/SMOLE_API_URL unset (so smole-extract uses the local engine);
//  - a command passes with exit status 0 or 1 and no usage error on stderr.

enum ManPages {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var manDir: URL { repoRoot.appendingPathComponent("man") }

    /// Every page in man/ (file names such as `smole-ls.1`, `smole.7`).
    static var allPages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: manDir.path)) ?? []
        return names.filter { $0.range(of: #"^smole[-a-z]*\.[1-9]$"#, options: .regularExpression) != nil }.sorted()
    }

    /// The section 1 pages, one per tool.
    static var toolPages: [String] { allPages.filter { $0.hasSuffix(".1") } }

    static func text(_ page: String) throws -> String {
        try String(contentsOf: manDir.appendingPathComponent(page), encoding: .utf8)
    }

    /// Section name → its source lines.
    static func sections(_ text: String) -> [(name: String, lines: [String])] {
        var out: [(String, [String])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(".Sh ") || line.hasPrefix(".SH ") {
                var name = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                    name = String(name.dropFirst().dropLast())
                }
                out.append((name, []))
            } else if !out.isEmpty {
                out[out.count - 1].1.append(line)
            }
        }
        return out
    }

    static func section(_ text: String, _ name: String) -> [String]? {
        sections(text).first { $0.name == name }?.lines
    }

    /// Undoes the roff escapes an example may use.
    static func unescape(_ s: String) -> String {
        var t = s
        for (a, b) in [
            ("\\(aq", "'"), ("\\(dq", "\""), ("\\(ga", "`"), ("\\(ti", "~"), ("\\(ha", "^"), ("\\(rs", "\\"),
            ("\\-", "-"), ("\\&", ""), ("\\e", "\\"), ("\\\\", "\\"), ("\\ ", " "),
        ] {
            t = t.replacingOccurrences(of: a, with: b)
        }
        return t
    }

    /// The options `tool --help` lists (argument-parser's format: option lines indented by two spaces).
    static func options(fromHelp help: String) -> [String] {
        var out: [String] = []
        for line in help.split(separator: "\n").map(String.init) {
            guard line.hasPrefix("  -"), !line.hasPrefix("   ") else { continue }
            for raw in line.dropFirst(2).split(separator: " ") {
                var tok = String(raw)
                if tok.hasSuffix(",") { tok.removeLast() }
                guard tok.hasPrefix("-") else { break }
                if tok.contains("[no-]") {
                    out.append(tok.replacingOccurrences(of: "[no-]", with: ""))
                    out.append(tok.replacingOccurrences(of: "[no-]", with: "no-"))
                } else {
                    out.append(tok)
                }
            }
        }
        let builtIn: Set = ["-h", "--help", "--version"]
        var seen = Set<String>()
        return out.filter { !builtIn.contains($0) && seen.insert($0).inserted }
    }

    /// The options a section of mdoc source names: `Fl -long`, `Fl s`, or literal `--long`/`\-\-long`.
    static func documentedOptions(_ lines: [String]) -> Set<String> {
        var found = Set<String>()
        let text = lines.joined(separator: "\n")
        let fl = try! NSRegularExpression(pattern: #"\bFl\s+(\\?-)?([A-Za-z0-9?][A-Za-z0-9_-]*)"#)
        let ns = text as NSString
        for m in fl.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let dash = m.range(at: 1).location != NSNotFound ? "--" : "-"
            found.insert(dash + ns.substring(with: m.range(at: 2)))
        }
        let plain = unescape(text)
        let lit = try! NSRegularExpression(pattern: #"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9_-]*)"#)
        let pn = plain as NSString
        for m in lit.matches(in: plain, range: NSRange(location: 0, length: pn.length)) {
            found.insert(pn.substring(with: m.range(at: 1)))
        }
        return found
    }

    struct Example: Sendable, CustomStringConvertible {
        var command: String
        var skipReason: String?
        var description: String { command }
    }

    /// The EXAMPLES commands, in page order.
    static func examples(_ text: String) -> [Example] {
        guard let lines = section(text, "EXAMPLES") else { return [] }
        var out: [Example] = []
        func add(_ cmd: String) {
            let c = cmd.trimmingCharacters(in: .whitespaces)
            guard !c.isEmpty else { return }
            out.append(Example(command: c, skipReason: skipReason(c)))
        }
        // Joins lines ending in a backslash with the next one.
        func commands(_ raw: [String]) -> [String] {
            var result: [String] = []
            var pending: String? = nil
            for l in raw {
                let line = pending.map { $0 + "\n" + l } ?? l
                if l.hasSuffix("\\") { pending = line } else { pending = nil; result.append(line) }
            }
            if let p = pending { result.append(p) }
            return result
        }
        var block: [String]? = nil
        for raw in lines {
            if raw.hasPrefix(".Bd") {
                block = raw.contains("-literal") || raw.contains("-unfilled") ? [] : nil
                continue
            }
            if raw.hasPrefix(".Ed") {
                if let b = block {
                    // With `$ ` prompts, only prompted lines (and their continuations) are commands;
                    // without, every line of the block is.
                    if b.contains(where: { $0.hasPrefix("$ ") }) {
                        var cmds: [String] = []
                        var continuing = false
                        for l in b {
                            if l.hasPrefix("$ ") {
                                cmds.append(String(l.dropFirst(2))); continuing = l.hasSuffix("\\")
                            } else if continuing {
                                cmds.append(l); continuing = l.hasSuffix("\\")
                            }
                        }
                        commands(cmds).forEach(add)
                    } else {
                        commands(b).forEach(add)
                    }
                }
                block = nil
                continue
            }
            if block != nil {
                if !raw.hasPrefix(".\\\"") { block!.append(unescape(raw)) }
                continue
            }
            if raw.hasPrefix(".Dl ") {
                var c = unescape(String(raw.dropFirst(4)))
                if c.hasPrefix("$ ") { c.removeFirst(2) }
                add(c)
            }
        }
        return out
    }

    /// Why a command is shown but not run: a `# needs ...` comment, a URL (network or a
    /// server), or starting smole-serve (it runs until stopped).
    static func skipReason(_ c: String) -> String? {
        if let r = c.range(of: #"#\s*needs\b.*$"#, options: .regularExpression) { return String(c[r]) }
        if c.range(of: #"https?://"#, options: .regularExpression) != nil { return "uses a URL" }
        if c.range(of: #"(^|[|;&(]\s*|\s)smole-serve(\s|$)"#, options: .regularExpression) != nil,
            c.range(of: #"smole-serve\s+(-h|--help|--version)\b"#, options: .regularExpression) == nil
        {
            return "starts smole-serve, which runs until stopped"
        }
        return nil
    }

    /// Tools that are still the package's placeholder mains ("Not built yet.").
    static func unbuiltTools(in command: String) async throws -> [String] {
        let re = try NSRegularExpression(pattern: #"\bsmole-[a-z]+\b"#)
        let ns = command as NSString
        var tools = Set<String>()
        for m in re.matches(in: command, range: NSRange(location: 0, length: ns.length)) {
            tools.insert(ns.substring(with: m.range))
        }
        var out: [String] = []
        for t in tools.sorted() where FileManager.default.fileExists(atPath: Binaries.path(t)) {
            let r = try await runTool(t, ["--help"])
            if r.stdout.contains("Not built yet.") { out.append(t) }
        }
        return out
    }
}

/// The sample inputs every EXAMPLES command may rely on (the contract in smole(7), EXAMPLE FILES).
enum ExampleFixtures {
    static let invoiceText = """
        ACME Tools GmbH                                   INVOICE
        Hauptstrasse 1, 10115 Berlin

        Bill to: Northwind Traders Ltd
        Invoice number: INV-2024-001
        Invoice date: 05/03/2024
        Due date: 04/04/2024

        Description              Qty    Unit price      Amount
        Cordless drill             2         45.00       90.00
        Drill bits, set of 10      1         10.00       10.00

        Subtotal                                       100.00
        VAT 19%                                         19.00
        Total                                      EUR 119.00
        """
    static let receiptText = """
        CAFE CENTRAL
        12 Market Square
        Date: 2024-03-07  Time: 08:42

        2 x Cappuccino        3.20     6.40
        1 x Croissant         2.10     2.10

        Subtotal                       8.50
        Tax 7%                         0.60
        TOTAL                     EUR  9.10
        Paid by: VISA
        """
    static let contractText = """
        MUTUAL NON-DISCLOSURE AGREEMENT

        This Agreement is made on January 15, 2024 between Acme Tools GmbH
        and Northwind Traders Ltd. The term of this Agreement is twelve (12) months.
        This Agreement is governed by the laws of the State of Delaware.
        """

    static let schema = """
        {
          "type": "object",
          "description": "A purchase order",
          "x-smole-keywords": ["purchase order", "PO number"],
          "properties": {
            "po_number": {"type": "string", "x-smole-labels": ["PO number", "Order number"]},
            "date": {"type": "string", "format": "date"},
            "total": {"type": "number"}
          }
        }
        """

    static let rules = """
        # schema   patterns (globs on the file name; path: for the whole path)
        invoice    *invoice*
        receipt    *receipt*
        contract   *contract* *nda*
        """

    /// A one-page PDF whose text layer holds the lines (pdftotext reads it).
    static func pdf(_ lines: [String]) -> [UInt8] {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
        }
        let content =
            "BT /F1 11 Tf 14 TL 72 720 Td " + lines.map { "(\(esc($0))) Tj T*" }.joined(separator: " ") + " ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }

    struct Doc {
        var path: String
        var schema: String
        var route: String
        var bytes: [UInt8]
        var type: String
    }

    static var docs: [Doc] {
        [
            Doc(
                path: "docs/invoice-2024-001.txt", schema: "invoice", route: "rule 1: *invoice*",
                bytes: Array(invoiceText.utf8), type: "text/plain"),
            Doc(
                path: "docs/receipt-cafe.txt", schema: "receipt", route: "rule 2: *receipt*",
                bytes: Array(receiptText.utf8), type: "text/plain"),
            Doc(
                path: "docs/contract-nda.txt", schema: "contract", route: "rule 3: *nda*",
                bytes: Array(contractText.utf8), type: "text/plain"),
            Doc(
                path: "docs/invoice-acme.pdf", schema: "invoice", route: "rule 1: *invoice*",
                bytes: pdf([
                    "ACME Tools GmbH", "Invoice number: INV-2024-002", "Invoice date: 2024-03-12",
                    "Bill to: Contoso AG", "Subtotal 200.00", "VAT 38.00", "Total EUR 238.00",
                ]),
                type: "application/pdf"),
            Doc(
                path: "docs/archive/receipt-taxi.pdf", schema: "receipt", route: "rule 2: *receipt*",
                bytes: pdf(["CITY TAXI", "Date 2023-11-02 23:10", "Fare 18.50", "TOTAL EUR 18.50", "Paid: cash"]),
                type: "application/pdf"),
        ]
    }

    static func sha256(_ path: String) async throws -> String {
        let r = try await runTool("/usr/bin/sha256sum", [path])
        return String(r.stdout.prefix(64))
    }

    /// Builds the folder: docs/, inputs.ndjson, results.ndjson, rules.txt, schemas/purchase_order.json.
    static func make(in dir: TempDir) async throws {
        var inputs: [String] = []
        var common: [String: JSONObject] = [:]
        for d in docs {
            let p = try dir.write(d.path, bytes: d.bytes)
            var o = JSONObject()
            o["path"] = .string(d.path)
            o["name"] = .string((d.path as NSString).lastPathComponent)
            o["size"] = JSONValue(d.bytes.count)
            o["mtime"] = .string("2024-03-15T09:30:00Z")
            o["type"] = .string(d.type)
            o["sha256"] = .string(try await sha256(p))
            o["schema"] = .string(d.schema)
            o["route"] = .string(d.route)
            common[d.path] = o
            inputs.append(JSON.serialize(.object(o)))
        }
        try dir.write("inputs.ndjson", inputs.joined(separator: "\n") + "\n")
        func result(_ path: String, _ fields: [(String, JSONValue)]) -> String {
            var o = common[path]!
            for (k, v) in fields { o[k] = v }
            return JSON.serialize(.object(o))
        }
        func item(_ d: String, _ q: String, _ u: String, _ a: String) -> JSONValue {
            .object(
                JSONObject([
                    ("description", .string(d)), ("quantity", .number(q)), ("unit_price", .number(u)),
                    ("amount", .number(a)),
                ]))
        }
        let when: [(String, JSONValue)] = [
            ("backend", "local"), ("started_at", "2024-03-15T10:00:00Z"), ("finished_at", "2024-03-15T10:00:01Z"),
        ]
        let results = [
            result(
                "docs/invoice-2024-001.txt",
                [
                    ("status", "error"),
                    (
                        "error",
                        .object(
                            JSONObject([
                                ("code", "rate_limited"), ("message", "429 Too Many Requests"), ("retryable", true),
                                ("http_status", 429),
                            ]))
                    ),
                    ("attempts", 1),
                ] + when + [("elapsed_ms", 310)]),
            result(
                "docs/invoice-2024-001.txt",
                [
                    ("status", "ok"),
                    (
                        "data",
                        .object(
                            JSONObject([
                                ("vendor_name", "ACME Tools GmbH"), ("customer_name", "Northwind Traders Ltd"),
                                ("invoice_number", "INV-2024-001"), ("date", "2024-03-05"), ("due_date", "2024-04-04"),
                                ("currency", "EUR"), ("subtotal", .number("100.00")), ("tax", .number("19.00")),
                                ("total", .number("119.00")),
                                (
                                    "line_items",
                                    .array([
                                        item("Cordless drill", "2", "45.00", "90.00"),
                                        item("Drill bits, set of 10", "1", "10.00", "10.00"),
                                    ])
                                ),
                            ]))
                    ),
                    ("attempts", 2),
                ] + when + [("elapsed_ms", 840)]),
            result(
                "docs/receipt-cafe.txt",
                [
                    ("status", "ok"),
                    (
                        "data",
                        .object(
                            JSONObject([
                                ("merchant_name", "CAFE CENTRAL"), ("date", "2024-03-07"), ("time", "08:42"),
                                ("currency", "EUR"),
                                ("subtotal", .number("8.50")), ("tax", .number("0.60")), ("total", .number("9.10")),
                                ("payment_method", "VISA"),
                                (
                                    "line_items",
                                    .array([
                                        item("Cappuccino", "2", "3.20", "6.40"),
                                        item("=HYPERLINK(\"http://x\")", "1", "2.10", "2.10"),
                                    ])
                                ),
                            ]))
                    ),
                    (
                        "review",
                        Review(reasons: [
                            ReviewReason(
                                .lowConfidence, field: "merchant_name",
                                "merchant_name was read with confidence 0.30, under 0.45")
                        ]).json
                    ),
                    ("attempts", 1),
                ] + when + [("elapsed_ms", 420)]),
            result(
                "docs/contract-nda.txt",
                [
                    ("status", "error"),
                    (
                        "error",
                        .object(
                            JSONObject([
                                ("code", "timeout"), ("message", "no result within 600 s"), ("retryable", true),
                            ]))
                    ),
                    ("attempts", 1),
                ] + when + [("elapsed_ms", 600000)]),
            result(
                "docs/invoice-acme.pdf",
                [
                    ("status", "ok"),
                    (
                        "data",
                        .object(
                            JSONObject([
                                ("vendor_name", "ACME Tools GmbH"), ("customer_name", "Contoso AG"),
                                ("invoice_number", "INV-2024-002"),
                                ("date", "2024-03-12"), ("due_date", .null), ("currency", "EUR"),
                                ("subtotal", .number("200.00")), ("tax", .number("38.00")),
                                ("total", .number("238.00")), ("line_items", .array([])),
                            ]))
                    ),
                    ("review", Review().json),
                    ("attempts", 1),
                ] + when + [("elapsed_ms", 1260)]),
            result(
                "docs/archive/receipt-taxi.pdf",
                [
                    ("status", "error"),
                    (
                        "error",
                        .object(
                            JSONObject([
                                ("code", "unsupported_type"), ("message", "no text source handles this file"),
                                ("retryable", false),
                            ]))
                    ),
                    ("attempts", 1),
                ] + when + [("elapsed_ms", 35)]),
        ]
        try dir.write("results.ndjson", results.joined(separator: "\n") + "\n")
        try dir.write("rules.txt", rules + "\n")
        try dir.write("schemas/purchase_order.json", schema + "\n")
    }
}

@Suite("Man pages", .serialized)
struct ManPageTests {
    @Test func pagesExistForThisBranchsTools() throws {
        // The pages this branch writes; others' pages are covered when present.
        for page in ["smole.7", "smole-summary.1", "smole-retry.1"] {
            #expect(ManPages.allPages.contains(page), "man/\(page) is missing")
        }
    }

    @Test("required sections", arguments: ManPages.allPages)
    func sections(page: String) throws {
        let names = Set(ManPages.sections(try ManPages.text(page)).map(\.name))
        let required =
            page.hasSuffix(".1")
            ? ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "ENVIRONMENT", "SEE ALSO"]
            : ["NAME", "DESCRIPTION", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"]
        for s in required {
            #expect(names.contains(s), "man/\(page) has no .Sh \(s)")
        }
    }

    @Test("every option in --help is in OPTIONS", arguments: ManPages.toolPages)
    func optionsDocumented(page: String) async throws {
        let tool = String(page.dropLast(2))
        #expect(FileManager.default.fileExists(atPath: Binaries.path(tool)), "man/\(page) has no built tool \(tool)")
        let help = try await runTool(tool, ["--help"])
        #expect(help.status == 0)
        let accepted = ManPages.options(fromHelp: help.stdout)
        let text = try ManPages.text(page)
        let documented = ManPages.documentedOptions(ManPages.section(text, "OPTIONS") ?? [])
        for opt in accepted {
            #expect(documented.contains(opt), "\(tool) accepts \(opt) but man/\(page) OPTIONS does not name it")
        }
    }

    @Test("EXAMPLES run", .timeLimit(.minutes(10)), arguments: ManPages.allPages)
    func examplesRun(page: String) async throws {
        let examples = ManPages.examples(try ManPages.text(page))
        #expect(!examples.isEmpty, "man/\(page) has no EXAMPLES command (see smole(7), EXAMPLE FILES)")
        let dir = try TempDir("smole-man")
        defer { dir.cleanup() }
        try await ExampleFixtures.make(in: dir)
        let path = Binaries.directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for ex in examples {
            if let reason = ex.skipReason {
                print("man/\(page): not run (\(reason)): \(ex.command)")
                continue
            }
            let unbuilt = try await ManPages.unbuiltTools(in: ex.command)
            if !unbuilt.isEmpty {
                print("man/\(page): not run, \(unbuilt.joined(separator: ", ")) not built yet: \(ex.command)")
                continue
            }
            let r = try await runTool(
                "/usr/bin/env",
                [
                    "-u", "SMOLE_API_KEY", "-u", "SMOLE_API_URL", "PATH=\(path)", "NO_COLOR=1",
                    "timeout", "120", "bash", "-o", "pipefail", "-c", ex.command,
                ], cwd: dir.path)
            let context = "man/\(page) example `\(ex.command)` exited \(r.status)\nstderr: \(r.stderr.prefix(2000))"
            #expect(r.status == 0 || r.status == 1, "\(context)")
            #expect(!r.stderr.contains("Error: "), "usage error: \(context)")
            #expect(!r.stderr.contains("command not found"), "\(context)")
        }
    }

    /// Every groff warning except `break` (a long literal line that cannot be broken is fine).
    @Test("groff reads every page without warnings", arguments: ManPages.allPages)
    func groffClean(page: String) async throws {
        let r = try await runTool(
            "/usr/bin/groff",
            [
                "-mdoc", "-ww", "-Wbreak", "-z", "-Tutf8", ManPages.manDir.appendingPathComponent(page).path,
            ])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "man/\(page): \(r.stderr)")
    }

    @Test func smole7DocumentsEveryErrorCodeAndExitStatus() throws {
        let text = try ManPages.text("smole.7")
        let errors = ManPages.unescape((ManPages.section(text, "ERROR CODES") ?? []).joined(separator: "\n"))
        for code in ErrorCode.allCases {
            #expect(errors.contains(code.rawValue), "smole.7 ERROR CODES lacks \(code.rawValue)")
        }
        let reviews = ManPages.unescape((ManPages.section(text, "REVIEW CODES") ?? []).joined(separator: "\n"))
        for code in ReviewCode.allCases {
            #expect(reviews.contains(code.rawValue), "smole.7 REVIEW CODES lacks \(code.rawValue)")
        }
        let exits = (ManPages.section(text, "EXIT STATUS") ?? []).joined(separator: "\n")
        for status in ExitStatus.allCases {
            #expect(
                exits.range(of: #"(?<![0-9])\#(status.rawValue)(?![0-9])"#, options: .regularExpression) != nil,
                "smole.7 EXIT STATUS lacks \(status.rawValue)")
        }
        let env = (ManPages.section(text, "ENVIRONMENT") ?? []).joined(separator: "\n")
        for v in ["SMOLE_API_KEY", "SMOLE_API_URL", "NO_COLOR", "SMOLE_SERVE_API_KEY"] {
            #expect(env.contains(v), "smole.7 ENVIRONMENT lacks \(v)")
        }
        // The fixture names the example test provides are documented for page authors.
        let files = (ManPages.section(text, "EXAMPLE FILES") ?? []).joined(separator: "\n")
        for name in ["docs/", "inputs.ndjson", "results.ndjson", "rules.txt", "schemas/purchase_order.json"]
            + ExampleFixtures.docs.map(\.path)
        {
            #expect(files.contains(name), "smole.7 EXAMPLE FILES lacks \(name)")
        }
    }

    // The test's own parsers, against known inputs.

    @Test func parsesArgumentParserHelp() {
        let help = """
            USAGE: smole-x [--json] [-j <jobs>] <files> ...

            ARGUMENTS:
              <files>                 Files.

            OPTIONS:
              --json                  Print JSON.
              -j, --jobs <jobs>       Jobs.
                                      - not an option
              --[no-]hash             Hash.
              --max-attempts <max-attempts>
                                      Limit.
              --version               Show the version.
              -h, --help              Show help information.
            """
        #expect(
            ManPages.options(fromHelp: help) == ["--json", "-j", "--jobs", "--hash", "--no-hash", "--max-attempts"])
    }

    @Test func findsDocumentedOptionsAndExamples() {
        let page = #"""
            .Sh OPTIONS
            .Bl -tag -width Ds
            .It Fl j , Fl -jobs Ar n
            .It Fl \-max-attempts Ar n
            Also \-\-all.
            .El
            .Sh EXAMPLES
            .Dl smole-ls docs | smole-route \-\-rule \(aqinvoice=*inv*\(aq
            .Bd -literal -offset indent
            $ smole-summary results.ndjson
            documents 3
            $ smole-retry results.ndjson \e
                | smole-extract >> results.ndjson
            $ smole-extract docs/a.pdf  # needs network
            .Ed
            .Bd -literal
            printf 'a\en' > a.txt
            smole-extract --api https://api.smole.tech/api a.txt \e
              > out.ndjson
            .Ed
            .Dl smole-serve --port 0 --workers 4
            .Dl smole-serve --help
            .Sh SEE ALSO
            """#
        let opts = ManPages.documentedOptions(ManPages.section(page, "OPTIONS") ?? [])
        #expect(opts.isSuperset(of: ["-j", "--jobs", "--max-attempts", "--all"]))
        #expect(!opts.contains("--json"))
        let ex = ManPages.examples(page)
        #expect(
            ex.map(\.command) == [
                "smole-ls docs | smole-route --rule 'invoice=*inv*'",
                "smole-summary results.ndjson",
                "smole-retry results.ndjson \\\n    | smole-extract >> results.ndjson",
                "smole-extract docs/a.pdf  # needs network",
                "printf 'a\\n' > a.txt",
                "smole-extract --api https://api.smole.tech/api a.txt \\\n  > out.ndjson",
                "smole-serve --port 0 --workers 4",
                "smole-serve --help",
            ])
        #expect(ex.map { $0.skipReason != nil } == [false, false, false, true, false, true, true, false])
    }

    @Test func fixturePDFHasAText() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let p = try dir.write("a.pdf", bytes: ExampleFixtures.pdf(["Invoice number: INV-9 (draft)", "Total 10.00"]))
        let r = try await runTool("/usr/bin/pdftotext", ["-layout", p, "-"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Invoice number: INV-9 (draft)"))
        #expect(r.stdout.contains("Total 10.00"))
    }
}

@Suite("scripts/install")
struct InstallTests {
    /// Installs the already-built debug tools (SMOLE_BIN_DIR skips the release build) under DESTDIR.
    @Test func installsToolsAndPagesUnderDestdirAndPrefix() async throws {
        let dest = try TempDir("smole-install")
        defer { dest.cleanup() }
        let script = ManPages.repoRoot.appendingPathComponent("scripts/install").path
        let r = try await runTool(
            "/usr/bin/env",
            [
                "SMOLE_BIN_DIR=\(Binaries.directory.path)", "PREFIX=/opt/smole", "DESTDIR=\(dest.path)", script,
            ], cwd: ManPages.repoRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        let root = dest.path + "/opt/smole"
        let fm = FileManager.default
        for page in ManPages.toolPages {
            #expect(fm.fileExists(atPath: "\(root)/share/man/man1/\(page)"), "\(page) not installed")
        }
        #expect(fm.fileExists(atPath: "\(root)/share/man/man7/smole.7"))
        for tool in ["smole-summary", "smole-retry", "smole-ls"] {
            #expect(fm.isExecutableFile(atPath: "\(root)/bin/\(tool)"), "\(tool) not installed")
        }
        let installed = try await runTool("\(root)/bin/smole-summary", ["--version"])
        #expect(installed.status == 0)
        #expect(installed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Smole.version)
        let page = try await runTool(
            "/usr/bin/man", ["-l", "\(root)/share/man/man1/smole-summary.1"],
            env: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"])
        #expect(page.stdout.contains("--fail-on-error"))
        // Everything lands under DESTDIR/PREFIX.
        #expect(try fm.contentsOfDirectory(atPath: dest.path) == ["opt"])
        // Shell completions for bash, zsh and fish, one per tool; bash loads the one it is given
        // and completes an option of that tool.
        for tool in ["smole-summary", "smole-csv", "smole-extract"] {
            #expect(fm.fileExists(atPath: "\(root)/share/zsh/site-functions/_\(tool)"))
            #expect(fm.fileExists(atPath: "\(root)/share/fish/vendor_completions.d/\(tool).fish"))
            let completion = "\(root)/share/bash-completion/completions/\(tool)"
            let complete = try await runTool(
                "/usr/bin/env", ["bash", "-c", "source \"$0\" && complete -p \"$1\"", completion, tool])
            #expect(complete.status == 0 && complete.stdout.contains(tool), "\(tool): \(complete.stderr)")
        }
        let fish = try String(contentsOfFile: "\(root)/share/fish/vendor_completions.d/smole-csv.fish", encoding: .utf8)
        #expect(fish.contains("delimiter"))
    }
}
