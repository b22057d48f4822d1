import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Kinds of wording real filed agreements use, each written here with invented names: party names that must come out
/// whole and alone, parties found only in a heading, an opening in the first person or a signature page, terms in days
/// and weeks, deeds' dates, the governing-law clause's own wordings.
@Suite struct PartyNamesWholeAndAlone {
    @Test(
        arguments: [
            // a description after the legal form with no comma
            (
                "This Agreement is made as of March 2, 2015 between OSPREY LENDING CAPITAL CORP. a Michigan corporation (the “Company”), and Dana R. Whitfield (“Employee”).",
                ["OSPREY LENDING CAPITAL CORP.", "Dana R. Whitfield"]
            ),
            // ", Incorporated" is the legal form, not "incorporated in"
            (
                "This Agreement is entered into by and between Harrow Quill, Incorporated, an Ohio corporation (“Harrow”), and Tessa Lund (“Executive”).",
                ["Harrow Quill, Inc.", "Tessa Lund"]
            ),
            // a quoted part of the name, followed by its description
            (
                "This Agreement dated as of May 5, 2010 among BRIGHTWATER HOLDINGS LIMITED, a company organized under the laws of Cyprus (“Brightwater”), and OPEN JOINT STOCK COMPANY “NORTHERN-LINK”, an open joint stock company organized under the laws of the Russian Federation (“Northern”).",
                ["BRIGHTWATER HOLDINGS LTD.", "OPEN JOINT STOCK COMPANY “NORTHERN-LINK”"]
            ),
            // a person's degree after the name
            (
                "This Agreement is entered into by and between Colm Farrell, M.D., an individual (“Consultant”) and Quayside Diagnostics, Inc., a Florida corporation (the “Company”).",
                ["Colm Farrell", "Quayside Diagnostics, Inc."]
            ),
            // a period inside a word is part of the name
            (
                "This Agreement is made by and between NetWave.Com, Inc., a Florida corporation (the “Company”), and Ola Brink (“Consultant”).",
                ["NetWave.Com, Inc.", "Ola Brink"]
            ),
            // "BETWEEN: ... AND: ..." headings in a deed
            (
                "THIS AGREEMENT made this 1st day of June 2005 BETWEEN: ALDER VALE LIMITED, a company incorporated under the laws of England (“Alder”) AND: KITE RUN INC. (“Kite”).",
                ["ALDER VALE LTD.", "KITE RUN INC."]
            ),
            // the undersigned named after a comma; a person's title before the name; an address after "of"
            (
                "This Agreement is made between the undersigned, Johnny Appleseed (“Employee”), and Acme Orchard Corp., an Ohio corporation (the “Company”).",
                ["Johnny Appleseed", "Acme Orchard Corp."]
            ),
            (
                "This Agreement is entered into as of May 1, 2010 by and between Quill Networks, Inc. (“Quill”) and Ms. Jane Roe, an individual (“Roe”).",
                ["Quill Networks, Inc.", "Jane Roe"]
            ),
            (
                "This Agreement is made between Acme Inc. of 1 Main Street, Waltham, MA 02451 and Beta Ltd. of 5 High Street, London.",
                ["Acme Inc.", "Beta Ltd."]
            ),
            // the organisation's divisions and affiliates after its name are not part of it
            (
                "This Agreement is made between Juniper Step, Inc., divisions, subsidiaries and affiliates (“Juniper”) and Roan Ellery (“Employee”).",
                ["Juniper Step, Inc.", "Roan Ellery"]
            ),
        ] as [(String, [String])])
    func preambleNames(_ preamble: String, _ parties: [String]) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "p.txt",
            "NON-DISCLOSURE AGREEMENT\n\n" + preamble
                + "\n\n1. Governing Law. This Agreement shall be governed by the laws of the State of Ohio.\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(parties.map { .string($0) }))
    }

    /// An address before a name and a cross-reference after it are not the name.
    @Test(arguments: [
        ("Waltham, MA 02451, Larkspur Devices, Inc.", "Larkspur Devices, Inc."),
        ("Greyfield Labs LLC please see Exhibit 10", "Greyfield Labs LLC"),
        ("Pia Novak, Ph.D.", "Pia Novak"),
        ("Dr. Reddy's Laboratories Ltd.", "Dr. Reddy's Laboratories Ltd."),
        ("Mr. Peter Hahn", "Peter Hahn"),
        ("“Tern Analytics Ltd”", "Tern Analytics Ltd"),
    ])
    func cleanedName(_ raw: String, _ name: String) {
        #expect(Extractor.cleanPartyName(raw) == name)
    }

    /// Words of a signature block are not an organisation, however they are capitalised.
    @Test(arguments: ["AUTHORIZED PERSON", "AUTHORIZED SIGNATORY", "EMPLOYEE SIGNATURE", "WITNESS"])
    func signatureBlockWordsAreNoParty(_ s: String) {
        #expect(!Extractor.looksLikeEntity(s))
        #expect(!Extractor.looksLikePerson(s.capitalized))
    }
}

