#!/usr/bin/env python3
"""Renders photographed-looking till receipts (JPEG) with their ground truth.

Each receipt is laid out like a thermal-printer slip (merchant at the top, address,
date and time in one of several written forms, items as plain lines or with a
"qty x price" line, subtotal/tax/total in English, German, French or Dutch
wordings, payment method, footer), rendered in one of the fonts on the machine,
then photographed: placed on a table, rotated 1-5 degrees, perspective-warped,
lit unevenly (gradient and a soft shadow), tinted paper, blurred, noisy, scaled
to a phone-photo size and saved as JPEG at quality 60-85.

  photo_receipts.py --out DIR [--count 30] [--seed 1] [--start 1] [--mild]

Writes DIR/IMG_NNNN.jpg and DIR/truth.ndjson (one line per image:
{"name", "schema": "receipt", "data": {...}, "photo": {...}}: data in the receipt
schema's field names, as the shared score tool reads; photo says how the picture was
taken: rotation in degrees, counter-clockwise positive, height in px, JPEG quality). --mild keeps the photo effects at their gentle
end (for tests). Needs Pillow (Debian: python3-pil). Deterministic for a seed.
"""
import argparse
import json
import math
import os
import random
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
except ImportError:  # pragma: no cover
    sys.exit("photo_receipts.py: needs Pillow (apt-get install python3-pil)")

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/freefont",
             "/usr/share/fonts/truetype", "/usr/share/fonts"]
# (regular, bold) pairs; the first ones found are used. Monospace is what thermal printers print, so it is weighted up.
FONT_CHOICES = [
    ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", 5),
    ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf", 3),
    ("FreeMono.ttf", "FreeMonoBold.ttf", 2),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", 2),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 1),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", 1),
]

MERCHANTS = [
    "CORNER GROCERY", "City Pharmacy", "Blue Bottle Cafe", "HARDWARE DEPOT", "Fresh Market", "Sunrise Bakery",
    "QuickFuel Station", "The Book Nook", "Metro Office Supplies", "Green Leaf Deli", "Baeckerei Schmidt",
    "Rewe Markt Mitte", "Apotheke am Markt", "Cafe Lindenhof", "Boulangerie Dupont", "Pharmacie Centrale",
    "Le Petit Bistro", "Supermarche Casino", "Bakkerij de Molen", "Albert Markt", "Drogisterij Zon",
    "Harbor Hardware", "Golden Dragon Takeaway", "Northside Books", "Pizzeria Roma", "Kiosk am Bahnhof",
]
ITEMS = [
    "MILK 1L", "BREAD WHOLEGRAIN", "Coffee beans 250g", "BANANAS", "Espresso", "Croissant", "AA BATTERIES 4PK",
    "Notebook A5", "Orange juice", "Paracetamol 500mg", "Sandwich", "Screws 4x40 (100)", "Green tea", "Paper towels",
    "Cappuccino", "Butter 250g", "Eggs 10pk", "Apples 1kg", "Tomatoes", "Mineral water", "Chocolate bar", "Yoghurt",
    "Vollmilch 1L", "Brezel", "Kaffee", "Brot", "Baguette", "Fromage", "Jus d'orange", "Brood", "Kaas", "Melk",
    "Shampoo", "Toothpaste", "Dish soap", "Rice 1kg", "Pasta 500g", "Olive oil", "Cheddar", "Muffin", "Tea bags",
]
STREETS = ["Main Street", "Harbor Road", "Market Square", "Elm Avenue", "Hauptstr.", "Bahnhofstr.", "Rue de la Paix",
           "Avenue Victor Hugo", "Kerkstraat", "Dorpsstraat", "High Street", "Station Road"]
CITIES = ["Springfield", "Berlin", "Muenchen", "Paris", "Lyon", "Amsterdam", "Utrecht", "London", "Leeds", "Boston"]

