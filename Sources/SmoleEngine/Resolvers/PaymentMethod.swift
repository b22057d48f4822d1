import Foundation
import SmoleRecords

/// The payment method of a receipt: the card scheme or cash named after the items (VISA, AMEX, girocard, espèces...),
/// else a labelled value ("Paid by", "Zahlungsart").
extension Extractor {
    func paymentMethod(_ f: Field) -> Found? {
        let known: [(String, String)] = [
            ("american express", "AMEX"), ("amex", "AMEX"), ("mastercard", "MASTERCARD"), ("master card", "MASTERCARD"),
            ("visa", "VISA"),
            ("maestro", "MAESTRO"), ("girocard", "DEBIT"), ("ec-karte", "DEBIT"), ("debit", "DEBIT"),
            ("credit card", "CREDIT"),
            ("paypal", "PAYPAL"), ("apple pay", "APPLE PAY"), ("google pay", "GOOGLE PAY"), ("cash", "CASH"),
            ("bar", "CASH"),
            ("espèces", "CASH"), ("especes", "CASH"), ("contanti", "CASH"), ("contant", "CASH"), ("efectivo", "CASH"),
            ("numerário", "CASH"), ("numerario", "CASH"), ("dinheiro", "CASH"), ("pin", "DEBIT"), ("bancomat", "DEBIT"),
            ("tarjeta de crédito", "CREDIT"), ("carta di credito", "CREDIT"), ("cartão de crédito", "CREDIT"),
            ("carte bancaire", "CARD"), ("tarjeta", "CARD"), ("cartão", "CARD"), ("card", "CARD"),
        ]
        let start = tableLines.max() ?? 0
        let ordered =
            layout.lines.filter { $0.index > start && !$0.isBlank }
            + layout.lines.filter { $0.index <= start && !$0.isBlank }
        for l in ordered {
            for (w, canon) in known where !LabelMatch.find(Array(w), in: l).isEmpty {
                if w == "bar" || w == "pin" || w == "card" {
                    // Short words only count when they stand on their own line or after a payment label.
                    let trimmed = l.text.trimmingCharacters(in: .whitespaces).lowercased()
                    if !(trimmed.hasPrefix(w)) { continue }
                }
                return Found(value: .string(canon), line: l, confidence: 0.85)
            }
        }
        return best(candidates(f.name, parse: parseString))
    }
}
