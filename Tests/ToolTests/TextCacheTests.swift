import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// Issue 9, "read each document once": the text cache shared by `smole-route --classify` and `smole-extract`, and
/// route's parallel classification. The built binaries run in real pipes; a stand-in `tesseract` first on PATH logs
/// every reading it is asked for (the SHA-256 of the image it is given, and its options), so the log shows how many
/// times each page was OCRed. Images are rendered here with Pillow; scanned PDFs are made with the project's PDF writer.
@Suite struct TextCacheTests {
    /// Debian's interpreter, which has Pillow (python3-pil).
    static let python =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Renders a receipt-like image of `lines` with Pillow, as `format` ("PNG", or "PPM" for a grey PGM).
    static func render(_ lines: [String], to path: String, format: String = "PNG") async throws {
        let script = """
            import sys, json
            from PIL import Image, ImageDraw
            lines = json.loads(sys.argv[2])
            img = Image.new("L", (600, 60 + 28 * len(lines)), 255)
            d = ImageDraw.Draw(img)
            for i, t in enumerate(lines):
                d.text((30, 30 + 28 * i), t, fill=0)
            img.save(sys.argv[1], sys.argv[3])
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: lines), as: UTF8.self)
        let r = try await runTool(python, ["-c", script, path, json, format])
        try #require(r.status == 0, "Pillow could not render: \(r.stderr)")
    }

    /// A stand-in tesseract: lists one language, answers orientation detection "upright", and for a reading logs
    /// `SHA256-OF-IMAGE OPTIONS` and prints a receipt whose numbers agree (so the engine needs no second reading).
    static func standInTesseract(_ dir: TempDir, sleepFor: String? = nil) throws -> String {
        try dir.writeExecutable(
            "bin/tesseract",
            """
            #!/bin/sh
            case "$*" in *--list-langs*) printf 'List of available languages in "/stand-in/" (1):\\neng\\n'; exit 0;; esac
            img=$1; shift
            echo "$(sha256sum < "$img" | cut -d' ' -f1) $*" >> "$SMOLE_TEST_OCR_LOG"
            case "$*" in *"--psm 0"*) printf 'Page number: 0\\nOrientation in degrees: 0\\nRotate: 0\\nOrientation confidence: 9.00\\n'; exit 0;; esac
            printf 'CORNER CAFE\\n12 Market Street\\nRECEIPT\\nDate: 2026-03-14   Time: 09:41\\nCoffee                3.50\\nBagel                 4.00\\nSubtotal              7.50\\nTax                   0.60\\nTotal                 8.10\\nPaid by VISA\\nThank you for your visit\\n'
            """)
        return dir.file("bin")
    }

    /// Runs `script` under bash -o pipefail with the stand-ins and the built tools first on PATH, the local engine,
    /// the cache in `cache`.
    static func sh(_ script: String, in dir: TempDir, cache: String, env: [String: String] = [:]) async throws
        -> RunResult
    {
        let path =
            dir.file("bin") + ":" + Binaries.directory.path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var e = ["PATH": path, "XDG_CACHE_HOME": cache, "SMOLE_TEST_OCR_LOG": dir.file("ocr.log"), "NO_COLOR": "1"]
        for (k, v) in env { e[k] = v }
        return try await runTool(
            "/bin/bash", ["-o", "pipefail", "-c", script], cwd: dir.path, env: e,
            unset: ["SMOLE_API_KEY", "SMOLE_API_URL"] + (env["SMOLE_CACHE_MAX"] == nil ? ["SMOLE_CACHE_MAX"] : []))
    }

    /// The OCR log's lines since the last call, and empties it.
    static func takeLog(_ dir: TempDir) -> [String] {
        let text = (try? String(contentsOfFile: dir.file("ocr.log"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: dir.file("ocr.log"))
        return text.split(separator: "\n").map(String.init)
    }

    /// Results without the fields that say when a run happened, by path (extract writes them as they finish).
    static func stable(_ stdout: String) throws -> [JSONValue] {
        try stdout.split(separator: "\n").map { line in
            guard case .object(var o) = try JSON.parse(String(line)) else { throw CancellationError() }
            for k in ["started_at", "finished_at", "elapsed_ms"] { o[k] = nil }
            return .object(o)
        }.sorted { ($0["path"]?.stringValue ?? "") < ($1["path"]?.stringValue ?? "") }
    }

    /// Two scanned receipts (PNG images) and a two-page scanned PDF (no text layer).
    static func makeScans(_ dir: TempDir) async throws {
        try FileManager.default.createDirectory(atPath: dir.file("scans"), withIntermediateDirectories: true)
        try await render(["CORNER CAFE", "Coffee 3.50", "Total 8.10"], to: dir.file("scans/a.png"))
        try await render(["HARBOR BAKERY", "Bread 2.20", "Total 2.20"], to: dir.file("scans/b.png"))
        var pdf = PDFWriter()
        for (k, title) in ["NORTH MARKET page one", "NORTH MARKET page two"].enumerated() {
            let pgm = dir.file("page\(k).pgm")
            try await render([title, "Total 9.99"], to: pgm, format: "PPM")
            try pdf.addImagePage(pgm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: pgm))))
        }
        try pdf.write(to: dir.file("scans/c.pdf"))
    }

    static let pipeline = "smole-ls scans | smole-route --classify --default invoice | smole-extract > results.ndjson"

    @Test func routeAndExtractOCREachPageOnceAndARerunOCRsNothing() async throws {
        let dir = try TempDir("smole-text-cache"); defer { dir.cleanup() }
        _ = try Self.standInTesseract(dir)
        try await Self.makeScans(dir)
        let cache = dir.file("cache")

        let first = try await Self.sh(Self.pipeline, in: dir, cache: cache)
        #expect(first.status == 0, "\(first.stderr)")
        let results = try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8))
        #expect(results.count == 3)
        for r in results {
            #expect(r["status"]?.stringValue == "ok", "\(r)")
            #expect(r["schema"]?.stringValue == "receipt", "classified by the stand-in's text: \(r)")
            #expect(r["data"]?["total"]?.doubleValue == 8.10, "\(r)")
        }
        let log = Self.takeLog(dir)
        // each image, and each page of the PDF, OCRed exactly once across route --classify and extract
        #expect(Set(log).count == log.count, "a page was OCRed twice:\n\(log.joined(separator: "\n"))")
        #expect(Set(log.map { $0.prefix(64) }).count == 4, "two images and the PDF's two pages: \(log)")

        // the same folder again: no OCR at all, and the same results
        let second = try await Self.sh(Self.pipeline, in: dir, cache: cache)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Self.takeLog(dir) == [])
        #expect(try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8)) == results)

        // --no-cache reads afresh: route and extract each OCR
        let fresh = try await Self.sh(
            "smole-ls scans | smole-route --classify --no-cache --default invoice | smole-extract --no-cache > results.ndjson",
            in: dir, cache: cache)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let freshLog = Self.takeLog(dir)
        #expect(freshLog.count > log.count, "without the cache the images are OCRed again: \(freshLog)")
        #expect(Set(freshLog).count < freshLog.count, "route and extract both read the scans")
        #expect(try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8)) == results)

        // the folder is private, and so is every entry
        var st = stat()
        #expect(stat(cache + "/smole", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache + "/smole")
        #expect(!entries.isEmpty)
        for e in entries {
            #expect(e.hasSuffix(".json"), "no temporary file left behind: \(e)")
            #expect(stat(cache + "/smole/" + e, &st) == 0 && st.st_mode & 0o777 == 0o600, "\(e)")
        }
    }

    @Test func aCorruptOrTornEntryIsIgnoredAndWrittenAgain() async throws {
        let dir = try TempDir("smole-text-cache"); defer { dir.cleanup() }
        _ = try Self.standInTesseract(dir)
        try FileManager.default.createDirectory(atPath: dir.file("scans"), withIntermediateDirectories: true)
        try await Self.render(["CORNER CAFE", "Total 8.10"], to: dir.file("scans/a.png"))
        let cache = dir.file("cache")
        let run = "smole-extract --schema receipt scans/a.png > results.ndjson"
        #expect(try await Self.sh(run, in: dir, cache: cache).status == 0)
        let want = try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8))
        #expect(Self.takeLog(dir).count == 1)

        let folder = cache + "/smole"
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        try #require(entries.count == 1)
        let entry = folder + "/" + entries[0]
        let good = try Data(contentsOf: URL(fileURLWithPath: entry))
        // torn: the first half of the file only
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: entry))
        #expect(try await Self.sh(run, in: dir, cache: cache).status == 0)
        #expect(Self.takeLog(dir).count == 1, "a torn entry is not used")
        #expect(try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8)) == want)
        #expect(try Data(contentsOf: URL(fileURLWithPath: entry)) == good, "and is written again")

        // damaged but still JSON: a changed digit in the text fails the checksum
        var text = String(decoding: good, as: UTF8.self)
        text = text.replacingOccurrences(of: "8.10", with: "9.10")
        try text.write(toFile: entry, atomically: false, encoding: .utf8)
        #expect(try await Self.sh(run, in: dir, cache: cache).status == 0)
        #expect(Self.takeLog(dir).count == 1, "a damaged entry is not used")
        #expect(try Self.stable(try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8)) == want)

        // and now it is whole again
        #expect(try await Self.sh(run, in: dir, cache: cache).status == 0)
        #expect(Self.takeLog(dir) == [])
    }

    @Test func theCacheIsBoundedAndCanBeTurnedOff() async throws {
        let dir = try TempDir("smole-text-cache"); defer { dir.cleanup() }
        _ = try Self.standInTesseract(dir)
        try await Self.makeScans(dir)
        func size(_ folder: String) throws -> (bytes: Int, entries: Int) {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            let bytes = try names.map {
                try FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as? Int ?? 0
            }.reduce(0, +)
            return (bytes, names.count)
        }
        let run = "smole-extract --schema receipt scans/a.png scans/b.png scans/c.pdf > results.ndjson"
        // unbounded (the default bound): every reading is kept
        #expect(try await Self.sh(run, in: dir, cache: dir.file("cache-all")).status == 0)
        let all = try size(dir.file("cache-all/smole"))
        let bound = 2000
        try #require(all.bytes > bound, "the run writes more than the bound: \(all)")
        // bounded: the oldest readings go, the newest stay
        let small = try await Self.sh(run, in: dir, cache: dir.file("cache"), env: ["SMOLE_CACHE_MAX": String(bound)])
        #expect(small.status == 0, "\(small.stderr)")
        let kept = try size(dir.file("cache/smole"))
        #expect(kept.bytes <= bound, "entries over the bound were evicted: \(kept)")
        #expect(kept.entries >= 1 && kept.entries < all.entries, "\(kept) of \(all)")
        _ = Self.takeLog(dir)

        // SMOLE_CACHE_MAX=0: no cache folder at all
        let off = dir.file("cache-off")
        let r = try await Self.sh(
            "smole-extract --schema receipt scans/a.png > results.ndjson", in: dir, cache: off,
            env: ["SMOLE_CACHE_MAX": "0"])
        #expect(r.status == 0)
        #expect(!FileManager.default.fileExists(atPath: off + "/smole"))
    }

    /// A stand-in pdftotext logs when each call starts and ends and sleeps longer on the first document; with -j 2
    /// the others are read meanwhile, and still every input line gives one output line in input order.
    @Test func routeClassifiesInParallelAndKeepsInputOrder() async throws {
        let dir = try TempDir("smole-route-jobs"); defer { dir.cleanup() }
        try dir.writeExecutable(
            "bin/pdftotext",
            """
            #!/bin/sh
            for a in "$@"; do doc=$a; done
            for a in "$@"; do [ "$a" = "-" ] || doc=$a; done
            echo "start $(basename "$doc") $(date +%s.%N)" >> "$SMOLE_TEST_OCR_LOG"
            case "$doc" in *slow*) sleep 1.5;; *) sleep 0.2;; esac
            case "$doc" in
              *receipt*) printf 'CORNER CAFE\\nRECEIPT\\nCoffee   3.50\\nTotal    3.50\\nPaid by VISA  Thank you for your visit\\n';;
              *) printf 'INVOICE\\nInvoice No: A-17\\nBill to: Summit Events Inc.\\nDue date: 2026-04-01\\nTotal: 40.00 EUR\\n';;
            esac
            echo "end $(basename "$doc") $(date +%s.%N)" >> "$SMOLE_TEST_OCR_LOG"
            """)
        var lines: [String] = []
        for (i, name) in ["slow-invoice", "receipt-1", "invoice-2", "receipt-3", "invoice-4"].enumerated() {
            let p = try dir.write("docs/\(name).pdf", "%PDF-1.4\n% stand-in \(i)\n")
            lines.append(#"{"path":"\#(p)","n":\#(i)}"#)
            if i == 2 { lines.append(#"{"path": broken"#) }
        }
        let input = dir.file("input.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let r = try await Self.sh(
            "smole-route --classify -j 2 --no-cache < input.ndjson", in: dir, cache: dir.file("cache"))
        #expect(r.status == 1, "the broken line makes the exit status 1: \(r.stderr)")
        let out = r.stdoutLines
        try #require(out.count == 6, "one output line per input line: \(out)")
        let recs = try out.map { try JSON.parse($0) }
        #expect(recs.map { $0["n"]?.intValue } == [0, 1, 2, nil, 3, 4])
        #expect(recs[3]["error"]?["code"]?.stringValue == "bad_record")
        #expect(recs.map { $0["schema"]?.stringValue } == ["invoice", "receipt", "invoice", nil, "receipt", "invoice"])

        // the fast documents were read while the slow first one was
        let log = Self.takeLog(dir)
        func time(_ event: String, _ name: String) -> Double? {
            log.first { $0.hasPrefix("\(event) \(name).pdf ") }.flatMap { Double($0.split(separator: " ")[2]) }
        }
        let slowEnd = try #require(time("end", "slow-invoice"))
        let fastStart = try #require(time("start", "receipt-1"))
        #expect(fastStart < slowEnd, "-j 2 reads a second document while the first is still being read")
        // and never more than two at once
        var events: [(Double, Int)] = []
        for l in log {
            let p = l.split(separator: " ")
            if p.count == 3, let t = Double(p[2]) { events.append((t, p[0] == "start" ? 1 : -1)) }
        }
        events.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var cur = 0, most = 0
        for e in events { cur += e.1; most = max(most, cur) }
        #expect(most == 2)
    }
}
