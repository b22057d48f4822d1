/// The words the contract resolvers read parties by, kept as data in one place (English, as filed with the SEC;
/// the preamble keys carry the German, French and Dutch "between").
///
/// Order of evidence for a party (Contract.swift `contractParties`): the preamble's list ("by and between X and Y",
/// "PARTIES: X and Y", "among X, Y and Z"); the organisation a first-person agreement names ("my employment with X");
/// then the signature blocks (organisations above "By:", individuals who sign for themselves); then a letter's addressee.
enum ContractWords {
    /// What may follow a party's name after a space and ends it: "Regent Group, Inc. together with its subsidiaries".
    static let partyTails = ["together with", "on behalf of itself", "and its subsidiaries", "and its affiliates", "and/or",
                             "including its", "and each of its"]

    /// What may follow a party's name after a comma and ends it: "X, Inc., a Delaware corporation", "NIKE, Inc., divisions,
    /// subsidiaries and affiliates", "Dolby Laboratories, Inc., its subsidiaries". "Escalade, Incorporated" goes on.
    static let partyCommaTails = ["a ", "an ", "having", "with ", "located", "whose", "hereinafter", "organized", "organised",
                                  "incorporated in", "incorporated under", "registered", "each", "and ", "represented", "including",
                                  "its ", "together", "divisions", "subsidiaries", "affiliates", "successors", "on behalf", "acting",
                                  "residing", "who ", "which ", "doing business", "d/b/a", "as ", "by its", "through its", "for itself"]

    /// A note after a name that is not part of it: "Acme Corp. please see Exhibit 10".
    static let afterName = [" please see", " see exhibit", " (see ", " see schedule", " see attached", " as defined"]

    /// A person's degree or credential after a comma: "Maher Albitar, M.D.".
    static let credentials = ["m.d.", "m.d", "md", "ph.d.", "ph.d", "phd", "esq.", "esq", "cpa", "j.d.", "d.o.", "r.n."]

    /// Roles and pronouns that stand where a party's name would: "between you and the Company", "between Sears and me".
    static let roles: Set<String> = ["you", "we", "us", "me", "i", "the company", "company", "the parties", "the undersigned", "recipient",
                                     "the recipient", "discloser", "the discloser", "each party", "the parties hereto", "parties",
                                     "the employee", "employee", "the executive", "executive", "the associate", "associate",
                                     "the consultant", "consultant", "the contractor", "contractor", "the employer", "employer"]

    /// Words of a signature block that are never a party's name, in any case: "AUTHORIZED PERSON", "Title: President".
    static let signatureWords = ["authorized", "authorised", "signatory", "signature", "signed", "witness", "name:", "title:", "date:",
                                 "print", "typed", "its:", "attest", "notary", "president", "officer", "director", "secretary",
                                 "treasurer", "manager", "counsel", "partner", "chairman", "vice", "member", "representative",
                                 "accepted", "agreed", "acknowledged", "confirmed", "employee", "executive", "associate", "consultant",
                                 "company", "sample", "do not sign", "party", "parties", "address", "telephone", "facsimile", "email", "e-mail", "attention"]

    /// Openings of a first-person or second-person agreement that name the other side: "As a condition of my employment
    /// with Dolby Laboratories, Inc., its subsidiaries ...", "As an associate of Ann Taylor, Inc. (the "Company")".
    static let employerCues = ["my employment with ", "your employment with ", "employment by ", "employed by ", "an associate of ",
                               "an employee of ", "in the employ of ", "as a consultant to ", "services to "]

    /// Words of an officer's title under a signature ("Chairman & Chief Executive Officer"): that person signs for an
    /// organisation, not for themselves.
    static let officerTitles = ["chief", "officer", "president", "chairman", "director", "secretary", "treasurer", "manager",
                                "partner", "counsel", "vice", "ceo", "cfo", "coo", "general manager", "title:", "its:"]

    /// Headings above an individual's signature: "EMPLOYEE:", "ASSOCIATE:", "Name of Employee".
    static let individualHeadings = ["employee", "executive", "associate", "consultant", "contractor", "individual", "officer",
                                     "director", "stockholder", "shareholder", "holder", "member", "seller", "buyer"]

    /// The states and districts of the United States, whose agreements write a/b/yyyy month first.
    static let usStates: Set<String> = [
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "district of columbia",
        "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland",
        "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
        "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
        "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
        "west virginia", "wisconsin", "wyoming", "puerto rico"]

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
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
        "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
        "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30]

    /// The month's number for its English name or abbreviation ("Sept.", "March").
    static func monthNumber(_ s: String) -> Int? {
        let key = String(s.lowercased().filter(\.isLetter).prefix(3))
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return months.firstIndex(of: key).map { $0 + 1 }
    }

    /// Titles before a person's name in a letter's address: "Mr. Alan Reyes".
    static let honorifics = ["mr.", "mr", "ms.", "ms", "mrs.", "mrs", "dr.", "dr", "miss", "prof."]
}