# Wordings per language. Payment: (printed word, truth value).
LOCALES = {
    "us": dict(currency="USD", sym="$", dec=".", tax=["Sales Tax", "TAX", "Tax"], subtotal=["SUBTOTAL", "Subtotal", "SUB TOTAL"],
               total=["TOTAL", "Total", "AMOUNT DUE", "TOTAL DUE", "BALANCE DUE"], rates=[0, 6, 7, 8.25, 8.875],
               dates=["%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%Y-%m-%d"], time12=True,
               pay=[("VISA", "VISA"), ("MASTERCARD", "MASTERCARD"), ("CASH", "CASH"), ("AMEX", "AMEX"), ("DEBIT", "DEBIT")],
               paylabel=["Paid by", "Payment", "Tender"], datelabel="Date", timelabel="Time",
               footer=["THANK YOU - PLEASE COME AGAIN", "Thank you for shopping with us!", "Have a nice day"]),
    "uk": dict(currency="GBP", sym="£", dec=".", tax=["VAT", "VAT 20%"], subtotal=["SUBTOTAL", "Sub-total", "Net"],
               total=["TOTAL", "Total", "AMOUNT DUE", "BALANCE"], rates=[0, 5, 20],
               dates=["%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d-%m-%Y"], time12=False,
               pay=[("VISA", "VISA"), ("MASTERCARD", "MASTERCARD"), ("CASH", "CASH"), ("AMEX", "AMEX"), ("DEBIT", "DEBIT")],
               paylabel=["Paid by", "Payment"], datelabel="Date", timelabel="Time",
               footer=["THANK YOU - PLEASE COME AGAIN", "Thank you for your custom", "Please retain your receipt"]),
    "de": dict(currency="EUR", sym="€", dec=",", tax=["MwSt.", "MwSt", "USt."], subtotal=["Zwischensumme", "Netto", "SUBTOTAL"],
               total=["SUMME", "Summe", "GESAMT", "Gesamtbetrag", "Zu zahlen"], rates=[0, 7, 19],
               dates=["%d.%m.%Y", "%d.%m.%y", "%d.%m.%Y"], time12=False,
               pay=[("BAR", "CASH"), ("EC-Karte", "DEBIT"), ("girocard", "DEBIT"), ("VISA", "VISA"), ("MASTERCARD", "MASTERCARD")],
               paylabel=["Zahlungsart", "Bezahlt mit"], datelabel="Datum", timelabel="Uhrzeit",
               footer=["Vielen Dank fuer Ihren Einkauf", "VIELEN DANK", "Bitte Kassenbon aufbewahren"]),
    "fr": dict(currency="EUR", sym="€", dec=",", tax=["TVA"], subtotal=["Sous-total", "Total HT", "SOUS-TOTAL"],
               total=["TOTAL", "TOTAL TTC", "Net a payer", "Montant total"], rates=[0, 5.5, 10, 20],
               dates=["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"], time12=False,
               pay=[("ESPECES", "CASH"), ("CB VISA", "VISA"), ("MASTERCARD", "MASTERCARD"), ("VISA", "VISA"), ("AMEX", "AMEX")],
               paylabel=["Mode de paiement", "Paye par"], datelabel="Date", timelabel="Heure",
               footer=["MERCI DE VOTRE VISITE", "Merci et a bientot", "A bientot"]),
    "nl": dict(currency="EUR", sym="€", dec=",", tax=["BTW", "Btw"], subtotal=["Subtotaal", "SUBTOTAAL", "Totaal excl. BTW"],
               total=["TOTAAL", "Totaal", "Te betalen"], rates=[0, 9, 21],
               dates=["%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y"], time12=False,
               pay=[("PIN", "DEBIT"), ("CONTANT", "CASH"), ("VISA", "VISA"), ("MAESTRO", "MAESTRO"), ("MASTERCARD", "MASTERCARD")],
               paylabel=["Betaalwijze", "Betaald met"], datelabel="Datum", timelabel="Tijd",
               footer=["BEDANKT EN TOT ZIENS", "Bedankt voor uw bezoek", "Tot ziens"]),
}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def money(x):
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt(v, loc, sym=False):
    s = f"{money(v):,.2f}"
    if loc["dec"] == ",":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    if sym:
        return (loc["sym"] + s) if loc["sym"] in "$£" else (s + " " + loc["sym"])
    return s


