# The console's words in English. Every page's layout and the public
# Repository of Practices are also in fr.ftl and es.ftl; a key missing
# there is shown in English. Labels of the contract's codes (objectives,
# guiding principles, stakeholder types, types of practice) come in
# English from the reference data and are translated in fr.ftl and es.ftl.

## The layout of every page

site-name = GCM review platform
skip-to-content = Skip to the content
local-banner = Local stack: people choose who they are at sign-in; no identity provider checks it.
brand-un = United Nations
brand-name = Global Compact for Migration · review platform
nav-main = Main
nav-practices = Repository of Practices
nav-cycles = Review cycles
nav-curation = Curation queue
nav-reports = National reports
nav-reviews = Regional reviews
nav-own-practices = Your practices
nav-propose = Propose a practice
signed-in-as = Signed in as
sign-out = Sign out
sign-in = Sign in
public-view = Public view
languages = Languages
footer = Follow-up and review of the Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195; Progress Declaration, A/RES/76/266).

## Dates

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date = { $day } { $month } { $year }

## The Repository of Practices: search

search-title = Repository of Practices
search-lede = Practices of Member States and stakeholders implementing the Global Compact, peer-reviewed by the United Nations Network on Migration.
search-label = Search the practices
search-placeholder = for example: remittances, labour mobility
search-button = Search
narrow = Narrow the results
apply = Apply
clear-search = Clear the search
no-facet-values = No values among these results.
facet-objective = GCM objective
facet-principle = Guiding principle
facet-region = Region
facet-country = Country
facet-submitter = Stakeholder type
facet-type = Type of practice
practices-found = { $count ->
    [one] 1 practice
   *[other] { $count } practices
}
no-match = No published practice matches.
no-match-narrowed = No published practice matches this search. Try fewer words or filters.
objectives = Objectives
results-pages = Pages of results
first-page = First page
next-results = Next results
global = Global
since-year = since { $year }

## The Repository of Practices: a practice

practice-status-SUBMITTED = Awaiting review
practice-status-IN_REVIEW = In review
practice-status-CHANGES_REQUESTED = Changes requested
practice-status-PUBLISHED = Published
practice-status-REJECTED = Not accepted
practice-status-WITHDRAWN = Withdrawn
practice-status-UNSPECIFIED = Unknown
revision-of = revision { $revision } of { $date }
revision = revision { $revision }
you-submitted = You submitted this practice.
revise-it = Revise it
withdraw-it = Withdraw it
eligibility-notes = Eligibility notes:
what-it-does = What it does
results = Results
lessons = Lessons learnt and challenges
details = Details
gcm-objectives = GCM objectives
guiding-principles = Guiding principles
none-named = None named
upholds-all = upholds all ten
type-of-practice = Type of practice
where = Where
when = When
submitted-by = Submitted by
partners = Implementing partners
sdg-targets = SDG targets
completed = Completed
per-cent = { $value } per cent
