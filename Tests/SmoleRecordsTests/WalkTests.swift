import Foundation
import Testing
import _SmoleTestSupport

@testable import SmoleRecords
@testable import SmoleTools

/// `n` bytes from /dev/urandom (fast, unlike a per-byte generator in a debug build).
private func randomBytes(_ n: Int) throws -> [UInt8] {
    let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
    defer { try? h.close() }
    var out: [UInt8] = []
    while out.count < n { out += try h.read(upToCount: n - out.count) ?? Data() }
    return out
}

/// `Digest256` is swift-crypto's SHA-256 behind smole-ls's reuse-per-file interface: the FIPS 180
/// vectors, uneven chunks and `reset`, and agreement with coreutils' sha256sum.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func vectors(_ input: String, _ digest: String) {
        #expect(Digest256.hash(Array(input.utf8)) == digest)
    }

    @Test func millionAsInChunksOfEverySizeAfterAReset() {
        // FIPS 180-2: one million 'a'. Fed in uneven pieces to cross block boundaries, after
        // bytes that a reset forgets; finalize starts afresh, so the same value is reused.
        let a = [UInt8](repeating: 0x61, count: 1_000_000)
        let d = Digest256()
        [UInt8](repeating: 7, count: 10).withUnsafeBytes { d.update($0) }
        d.reset()
        for _ in 0..<2 {
            var off = 0
            var step = 1
            while off < a.count {
                let n = min(step, a.count - off)
                a[off..<off + n].withUnsafeBytes { d.update($0) }
                off += n
                step = step % 131 + 7
            }
            #expect(d.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        }
    }

    @Test func agreesWithSha256sum() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for size in [55, 56, 63, 64, 65, 119, 120, 4095, (1 << 20) + 17] {
            let bytes = try randomBytes(size)
            let p = try dir.write("f\(size)", bytes: bytes)
            let r = try await runTool("sha256sum", [p])
            let expected = String(r.stdout.prefix(64))
            #expect(Digest256.hash(bytes) == expected, "size \(size)")
        }
    }
}

@Suite struct WalkTests {
    @Test func rfc3339() {
        #expect(Timestamp.format(seconds: 0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(seconds: 1_767_225_600 + 3661) == "2026-01-01T01:01:01Z")
    }

    @Test(arguments: [("a/b.pdf", "b.pdf"), ("b.pdf", "b.pdf"), ("dir/", "dir"), ("/", "/"), ("./x", "x")])
    func baseName(_ path: String, _ name: String) {
        #expect(Lister.baseName(path) == name)
    }

    func list(_ roots: [String], _ configure: (inout WalkOptions) -> Void = { _ in }) -> ([Record], WalkSummary) {
        var o = WalkOptions()
        configure(&o)
        var out: [Record] = []
        let s = Lister(options: o) { out.append($0) }.run(roots)
        return (out, s)
    }

    @Test func sortedRecursiveWalkWithDepthAndHidden() throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("b.txt", "b")
        try d.write("a/z.txt", "z")
        try d.write("a/deep/er/x.txt", "x")
        try d.write("B.txt", "B")
        try d.write(".secret/s.txt", "s")
        try d.write(".h.txt", "h")
        let (all, s) = list([d.path])
        #expect(all.map { $0.path! } == ["B.txt", "a/deep/er/x.txt", "a/z.txt", "b.txt"].map { d.path + "/" + $0 })
        #expect(s.files == 4 && s.errors == 0 && s.exitStatus == .ok)
        let (hidden, _) = list([d.path]) { $0.hidden = true }
        #expect(hidden.count == 6)
        #expect(hidden.first?.path == d.path + "/.h.txt")
        let (shallow, _) = list([d.path]) { $0.maxDepth = 1 }
        #expect(shallow.map { $0["name"]?.stringValue } == ["B.txt", "b.txt"])
        let (two, _) = list([d.path]) { $0.maxDepth = 2 }
        #expect(two.count == 3)
        let (zero, _) = list([d.path]) { $0.maxDepth = 0 }
        #expect(zero.isEmpty)
    }

    @Test func recordFieldsAndNoHash() throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let p = try d.write("doc.bin", bytes: Array("%PDF-1.4 body".utf8))
        let (recs, _) = list([p])
        let r = try #require(recs.first)
        #expect(r.object.keys == ["path", "name", "size", "mtime", "type", "sha256"])
        #expect(r.path == p)
        #expect(r["size"] == .number("13"))
        #expect(r["type"]?.stringValue == "application/pdf")
        #expect(r.sha256 == Digest256.hash(Array("%PDF-1.4 body".utf8)))
        let (nh, _) = list([p]) { $0.hash = false }
        #expect(nh.first?.object.keys == ["path", "name", "size", "mtime", "type"])
    }

    @Test func parallelWorkersKeepOrder() throws {
        let d = try TempDir()
        defer { d.cleanup() }
        var expected: [String] = []
        for i in 0..<1200 {
            let name = String(format: "f%05d.txt", i)
            // Uneven sizes so workers finish out of order.
            try d.write(name, String(repeating: "x", count: (i * 7919) % 50_000 + 1))
            expected.append(d.path + "/" + name)
        }
        let (recs, s) = list([d.path]) { $0.jobs = 4 }
        #expect(recs.map { $0.path! } == expected)
        #expect(s.files == 1200)
        #expect(recs[5]["size"] == .number(String((5 * 7919) % 50_000 + 1)))
    }
}
