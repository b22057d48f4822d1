import Foundation

/// Sizes like `100MB`, `1KB`, `512k`, `2GiB` or plain bytes. Multiples are binary (1KB = 1024 bytes).
public enum ByteSize {
    /// Parses a size: a decimal number (fractions allowed) with an optional unit `b`, `k`/`kb`/`kib`, `m`/`mb`/`mib` or
    /// `g`/`gb`/`gib`, any case, all binary multiples.
    ///
    /// - Returns: The size in whole bytes, rounded down, or nil for text that is not a size, a negative number, or a
    ///   size beyond `Int.max / 2`.
    public static func parse(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        var digits = ""
        var rest = Substring(s)
        while let c = rest.first, c.isNumber || c == "." {
            digits.append(c)
            rest = rest.dropFirst()
        }
        guard let n = Double(digits), n >= 0 else { return nil }
        let unit = rest.trimmingCharacters(in: .whitespaces)
        let mult: Double
        switch unit {
        case "", "b": mult = 1
        case "k", "kb", "kib": mult = 1024
        case "m", "mb", "mib": mult = 1024 * 1024
        case "g", "gb", "gib": mult = 1024 * 1024 * 1024
        default: return nil
        }
        let v = n * mult
        guard v < Double(Int.max / 2) else { return nil }
        return Int(v.rounded(.down))
    }

    /// Formats bytes in the largest unit that divides them exactly: `2GB`, `100MB`, `1KB`, else `1500 bytes`.
    public static func format(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 * 1024, bytes % (1024 * 1024 * 1024) == 0 { return "\(bytes / (1024 * 1024 * 1024))GB" }
        if bytes >= 1024 * 1024, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024))MB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024)KB" }
        return "\(bytes) bytes"
    }
}
