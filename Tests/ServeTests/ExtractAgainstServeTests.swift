import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// The real client against the real server: `smole-extract --api` → `smole-serve` → the engine,
/// and the same documents through the in-process local engine, with the same answers.
@Suite(.serialized) struct ExtractAgainstServeTests {
    struct Doc {
        var name: String
        var number: String
        var total: Double
    }

    /// Invoices with different labels and layouts; `bigPage` adds a noise image page of several MB.
    static func makeInvoices(in dir: TempDir, count: Int, bigPage: Bool = false) throws -> [Doc] {
        var docs: [Doc] = []
        let labels = [
            ("Invoice No:", "Date:", "Total"), ("Invoice #", "Invoice Date", "Amount Due"),
            ("Rechnungsnummer:", "Datum:", "Gesamtbetrag"),
        ]
        for i in 0..<count {
            let (numLabel, dateLabel, totalLabel) = labels[i % labels.count]
            let qty = i + 2
            let price = 12.5 + Double(i)
            let amount = Double(qty) * price
            let tax = (amount * 0.1 * 100).rounded() / 100
            let total = amount + tax
            let german = numLabel.hasPrefix("Rechnung")
            func money(_ v: Double) -> String {
                let s = String(format: "%.2f", v)
                return german ? s.replacingOccurrences(of: ".", with: ",") : s
            }
            let number = "T-\(4100 + i)"
            var w = PDFWriter()
            w.addPage(lines: [
                [(50, "Harbor Parts Company \(i)")],
                [(50, "1 Dock Road, Springfield")],
                [],
                [(50, german ? "RECHNUNG" : "INVOICE")],
                [(50, numLabel), (200, number)],
                [(50, dateLabel), (200, german ? "0\(i % 9 + 1).03.2026" : "2026-03-0\(i % 9 + 1)")],
                [],
                [
                    (50, german ? "Beschreibung" : "Description"), (330, german ? "Menge" : "Qty"),
                    (390, german ? "Preis" : "Unit Price"), (480, german ? "Betrag" : "Amount"),
                ],
                [(50, "Brass fitting type \(i)"), (340, "\(qty)"), (390, money(price)), (480, money(amount))],
                [],
                [(330, german ? "Zwischensumme" : "Subtotal"), (480, money(amount))],
                [(330, german ? "MwSt. 10%" : "Tax 10%"), (480, money(tax))],
                [(330, totalLabel), (480, (german ? "EUR " : "USD ") + money(total))],
            ])
            if bigPage && i == 0 {
                var seed: UInt64 = 0x2545_F491_4F6C_DD1D
                let width = 1800, height = 1800
                var gray = [UInt8](repeating: 0, count: width * height)
                for k in gray.indices {
                    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
                    gray[k] = UInt8(truncatingIfNeeded: seed)
                }
                w.addImagePage(gray: gray, width: width, height: height)
            }
            let name = "invoice-\(i).pdf"
            try w.write(to: dir.file(name))
            docs.append(Doc(name: name, number: number, total: total))
        }
        return docs
    }

    func results(_ r: RunResult) throws -> [String: Record] {
        var out: [String: Record] = [:]
        for line in r.stdoutLines {
            guard case .object(let o) = try JSON.parse(line) else { continue }
            let rec = Record(o)
            out[(rec.path ?? "") as String] = rec
        }
        return out
    }

