import Foundation
import SmoleBackend
import SmoleRecords

/// Which backend smole-extract uses, from flags and the environment (DESIGN.md "The two backends").
public enum BackendChoice: Sendable {
    case api(url: String, key: String?)
    case local

    /// The API base used when a key is given but no URL (`--api`, `SMOLE_API_URL`).
    public static let defaultURL = "https://api.smole.tech/api"

    /// `--api URL` or SMOLE_API_URL select the API; a key (SMOLE_API_KEY or `--api-key-file`)
    /// with no URL uses the default base. A key is never sent over plain http:// to a host other
    /// than loopback unless `allowInsecureHTTP`.
    ///
    /// - Throws: `RecordError(.unreadable)` for a key file that cannot be read, is empty or has more than one line;
    ///   `RecordError(.badRecord)` for a URL that is not http:// or https://, or a key that would go over plain
    ///   http:// to a host that is not loopback.
    public static func resolve(
        api: String?, keyFile: String?, allowInsecureHTTP: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RecordError) -> BackendChoice {
        var key: String? = nil
        if let keyFile {
            let text: String
            do { text = try String(contentsOfFile: keyFile, encoding: .utf8) } catch {
                throw RecordError(.unreadable, "--api-key-file \(keyFile): cannot read it")
            }
            let k = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if k.isEmpty { throw RecordError(.unreadable, "--api-key-file \(keyFile): the file is empty") }
            if k.contains(where: { $0.isNewline }) {
                throw RecordError(.unreadable, "--api-key-file \(keyFile): expected one line")
            }
            key = k
        } else if let k = environment["SMOLE_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !k.isEmpty {
            key = k
        }
        var url = api
        if url == nil, let u = environment["SMOLE_API_URL"], !u.isEmpty { url = u }
        if url == nil, key != nil { url = defaultURL }
        guard let url else { return .local }
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw RecordError(.badRecord, "--api \(url): expected an http:// or https:// URL")
        }
        if key != nil, !allowInsecureHTTP, !APIBackend.isSafe(url: url) {
            throw RecordError(
                .badRecord,
                "refusing to send the API key over plain http:// to a host that is not loopback (\(url)); use https:// or --allow-insecure-http"
            )
        }
        return .api(url: url, key: key)
    }
}
