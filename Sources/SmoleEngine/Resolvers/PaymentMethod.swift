import Foundation
import SmoleRecords

/// The payment method of a receipt: the card scheme or cash named after the items (VISA, AMEX, NETS, girocard,
/// espèces...), else a card named without its scheme (CARD: "Carte bancaire", "CB", "Contactless"), else a labelled
/// value ("Paid by", "Zahlungsart").
///
/// A scheme named anywhere outranks a bare card word ("Paid by CONTACTLESS" above "Card MASTERCARD ****7710" is a
/// MASTERCARD payment). Short words that are also other words ("BAR", "PIN", "CB", "NETS", "CARD") count only at the
/// start of their line or after payment words alone ("Geg. BAR", "Réglé CB", "Paid by Card"; Lexicon
/// "payment_leads").
extension Extractor {
    /// Words a receipt prints before its payment method on the same line ("Paid by", "Geg.", "Réglé").
    static let paymentLeads: Set<String> = Lexicon.wordSet("payment_leads")

    /// Schemes, networks and cash, with the value each gives.
    static let paymentSchemes: [(String, String)] = [
        ("american express", "AMEX"), ("amex", "AMEX"), ("mastercard", "MASTERCARD"), ("master card", "MASTERCARD"),
        ("visa", "VISA"),
        ("maestro", "MAESTRO"), ("girocard", "DEBIT"), ("ec-karte", "DEBIT"), ("debit", "DEBIT"),
        ("eftpos", "EFTPOS"), ("interac", "INTERAC"), ("nets", "NETS"),
        ("credit card", "CREDIT"),
        ("paypal", "PAYPAL"), ("apple pay", "APPLE PAY"), ("google pay", "GOOGLE PAY"), ("cash", "CASH"),
        ("bar", "CASH"),
        ("espèces", "CASH"), ("especes", "CASH"), ("contanti", "CASH"), ("contant", "CASH"), ("efectivo", "CASH"),
        ("numerário", "CASH"), ("numerario", "CASH"), ("dinheiro", "CASH"), ("pin", "DEBIT"), ("bancomat", "DEBIT"),
        ("tarjeta de crédito", "CREDIT"), ("carta di credito", "CREDIT"), ("cartão de crédito", "CREDIT"),
    ]
    /// A card named without its scheme.
    static let paymentCards: [(String, String)] = [
        ("carte bancaire", "CARD"), ("cb sans contact", "CARD"), ("sans contact", "CARD"), ("contactless", "CARD"),
        ("cb", "CARD"), ("tarjeta", "CARD"), ("cartão", "CARD"), ("card", "CARD"),
    ]
    /// Words that are also other words: they name the payment only at the start of a line or after payment words.
    static let shortPaymentWords: Set<String> = ["bar", "pin", "card", "cb", "nets"]

    func paymentMethod(_ f: Field) -> Found? {
        let start = tableLines.max() ?? 0
        let ordered =
            layout.lines.filter { $0.index > start && !$0.isBlank }
            + layout.lines.filter { $0.index <= start && !$0.isBlank }
        for known in [Self.paymentSchemes, Self.paymentCards] {
            for l in ordered {
                for (w, canon) in known {
                    let hits = LabelMatch.find(Array(w), in: l)
                    guard let at = hits.first else { continue }
                    if Self.shortPaymentWords.contains(w) {
                        // only on its own or after payment words: "BAR", "Geg. BAR", "Réglé CB", "Paid by Card"
                        let before = Self.receiptWords(l.substring(0, at))
                        if !before.allSatisfy({ Self.paymentLeads.contains($0) }) { continue }
                    }
                    return Found(value: .string(canon), line: l, confidence: 0.85)
                }
            }
        }
        return best(candidates(f.name, parse: parseString))
    }
}
