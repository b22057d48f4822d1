import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Agreements in the styles filed with the SEC (EX-10 exhibits): several pages of prose, printed to PDF and read back
/// through the real pdftotext, or saved as EDGAR-like HTML.
enum Agreement {
    enum Block {
        case heading(String)  // centred
        case line(String)  // at the left margin, as is
        case right(String)  // at the right
        case para(String)  // wrapped prose, then a blank line
        case columns(String, String)  // two signature columns
        case gap
    }

    /// Wraps and paginates blocks onto US-letter pages of 50 lines, like a browser's print of an EDGAR exhibit.
    /// `browserPrint`: a browser's header and footer on every page (print date and time, title, URL, "n/N").
    static func pdf(_ dir: TempDir, _ name: String, _ blocks: [Block], browserPrint: Bool = false) throws -> String {
        var lines: [[(Double, String)]] = []
        for b in blocks {
            switch b {
            case .heading(let s): lines.append([(max(50, (612 - Double(s.count) * 6.2) / 2), s)])
            case .line(let s): lines.append([(50, s)])
            case .right(let s): lines.append([(420, s)])
            case .columns(let a, let c): lines.append([(50, a), (320, c)])
            case .gap: lines.append([])
            case .para(let s):
                var cur = ""
                for w in s.split(separator: " ") {
                    if cur.count + w.count + 1 > 96 { lines.append([(50, cur)]); cur = "" }
                    cur += cur.isEmpty ? String(w) : " " + w
                }
                if !cur.isEmpty { lines.append([(50, cur)]) }
                lines.append([])
            }
        }
        var w = PDFWriter()
        var page = 0
        let count = (lines.count + 49) / 50
        while page * 50 < lines.count {
            var chunk = Array(lines[(page * 50)..<min(lines.count, page * 50 + 50)])
            chunk.append([]); chunk.append([(290, "- \(page + 1) -")])
            if browserPrint {
                chunk.insert([(20, "11/2/22, 9:41 AM"), (280, "EX-10.1")], at: 0)
                chunk.append([
                    (20, "https://www.sec.gov/Archives/edgar/data/0000000/000000000022000000/ex10-1.htm"),
                    (560, "\(page + 1)/\(count)"),
                ])
            }
            w.addPage(lines: chunk, top: browserPrint ? 30 : 50, lineHeight: 13.5)
            page += 1
        }
        let path = dir.file(name)
        try w.write(to: path)
        return path
    }

    static func html(_ dir: TempDir, _ name: String, _ blocks: [Block]) throws -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "“", with: "&#8220;")
                .replacingOccurrences(of: "”", with: "&#8221;").replacingOccurrences(of: "’", with: "&#8217;")
        }
        var h = "<html><head><title>EX-10.1</title></head><body>\n<div style=\"font-family:Times New Roman\">\n"
        for b in blocks {
            switch b {
            case .heading(let s): h += "<p align=\"center\"><font size=\"2\"><b>\(esc(s))</b></font></p>\n"
            case .line(let s), .right(let s): h += "<p style=\"margin:0\"><font size=\"2\">\(esc(s))</font></p>\n"
            case .para(let s): h += "<p style=\"text-indent:4%\"><font size=\"2\">\(esc(s))</font></p>\n"
            case .columns(let a, let c):
                h += "<table><tr><td width=\"50%\">\(esc(a))</td><td>\(esc(c))</td></tr></table>\n"
            case .gap: h += "<p>&nbsp;</p>\n"
            }
        }
        return try dir.write(name, h + "</div></body></html>\n")
    }

    /// Clauses every NDA carries, with what must not be mistaken for its fields: fees and payment terms, other periods,
    /// other laws.
    static let boilerplate: [Block] = [
        .para(
            "1. Confidential Information. “Confidential Information” means all information furnished by or on behalf of the Disclosing Party, including financial statements, pricing, fees, payment terms, invoices, customer data and forecasts, together with all notes and analyses prepared by the Recipient that reflect it."
        ),
        .para(
            "2. Use. The Recipient shall use the Confidential Information solely to evaluate a possible negotiated transaction between the parties and shall not disclose it except to its Representatives who need to know it and are bound by duties of confidentiality."
        ),
        .para(
            "3. Securities Laws. The Recipient is aware that the securities laws of the United States restrict trading in securities of a company by persons in possession of material non-public information about it."
        ),
        .para(
            "4. Return of Materials. Within ten (10) business days after a written request, the Recipient shall return or destroy all Confidential Information and confirm the destruction in writing."
        ),
        .para(
            "5. No Obligation. No party is obliged to pursue any transaction, and no fee, payment or other consideration is owed by either party under this Agreement. Each party shall bear its own costs and expenses, including legal fees of up to $50,000."
        ),
        .para(
            "6. Remedies. Money damages would not be a sufficient remedy for a breach, and the non-breaching party is entitled to specific performance and injunctive relief without posting a bond."
        ),
        .para(
            "7. Entire Agreement. This Agreement is the entire agreement of the parties on its subject and may be amended only in writing signed by both parties, in counterparts, including by electronic signature."
        ),
    ]
}

