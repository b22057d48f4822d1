import AsyncHTTPClient
import Foundation
import NIOCore
import SmoleEngine
import SmoleRecords
import Testing
import _SmoleTestSupport

/// The built `smole-serve` binary on an ephemeral port, with the real engine behind it.
@Suite("smole-serve binary", .serialized)
struct BinaryServerTests {
    @Test func listensHealthAndSchemas() async throws {
        let tmp = try TempDir("serve-bin")
        defer { tmp.cleanup() }
        let server = try await ServeProcess.launch(["--port", "0", "--workers", "2"], env: ["TMPDIR": tmp.path])
        let base = server.baseURL
        #expect(base.hasPrefix("http://127.0.0.1:"), "binds loopback by default: \(base)")
        let health = try await HTTP.get(base + "/healthz")
        #expect(health.status == 200)
        #expect(health.json?["status"]?.stringValue == "ok")
        #expect(health.json?["workers"]?.intValue == 2)

        let engine = try Engine()
        let list = try await HTTP.get(base + "/api/schemas")
        #expect(list.status == 200)
        #expect(
            list.json?["schemas"]?.arrayValue?.compactMap(\.stringValue) == engine.schemaIDs,
            "the server lists the engine's schemas")
        for id in engine.schemaIDs {
            let s = try await HTTP.get(base + "/api/schemas/\(id)")
            #expect(s.status == 200)
            #expect(s.json != nil)
        }
        let none = try await HTTP.get(base + "/api/schemas/no-such-schema")
        #expect(none.status == 404)
        #expect(none.header("Content-Type") == "application/problem+json")
        #expect(none.json?["code"]?.stringValue == "no_schema")

        let job = try await HTTP.get(base + "/api/pipeline/\(UUID().uuidString.lowercased())")
        #expect(job.status == 404)
        let p = try #require(job.json)
        for field in ["type", "title", "status", "detail", "code"] {
            #expect(p[field] != nil, "problem+json has \(field)")
        }
        #expect(p["code"]?.stringValue == "job_expired")

