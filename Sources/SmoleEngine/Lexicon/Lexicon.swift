import Foundation

/// What a field means, whatever a schema calls it. Each role has one resolver in the engine (`Resolvers/`), and
/// its label words come from the lexicon. A field's role is its `x-smole-role`, else the role whose default names
/// include its name (`Lexicon/roles.json`): a user schema's `seller` or `amount_payable` gets the same resolver
/// and labels as the built-in `vendor_name` and `total`.
enum Role: String, CaseIterable, Sendable {
    case seller, buyer
    case documentNumber = "document_number"
    case issueDate = "issue_date"
    case dueDate = "due_date"
    case currency, subtotal, tax, total, time
    case paymentMethod = "payment_method"
    case lineItems = "line_items"
    case itemDescription = "item_description"
    case itemQuantity = "item_quantity"
    case itemUnitPrice = "item_unit_price"
    case itemAmount = "item_amount"
    case title, parties
    case effectiveDate = "effective_date"
    case term
    case governingLaw = "governing_law"
    case contractValue = "contract_value"

    /// Roles of the fields of one line item (inside an array of objects).
    var isItemRole: Bool { [.itemDescription, .itemQuantity, .itemUnitPrice, .itemAmount].contains(self) }
    /// Money amounts of the document's totals block.
    var isTotalsAmount: Bool { [.subtotal, .tax, .total, .contractValue].contains(self) }
}

/// Label words per role and per language, and the words that change a label's meaning when they follow it.
///
/// Data, not code: one JSON file per language in `Lexicon/labels/` (compiled into the binary with SwiftPM's
/// `embedInCode`), each `{"language", "roles": {role: [labels, most specific first]}, "not_followed_by": {role:
/// [words]}}`, and `Lexicon/roles.json` with each role's default field names. Adding a language is adding a file
/// and its line in `files` (a test checks that every file in the folder is listed).
enum Lexicon {
    /// The language files, in the order their labels are merged.
    static let files: [(language: String, bytes: [UInt8])] = [
        ("en", PackageResources.en_json), ("de", PackageResources.de_json), ("fr", PackageResources.fr_json),
        ("nl", PackageResources.nl_json), ("es", PackageResources.es_json), ("it", PackageResources.it_json),
        ("pt", PackageResources.pt_json), ("ms", PackageResources.ms_json),
    ]

    struct Language: Decodable, Sendable {
        var language: String
        var roles: [String: [String]]
        var notFollowedBy: [String: [String]]?
        var phrases: [String: [String]]?
        var words: [String: [String]]?
        var months: [[String]]?

        enum CodingKeys: String, CodingKey {
            case language, roles, phrases, words, months
            case notFollowedBy = "not_followed_by"
        }
    }

    /// The parsed language files. A file that does not parse is a build defect, caught by the lexicon tests.
    static let languages: [Language] = files.map { try! JSONDecoder().decode(Language.self, from: Data($0.bytes)) }

    /// A role's labels in every language with their rank (position in their own language's list, 0 = most
    /// specific), the languages interleaved by rank; a label in several languages appears once, at its best rank.
    static let rankedLabels: [Role: [(label: String, rank: Int)]] = {
        var out: [Role: [(String, Int)]] = [:]
        for role in Role.allCases {
            let lists = languages.map { $0.roles[role.rawValue] ?? [] }
            var seen = Set<String>()
            var merged: [(String, Int)] = []
            for r in 0..<(lists.map(\.count).max() ?? 0) {
                for list in lists where r < list.count && seen.insert(list[r].lowercased()).inserted {
                    merged.append((list[r], r))
                }
            }
            out[role] = merged
        }
        return out
    }()

    /// Words that, right after one of the role's labels in the same cell, mean the label is not this role's
    /// ("Total Qty", "VAT No", "Subtotal before discount"), lowercased, from every language.
    static let stopWords: [Role: Set<String>] = {
        var out: [Role: Set<String>] = [:]
        for lang in languages {
            for (role, words) in lang.notFollowedBy ?? [:] {
                guard let r = Role(rawValue: role) else { continue }
                out[r, default: []].formUnion(words.map { $0.lowercased() })
            }
        }
        return out
    }()