def fmt_date(d, style):
    if "%b" in style:  # English month abbreviations, independent of the machine's locale
        return style.replace("%b", MONTHS_EN[d.month - 1]).replace("%d", f"{d.day:02d}").replace("%Y", str(d.year))
    return d.strftime(style)


def find_fonts(rng):
    found = []
    for reg, bold, weight in FONT_CHOICES:
        paths = []
        for name in (reg, bold):
            for d in FONT_DIRS:
                p = os.path.join(d, name)
                if os.path.exists(p):
                    paths.append(p)
                    break
        if len(paths) == 2:
            found += [tuple(paths)] * weight
    if not found:
        sys.exit("photo_receipts.py: no TrueType font found (install fonts-dejavu-core)")
    return found


def make_content(rng):
    """The receipt as lines (kind, left, right) plus its truth."""
    lang = rng.choice(["us", "us", "uk", "de", "de", "fr", "nl"])
    loc = LOCALES[lang]
    merchant = rng.choice(MERCHANTS)
    d = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
    hh, mm = rng.randint(7, 21), rng.randint(0, 59)
    items = []
    for _ in range(rng.randint(2, 8)):
        q = rng.choice([1, 1, 1, 1, 2, 2, 3, 4])
        up = money(rng.uniform(0.5, 40) if rng.random() < 0.8 else rng.uniform(40, 120))
        items.append(dict(description=rng.choice(ITEMS), quantity=q, unit_price=float(up), amount=float(money(up * q))))
    subtotal = money(sum(Decimal(str(i["amount"])) for i in items))
    rate = rng.choice(loc["rates"])
    tax = money(subtotal * Decimal(str(rate)) / 100)
    total = subtotal + tax
    pay_word, pay_truth = rng.choice(loc["pay"])
    truth = dict(merchant_name=merchant, date=d.isoformat(), time=f"{hh:02d}:{mm:02d}", currency=loc["currency"],
                 subtotal=float(subtotal), tax=float(tax), total=float(total), payment_method=pay_truth, line_items=items)

    L = []  # (kind, left, right): kind in title/center/line/bold/blank/rule
    L.append(("title", merchant, ""))
    L.append(("center", f"{rng.randint(1, 250)} {rng.choice(STREETS)}", ""))
    L.append(("center", f"{rng.randint(10000, 99999)} {rng.choice(CITIES)}", ""))
    if rng.random() < 0.5:
        L.append(("center", f"Tel. 0{rng.randint(100, 999)} {rng.randint(100000, 999999)}", ""))
    L.append(("blank", "", ""))
    ds = fmt_date(d, rng.choice(loc["dates"]))
    if loc["time12"] and rng.random() < 0.5:
        h12 = hh % 12 or 12
        ts = f"{h12}:{mm:02d} {'PM' if hh >= 12 else 'AM'}"
    else:
        ts = f"{hh:02d}:{mm:02d}" + (f":{rng.randint(0, 59):02d}" if rng.random() < 0.3 else "")
    style = rng.randint(0, 2)
    if style == 0:
        L.append(("line", ds, ts))
    elif style == 1:
        L.append(("line", f"{loc['datelabel']}: {ds}", f"{loc['timelabel']}: {ts}"))
    else:
        L.append(("line", f"{loc['datelabel']}: {ds}", ""))
        L.append(("line", f"{loc['timelabel']}: {ts}", ""))
    word = {"us": "Receipt", "uk": "Receipt", "de": "Bon", "fr": "Ticket", "nl": "Bon"}[lang]
    L.append(("line", f"{word} #{rng.randint(1000, 99999)}", f"{'Kasse' if lang == 'de' else 'Till'} {rng.randint(1, 9)}"))
    L.append(("rule", "", ""))
    qstyle = rng.randint(0, 2)  # 0: "3 x 2.50" below, 1: "3 @ 2.50" below, 2: "3 x ITEM" on the item line
    sym_items = rng.random() < 0.25
    for it in items:
        amt = fmt(it["amount"], loc, sym_items)
        if it["quantity"] == 1:
            L.append(("line", it["description"], amt))
        elif qstyle == 2 and it["quantity"] * it["unit_price"] == it["amount"]:
            L.append(("line", f"{it['quantity']} x {it['description']}", amt))
            L.append(("line", f"   @ {fmt(it['unit_price'], loc)}", ""))
        else:
            L.append(("line", it["description"], ""))
            L.append(("line", f"  {it['quantity']} {'x' if qstyle != 1 else '@'} {fmt(it['unit_price'], loc)}", amt))
    L.append(("rule", "", ""))
    rate_s = (f"{rate:g}".replace(".", loc["dec"])) + "%"
    tax_label = rng.choice(loc["tax"])
    if "%" not in tax_label:
        tax_label += " " + rate_s
    L.append(("line", rng.choice(loc["subtotal"]), fmt(subtotal, loc)))
    L.append(("line", tax_label, fmt(tax, loc)))
    tl = rng.choice(loc["total"])
    if rng.random() < 0.3:
        tl += " " + loc["currency"]
        L.append(("bold", tl, fmt(total, loc)))
    else:
        with_sym = rng.random() < 0.5
        L.append(("bold", tl, fmt(total, loc, sym=with_sym)))
        if not with_sym and not sym_items:
            # nothing on the receipt names the currency (a tax word does not): the right answer is null
            truth["currency"] = None
    L.append(("blank", "", ""))
    if rng.random() < 0.4:
        L.append(("line", f"{rng.choice(loc['paylabel'])}: {pay_word}", ""))
    else:
        card = pay_truth not in ("CASH",)
        L.append(("line", pay_word + (f" ****{rng.randint(1000, 9999)}" if card and rng.random() < 0.7 else ""), fmt(total, loc)))
    L.append(("blank", "", ""))
    L.append(("center", rng.choice(loc["footer"]), ""))
    return L, truth


