"""Fills a regional review template as a commission's secretariat would,
with openpyxl: python fill_review.py IN OUT [bad]."""
import datetime
import sys

from openpyxl import load_workbook

source, target = sys.argv[1], sys.argv[2]
bad = len(sys.argv) > 3 and sys.argv[3] == "bad"
book = load_workbook(source)

review = book["Review"]
review["B4"] = "Regional review of the Global Compact in the UNECE region, 2026"
review["B5"] = "ECE/AC.35/2026/3/Rev.2"
review["B6"] = datetime.date(2022, 1, 1)
review["B7"] = datetime.date(2025, 12, 31)
if bad:
    # A date typed into a cell someone reformatted as a plain number.
    review["B8"] = 46091
    review["B8"].number_format = "General"
else:
    review["B8"] = datetime.date(2026, 3, 10)
review["B9"] = "2026-03-11"
review["B10"] = "Regular pathways widened; data on missing migrants lags."

states = book["States"]
for row in states.iter_rows(min_row=2):
    if row[1].value in ("DEU", "SWE", "ITA"):
        row[2].value = "Yes"

findings = book["Findings"]
findings["C6"] = "Labour mobility agreements doubled since 2022."
findings["F6"] = "Extend skills partnerships.\nRecognise qualifications across borders."
findings["H24"] = "Maybe" if bad else "Yes"

book.save(target)
