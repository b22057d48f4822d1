import SmoleRecords
import SmoleServer
import Testing

/// What a parse produced: each part's head and its whole body.
struct ParsedPart: Equatable {
    var name: String?
    var filename: String?
    var body: [UInt8]
}

/// Feeds `bytes` in the given chunk sizes (cycled) and collects the parts.
func parse(_ bytes: [UInt8], boundary: String, chunks: [Int]) throws -> [ParsedPart] {
    var parser = try MultipartParser(boundary: boundary)
    var parts: [ParsedPart] = []
    var open = false
    var i = 0
    var k = 0
    while i < bytes.count {
        let n = min(max(1, chunks[k % chunks.count]), bytes.count - i)
        k += 1
        try parser.feed(Array(bytes[i..<(i + n)])) { event in
            switch event {
            case .partStart(let head):
                #expect(!open, "a part starts only after the previous one ended")
                open = true
                parts.append(ParsedPart(name: head.name, filename: head.filename, body: []))
            case .partData(let raw):
                #expect(open)
                parts[parts.count - 1].body.append(contentsOf: raw)
            case .partEnd:
                #expect(open)
                open = false
            }
        }
        i += n
    }
    try parser.finish()
    return parts
}

@Suite("multipart parser")
struct MultipartParserTests {
    let boundary = "----smoleBoundary7MA4YWxkTrZu0gW"

    func body(file: [UInt8]) -> [UInt8] {
        multipartBody(boundary: boundary, [.field("schemaId", "invoice"), .file("file", "a b\".pdf", file)])
    }

    @Test func wholeBodyInOneChunk() throws {
        let file = Array("%PDF-1.7\r\nhello\r\n".utf8)
        let parts = try parse(body(file: file), boundary: boundary, chunks: [1 << 30])
        #expect(parts.count == 2)
        #expect(parts[0] == ParsedPart(name: "schemaId", filename: nil, body: Array("invoice".utf8)))
        #expect(parts[1].name == "file")
        #expect(parts[1].filename == "a b\".pdf", "quoted-pair in filename is unescaped")
        #expect(parts[1].body == file)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 31, 64, 257, 4096])
    func boundariesSplitAcrossChunks(size: Int) throws {
        // File content full of CR, LF, '-' and near-miss boundaries.
        var file = noiseBytes(20_000, seed: UInt64(size))
        file += Array("\r\n--\(boundary.dropLast())X\r\n--\r\n\r\n-".utf8)
        file += noiseBytes(333, seed: 99)
        let parts = try parse(body(file: file), boundary: boundary, chunks: [size, size + 1, 1])
        #expect(parts.count == 2)
        #expect(parts[0].body == Array("invoice".utf8))
        #expect(parts[1].body == file, "the file comes out byte for byte whatever the chunking")
    }

    @Test func fileEndingInCRLFAndDashes() throws {
        for tail in ["\r\n", "\r", "\n", "--", "\r\n--", "\r\n-", "\r\n\r\n"] {
            let file = Array("data".utf8) + Array(tail.utf8)
            for size in [1, 2, 3, 100] {
                let parts = try parse(body(file: file), boundary: boundary, chunks: [size])
                #expect(parts.last?.body == file, "tail \(tail.debugDescription), chunk \(size)")
            }
        }
    }

    @Test func emptyFileAndPreambleAndEpilogue() throws {
        var b = Array("this is a preamble\r\n".utf8)
        b += body(file: [])
        b += Array("epilogue, ignored\r\n--\(boundary)--\r\n".utf8)
        let parts = try parse(b, boundary: boundary, chunks: [3])
        #expect(parts.count == 2)
        #expect(parts[1].body.isEmpty)
    }

    @Test func transportPaddingAfterBoundaryIsAllowed() throws {
        let b = Array(
            "--\(boundary)  \t\r\nContent-Disposition: form-data; name=schemaId\r\n\r\nreceipt\r\n--\(boundary)--".utf8)
        let parts = try parse(b, boundary: boundary, chunks: [4])
        #expect(parts == [ParsedPart(name: "schemaId", filename: nil, body: Array("receipt".utf8))])
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let b = Array(
            "--\(boundary)\r\ncontent-disposition: FORM-DATA; NAME=\"file\"; filename=x.txt\r\nCONTENT-TYPE: text/plain\r\n\r\nabc\r\n--\(boundary)--\r\n"
                .utf8)
        let parts = try parse(b, boundary: boundary, chunks: [2])
        #expect(parts == [ParsedPart(name: "file", filename: "x.txt", body: Array("abc".utf8))])
    }

    @Test func truncatedBodiesAreErrors() throws {
        let full = body(file: Array("content".utf8))
        // Cut inside the file, inside the closing boundary, inside headers.
        for cut in [10, 60, full.count - 20, full.count - 4] {
            #expect(throws: MultipartError.self) {
                _ = try parse(Array(full[..<cut]), boundary: boundary, chunks: [5])
            }
        }
        #expect(throws: MultipartError.self) {
            _ = try parse(Array("no boundary at all".utf8), boundary: boundary, chunks: [4])
        }
        #expect(throws: MultipartError.self) { _ = try parse([], boundary: boundary, chunks: [1]) }
    }

    @Test func garbageAfterBoundaryIsAnError() throws {
        let b = Array("--\(boundary)XYZ\r\n\r\nabc\r\n--\(boundary)--".utf8)
        #expect(throws: MultipartError.self) { _ = try parse(b, boundary: boundary, chunks: [100]) }
    }

    @Test func oversizedHeadersAreAnError() throws {
        let b = Array(
            "--\(boundary)\r\nX-Long: \(String(repeating: "a", count: 20_000))\r\n\r\nabc\r\n--\(boundary)--".utf8)
        #expect(throws: MultipartError.self) { _ = try parse(b, boundary: boundary, chunks: [1000]) }
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(
            MultipartParser.boundary(contentType: "Multipart/Form-Data;boundary=\"a b:c\"; charset=utf-8") == "a b:c")
        #expect(MultipartParser.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartParser.boundary(contentType: "application/json; boundary=abc") == nil)
        #expect(throws: MultipartError.self) { _ = try MultipartParser(boundary: String(repeating: "x", count: 71)) }
    }
}

@Suite("size and duration options")
struct OptionParsingTests {
    @Test func sizes() {
        #expect(ByteSize.parse("100MB") == 100 * 1024 * 1024)
        #expect(ByteSize.parse("1KB") == 1024)
        #expect(ByteSize.parse("512k") == 512 * 1024)
        #expect(ByteSize.parse("2GiB") == 2 * 1024 * 1024 * 1024)
        #expect(ByteSize.parse("1.5MB") == 1536 * 1024)
        #expect(ByteSize.parse("4096") == 4096)
        #expect(ByteSize.parse("lots") == nil)
        #expect(ByteSize.parse("10XB") == nil)
    }

    @Test func durations() {
        #expect(DurationText.parse("24h") == .seconds(86400))
        #expect(DurationText.parse("30m") == .seconds(1800))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("7d") == .seconds(7 * 86400))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("90") == .seconds(90))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.parse("5 weeks") == nil)
        // and back, in the largest unit that divides it; a fraction of a second in milliseconds, not dropped
        #expect(DurationText.format(.seconds(86400)) == "1d")
        #expect(DurationText.format(.seconds(5400)) == "90m")
        #expect(DurationText.format(.seconds(90)) == "90s")
        #expect(DurationText.format(.milliseconds(500)) == "500ms")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!constantTimeEquals([], Array("a".utf8)))
    }
}