    /// Phrases of one kind from every language, lowercased: "carried_forward" (a running total repeated at a page
    /// break: "Übertrag", "Carried forward", "A reporter") and "page" (the word of a page number: "Seite", "Page").
    static func phrases(_ kind: String) -> [String] {
        var seen = Set<String>()
        return languages.flatMap { $0.phrases?[kind] ?? [] }.map { $0.lowercased() }.filter { seen.insert($0).inserted }
    }
    static let carriedForward: [[Character]] = phrases("carried_forward").map { LabelMatch.normalize($0) }
    static let pageWords: Set<String> = Set(phrases("page"))
    static let rounding: [[Character]] = phrases("rounding").map { LabelMatch.normalize($0) }
    /// A discount line of the totals block ("Discount", "Rabatt", "Remise"): it lowers the total.
    static let discounts: [[Character]] = phrases("discount").map { LabelMatch.normalize($0) }
    /// A charge line of the totals block ("Shipping", "Versandkosten", "Frais de port"): it adds to the total.
    static let charges: [[Character]] = phrases("charge").map { LabelMatch.normalize($0) }
    /// Headings of a block ("Details", "Summary", "Zusammenfassung"), lowercased: never a party's name.
    static let headings: Set<String> = Set(phrases("headings"))

    /// The kinds of cue word (`"words"` in a language file), each used by one part of the engine. A kind in a
    /// file that is not listed here, or listed and in no file, fails the lexicon tests.
    static let wordKinds: [String: String] = [
        "legal_forms": "a registered business's legal form (Ltd, GmbH, Sdn Bhd): a receipt's merchant line",
        "short_legal_forms": "legal forms that count only as a name's last word (KG, SA, Co)",
        "receipt_headings": "a slip's title or document word: that line is a heading, not the merchant",
        "registration_words": "registration, tax and contact words (GST ID, Co. Reg, Tel): not the merchant",
        "address_words": "street and building words of an address line",
        "greetings": "greetings, slogans and returns notices at the head or foot of a slip (not the merchant)",
        "total_qualifiers": "words that make a receipt's 'total' label some other sum (Total Qty, Total Excl)",
        "tax_words":
            "words of a tax (GST, MwSt, TVA, IVA): a receipt's tax line; an item table's tax column, whose numbers are not the item's",
        "inclusive_words": "words saying a total includes the tax (incl., TTC, brutto)",
        "department_words":
            "a department after a seller's name in a letterhead ('Free Service Abonné', 'Acme Customer Service'): not part of the name",
        "rate_column_words":
            "the first word of an item table's rate column heading ('Disc.%', 'Rabatt'): its numbers are rates, not prices",
        "part_of_item_words":
            "the first word of an indented sub-line naming a part already in the price of the item above ('Incl. levy 4,24', 'davon Pfand'): not an item",
        "final_amount_words": "labels of a receipt's final amount (rounded, grand, payable)",
        "summary_words": "headings of a tax summary under the slip's totals (and their OCR misreadings)",
        "tendered_words": "money handed over: cash, card (not the total)",
        "change_words": "change given back (not the total)",
        "item_table_words": "column words of an item table's header",
        "exclusive_words": "words saying a total excludes the tax (excl., ex)",
        "other_date_words":
            "words of a date that is not the slip's (expiry, valid until, date of birth, a return or refund deadline)",
        "included_tax_words":
            "words saying a receipt's tax line is already in its total ('of which VAT', 'dont TVA', 'davon MwSt', 'GST incl.')",
        "tax_table_net_words": "a tax summary table's net column heading (Net, Netto, HT)",
        "tax_table_gross_words": "a tax summary table's gross column heading (Gross, Brutto, TTC)",
        "payment_leads": "words before a receipt's payment method on its line ('Paid by', 'Geg.', 'Réglé')",
        "unit_month": "a contract term's unit: month",
        "unit_year": "a contract term's unit: year",
        "unit_week": "a contract term's unit: week",
        "unit_day": "a contract term's unit: day",
        "date_particles": "words between a date's day, month and year ('1st of May', '15 de marzo de 2025')",
        "language_cues": "words that mark a document's language (fewer than two of each other language: English)",
        "number_words": "the 'No.' after a label word ('Invoice No.:')",
        "yes_words": "a checkbox or yes/no field's yes",
        "no_words": "a checkbox or yes/no field's no",
        "title_words": "a document's title ('Tax Invoice'): never a party's name",
        "contact_prefixes": "the start of a contact line (Tel, Email, IBAN): never a party's name",
        "address_headings": "headings of another address block (Ship to, Lieferadresse): not the buyer",
        "party_tails": "what ends a contract party's name after a space ('together with its subsidiaries')",
        "party_comma_tails": "what ends a contract party's name after a comma (', a Delaware corporation')",
        "after_name_notes": "a note after a party's name that is not part of it (' please see Exhibit 10')",
        "credentials": "a person's degree or credential after a comma ('M.D.', 'Esq.')",
        "registration_marks": "a company register's number after a name, not part of it ('ACN 611 222 333')",
        "party_role_words": "roles and pronouns standing where a party's name would ('you', 'the Company')",
        "signature_words": "words of a signature block that are never a party's name ('Title:', 'Authorized')",
        "employer_cues": "openings that name the other side of a first-person agreement ('my employment with ')",
        "officer_titles": "an officer's title under a signature: that person signs for an organisation",
        "individual_headings": "headings above an individual's signature ('EMPLOYEE:')",
        "us_states": "states and districts of the United States (agreements there write a/b/yyyy month first)",
        "honorifics": "titles before a person's name in a letter's address ('Mr.')",
        "contract_words": "words of a contract's title (Agreement, Vertrag, Contrat, Overeenkomst)",
        "sentence_starters": "words that start a sentence of prose, not a party's name",
        "name_abbreviations": "abbreviations inside names whose period does not end a sentence ('Inc.', 'N.V.')",
        "sentence_abbreviations": "further abbreviations whose period does not end a sentence ('Sec.', 'e.g.')",
        "rate_words": "words that make an amount a rate ('per ', 'monthly')",
        "amount_of_phrases": "phrases before a stated total ('fee of', 'sum of')",
        "payment_verbs": "phrases that state a payment ('shall pay')",
        "hedged_amount_cues": "words that make an amount not the contract's value ('up to', 'not to exceed')",
        "contract_value_cues": "words before a contract's value ('fee', 'Vergütung', 'montant')",
        "law_heading_words": "words of a governing-law heading that are not the law ('Governing Law')",
        "law_governs_cues": "'<place> law governs' and the like after a law's name",
        "choice_of_law_words": "words of a choice-of-law clause before the law ('construed', 'applicable law')",
        "not_governing_cues": "words near a place that is not the governing law ('organized under', 'securities')",
        "governing_verbs": "verbs of a governing-law clause ('governed', 'construed')",
        "law_cues": "what comes before a governing law ('laws of', 'Recht der')",
        "law_name_fillers": "words after a law's name in a clause in capitals that do not continue it",
        "law_name_stops": "what ends a governing law's name (', without', ' applicable')",
        "law_place_leads": "what comes before a governing law's place ('the State of ')",
        "law_place_tails": "what follows a governing law's place and is not its name ('Special Administrative Region')",
        "american_cues": "signs an agreement is American (its a/b/yyyy dates are month first)",
        "effective_date_cues": "words before a contract's effective date ('as of', 'vom', 'en date du')",
        "when_signed": "an effective date given as the date of the last signature",
        "when_signed_context": "words of the sentence that makes the last signature the effective date ('effective')",
        "not_signing_date_cues": "words before a date near the signatures that is not a signing date ('revised')",
        "undersigned_prefixes": "'the undersigned' before a party's name",
        "preamble_keys": "what introduces a preamble's parties ('by and between ', 'zwischen ')",
        "party_list_conjunctions": "'and' between parties in a preamble",
        "party_list_headings": "a heading over numbered party blocks ('PARTIES', 'Vertragsparteien')",
        "conjunctions": "'and' between names, with its spaces",
        "title_joiners": "words a heading does not end in when it goes on below ('and', 'of')",
        "title_notes": "notes above a title that are not it ('Confidential', 'Execution Version')",
        "subject_leads": "a letter's subject line ('Re:', 'Betreff:')",
        "prose_starts": "openings of a paragraph of prose ('This ', 'Dear ', 'Whereas'): the title is above",
        "nda_title_words": "words of a non-disclosure agreement's title",
        "behalf_leads": "what comes before the name signed for ('for and on behalf of ')",
        "signature_not_name": "words of a signature block's lines that are not a name ('By:', 'Sincerely')",
        "term_renewal_words": "words that make a period a renewal or a payment's, not the term",
        "term_provisos": "what ends a term's sentence (', except', '; provided')",
        "term_after_end": "a period that runs after the term ('survive termination')",
        "term_unrelated": "words of a period that is not the agreement's term ('non-solicit', 'standstill')",
        "term_verbs": "words of a sentence that states a term",
        "term_headings": "headings of a term clause ('Term', 'Laufzeit')",
        "term_label_words": "last word of a cover table's term label ('MNDA Term', 'Duration')",
        "term_until_words": "words right before a term's last day ('through December 31, 2022')",
        "term_row_not": "words of a term-like row that is another period's ('Payment Term', 'Notice Period')",
        "term_from_start": "where a term is counted from ('from the Effective Date')",
        "term_end_verbs": "verbs of a term's end ('expire', 'remain in')",
        "term_subjects": "what a term clause is about ('this Agreement', 'dieser Vertrag')",
        "mid_phrase_words": "words an item description does not end in when it goes on below",
        "measure_units": "units a table's quantity is printed with ('1.00 kg', '3 Stk'): the cell is still a number",
        "entity_suffixes": "legal-form suffixes that make a name an organisation's ('Inc.', 'GmbH', 'N.V.')",
        "entity_name_words": "entity suffixes that are words of a name, which a legal form may follow ('Holdings')",
    ]

