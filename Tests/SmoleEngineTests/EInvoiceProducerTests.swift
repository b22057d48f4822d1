import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// E-invoices written the way real producers write them: an XML whose root follows kilobytes of licence comments,
/// and PDFs whose attachments are stored in the other ways the PDF standard allows (CR LF line ends, indirect
/// lengths, nested /Params, #xx escapes in names, object streams, name trees with /Kids, inline file
/// specifications, UTF-16 names, untyped streams, /AF only), alone and with other attachments beside them.
enum ProducerFixture {
    /// A licence text in XML comments, longer than any look at a file's first 4 KB, as the official samples carry
    /// (written here; two comments, German then English, with white space between them).
    static let licenceComments: String = {
        var de = "<!-- Nutzungsbedingungen für dieses Beispiel\n"
        var en = " <!-- Terms of use for this sample\n"
        for k in 1...40 {
            de +=
                "\(k). Dieses Beispiel darf frei genutzt, verändert und weitergegeben werden; es enthält nur erfundene Daten.\n"
            en += "\(k). This sample may be used, changed and passed on freely; every value in it is made up.\n"
        }
        return "<!-- English text below. -->\n" + de + "-->\n \n" + en + "-->\n\n"
    }()

    /// The CII fixture with the licence comments between its XML declaration and its root.
    static var commentedCII: String {
        EInvoiceFixture.cii.replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            with: "<?xml version='1.0' encoding='UTF-8' ?>\n" + licenceComments)
    }

    /// A small PNG-like binary attachment (a logo beside the invoice).
    static let logo: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    /// The visible page disagrees with the XML on purpose: the XML is the source of truth.
    static func pdf(
        _ dir: TempDir, _ name: String, style: PDFWriter.AttachmentStyle, attachments: [(String, [UInt8], String)]
    ) throws -> String {
        var w = PDFWriter()
        w.attachmentStyle = style
        w.addPage(lines: [[(50, "RECHNUNG")], [(50, "Rechnungsnummer: WRONG-1")], [(50, "Gesamtbetrag: 1,00 EUR")]])
        for (n, data, mime) in attachments { w.attach(name: n, data: data, mimeType: mime, encoding: .flate) }
        let path = dir.file(name)
        try w.write(to: path)
        return path
    }

    static let styles: [(String, PDFWriter.AttachmentStyle)] = [
        ("crlf", .init(crlf: true)),
        ("indirect length", .init(indirectLength: true)),
        ("nested params", .init(nestedParams: true)),
        ("escaped names", .init(escapedNames: true)),
        ("object streams", .init(objectStreams: true)),
        ("name tree with kids", .init(nameTreeKids: true)),
        ("inline file specs", .init(inlineFileSpecs: true)),
        ("UTF-16 names", .init(utf16Names: true)),
        ("untyped streams", .init(untypedStreams: true)),
        ("associated files only", .init(associatedFilesOnly: true)),
        (
            "all together",
            .init(
                crlf: true, indirectLength: true, nestedParams: true, escapedNames: true, objectStreams: true,
                nameTreeKids: true, utf16Names: true, untypedStreams: true)
        ),
        ("object streams, inline specs", .init(indirectLength: true, objectStreams: true, inlineFileSpecs: true)),
    ]
}