@Suite struct SECFiledAgreements {
    /// EX-10 exhibit: "Exhibit 10.1" above a centred title, a preamble with ", a Delaware corporation", a party
    /// organised "under the laws of" another country, a 12-month non-solicit before the 2-year term.
    @Test func mutualNDAExhibitWithDistractors() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .right("Exhibit 10.1"), .gap, .heading("MUTUAL NON-DISCLOSURE AGREEMENT"), .gap,
            .para(
                "This MUTUAL NON-DISCLOSURE AGREEMENT (this “Agreement”) is made and entered into as of the 9th day of May, 2022 by and between KESTREL SEMICONDUCTOR, INC., a Delaware corporation (“Kestrel”), and Van Rijn Components B.V., a private limited company organized under the laws of the Netherlands (“Van Rijn”)."
            ),
        ]
        blocks += Agreement.boilerplate
        blocks += [
            .para(
                "8. Non-Solicitation. For a period of twelve (12) months from the date hereof, neither party shall solicit for employment any employee of the other party."
            ),
            .para(
                "9. Term. This Agreement shall terminate two (2) years from the date hereof, except for obligations that survive termination for five (5) years."
            ),
            .para(
                "10. Governing Law. This Agreement shall be governed by, and construed in accordance with, the laws of the State of Delaware, without regard to conflicts of law principles."
            ),
            .para("IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above."),
            .columns("KESTREL SEMICONDUCTOR, INC.", "VAN RIJN COMPONENTS B.V."), .gap,
            .columns("By: ____________________", "By: ____________________"),
            .columns("Name: Alan Price", "Name: Eva de Boer"),
        ]
        let path = try Agreement.pdf(dir, "ex10-1.pdf", blocks)
        let pages = try await TextSource.read(path: path, options: EngineOptions()).pages.count
        #expect(pages >= 2)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "mutual non-disclosure agreement")
        #expect(o["parties"] == .array(["KESTREL SEMICONDUCTOR, INC.", "Van Rijn Components B.V."]))
        #expect(o["effective_date"] == "2022-05-09")
        #expect(o["term_months"]?.intValue == 24)
        #expect(o["governing_law"] == "Delaware")
        // An NDA has no value, whatever fees it mentions, and so no currency.
        #expect(o["total_value"] == .null)
        #expect(o["currency"] == .null)
    }

    /// A letter agreement: letterhead, date, addressee, "Re: Confidentiality Agreement", "between you and the Company";
    /// the parties come from the signature blocks, the date from the letter, the term from the "expire" clause
    /// rather than the standstill period before it.
    @Test func letterAgreementPartiesFromSignatureBlocks() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .heading("MARLOWE OUTDOOR BRANDS CORP."), .heading("18 Harbor View Road, Portland, Maine 04101"), .gap,
            .line("August 3, 2020"), .gap, .line("STRICTLY CONFIDENTIAL"), .gap,
            .line("Pinecrest Equity Fund III, L.P."), .line("1 Financial Center, Boston, MA 02111"), .gap,
            .line("Re: Confidentiality Agreement"), .gap, .line("Ladies and Gentlemen:"), .gap,
            .para(
                "In connection with your consideration of a possible negotiated transaction between you and Marlowe Outdoor Brands Corp. (the “Company”), the Company is prepared to make available to you certain information about its business. As a condition to receiving it, you agree as follows."
            ),
        ]
        blocks += Agreement.boilerplate
        blocks += [
            .para(
                "8. Standstill. For a period of nine (9) months after the date of this letter agreement, you shall not acquire any securities of the Company."
            ),
            .para("9. This letter agreement shall expire thirty (30) months after the date hereof."),
            .para(
                "10. This letter agreement shall be governed by the internal laws of the Commonwealth of Massachusetts."
            ),
            .line("Very truly yours,"), .gap, .line("MARLOWE OUTDOOR BRANDS CORP."), .gap, .line("By: /s/ Karen Holt"),
            .line("Name: Karen Holt"), .gap,
            .line("Accepted and agreed as of the date first written above:"), .gap,
            .line("PINECREST EQUITY FUND III, L.P."), .line("By: Pinecrest Capital Partners LLC, its general partner"),
            .line("By: /s/ Daniel Yu"),
        ]
        let path = try Agreement.pdf(dir, "letter.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "confidentiality agreement")
        let parties = Set((o["parties"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        #expect(parties == ["marlowe outdoor brands corp.", "pinecrest equity fund iii, lp"])
        #expect(o["effective_date"] == "2020-08-03")
        #expect(o["term_months"]?.intValue == 30)
        #expect(o["governing_law"] == "Massachusetts")
        #expect(o["total_value"] == .null)
    }

    /// A letter agreement from a company's letterhead to an investor's manager, signed on the other side by every fund
    /// of the investor group: the parties are the letterhead's company and the addressee, not the five signing funds.
    /// A letterhead with a bare name ("Harrowgate") is spelt out the way the letter's prose names it.
    @Test func letterAgreementPartiesAreLetterheadAndAddressee() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        func letter(_ letterhead: [Agreement.Block], company: String) -> [Agreement.Block] {
            var blocks =
                letterhead + [
                    .line("March 14, 2016"), .gap, .line("Osprey Capital Management, LLC"),
                    .line("9401 Wilshire Blvd, Beverly Hills, CA 90212"), .gap, .line("Ladies and Gentlemen:"), .gap,
                    .para(
                        "This letter agreement shall become effective upon the appointment of the New Director to the Board of \(company) (the “Company”). The Company may disclose certain information to the persons listed on Schedule B."
                    ),
                ]
            blocks += Agreement.boilerplate
            blocks += [
                .para("8. This letter agreement shall be governed by the laws of the Commonwealth of Pennsylvania."),
                .line("Very truly yours,"), .line(company.uppercased()), .line("By: /s/ Ann Lee"), .gap,
                .line("Accepted and agreed:"),
            ]
            for fund in ["OSPREY PARTNERS, L.P. I", "OSPREY SPECIAL OPPORTUNITIES, L.P. II", "OSPREY PARTNERS, LLC"] {
                blocks += [.line(fund), .line("By: /s/ Chris Kent"), .gap]
            }
            return blocks
        }
        let formal = try Agreement.pdf(
            dir, "formal.pdf",
            letter(
                [.heading("HARROWGATE TOOL COMPANY"), .heading("415 Holiday Drive, Pittsburgh, PA 15220"), .gap],
                company: "Harrowgate Tool Company"))
        var o = try await Fixture.extract(formal, "contract")
        #expect(o["parties"] == .array(["HARROWGATE TOOL COMPANY", "Osprey Capital Management, LLC"]))
        let bare = try Agreement.pdf(
            dir, "bare.pdf",
            letter([.heading("Harrowgate"), .heading("415 Holiday Drive"), .gap], company: "Harrowgate Tool Company"))
        o = try await Fixture.extract(bare, "contract")
        #expect(o["parties"] == .array(["Harrowgate Tool Company", "Osprey Capital Management, LLC"]))
    }

    /// Printed from the browser: the print date and time head every page, above the letter's own date (which has no
    /// "dated as of" cue); the URL and page count foot every page. None of it is the agreement's.
    @Test func browserPrintHeadersAreNotTheAgreement() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .heading("LINDEN PAYMENTS CORP."), .gap, .line("September 7, 2022"), .gap, .line("Crossbow Partners LLC"),
            .gap,
            .line("Re: Nondisclosure Agreement"), .gap, .line("Ladies and Gentlemen:"), .gap,
            .para(
                "You have asked for information about Linden Payments Corp. (the “Company”) to evaluate a possible transaction. The Company will provide it on the terms of this letter agreement."
            ),
        ]
        blocks += Agreement.boilerplate
        blocks += Agreement.boilerplate
        blocks += [
            .para("8. This letter agreement shall terminate two years after the date hereof."),
            .para("9. This letter agreement shall be governed by the laws of the State of New York."),
            .line("Very truly yours,"), .line("LINDEN PAYMENTS CORP."), .line("By: /s/ Jo Park"), .gap,
            .line("Accepted and agreed:"), .line("CROSSBOW PARTNERS LLC"), .line("By: /s/ Sam Reyes"),
        ]
        let path = try Agreement.pdf(dir, "printed.pdf", blocks, browserPrint: true)
        #expect(try await TextSource.read(path: path, options: EngineOptions()).pages.count >= 2)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["effective_date"] == "2022-09-07")
        #expect(o["title"]?.stringValue?.lowercased() == "nondisclosure agreement")
        let parties = Set((o["parties"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        #expect(parties == ["linden payments corp.", "crossbow partners llc"])
        #expect(o["term_months"]?.intValue == 24)
        #expect(o["governing_law"] == "New York")
    }

    /// "effective as of the date last signed": the later of the two signature dates; "governed by English law";
    /// the term only as "shall survive for 3 years"; parties enumerated "(1) … and (2) …" with "England and Wales" inside.
    @Test func effectiveWhenLastSignedAndEnumeratedParties() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .line("Execution Version"), .gap, .heading("CONFIDENTIALITY AGREEMENT"), .gap,
            .para(
                "THIS AGREEMENT is effective as of the date last signed below and is made between: (1) Thornbury Data Ltd, a company registered in England and Wales under number 07712345 (the “Discloser”); and (2) Castellan & Moore LLP, a limited liability partnership (the “Recipient”)."
            ),
        ]
        blocks += Agreement.boilerplate
        blocks += [
            .para(
                "8. Survival. The Recipient’s obligations under this Agreement shall survive for 3 years from the date of disclosure."
            ),
            .para(
                "9. Law. This Agreement is governed by English law and the courts of England have exclusive jurisdiction."
            ),
            .columns("Signed for Thornbury Data Ltd", "Signed for Castellan & Moore LLP"), .gap,
            .columns("By: ____________________", "By: ____________________"),
            .columns("Date: 14 February 2023", "Date: 21 February 2023"),
        ]
        let path = try Agreement.pdf(dir, "ca.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "confidentiality agreement")
        #expect(o["parties"] == .array(["Thornbury Data Ltd", "Castellan and Moore LLP"]))
        #expect(o["effective_date"] == "2023-02-21")
        #expect(o["term_months"]?.intValue == 36)
        #expect(o["governing_law"] == "England and Wales")
    }

    /// EDGAR HTML: entities for the quotes, the title only in the preamble, parties in a "between X (the "Company")
    /// and Y" form, "eighteen months" in words, a "Nondisclosure and Standstill" title.
    @Test func edgarHTMLExhibit() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .right("EX-10.2"), .gap,
            .para(
                "This NONDISCLOSURE AND STANDSTILL AGREEMENT (the “Agreement”) is dated as of October 17, 2019 between Brightwater Bancshares, Inc. (the “Company”) and Osprey Financial Partners, LLC (“Osprey”)."
            ),
        ]
        blocks += Agreement.boilerplate
        blocks += [
            .para(
                "8. Term. Unless terminated earlier by mutual written consent, this Agreement shall remain in effect for eighteen months from the date hereof."
            ),
            .para(
                "9. Governing Law. This Agreement shall be governed by the laws of the State of Georgia applicable to contracts executed and performed there."
            ),
            .columns("BRIGHTWATER BANCSHARES, INC.", "OSPREY FINANCIAL PARTNERS, LLC"),
            .columns("By: /s/ R. Lowe", "By: /s/ M. Grant"),
        ]
        let path = try Agreement.html(dir, "ex10-2.htm", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "nondisclosure and standstill agreement")
        #expect(o["parties"] == .array(["Brightwater Bancshares, Inc.", "Osprey Financial Partners, LLC"]))
        #expect(o["effective_date"] == "2019-10-17")
        #expect(o["term_months"]?.intValue == 18)
        #expect(o["governing_law"] == "Georgia")
        #expect(o["total_value"] == .null)
        #expect(o["currency"] == .null)
    }

    /// A services agreement keeps its value and currency: the NDA rule does not swallow real fees.
    @Test func servicesAgreementKeepsItsValue() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(
            dir, "msa.pdf",
            [
                .heading("SOFTWARE DEVELOPMENT AGREEMENT"), .gap,
                .para(
                    "This Software Development Agreement is entered into as of June 2, 2025 by and between Tern Logistics GmbH (“Client”) and Byteforge Studios Ltd. (“Developer”)."
                ),
                .para("1. Term. This Agreement shall continue for a period of nine (9) months from the date hereof."),
                .para("2. Fees. Client shall pay Developer a total fee of EUR 84,000.00 in three installments."),
                .para(
                    "3. Confidentiality. Each party shall keep the other party’s confidential information secret for three (3) years after termination."
                ),
                .para("4. Governing Law. This Agreement is governed by the laws of Germany."),
            ])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["term_months"]?.intValue == 9)
        #expect(o["total_value"]?.doubleValue == 84000)
        #expect(o["currency"] == "EUR")
        #expect(o["governing_law"] == "Germany")
    }

    /// A fee per month is a rate, not the contract's total value: no value is better than a wrong one.
    @Test func aMonthlyRateIsNotTheTotalValue() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "consulting.txt",
            """
            CONSULTING AGREEMENT

            This Consulting Agreement is entered into as of January 4, 2022 by and between Redfern Biotech, Inc. ("Company") and Hale Advisory LLC ("Consultant").

            1. Compensation. The Company shall pay the Consultant a fee of $15,000 per month for the Services.

            2. Term. This Agreement shall continue for twelve (12) months.
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["total_value"] == .null)
        #expect(o["currency"] == .null)
        #expect(o["term_months"]?.intValue == 12)
    }

    /// Routing by content: an NDA that talks about payment, fees and invoices still goes to the contract schema.
    @Test func ndaMentioningPaymentAndFeesRoutesToContract() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .heading("CONFIDENTIALITY AGREEMENT"), .gap,
            .para(
                "This Confidentiality Agreement is dated as of March 1, 2024 between Alder Health Systems, Inc. (the “Company”) and Quill Partners LLC. The Company will share invoices, payment terms, fee schedules, due dates, customer billing records and unit prices with Quill."
            ),
        ]
        blocks += Agreement.boilerplate
        let path = try Agreement.pdf(dir, "scan_0042.pdf", blocks)
        let c = try #require(try await Fixture.engine().classify(path: path))
        #expect(c.schema == "contract")
        #expect(c.confidence > 0.5)
    }
}

/// Titles as agreements print them: a heading broken over two or three centred lines (joined at "AND", at a comma, after
/// "FORM OF", under a company name that is not part of it), in title case, run on into the preamble in a flattened
/// filing, or only in the EDGAR header line (wrapped at the margin) of a letter that prints none.
@Suite struct AgreementTitles {
    static let preamble: Agreement.Block = .para(
        "This Agreement is made as of March 3, 2021 by and between Harbor Oncology, Inc., a Delaware corporation (the “Company”), and Dana Whitfield (“Employee”)."
    )

    static let cases: [(String, [Agreement.Block], String)] = [
        (
            "wrapped EDGAR header and a three-line heading under FORM OF",
            [
                .line("EX-10.1 2 d338123dex101.htm FORM OF EMPLOYEE NON-COMPETITION AND CONFIDENTIALITY"),
                .line("AGREEMENT"), .right("Exhibit 10.1"), .gap, .heading("FORM OF"),
                .heading("EMPLOYEE NON-COMPETITION AND"), .heading("CONFIDENTIALITY AGREEMENT"), .gap, preamble,
            ], "EMPLOYEE NON-COMPETITION AND CONFIDENTIALITY AGREEMENT"
        ),
        (
            "a second line that starts with AND",
            [.heading("COVENANT NOT TO COMPETE"), .heading("AND NON-DISCLOSURE AGREEMENT"), .gap, preamble],
            "COVENANT NOT TO COMPETE AND NON-DISCLOSURE AGREEMENT"
        ),
        (
            "lines joined at a comma, under the company's name",
            [
                .right("Exhibit 10.8"), .heading("HARBOR ONCOLOGY, INC."),
                .heading("AT-WILL EMPLOYMENT, CONFIDENTIAL INFORMATION,"),
                .heading("INVENTION ASSIGNMENT, AND ARBITRATION AGREEMENT"), .gap, preamble,
            ], "AT-WILL EMPLOYMENT, CONFIDENTIAL INFORMATION, INVENTION ASSIGNMENT, AND ARBITRATION AGREEMENT"
        ),
        (
            "a heading in title case over a one-word heading",
            [
                .heading("EXHIBIT A"),
                .heading("Form of Waiver, Release, Non-Competition, Non-Solicitation and Non-Disclosure Agreement"),
                .heading("AGREEMENT"), .gap, preamble,
            ], "Waiver, Release, Non-Competition, Non-Solicitation and Non-Disclosure Agreement"
        ),
        (
            "a flattened filing: the heading runs on into the preamble",
            [
                .line("EXHIBIT M NON-DISCLOSURE AGREEMENT This Non-Disclosure Agreement (“Agreement”) is made as of"),
                .para(
                    "March 3, 2021 by and between Harbor Oncology, Inc., a Delaware corporation (the “Company”), and Dana Whitfield (“Employee”)."
                ),
            ], "NON-DISCLOSURE AGREEMENT"
        ),
        (
            "a letter that prints no title: the EDGAR description, its type repeated",
            [
                .line("EX-99.(D)(2) 9 d907418dex99d2.htm EX-99.(D)(2) CONFIDENTIALITY AGREEMENT"),
                .right("Exhibit (d)(2)"), .right("March 3, 2021"), .gap, .line("Fortune Lake Holdings, Inc."),
                .line("520 Lake Cook Road"), .line("Deerfield, IL 60015"), .gap, .line("Ladies and Gentlemen:"),
                .para(
                    "In connection with your consideration of a possible negotiated transaction with Harbor Oncology, Inc. (the “Company”), you have requested information about the Company."
                ),
            ], "CONFIDENTIALITY AGREEMENT"
        ),
    ]

    @Test(arguments: 0..<cases.count) func titleAsPrinted(_ k: Int) async throws {
        let (what, head, title) = Self.cases[k]
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(dir, "agreement.pdf", head + Agreement.boilerplate)
        let engine = try Fixture.engine()
        let out = try await engine.extract(path: path, schema: "contract")
        #expect(out.data["title"]?.stringValue == title, "\(what)")
        let review = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
            .review(schema: "contract", data: out.data, evidence: nil, pages: nil, signals: out.signals)
        #expect(!review.reasons.contains { $0.field == "title" }, "\(what): \(review.reasons)")
    }
}

@Suite struct AgreementTerm {
    /// Several periods in one agreement: the agreement's own term wins over non-solicit, standstill, notice and survival.
    @Test(
        arguments: [
            (
                "For a period of twelve (12) months, the Recipient shall not solicit employees. This Agreement shall terminate two (2) years after the date hereof.",
                24
            ),
            ("Term. This Agreement remains in effect for 5 years. Obligations survive termination for 7 years.", 60),
            (
                "Either party may terminate on three (3) months' notice. The term of this Agreement is thirty-six months.",
                36
            ),
            ("For nine months you shall not acquire any voting securities of the Company.", nil),
            ("The obligations of the Recipient hereunder shall survive for 4 years.", 48),
            (
                "The initial term of this Agreement is three (3) years and renews automatically for successive one (1) year periods.",
                36
            ),
            ("This Agreement shall expire on the second anniversary of the Effective Date.", 24),
            ("This Agreement shall remain in force for 12 months. Fees are payable in 6 monthly installments.", 12),
            ("The term of this Agreement is the three-year period beginning on the date hereof.", 36),
            (
                "This Agreement will terminate upon the earlier of (i) a Transaction and (ii) the second (2nd) anniversary of the Effective Date.",
                24
            ),
        ] as [(String, Int?)])
    func theAgreementsOwnTermWins(_ text: String, _ months: Int?) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("t.txt", "NON-DISCLOSURE AGREEMENT\n\n" + text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["term_months"]?.intValue == months)
    }
}

@Suite struct AgreementParties {
    /// Preamble forms seen in filed agreements, each with the two legal names it must yield.
    @Test(
        arguments: [
            (
                "This Agreement is made by and between HARBOR LIGHT ENERGY, INC., a Texas corporation (“Harbor”), and Delta Rig Services, L.P., a Delaware limited partnership (the “Contractor”).",
                ["HARBOR LIGHT ENERGY, INC.", "Delta Rig Services, LP"]
            ),
            (
                "In connection with the possible transaction between Regent Outfitters, Inc. together with its subsidiaries (the “Recipient”) and Canyon Trail Gear, LLC, (the “Company”), the Recipient requests information.",
                ["Regent Outfitters, Inc.", "Canyon Trail Gear, LLC"]
            ),
            (
                "This Mutual Confidentiality Agreement is entered into by Pioneer Seed Company (“Pioneer”) and Green Acre Farms Ltd. (“Green Acre”).",
                ["Pioneer Seed Company", "Green Acre Farms Ltd."]
            ),
            (
                "THIS AGREEMENT is dated 4 May 2021 and made BETWEEN: (1) NORTHGATE SYSTEMS LIMITED (company number 01234567) whose registered office is at 1 Dock Road, Leeds (“Northgate”); and (2) Bluebell Analytics Ltd (“Bluebell”).",
                ["NORTHGATE SYSTEMS LTD.", "Bluebell Analytics Ltd"]
            ),
            (
                "This Confidentiality Agreement is entered into as of June 1, 2020 by and among Summit Peak Corp. (“Summit”), Summit Peak Merger Sub, Inc. (“Merger Sub”) and Ironwood Brands, Inc. (the “Company”).",
                ["Summit Peak Corp.", "Summit Peak Merger Sub, Inc.", "Ironwood Brands, Inc."]
            ),
            (
                "This Agreement is entered into by and between Baker and Hollis Holdings, Inc. (“BHH”) and Tidal Wave Media LLC (“Tidal”).",
                ["Baker and Hollis Holdings, Inc.", "Tidal Wave Media LLC"]
            ),
            (
                "This Agreement is made on January 15, 2024 between Acme Tools GmbH and Northwind Traders Ltd. The term of this Agreement is twelve (12) months.",
                ["Acme Tools GmbH", "Northwind Traders Ltd."]
            ),
        ] as [(String, [String])])
    func preambleForms(_ preamble: String, _ parties: [String]) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "p.txt",
            "CONFIDENTIALITY AGREEMENT\n\n" + preamble
                + "\n\n1. Term. This Agreement shall terminate two years after the date hereof.\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(parties.map { .string($0) }))
    }
}

@Suite struct AgreementLawAndDate {
    /// The governing law, not where a party is organised nor the securities laws; the clause may also put the law first.
    @Test(
        arguments: [
            (
                "Cedar Mills Inc., a corporation organized under the laws of the Province of Ontario, and Birch Co. agree. The laws of the State of Washington shall govern this Agreement.",
                "Washington"
            ),
            (
                "Each party shall comply with the securities laws of the United States. This Agreement shall be construed and enforced in accordance with the laws of the state of Colorado.",
                "Colorado"
            ),
            (
                "This Agreement is governed by, and shall be construed in accordance with, the laws of England and Wales.",
                "England and Wales"
            ),
            (
                "This Agreement shall be governed by Delaware law, without regard to its conflict of laws rules.",
                "Delaware"
            ),
            ("12. Governing Law. New York law governs this Agreement.", "New York"),
        ] as [(String, String)])
    func governingLaw(_ text: String, _ law: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("l.txt", "NON-DISCLOSURE AGREEMENT\n\n" + text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["governing_law"] == .string(law))
    }

    /// A letter agreement's date above "Ladies and Gentlemen" is its date; a later clause's "as of December 31, 2019"
    /// is not.
    @Test func letterDateBeatsAClauseDate() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "letter.txt",
            """
            ORCHID LABS, INC.

            April 6, 2020

            Re: Confidentiality Agreement

            Ladies and Gentlemen:

            You have asked to review information about Orchid Labs, Inc. (the "Company") in connection with a possible
            transaction, including its audited financial statements as of December 31, 2019 and its forecasts.

            1. This letter agreement shall expire two years from the date hereof.
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["effective_date"] == "2020-04-06")
    }
}