    /// Cue words of one kind (`wordKinds`) from every language, in file order, each once.
    static func words(_ kind: String) -> [String] { mergedWords[kind] ?? [] }
    /// `words(kind)` as a set.
    static func wordSet(_ kind: String) -> Set<String> { mergedWordSets[kind] ?? [] }

    /// Every kind's words merged once, so a resolver may ask inside a loop.
    private static let mergedWords: [String: [String]] = {
        var out: [String: [String]] = [:]
        var seen: [String: Set<String>] = [:]
        for lang in languages {
            for (kind, words) in lang.words ?? [:] {
                for w in words where seen[kind, default: []].insert(w).inserted { out[kind, default: []].append(w) }
            }
        }
        return out
    }()
    private static let mergedWordSets: [String: Set<String>] = mergedWords.mapValues { Set($0) }
    /// Cue words of one kind per language (`language_cues`): language → words.
    static func wordsByLanguage(_ kind: String) -> [(language: String, words: [String])] {
        languages.compactMap { l in l.words?[kind].map { (l.language, $0) } }
    }

    /// Month names and abbreviations from every language, lowercased → month number 1...12.
    static let months: [String: Int] = {
        var m: [String: Int] = [:]
        for lang in languages {
            for (i, names) in (lang.months ?? []).enumerated() {
                for n in names where m[n.lowercased()] == nil { m[n.lowercased()] = i + 1 }
            }
        }
        return m
    }()

    private struct RolesFile: Decodable { var roles: [String: [String]] }
    /// Default field names per role (`Lexicon/roles.json`).
    static let defaultNames: [Role: [String]] = {
        let file = try! JSONDecoder().decode(RolesFile.self, from: Data(PackageResources.roles_json))
        var out: [Role: [String]] = [:]
        for (k, v) in file.roles { if let r = Role(rawValue: k) { out[r] = v } }
        return out
    }()

    /// The role a field named `name` has by default: item roles inside a line item, the others outside.
    static func defaultRole(forField name: String, inItem: Bool) -> Role? {
        let n = name.lowercased()
        return Role.allCases.first { $0.isItemRole == inItem && (defaultNames[$0] ?? []).contains(n) }
    }
}