    func check(_ r: RunResult, _ docs: [Doc], dir: TempDir, backend: String) throws {
        let byPath = try results(r)
        #expect(byPath.count == docs.count, "one record per document: \(r.stdout)\n\(r.stderr)")
        for d in docs {
            let rec = try #require(byPath[dir.file(d.name)], "no record for \(d.name)")
            #expect(rec.status == "ok", "\(d.name): \(rec.serialized())")
            #expect(rec.data?["invoice_number"]?.stringValue == d.number)
            let total = try #require(rec.data?["total"]?.doubleValue, "\(d.name): no total")
            #expect(abs(total - d.total) < 0.005, "\(d.name): total \(total) != \(d.total)")
            #expect(
                rec["backend"]?.stringValue == backend, "\(rec["backend"].map { JSON.serialize($0) } ?? "no backend")")
            #expect(rec["job"]?.stringValue?.isEmpty == false)
            #expect(rec["attempts"]?.intValue == 1)
        }
    }

    @Test func extractAgainstARealServerWithAKey() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let docs = try Self.makeInvoices(in: dir, count: 6, bigPage: true)
        let size = try FileManager.default.attributesOfItem(atPath: dir.file(docs[0].name))[.size] as? Int ?? 0
        #expect(size > 3_000_000, "the first upload is several MB (\(size) bytes)")
        let key = "serve-e2e-\(UUID().uuidString)"
        let server = try await ServeProcess.launch(
            ["--port", "0", "--workers", "2", "--quiet"], env: ["SMOLE_SERVE_API_KEY": key])
        defer { Task { _ = await server.stop() } }
        let api = server.baseURL + "/api"

        let r = try await runTool(
            "smole-extract", ["--api", api, "--schema", "invoice", "-j", "4"] + docs.map { dir.file($0.name) },
            env: ["SMOLE_API_KEY": key])
        #expect(r.status == 0, "\(r.stderr)")
        try check(r, docs, dir: dir, backend: api)
        #expect(!r.stdout.contains(key) && !r.stderr.contains(key), "the key never appears in output")

        // The wrong key: every document ends as a non-retryable unauthorized record, exit 77.
        let bad = try await runTool(
            "smole-extract", ["--api", api, "--schema", "invoice"] + docs.prefix(2).map { dir.file($0.name) },
            env: ["SMOLE_API_KEY": "wrong-key"])
        #expect(bad.status == 77, "\(bad.stderr)")
        let badRecords = try results(bad)
        #expect(badRecords.count == 2)
        #expect(badRecords.values.allSatisfy { $0.error?.code == .unauthorized && $0.error?.retryable == false })
    }

    @Test func concurrentClientsShareOneServer() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let docs = try Self.makeInvoices(in: dir, count: 8)
        let server = try await ServeProcess.launch(["--port", "0", "--workers", "2", "--quiet"])
        defer { Task { _ = await server.stop() } }
        let api = server.baseURL + "/api"
        let first = Array(docs.prefix(4)), second = Array(docs.suffix(4))
        async let a = runTool(
            "smole-extract", ["--api", api, "--schema", "invoice", "-j", "3"],
            stdin: first.map { dir.file($0.name) }.joined(separator: "\n") + "\n", unset: ["SMOLE_API_KEY"])
        async let b = runTool(
            "smole-extract", ["--api", api, "--schema", "invoice", "-j", "3"],
            stdin: second.map { dir.file($0.name) }.joined(separator: "\n") + "\n", unset: ["SMOLE_API_KEY"])
        let (ra, rb) = try await (a, b)
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stderr)")
        try check(ra, first, dir: dir, backend: api)
        try check(rb, second, dir: dir, backend: api)
    }

    @Test func theLocalEngineGivesTheSameAnswersWithNoAccount() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let docs = try Self.makeInvoices(in: dir, count: 3)
        let r = try await runTool(
            "smole-extract", ["--schema", "invoice"] + docs.map { dir.file($0.name) },
            unset: ["SMOLE_API_KEY", "SMOLE_API_URL"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("backend: local engine"), "states the backend: \(r.stderr)")
        let byPath = try results(r)
        #expect(byPath.count == 3)
        for d in docs {
            let rec = try #require(byPath[dir.file(d.name)])
            #expect(rec.status == "ok", "\(rec.serialized())")
            #expect(rec["backend"]?.stringValue == "local")
            #expect(rec.data?["invoice_number"]?.stringValue == d.number)
            #expect(abs((rec.data?["total"]?.doubleValue ?? 0) - d.total) < 0.005)
        }
    }

    /// The whole pipeline through the server: ls | route --classify | extract --api | csv.
    @Test func pipelineThroughTheServer() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let docs = try Self.makeInvoices(in: dir, count: 3)
        let server = try await ServeProcess.launch(["--port", "0", "--quiet"])
        defer { Task { _ = await server.stop() } }
        let script = """
            set -euo pipefail
            export PATH="\(Binaries.directory.path):$PATH"
            unset SMOLE_API_KEY
            smole-ls --glob "*.pdf" . | smole-route --classify --default receipt | smole-extract --api "\(server.baseURL)/api" \\
              | tee results.ndjson | smole-csv --fields path,schema,invoice_number,total
            """
        let r = try await runTool("bash", ["-c", script], cwd: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\r\n").map(String.init)
        #expect(rows.count == docs.count + 1)
        for d in docs {
            #expect(
                rows.contains { $0.hasPrefix("\(d.name),invoice,\(d.number),") },
                "\(d.name) routed by content and extracted: \(rows)")
        }
    }
}