@Suite struct EInvoiceProducerTests {
    /// The root of the official samples comes after about 6 KB of licence comments: the document is recognised by
    /// parsing it, standalone and embedded, with or without an XML declaration before the comments.
    @Test func aRootAfterKilobytesOfCommentsIsRecognised() async throws {
        let xml = ProducerFixture.commentedCII
        let bytes = Array(xml.utf8)
        let rootAt = try #require(ByteSearch.find(Array("<rsm:CrossIndustryInvoice".utf8), in: bytes))
        #expect(rootAt > 4096, "the root must come after the first 4 KB (at \(rootAt))")
        #expect(EInvoiceXML.recognizes(bytes))
        EInvoiceFixture.checkCII(try #require(EInvoiceXML.mapInvoice(bytes)))

        let dir = try TempDir(); defer { dir.cleanup() }
        EInvoiceFixture.checkCII(try await Fixture.extract(try dir.write("cii-licence.xml", xml), "invoice"))
        // Opening with the comment itself, no declaration, and a name that says nothing.
        let bare = xml.replacingOccurrences(of: "<?xml version='1.0' encoding='UTF-8' ?>\n", with: "")
        #expect(bare.hasPrefix("<!--"))
        let barePath = try dir.write("rechnung-ohne-deklaration.dat", bare)
        #expect(try TextSource.sniff(head: Array(Array(bare.utf8).prefix(4096)), path: barePath) == .xml)
        EInvoiceFixture.checkCII(try await Fixture.extract(barePath, "invoice"))
        let c = try await Fixture.engine().classify(path: barePath)
        #expect(c?.schema == "invoice")
        // Embedded in a PDF as factur-x.xml.
        let pdf = try ProducerFixture.pdf(
            dir, "ferd.pdf", style: .init(), attachments: [("factur-x.xml", bytes, "text/xml")])
        EInvoiceFixture.checkCII(try await Fixture.extract(pdf, "invoice"))
    }

    /// The streaming look that precedes building a tree: it finds the invoice element after comments and inside
    /// an envelope, finds none in other XML, and leaves well-formedness to the full parse (a truncated invoice
    /// starts like one but is not recognised).
    @Test func aStreamingLookFindsTheInvoiceElementBeforeATreeIsBuilt() {
        let cii = Array(ProducerFixture.commentedCII.utf8)
        #expect(EInvoiceXML.mentionsInvoiceElement(cii))
        let envelope = Array(
            ("<?xml version=\"1.0\"?><Envelope xmlns=\"urn:example:envelope\"><Header/><Body>"
                + EInvoiceFixture.ubl.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
                + "</Body></Envelope>").utf8)
        #expect(EInvoiceXML.mentionsInvoiceElement(envelope))
        #expect(EInvoiceXML.recognizes(envelope))
        let other = Array(
            ("<?xml version=\"1.0\"?><catalog xmlns=\"urn:example:catalog\">"
                + String(repeating: "<item><Invoice>not one</Invoice></item>", count: 2000) + "</catalog>").utf8)
        #expect(!EInvoiceXML.mentionsInvoiceElement(other))
        #expect(!EInvoiceXML.recognizes(other))
        let truncated = Array(cii.dropLast(200))
        #expect(EInvoiceXML.mentionsInvoiceElement(truncated))
        #expect(!EInvoiceXML.recognizes(truncated))
    }

    /// Each way of storing the attachment: poppler reads the file the same (so the fixture is valid PDF), this
    /// reader finds the XML by itself and is sure of it, and the engine reads the invoice without pdfdetach.
    @Test(arguments: ProducerFixture.styles.indices)
    func attachmentsInAProducersStyleAreReadWithoutPdfdetach(_ index: Int) async throws {
        let (label, style) = ProducerFixture.styles[index]
        let dir = try TempDir(); defer { dir.cleanup() }
        let xml = Array(ProducerFixture.commentedCII.utf8)
        let pdf = try ProducerFixture.pdf(
            dir, "style-\(index).pdf", style: style,
            attachments: [("logo.png", ProducerFixture.logo, "image/png"), ("factur-x.xml", xml, "text/xml")])
        // poppler agrees: the PDF is readable and (when listed in the name tree) the attachment decodes to our XML
        let text = try await runTool("pdftotext", [pdf, "-"])
        #expect(text.status == 0, "\(label): pdftotext \(text.stderr)")
        #expect(text.stdout.contains("WRONG-1"), "\(label)")
        if !style.associatedFilesOnly {
            let list = try await runTool("pdfdetach", ["-list", pdf])
            #expect(list.stdout.contains("factur-x.xml"), "\(label): \(list.stdout) \(list.stderr)")
            let number = list.stdout.split(separator: "\n").first { $0.contains("factur-x.xml") }?.split(separator: ":")
                .first
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let saved = dir.file("saved.xml")
            let r = try await runTool(
                "pdfdetach", ["-save", String(try #require(number, "\(label)")), "-o", saved, pdf])
            #expect(r.status == 0, "\(label)")
            #expect(
                FileManager.default.contents(atPath: saved).map { [UInt8]($0) == xml } == true,
                "\(label): pdfdetach's copy differs")
        }
        // this reader: both files, by name, exactly, and sure of it
        let found = PDFAttachments.embeddedFiles(in: [UInt8](try #require(FileManager.default.contents(atPath: pdf))))
        #expect(found.complete, "\(label)")
        #expect(found.files.count == 2, "\(label): \(found.files.map { $0.name ?? "-" })")
        // (compared as a whole, reported by size so that a failure stays readable)
        let xmlFile = found.files.first { $0.name == "factur-x.xml" }
        let logoFile = found.files.first { $0.name == "logo.png" }
        #expect(
            xmlFile.map { $0.data == xml } == true,
            "\(label): factur-x.xml \(xmlFile?.data.count ?? -1) bytes, want \(xml.count)")
        #expect(
            logoFile.map { $0.data == ProducerFixture.logo } == true,
            "\(label): logo.png \(logoFile?.data.count ?? -1) bytes")
        // the engine, with pdftotext but no pdfdetach on its PATH
        let bin = try PDFAttachmentTests.binDir(dir, with: ["pdftotext"])
        let o = try await Fixture.extract(pdf, "invoice", engine: try Fixture.engine { $0.toolSearchPath = bin })
        EInvoiceFixture.checkCII(o)
    }

    /// Several attachments: the invoice is the one whose root is an e-invoice, whatever the names say; a CII 2.x or
    /// UBL root wins over a ZUGFeRD 1.0 one; among equals a standard name wins.
    @Test func theInvoiceIsChosenAmongSeveralAttachmentsByItsRoot() async throws {
        let cii = Array(ProducerFixture.commentedCII.utf8)
        let zf1 = Array(Variant.zugferd1.utf8)
        let notAnInvoice = Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Lieferschein xmlns="urn:example:delivery-note"><Nummer>LS-9</Nummer><Invoice>not this</Invoice></Lieferschein>
            """.utf8)
        let ubl = Array(EInvoiceFixture.ubl.utf8)
        // which one was chosen, by the label of the file whose bytes came back
        func chosen(_ files: [(label: String, name: String?, data: [UInt8])]) -> String? {
            guard let d = EInvoiceXML.chooseInvoice(files.map { ($0.name, $0.data) }) else { return nil }
            return files.first { $0.data == d }?.label
        }
        #expect(
            chosen([
                ("zf1", "ZUGFeRD-invoice.xml", zf1), ("other", "beilage.xml", notAnInvoice),
                ("cii", "factur-x.xml", cii),
            ]) == "cii")
        #expect(chosen([("other", "factur-x.xml", notAnInvoice), ("ubl", "rechnung.xml", ubl)]) == "ubl")
        #expect(chosen([("cii", "anhang.xml", cii), ("ubl", "xrechnung.xml", ubl)]) == "ubl")
        #expect(chosen([("cii", "xrechnung.xml", cii), ("ubl", "anhang.xml", ubl)]) == "cii")
        #expect(chosen([("other", "factur-x.xml", notAnInvoice), ("logo", "logo.png", ProducerFixture.logo)]) == nil)
        #expect(chosen([("logo", nil, ProducerFixture.logo), ("zf1", nil, zf1)]) == "zf1")

        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try ProducerFixture.pdf(
            dir, "several.pdf", style: .init(objectStreams: true, nameTreeKids: true),
            attachments: [
                ("ZUGFeRD-invoice.xml", zf1, "text/xml"), ("factur-x.xml", notAnInvoice, "text/xml"),
                ("logo.png", ProducerFixture.logo, "image/png"), ("rechnung-2.xml", cii, "application/xml"),
            ])
        EInvoiceFixture.checkCII(try await Fixture.extract(pdf, "invoice"))
    }

    /// A stream this reader cannot decode, in a file whose objects are packed in object streams: the reading is
    /// uncertain, so poppler decides; without pdfdetach the page is read, one record either way.
    @Test func doubtAboutAnAttachmentGoesToPoppler() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var w = PDFWriter()
        w.attachmentStyle = .init(indirectLength: true, objectStreams: true)
        w.addPage(lines: [[(50, "RECHNUNG")], [(50, "Rechnungsnummer: WRONG-1")]])
        w.attach(name: "factur-x.xml", data: Array(ProducerFixture.commentedCII.utf8), encoding: .asciiHex)
        let pdf = dir.file("hex-objstm.pdf")
        try w.write(to: pdf)
        let found = PDFAttachments.embeddedFiles(in: [UInt8](try #require(FileManager.default.contents(atPath: pdf))))
        #expect(!found.complete)
        #expect(found.files.isEmpty)
        EInvoiceFixture.checkCII(try await Fixture.extract(pdf, "invoice"))
        let bin = try PDFAttachmentTests.binDir(dir, with: ["pdftotext"])
        let o = try await Fixture.extract(pdf, "invoice", engine: try Fixture.engine { $0.toolSearchPath = bin })
        #expect(o["invoice_number"] == "WRONG-1")

        // A damaged object stream is doubt too (whatever it held is unknown), never "no attachment"; the
        // embedded stream written in the open is still found by its /Type.
        var packed = PDFWriter()
        packed.attachmentStyle = .init(indirectLength: true, objectStreams: true)
        packed.addPage(lines: [[(50, "RECHNUNG")]])
        packed.attach(name: "factur-x.xml", data: Array(ProducerFixture.commentedCII.utf8), encoding: .flate)
        var bytes = packed.data()
        #expect(PDFAttachments.embeddedFiles(in: bytes).complete)
        let objStm = try #require(ByteSearch.find(Array("/Type /ObjStm".utf8), in: bytes))
        let data = try #require(ByteSearch.find(Array("stream\n".utf8), in: bytes, from: objStm)) + 7
        for k in (data + 4)..<(data + 24) { bytes[k] = 0x41 }
        let damaged = PDFAttachments.embeddedFiles(in: bytes)
        #expect(!damaged.complete)
        #expect(
            damaged.files.count == 1 && damaged.files.first?.data == Array(ProducerFixture.commentedCII.utf8),
            "\(damaged.files.map { $0.data.count }) bytes")
    }

    /// A PDF without attachments, with or without object streams, is certain to have none.
    @Test func aPDFWithoutAttachmentsIsCertainToHaveNone() throws {
        for packed in [false, true] {
            var w = PDFWriter()
            w.attachmentStyle = .init(objectStreams: packed)
            w.addPage(lines: [[(50, "Invoice INV-1")]])
            let bytes = w.data()
            #expect(PDFAttachments.mayHaveAttachments(Data(bytes)) == packed)
            let found = PDFAttachments.embeddedFiles(in: bytes)
            #expect(found.complete && found.files.isEmpty)
        }
    }

    /// SplitMix64: the same damage on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Damaged files (bytes overwritten, cut short, numbers out of range) never stop the reader, and damage never
    /// makes it sure of a wrong invoice: an e-invoice it returns while sure is the one embedded.
    @Test func damagedFilesNeverStopTheReader() throws {
        var rng = SeededGenerator(state: 20261129)
        let original = try #require(EInvoiceXML.mapInvoice(Array(ProducerFixture.commentedCII.utf8)))
        for (_, style) in ProducerFixture.styles {
            var w = PDFWriter()
            w.attachmentStyle = style
            w.addPage(lines: [[(50, "RECHNUNG 1")]])
            w.attach(name: "logo.png", data: ProducerFixture.logo, mimeType: "image/png", encoding: .flate)
            w.attach(name: "factur-x.xml", data: Array(ProducerFixture.commentedCII.utf8), encoding: .flate)
            let good = w.data()
            var sure = 0
            for round in 0..<150 {
                var bytes = good
                switch round % 3 {
                case 0:  // overwrite a few bytes anywhere
                    for _ in 0..<Int.random(in: 1...8, using: &rng) {
                        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    }
                case 1:  // cut short
                    bytes.removeLast(Int.random(in: 1..<bytes.count, using: &rng))
                default:  // digits that overflow, negative numbers, unclosed brackets: after a key the reader reads
                    let junk = ["99999999999999999999999 0 R", "-7", "1e308", "nan", "<<<<", "((((", "[[[["][
                        Int.random(in: 0..<7, using: &rng)]
                    let keys = ["/EF", "/Length", "/UF", "/N ", "/First", "/Type", "/Filter"].map { Array($0.utf8) }
                    let key = keys[Int.random(in: 0..<keys.count, using: &rng)]
                    var hits: [Int] = []
                    var from = 0
                    while let k = ByteSearch.find(key, in: bytes, from: from) {
                        hits.append(k + key.count); from = k + 1
                    }
                    let at =
                        hits.isEmpty
                        ? Int.random(in: 0..<bytes.count, using: &rng)
                        : hits[Int.random(in: 0..<hits.count, using: &rng)]
                    bytes.replaceSubrange(
                        at..<min(bytes.count, at + junk.utf8.count + 1), with: Array((" " + junk).utf8))
                }
                let found = PDFAttachments.embeddedFiles(in: bytes)
                guard found.complete else { continue }
                sure += 1
                if let xml = EInvoiceXML.chooseInvoice(found.files.map { ($0.name, $0.data) }) {
                    #expect(EInvoiceXML.mapInvoice(xml) == original, "round \(round)")
                }
            }
            // most damage is noticed (a cut through an object, a broken zlib stream)
            #expect(sure < 120, "sure of \(sure) damaged copies in 150")
        }
    }

    /// The object syntax the reader relies on (ISO 32000-1 §7.3).
    @Test func pdfObjectSyntax() throws {
        let src = Array(
            """
            << /Type /F#69lespec /Subtype /text#2Fxml /F (a\\(b\\)\\\\c\\101\\
            d) /UF <FEFF0066 00FC> /N 12 /R 7 0 R /Arr [1 2 R 3.5 -4 true null <<>>] /Params << /Size 10 /CheckSum <0a1B> >> >>
            """.utf8)
        let o = try #require(
            src.withUnsafeBytes { b -> PDFObject? in
                var lx = PDFLexer(b, at: 0); return lx.parse()
            })
        #expect(o["Type"]?.name == "Filespec")
        #expect(o["Subtype"]?.name == "text/xml")
        #expect(o["F"] == .string(Array("a(b)\\cAd".utf8)))
        #expect(o["UF"]?.text == "fü")
        #expect(o["N"]?.int == 12)
        #expect(o["R"] == .reference(7, 0))
        // "1 2 R" is a reference; "3.5" and "-4" numbers that are not
        #expect(
            o["Arr"] == .array([.reference(1, 2), .number(3.5), .number(-4), .bool(true), .null, .dictionary([:])]))
        #expect(o["Params"]?["CheckSum"] == .string([0x0A, 0x1B]))
        #expect(o["Params"]?["Size"]?.int == 10)
    }
}