@Suite struct PartiesBeyondThePreamble {
    /// "PARTIES:" as a heading, each party with its defined name.
    @Test func partiesUnderAHeading() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let text = """
            COVENANT NOT TO COMPETE AND NON-DISCLOSURE AGREEMENT

            PARTIES:
                  Mara Ellison Cobb (“EMPLOYEE”)
            and
                  SPRUCE ATHLETIC, Inc., divisions, subsidiaries
                  and affiliates. (“SPRUCE”):

            RECITALS:
            A. This Agreement is executed upon initial employment with SPRUCE.

            1. Governing Law. This Agreement shall be governed by the laws of the State of Oregon.
            """
        let path = try dir.write("p.txt", text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Mara Ellison Cobb", "SPRUCE ATHLETIC, Inc."]))
        #expect(o["governing_law"] == "Oregon")
    }

    /// An employee's agreement in the first person: the organisation from "my employment with X", the person from the
    /// signature they sign for themselves (the typed name under it preferred); the witness and the officer who
    /// acknowledges for the organisation are not parties. A US agreement's "5/12/09" is May 12.
    @Test func firstPersonAgreementSignedByTheEmployee() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blocks: [Agreement.Block] = [
            .right("Exhibit 10.8"), .gap, .heading("EMPLOYEE PROPRIETARY INFORMATION AND NON-DISCLOSURE AGREEMENT"),
            .gap,
            .para(
                "As a condition of my employment with Bellwether Acoustics, Inc., its subsidiaries, affiliates, successors or assigns (together the “Company”), and in consideration of my employment with the Company, I agree to the following."
            ),
            .para(
                "1. I will hold in strictest confidence all confidential information of the Company, both during my employment and thereafter."
            ),
            .para("2. This Agreement shall be governed by the laws of the State of California."),
            .columns("Date: 5/12/09", "/s/ Roland Pike"),
            .columns("", "Signature"), .gap,
            .columns("", "ROLAND J. PIKE"),
            .columns("", "Name of Employee (typed or printed)"), .gap,
            .line("ACKNOWLEDGED AND AGREED:"),
            .line("Bellwether Acoustics, Inc."),
            .line("/s/ Nora Quint"), .gap,
            .line("Witness:"),
            .line("/s/ Ada Lowe"),
        ]
        blocks.append(.gap)
        let path = try Agreement.pdf(dir, "employee.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Bellwether Acoustics, Inc.", "ROLAND J. PIKE"]))
        #expect(o["effective_date"] == "2009-05-12")
    }

    /// "As an associate of X (the "Company")" names the organisation; the associate signs under "ASSOCIATE:"; the
    /// short name above the organisation's signature ("FERN HOLLOW:") is the same party.
    @Test func associateAgreementWithTwoSignatureColumns() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let blocks: [Agreement.Block] = [
            .heading("CONFIDENTIALITY AND NON-SOLICITATION AGREEMENT"), .gap,
            .para(
                "As an associate of Fern Hollow, Inc. (the “Company”), you will have access to confidential information of the Company. Therefore you agree as follows:"
            ),
            .para(
                "1. You will not disclose confidential information of the Company. This Agreement shall be governed by the laws of the State of New York."
            ),
            .columns("FERN HOLLOW:", "ASSOCIATE:"),
            .columns("BY: /s/ Mark Ostrow", "/s/ Lena Vukovic"),
            .columns("Mark Ostrow", "Lena Vukovic"),
            .columns("Date: 8/11/08", "Date: 8/7/08"),
        ]
        let path = try Agreement.pdf(dir, "associate.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Fern Hollow, Inc.", "Lena Vukovic"]))
    }

    /// "between Kestrel and me" uses a short name; the signature block spells it out, and that is the party. A form
    /// left blank for the employee names no person.
    @Test func aShortNameGivesWayToTheFullOne() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let blocks: [Agreement.Block] = [
            .heading("EXECUTIVE NON-DISCLOSURE AGREEMENT"), .gap,
            .para(
                "In order for Kestrel, Hale and Co., including its subsidiaries (collectively “Kestrel” or the “Company”), to protect its Confidential Information, I agree as follows:"
            ),
            .para(
                "1. This Agreement shall be binding whether it is between Kestrel and me or between any successor of Kestrel and me."
            ),
            .para("2. This Agreement shall be governed by the laws of the State of Illinois."),
            .columns("EXECUTIVE", "KESTREL, HALE AND CO."), .gap,
            .columns("Signed: SAMPLE ONLY - DO NOT SIGN", "By: ____________________"),
        ]
        let path = try Agreement.pdf(dir, "sample.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["KESTREL, HALE AND CO."]))
    }
}

