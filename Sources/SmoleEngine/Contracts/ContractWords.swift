/// The words the contract resolvers read parties by: each list is a kind of cue word in the lexicon
/// (`Lexicon/labels/*.json`, "words"; English, as filed with the SEC, where not said otherwise;
/// the preamble keys carry the German, French and Dutch "between").
///
/// Order of evidence for a party (Contract.swift `contractParties`): the preamble's list ("by and between X and Y",
/// "PARTIES: X and Y", "among X, Y and Z"); the organisation a first-person agreement names ("my employment with X");
/// then the signature blocks (organisations above "By:", individuals who sign for themselves); then a letter's addressee.
enum ContractWords {
    /// What may follow a party's name after a space and ends it: "Regent Group, Inc. together with its subsidiaries".
    static let partyTails = Lexicon.words("party_tails")

    /// What may follow a party's name after a comma and ends it: "X, Inc., a Delaware corporation", "NIKE, Inc., divisions,
    /// subsidiaries and affiliates", "Dolby Laboratories, Inc., its subsidiaries". "Escalade, Incorporated" goes on.
    static let partyCommaTails = Lexicon.words("party_comma_tails")

    /// A note after a name that is not part of it: "Acme Corp. please see Exhibit 10".
    static let afterName = Lexicon.words("after_name_notes")

    /// A person's degree or credential after a comma: "Maher Albitar, M.D.".
    static let credentials = Lexicon.words("credentials")

    /// Legal forms that end an organisation's name ("Inc.", "LLC", "GmbH"): the entity suffixes that are not words of
    /// a name ("Holdings", "Group", "Company" go on: "X Holdings, Inc.", "Y Company, LLC").
    static let legalForms: Set<String> = Set(Lexicon.words("entity_suffixes")).subtracting(
        Lexicon.words("entity_name_words"))

    /// A company register's number after a name: "ACN 611 222 333" (Australian Company Number), "company number
    /// 01234567" (Companies House); the name ends before it.
    static let registrationMarks = Lexicon.words("registration_marks")

    /// Roles and pronouns that stand where a party's name would: "between you and the Company", "between Sears and me".
    static let roles: Set<String> = Lexicon.wordSet("party_role_words")

    /// Words of a signature block that are never a party's name, in any case: "AUTHORIZED PERSON", "Title: President".
    static let signatureWords = Lexicon.words("signature_words")

    /// Openings of a first-person or second-person agreement that name the other side: "As a condition of my employment
    /// with Dolby Laboratories, Inc., its subsidiaries ...", "As an associate of Ann Taylor, Inc. (the "Company")".
    static let employerCues = Lexicon.words("employer_cues")

    /// Words of an officer's title under a signature ("Chairman & Chief Executive Officer"): that person signs for an
    /// organisation, not for themselves.
    static let officerTitles = Lexicon.words("officer_titles")

    /// Headings above an individual's signature: "EMPLOYEE:", "ASSOCIATE:", "Name of Employee".
    static let individualHeadings = Lexicon.words("individual_headings")

    /// The states and districts of the United States, whose agreements write a/b/yyyy month first.
    static let usStates: Set<String> = Lexicon.wordSet("us_states")

    /// A day of the month written as an ordinal word: "first" → 1, "twenty-first" / "twenty first" → 21, "thirtieth" → 30.
    static func ordinalDay(_ s: String) -> Int? {
        let ones = ordinalWords
        let parts = s.lowercased().split(whereSeparator: { $0 == "-" || $0 == " " }).map(String.init)
        if parts.count == 1 { return ones[parts[0]] }
        let tens = ["twenty": 20, "thirty": 30]
        if parts.count == 2, let t = tens[parts[0]], let o = ones[parts[1]], o < 10 { return t + o }
        return nil
    }

    /// A regular expression (no groups) for the ordinal words of a day: "twenty-first", "twenty first", "thirtieth".
    static let ordinalDayPattern: String = {
        let words = ordinalWords.keys.sorted { $0.count > $1.count }.joined(separator: "|")
        return "(?:(?:twenty|thirty)[- ](?:" + words + ")|" + words + ")"
    }()

    static let ordinalWords: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
        "tenth": 10,
        "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
        "seventeenth": 17,
        "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    ]

    /// The month's number for its English name or abbreviation ("Sept.", "March").
    static func monthNumber(_ s: String) -> Int? {
        let key = String(s.lowercased().filter(\.isLetter).prefix(3))
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return months.firstIndex(of: key).map { $0 + 1 }
    }

    /// Titles before a person's name in a letter's address: "Mr. Alan Reyes".
    static let honorifics = Lexicon.words("honorifics")
}