@Suite struct AgreementTemplates {
    /// A filed form: "FORM OF" before the title, blanks for the date in the preamble, the parties and dates only in
    /// the signature block: the title without "Form of", the parties from the block, the later signature date.
    @Test func filedFormWithBlanksAndSignatureDates() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "form.txt",
            """
                              FORM OF MUTUAL CONFIDENTIALITY AGREEMENT

            This Mutual Confidentiality Agreement is made as of this ___ day of ________, 2021 between the undersigned parties.

            1. Term. This Agreement expires 3 years after the last date of signature below.

            2. Governing Law. New York law governs this Agreement.

            IN WITNESS WHEREOF, the parties have signed this Agreement.

            HALVORSEN MARINE AS                           BLUE FIN SEAFOODS, INC.
            By: _________________                         By: _________________
            Name: Erik Halvorsen                          Name: Jane Fisher
            Date: 3/15/2021                               Date: 3/22/2021
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "mutual confidentiality agreement")
        #expect(o["parties"] == .array(["HALVORSEN MARINE AS", "BLUE FIN SEAFOODS, INC."]))
        #expect(o["effective_date"] == "2021-03-22")
        #expect(o["term_months"]?.intValue == 36)
        #expect(o["governing_law"] == "New York")
    }
}

@Suite struct EDGARMarkup {
    /// EDGAR HTML as filers write it: no-break spaces inside dates and names (&#160;), a title broken by <br/>, defined
    /// terms underlined inside curly-quote entities, signature blocks in a table.
    @Test func noBreakSpacesBrokenTitleAndUnderlinedDefinedTerms() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "d123dex99d4.htm",
            """
            <html><body>
            <p align="right" style="font-size:10pt">Exhibit&#160;(d)(4)</p>
            <p align="center" style="margin-top:12pt"><b>MUTUAL NONDISCLOSURE<br/>AGREEMENT</b></p>
            <p style="text-indent:4%"><font size="2">This Mutual Nondisclosure Agreement (this &#8220;<u>Agreement</u>&#8221;) is made and entered into as of February&#160;8, 2022 (the &#8220;<u>Effective Date</u>&#8221;) by and between Northwind Logistics Holdings,&#160;Inc., a Delaware corporation (&#8220;<u>Northwind</u>&#8221;), and Fabrikam Freight, L.P., a Texas limited partnership (&#8220;<u>Fabrikam</u>&#8221;).</font></p>
            <p style="text-indent:4%"><font size="2">1.&nbsp;&nbsp;<u>Term</u>. This Agreement shall expire on the earlier of (a)&#160;the execution of a definitive agreement and (b)&#160;the date that is two&#160;(2) years after the Effective Date.</font></p>
            <p style="text-indent:4%"><font size="2">2.&nbsp;&nbsp;<u>Non-Solicitation</u>. For twelve (12)&#160;months after the Effective Date, neither party shall solicit any employee of the other.</font></p>
            <p style="text-indent:4%"><font size="2">3.&nbsp;&nbsp;<u>Governing Law</u>. This Agreement shall be governed by and construed in accordance with the Laws of the State of Delaware.</font></p>
            <table><tr><td><b>NORTHWIND LOGISTICS HOLDINGS, INC.</b></td><td><b>FABRIKAM FREIGHT, L.P.</b></td></tr>
            <tr><td>By:&#160;/s/&#160;Ann Lee</td><td>By:&#160;/s/&#160;Bo Diaz</td></tr></table>
            </body></html>
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "mutual nondisclosure agreement")
        let parties = (o["parties"]?.arrayValue ?? []).compactMap {
            $0.stringValue?.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        #expect(parties == ["Northwind Logistics Holdings, Inc.", "Fabrikam Freight, LP"])
        #expect(o["effective_date"] == "2022-02-08")
        #expect(o["term_months"]?.intValue == 24)
        #expect(o["governing_law"] == "Delaware")
        #expect(o["total_value"] == .null)
    }
}