extension PartiesBeyondThePreamble {
    /// A letter agreement to a person: the addressee whose surname the salutation repeats is the other party; the
    /// heading above the name is not.
    @Test func letterToAPerson() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let blocks: [Agreement.Block] = [
            .heading("HALVARD MARINE SYSTEMS, INC."), .gap, .line("March 14, 2016"), .gap,
            .line("PERSONAL AND CONFIDENTIAL"),
            .line("Mr. Tobias Renner"), .line("41 Elm Court"), .line("Saginaw, MI 48601"), .gap,
            .line("Dear Mr. Renner:"), .gap,
            .para(
                "This letter agreement sets out the terms on which you will receive confidential information of Halvard Marine Systems, Inc. (the “Company”)."
            ),
            .para("1. This letter agreement shall be governed by the laws of the State of Michigan."),
            .line("Very truly yours,"), .line("HALVARD MARINE SYSTEMS, INC."), .line("By: /s/ Uma Ferris"),
            .line("Name: Uma Ferris"),
        ]
        let path = try Agreement.pdf(dir, "letter.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        let parties = Set((o["parties"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
        #expect(parties == ["halvard marine systems, inc.", "tobias renner"])
    }
}

extension PartiesBeyondThePreamble {
    /// The person signs under a heading ("Executive:") with no "/s/": the name below the heading is the other party.
    @Test func personUnderASignatureHeading() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let text = """
            NON-COMPETITION AND NON-DISCLOSURE AGREEMENT

            This Agreement is entered into by Corbel Savings Corp. (the “Company”) for the benefit of its business.

            1. Governing Law. This Agreement shall be governed by the laws of the State of Georgia.

            IN WITNESS WHEREOF, the parties have executed this Agreement.

                                       CORBEL SAVINGS CORP.
                                       By: ______________________
                                       Walt Ibsen, President

                                       Executive:

                                       HELGA M. STRAND
            """
        let path = try dir.write("p.txt", text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Corbel Savings Corp.", "HELGA M. STRAND"]))
    }
}

extension PartiesBeyondThePreamble {
    /// "By: /s/ Name" under a role heading ("SECOND PARTY") is that person signing for themselves; "SECOND PARTY" is
    /// no party's name.
    @Test func signerUnderARoleHeading() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let blocks: [Agreement.Block] = [
            .heading("CONFIDENTIALITY AGREEMENT"), .gap,
            .para(
                "Second Party has been engaged by Quarry Search, Inc. and agrees to keep its information confidential."),
            .para("1. This Agreement shall be governed by the laws of the State of Illinois."),
            .para("IN WITNESS WHEREOF, the parties hereto have executed this agreement this 16th day of May, 2011."),
            .line("QUARRY SEARCH, INC."), .gap, .columns("By:", "/s/ Lee Dunmore"), .gap, .gap,
            .line("SECOND PARTY"), .gap, .columns("By:", "/s/ Otis R. Vale"),
        ]
        let path = try Agreement.pdf(dir, "second.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["QUARRY SEARCH, INC.", "Otis R. Vale"]))
    }

