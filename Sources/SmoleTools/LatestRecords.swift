import Foundation
import SmoleRecords

/// Reads a results stream (files or stdin) so that each document counts once: the latest
/// record for a `path` describes it. Lines are spooled to a private temporary file and
/// only a 64-bit key hash per document stays in memory, so a million records fit in a
/// few tens of MB. Records with no `path` (such as `bad_record`s) are always kept. Records are
/// keyed by `DocumentKey` and folded by `ResultFold`.
public final class LatestRecords {
    /// The named inputs that could not be read during pass one.
    public private(set) var problems = InputProblems()
    /// Every input line read in pass one, bad lines and bare paths included.
    public private(set) var totalLines = 0
    private var sources: [String] = []
    private var origin: [(source: UInt32, line: UInt32)] = []
    private var keep: [Bool] = []
    /// The spool file, unlinked as soon as it is made: a tool that ends early (EPIPE ends it
    /// with `_exit`, so no deinit runs) leaves nothing behind in the temporary folder.
    private let spoolFD: Int32

    /// Pass one. `observe` sees every item in input order (for example to gather columns).
    ///
    /// - Throws: `RecordError(.unreadable)` when the temporary spool file cannot be made or opened. Inputs that
    ///   cannot be read are not thrown: they are reported on stderr and kept in `problems`.
    public init(inputs: InputSet, observe: ((InputLine) -> Void)? = nil) throws {
        let dir = FileManager.default.temporaryDirectory.path
        var template = Array("\(dir)/smole-spool-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw RecordError(.unreadable, "cannot create a temporary spool file in \(dir)") }
        unlink(String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        spoolFD = dup(fd)
        guard let out = fdopen(fd, "wb") else { throw RecordError(.unreadable, "cannot open the spool file") }
        defer { fclose(out) }
        var latest = ResultFold.Latest<Int, Int>()
        var keyed: [Int?] = []
        var sourceIndex: [String: UInt32] = [:]
        problems = inputs.forEach { input in
            let s: UInt32
            if let known = sourceIndex[input.source] {
                s = known
            } else {
                s = UInt32(sources.count)
                sourceIndex[input.source] = s
                sources.append(input.source)
            }
            let idx = origin.count
            origin.append((s, UInt32(truncatingIfNeeded: input.line)))
            var bytes: [UInt8]
            switch input.item {
            case .record(let r):
                bytes = r.serializedLine()
                if let k = r.key?.hashValue {
                    latest.offer(r, key: k) { idx }
                    keyed.append(k)
                } else {
                    keyed.append(nil)
                }
            case .path(let p):
                bytes = Array(p.utf8); bytes.append(0x0A)
                let k = DocumentKey(path: p).hashValue
                latest.offer(nil, key: k) { idx }
                keyed.append(k)
            case .bad(let r):
                bytes = r.serializedLine()
                keyed.append(nil)
            }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, out) }
            observe?(input)
        }
        totalLines = origin.count
        keep = [Bool](repeating: false, count: origin.count)
        for (i, k) in keyed.enumerated() {
            if let k { keep[i] = latest[k] == i } else { keep[i] = true }
        }
    }

    deinit { close(spoolFD) }

    /// Pass two: the latest record per document, in the order those records appeared.
    ///
    /// - Throws: Only what `body` throws.
    public func forEach(_ body: (InputLine) throws -> Void) rethrows {
        let fd = dup(spoolFD)
        guard fd >= 0, lseek(fd, 0, SEEK_SET) == 0 else { return }
        let reader = LineReader(fileDescriptor: fd, name: "<spool>")
        var i = 0
        while let bytes = reader.next() {
            defer { i += 1 }
            guard i < keep.count, keep[i] else { continue }
            let (s, l) = origin[i]
            guard let item = RecordParser.classify(bytes, source: sources[Int(s)], line: Int(l)) else { continue }
            try body(InputLine(source: sources[Int(s)], line: Int(l), item: item))
        }
    }
}
