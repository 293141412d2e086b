"""Fills a national report template as a focal point would, with openpyxl
(a tool that writes real XLSX): python fill_report.py IN OUT [bad]."""
import sys

from openpyxl import load_workbook

source, target = sys.argv[1], sys.argv[2]
bad = len(sys.argv) > 3 and sys.argv[3] == "bad"
book = load_workbook(source)

report = book["Report"]
report["B4"] = "National review"
report["B5"] = "Voluntary national review of Kenya, 2026"
report["B6"] = "Kenya reports progress on labour mobility and remittances."
report["B7"] = "Yes"

objectives = book["Objectives"]
# Row n + 1 holds objective n.
objectives["C6"] = "In progress"
objectives["D6"] = "Bilateral labour agreements with three States."
objectives["C21"] = "Done" if bad else "Achieved"
objectives["D21"] = "Remittance costs fell below 5 per cent."

indicators = book["Indicators"]
indicators.append(["10.7.2", None, 2025, "Total", None, 83.3, "National Statistics Office"])
indicators.append(["10.7.2", None, 2025, "Sex", "female", 80, "National Statistics Office"])
if bad:
    indicators["F4"] = "=F2*2"
    indicators.append(["10.7.2", None, 2012, "Total", None, 70, ""])

pledges = book["Pledges"]
pledges.append(["KEN-P1", "Fair recruitment law", "6, 18", "Policy oriented", "Ongoing", "A law on recruitment fees."])

stakeholders = book["Stakeholders"]
for row in stakeholders.iter_rows(min_row=2):
    if row[0].value == "Civil society":
        row[1].value = "Yes"
        row[2].value = 12

dims = book["Disaggregation"]
for row in dims.iter_rows(min_row=2):
    if row[0].value in ("Sex", "Age"):
        row[1].value = "Yes"

book.save(target)