    /// A letter signed "Sincerely, /s/ Name" over an officer's title is signed for the organisation: that officer is no
    /// party; the person who accepts it is.
    @Test func officerSigningALetterIsNoParty() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let blocks: [Agreement.Block] = [
            .line("November 4, 2013"), .gap, .line("Dear Ms. Hale:"), .gap,
            .para(
                "This letter sets out our agreement about your resignation and the confidentiality of information you hold. It shall be governed by the laws of the State of Missouri."
            ),
            .right("Sincerely,"), .right("/s/ Victor Amsel"), .right("Victor Amsel"),
            .right("Chairman & Chief Executive Officer"),
            .line("ACCEPTED AND AGREED TO:"), .line("/s/ Greta L. Hale"), .line("Name: Greta L. Hale"),
        ]
        let path = try Agreement.pdf(dir, "resign.pdf", blocks)
        let o = try await Fixture.extract(path, "contract")
        let parties = (o["parties"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(parties.contains("Greta L. Hale"))
        #expect(!parties.contains("Victor Amsel"))
    }
}

@Suite struct TermsInEveryUnit {
    @Test(
        arguments: [
            ("This Agreement shall terminate ninety (90) days after the date hereof.", 3),
            ("This Agreement shall expire one hundred eighty (180) days from the Effective Date.", 6),
            ("This Agreement shall remain in effect for 365 days from the date hereof.", 12),
            ("This Agreement shall remain in effect for fifty-two (52) weeks from the date hereof.", 12),
            ("The term of this Agreement is the 26-week period beginning on the date hereof.", 6),
            // not a whole number of months: no term rather than a wrong one
            ("This Agreement shall terminate forty-five (45) days after the date hereof.", nil),
            // the obligations' own end, counted from the start, over the period for disclosures
            (
                "4.1 Term. The term of this Agreement during which Confidential Information may be disclosed shall begin on the Effective Date and end five (5) years after the Effective Date. 4.2 Survival. The Receiving Party’s obligations under Section 2 shall survive termination or expiration of this Agreement, and shall expire seven (7) years from the Effective Date.",
                84
            ),
            // an exception before the verb does not make the sentence another clause's
            (
                "19. Your obligations under this Agreement, except: (i) the obligations with respect to any Confidential Information retained pursuant to Section 5 hereof, and (ii) as described in Section 13, shall terminate two (2) years from the date hereof.",
                24
            ),
            // a standstill's list after a colon stays in its sentence; the agreement's end wins
            (
                "The undersigned agrees that it will not, for a period of 12 months from the date of this agreement (and will not assist others to): (i) acquire any securities of the Company. This agreement shall automatically terminate on the earlier of (i) the second anniversary of the date hereof and (ii) the execution of a definitive agreement.",
                24
            ),
            // obligations that expire beat a covenant's period written with the same subject
            (
                "7. Your obligations under this letter agreement shall expire (i) upon a definitive agreement or (ii) three years from the date of this letter agreement. 8. You agree that, for a period of two years from the date of this letter agreement, neither you nor your affiliates will propose any merger.",
                36
            ),
        ] as [(String, Int?)])
    func term(_ text: String, _ months: Int?) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("t.txt", "CONFIDENTIALITY AGREEMENT\n\n" + text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["term_months"]?.intValue == months)
    }
}