        #expect(await server.stop() == 143)
        #expect(server.stdout.isEmpty, "stdout carries no messages")
        #expect(server.stderr.contains("GET /healthz 200"), "one request log line per request:\n\(server.stderr)")
        #expect(
            server.stderr.components(separatedBy: "listening").count - 1 == 1,
            "the listening line appears once:\n\(server.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty,
            "the private upload folder is removed at shutdown")
    }

    @Test func realEngineBehindTheAPI() async throws {
        let tmp = try TempDir("serve-engine")
        defer { tmp.cleanup() }
        let invoice = """
            ACME Tools GmbH
            Hauptstrasse 1, 10115 Berlin

            INVOICE
            Invoice number: INV-2026-0042
            Invoice date: 2026-03-14
            Due date: 2026-04-13
            Bill to: Northwind Traders Ltd

            Description            Qty   Unit price    Amount
            Cordless drill           2        49.50     99.00
            Drill bits set           1        15.00     15.00

            Subtotal                                   114.00
            VAT 19%                                     21.66
            Total                                  EUR 135.66
            """
        let doc = Array(invoice.utf8)
        let server = try await ServeProcess.launch(["--port", "0", "--workers", "1"], env: ["TMPDIR": tmp.path])
        let base = server.baseURL
        let engine = try Engine()
        if engine.schemaIDs.isEmpty {
            // The engine is still a placeholder with no schemas: the API's error path for an
            // unknown schema is what can be asserted today.
            let r = try await HTTP.submit(base, file: doc, fileName: "invoice.txt", schemaId: "invoice")
            #expect(r.status == 422)
            #expect(r.json?["code"]?.stringValue == "no_schema")
            #expect(r.header("Content-Type") == "application/problem+json")
            #expect(await server.stop() == 143)
            return
        }
        try #require(engine.schemaIDs.contains("invoice"), "the engine ships the built-in invoice schema")
        let r = try await HTTP.submit(base, file: doc, fileName: "invoice.txt", schemaId: "invoice")
        #expect(r.status == 202)
        let id = try #require(r.json?["id"]?.stringValue)
        let done = try await HTTP.waitForJob(base, id, timeout: .seconds(120))
        let job = try #require(done.json)
        let status = job["status"]?.stringValue
        #expect(status == "completed" || status == "failed")
        if status == "completed" {
            let data = try #require(job["extraction"]?.objectValue?["data"]?.objectValue)
            for field in ["vendor_name", "invoice_number", "date", "total", "line_items"] {
                #expect(data[field] != nil, "invoice data has \(field)")
            }
            // Values found must be the document's (a field not found is null, never a guess).
            if let n = data["invoice_number"]?.stringValue { #expect(n == "INV-2026-0042") }
            if let t = data["total"]?.doubleValue { #expect(t == 135.66) }
        } else {
            // A failure must still be a documented error code.
            #expect(ErrorCode(rawValue: job["errorCode"]?.stringValue ?? "") != nil)
        }
        #expect(await server.stop() == 143)
    }

    @Test func oversizeUploadGets413() async throws {
        let server = try await ServeProcess.launch(["--port", "0", "--max-upload", "1KB", "--quiet"])
        let base = server.baseURL
        let r = try await HTTP.submit(base, file: noiseBytes(256 * 1024), fileName: "big.pdf", schemaId: "invoice")
        #expect(r.status == 413)
        #expect(r.header("Content-Type") == "application/problem+json")
        #expect(r.json?["code"]?.stringValue == "too_large")
        #expect(r.json?["detail"]?.stringValue?.contains("1KB") == true)
        #expect(await server.stop() == 143)
        #expect(!server.stderr.contains("POST"), "--quiet drops the request log")
    }

    @Test func apiKeyFromEnvironment() async throws {
        let key = "env-key-\(UUID().uuidString)"
        let server = try await ServeProcess.launch(["--port", "0"], env: ["SMOLE_SERVE_API_KEY": key])
        let base = server.baseURL
        let none = try await HTTP.get(base + "/api/schemas")
        #expect(none.status == 401)
        #expect(none.json?["code"]?.stringValue == "unauthorized")
        let wrong = try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer not-\(key)")])
        #expect(wrong.status == 401)
        let right = try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer \(key)")])
        #expect(right.status == 200)
        let post = try await HTTP.submit(base, file: Array("x".utf8), schemaId: "no-such-schema", key: key)
        #expect(post.status == 422, "past the key check, the schema check answers")
        let unauth = try await HTTP.submit(base, file: Array("x".utf8), schemaId: "invoice")
        #expect(unauth.status == 401)
        #expect(await server.stop() == 143)
        #expect(!server.stderr.contains(key), "the key never appears in the log")
        #expect(!server.stdout.contains(key))
    }

    @Test func apiKeyFromFile() async throws {
        let tmp = try TempDir("serve-key")
        defer { tmp.cleanup() }
        let key = "file-key-\(UUID().uuidString)"
        let keyFile = try tmp.write("key", key + "\n")
        let server = try await ServeProcess.launch(
            ["--port", "0", "--api-key-file", keyFile], env: ["SMOLE_SERVE_API_KEY": "ignored-when-a-file-is-given"])
        let base = server.baseURL
        #expect(try await HTTP.get(base + "/api/schemas").status == 401)
        #expect(
            try await HTTP.get(
                base + "/api/schemas", headers: [("Authorization", "Bearer ignored-when-a-file-is-given")]
            ).status == 401)
        #expect(try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer \(key)")]).status == 200)
        #expect(await server.stop() == 143)
        #expect(!server.stderr.contains(key))

        let empty = try tmp.write("empty", "\n")
        let bad = try await ServeProcess.launch(["--port", "0", "--api-key-file", empty], waitForListening: false)
        #expect(await bad.waitForExit() == 64)
        #expect(bad.stderr.contains("smole-serve: error"))
        #expect(bad.stderr.contains("empty"))
        let missing = try await ServeProcess.launch(
            ["--port", "0", "--api-key-file", tmp.file("nope")], waitForListening: false)
        #expect(await missing.waitForExit() == 66)
    }

    @Test func usageErrorsAndBusyPort() async throws {
        for args in [
            ["--max-upload", "lots"], ["--keep", "forever"], ["--workers", "0"], ["--port", "70000"], ["--bogus"],
        ] {
            let p = try await ServeProcess.launch(args, waitForListening: false)
            #expect(await p.waitForExit() == 64, "\(args)")
            #expect(!p.stderr.isEmpty)
        }
        let first = try await ServeProcess.launch(["--port", "0", "--quiet"])
        let port = String(first.baseURL.split(separator: ":").last!)
        let second = try await ServeProcess.launch(["--port", port, "--quiet"], waitForListening: false)
        #expect(await second.waitForExit() == 69)
        #expect(second.stderr.contains("smole-serve: error"))
        #expect(await first.stop() == 143)
    }

    @Test func sigtermShutsDownGracefullyAndSigintToo() async throws {
        let tmp = try TempDir("serve-term")
        defer { tmp.cleanup() }
        let server = try await ServeProcess.launch(["--port", "0"], env: ["TMPDIR": tmp.path])
        let base = server.baseURL
        // A job in flight at shutdown: the engine rejects the schema or runs; either way the
        // server must exit cleanly and leave nothing behind.
        _ = try await HTTP.submit(base, file: noiseBytes(2 * 1024 * 1024), fileName: "big.pdf", schemaId: "invoice")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: tmp.path).count == 1,
            "one private upload folder while running")
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 143)
        #expect(server.stderr.contains("SIGTERM: shutting down"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
        // After shutdown nothing listens (the client retries connecting until its deadline).
        await #expect(throws: (any Error).self) { _ = try await HTTP.get(base + "/healthz", timeout: .seconds(2)) }

        let again = try await ServeProcess.launch(["--port", "0", "--quiet"], env: ["TMPDIR": tmp.path])
        again.signal(SIGINT)
        #expect(await again.waitForExit() == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func concurrentClientsAgainstTheBinary() async throws {
        let server = try await ServeProcess.launch(["--port", "0", "--quiet", "--workers", "2"])
        let base = server.baseURL
        let n = 16
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<n {
                group.addTask {
                    if i % 2 == 0 { return try await HTTP.get(base + "/healthz").status }
                    return try await HTTP.submit(
                        base, file: noiseBytes(512 * 1024, seed: UInt64(i + 3)), schemaId: "no-such-schema"
                    ).status
                }
            }
            var all: [Int] = []
            for try await s in group { all.append(s) }
            return all
        }
        #expect(statuses.filter { $0 == 200 }.count == n / 2)
        #expect(statuses.filter { $0 == 422 }.count == n / 2)
        #expect(await server.stop() == 143)
    }
}

@Suite("smole-serve man page")
struct ServeManPageTests {
    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    @Test func everyOptionIsDocumented() async throws {
        let page = try String(contentsOf: Self.packageRoot.appendingPathComponent("man/smole-serve.1"), encoding: .utf8)
        for section in [
            "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "ENVIRONMENT", "SEE ALSO",
        ] {
            #expect(page.contains(".Sh \(section)"), "section \(section)")
        }
        let help = try await runTool("smole-serve", ["--help"])
        #expect(help.status == 0)
        let options = Set(
            help.stdout.split(whereSeparator: { " ,\n[]<>=".contains($0) }).map(String.init).filter {
                $0.hasPrefix("--") && $0.count > 2
            })
        #expect(options.count >= 10)
        for opt in options where opt != "--help" && opt != "--version" {
            // mdoc writes --long as "Fl \-long" or "\-\-long"
            let name = String(opt.dropFirst(2))
            #expect(
                page.contains("Fl \\-\(name)") || page.contains("\\-\\-\(name)") || page.contains("--\(name)"),
                "\(opt) is in the man page")
        }
        #expect(page.contains("SMOLE_SERVE_API_KEY"))
        #expect(page.lowercased().contains("stream"), "the page says whether the tool streams or buffers")
    }
}
