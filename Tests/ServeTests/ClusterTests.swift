import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// Issue 13: several real smole-serve nodes behind real nginx, made by `scripts/cluster up`
/// (loopback ports, so the test needs no root), with the real smole-extract in front.
@Suite("smole-serve nodes behind nginx", .serialized)
struct ClusterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A cluster that `scripts/cluster up` started; `down()` removes it.
    struct Cluster {
        var runDir: String
        /// The base URL nginx serves, ending in /api.
        var api: String
        /// Node id to its process id, from the run folder's `nodes` file.
        var pids: [String: pid_t]

        func file(_ name: String) -> String { runDir + "/" + name }
        func text(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }

        /// The access log's lines as fields: time, method, uri, status, "key", seconds, then the upstream
        /// address(es) and status(es) as one field (after a failover: "A, B 502, 202").
        var accessLog: [[String]] {
            text("nginx-access.log").split(separator: "\n").map { line in
                let f = line.split(separator: " ", maxSplits: 6).map(String.init)
                return f.count == 7 ? f : f + Array(repeating: "", count: 7 - f.count)
            }
        }

        func down() async {
            _ = try? await runTool(
                "/usr/bin/env", ["bash", ClusterTests.root.path + "/scripts/cluster", "down", "--run-dir", runDir])
        }
    }

    static func up(_ n: Int, key: String, serveOptions: [String] = []) async throws -> Cluster {
        let runDir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "smole-cluster-test-\(UUID().uuidString)"
        ).path
        let r = try await runTool(
            "/usr/bin/env",
            [
                "bash", root.path + "/scripts/cluster", "up", String(n), "--loopback", "--run-dir", runDir, "--",
                "--quiet",
            ] + serveOptions,
            env: ["SMOLE_BIN_DIR": Binaries.directory.path, "SMOLE_SERVE_API_KEY": key, "SMOLE_CACHE_MAX": "0"])
        guard r.status == 0, let url = r.stdoutLines.last, url.hasPrefix("http://127.0.0.1:"), url.hasSuffix("/api")
        else {
            let c = Cluster(runDir: runDir, api: "", pids: [:])
            await c.down()
            throw ServeProcess.LaunchError(
                description: "scripts/cluster up failed (\(r.status)):\n\(r.stdout)\n\(r.stderr)")
        }
        let nodes = (try? String(contentsOfFile: runDir + "/nodes", encoding: .utf8)) ?? ""
        var pids: [String: pid_t] = [:]
        for line in nodes.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count >= 4, let pid = pid_t(f[3]) { pids[String(f[0])] = pid }
        }
        #expect(pids.count == n, "the run folder lists \(n) nodes:\n\(nodes)")
        return Cluster(runDir: runDir, api: url, pids: pids)
    }

    /// Runs `body` against a cluster of `n` nodes and removes the cluster afterwards, also when `body` throws.
    static func withCluster(_ n: Int, key: String, serveOptions: [String] = [], _ body: (Cluster) async throws -> Void)
        async throws
    {
        let cluster = try await up(n, key: key, serveOptions: serveOptions)
        do {
            try await body(cluster)
        } catch {
            await cluster.down()
            throw error
        }
        await cluster.down()
        #expect(!FileManager.default.fileExists(atPath: cluster.runDir), "scripts/cluster down removes its run folder")
        for (id, pid) in cluster.pids { #expect(!isRunning(pid), "node \(id) is stopped") }
    }

    /// Whether `pid` is a live process (not gone, not a zombie waiting for a parent to reap it).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    struct Doc {
        var path: String
        var number: String
    }

    /// `count` invoices, alternately PDF (the project's PDF writer) and plain text, every one different.
    static func documents(_ count: Int, in dir: TempDir) throws -> [Doc] {
        let pdfs = try ExtractAgainstServeTests.makeInvoices(in: dir, count: (count + 1) / 2)
        var docs = pdfs.map { Doc(path: dir.file($0.name), number: $0.number) }
        for i in 0..<(count / 2) {
            let number = "TX-\(7000 + i)"
            let text = """
                Lakeside Stationery \(i)
                2 Mill Lane, Riverton

                INVOICE
                Invoice No: \(number)
                Date: 2026-05-\(10 + i % 18)

                Description                 Qty   Unit Price   Amount
                Paper ream grade \(i)          \(i + 1)        4.00     \(String(format: "%.2f", Double(i + 1) * 4))

                Total                                      EUR \(String(format: "%.2f", Double(i + 1) * 4))
                """
            docs.append(Doc(path: try dir.write("note-\(i).txt", text), number: number))
        }
        return docs
    }

    /// The records by path; each path must appear once.
    static func records(_ r: RunResult) throws -> [String: Record] {
        var out: [String: Record] = [:]
        for line in r.stdoutLines {
            guard case .object(let o) = try JSON.parse(line) else { continue }
            let rec = Record(o)
            let path = rec.path ?? ""
            #expect(out[path] == nil, "one record per document, but \(path) came twice")
            out[path] = rec
        }
        return out
    }

    static func checkEveryDocumentOnce(_ r: RunResult, _ docs: [Doc]) throws -> [String: Record] {
        let byPath = try records(r)
        #expect(
            r.stdoutLines.count == docs.count, "\(r.stdoutLines.count) records for \(docs.count) documents\n\(r.stderr)"
        )
        for d in docs {
            let rec = try #require(byPath[d.path], "no record for \(d.path)")
            #expect(rec.status == "ok", "\(d.path): \(rec.serialized())")
            #expect(rec.data?["invoice_number"]?.stringValue == d.number, "\(d.path): \(rec.serialized())")
        }
        return byPath
    }

    static func node(ofJob job: String?) -> String? {
        guard let job, let dot = job.firstIndex(of: ".") else { return nil }
        return String(job[..<dot])
    }

    @Test func nodeIDIsTheFrontOfEveryJobIDAndInHealthz() async throws {
        let tmp = try TempDir("serve-node-id")
        defer { tmp.cleanup() }
        let server = try await ServeProcess.launch(
            ["--port", "0", "--workers", "1", "--node-id", "east-2_b", "--quiet"], env: ["TMPDIR": tmp.path])
        let health = try await HTTP.get(server.baseURL + "/healthz")
        #expect(health.json?["node"]?.stringValue == "east-2_b")
        let sub = try await HTTP.submit(
            server.baseURL, file: Array("INVOICE\nInvoice No: N-1\nTotal: 5.00 EUR\n".utf8), schemaId: "invoice")
        #expect(sub.status == 202)
        let id = try #require(sub.json?["id"]?.stringValue)
        #expect(id.hasPrefix("east-2_b."), "\(id)")
        #expect(UUID(uuidString: String(id.dropFirst("east-2_b.".count))) != nil, "ID.UUID: \(id)")
        #expect(sub.header("Location") == "/api/pipeline/\(id)")
        var status = ""
        for _ in 0..<200 where status != "completed" {
            status = try await HTTP.get(server.baseURL + "/api/pipeline/\(id)").json?["status"]?.stringValue ?? ""
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "completed")
        #expect(await server.stop() == 143)

        for bad in ["a.b", "", "n 1", "n/1", "ü", String(repeating: "x", count: 64)] {
            let r = try await runTool("smole-serve", ["--node-id", bad, "--port", "0"])
            #expect(r.status == 64, "--node-id \"\(bad)\" is a usage error: \(r.stderr)")
            #expect(r.stderr.contains("--node-id"), "\(r.stderr)")
        }
        let dot = try await runTool("smole-serve", ["--node-id", "a.b", "--port", "0"])
        #expect(dot.stderr.contains("dot"), "says why: \(dot.stderr)")
    }

    @Test func documentsSpreadOverThreeNodesEachOkOnceUploadedOnce() async throws {
        let dir = try TempDir("cluster-docs")
        defer { dir.cleanup() }
        let docs = try Self.documents(120, in: dir)
        let key = "cluster-\(UUID().uuidString)"
        try await Self.withCluster(3, key: key) { cluster in
            let r = try await runTool(
                "smole-extract", ["--api", cluster.api, "--schema", "invoice", "-j", "9"] + docs.map(\.path),
                env: ["SMOLE_API_KEY": key])
            #expect(r.status == 0, "\(r.stderr)")
            let byPath = try Self.checkEveryDocumentOnce(r, docs)
            #expect(
                !r.stdout.contains(key) && !r.stderr.contains(key) && !cluster.text("nginx-access.log").contains(key),
                "the key appears nowhere")

            // Spread: the consistent hash of the Idempotency-Key put jobs on every node.
            var perNode: [String: Int] = [:]
            for rec in byPath.values { perNode[Self.node(ofJob: rec["job"]?.stringValue) ?? "?", default: 0] += 1 }
            #expect(Set(perNode.keys) == ["n1", "n2", "n3"], "jobs by node: \(perNode)")
            #expect(perNode.values.allSatisfy { $0 >= 10 }, "every node takes a real share: \(perNode)")

            // Uploaded once: 120 POSTs through nginx, 120 distinct keys, each accepted (202) by the first node tried.
            let posts = cluster.accessLog.filter { $0[1] == "POST" }
            #expect(posts.count == 120, "\(posts.count) uploads for 120 documents")
            #expect(Set(posts.map { $0[4] }).count == 120, "each document's Idempotency-Key once")
            #expect(posts.allSatisfy { $0[3] == "202" }, "\(posts.filter { $0[3] != "202" })")
            // Polls reached the node that holds the job (the map on the URI): no poll was answered 404.
            let polls = cluster.accessLog.filter { $0[1] == "GET" && $0[2].hasPrefix("/api/pipeline/") }
            #expect(!polls.isEmpty)
            for p in polls {
                let node = Self.node(ofJob: String(p[2].dropFirst("/api/pipeline/".count)))
                #expect(p[3] == "200", "poll \(p.joined(separator: " "))")
                let port = p[6].split(separator: " ").first?.split(separator: ":").last.map(String.init) ?? ""
                let nodeLine = cluster.text("nodes").split(separator: "\n").first { $0.hasPrefix("\(node ?? "?") ") }
                #expect(
                    nodeLine?.split(separator: " ")[2] == Substring(port),
                    "poll of a \(node ?? "?") job went to \(p[6])")
            }
        }
    }

    @Test func aNodeKilledMidRunLosesNothingAndCountsNothingTwice() async throws {
        let dir = try TempDir("cluster-kill")
        defer { dir.cleanup() }
        let docs = try Self.documents(120, in: dir)
        let key = "cluster-\(UUID().uuidString)"
        try await Self.withCluster(3, key: key) { cluster in
            let victim = "n2"
            let victimPid = try #require(cluster.pids[victim])

            async let run = runTool(
                "smole-extract", ["--api", cluster.api, "--schema", "invoice", "-j", "9"] + docs.map(\.path),
                env: ["SMOLE_API_KEY": key])
            // Stop the victim once the run is well under way (30 uploads through nginx), so that what it holds stays
            // unfinished and unfetched: the jobs it accepted, and the uploads hashed to it meanwhile. When the cluster has
            // seen that (a poll of one of its jobs answered 404 job_expired, or an upload to it answered 503 after
            // nginx's read timeout), kill it with SIGKILL.
            // (The watch runs on a thread of its own: on a busy 2-core machine the concurrency pool can be held by
            // other suites' engine work for longer than the whole run takes, and a watch on it saw all 120 uploads at
            // once.)
            let deadline = ContinuousClock.now + .seconds(50)
            let stoppedAfter: Int = await withCheckedContinuation { cont in
                Thread.detachNewThread {
                    while ContinuousClock.now < deadline {
                        let posts = cluster.accessLog.filter { $0[1] == "POST" }.count
                        if posts >= 30 {
                            kill(victimPid, SIGSTOP)
                            cont.resume(returning: posts)
                            return
                        }
                        usleep(10_000)
                    }
                    cont.resume(returning: 0)
                }
            }
            let victimAddress = "127.0.0.1:\(cluster.nodePort(victim))"
            func noticed() -> Bool {
                cluster.accessLog.contains { e in
                    (e[1] == "GET" && e[2].hasPrefix("/api/pipeline/\(victim).") && e[3] == "404")
                        || (e[1] == "POST" && e[3] == "503" && e[6].contains(victimAddress))
                }
            }
            while stoppedAfter > 0, !noticed(), ContinuousClock.now < deadline + .seconds(30) {
                try await Task.sleep(for: .milliseconds(100))
            }
            kill(victimPid, SIGCONT)
            kill(victimPid, SIGKILL)
            let r = try await run
            #expect(
                stoppedAfter > 0 && stoppedAfter < 120,
                "the node was stopped and killed mid-run, after \(stoppedAfter) uploads")
            #expect(r.status == 0, "\(r.stderr)")
            let byPath = try Self.checkEveryDocumentOnce(r, docs)

            // The victim's unfinished jobs were lost with it: nginx answered their polls 404 job_expired, and the uploads
            // it held 503; the client submitted those documents again, and the surviving nodes took them.
            let lost = cluster.accessLog.filter {
                $0[1] == "GET" && $0[2].hasPrefix("/api/pipeline/\(victim).") && $0[3] == "404"
            }
            let held = cluster.accessLog.filter { $0[1] == "POST" && $0[3] == "503" && $0[6].contains(victimAddress) }
            #expect(!lost.isEmpty || !held.isEmpty, "polls or uploads met the stopped, then dead, node")
            let posts = cluster.accessLog.filter { $0[1] == "POST" }
            #expect(posts.count > 120, "lost documents were uploaded again (\(posts.count) uploads)")
            #expect(Set(posts.map { $0[4] }).count == 120)
            let resubmitted = Set(lost.map { String($0[2].dropFirst("/api/pipeline/".count)) })
            for rec in byPath.values {
                if let job = rec["job"]?.stringValue {
                    #expect(!resubmitted.contains(job), "a lost job is never the result: \(job)")
                }
            }
            let afterKill = byPath.values.filter { Self.node(ofJob: $0["job"]?.stringValue) != victim }.count
            #expect(afterKill > 40, "the survivors took the rest: \(afterKill)")
        }
    }
}

extension ClusterTests.Cluster {
    /// The loopback port node `id` listens on.
    func nodePort(_ id: String) -> String {
        text("nodes").split(separator: "\n").first { $0.hasPrefix("\(id) ") }.map {
            String($0.split(separator: " ")[2])
        } ?? "?"
    }
}
