#!/usr/bin/env python3
"""Writes smole's demo documents: digital PDFs (invoices, receipts, a contract),
a plain-text invoice and one scanned (image-only) PDF. Standard library only;
the scan is rendered with pdftoppm from one of the PDFs written here.

  samples.py OUTDIR
"""
import os
import subprocess
import sys
import tempfile
import zlib


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(objects):
    """objects: list of bytes bodies, object 1 is the catalog. Returns the file bytes."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(lines, path):
    """lines: list of (x, y, size, text) in points on an A4 page."""
    ops = []
    for x, y, size, text in lines:
        ops.append("BT /F1 %d Tf %d %d Td (%s) Tj ET" % (size, x, y, esc(text)))
    content = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        stream(content),
    ]
    with open(path, "wb") as f:
        f.write(pdf(objs))


def image_pdf(pgm_path, path):
    """Wraps a binary PGM (P5) page image into an image-only PDF: a 'scan'."""
    with open(pgm_path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5"
    w, h = int(parts[1]), int(parts[2])
    pixels = parts[4][: w * h]
    img = zlib.compress(pixels)
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        stream(img, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode" % (w, h)),
        stream(content),
    ]
    with open(path, "wb") as f:
        f.write(pdf(objs))


def invoice(vendor, customer, number, date, due, currency, items, tax_rate, labels):
    L = []
    y = 790
    L.append((50, y, 18, vendor)); y -= 16
    L.append((50, y, 9, labels["addr"])); y -= 40
    L.append((50, y, 16, labels["title"])); y -= 28
    L.append((50, y, 10, labels["number"])); L.append((200, y, 10, number)); y -= 14
    L.append((50, y, 10, labels["date"])); L.append((200, y, 10, date)); y -= 14
    L.append((50, y, 10, labels["due"])); L.append((200, y, 10, due)); y -= 28
    L.append((50, y, 10, labels["bill_to"])); y -= 14
    L.append((50, y, 10, customer)); y -= 34
    L.append((50, y, 10, labels["desc"])); L.append((330, y, 10, labels["qty"])); L.append((390, y, 10, labels["price"])); L.append((480, y, 10, labels["amount"])); y -= 18
    subtotal = 0.0
    for desc, qty, price in items:
        amount = round(qty * price, 2)
        subtotal += amount
        L.append((50, y, 10, desc)); L.append((340, y, 10, str(qty))); L.append((390, y, 10, labels["fmt"](price))); L.append((480, y, 10, labels["fmt"](amount))); y -= 16
    subtotal = round(subtotal, 2)
    tax = round(subtotal * tax_rate, 2)
    total = round(subtotal + tax, 2)
    y -= 14
    L.append((330, y, 10, labels["subtotal"])); L.append((480, y, 10, labels["fmt"](subtotal))); y -= 14
    L.append((330, y, 10, labels["tax"])); L.append((480, y, 10, labels["fmt"](tax))); y -= 14
    L.append((330, y, 11, labels["total"])); L.append((480, y, 11, currency + " " + labels["fmt"](total)))
    return L


EN = {
    "addr": "12 Harbour Road, Bristol BS1 4QA", "title": "INVOICE", "number": "Invoice No:", "date": "Invoice Date:",
    "due": "Due Date:", "bill_to": "Bill To:", "desc": "Description", "qty": "Qty", "price": "Unit Price",
    "amount": "Amount", "subtotal": "Subtotal", "tax": "VAT 20%", "total": "Total", "fmt": lambda v: f"{v:,.2f}",
}
DE = {
    "addr": "Hauptstrasse 5, 10115 Berlin", "title": "RECHNUNG", "number": "Rechnungsnummer:", "date": "Rechnungsdatum:",
    "due": "Fällig am:", "bill_to": "Rechnungsempfänger:", "desc": "Beschreibung", "qty": "Menge", "price": "Einzelpreis",
    "amount": "Betrag", "subtotal": "Zwischensumme", "tax": "MwSt. 19%", "total": "Gesamtbetrag",
    "fmt": lambda v: f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
}


def receipt(merchant, date, time, items, tax_rate, payment, currency_symbol):
    L = []
    y = 790
    L.append((200, y, 14, merchant)); y -= 16
    L.append((200, y, 9, "Store 0042  Tel 555-0100")); y -= 28
    L.append((150, y, 10, f"Date: {date}   Time: {time}")); y -= 24
    subtotal = 0.0
    for desc, qty, price in items:
        amount = round(qty * price, 2)
        subtotal += amount
        L.append((150, y, 10, f"{qty} x {desc}")); L.append((400, y, 10, f"{currency_symbol}{amount:.2f}")); y -= 14
    subtotal = round(subtotal, 2)
    tax = round(subtotal * tax_rate, 2)
    total = round(subtotal + tax, 2)
    y -= 10
    L.append((150, y, 10, "SUBTOTAL")); L.append((400, y, 10, f"{currency_symbol}{subtotal:.2f}")); y -= 14
    L.append((150, y, 10, "TAX")); L.append((400, y, 10, f"{currency_symbol}{tax:.2f}")); y -= 14
    L.append((150, y, 11, "TOTAL")); L.append((400, y, 11, f"{currency_symbol}{total:.2f}")); y -= 20
    L.append((150, y, 10, f"Paid by {payment}")); y -= 14
    L.append((150, y, 9, "Thank you for shopping with us"))
    return L


CONTRACT = [
    (160, 790, 16, "MUTUAL NON-DISCLOSURE AGREEMENT"),
    (50, 750, 10, "This Mutual Non-Disclosure Agreement (the \"Agreement\") is entered into as of March 1, 2026"),
    (50, 736, 10, "(the \"Effective Date\") by and between Northwind Traders Ltd. and Contoso Analytics Inc."),
    (50, 708, 10, "1. Term. This Agreement shall remain in effect for twenty-four (24) months from the Effective Date."),
    (50, 680, 10, "2. Confidential Information. Each party shall protect the other party's Confidential Information"),
    (50, 666, 10, "with the same degree of care it uses for its own."),
    (50, 638, 10, "3. Fees. The total fees payable under this Agreement shall not exceed USD 12,500.00."),
    (50, 610, 10, "4. Governing Law. This Agreement shall be governed by the laws of the State of New York."),
    (50, 560, 10, "Northwind Traders Ltd.                          Contoso Analytics Inc."),
    (50, 546, 10, "By: ______________________                    By: ______________________"),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    text_pdf(invoice("Acme Office Supplies Ltd", "Globex Corporation", "INV-2026-0142", "14/03/2026", "13/04/2026", "GBP",
                     [("Laser printer toner, black", 3, 64.50), ("A4 copy paper, 5 reams", 10, 21.99), ("Desk organiser", 2, 15.00)],
                     0.20, EN), os.path.join(out, "invoice-acme.pdf"))
    text_pdf(invoice("Nordlicht Technik GmbH", "Beispiel AG", "RE-88231", "02.05.2026", "01.06.2026", "EUR",
                     [("Wartungsvertrag Server", 1, 1200.00), ("Netzwerkkabel Cat6, 10 m", 25, 7.40), ("Installation vor Ort", 6, 95.00)],
                     0.19, DE), os.path.join(out, "rechnung-nordlicht.pdf"))
    text_pdf(receipt("GREEN LEAF GROCERY", "2026-06-09", "13:10", [("BANANAS 1KG", 2, 1.29), ("WHOLE MILK 2L", 1, 2.49), ("COFFEE BEANS", 1, 11.90)],
                     0.08, "VISA", "$"), os.path.join(out, "receipt-green-leaf.pdf"))
    text_pdf(receipt("CORNER CAFE", "2026-07-21", "08:42", [("CAPPUCCINO", 2, 3.80), ("CROISSANT", 1, 2.60)],
                     0.10, "CASH", "$"), os.path.join(out, "receipt-cafe.pdf"))
    text_pdf(CONTRACT, os.path.join(out, "nda-northwind-contoso.pdf"))
    with open(os.path.join(out, "invoice-plain.txt"), "w") as f:
        f.write("""Blue Harbor Consulting LLC
77 Pier Street, Portland, OR 97201

INVOICE

Invoice Number: BH-1009
Invoice Date:   July 7, 2026
Due Date:       August 6, 2026

Bill To:
Initech Inc.

Description                          Qty    Unit Price      Amount
Strategy workshop                      2        950.00    1,900.00
Follow-up report                       1        600.00      600.00

                                        Subtotal          2,500.00
                                        Tax (8%)            200.00
                                        Total         USD 2,700.00
""")
    # One scan: render an invoice to a grey image, then wrap the pixels as an image-only PDF.
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src.pdf")
        text_pdf(invoice("Pinecrest Hardware Inc", "Umbrella Logistics", "PH-55017", "09/22/2026", "10/22/2026", "USD",
                         [("Steel brackets M8", 40, 1.25), ("Hinge set, brass", 12, 8.75)], 0.07, dict(EN, tax="Sales Tax 7%")), src)
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", src, os.path.join(tmp, "page")], check=True)
        image_pdf(os.path.join(tmp, "page.pgm"), os.path.join(out, "scan_0001.pdf"))


if __name__ == "__main__":
    main()