@Suite struct DatesAndLawInEveryForm {
    @Test(arguments: [
        ("this twenty-first day of June, 2004", "2004-06-21"),
        ("June twenty-first, 2004", "2004-06-21"),
        ("the 1st day of March, A.D. 2003", "2003-03-01"),
        ("the thirtieth day of September 2011", "2011-09-30"),
        ("December 11,2014", "2014-12-11"),
        ("the 4th day of May 2005", "2005-05-04"),
    ])
    func effectiveDate(_ written: String, _ iso: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let text =
            "CONFIDENTIALITY AGREEMENT\n\nThis Agreement is entered into as of \(written) by and between Acme Widgets, Inc. (“Acme”) and Ivo Brandt (“Recipient”).\n\n1. This Agreement shall be governed by the laws of the State of New York.\n"
        let path = try dir.write("d.txt", text)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["effective_date"] == .string(iso))
    }

    /// A US agreement signed "Date: 8/11/08": month first, from its written dates or its US law, with no currency.
    @Test(arguments: [
        ("This Agreement, together with the offer letter dated August 6, 2008, is the whole agreement.", "2008-08-11"),
        ("This Agreement shall be governed by the laws of the State of Georgia.", "2008-08-11"),
        ("The offer letter of 6 August 2008 is part of it, and the laws of England govern it.", "2008-11-08"),
    ])
    func numericSignatureDate(_ clause: String, _ iso: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // the clause's own date lies past the preamble, so the date signed is the agreement's
        let filler = String(
            repeating:
                "You agree to keep the information of the Company confidential and to use it only for your work. ",
            count: 18)
        let text =
            "CONFIDENTIALITY AGREEMENT\n\n\(filler)\n\n\(clause)\n\nIN WITNESS WHEREOF the parties sign below.\n\nDate: 8/11/08\n"
        let path = try dir.write("n.txt", text)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["effective_date"] == .string(iso))
    }

    @Test(arguments: [
        (
            "This Agreement shall he construed and enforced pursuant to the laws of The Commonwealth of Massachusetts, exclusive of its rules governing conflict of law.",
            "Massachusetts"
        ),
        (
            "Marten Co., a corporation organized pursuant to the laws of Nevada, and Ibex LLC agree. This Agreement is governed by the laws of the State of Utah.",
            "Utah"
        ),
        (
            "This Agreement shall be governed by the laws of the United States of America and the State of Delaware.",
            "Delaware"
        ),
        // words between "laws" and "of"
        (
            "(c) This Agreement shall be governed by and in accordance with the laws and public policies of the State of Delaware.",
            "Delaware"
        ),
        // export control laws are not the agreement's law, though the clause says "subject to"
        (
            "10. Export. Information may be subject to export controls under the laws of the United States. 12. General. This Agreement shall be construed in accordance with the laws of the State of California.",
            "California"
        ),
        (
            "14. GOVERNING LAW. THIS AGREEMENT SHALL BE GOVERNED BY THE LAWS OF THE STATE OF NEW YORK WITHOUT REGARD TO CONFLICTS OF LAW.",
            "New York"
        ),
        ("THIS AGREEMENT SHALL BE CONSTRUED UNDER THE LAWS OF ENGLAND AND WALES.", "England and Wales"),
    ])
    func governingLaw(_ text: String, _ law: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("l.txt", "NON-DISCLOSURE AGREEMENT\n\n" + text + "\n")
        let o = try await Fixture.extract(path, "contract")
        #expect(o["governing_law"] == .string(law))
    }
}

/// Party names in one canonical spelling (see `PartyNames`).
@Suite struct CanonicalPartyNames {
    @Test(arguments: [
        ("Heidrick & Struggles Incorporated", "Heidrick and Struggles Inc."),
        ("Altimo Holdings & Investments Limited", "Altimo Holdings and Investments Ltd."),
        ("LEONARD GREEN & PARTNERS, L.P.", "LEONARD GREEN AND PARTNERS, LP"),
        ("Potomac Key Group, L.L.C.", "Potomac Key Group, LLC"),
        ("Intel Corporation", "Intel Corporation"),
        ("Limited Brands", "Limited Brands"),
        ("Ray M. Dolby", "Ray M. Dolby"),
    ])
    func canonical(_ printed: String, _ want: String) {
        #expect(PartyNames.canonical(printed) == want)
    }
}
