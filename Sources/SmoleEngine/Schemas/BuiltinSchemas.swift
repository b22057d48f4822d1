/// The built-in schemas, embedded in the binary so an installed tool needs no resource bundle beside it.
/// Field names are the ones DESIGN.md defines (the names the corpus is scored on).
enum BuiltinSchemas {
    static func json(_ id: String) -> String? {
        switch id {
        case "invoice": return invoice
        case "receipt": return receipt
        case "contract": return contract
        default: return nil
        }
    }

    static let invoice = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "invoice",
      "description": "A commercial invoice: who bills whom, when, for what, and how much.",
      "type": "object",
      "x-smole-keywords": {
        "invoice": 3, "tax invoice": 2, "invoice number": 3, "invoice no": 3, "invoice date": 3, "invoice id": 3,
        "bill to": 2, "billed to": 2, "sold to": 2, "invoice to": 2, "due date": 2, "payment due": 2, "pay by": 1.5,
        "balance due": 1.5, "payment terms": 1.5, "iban": 1, "bic": 1, "unit price": 1, "line total": 1, "net amount": 1,
        "rechnung": 3, "rechnungsnummer": 3, "rechnungsdatum": 3, "fälligkeitsdatum": 2, "zahlungsziel": 1.5,
        "facture": 3, "numéro de facture": 3, "date de facture": 3, "échéance": 1.5,
        "factuur": 3, "factuurnummer": 3, "factuurdatum": 3, "vervaldatum": 1.5,
        "vat": 0.5, "supplier": 1, "seller": 1, "ship to": 1, "bill no": 2, "customer": 0.5, "order": 0.5
      },
      "properties": {
        "vendor_name": {"type": "string", "description": "The seller issuing the invoice.",
          "x-smole-labels": ["From", "Bill From", "Billed By", "Invoice From", "Seller", "Supplier", "Vendor", "Issued by", "Sold by", "Service Provider", "Remit To", "Remit Payment To", "Payee", "Verkäufer", "Lieferant", "Rechnungssteller", "Leistungserbringer", "Fournisseur", "Vendeur", "Émetteur", "Prestataire", "Leverancier", "Verkoper"]},
        "customer_name": {"type": "string", "description": "The buyer being billed.",
          "x-smole-labels": ["Bill To", "Billed To", "Invoice To", "Sold To", "Customer", "Client", "Buyer", "To", "Rechnungsempfänger", "Kunde", "Käufer", "Empfänger", "Facturé à", "Client", "Acheteur", "Destinataire", "Klant", "Afnemer", "Koper", "Factuuradres"]},
        "invoice_number": {"type": "string", "description": "The invoice's identifier.",
          "x-smole-labels": ["Invoice Number", "Invoice No", "Invoice No.", "Invoice #", "Invoice ID", "Inv. No.", "Inv. No", "Inv No", "Inv. #", "Inv #", "Invoice", "Bill No", "Bill Number", "Document No", "Number", "No.", "Rechnungsnummer", "Rechnungsnr.", "Rechnungsnr", "Rechnungs-Nr.", "Rechnungs-Nr", "Rechnung Nr", "Rechnung", "Numéro de facture", "N° de facture", "Facture N°", "Facture n°", "No de facture", "Factuurnummer", "Factuur nr", "Factuurnr", "Factuur", "Facture"]},
        "date": {"type": "string", "format": "date", "description": "The issue date.",
          "x-smole-labels": ["Invoice Date", "Date of Issue", "Issue Date", "Date Issued", "Issued", "Dated", "Date", "Rechnungsdatum", "Datum", "Ausstellungsdatum", "Date de facture", "Date d'émission", "Date de facturation", "Factuurdatum", "Factuur datum", "Datum factuur", "Date facture"]},
        "due_date": {"type": "string", "format": "date", "description": "When payment is due.",
          "x-smole-labels": ["Due Date", "Payment Due", "Date Due", "Due", "Pay By", "Payable By", "Fälligkeitsdatum", "Fällig am", "Zahlbar bis", "Fälligkeit", "Date d'échéance", "Échéance", "À payer avant", "Vervaldatum", "Date limite de paiement", "Date limite", "Te betalen voor", "Uiterste betaaldatum"]},
        "currency": {"type": "string", "description": "ISO 4217 code of the invoice's currency.",
          "x-smole-labels": ["Currency", "Währung", "Devise", "Valuta"]},
        "subtotal": {"type": "number", "description": "Total before tax.",
          "x-smole-labels": ["Exclusief BTW", "Excl. BTW", "Summe Positionen", "Positionssumme", "Nettosumme", "Warenwert", "Totaal exclusief BTW", "Grondslag", "Subtotal", "Sub-total", "Sub total", "Net amount", "Net total", "Total net", "Total excl. VAT", "Total excl. tax", "Total before tax", "Amount before tax", "Taxable amount", "Zwischensumme", "Nettobetrag", "Netto", "Summe netto", "Gesamt netto", "Total HT", "Montant HT", "Montant EUR HT", "Total hors taxes", "Sous-total", "Subtotaal", "Totaal excl. BTW", "Netto bedrag", "Totaal excl btw"]},
        "tax": {"type": "number", "description": "Tax amount (VAT, sales tax).",
          "x-smole-labels": ["Sales Tax", "VAT", "Tax", "GST", "Tax amount", "Total tax", "BTW bedrag", "Montant TVA", "MwSt.-Betrag", "USt.-Betrag", "MwSt.", "MwSt", "USt.", "USt", "Umsatzsteuer", "Mehrwertsteuer", "TVA", "Montant TVA", "BTW", "Btw"]},
        "total": {"type": "number", "description": "Total to pay, tax included.",
          "x-smole-labels": ["Grand Total", "Total amount", "Total due", "Amount due", "Balance due", "Total", "Amount payable", "Invoice total", "Total incl. VAT", "Total to pay", "Factuur totaal", "Total TTC", "Rechnungsbetrag", "Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Gesamtsumme", "Summe brutto", "Zu zahlen", "Total TTC", "Montant TTC", "Net à payer", "Montant total", "Totaal", "Totaalbedrag", "Te betalen", "Totaal incl. BTW"]},
        "line_items": {"type": "array", "description": "The billed lines.",
          "items": {"type": "object", "properties": {
            "description": {"type": "string", "x-smole-labels": ["Description", "Item", "Service", "Product", "Article", "Details", "Designation", "Bezeichnung", "Beschreibung", "Artikel", "Leistung", "Position", "Désignation", "Libellé", "Produit", "Omschrijving", "Artikel", "Product"]},
            "quantity": {"type": "number", "x-smole-labels": ["Quantity", "Qty", "Hours", "Units", "Qté", "Quantité", "Menge", "Anzahl", "Stunden", "Aantal", "Uren", "Hrs"]},
            "unit_price": {"type": "number", "x-smole-labels": ["Unit Price", "Price", "Rate", "Unit cost", "Unit Cost", "Cost", "Each", "Price/Unit", "Einzelpreis", "Preis", "Stückpreis", "Prix unitaire", "Prix", "Taux", "Prijs", "Stukprijs", "Tarief", "P.U.", "P.U. HT", "PU HT", "Prix unitaire HT", "Prix HT", "E-Preis", "Einzelpr.", "Stückpr.", "Preis/Einheit", "Eenheidsprijs"]},
            "amount": {"type": "number", "x-smole-labels": ["Amount", "Line Total", "Total", "Line amount", "Betrag", "Gesamt", "Summe", "Montant", "Total ligne", "Bedrag", "Totaal", "Total HT", "Montant HT", "Gesamtpreis", "Bedrag excl. BTW"]}
          }}}
      }
    }
    """#

    static let receipt = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "receipt",
      "description": "A till receipt from a shop, café or station.",
      "type": "object",
      "x-smole-keywords": {
        "receipt": 3, "till": 2, "cashier": 2, "thank you": 1.5, "come again": 2, "change": 1, "cash": 1.5,
        "visa": 1, "mastercard": 1, "amex": 1, "debit": 1, "card": 1, "store": 1, "terminal": 1,
        "kassenbon": 3, "quittung": 3, "beleg": 2, "kasse": 2, "bar": 0.5, "vielen dank": 1.5,
        "reçu": 3, "ticket": 2, "caisse": 2, "merci": 1.5, "bon": 1, "kassabon": 3, "bedankt": 1.5
      },
      "properties": {
        "merchant_name": {"type": "string", "description": "The shop's name.",
          "x-smole-labels": ["Merchant", "Store", "Shop", "Händler", "Geschäft", "Magasin", "Commerçant", "Winkel"]},
        "date": {"type": "string", "format": "date", "x-smole-labels": ["Date", "Datum"]},
        "time": {"type": "string", "description": "HH:MM, 24-hour.", "x-smole-labels": ["Time", "Uhrzeit", "Heure", "Tijd"]},
        "currency": {"type": "string", "x-smole-labels": ["Currency", "Währung", "Devise", "Valuta"]},
        "subtotal": {"type": "number", "x-smole-labels": ["Subtotal", "Sub-total", "Sub total", "Net", "Total excl. VAT", "Total before tax", "Zwischensumme", "Netto", "Summe netto", "Sous-total", "Total HT", "Subtotaal", "Totaal excl. BTW", "Totaal excl BTW", "Excl. BTW"]},
        "tax": {"type": "number", "x-smole-labels": ["Sales Tax", "VAT", "Tax", "GST", "MwSt.", "MwSt", "USt.", "USt", "TVA", "BTW", "Btw"]},
        "total": {"type": "number", "x-smole-labels": ["Grand Total", "Total amount", "Amount due", "Total due", "Total", "Balance", "Summe", "Gesamt", "Gesamtbetrag", "Zu zahlen", "Total TTC", "Montant total", "Net à payer", "Net a payer", "Totaal", "Te betalen"]},
        "payment_method": {"type": "string", "description": "CASH, VISA, MASTERCARD, AMEX, DEBIT, ...",
          "x-smole-labels": ["Payment method", "Paid by", "Payment", "Zahlungsart", "Bezahlt mit", "Mode de paiement", "Payé par", "Betaalwijze", "Betaald met"]},
        "line_items": {"type": "array",
          "items": {"type": "object", "properties": {
            "description": {"type": "string", "x-smole-labels": ["Description", "Item", "Article", "Artikel", "Bezeichnung", "Produit", "Omschrijving"]},
            "quantity": {"type": "number", "x-smole-labels": ["Qty", "Quantity", "Menge", "Anzahl", "Qté", "Aantal"]},
            "unit_price": {"type": "number", "x-smole-labels": ["Unit Price", "Price", "Preis", "Prix", "Prijs"]},
            "amount": {"type": "number", "x-smole-labels": ["Amount", "Total", "Betrag", "Montant", "Bedrag"]}
          }}}
      }
    }
    """#

    static let contract = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "contract",
      "description": "An agreement between parties: services, NDAs, leases.",
      "type": "object",
      "x-smole-keywords": {
        "agreement": 3, "contract": 2, "parties": 2, "party": 1, "whereas": 2, "hereby": 1, "hereinafter": 2,
        "governing law": 3, "governed by": 2, "in witness whereof": 3, "effective date": 2, "term": 1, "terminate": 1,
        "confidential": 1, "non-disclosure": 2, "shall": 1, "indemnif": 1, "by and between": 3, "entered into": 2,
        "vertrag": 3, "vereinbarung": 3, "vertragsparteien": 3, "gerichtsstand": 2, "contrat": 3, "entre les soussignés": 3,
        "overeenkomst": 3, "partijen": 2,
        "nondisclosure": 2, "confidentiality agreement": 2, "confidential information": 1.5, "disclosing party": 1.5,
        "receiving party": 1.5, "letter agreement": 1.5, "standstill": 1.5, "geheimhaltungsvereinbarung": 3
      },
      "properties": {
        "title": {"type": "string", "description": "The agreement's title.", "x-smole-labels": ["Title"]},
        "parties": {"type": "array", "items": {"type": "string"}, "description": "The contracting parties' names.",
          "x-smole-labels": ["Parties", "Between", "Vertragsparteien", "Entre", "Partijen"]},
        "effective_date": {"type": "string", "format": "date",
          "x-smole-labels": ["Effective Date", "Commencement Date", "Start Date", "Date", "Inkrafttreten", "Beginn", "Date d'effet", "Ingangsdatum"]},
        "term_months": {"type": "integer", "description": "The initial term, in months.",
          "x-smole-labels": ["Term", "Laufzeit", "Durée", "Looptijd"]},
        "governing_law": {"type": "string", "description": "Jurisdiction whose law governs, e.g. New York, Germany.",
          "x-smole-labels": ["Governing Law", "Applicable Law", "Anwendbares Recht", "Droit applicable", "Toepasselijk recht"]},
        "total_value": {"type": "number", "description": "Total contract value or fee.",
          "x-smole-labels": ["Total fee", "Total value", "Contract value", "Fee", "Vergütung", "Gesamtvergütung", "Montant", "Prix", "Vergoeding"]},
        "currency": {"type": "string", "x-smole-labels": ["Currency", "Währung", "Devise", "Valuta"]}
      }
    }
    """#
}
