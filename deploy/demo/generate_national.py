#!/usr/bin/env python3
"""Writes the demo's illustrative national reports (national/<ISO3>.yaml) and
the indicator file they are completed with (national/indicators.csv).

Real figures come from the bundled reference data (services/common/gcm/data):
international migrant stock (UN DESA 2024), personal remittances received
(World Bank WDI) and migrants dead and missing (IOM Missing Migrants Project,
SDG 10.7.3). Everything else (implementation statuses, pledges, remittance
costs) is invented for the demonstration and labelled illustrative in the
files themselves. Deterministic: the same data give the same files.

Run from the repository root: python3 deploy/demo/generate_national.py
"""

import csv
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "services", "common", "gcm", "data")
OUT = os.path.join(ROOT, "deploy", "demo", "national")

STATES = {
    "ECA": ["KEN", "NGA", "ETH", "GHA", "SEN", "MAR", "ZAF", "UGA", "MLI"],
    "ECE": ["DEU", "FRA", "ITA", "ESP", "POL", "SWE", "TUR", "UKR", "CHE"],
    "ECLAC": ["MEX", "GTM", "COL", "CHL", "BRA", "ECU", "HND", "ARG", "PER"],
    "ESCAP": ["PHL", "IND", "BGD", "NPL", "IDN", "THA", "VNM", "FJI", "LKA"],
    "ESCWA": ["JOR", "LBN", "SAU", "ARE", "QAT", "IRQ", "OMN", "KWT", "LBY"],
}
STATUSES = ["IMPLEMENTATION_STATUS_NOT_STARTED", "IMPLEMENTATION_STATUS_PLANNED",
            "IMPLEMENTATION_STATUS_IN_PROGRESS", "IMPLEMENTATION_STATUS_IN_PROGRESS",
            "IMPLEMENTATION_STATUS_ACHIEVED"]
KINDS = ["PLEDGE_KIND_FINANCIAL", "PLEDGE_KIND_HUMAN_RESOURCE",
         "PLEDGE_KIND_PROCESS_ORIENTED", "PLEDGE_KIND_POLICY_ORIENTED"]
PLEDGE_STATUSES = ["PLEDGE_STATUS_NOT_STARTED", "PLEDGE_STATUS_ONGOING", "PLEDGE_STATUS_COMPLETED"]
DIMENSIONS = ["DISAGGREGATION_DIMENSION_SEX", "DISAGGREGATION_DIMENSION_AGE",
              "DISAGGREGATION_DIMENSION_MIGRATION_STATUS", "DISAGGREGATION_DIMENSION_GEOGRAPHIC_LOCATION",
              "DISAGGREGATION_DIMENSION_INCOME", "DISAGGREGATION_DIMENSION_DISABILITY"]
PLEDGE_TITLES = {
    1: "Build a national migration data platform with disaggregated statistics",
    5: "Open a regular labour pathway with a partner country of origin",
    8: "Join a regional mechanism on missing migrants and their families",
    15: "Guarantee access to primary health care regardless of migration status",
    16: "Fund language and vocational courses for newly arrived migrants",
    20: "Lower the cost of remittances through digital transfer channels",
    23: "Contribute to the Migration Multi-Partner Trust Fund",
}


def h(text):
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


REMITTANCES_YEAR = 2023
MISSING_YEARS = (2021, 2024)
NARRATIVES = {
    "IMPLEMENTATION_STATUS_NOT_STARTED": "Illustrative: no measure on {label} has started yet; one is under discussion with the ministries concerned.",
    "IMPLEMENTATION_STATUS_PLANNED": "Illustrative: measures on {label} are planned in the national implementation plan, with a budget from next year.",
    "IMPLEMENTATION_STATUS_IN_PROGRESS": "Illustrative: measures on {label} are being implemented with local authorities and civil society.",
    "IMPLEMENTATION_STATUS_ACHIEVED": "Illustrative: the measures planned on {label} are in place and are being evaluated.",
}


def q(text):
    return json.dumps(text, ensure_ascii=False)


def load():
    names = {r["iso3"]: r["name"] for r in csv.DictReader(open(os.path.join(DATA, "un_member_states.csv")))}
    labels = {int(r["number"]): r["short_label"] for r in csv.DictReader(open(os.path.join(DATA, "gcm_objectives.csv")))}
    stock = {}
    for r in csv.DictReader(open(os.path.join(DATA, "un_desa_migrant_stock_2024rev_1990_2024.csv"))):
        if r["year"] == "2024" and r["iso3"]:
            stock[r["iso3"]] = r
    # The latest complete year of the World Bank series: 2024 has values for
    # only about half of the economies.
    remittances = {}
    for r in csv.DictReader(open(os.path.join(DATA, "wb_wdi_remittances_2015_2024.csv"))):
        v = r["remittances_received_usd_BX_TRF_PWKR_CD_DT"]
        if v and r["row_type"] == "economy" and int(r["year"]) <= REMITTANCES_YEAR:
            prev = remittances.get(r["iso3"])
            if prev is None or int(r["year"]) > prev[0]:
                remittances[r["iso3"]] = (int(r["year"]), float(v))
    missing = {}
    for r in csv.DictReader(open(os.path.join(DATA, "iom_mmp_dead_missing_by_country_year_2014_2025.csv"))):
        year = int(r["year"])
        # 2025 is a partial year in the source (to 30 April).
        if MISSING_YEARS[0] <= year <= MISSING_YEARS[1] and r["dead_and_missing"]:
            missing.setdefault(r["iso3_incident"], {})[year] = int(float(r["dead_and_missing"]))
    return names, labels, stock, remittances, missing


