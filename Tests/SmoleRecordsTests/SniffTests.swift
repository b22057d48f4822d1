import Testing

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct SniffTests {
    static let cases: [([UInt8], String)] = [
        (Array("%PDF-1.7\n%âãÏÓ\n".utf8), "application/pdf"),
        (Array("\n\r junk %PDF-1.4\n".utf8), "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png"),
        ([0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8), "image/jpeg"),
        ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], "image/tiff"),
        ([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8], "image/tiff"),
        (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), "image/webp"),
        (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8), "application/octet-stream"),
        (Array("GIF89a".utf8) + [1, 0, 1, 0], "image/gif"),
        ([0x50, 0x4B, 0x03, 0x04, 20, 0], "application/zip"),
        (Array("Invoice 42\nTotal: 10.00 €\n".utf8), "text/plain"),
        ([0xEF, 0xBB, 0xBF] + Array("Rechnung".utf8), "text/plain"),
        (Array("  <!DOCTYPE html><html>".utf8), "text/html"),
        (Array("<HTML><body>".utf8), "text/html"),
        (Array("<p>hi</p>".utf8), "text/html"),
        (Array("<price>1</price>".utf8), "text/plain"),
        (Array("<?xml version=\"1.0\"?><rsm:CrossIndustryInvoice/>".utf8), "application/xml"),
        (Array("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">".utf8), "text/html"),
        (Array("{\"a\": 1}".utf8), "application/json"),
        (Array("[1, 2]".utf8), "application/json"),
        (Array("{not json".utf8), "text/plain"),
        ([0x00, 0x01, 0x02, 0x03], "application/octet-stream"),
        ([0x41, 0xFF, 0x42], "application/octet-stream"),
        ([], "application/x-empty"),
    ]

    @Test(arguments: cases)
    func sniffs(_ bytes: [UInt8], _ type: String) {
        #expect(Sniff.mediaType(bytes) == type)
    }

    @Test func cutUTF8AtHeadEndIsStillText() {
        // "é" is 0xC3 0xA9: a head cut between the two bytes is text when more follows.
        let head = Array(String(repeating: "a", count: 10).utf8) + [0xC3]
        #expect(Sniff.mediaType(head, complete: false) == "text/plain")
        #expect(Sniff.mediaType(head, complete: true) == "application/octet-stream")
    }

    @Test func nameDoesNotMatter() {
        // Sniffing sees bytes only: a PDF is a PDF whatever the extension says.
        #expect(Sniff.mediaType(Array("%PDF-1.4".utf8)) == "application/pdf")
    }
}
