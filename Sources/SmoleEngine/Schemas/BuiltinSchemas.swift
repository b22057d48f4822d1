/// The built-in schemas, `Schemas/builtin/{invoice,receipt,contract}.json`, compiled into the binary (SwiftPM
/// `embedInCode`) so an installed tool needs no resource bundle beside it. Field names are the ones DESIGN.md defines
/// (the names the corpus is scored on); their label words come from the lexicon of each field's role.
enum BuiltinSchemas {
    /// The schema's JSON text, or nil for an id that is not built in.
    static func json(_ id: String) -> String? {
        bytes(id).map { String(decoding: $0, as: UTF8.self) }
    }

    static func bytes(_ id: String) -> [UInt8]? {
        switch id {
        case "invoice": return PackageResources.invoice_json
        case "receipt": return PackageResources.receipt_json
        case "contract": return PackageResources.contract_json
        default: return nil
        }
    }
}
