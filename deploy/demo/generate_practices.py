#!/usr/bin/env python3
"""Writes the demo's illustrative practices (practices/NN.yaml), spread over
all 23 GCM objectives and the five regions, each in a country where such a
practice is plausible and tagged to its objective and the one related
objective it also serves. Invented for the demonstration and labelled
illustrative in their summaries and results; the contacts are fictional
(example.org). Deterministic. Run from the repository root:
python3 deploy/demo/generate_practices.py
"""

import csv
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "services", "common", "gcm", "data")
OUT = os.path.join(ROOT, "deploy", "demo", "practices")

# Each theme: its name, the related objective it also serves (or None),
# the two countries where the demo places it (first and second round), what
# it does and what it achieved.
THEMES = {
    1: [
        ("migration data observatory", 17, ["MAR", "MEX"], "brings together the migration data of ministries, the statistical office and researchers and publishes an annual report", "the first annual report informed the revision of the national migration policy"),
        ("disaggregated labour force survey module", None, ["PHL", "GHA"], "adds questions on country of birth, citizenship and year of arrival to the quarterly labour force survey", "employment rates of migrants are now published by sex and age each quarter"),
        ("administrative data linkage for migration statistics", None, ["NOR", "URY"], "links residence permits with tax and education records under data protection rules", "annual statistics on the labour market outcomes of migrants replaced ad hoc estimates"),
    ],
    2: [
        ("climate adaptation programme in areas of origin", 5, ["BGD", "NER"], "finances irrigation, drought-resistant crops and savings groups in districts of high out-migration", "households in the programme districts reported fewer forced departures after poor harvests"),
        ("rural youth livelihoods scheme", None, ["SEN", "GTM"], "offers vocational training and start-up grants to young people in rural areas", "most participants were running a business or employed a year later"),
    ],
    3: [
        ("multilingual migrant information centres", 16, ["PRT", "CMR"], "gives information on rights, procedures and services in the languages migrants speak, in person and online", "requests for help from the centres doubled, and fewer applications were rejected as incomplete"),
        ("pre-departure orientation online", 6, ["NPL", "ALB"], "prepares workers before they leave with courses on rights, contracts and where to get help abroad", "workers who took the course more often kept their contracts and knew whom to call"),
    ],
    4: [
        ("mobile civil registration for migrant children", 15, ["THA", "NIC"], "registers the births of migrant children in worksites and border areas with mobile teams", "thousands of children obtained birth certificates and could enrol in school"),
        ("consular issuance of identity documents", 14, ["PHL", "SLV"], "lets nationals abroad obtain passports and identity cards at consulates and by mobile missions", "waiting times for documents fell from months to weeks"),
    ],
    5: [
        ("seasonal labour mobility agreement", 6, ["FJI", "GTM"], "organizes seasonal work abroad with recruitment by the public employment service, pre-departure training and return", "workers returned with savings, and most were invited back the next season"),
        ("humanitarian visa for disaster-displaced persons", 2, ["ARG", "NZL"], "grants temporary visas to people displaced by disasters in neighbouring countries", "families displaced by hurricanes found safety and the right to work"),
        ("family reunification fast track", None, ["CAN", "MDA"], "shortens procedures for the spouses and children of migrants already in the country", "decisions now come within months, and fewer children wait apart from their parents"),
    ],
    6: [
        ("zero recruitment fees certification", 3, ["ARE", "GTM"], "certifies employers and agencies that charge workers no recruitment fees or costs", "certified agencies placed workers without debts to repay"),
        ("labour inspection of recruitment agencies", 10, ["TUN", "KAZ"], "inspects licensed and unlicensed recruitment agencies and withdraws licences for abuses", "complaints about fees and contract substitution fell"),
    ],
    7: [
        ("regularization programme for long-term residents", 4, ["COL", "ESP"], "gives migrants living in the country for several years a residence permit with the right to work", "hundreds of thousands of people obtained permits and could work formally"),
        ("shelter network for migrants in vulnerable situations", 8, ["MEX", "KEN"], "runs shelters with legal, medical and psychosocial help along migration routes", "women and children on the move found safe places to stay and referral to services"),
    ],
    8: [
        ("cross-border search mechanism for missing migrants", 23, ["MEX", "TUN"], "lets families report a missing relative at a consulate and search across borders with forensic services", "dozens of families learned the fate of their relatives"),
        ("forensic identification of deceased migrants", None, ["ITA", "PAN"], "collects DNA and personal effects of deceased migrants and matches them with families' data", "remains were identified and returned to their families"),
    ],
    9: [
        ("joint investigation teams on migrant smuggling", 23, ["NGA", "ESP"], "brings prosecutors of countries of origin, transit and destination together in joint investigations", "several smuggling networks were dismantled and their assets seized"),
        ("protection screening for smuggled migrants", 10, ["NER", "GRC"], "screens smuggled migrants for protection needs and trafficking at disembarkation and in transit", "victims of trafficking and children were identified and referred to care"),
    ],
    10: [
        ("national referral mechanism for victims of trafficking", 7, ["IDN", "MDA"], "sets out how police, labour inspectors and social services identify and refer victims", "more victims were identified and received shelter and legal aid"),
        ("survivor-led anti-trafficking training", None, ["ESP", "UGA"], "trains police, labour inspectors and health workers with survivors of trafficking as trainers", "officials trained identified more cases of forced labour"),
    ],
    11: [
        ("integrated border management with human rights monitoring", 13, ["MKD", "ECU"], "modernizes border crossing points and gives independent monitors access to them", "processing times fell and complaints were followed up"),
        ("one-stop border post", None, ["KEN", "KHM"], "lets travellers clear exit and entry at one stop with joint controls of both countries", "crossing times for traders and workers fell by hours"),
    ],
    12: [
        ("standard operating procedures for screening and referral", 7, ["LBY", "MEX"], "sets procedures for first-line officials to identify and refer migrants in vulnerable situations", "children and victims of trafficking were referred to protection services at entry"),
        ("digital case management for asylum and migration", None, ["DNK", "JOR"], "manages applications in one digital file shared by the authorities that decide them", "decisions came faster and fewer files were lost"),
    ],
    13: [
        ("community-based alternatives to immigration detention", 7, ["BRA", "IDN"], "places migrants awaiting decisions in the community with case managers instead of detention", "nearly all participants kept their appointments, at a fraction of the cost of detention"),
        ("ending child immigration detention", None, ["MEX", "THA"], "prohibits the immigration detention of children and places families in open reception", "no child was held in immigration detention in the year after the law"),
    ],
    14: [
        ("virtual consular service for nationals abroad", None, ["IND", "DZA"], "answers nationals abroad by telephone, chat and video, around the clock", "more requests for help were answered, also from countries without a consulate"),
        ("consular emergency fund", None, ["PHL", "TUN"], "pays for shelter, legal aid and repatriation of nationals in distress abroad", "workers stranded by conflict and by employers' abuse were brought home"),
    ],
    15: [
        ("health care access regardless of migration status", None, ["SWE", "THA"], "gives every migrant access to primary and emergency health care, with firewalls against immigration enforcement", "more migrants used preventive care and fewer arrived at emergency wards"),
        ("inclusive schooling for migrant children", 16, ["COL", "TTO"], "enrols migrant children whatever their documents and offers language support", "enrolment of migrant children rose sharply"),
    ],
    16: [
        ("language and civic orientation courses", 18, ["DEU", "KHM"], "offers free language and civic orientation courses in the evenings and online", "participants more often found work and took part in local life"),
        ("city welcome centres for newcomers", 3, ["CAN", "TUN"], "welcomes newcomers at one municipal desk for registration, housing, schooling and work", "newcomers completed their registration faster and found services sooner"),
    ],
    17: [
        ("media training against hate speech", None, ["MLI", "HUN"], "trains journalists and editors to report on migration on the basis of evidence", "coverage of migration used fewer stereotypes"),
        ("public campaign on the contributions of migrants", 16, ["KAZ", "CHL"], "shows in the media and in schools the contributions migrants make to their communities", "surveys found more positive perceptions of migrants"),
    ],
    18: [
        ("mutual recognition of vocational qualifications", 5, ["LCA", "ZAF"], "recognizes the vocational certificates of partner countries without new examinations", "workers had their qualifications recognized within weeks"),
        ("skills partnership with countries of origin", 5, ["DEU", "MAR"], "trains people in countries of origin in skills needed both at home and abroad", "graduates found work at home and abroad"),
    ],
    19: [
        ("diaspora investment fund", 20, ["ETH", "ARM"], "co-finances investments of the diaspora in small businesses at home", "the fund financed hundreds of small businesses"),
        ("diaspora expert return programme", None, ["COM", "SOM"], "brings diaspora professionals home for short assignments in hospitals, universities and ministries", "hospitals and universities gained skills they could not recruit locally"),
    ],
    20: [
        ("remittance price comparison portal", None, ["BIH", "KEN"], "publishes the costs of sending money through each provider and corridor", "the average cost of sending money in the corridors covered fell"),
        ("digital remittance channels for rural families", 19, ["GBR", "HND"], "lets families in rural areas receive remittances on mobile wallets", "families saved on fees and travel to collect money"),
        ("financial literacy for migrants and their families", 19, ["PNG", "NPL"], "teaches migrants and their families to budget, save and invest remittances", "participating families saved more of what they received"),
    ],
    21: [
        ("sustainable reintegration support for returnees", None, ["NGA", "AFG"], "gives returnees counselling, training and grants and links them with local employers", "most returnees had an income a year after return"),
        ("community-based reintegration projects", None, ["GMB", "HND"], "funds projects that employ returnees and members of their communities together", "projects created jobs for returnees and their neighbours alike"),
    ],
    22: [
        ("bilateral social security agreement", None, ["PRT", "CPV"], "lets workers add up periods of insurance in both countries and receive pensions abroad", "retired workers received their pensions in their country of origin"),
        ("portable pension accounts for migrant workers", None, ["CAN", "PHL"], "keeps the pension savings of migrant workers in accounts they can take with them", "workers who left kept their contributions"),
    ],
    23: [
        ("regional consultative process on migration", None, ["KGZ", "CRI"], "brings the migration authorities of the region together each year on shared priorities", "States agreed regional guidelines on labour migration"),
        ("South-South cooperation on labour migration governance", 6, ["DZA", "IDN"], "pairs ministries of labour of countries of origin and destination in the South for peer learning", "partner ministries adopted procedures on recruitment and complaints"),
    ],
}
REGIONS = ["ECA", "ECE", "ECLAC", "ESCAP", "ESCWA"]
TYPES = ["PRACTICE_TYPE_PROGRAMME", "PRACTICE_TYPE_POLICY", "PRACTICE_TYPE_PROJECT", "PRACTICE_TYPE_PARTNERSHIP", "PRACTICE_TYPE_TOOL_OR_GUIDANCE", "PRACTICE_TYPE_CAPACITY_BUILDING", "PRACTICE_TYPE_RESEARCH_OR_DATA", "PRACTICE_TYPE_LEGISLATION"]
PRINCIPLES = ["GUIDING_PRINCIPLE_PEOPLE_CENTRED", "GUIDING_PRINCIPLE_INTERNATIONAL_COOPERATION", "GUIDING_PRINCIPLE_HUMAN_RIGHTS", "GUIDING_PRINCIPLE_GENDER_RESPONSIVE", "GUIDING_PRINCIPLE_CHILD_SENSITIVE", "GUIDING_PRINCIPLE_WHOLE_OF_GOVERNMENT", "GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY"]
SUBMITTERS = [("STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT", "the Ministry of Labour"), ("STAKEHOLDER_TYPE_LOCAL_GOVERNMENT", "the municipality of the capital"), ("STAKEHOLDER_TYPE_CIVIL_SOCIETY", "a migrant rights association"), ("STAKEHOLDER_TYPE_UN_SYSTEM", "the United Nations country team"), ("STAKEHOLDER_TYPE_PRIVATE_SECTOR", "the national employers' federation"), ("STAKEHOLDER_TYPE_ACADEMIA", "a university migration research centre")]
SDG = {1: "17.18", 2: "13.1", 5: "10.7", 6: "8.8", 8: "10.7", 10: "16.2", 15: "3.8", 16: "10.2", 17: "16.b", 18: "4.4", 20: "10.c", 22: "1.3"}


