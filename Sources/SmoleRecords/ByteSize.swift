import Foundation

/// Sizes like `100MB`, `1KB`, `512k`, `2GiB` or plain bytes. Multiples are binary (1KB = 1024 bytes).
public enum ByteSize {
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

    public static func format(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 * 1024, bytes % (1024 * 1024 * 1024) == 0 { return "\(bytes / (1024 * 1024 * 1024))GB" }
        if bytes >= 1024 * 1024, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024))MB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024)KB" }
        return "\(bytes) bytes"
    }
}