def report(iso3, names, labels, stock, remittances, missing):
    seed = h(iso3)
    name = names[iso3]
    objectives = {1, 20, 15, 16, 23}
    if iso3 in missing:
        objectives.add(8)
    extra = [o for o in range(1, 24) if o not in objectives]
    for i in range(3):
        objectives.add(extra[(seed >> (8 * i)) % len(extra)])
    lines = [
        f"# ILLUSTRATIVE INPUT, not an official submission of {name}. Generated by",
        "# deploy/demo/generate_national.py: migrant stock, remittances and migrants",
        "# dead and missing are real figures from the bundled data; statuses, pledges",
        "# and remittance costs are invented for the demonstration.",
        'cycle_id: "2026"',
        f"state: {iso3}",
        "kind: REPORT_KIND_VOLUNTARY_NATIONAL_REVIEW",
        f"title: {q('Illustrative voluntary national review of ' + name + ' (not an official submission)')}",
        "objectives:",
    ]
    for o in sorted(objectives):
        status = STATUSES[(seed >> o) % len(STATUSES)]
        narrative = NARRATIVES[status].format(label=labels[o].lower())
        if o == 1 and iso3 in stock:
            s = stock[iso3]
            narrative = (f"International migrant stock in 2024: {int(s['migrant_stock_total']):,} persons, "
                         f"{s['female_share_pct']} per cent of them women "
                         "(UN DESA, International Migrant Stock 2024).")
        elif o == 20 and iso3 in remittances:
            year, value = remittances[iso3]
            narrative = (f"Personal remittances received in {year}: USD {value / 1e9:,.2f} billion "
                         "(World Bank, World Development Indicators, BX.TRF.PWKR.CD.DT).")
        elif o == 8 and iso3 in missing:
            total = sum(missing[iso3].values())
            narrative = (f"The IOM Missing Migrants Project recorded {total:,} migrants dead or missing "
                         f"in the territory of {name} in {MISSING_YEARS[0]}-{MISSING_YEARS[1]}.")
        lines.append(f"  - objective: {o}")
        lines.append(f"    status: {status}")
        lines.append(f"    narrative: {q(narrative)}")
    lines.append("indicators:")
    if iso3 in remittances:
        # Invented cost around the 6.3 per cent of para 46.
        cost = round(2.0 + (seed % 80) / 10.0, 1)
        lines.append("  - indicator_code: 10.c.1")
        lines.append(f"    value: {cost}")
        lines.append("    unit: percent")
        lines.append("    year: 2024")
        lines.append(q("illustrative value: no Remittance Prices Worldwide data is bundled").join(["    source: ", ""]))
    else:
        lines[-1] = "indicators: []"
    lines.append("pledges:")
    pledge_objectives = sorted(o for o in objectives if o in PLEDGE_TITLES)
    for i in range(1 + seed % 2):
        o = pledge_objectives[(seed >> (4 * i)) % len(pledge_objectives)]
        lines.append(f"  - pledge_id: {iso3}-P{i + 1}")
        lines.append(f"    title: {q('Illustrative pledge: ' + PLEDGE_TITLES[o])}")
        lines.append(f"    objectives: [{o}]")
        lines.append(f"    kind: {KINDS[(seed >> (3 + i)) % len(KINDS)]}")
        lines.append(f"    status: {PLEDGE_STATUSES[(seed >> (5 + i)) % len(PLEDGE_STATUSES)]}")
    lines.append("stakeholders_consulted:")
    lines.append("  - {type: STAKEHOLDER_TYPE_CIVIL_SOCIETY, count: %d}" % (5 + seed % 20))
    lines.append("  - {type: STAKEHOLDER_TYPE_MIGRANTS, count: %d}" % (1 + seed % 7))
    lines.append("  - {type: STAKEHOLDER_TYPE_LOCAL_GOVERNMENT, count: %d}" % (1 + seed % 5))
    lines.append(f"has_implementation_plan: {'true' if seed % 3 else 'false'}")
    dims = ["DISAGGREGATION_DIMENSION_SEX"] + [d for i, d in enumerate(DIMENSIONS[1:]) if (seed >> (20 + i)) % 2]
    lines.append("disaggregation_supported: [" + ", ".join(dims) + "]")
    lines.append("summary: " + q(f"Illustrative input for {name}: real migration figures from public data, "
                                 "invented implementation statuses and pledges."))
    return "\n".join(lines) + "\n"


def main():
    names, labels, stock, remittances, missing = load()
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for commission, states in STATES.items():
        for iso3 in states:
            with open(os.path.join(OUT, f"{iso3.lower()}.yaml"), "w") as f:
                f.write(report(iso3, names, labels, stock, remittances, missing))
            for year, value in sorted(missing.get(iso3, {}).items()):
                rows.append([iso3, "10.7.3", year, "", "", value, "IOM Missing Migrants Project"])
    with open(os.path.join(OUT, "indicators.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["state", "indicator", "year", "dimension", "category", "value", "source"])
        w.writerows(rows)
    print(f"wrote {sum(len(s) for s in STATES.values())} reports and {len(rows)} indicator rows")


if __name__ == "__main__":
    main()