LESSONS = [
    "Illustrative: involving migrants and local authorities from the start mattered most.",
    "Illustrative: a budget line of its own kept the work going when donor funding ended.",
    "Illustrative: sharing data between ministries under clear rules was the hardest step.",
    "Illustrative: information in the languages migrants speak brought people in.",
]


def q(text):
    return json.dumps(text, ensure_ascii=False)


def main():
    members = {}
    names = {r["iso3"]: r["name"] for r in csv.DictReader(open(os.path.join(DATA, "un_member_states.csv")))}
    for r in csv.DictReader(open(os.path.join(DATA, "un_regional_commissions.csv"))):
        if r["membership"] == "regional":
            members.setdefault(r["iso3"], r["commission"])
    os.makedirs(OUT, exist_ok=True)
    n = 0
    # Two rounds over the themes, the second in the theme's other country,
    # up to 66 practices: enough for 60 to pass curation.
    plan = [(o, t, 0) for o in range(1, 24) for t in THEMES[o]]
    plan += [(o, t, 1) for (o, t, _) in plan[: 66 - len(plan)]]
    for objective, (theme, related, countries, does, achieved), round_ in plan:
        if True:
            n += 1
            country = countries[round_]
            region = members[country]
            stype, org = SUBMITTERS[n % len(SUBMITTERS)]
            start = 2019 + n % 4
            completion = 60 + (n * 13) % 41
            name = theme[0].upper() + theme[1:]
            title = name
            objectives = [objective] + ([related] if related else [])
            lines = [
                "# ILLUSTRATIVE INPUT, invented for the demonstration; the contact is fictional.",
                f"# submitter: state:{country}",
                "details:",
                f"  title: {q(title)}",
                f"  summary: {q(f'Illustrative: the {theme} {does}.')}",
                "  primary_objectives: [" + ", ".join(str(o) for o in objectives) + "]",
                "  guiding_principles: [" + ", ".join(sorted({PRINCIPLES[n % len(PRINCIPLES)], PRINCIPLES[(n + 3) % len(PRINCIPLES)]})) + "]",
                "  upholds_all_guiding_principles: true",
                f"  sdg_targets: [{q(SDG.get(objective, '10.7'))}]",
                f"  start_year: {start}",
                f"  end_year: {0 if n % 4 == 0 else start + 3}",
                f"  type: {TYPES[n % len(TYPES)]}",
                f"  countries: [{country}]",
                f"  regions: [COMMISSION_{region}]",
                "  implementing_partners: [\"IOM\", \"ILO\"]" if n % 2 else "  implementing_partners: [\"UNHCR\"]",
                f"  results: {q(f'Illustrative: {achieved}.')}",
                f"  submitter_organization: {q(org)}",
                f"  submitter_type: {stype}",
                f"  completion_percent: {completion}",
                f"  lessons_learnt: {q(LESSONS[n % len(LESSONS)])}",
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