def render(lines, rng, fonts):
    """Draws the receipt flat on its paper: an 'L' image, white paper, black ink (tinted later)."""
    reg, bold = rng.choice(fonts)
    cols = rng.randint(32, 42)
    size = 28
    f = ImageFont.truetype(reg, size)
    fb = ImageFont.truetype(bold, size)
    ft = ImageFont.truetype(bold, int(size * rng.choice([1.0, 1.2, 1.4])))
    cw = f.getlength("M" * 10) / 10
    margin = int(cw * rng.uniform(1.5, 3))
    width = int(cw * cols) + 2 * margin
    lh = int(size * rng.uniform(1.25, 1.5))
    height = margin * 2 + lh * (len(lines) + 2) + int(size * 0.6)
    img = Image.new("L", (width, height), 255)
    dr = ImageDraw.Draw(img)
    y = margin
    right = width - margin
    for kind, left, rtext in lines:
        if kind == "blank":
            y += lh // 2
            continue
        if kind == "rule":
            if rng.random() < 0.7:
                dr.text((margin, y), rng.choice(["-", "=", "-"]) * cols, font=f, fill=0)
            y += lh
            continue
        font = ft if kind == "title" else (fb if kind == "bold" else f)
        if kind in ("title", "center"):
            w = font.getlength(left)
            dr.text(((width - w) / 2, y), left, font=font, fill=0)
            y += int(lh * (1.3 if kind == "title" else 1))
            continue
        dr.text((margin, y), left, font=font, fill=0)
        if rtext:
            dr.text((right - font.getlength(rtext), y), rtext, font=font, fill=0)
        y += lh
    return img.crop((0, 0, width, min(height, y + margin)))


