#!/usr/bin/env python3
"""Writes distinct invoices for scripts/bench.d/cluster: digital PDFs (a text layer, read with
pdftotext) and scans (image-only PDFs, read with OCR), made with samples.py's writers.

  cluster_docs.py OUTDIR DIGITAL SCANS
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import EN, DE, image_pdf, invoice, text_pdf  # noqa: E402


def one(i):
    labels = EN if i % 2 == 0 else DE
    currency = "GBP" if labels is EN else "EUR"
    date = f"{i % 28 + 1:02d}/03/2026" if labels is EN else f"{i % 28 + 1:02d}.03.2026"
    items = [(f"Fitting type {i}", i % 7 + 1, 10.0 + i % 13), ("Service call", 1, 45.0 + i % 5)]
    return invoice(f"Harbour Supplies {i} Ltd", "Globex Corporation", f"CL-{10000 + i}", date, date, currency, items,
                   0.20 if labels is EN else 0.19, labels)


def main():
    out, digital, scans = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for i in range(digital):
        text_pdf(one(i), os.path.join(out, f"digital-{i:04d}.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(scans):
            src = os.path.join(tmp, "src.pdf")
            text_pdf(one(50000 + i), src)
            subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", src, os.path.join(tmp, "page")], check=True)
            image_pdf(os.path.join(tmp, "page.pgm"), os.path.join(out, f"scan-{i:04d}.pdf"))


if __name__ == "__main__":
    main()
