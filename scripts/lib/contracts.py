#!/usr/bin/env python3
"""Writes a set of NDA and contract fixtures in the styles of agreements filed with the
SEC (EDGAR exhibits): multi-page PDFs printed from prose, EDGAR-like HTML and plain text,
plus truth.ndjson in the shared corpus' format. Standard library only. The documents are
written for smole (names and wordings invented), not copied from filings.

  contracts.py OUTDIR

Truth leaves out fields that are null (an NDA has no total_value or currency): the scorer
cannot score a null. The bench checks separately that nothing was guessed for them.
"""
import json
import os
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import pdf, stream  # noqa: E402

PAGE_W, PAGE_H = 612, 792
TOP, BOTTOM, LEAD = 72, 72, 13
WRAP = 92


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def layout(blocks):
    """blocks: ("center", text) | ("left", text) | ("para", text) | ("gap",) | ("sig", left, right) rows.
    Returns pages of (x, text) lines, wrapped and paginated with a page number at the foot."""
    lines = []
    for b in blocks:
        kind = b[0]
        if kind == "gap":
            lines.append(None)
        elif kind == "center":
            lines.append((max(72, (PAGE_W - len(b[1]) * 6.2) / 2), b[1]))
        elif kind == "left":
            lines.append((72, b[1]))
        elif kind == "right":
            lines.append((380, b[1]))
        elif kind == "sig":
            lines.append([(72, b[1]), (330, b[2])])
        elif kind == "para":
            for w in textwrap.wrap(b[1], WRAP):
                lines.append((72, w))
            lines.append(None)
    per_page = (PAGE_H - TOP - BOTTOM) // LEAD
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return pages


def write_pdf(blocks, path, footer=None):
    pages = layout(blocks)
    n = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for p, lines in enumerate(pages):
        ops = []
        for i, ln in enumerate(lines):
            if ln is None:
                continue
            runs = ln if isinstance(ln, list) else [ln]
            y = PAGE_H - TOP - i * LEAD
            for x, text in runs:
                if text:
                    ops.append("BT /F1 10 Tf %d %d Td (%s) Tj ET" % (x, y, esc(text)))
        ops.append("BT /F1 9 Tf %d %d Td (%s) Tj ET" % (PAGE_W / 2 - 8, 40, esc("- %d -" % (p + 1))))
        if footer == "browser":  # a browser's print of the EDGAR page: date, time and title on top, URL and page count below
            ops.append("BT /F1 7 Tf 30 770 Td (%s) Tj ET" % esc("3/9/21, 4:12 PM"))
            ops.append("BT /F1 7 Tf 280 770 Td (%s) Tj ET" % esc("EX-99.(D)(2)"))
            ops.append("BT /F1 7 Tf 30 20 Td (%s) Tj ET" % esc("https://www.sec.gov/Archives/edgar/data/1084048/000119312521071234/d123456dex99d2.htm"))
            ops.append("BT /F1 7 Tf 560 20 Td (%s) Tj ET" % esc("%d/%d" % (p + 1, n)))
        elif footer:  # the line a filing service prints on every page of an EDGAR exhibit
            ops.append("BT /F1 7 Tf 72 28 Td (%s) Tj ET" % esc(footer))
        content = "\n".join(ops).encode("cp1252")
        page_obj = len(objs) + 1
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                    % (PAGE_W, PAGE_H, page_obj + 1))
        objs.append(stream(content))
        kids.append(page_obj)
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n)
    with open(path, "wb") as f:
        f.write(pdf(objs))


def html_escape(s):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\u201c", "&#8220;").replace("\u201d", "&#8221;").replace("\u2019", "&#8217;")