@Suite struct LetterAgreements {
    /// Signed by the company alone: the addressee above "Re:" is the other party; "PERSONAL AND CONFIDENTIAL" is not.
    @Test func theAddresseeIsTheOtherParty() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "letter.txt",
            """
                                       QUARRY HILL FOODS, INC.

            May 12, 2021

            PERSONAL AND CONFIDENTIAL
            Meadowbrook Capital Partners LLC
            600 Lexington Avenue, New York, NY 10022

            Re: Confidentiality Agreement

            Ladies and Gentlemen:

            In connection with your evaluation of a possible transaction involving Quarry Hill Foods, Inc. (the "Company"),
            you agree to keep the information the Company provides confidential. This letter agreement shall expire
            two years from the date hereof and shall be governed by the laws of the State of New York.

            Very truly yours,

            QUARRY HILL FOODS, INC.
            By: /s/ Ruth Alder
            """)
        let o = try await Fixture.extract(path, "contract")
        let parties = Set((o["parties"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        #expect(parties == ["quarry hill foods, inc.", "meadowbrook capital partners llc"])
        #expect(o["effective_date"] == "2021-05-12")
        #expect(o["term_months"]?.intValue == 24)
    }
}

@Suite struct SignaturePages {
    /// "by the undersigned parties": the names come from the signature page, without role labels ("COMPANY:"), the
    /// description after the name (", an Ohio corporation") or a general partner signing for a partnership.
    @Test func partiesOnlyOnTheSignaturePage() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "sig.txt",
            """
            CONFIDENTIALITY AGREEMENT

            This Confidentiality Agreement is entered into as of March 3, 2021 by the undersigned parties in connection
            with a possible strategic transaction. The parties agree to keep each other's information confidential.

            This Agreement terminates 18 months after the date hereof. It is governed by the laws of the State of Ohio.

                                          [Signature Page Follows]

            IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.

            COMPANY:

            BUCKEYE TOOL & DIE, INC., an Ohio corporation

            By: /s/ Carl Moss
            Name: Carl Moss

            RECIPIENT:

            LAKE ERIE PARTNERS II, L.P.

            By: Lake Erie GP, LLC, its general partner

            By: /s/ Tina Vance
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["BUCKEYE TOOL AND DIE, INC.", "LAKE ERIE PARTNERS II, LP"]))
        #expect(o["effective_date"] == "2021-03-03")
        #expect(o["term_months"]?.intValue == 18)
        #expect(o["governing_law"] == "Ohio")
    }
}

/// Agreements that run until terminated, and terms stated elsewhere than in a clause: a notice period and a period that
/// runs after the agreement ends (obligations that survive termination) are never the agreement's term; a cover
/// table's "Term" row is.
@Suite struct AgreementsUntilTerminated {
    static let preamble: Agreement.Block = .para(
        "This Mutual Nondisclosure Agreement is entered into as of June 1, 2020 by and between Larchmont Robotics, Inc., a Delaware corporation (“Larchmont”), and Tidemark Analytics LLC, a Connecticut limited liability company (“Tidemark”)."
    )
    static let law: Agreement.Block = .para(
        "15. Governing Law. This Agreement shall be governed by the laws of the State of Connecticut.")

    @Test(
        arguments: [
            // a notice period, then obligations that survive termination
            (
                "14. Termination. Either party may terminate this Agreement at any time upon ninety (90) days’ prior written notice to the other party. The obligations of the Recipient shall survive termination for three (3) years.",
                nil
            ),
            (
                "14. Term. This Agreement shall continue in effect until terminated by either party by written notice. The obligations hereunder shall survive for three (3) years after termination.",
                nil
            ),
            (
                "14. Termination. Either party may terminate this Agreement on three months’ written notice to the other party. Clauses 2 to 6 shall survive termination for two years.",
                nil
            ),
            (
                "14. Term and Termination. This Agreement shall commence on the date first written above and shall continue until terminated by either party upon thirty (30) days’ written notice to the other. The Recipient’s obligations under Sections 3 through 5 shall survive any termination of this Agreement for a period of five (5) years.",
                nil
            ),
            (
                "14. Term. This Agreement shall remain in effect until terminated by either party upon written notice of sixty (60) days.",
                nil
            ),
            // another agreement that outlives this one
            (
                "14. Confidentiality. All information obtained by Larchmont shall be kept confidential in accordance with the confidentiality agreement, dated March 2, 2020 (the “Confidentiality Agreement”), between the parties, which shall remain in full force and effect for a period of two (2) years following any termination of this Agreement.",
                nil
            ),
            // a term written as its last day, counted from the effective date (June 1, 2020)
            (
                "14. Term. This Agreement shall remain in effect through May 31, 2022, unless extended by mutual written agreement.",
                24
            ),
            (
                "14. Term. This Agreement shall remain in effect through May 17, 2022, unless extended by mutual written agreement.",
                nil
            ),
            // a stated term stays, whatever survives it
            (
                "14. Term. This Agreement shall terminate two (2) years from the date hereof, except for obligations that survive termination for five (5) years.",
                24
            ),
            (
                "14. Term. This deed continues for a period of three years from the date of this deed. The obligations in clauses 3 and 5 survive for 5 years after the end of that period.",
                36
            ),
        ] as [(String, Int?)])
    func noticeAndSurvivalAreNoTerm(_ clause: String, _ months: Int?) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(
            dir, "nda.pdf",
            [.heading("MUTUAL NONDISCLOSURE AGREEMENT"), .gap, Self.preamble] + Agreement.boilerplate + [
                .para(clause), Self.law,
            ])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["term_months"]?.intValue == months, "\(clause)")
    }

    /// A cover table: the "Term" row is the agreement's term, not the survival period a clause adds after it, nor a
    /// "Term of Confidentiality" row; "Governing Law | State of Utah" is Utah.
    @Test func coverTableTermRow() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let table: [Agreement.Block] = [
            .heading("NON-DISCLOSURE AGREEMENT"), .gap,
            .columns("Company", "Wasatch Trail Supply, Inc., a Utah corporation"),
            .columns("Counterparty", "Bonneville Studio LLC, a Utah limited liability company"),
            .columns("Effective Date", "August 1, 2023"),
            .columns("Term of Confidentiality", "5 years from the Effective Date"),
            .columns("Term", "24 months"),
            .columns("Governing Law", "State of Utah"), .gap,
            .para("The parties identified above (each a “Party”) agree as follows:"),
        ]
        let path = try Agreement.pdf(
            dir, "cover.pdf",
            table + Agreement.boilerplate + [
                .para(
                    "14. Survival. The Recipient’s obligations shall survive for five (5) years after the end of the Term."
                )
            ])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["term_months"]?.intValue == 24)
        #expect(o["governing_law"] == "Utah")
        #expect(o["effective_date"] == "2023-08-01")

        let expires = try Agreement.pdf(
            dir, "mnda.pdf",
            [
                .heading("Mutual Non-Disclosure Agreement"), .gap, .columns("Effective Date", "2021-07-01"),
                .columns("MNDA Term", "Expires 1 year from Effective Date."),
                .columns("Term of Confidentiality", "2 years from Effective Date"), .gap,
            ] + Agreement.boilerplate + [
                .para(
                    "15. Term and Termination. This MNDA commences on the Effective Date and expires at the end of the MNDA Term. The Recipient’s obligations will survive for the Term of Confidentiality."
                )
            ])
        #expect(try await Fixture.extract(expires, "contract")["term_months"]?.intValue == 12)
    }
}

/// Governing-law clauses as Australian, Hong Kong and cover-table agreements write them.
@Suite struct GoverningLawPlaces {
    @Test(
        arguments: [
            (
                "15. Governing law. This agreement is governed by the laws in force in New South Wales, Australia.",
                "New South Wales"
            ),
            ("15. Governing law. This deed is governed by the law in force in Victoria.", "Victoria"),
            (
                "15. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the Hong Kong Special Administrative Region.",
                "Hong Kong"
            ),
            (
                "15. Governing Law. This Agreement is governed by the laws of the Hong Kong Special Administrative Region of the People’s Republic of China.",
                "Hong Kong"
            ),
        ] as [(String, String)])
    func placeOfTheLaw(_ clause: String, _ law: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(
            dir, "law.pdf",
            [
                .heading("CONFIDENTIALITY AGREEMENT"), .gap,
                .para(
                    "This agreement is made on 7 July 2022 between Kestrel Survey Pty Ltd (Discloser) and Bluegum Data Pty Ltd (Recipient)."
                ),
            ] + Agreement.boilerplate + [.para(clause)])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["governing_law"] == .string(law))
    }
}

/// The review looks at an effective date when the signatures are dated another day, and only then: a form's revision
/// date or a term's end date near the end is no signing date. The review states the confidence `--evidence` gives.
@Suite struct EffectiveDateReview {
    static func reviewed(_ tail: [Agreement.Block]) async throws -> (
        date: String?, evidence: Double?, reasons: [ReviewReason]
    ) {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(
            dir, "nda.pdf",
            [
                .heading("NONDISCLOSURE AGREEMENT"), .gap,
                .para(
                    "This Agreement is entered into as of September 1, 2022 by and between Cypress Hollow Devices, Inc., a California corporation, and Hillcrest Labs, LLC, a California limited liability company."
                ),
            ] + Agreement.boilerplate + tail)
        let engine = try Fixture.engine { $0.evidence = true }
        let out = try await engine.extract(path: path, schema: "contract")
        let review = ReviewChecks(engine: engine).review(
            schema: "contract", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
        return (
            out.data["effective_date"]?.stringValue, out.evidence?["effective_date"]?["confidence"]?.doubleValue,
            review.reasons.filter { $0.field == "effective_date" }
        )
    }

    static let signatures: [Agreement.Block] = [
        .para("IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above."),
        .columns("CYPRESS HOLLOW DEVICES, INC.", "HILLCREST LABS, LLC"),
        .columns("By: ______________________", "By: ______________________"),
    ]

    @Test func otherDatesNearTheEndAreNoSigningDates() async throws {
        let r = try await Self.reviewed(
            [
                .para("14. Term. This Agreement shall remain in effect through December 31, 2024."),
                .para(
                    "16. Form. This Agreement is the Company’s standard form NDA-02, revised March 15, 2019, and may not be modified except in writing."
                ),
            ] + Self.signatures + [.line("Form NDA-02 (Rev. 03/15/2019)")])
        #expect(r.date == "2022-09-01")
        #expect(r.reasons.isEmpty, "\(r.reasons)")
    }

    @Test func signaturesDatedAnotherDayAreLookedAtWithTheEvidencesConfidence() async throws {
        let r = try await Self.reviewed(
            Self.signatures + [.columns("Date: September 6, 2022", "Date: September 7, 2022")])
        #expect(r.date == "2022-09-01")
        let evidence = try #require(r.evidence)
        #expect(evidence < ReviewChecks.defaultMinConfidence)
        let reason = try #require(r.reasons.first { $0.code == .lowConfidence })
        #expect(reason.message.contains(String(format: "%.2f", evidence)), "\(reason.message) vs \(evidence)")
        let same = try await Self.reviewed(Self.signatures + [.columns("Date: 9/1/2022", "Date: 9/1/2022")])
        #expect(same.reasons.isEmpty, "\(same.reasons)")
    }
}

/// Parties as English, Australian and Canadian agreements print them: numbered blocks under a "PARTIES" heading, a
/// register's number, a residence or a trade name after the legal name.
@Suite struct PartiesAsPrinted {
    @Test func numberedBlocksUnderAPartiesHeading() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let recitals: [Agreement.Block] = [
            .line("BACKGROUND"),
            .line("(A) The Discloser wishes to disclose certain information to the Recipient for the Purpose."),
            .line("AGREED TERMS"), .gap,
        ]
        let heading = try Agreement.pdf(
            dir, "uk.pdf",
            [
                .heading("CONFIDENTIALITY AGREEMENT"), .gap, .line("THIS AGREEMENT is dated 5 June 2019"), .gap,
                .line("PARTIES"),
                .line("(1) HALCYON SHIPPING LIMITED incorporated and registered in England and Wales with"),
                .line("company number 04829311 whose registered office is at 14 Canute Road, Southampton SO14 3FJ"),
                .line("(Discloser); and"),
                .line("(2) PENROSE HOSTING LTD incorporated and registered in England and Wales with company"),
                .line("number 09112345 whose registered office is at Unit 4, Kings Park, Milton Keynes MK9 2NY"),
                .line("(Recipient)."),
            ] + recitals + Agreement.boilerplate)
        var o = try await Fixture.extract(heading, "contract")
        #expect(o["parties"] == .array(["HALCYON SHIPPING LTD.", "PENROSE HOSTING LTD"]))
        #expect(o["effective_date"] == "2019-06-05")

        let colon = try Agreement.pdf(
            dir, "uk3.pdf",
            [
                .heading("CONFIDENTIALITY AGREEMENT"), .gap, .line("THIS AGREEMENT is dated 28 April 2020"), .gap,
                .line("PARTIES:"),
                .line("(1) Bramble Foods Limited (company number 03344556) whose registered office is at 9 Canal"),
                .line("Street, Manchester M1 3HE (Company)."),
                .line("(2) Orchid Hosting Limited (company number 11223344) whose registered office is at 20"),
                .line("Farringdon Road, London EC1M 3HE (Recipient)."),
                .line("(3) KEITH ANDREW ROBERTS of 14 Jesmond Road, Newcastle upon Tyne NE2 1NL (Mr"),
                .line("Roberts)."),
            ] + recitals + Agreement.boilerplate)
        o = try await Fixture.extract(colon, "contract")
        #expect(o["parties"] == .array(["Bramble Foods Ltd.", "Orchid Hosting Ltd.", "KEITH ANDREW ROBERTS"]))

        // clauses numbered under a heading of the same word are no list of parties
        let clauses = try Agreement.pdf(
            dir, "clauses.pdf",
            [
                .heading("CONFIDENTIALITY AGREEMENT"), .gap,
                .para(
                    "This Agreement is made on 4 May 2021 between Alder Vale Systems Ltd (“Alder”) and Kite Run Analytics Ltd (“Kite”)."
                ),
                .line("THE PARTIES"),
                .line("1. The parties agree to keep each other’s information confidential."),
                .line("2. Each party shall return the other’s information on request."), .gap,
            ] + Agreement.boilerplate)
        o = try await Fixture.extract(clauses, "contract")
        #expect(o["parties"] == .array(["Alder Vale Systems Ltd", "Kite Run Analytics Ltd"]))
    }

    /// A signature block's name wrapped over two lines: the legal form alone above "By:" is the end of the name
    /// the line above begins, not a party of its own.
    @Test func signatureNamesWrappedOverTwoLines() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        func signed(_ blocks: [Agreement.Block]) async throws -> JSONValue? {
            let path = try Agreement.pdf(
                dir, "sig.pdf",
                [
                    .heading("CONFIDENTIALITY AGREEMENT"), .gap,
                    .para("THIS AGREEMENT is dated 28 April 2020 and is made by the undersigned parties."),
                ] + Agreement.boilerplate + [
                    .para("IN WITNESS WHEREOF, the parties have executed this Agreement on the date above.")
                ] + blocks + [.columns("By: ______________________", "By: ______________________")])
            return try await Fixture.extract(path, "contract")["parties"]
        }
        #expect(
            try await signed([
                .columns("Signed for NORTHUMBRIA WATER", "Signed for TYNESIDE PIPE SOLUTIONS"),
                .columns("HOLDINGS PLC", "LIMITED"),
            ]) == .array(["NORTHUMBRIA WATER HOLDINGS PLC", "TYNESIDE PIPE SOLUTIONS LTD."]))
        #expect(
            try await signed([
                .columns("CYPRESS POINT MEDICAL DEVICES,", "HILLCREST STERILIZATION SERVICES,"),
                .columns("INC.", "LLC"),
            ]) == .array(["CYPRESS POINT MEDICAL DEVICES, INC.", "HILLCREST STERILIZATION SERVICES, LLC"]))
    }

    @Test(
        arguments: [
            // a register's number after the name
            (
                "This agreement is made on 7 July 2022 between Coral Bay Tours Pty Ltd ACN 611 222 333 of 10 Esplanade, Cairns QLD 4870 (Discloser) and Reefside Booking Pty Ltd ACN 622 333 444 of 88 Eagle Street, Brisbane QLD 4000 (Recipient).",
                ["Coral Bay Tours Pty Ltd", "Reefside Booking Pty Ltd"]
            ),
            // where a person lives
            (
                "THIS AGREEMENT is made as of the 15th day of March, 2023 BETWEEN: Lakehead Timber Ltd., an Ontario corporation (the “Company”) AND: Daniel Boucher, of the City of Thunder Bay, Ontario (the “Employee”).",
                ["Lakehead Timber Ltd.", "Daniel Boucher"]
            ),
            // three parties listed with commas, with descriptions and no defined names, or with neither
            (
                "This Confidentiality Agreement, dated as of February 2, 2022, is entered into by and among Northgate Haulage Holdings, Inc., a Delaware corporation, Polestar Freight, LLC, an Ohio limited liability company, and Aurora Cold Chain Corp., a Michigan corporation (each, a “Party”).",
                ["Northgate Haulage Holdings, Inc.", "Polestar Freight, LLC", "Aurora Cold Chain Corp."]
            ),
            (
                "This Confidentiality Agreement is entered into by and among GRANITE RIDGE HOLDINGS, INC., GR MERGER SUB, INC. and CASCADE FITTINGS COMPANY.",
                ["GRANITE RIDGE HOLDINGS, INC.", "GR MERGER SUB, INC.", "CASCADE FITTINGS COMPANY"]
            ),
            // a trade name
            (
                "This Agreement is entered into as of August 2, 2021 by and between Sunrise Lodging Group, Inc. d/b/a Sunrise Suites, a Florida corporation, and Gulf Revenue Partners LLC, a Florida limited liability company.",
                ["Sunrise Lodging Group, Inc.", "Gulf Revenue Partners LLC"]
            ),
        ] as [(String, [String])])
    func theLegalNameAlone(_ preamble: String, _ parties: [String]) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Agreement.pdf(
            dir, "p.pdf", [.heading("CONFIDENTIALITY AGREEMENT"), .gap, .para(preamble)] + Agreement.boilerplate)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(parties.map { .string($0) }))
    }
}