def photograph(paper, rng, mild):
    """Puts the flat receipt in a phone photo."""
    def amt(lo, hi):
        return lo if mild else rng.uniform(lo, hi)
    w, h = paper.size
    # paper tint and ink colour (thermal print is grey, paper greyish or beige)
    tint = rng.choice([(250, 248, 240), (240, 236, 222), (232, 230, 226), (245, 240, 225), (225, 222, 215)])
    ink = rng.randint(20, 40) if mild else rng.randint(20, 90)
    paper_rgb = Image.merge("RGB", [paper.point(lambda v, t=t: ink + (t - ink) * v // 255) for t in tint])
    # on a table, with room around it
    # a portrait phone frame (3:4), the slip filling most of its height
    pad_y = int(h * rng.uniform(0.04, 0.12))
    pad_x = max(int(w * rng.uniform(0.06, 0.2)), (int((h + 2 * pad_y) * 0.75) - w) // 2)
    table = tuple(rng.randint(60, 140) for _ in range(3))
    canvas = Image.new("RGB", (w + 2 * pad_x, h + 2 * pad_y), table)
    canvas.paste(paper_rgb, (pad_x, pad_y))
    # rotation 1-5 degrees either way
    angle = rng.choice([-1, 1]) * (amt(1, 5) if not mild else rng.uniform(1, 2))
    canvas = canvas.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=table)
    # perspective: move the corners a little
    W, H = canvas.size
    k = 0.01 if mild else rng.uniform(0.0, 0.04)
    def j(v, span):
        return v + rng.uniform(-k, k) * span
    quad = (j(0, W), j(0, H), j(0, W), j(H, H), j(W, W), j(H, H), j(W, W), j(0, H))
    canvas = canvas.transform((W, H), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor=table)
    # uneven light: a gradient across the frame, and sometimes a soft shadow
    lo = 0.85 if mild else rng.uniform(0.55, 0.9)
    grad = Image.linear_gradient("L").rotate(rng.uniform(0, 360), expand=False).resize((W, H))
    grad = grad.point(lambda v: int(255 * (lo + (1 - lo) * v / 255)))
    if not mild and rng.random() < 0.5:
        shadow = Image.new("L", (W, H), 255)
        sd = ImageDraw.Draw(shadow)
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        r = rng.uniform(0.2, 0.5) * max(W, H)
        sd.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), fill=int(255 * rng.uniform(0.6, 0.85)))
        shadow = shadow.filter(ImageFilter.GaussianBlur(r * 0.3))
        grad = ImageChops.multiply(grad, shadow)
    light = Image.merge("RGB", (grad, grad, grad))
    canvas = ImageChops.multiply(canvas, light)
    # phone-photo size: 1000-1600 px tall
    target_h = 1500 if mild else rng.randint(1000, 1600)
    scale = target_h / H
    canvas = canvas.resize((max(1, int(W * scale)), target_h), Image.LANCZOS)
    # blur and sensor noise
    radius = 0.4 if mild else rng.uniform(0.2, 1.1)
    canvas = canvas.filter(ImageFilter.GaussianBlur(radius))
    sigma = 4 if mild else rng.uniform(3, 10)
    noise = Image.effect_noise(canvas.size, sigma)
    canvas = ImageChops.add(canvas, Image.merge("RGB", (noise, noise, noise)), scale=1.0, offset=-128)
    quality = 70 if mild else rng.randint(60, 85)
    return canvas, quality, dict(rotation=round(angle, 2), height=target_h, quality=quality)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=1, help="number of the first image (IMG_NNNN)")
    ap.add_argument("--mild", action="store_true", help="gentle photo effects (for tests)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    truth_lines = []
    for i in range(args.start, args.start + args.count):
        rng = random.Random(args.seed * 100003 + i)
        fonts = find_fonts(rng)
        lines, truth = make_content(rng)
        paper = render(lines, rng, fonts)
        photo, quality, info = photograph(paper, rng, args.mild)
        name = f"IMG_{i:04d}.jpg"
        photo.save(os.path.join(args.out, name), "JPEG", quality=quality)
        truth_lines.append(json.dumps({"name": name, "schema": "receipt", "data": truth, "photo": info}))
    with open(os.path.join(args.out, "truth.ndjson"), "w") as fh:
        fh.write("\n".join(truth_lines) + "\n")


if __name__ == "__main__":
    main()