def write_html(blocks, path):
    out = ["<html><head><title>EX-10.1</title></head><body>",
           '<div style="font-family: Times New Roman; font-size: 10pt">']
    for b in blocks:
        kind = b[0]
        if kind == "gap":
            out.append("<p>&nbsp;</p>")
        elif kind == "center":
            out.append('<p style="text-align:center"><font size="2"><b>%s</b></font></p>' % html_escape(b[1]))
        elif kind in ("left", "right"):
            out.append('<p style="margin:0"><font size="2">%s</font></p>' % html_escape(b[1]))
        elif kind == "sig":
            out.append('<table><tr><td width="50%%"><font size="2">%s</font></td><td><font size="2">%s</font></td></tr></table>'
                       % (html_escape(b[1]), html_escape(b[2])))
        elif kind == "para":
            out.append('<p style="text-indent:4%%; text-align:justify"><font size="2">%s</font></p>' % html_escape(b[1]))
    out.append("<hr/></div></body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def write_text(blocks, path):
    out = []
    for b in blocks:
        kind = b[0]
        if kind == "gap" or kind == "sgml":
            out.append("")
        elif kind == "center":
            out.append(b[1].center(80).rstrip())
        elif kind in ("left",):
            out.append(b[1])
        elif kind == "right":
            out.append(" " * 50 + b[1])
        elif kind == "sig":
            out.append(b[1].ljust(44) + b[2])
        elif kind == "para":
            out.extend(textwrap.wrap(b[1], 78))
            out.append("")
    if blocks and blocks[0][0] == "sgml":
        out[0:1] = blocks[0][1].split("\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


# Clauses that every NDA carries in some form, with distractors: other periods, "payment", "fees", other laws.
def boilerplate(recipient="the Recipient", discloser="the Disclosing Party", variant=0):
    clauses = [
        ("Definition of Confidential Information", f"\u201cConfidential Information\u201d means all non-public information, in whatever form, "
         f"furnished by or on behalf of {discloser} to {recipient}, including business plans, financial statements, projections, "
         "customer lists, pricing, payment terms, fees charged to customers, product roadmaps, source code and know-how, together "
         "with all analyses, compilations and notes prepared by the Recipient that contain or reflect such information."),
        ("Exclusions", "Confidential Information does not include information that (a) is or becomes generally available to the "
         "public other than as a result of a disclosure in breach of this Agreement, (b) was available to the Recipient on a "
         "non-confidential basis before its disclosure, (c) becomes available from a third party not known to be bound by a "
         "duty of confidentiality, or (d) is independently developed without use of the Confidential Information."),
        ("Use and Non-Disclosure", f"{recipient[0].upper() + recipient[1:]} shall use the Confidential Information solely for the purpose of evaluating, "
         "negotiating and consummating a possible negotiated transaction between the parties (the \u201cTransaction\u201d) and "
         "shall not disclose it to any person other than its Representatives who need to know it for that purpose and who are "
         "informed of its confidential nature."),
        ("Compelled Disclosure", "If the Recipient or any of its Representatives is requested or required by law, regulation, "
         "subpoena or the rules of any securities exchange to disclose any Confidential Information, it shall give prompt written "
         "notice so that a protective order or other remedy may be sought, and shall disclose only that portion which counsel "
         "advises is legally required."),
        ("Return or Destruction", "Upon written request at any time, the Recipient shall promptly return or destroy all "
         "Confidential Information and certify such destruction in writing within ten (10) business days, provided that the "
         "Recipient may retain copies required by law or by bona fide document retention policies."),
        ("No Representations; No Obligation", "No party makes any representation or warranty as to the accuracy or completeness "
         "of the Confidential Information. Unless and until a definitive agreement has been executed, neither party shall be under "
         "any legal obligation of any kind with respect to a Transaction, and no payment, fee or other consideration is owed by "
         "either party under this Agreement."),
        ("Remedies", "Each party acknowledges that money damages would not be a sufficient remedy for any breach of this "
         "Agreement and that the non-breaching party shall be entitled to specific performance and injunctive relief, without "
         "proof of actual damages or posting of any bond, in addition to all other remedies available at law or in equity."),
        ("Miscellaneous", "This Agreement constitutes the entire agreement between the parties concerning its subject matter, "
         "may be amended only in a writing signed by both parties, and may be executed in counterparts, including by electronic "
         "signature, each of which shall be deemed an original. No failure or delay in exercising any right shall operate as a waiver."),
    ]
    if variant % 2:
        clauses.insert(3, ("Securities Laws", "The Recipient acknowledges that it is aware that the United States securities laws "
                           "prohibit any person who has material non-public information about a company from purchasing or "
                           "selling securities of that company."))
    return clauses


def numbered(clauses, start=1, style="{n}. {h}. "):
    return [("para", style.format(n=i, h=h) + body) for i, (h, body) in enumerate(clauses, start)]


def sig(left, right, names=("", ""), dates=None):
    rows = [("gap",), ("sig", left, right), ("gap",), ("sig", "By: ______________________", "By: ______________________"),
            ("sig", "Name: " + names[0], "Name: " + names[1]), ("sig", "Title: Chief Executive Officer", "Title: Managing Director")]
    if dates:
        rows.append(("sig", "Date: " + dates[0], "Date: " + dates[1]))
    return rows


DOCS = []


def doc(name, truth, fmt="pdf", footer=None):
    def register(fn):
        DOCS.append((name, fmt, fn, truth, footer))
        return fn
    return register


@doc("nda_01.pdf", {"title": "Mutual Nondisclosure Agreement", "parties": ["Acme Holdings, Inc.", "Beta Capital Partners, L.P."],
                    "effective_date": "2021-03-03", "term_months": 24, "governing_law": "Delaware"})
def nda01():
    b = [("right", "Exhibit 10.1"), ("gap",), ("center", "MUTUAL NONDISCLOSURE AGREEMENT"), ("gap",),
         ("para", "This MUTUAL NONDISCLOSURE AGREEMENT (the \u201cAgreement\u201d) is made and entered into as of March 3, 2021 "
                  "(the \u201cEffective Date\u201d) by and between ACME HOLDINGS, INC., a Delaware corporation (\u201cAcme\u201d), "
                  "and Beta Capital Partners, L.P., a Cayman Islands exempted limited partnership (the \u201cRecipient\u201d). "
                  "Each of Acme and the Recipient is referred to herein as a \u201cParty\u201d.")]
    cl = boilerplate(variant=1)
    cl.insert(5, ("Non-Solicitation", "For a period of twelve (12) months from the date hereof, the Recipient shall not, directly "
                  "or indirectly, solicit for employment any officer or employee of Acme with whom it had contact in connection with "
                  "the Transaction."))
    cl.append(("Term", "This Agreement shall terminate two (2) years from the date hereof; provided that the termination shall "
               "not relieve a Party from liability for any prior breach."))
    cl.append(("Governing Law; Jurisdiction", "This Agreement shall be governed by and construed in accordance with the laws of the "
               "State of Delaware, without regard to its conflicts of law principles. Each Party submits to the exclusive "
               "jurisdiction of the Court of Chancery of the State of Delaware."))
    b += numbered(cl)
    b.append(("para", "IN WITNESS WHEREOF, the Parties have executed this Agreement as of the Effective Date."))
    b += sig("ACME HOLDINGS, INC.", "BETA CAPITAL PARTNERS, L.P.", ("Dana R. Whitfield", "Marcus Lindqvist"))
    return b


@doc("nda_02.pdf", {"title": "Confidentiality Agreement", "parties": ["Northstar Therapeutics, Inc.", "Blue Harbor Capital Management LLC"],
                    "effective_date": "2019-06-14", "term_months": 18, "governing_law": "New York"})
def nda02():
    b = [("right", "Execution Version"), ("gap",), ("center", "NORTHSTAR THERAPEUTICS, INC."), ("center", "400 Technology Square"),
         ("center", "Cambridge, MA 02139"), ("gap",), ("left", "June 14, 2019"), ("gap",), ("left", "PERSONAL AND CONFIDENTIAL"),
         ("gap",), ("left", "Blue Harbor Capital Management LLC"), ("left", "One Liberty Plaza, 23rd Floor"), ("left", "New York, NY 10006"),
         ("gap",), ("left", "Re: Confidentiality Agreement"), ("gap",), ("left", "Ladies and Gentlemen:"), ("gap",),
         ("para", "In connection with your consideration of a possible negotiated transaction (a \u201cTransaction\u201d) between you "
                  "and Northstar Therapeutics, Inc. (the \u201cCompany\u201d), the Company is prepared to make available to you "
                  "certain information concerning its business, financial condition and operations. As a condition to such "
                  "information being furnished to you, you agree to treat it in accordance with this letter agreement.")]
    cl = boilerplate(recipient="you", discloser="the Company")
    cl.insert(6, ("Standstill", "For a period of twelve (12) months from the date of this letter agreement, unless specifically "
                  "invited in writing by the Board, you shall not acquire any voting securities of the Company or make any "
                  "proposal for an extraordinary transaction."))
    cl.append(("Term", "This letter agreement shall expire eighteen (18) months after the date hereof, except that your obligations "
               "under the Standstill paragraph shall expire as set forth therein."))
    cl.append(("Governing Law", "This letter agreement shall be governed by and construed in accordance with the laws of the State "
               "of New York applicable to contracts made and to be performed entirely within that State."))
    b += numbered(cl, style="{n}. ")
    b += [("para", "Please confirm your agreement with the foregoing by signing and returning one copy of this letter agreement."),
          ("left", "Very truly yours,"), ("gap",), ("left", "NORTHSTAR THERAPEUTICS, INC."), ("gap",), ("left", "By: ______________________"),
          ("left", "Name: Priya Raman"), ("left", "Title: Chief Financial Officer"), ("gap",),
          ("left", "Accepted and agreed as of the date first written above:"), ("gap",), ("left", "BLUE HARBOR CAPITAL MANAGEMENT LLC"),
          ("gap",), ("left", "By: ______________________"), ("left", "Name: Thomas Okafor"), ("left", "Title: Partner")]
    return b


@doc("nda_03.pdf", {"title": "Nondisclosure and Standstill Agreement", "parties": ["Orion Biosciences N.V.", "Helix Pharma Holdings Corp."],
                    "effective_date": "2021-03-03", "term_months": 36, "governing_law": "Delaware"})
def nda03():
    b = [("left", "CONFIDENTIAL"), ("gap",), ("center", "NONDISCLOSURE AND STANDSTILL AGREEMENT"), ("gap",),
         ("para", "This Nondisclosure and Standstill Agreement (this \u201cAgreement\u201d) is entered into as of the 3rd day of "
                  "March, 2021, between Orion Biosciences N.V., a public company with limited liability organized under the laws "
                  "of the Netherlands (\u201cOrion\u201d), and Helix Pharma Holdings Corp., a Delaware corporation (\u201cHelix\u201d)."),
         ("para", "WHEREAS, Orion and Helix wish to exchange certain information in order to evaluate a possible business "
                  "combination, and each is willing to do so on the terms set forth below.")]
    cl = boilerplate(variant=0)
    cl.insert(4, ("Standstill", "For a period of twelve (12) months after the date of this Agreement, Helix shall not acquire "
                  "beneficial ownership of more than 4.9% of the outstanding ordinary shares of Orion."))
    cl.append(("Term", "This Agreement and the obligations hereunder shall terminate three years after the date of this Agreement."))
    cl.append(("Governing Law", "This Agreement shall be governed by, and construed in accordance with, the laws of the State of "
               "Delaware, without giving effect to any choice or conflict of law provision that would cause the application of the "
               "laws of any other jurisdiction."))
    b += numbered(cl, style="Section {n}. {h}. ")
    b += sig("ORION BIOSCIENCES N.V.", "HELIX PHARMA HOLDINGS CORP.", ("Willem de Graaf", "Susan Park"))
    return b


@doc("nda_04.html", {"title": "Mutual Confidentiality and Non-Disclosure Agreement",
                     "parties": ["Quantum Leap Software GmbH", "Redwood Analytics, Inc."],
                     "effective_date": "2022-04-15", "term_months": 60, "governing_law": "Germany"}, fmt="html")
def nda04():
    b = [("center", "MUTUAL CONFIDENTIALITY AND NON-DISCLOSURE AGREEMENT"), ("gap",),
         ("para", "This Mutual Confidentiality and Non-Disclosure Agreement (the \u201cAgreement\u201d) is effective as of the date "
                  "last signed below (the \u201cEffective Date\u201d) and is made between Quantum Leap Software GmbH, a company "
                  "organized under the laws of Germany with offices at Leopoldstra\u00dfe 12, 80802 M\u00fcnchen (\u201cQLS\u201d), "
                  "and Redwood Analytics, Inc., a California corporation with offices at 55 Market Street, San Francisco, CA "
                  "(\u201cRedwood\u201d).")]
    cl = boilerplate(variant=1)
    cl.append(("Term", "This Agreement will remain in effect for a period of five (5) years from the Effective Date, unless "
               "terminated earlier by either party on thirty (30) days\u2019 written notice."))
    cl.append(("Governing Law and Venue", "This Agreement is governed by the laws of the Federal Republic of Germany, excluding its "
               "conflict of laws rules. The courts of Munich shall have exclusive jurisdiction."))
    b += numbered(cl)
    b += sig("QUANTUM LEAP SOFTWARE GMBH", "REDWOOD ANALYTICS, INC.", ("Jonas Keller", "Emily Chen"), ("April 12, 2022", "April 15, 2022"))
    return b


@doc("nda_05.pdf", {"title": "Non-Disclosure Agreement", "parties": ["Summit Ridge Energy Partners, L.P.", "Cobalt Midstream LLC"],
                    "effective_date": "2018-11-08", "term_months": 36, "governing_law": "Massachusetts"})
def nda05():
    b = [("right", "Exhibit 99.2"), ("gap",),
         ("para", "This NON-DISCLOSURE AGREEMENT (this \u201cAgreement\u201d), dated as of November 8, 2018 (the \u201cEffective "
                  "Date\u201d), is by and between Summit Ridge Energy Partners, L.P., a Delaware limited partnership (the "
                  "\u201cPartnership\u201d), and Cobalt Midstream LLC, a Texas limited liability company (the \u201cReceiving "
                  "Party\u201d).")]
    cl = boilerplate(recipient="the Receiving Party", discloser="the Partnership")
    cl.append(("Duration", "The obligations of the Receiving Party under this Agreement shall continue until three years after the "
               "Effective Date."))
    cl.append(("Applicable Law", "This Agreement shall be governed by the internal laws of the Commonwealth of Massachusetts, "
               "without reference to its rules on conflicts of laws."))
    b += numbered(cl)
    b += sig("SUMMIT RIDGE ENERGY PARTNERS, L.P.", "COBALT MIDSTREAM LLC", ("Helen Ortiz", "Raj Malhotra"))
    return b


@doc("nda_06.pdf", {"title": "Confidentiality Agreement", "parties": ["Lumen Devices Ltd", "Harrow & Finch Advisory LLP"],
                    "effective_date": "2020-01-10", "term_months": 24, "governing_law": "England and Wales"})
def nda06():
    b = [("center", "CONFIDENTIALITY AGREEMENT"), ("gap",), ("left", "Effective Date: 10 January 2020"), ("gap",),
         ("para", "THIS AGREEMENT is made between: (1) Lumen Devices Ltd, a company registered in England and Wales with company "
                  "number 04512877 whose registered office is at 3 Kingsway, London WC2B 6XF (the \u201cCompany\u201d); and "
                  "(2) Harrow & Finch Advisory LLP, a limited liability partnership registered in England and Wales (the "
                  "\u201cAdviser\u201d)."),
         ("para", "BACKGROUND: The Company intends to disclose information to the Adviser for the purpose of the Adviser preparing "
                  "a proposal for corporate finance services, for which a fee of GBP 25,000 may later be agreed in a separate "
                  "engagement letter.")]
    cl = boilerplate(recipient="the Adviser", discloser="the Company")
    cl.append(("Term", "This agreement shall continue in force for a period of 24 months from the Effective Date."))
    cl.append(("Governing law and jurisdiction", "This agreement and any dispute arising out of it shall be governed by the laws of "
               "England and Wales, and the courts of England shall have exclusive jurisdiction."))
    b += numbered(cl)
    b += sig("Signed for Lumen Devices Ltd", "Signed for Harrow & Finch Advisory LLP", ("Oliver Grant", "Amelia Finch"))
    return b


@doc("nda_07.pdf", {"title": "Confidential Disclosure Agreement", "parties": ["Greenfield Foods, Inc.", "Pacific Rim Distributors, Ltd."],
                    "effective_date": "2017-08-21", "term_months": 60, "governing_law": "New York"})
def nda07():
    b = [("center", "CONFIDENTIAL DISCLOSURE AGREEMENT"), ("gap",),
         ("para", "THIS CONFIDENTIAL DISCLOSURE AGREEMENT is entered into this 21st day of August, 2017, by and between GREENFIELD "
                  "FOODS, INC., a Minnesota corporation having its principal place of business at 1200 Harvest Lane, St. Paul, "
                  "Minnesota (\u201cGreenfield\u201d), and PACIFIC RIM DISTRIBUTORS, LTD., a Hong Kong company (\u201cPRD\u201d).")]
    cl = boilerplate(variant=1)
    cl.append(("Survival", "The obligations of the Recipient hereunder shall survive for 5 years following the date of the last "
               "disclosure of Confidential Information."))
    cl.append(("Governing Law", "This Agreement shall be governed by New York law, and the parties consent to the jurisdiction of "
               "the state and federal courts located in the Borough of Manhattan."))
    b += numbered(cl)
    b += sig("GREENFIELD FOODS, INC.", "PACIFIC RIM DISTRIBUTORS, LTD.", ("Mark Ellison", "Kenneth Wong"))
    return b


@doc("nda_08.pdf", {"title": "Confidentiality Agreement", "parties": ["Crescent Bancorp, Inc.", "Stonebridge Financial Group, LLC"],
                    "effective_date": "2023-07-01", "term_months": 24, "governing_law": "North Carolina"})
def nda08():
    b = [("center", "CONFIDENTIALITY AGREEMENT"), ("gap",),
         ("para", "This Confidentiality Agreement (this \u201cAgreement\u201d) is made as of July 1, 2023 between Crescent Bancorp, "
                  "Inc. (the \u201cCompany\u201d) and Stonebridge Financial Group, LLC (\u201cStonebridge\u201d), in connection "
                  "with a possible merger of the Company with Stonebridge or one of its subsidiaries.")]
    cl = boilerplate(recipient="Stonebridge", discloser="the Company")
    cl.insert(2, ("Fees and Expenses", "Each party shall pay its own fees and expenses, including the fees of its financial advisers, "
                  "of up to $250,000 in connection with the evaluation."))
    cl.append(("Term", "This Agreement shall remain in effect for a period of two years from the date of this Agreement."))
    cl.append(("Governing Law", "This Agreement shall be governed by the laws of the State of North Carolina."))
    b += numbered(cl)
    b += sig("CRESCENT BANCORP, INC.", "STONEBRIDGE FINANCIAL GROUP, LLC", ("Laura Bennett", "Carl Jensen"))
    return b


@doc("nda_09.pdf", {"title": "Mutual Non-Disclosure Agreement", "parties": ["Solaris Energía S.A.", "Lone Star Grid Services, Inc."],
                    "effective_date": "2020-09-30", "term_months": 12, "governing_law": "Texas"})
def nda09():
    b = [("center", "MUTUAL NON-DISCLOSURE AGREEMENT"), ("gap",),
         ("para", "This Mutual Non-Disclosure Agreement (the \u201cAgreement\u201d) is entered into by and between Solaris Energ\u00eda "
                  "S.A., a sociedad an\u00f3nima organized under the laws of Spain (\u201cSolaris\u201d), and Lone Star Grid Services, "
                  "Inc., a Texas corporation (\u201cLSGS\u201d), and is effective on the date on which it has been signed by both "
                  "parties.")]
    cl = boilerplate(variant=0)
    cl.append(("Term and Termination", "This Agreement shall terminate one (1) year after the date on which it has been signed by "
               "both parties. The obligations of confidentiality shall survive termination for three (3) years."))
    cl.append(("Governing Law", "This Agreement shall be governed by and construed in accordance with the laws of the State of "
               "Texas, without regard to conflict of laws principles."))
    b += numbered(cl)
    b += sig("SOLARIS ENERG\u00cdA S.A.", "LONE STAR GRID SERVICES, INC.", ("Carmen Ruiz", "Bill Hatcher"),
             ("September 28, 2020", "September 30, 2020"))
    return b


@doc("nda_10.html", {"title": "Confidentiality Agreement", "parties": ["Halcyon Media Group, Inc.", "Tidewater Capital Partners II, L.P."],
                     "effective_date": "2016-02-02", "term_months": 24, "governing_law": "Delaware"}, fmt="html")
def nda10():
    b = [("center", "HALCYON MEDIA GROUP, INC."), ("center", "750 Third Avenue, New York, New York 10017"), ("gap",),
         ("left", "February 2, 2016"), ("gap",), ("left", "Tidewater Capital Partners II, L.P."), ("left", "c/o Tidewater Capital Management LLC"),
         ("left", "200 Clarendon Street, Boston, MA 02116"), ("gap",), ("left", "Re: Confidentiality Agreement"), ("gap",),
         ("left", "Dear Sirs:"),
         ("para", "You have requested information concerning Halcyon Media Group, Inc. (together with its subsidiaries, the "
                  "\u201cCompany\u201d) in connection with your evaluation of a possible acquisition of the Company. In consideration "
                  "of, and as a condition to, furnishing you with such information, the Company requests that you agree as set out "
                  "in this letter agreement.")]
    cl = boilerplate(recipient="you", discloser="the Company", variant=1)
    cl.append(("Non-Solicitation", "For eighteen months from the date of this letter agreement you shall not solicit any employee "
               "of the Company."))
    cl.append(("Term", "Your obligations under this letter agreement shall expire two years from the date of this letter agreement."))
    cl.append(("Governing Law", "This letter agreement shall be governed by the laws of the State of Delaware."))
    b += numbered(cl, style="{n}. ")
    b += [("left", "Very truly yours,"), ("left", "HALCYON MEDIA GROUP, INC."), ("left", "By: /s/ Andrew Marsh"),
          ("left", "Name: Andrew Marsh"), ("left", "Title: General Counsel"), ("gap",), ("left", "ACCEPTED AND AGREED:"),
          ("left", "TIDEWATER CAPITAL PARTNERS II, L.P."), ("left", "By: Tidewater Capital Management LLC, its general partner"),
          ("left", "By: /s/ Rebecca Stone"), ("left", "Name: Rebecca Stone"), ("left", "Title: Managing Partner")]
    return b


@doc("con_11.pdf", {"title": "Consulting Agreement", "parties": ["Bright Path Learning, Inc.", "Meridian Strategy Group LLC"],
                    "effective_date": "2024-02-01", "term_months": 12, "governing_law": "California",
                    "total_value": 120000.0, "currency": "USD"})
def con11():
    b = [("right", "Exhibit 10.3"), ("gap",), ("center", "CONSULTING AGREEMENT"), ("gap",),
         ("para", "This Consulting Agreement (this \u201cAgreement\u201d) is entered into as of February 1, 2024 (the \u201cEffective "
                  "Date\u201d) by and between Bright Path Learning, Inc., a Delaware corporation (the \u201cCompany\u201d), and "
                  "Meridian Strategy Group LLC, a California limited liability company (the \u201cConsultant\u201d)."),
         ("para", "1. Services. The Consultant shall advise the Company on its go-to-market strategy as described in Exhibit A."),
         ("para", "2. Term. The term of this Agreement shall be twelve (12) months from the Effective Date, unless terminated earlier "
                  "in accordance with Section 6."),
         ("para", "3. Compensation. In consideration of the Services, the Company shall pay the Consultant a total fee of $120,000, "
                  "payable in twelve equal monthly installments of $10,000 within thirty (30) days of receipt of each invoice."),
         ("para", "4. Expenses. The Company shall reimburse reasonable pre-approved travel expenses.")]
    cl = boilerplate(recipient="the Consultant", discloser="the Company")[:3]
    b += numbered(cl, start=5)
    b.append(("para", "8. Governing Law. This Agreement shall be governed by the laws of the State of California, without "
                      "regard to its conflict of laws provisions."))
    b += sig("BRIGHT PATH LEARNING, INC.", "MERIDIAN STRATEGY GROUP LLC", ("Nora Feld", "Victor Alvarez"))
    return b


@doc("nda_12.pdf", {"title": "Confidentiality and Standstill Agreement", "parties": ["Vantage Drilling International", "Aurora Offshore Holdings Ltd."],
                    "effective_date": "2015-12-15", "term_months": 18, "governing_law": "New York"})
def nda12():
    b = [("left", "STRICTLY CONFIDENTIAL"), ("right", "EXECUTION COPY"), ("gap",), ("center", "CONFIDENTIALITY AND STANDSTILL AGREEMENT"),
         ("gap",),
         ("para", "CONFIDENTIALITY AND STANDSTILL AGREEMENT, dated as of December 15, 2015 (this \u201cAgreement\u201d), between "
                  "Vantage Drilling International, a Cayman Islands exempted company (\u201cVantage\u201d), and Aurora Offshore "
                  "Holdings Ltd., a Bermuda exempted company (\u201cAurora\u201d and, together with Vantage, the "
                  "\u201cParties\u201d).")]
    cl = boilerplate(variant=1)
    cl.insert(3, ("Non-Solicitation", "For a period of one (1) year from the date hereof, neither Party shall solicit for employment "
                  "any senior employee of the other Party."))
    cl.append(("Term", "This Agreement shall expire on the date that is eighteen months after the date hereof."))
    cl.append(("Governing Law", "This Agreement shall be governed by and construed in accordance with the laws of the State of New "
               "York, without regard to conflicts of law principles that would require the application of any other law."))
    b += numbered(cl)
    b += sig("VANTAGE DRILLING INTERNATIONAL", "AURORA OFFSHORE HOLDINGS LTD.", ("Ian Colville", "Sofia Mendes"))
    return b


@doc("nda_13.txt", {"title": "Mutual Confidentiality Agreement", "parties": ["Keystone Robotics Corp.", "Albrecht Maschinenbau AG"],
                    "effective_date": "2022-10-05", "term_months": 48, "governing_law": "Pennsylvania"}, fmt="txt")
def nda13():
    b = [("left", "EX-10.2 3 d412345dex102.htm MUTUAL CONFIDENTIALITY AGREEMENT"), ("gap",), ("center", "MUTUAL CONFIDENTIALITY AGREEMENT"),
         ("gap",),
         ("para", "THIS MUTUAL CONFIDENTIALITY AGREEMENT (the \u201cAgreement\u201d) is made on October 5, 2022 by and between "
                  "Keystone Robotics Corp., a Pennsylvania corporation (\u201cKeystone\u201d) and Albrecht Maschinenbau AG, a stock "
                  "corporation organized under the laws of the Federal Republic of Germany (\u201cAlbrecht\u201d).")]
    cl = boilerplate(variant=0)
    cl.append(("Term", "This Agreement shall continue for four (4) years from the date first written above."))
    cl.append(("Choice of Law", "This Agreement shall be construed in accordance with the laws of the Commonwealth of Pennsylvania."))
    b += numbered(cl)
    b += sig("KEYSTONE ROBOTICS CORP.", "ALBRECHT MASCHINENBAU AG", ("Greg Novak", "Dr. Petra Albrecht"))
    return b


# Written after the engine passed the first thirteen: wordings it was not tuned on.
@doc("nda_14.pdf", {"title": "Confidentiality Agreement", "parties": ["Falcon Industries, Inc.", "Falcon Merger Sub, LLC", "Granite Peak Holdings Corp."],
                    "effective_date": "2018-05-22", "term_months": 24, "governing_law": "Nevada"})
def nda14():
    b = [("center", "CONFIDENTIALITY AGREEMENT"), ("gap",),
         ("para", "THIS CONFIDENTIALITY AGREEMENT (this \u201cAgreement\u201d) is entered into as of May 22, 2018, by and among "
                  "Falcon Industries, Inc., a Nevada corporation (\u201cParent\u201d), Falcon Merger Sub, LLC, a Nevada limited "
                  "liability company (\u201cMerger Sub\u201d), and Granite Peak Holdings Corp., a Delaware corporation (the "
                  "\u201cCompany\u201d).")]
    cl = boilerplate(variant=1)
    cl.append(("Term", "The provisions of this Agreement shall remain binding for 2 years from the date of this Agreement."))
    cl.append(("Governing Law", "This Agreement is governed by the laws of the State of Nevada."))
    b += numbered(cl)
    b += sig("FALCON INDUSTRIES, INC.", "GRANITE PEAK HOLDINGS CORP.", ("Ray Dunn", "Alice Moreau"))
    return b


@doc("nda_15.pdf", {"title": "Non-Disclosure Agreement", "parties": ["Bayside Medical Group, P.C.", "NovaCare Software Inc."],
                    "effective_date": "2019-04-01", "term_months": 36, "governing_law": "Illinois"})
def nda15():
    b = [("left", "Bayside Medical Group, P.C."), ("left", "Confidential"), ("gap",), ("center", "NON-DISCLOSURE AGREEMENT"), ("gap",),
         ("para", "This Non-Disclosure Agreement is made this 1st day of April, 2019 by and between Bayside Medical Group, P.C. "
                  "(hereinafter referred to as \u201cBayside\u201d) and NovaCare Software Inc. (hereinafter \u201cNovaCare\u201d)."),
         ("para", "WITNESSETH: WHEREAS, NovaCare wishes to receive certain proprietary information of Bayside in order to propose "
                  "software services, for which NovaCare may later invoice Bayside at its standard rates; NOW, THEREFORE, the "
                  "parties agree as follows:")]
    cl = boilerplate(recipient="NovaCare", discloser="Bayside")
    cl.append(("Term", "The term of this Agreement shall commence on the date first written above and shall continue for a "
               "period of three (3) years."))
    cl.append(("Governing Law", "This Agreement shall be interpreted under the laws of the State of Illinois."))
    b += numbered(cl, style="{n}. {h}: ")
    b += sig("BAYSIDE MEDICAL GROUP, P.C.", "NOVACARE SOFTWARE INC.", ("Dr. Ellen Roe", "Sam Patel"))
    return b


@doc("nda_16.pdf", {"title": "Mutual Confidentiality Agreement", "parties": ["Cascade Timber Company", "Northern Pulp & Paper Corporation"],
                    "effective_date": "2018-01-01", "term_months": 24, "governing_law": "Washington"})
def nda16():
    b = [("right", "Exhibit (d)(2)"), ("gap",), ("center", "MUTUAL CONFIDENTIALITY AGREEMENT"), ("gap",),
         ("para", "This Mutual Confidentiality Agreement is entered into on December 20, 2017 and made effective as of January 1, "
                  "2018 (the \u201cEffective Date\u201d) by Cascade Timber Company, a Washington corporation (\u201cCascade\u201d), "
                  "and Northern Pulp & Paper Corporation, an Oregon corporation (\u201cNorthern\u201d).")]
    cl = boilerplate(variant=0)
    cl.append(("Expiration", "This Agreement shall expire on the second anniversary of the Effective Date."))
    cl.append(("Governing Law", "The laws of the State of Washington shall govern this Agreement, without regard to conflicts of laws."))
    b += numbered(cl)
    b += sig("CASCADE TIMBER COMPANY", "NORTHERN PULP & PAPER CORPORATION", ("Jim Hale", "Nina Kowalski"))
    return b


@doc("nda_17.html", {"title": "Confidentiality and Standstill Agreement", "parties": ["Meridian Hospitality Trust", "Ridgeline Investors, L.P."],
                     "effective_date": "2017-09-12", "term_months": 12, "governing_law": "Maryland"}, fmt="html")
def nda17():
    b = [("center", "CONFIDENTIALITY AND"), ("center", "STANDSTILL AGREEMENT"), ("gap",),
         ("para", "This Confidentiality and Standstill Agreement (the \u201cAgreement\u201d), dated September 12, 2017, is between "
                  "Meridian Hospitality Trust, a Maryland real estate investment trust (the \u201cTrust\u201d), and Ridgeline "
                  "Investors, L.P. (\u201cRidgeline\u201d).")]
    cl = boilerplate(recipient="Ridgeline", discloser="the Trust", variant=1)
    cl.insert(2, ("Standstill", "During the Standstill Period (which ends six (6) months after the date of this Agreement), "
                  "Ridgeline shall not acquire any common shares of the Trust."))
    cl.append(("Term", "Except as provided in Section 3, this Agreement shall terminate one year from the date hereof."))
    cl.append(("Governing Law", "This Agreement shall be governed by Maryland law."))
    b += numbered(cl)
    b += sig("MERIDIAN HOSPITALITY TRUST", "RIDGELINE INVESTORS, L.P.", ("Claire Dubois", "Henry Watts"))
    return b


@doc("nda_18.pdf", {"title": "Mutual Nondisclosure Agreement", "parties": ["Aster Genomics, Inc.", "Kobayashi Instruments Co., Ltd."],
                    "effective_date": "2021-06-30", "term_months": 36, "governing_law": "California"})
def nda18():
    b = [("center", "ASTER GENOMICS, INC."), ("center", "MUTUAL NONDISCLOSURE AGREEMENT"), ("gap",),
         ("para", "Aster Genomics, Inc. (\u201cAster\u201d) and Kobayashi Instruments Co., Ltd. (\u201cKobayashi\u201d) agree "
                  "that, effective June 30, 2021, each may disclose Confidential Information to the other on the terms below."),
         ("para", "Period of Agreement. Disclosures may be made under this Agreement for a period of thirty-six (36) months after "
                  "the effective date, and each party\u2019s duty to protect Confidential Information expires five (5) years after "
                  "its receipt.")]
    cl = boilerplate(variant=0)
    cl.append(("Governing Law", "This Agreement shall be governed by and construed under the laws of the State of California, "
               "excluding its conflicts of law rules."))
    b += numbered(cl)
    b += sig("ASTER GENOMICS, INC.", "KOBAYASHI INSTRUMENTS CO., LTD.", ("Lee Wong", "Hiro Tanaka"))
    return b


def long_boilerplate(**kw):
    """Ten or more pages: every clause again with the defined terms, as long real filings run."""
    more = [("Definitions (continued)", "As used in this Agreement, the term \u201cRepresentatives\u201d means, as to any person, its "
             "affiliates and its and their directors, officers, employees, agents, advisors (including attorneys, accountants, "
             "consultants, bankers and financial advisors) and, in the case of the Recipient, its potential sources of debt "
             "financing; and the term \u201cperson\u201d shall be broadly interpreted to include any corporation, company, group, "
             "partnership, governmental authority or individual.") ,
            ("Data Room", "Access to any electronic data room shall be subject to its rules, which shall not supersede this Agreement. "
             "No fee shall be payable for such access, and invoices for copying costs, if any, shall be borne by the Recipient."),
            ("Privileged Information", "To the extent any Confidential Information includes materials subject to the attorney-client "
             "privilege, work product doctrine or any other applicable privilege, the parties understand that they have a "
             "commonality of interest and that the disclosure is not intended to waive any privilege.")]
    cl = []
    for i in range(6):
        cl += [(h + ("" if i == 0 else " (Part %d)" % (i + 1)), b) for h, b in boilerplate(**kw)]
        cl += more
    return cl


# Written last, for lengths and wrappers seen in EDGAR: a 10-page exhibit with a filing service's footer on every page,
# an EDGAR .txt with its SGML wrapper, HTML whose title is broken by <br>.
@doc("nda_19.pdf", {"title": "Confidentiality Agreement", "parties": ["Westbrook Pharmaceuticals plc", "Lakeshore Capital Advisors, LLC"],
                    "effective_date": "2020-11-02", "term_months": 24, "governing_law": "New York"},
     footer="Source: WESTBROOK PHARMACEUTICALS PLC, 8-K, 11/5/2020")
def nda19():
    b = [("right", "Exhibit 99.1"), ("gap",), ("center", "CONFIDENTIALITY AGREEMENT"), ("gap",),
         ("para", "THIS CONFIDENTIALITY AGREEMENT (this \u201cAgreement\u201d) is made as of November 2, 2020 by and between "
                  "Westbrook Pharmaceuticals plc, a public limited company incorporated under the laws of England and Wales, and its "
                  "subsidiaries (collectively, \u201cWestbrook\u201d), and Lakeshore Capital Advisors, LLC, a New York limited "
                  "liability company (\u201cLakeshore\u201d).")]
    cl = long_boilerplate(recipient="Lakeshore", discloser="Westbrook")
    cl.insert(7, ("Non-Solicit", "For a period of eighteen (18) months from the date hereof, Lakeshore shall not solicit or hire any "
                  "employee of Westbrook."))
    cl.append(("Term", "This Agreement shall terminate on the second anniversary of the date hereof, provided that Section 5 shall "
               "survive any termination for an additional twelve (12) months."))
    cl.append(("Governing Law; Submission to Jurisdiction", "This Agreement shall be governed by and construed in accordance with "
               "the laws of the State of New York, without regard to principles of conflicts of law. Notwithstanding that Westbrook "
               "is organized under the laws of England and Wales, each party submits to the courts of the State of New York."))
    b += numbered(cl)
    b += sig("WESTBROOK PHARMACEUTICALS PLC", "LAKESHORE CAPITAL ADVISORS, LLC", ("Fiona Hart", "Peter Szabo"))
    return b


@doc("nda_20.txt", {"title": "Confidentiality Agreement", "parties": ["Silverline Rail Corp.", "Atlas Infrastructure Partners, L.P."],
                    "effective_date": "2009-03-16", "term_months": 12, "governing_law": "Delaware"}, fmt="txt")
def nda20():
    b = [("sgml", "<DOCUMENT>\n<TYPE>EX-99.(D)(3)\n<SEQUENCE>4\n<FILENAME>dex99d3.htm\n<DESCRIPTION>CONFIDENTIALITY AGREEMENT\n<TEXT>"),
         ("right", "Exhibit (d)(3)"), ("gap",), ("center", "SILVERLINE RAIL CORP."), ("center", "2200 Commerce Street, Dallas, Texas 75201"),
         ("gap",), ("left", "March 16, 2009"), ("gap",), ("left", "Atlas Infrastructure Partners, L.P."), ("left", "Attention: General Counsel"),
         ("gap",), ("left", "Dear Sirs:"), ("gap",),
         ("para", "In connection with your possible interest in a transaction with Silverline Rail Corp. (\u201cSilverline\u201d), "
                  "Silverline will furnish you with certain information. You agree to treat that information as provided in this "
                  "letter agreement.")]
    cl = boilerplate(recipient="you", discloser="Silverline", variant=1)
    cl.append(("Term", "Your obligations under this letter agreement shall terminate one year after the date of this letter agreement."))
    cl.append(("Governing Law", "This letter agreement shall be governed by, and construed in accordance with, the laws of the State "
               "of Delaware."))
    b += numbered(cl, style="{n}. ")
    b += [("left", "Very truly yours,"), ("left", "SILVERLINE RAIL CORP."), ("left", "By: /s/ Martin Graves"), ("gap",),
          ("left", "Confirmed and agreed to as of the date first above written:"), ("left", "ATLAS INFRASTRUCTURE PARTNERS, L.P."),
          ("left", "By: /s/ Grace Liu"), ("left", "</TEXT>"), ("left", "</DOCUMENT>")]
    return b


@doc("nda_21.html", {"title": "Mutual Nondisclosure Agreement", "parties": ["Orchard Robotics, Inc.", "Fenwick Automation GmbH"],
                     "effective_date": "2023-03-01", "term_months": 36, "governing_law": "Germany"}, fmt="html")
def nda21():
    b = [("center", "MUTUAL NONDISCLOSURE"), ("center", "AGREEMENT"), ("gap",),
         ("para", "This Agreement is entered into with effect from 1 March 2023 between Orchard Robotics, Inc., a Delaware "
                  "corporation (\u201cOrchard\u201d), and Fenwick Automation GmbH, a company with limited liability under German law "
                  "(\u201cFenwick\u201d)."),
         ("para", "Each party may invoice the other for prototype parts under a separate purchase order; no payment is due under this "
                  "Agreement.")]
    cl = boilerplate(variant=0)
    cl.append(("Term", "This Agreement shall remain in force for three (3) years."))
    cl.append(("Governing Law", "This Agreement is governed by German law, excluding the UN Convention on Contracts for the "
               "International Sale of Goods."))
    b += numbered(cl)
    b += sig("ORCHARD ROBOTICS, INC.", "FENWICK AUTOMATION GMBH", ("Ada Brooks", "Lukas Weber"))
    return b


# A browser's print of an EDGAR letter agreement: the print date on top of every page, before the letter's own date.
@doc("nda_22.pdf", {"title": "Confidentiality Agreement", "parties": ["Copperline Networks, Inc.", "Sagebrush Partners LLC"],
                    "effective_date": "2020-10-26", "term_months": 18, "governing_law": "Delaware"}, footer="browser")
def nda22():
    b = [("center", "COPPERLINE NETWORKS, INC."), ("gap",), ("left", "October 26, 2020"), ("gap",), ("left", "Sagebrush Partners LLC"),
         ("left", "Attention: Investment Committee"), ("gap",), ("left", "Re: Confidentiality Agreement"), ("gap",),
         ("left", "Ladies and Gentlemen:"), ("gap",),
         ("para", "You have expressed interest in a possible transaction with Copperline Networks, Inc. (the \u201cCompany\u201d). "
                  "The Company will provide you with information on the terms of this letter agreement.")]
    cl = boilerplate(recipient="you", discloser="the Company", variant=0)
    cl.append(("Term", "The term of this letter agreement is eighteen (18) months from the date hereof."))
    cl.append(("Governing Law", "This letter agreement shall be governed by the laws of the State of Delaware."))
    b += numbered(cl, style="{n}. ")
    b += [("left", "Very truly yours,"), ("left", "COPPERLINE NETWORKS, INC."), ("left", "By: /s/ Tara Quinn"), ("gap",),
          ("left", "Agreed to and accepted:"), ("left", "SAGEBRUSH PARTNERS LLC"), ("left", "By: /s/ Omar Haddad")]
    return b


# Kinds met in real filed agreements (issue 8): an employee's agreement in the first person signed by the employee; a
# "PARTIES:" heading; a deed's date in words and a term in days; a letter to a person with its law clause in capitals
# and a term in weeks; a description after the legal form with no comma, and a person's degree after the name.
@doc("emp_01.pdf", {"title": "Employee Confidential Information and Invention Assignment Agreement",
                    "parties": ["Tamarack Optics, Inc.", "Lucia M. Ferreira"], "effective_date": "2015-03-09", "governing_law": "California"})
def emp01():
    b = [("right", "Exhibit 10.12"), ("gap",), ("center", "EMPLOYEE CONFIDENTIAL INFORMATION AND INVENTION ASSIGNMENT AGREEMENT"), ("gap",),
         ("para", "As a condition of my employment with Tamarack Optics, Inc., its subsidiaries, affiliates, successors or assigns "
                  "(together, the \u201cCompany\u201d), and in consideration of my employment with the Company and my receipt of the "
                  "compensation now and hereafter paid to me by the Company, I agree to the following provisions.")]
    cl = [("Confidential Information", "I will hold in strictest confidence, both during my employment and for five (5) years "
           "thereafter, all confidential information of the Company, and will not use it except for the benefit of the Company."),
          ("Inventions", "I will promptly disclose to the Company all inventions I make during my employment and assign them to the "
           "Company; I will not solicit any employee of the Company for twelve (12) months after my employment ends."),
          ("Governing Law", "This Agreement will be governed by the laws of the State of California.")]
    b += numbered(cl)
    b += [("gap",), ("sig", "Date: 3/9/2015", "/s/ Lucia Ferreira"), ("sig", "", "Signature"), ("gap",), ("sig", "", "LUCIA M. FERREIRA"),
          ("sig", "", "Name of Employee (typed or printed)"), ("gap",), ("left", "ACKNOWLEDGED AND AGREED:"), ("left", "Tamarack Optics, Inc."),
          ("left", "/s/ Warren Ostby"), ("gap",), ("left", "Witness:"), ("left", "/s/ Ines Morales")]
    return b


@doc("nda_parties.htm", {"title": "Non-Circumvention and Non-Disclosure Agreement", "parties": ["Gannet Rail Logistics, LLC", "Ottoline Energy Ltd."],
                         "effective_date": "2004-06-21", "term_months": 6, "governing_law": "Pennsylvania"}, fmt="html")
def nda_parties():
    b = [("center", "NON-CIRCUMVENTION AND NON-DISCLOSURE AGREEMENT"), ("gap",), ("left", "PARTIES:"),
         ("left", "Gannet Rail Logistics, LLC, having offices at 9 Ferry Street, Erie, PA 16501 (\u201cGannet\u201d)"), ("left", "and"),
         ("left", "Ottoline Energy Ltd., a company registered in Alberta (\u201cOttoline\u201d)."), ("gap",),
         ("para", "This Agreement is made this twenty-first day of June, 2004. The parties wish to exchange information about "
                  "sources of supply and agree as follows.")]
    cl = boilerplate(variant=0)
    cl.append(("Term", "This Agreement shall terminate one hundred eighty (180) days after the date hereof, and the Recipient shall "
               "return all Confidential Information within thirty (30) days after termination."))
    cl.append(("Law", "This Agreement shall be construed and enforced pursuant to the laws of the Commonwealth of Pennsylvania."))
    b += numbered(cl)
    b += sig("GANNET RAIL LOGISTICS, LLC", "OTTOLINE ENERGY LTD.", ("Ruth Adeyemi", "Colin Marsh"))
    return b


@doc("letter_person.txt", {"title": "Confidentiality Agreement", "parties": ["Brightwell Mining Corp.", "Anders Kjellberg"],
                           "effective_date": "2012-10-02", "term_months": 12, "governing_law": "Texas"}, fmt="txt")
def letter_person():
    b = [("center", "BRIGHTWELL MINING CORP."), ("center", "700 Louisiana Street, Houston, Texas 77002"), ("gap",), ("left", "October 2, 2012"),
         ("gap",), ("left", "PERSONAL AND CONFIDENTIAL"), ("left", "Mr. Anders Kjellberg"), ("left", "12 Birch Lane"), ("left", "Austin, TX 78701"),
         ("gap",), ("left", "Re: Confidentiality Agreement"), ("gap",), ("left", "Dear Mr. Kjellberg:"), ("gap",),
         ("para", "In connection with your review of a possible consulting engagement with Brightwell Mining Corp. (the \u201cCompany\u201d), "
                  "the Company will make available to you certain information. You agree as follows.")]
    cl = boilerplate(recipient="you", discloser="the Company", variant=1)
    cl.append(("Term", "This letter agreement shall expire fifty-two (52) weeks after the date hereof."))
    cl.append(("Governing Law", "THIS LETTER AGREEMENT SHALL BE GOVERNED BY THE LAWS OF THE STATE OF TEXAS WITHOUT REGARD TO ITS CONFLICT OF LAWS RULES."))
    b += numbered(cl, style="{n}. ")
    b += [("left", "Very truly yours,"), ("left", "BRIGHTWELL MINING CORP."), ("left", "By: /s/ Hannah Cole"), ("left", "Name: Hannah Cole"),
          ("gap",), ("left", "Accepted and agreed:"), ("left", "/s/ Anders Kjellberg")]
    return b


@doc("consult_01.pdf", {"title": "Consulting and Confidentiality Agreement", "parties": ["HOLLIS RIDGE MEDICAL CORP.", "Ravi Sandhu"],
                        "effective_date": "2011-01-06", "term_months": 18, "governing_law": "Florida"})
def consult01():
    b = [("center", "CONSULTING AND CONFIDENTIALITY AGREEMENT"), ("gap",),
         ("para", "This Consulting and Confidentiality Agreement is made and entered as of January 6, 2011, between HOLLIS RIDGE "
                  "MEDICAL CORP. a Florida corporation (the \u201cCompany\u201d), and Ravi Sandhu, M.D., an individual who resides at the "
                  "address set forth on the signature page hereof (\u201cConsultant\u201d).")]
    cl = boilerplate(recipient="the Consultant", discloser="the Company", variant=0)
    cl.append(("Term", "Unless terminated earlier, this Agreement shall remain in effect for eighteen (18) months from the date hereof. "
               "Either party may terminate it on sixty (60) days\u2019 prior written notice."))
    cl.append(("Governing Law", "This Agreement shall be governed by the laws of the State of Florida."))
    b += numbered(cl)
    b += sig("HOLLIS RIDGE MEDICAL CORP.", "CONSULTANT", ("Elena Brooks", "Ravi Sandhu"))
    return b


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "truth.ndjson"), "w", encoding="utf-8") as t:
        for name, fmt, fn, truth, footer in DOCS:
            blocks = fn()
            path = os.path.join(out, name)
            if fmt == "pdf":
                write_pdf(blocks, path, footer)
            else:
                {"html": write_html, "txt": write_text}[fmt](blocks, path)
            t.write(json.dumps({"name": name, "schema": "contract", "data": truth}) + "\n")


if __name__ == "__main__":
    main()
