// engine-bench [--jobs N] [--schema S | --classify | --text] [--schemas DIR] [--evidence] [--ocr B] FILES...
// (--text: each file's text as the engine reads it, {"path", "text"}, pages apart by form feeds; with --schema S: the
// text of the reading the extraction of S took its data from, for an image the best of the OCR readings it made)
// Runs the local engine in-process over FILES with N concurrent tasks and writes one NDJSON
// result per file to stdout; timing goes to stderr.
import Foundation
import SmoleEngine
import SmoleRecords

struct EngineBench {
    static func usage() -> Never {
        FileHandle.standardError.write(
            Data(
                "usage: engine-bench [--jobs N] [--schema S | --classify] [--schemas DIR] [--evidence] [--max-pages N] [--ocr auto|tesseract|rapidocr] [--text] FILES...\n"
                    .utf8))
        exit(64)
    }

    static func run() async {
        ToolRuntime.start("engine-bench")
        var args = Array(CommandLine.arguments.dropFirst())
        var jobs = ProcessInfo.processInfo.activeProcessorCount
        var schema: String? = nil
        var classify = false
        var textOnly = false
        var options = EngineOptions()
        var files: [String] = []
        while !args.isEmpty {
            let a = args.removeFirst()
            switch a {
            case "--jobs", "-j":
                guard let v = args.first.flatMap(Int.init), v > 0 else { usage() }; jobs = v; args.removeFirst()
            case "--schema": guard let v = args.first else { usage() }; schema = v; args.removeFirst()
            case "--schemas":
                guard let v = args.first else { usage() }; options.schemaDirs.append(v); args.removeFirst()
            case "--max-pages":
                guard let v = args.first.flatMap(Int.init) else { usage() }; options.maxPages = v; args.removeFirst()
            case "--classify": classify = true
            case "--evidence": options.evidence = true
            case "--ocr":
                guard let v = args.first.flatMap(OCRChoice.init(rawValue:)) else { usage() }; options.ocr = v;
                args.removeFirst()
            case "--text": textOnly = true
            case "-h", "--help": usage()
            default: files.append(a)
            }
        }
        if files.isEmpty { usage() }
        let engine: Engine
        do { engine = try Engine(options: options) } catch {
            Diagnostics.error(error.message)
            ToolRuntime.exit(.usage)
        }
        let truthSchemas = schema == nil && !classify
        let fixedSchema = schema
        let classifyOnly = classify
        let text = textOnly
        let fileList = files
        let clock = ContinuousClock()
        let start = clock.now
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < fileList.count else { return }
                let path = fileList[next]
                next += 1
                group.addTask {
                    var rec = JSONObject()
                    rec["path"] = .string(path)
                    do throws(RecordError) {
                        if text, let fixedSchema {
                            // the text of the reading the extraction took its data from (an image: of all readings made)
                            let out = try await engine.extract(path: path, schema: fixedSchema)
                            var pages = out.ocrText
                            if pages == nil { pages = try await engine.text(path: path) }
                            rec["text"] = .string((pages ?? []).joined(separator: "\u{0C}"))
                            rec["status"] = "ok"
                            LineWriter.stdout.writeLine(JSON.serialize(.object(rec)))
                            return
                        }
                        if text {
                            rec["text"] = .string(try await engine.text(path: path).joined(separator: "\u{0C}"))
                            rec["status"] = "ok"
                            LineWriter.stdout.writeLine(JSON.serialize(.object(rec)))
                            return
                        }
                        var chosen = fixedSchema
                        var route: String? = nil
                        if classifyOnly || truthSchemas {
                            if let c = try await engine.classify(path: path) {
                                chosen = c.schema
                                route = "content: \(c.schema) \(c.confidence)"
                            }
                        }
                        guard let s = chosen else {
                            throw RecordError(.noSchema, "no schema could be chosen for \(path)")
                        }
                        rec["schema"] = .string(s)
                        if let route { rec["route"] = .string(route) }
                        if classifyOnly {
                            rec["status"] = "ok"
                        } else {
                            let out = try await engine.extract(path: path, schema: s)
                            rec["status"] = "ok"
                            rec["data"] = out.data
                            if let e = out.evidence { rec["evidence"] = e }
                        }
                    } catch {
                        rec["status"] = "error"
                        rec["error"] = error.json
                        counter.fail()
                    }
                    LineWriter.stdout.writeLine(JSON.serialize(.object(rec)))
                }
            }
            for _ in 0..<jobs { add() }
            while await group.next() != nil { add() }
        }
        let secs =
            Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        let msg = String(
            format: "engine-bench: %d files, %d errors, %.3f s, %.1f docs/s, jobs %d\n", files.count, counter.failures,
            secs, Double(files.count) / secs, jobs)
        FileHandle.standardError.write(Data(msg.utf8))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func fail() { lock.lock(); n += 1; lock.unlock() }
    var failures: Int { lock.lock(); defer { lock.unlock() }; return n }
}
await EngineBench.run()
