#!/usr/bin/env python3
"""Writes the demo's illustrative practices (practices/NN.yaml), spread over
all 23 GCM objectives and the five regions. Invented for the demonstration
and labelled illustrative in their titles; the contacts are fictional
(example.org). Deterministic. Run from the repository root:
python3 deploy/demo/generate_practices.py
"""

import csv
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "services", "common", "data")
OUT = os.path.join(ROOT, "deploy", "demo", "practices")

THEMES = {
    1: ["migration data observatory", "disaggregated labour force survey module", "administrative data linkage for migration statistics"],
    2: ["climate adaptation programme in areas of origin", "rural youth livelihoods scheme"],
    3: ["multilingual migrant information centres", "pre-departure orientation online"],
    4: ["mobile civil registration for migrant children", "consular issuance of identity documents"],
    5: ["seasonal labour mobility agreement", "humanitarian visa for disaster-displaced persons", "family reunification fast track"],
    6: ["zero recruitment fees certification", "labour inspection of recruitment agencies"],
    7: ["regularization programme for long-term residents", "shelter network for migrants in vulnerable situations"],
    8: ["cross-border search mechanism for missing migrants", "forensic identification of deceased migrants"],
    9: ["joint investigation teams on migrant smuggling", "protection screening for smuggled migrants"],
    10: ["national referral mechanism for victims of trafficking", "survivor-led anti-trafficking training"],
    11: ["integrated border management with human rights monitoring", "one-stop border post"],
    12: ["standard operating procedures for screening and referral", "digital case management for asylum and migration"],
    13: ["community-based alternatives to immigration detention", "ending child immigration detention"],
    14: ["virtual consular service for nationals abroad", "consular emergency fund"],
    15: ["health care access regardless of migration status", "inclusive schooling for migrant children"],
    16: ["language and civic orientation courses", "city welcome centres for newcomers"],
    17: ["media training against hate speech", "public campaign on the contributions of migrants"],
    18: ["mutual recognition of vocational qualifications", "skills partnership with countries of origin"],
    19: ["diaspora investment fund", "diaspora expert return programme"],
    20: ["remittance price comparison portal", "digital remittance channels for rural families", "financial literacy for migrants and their families"],
    21: ["sustainable reintegration support for returnees", "community-based reintegration projects"],
    22: ["bilateral social security agreement", "portable pension accounts for migrant workers"],
    23: ["regional consultative process on migration", "South-South cooperation on labour migration governance"],
}
REGIONS = ["ECA", "ECE", "ECLAC", "ESCAP", "ESCWA"]
TYPES = ["PRACTICE_TYPE_PROGRAMME", "PRACTICE_TYPE_POLICY", "PRACTICE_TYPE_PROJECT", "PRACTICE_TYPE_PARTNERSHIP", "PRACTICE_TYPE_TOOL_OR_GUIDANCE", "PRACTICE_TYPE_CAPACITY_BUILDING", "PRACTICE_TYPE_RESEARCH_OR_DATA", "PRACTICE_TYPE_LEGISLATION"]
PRINCIPLES = ["GUIDING_PRINCIPLE_PEOPLE_CENTRED", "GUIDING_PRINCIPLE_INTERNATIONAL_COOPERATION", "GUIDING_PRINCIPLE_HUMAN_RIGHTS", "GUIDING_PRINCIPLE_GENDER_RESPONSIVE", "GUIDING_PRINCIPLE_CHILD_SENSITIVE", "GUIDING_PRINCIPLE_WHOLE_OF_GOVERNMENT", "GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY"]
SUBMITTERS = [("STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT", "Ministry"), ("STAKEHOLDER_TYPE_LOCAL_GOVERNMENT", "City council"), ("STAKEHOLDER_TYPE_CIVIL_SOCIETY", "Migrant rights association"), ("STAKEHOLDER_TYPE_UN_SYSTEM", "United Nations country team"), ("STAKEHOLDER_TYPE_PRIVATE_SECTOR", "Employers' federation"), ("STAKEHOLDER_TYPE_ACADEMIA", "University migration centre")]
SDG = {1: "17.18", 2: "13.1", 5: "10.7", 6: "8.8", 8: "10.7", 10: "16.2", 15: "3.8", 16: "10.2", 17: "16.b", 18: "4.4", 20: "10.c", 22: "1.3"}


def q(text):
    return json.dumps(text, ensure_ascii=False)


def main():
    members = {}
    names = {r["iso3"]: r["name"] for r in csv.DictReader(open(os.path.join(DATA, "un_member_states.csv")))}
    for r in csv.DictReader(open(os.path.join(DATA, "un_regional_commissions.csv"))):
        members.setdefault(r["commission"], []).append(r["iso3"])
    os.makedirs(OUT, exist_ok=True)
    n = 0
    # Two rounds over the themes, in other regions the second time, up to
    # 66 practices: enough for 60 to pass curation.
    plan = [(o, t) for o in range(1, 24) for t in THEMES[o]]
    plan += plan[: 66 - len(plan)]
    for objective, theme in plan:
        if True:
            n += 1
            region = REGIONS[n % 5]
            pool = sorted(members[region])
            country = pool[(n * 7) % len(pool)]
            stype, org = SUBMITTERS[n % len(SUBMITTERS)]
            start = 2019 + n % 4
            completion = 60 + (n * 13) % 41
            title = f"Illustrative practice: {theme[0].upper() + theme[1:]} ({names[country]})"
            lines = [
                "# ILLUSTRATIVE INPUT, invented for the demonstration; the contact is fictional.",
                f"# submitter: state:{country}",
                "details:",
                f"  title: {q(title)}",
                f"  summary: {q(f'{theme[0].upper() + theme[1:]} implemented in {names[country]} to advance objective {objective} of the Global Compact. Illustrative description for the demonstration.')}",
                f"  primary_objectives: [{objective}" + (f", {(objective % 23) + 1}" if n % 3 == 0 else "") + "]",
                "  guiding_principles: [" + ", ".join(sorted({PRINCIPLES[n % len(PRINCIPLES)], PRINCIPLES[(n + 3) % len(PRINCIPLES)]})) + "]",
                "  upholds_all_guiding_principles: true",
                f"  sdg_targets: [{q(SDG.get(objective, '10.7'))}]",
                f"  start_year: {start}",
                f"  end_year: {0 if n % 4 == 0 else start + 3}",
                f"  type: {TYPES[n % len(TYPES)]}",
                f"  countries: [{country}]",
                f"  regions: [COMMISSION_{region}]",
                "  implementing_partners: [\"IOM\", \"ILO\"]" if n % 2 else "  implementing_partners: [\"UNHCR\"]",
                f"  results: {q(f'Illustrative results: {10 + n % 40} per cent more migrants reached in the first year.')}",
                f"  submitter_organization: {q(f'{org} ({names[country]})')}",
                f"  submitter_type: {stype}",
                f"  completion_percent: {completion}",
                f"  lessons_learnt: {q('Illustrative lessons: early involvement of migrants and local authorities mattered most.')}",
                "focal_point:",
                f"  name: {q(f'Illustrative contact {n}')}",
                f"  email: focal.{n}@example.org",
                f"  organization: {q(org)}",
            ]
            with open(os.path.join(OUT, f"{n:02d}.yaml"), "w") as f:
                f.write("\n".join(lines) + "\n")
    print(f"wrote {n} practices")


if __name__ == "__main__":
    main()
