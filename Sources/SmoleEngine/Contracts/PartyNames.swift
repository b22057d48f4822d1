import Foundation

/// A party's name in one canonical spelling, so that the same company reads the same in every agreement and in the
/// database: "&" is written "and", and a spelled-out legal form takes its usual abbreviation (the abbreviations of the
/// ISO 20275 entity legal forms list: Incorporated → Inc., Limited → Ltd., L.P. → LP, L.L.C. → LLC).
/// Input: a name as printed ("Heidrick & Struggles Incorporated"). Output: "Heidrick and Struggles Inc.".
enum PartyNames {
    /// Legal forms written out or dotted → their abbreviation, matched as whole words at the end of the name or
    /// before a comma.
    static let legalForms: [(String, String)] = [
        ("Incorporated", "Inc."), ("Limited", "Ltd."), ("L.P.", "LP"), ("L.L.C.", "LLC"), ("L.L.P.", "LLP"),
    ]

    static func canonical(_ name: String) -> String {
        var s = name.replacingOccurrences(of: " & ", with: name == name.uppercased() ? " AND " : " and ")
        for (long, short) in legalForms {
            guard s.count > long.count + 1, s.lowercased().hasSuffix(long.lowercased()) else { continue }
            let head = s.dropLast(long.count)
            guard head.hasSuffix(" ") else { continue }
            let written = s.suffix(long.count)
            // the abbreviation in the case the form was written in ("LIMITED" → "LTD.")
            s =
                String(head)
                + (written == written.uppercased() && written != written.lowercased() ? short.uppercased() : short)
        }
        return s
    }
}
