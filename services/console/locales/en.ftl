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

## Withdrawing a practice

back-to-practice = Back to the practice
withdraw-title = Withdraw “{ $title }”?
withdraw-practice-explained = A withdrawn practice leaves the curation queue and can no longer be published. Its history is kept.
withdraw-practice-reason = Why it is withdrawn
withdraw-practice-button = Withdraw the practice
keep-it = Keep it

## Message pages

go-to-practices = Go to the Repository of Practices

## Signing in on the local stack

signin-title = Sign in to the local stack
signin-lede = On this local stack you choose who you act as. In production, your organisation's sign-in says who you are, and this page does not exist.
signin-act-as = I act as
signin-role-state = a Member State's focal point, for
member-state = Member State
signin-role-commission = a regional commission
commission = Commission
signin-role-curator = a curator of the Repository of Practices
signin-role-secretariat = the secretariat
signin-role-network = the United Nations Network on Migration
signin-role-reader = a reader
signin-name = Your name (for curators, the secretariat and readers: letters, digits, - _ .)

## A draft

draft-title = Draft { $version } of the report
draft-compiled = Compiled
draft-inputs = Inputs
draft-inputs-detail = { $inputs }, each at the revision listed in the draft's annex
content-address = Content address
content-address-detail = SHA-256 of the JSON rendering
changes-since = What changed since draft { $version }
download = Download
preview = Preview
preview-of = Preview of draft { $version }

## National reports

reports-title = National reports of { $state }
reports-lede = Voluntary national reviews, national implementation plans and pledge updates submitted for the review cycles.
prepare-report = Prepare a report
no-reports = No report has been submitted yet.
reports-submitted = Reports submitted
col-report = Report
col-kind = Kind
col-cycle = Cycle
col-revision = Revision
col-accepted = Accepted
after-deadline = after the deadline

## Advancing a cycle

back-to-cycle = Back to the cycle
advance-title = Advance { $title } to { $phase }?
advance-now = The cycle is now { $phase }.
advance-forward = Phases only move forward: once it is { $phase }, it cannot return. The reason is recorded in the cycle's history.
advance-reason = Why the cycle moves ahead of its schedule
advance-to = Advance to { $phase }
cancel = Cancel
because = because { $why }

## A regional review

cycle-n = Cycle { $cycle }
withdrawn-mark = withdrawn
review-withdrawn = Withdrawn. It no longer counts in the aggregate or the draft.
review-withdrawn-because = Withdrawn: { $reason }. It no longer counts in the aggregate or the draft.
revise-in-form = Revise it in the form
upload-revised = Upload a revised file
summary = Summary
period-reviewed = Period reviewed
review-meeting = Review meeting
states-taking-part = Member States taking part
stakeholders-taking-part = Stakeholders taking part
less-attention = Objectives receiving less attention
findings-by-objective = Findings by objective
progress-lead = Progress.
challenges-lead = Challenges.
gaps-lead = Gaps.

## A national report

revise-report = Revise this report
add-indicators-csv = Add indicator values (CSV)
col-objective = Objective
col-status = Status
col-narrative = Narrative
pledges = Pledges
stakeholders-consulted = Stakeholders consulted
indicator-values = Indicator values
col-indicator = Indicator
col-year = Year
col-value = Value
col-disaggregation = Disaggregation

## Uploading a regional review

revise-id = Revise { $id }
submit-review = Submit a regional review
upload-review-lede = Send the review as the JSON or YAML file that imrfctl review submit takes, or as the Excel workbook of the template below filled in: either is read the same way as by imrfctl. It must name the cycle and your commission, the { $commission }.
review-file = The review's file (.json, .yaml, .yml or .xlsx)
send-revision = Send revision { $revision }
send-review = Send the review

## Withdrawing a regional review

back-to-review = Back to the review
withdraw-review-explained = A withdrawn review no longer counts in the cycle's aggregate or in the drafts compiled after it. The secretariat sees that it was withdrawn and why.
withdraw-review-reason = Why the commission withdraws it
withdraw-review-button = Withdraw the review

## Regional reviews

reviews-title = Regional reviews of the { $commission }
reviews-lede = The commission's reviews of the Global Compact in its region, one per cycle, revised as a whole.
fill-in-review = Fill in a review
upload-review-file = Upload a review file
no-reviews = No review has been submitted yet.
reviews-submitted = Reviews submitted
col-review = Review
col-standing = Standing
standing-withdrawn = Withdrawn
standing-counted = Counted

## Your practices

own-lede = The practices you proposed to the Repository of Practices, in every status, the most recently revised first. A practice is published once two of the Network's curators approve it; until then you may revise or withdraw it from its page.
own-none = You have not proposed a practice yet.
own-caption = Practices you proposed
col-practice = Practice
col-current-revision = Current revision
col-approvals = Approvals
may-be-revised = may be revised
practices-in-all = { $count ->
    [one] One practice in all.
   *[other] { $count } practices in all.
}
own-pages = Pages of your practices
next-page = Next page

## The curation queue

queue-lede = Practices awaiting review, the longest waiting first. Publication takes the approval of two curators; where two reviews disagree, a further review decides.
queue-own = { $count ->
    [one] One practice you submitted is with other curators and not listed here.
   *[other] { $count } practices you submitted are with other curators and not listed here.
}
queue-empty = Nothing awaits your review.
queue-caption = Practices awaiting review
col-waiting-since = Waiting since
needs-further-review = Needs a further review: the reviews disagree
queue-total = { $count ->
    [one] One practice awaiting review in all.
   *[other] { $count } practices awaiting review in all.
}
queue-pages = Pages of the queue

## Indicator values from a CSV file

add-indicators = Add indicator values
indicators-lede = Send the values of { $state } as a CSV file, the file imrfctl report import-indicators takes: it is read and checked the same way. They are added to revision { $revision } of this report as its next revision; a value of the same indicator, year and category replaces the one there.
rows-to-correct = Rows to correct in the file
col-line = Line
col-column = Column
col-problem = Problem
the-row = (the row)
csv-file = The CSV file
indicators-hint = The first line names the columns { $columns }, and optionally source. One row per value: the State's ISO3 code, an SDG indicator code such as 10.7.2, a year from { $window } (cycle { $cycle }), a dimension (empty for a total, or sex, age, income, migration status, disability, geographic location, race, ethnicity) with its category, and the value in the indicator's unit.
add-the-values = Add the values

## What changed between two drafts

draft-n = Draft { $version }
changes-title = What changed from draft { $from } to draft { $to }
compare-with = Compare draft { $version } with
draft-lower = draft { $version }
compare = Compare
changes-none = The two drafts have the same inputs, paragraphs and figures.
inputs-n = Inputs ({ $count })
inputs-same = The same inputs, at the same revisions.
col-input = Input
col-change = Change
figures-n = Figures ({ $count })
figures-same = No figure moved.
col-unit = Unit
col-moved-by = Moved by
paragraphs-n = Paragraphs ({ $count })
paragraphs-same = No paragraph was added, removed or reworded.

## Review cycles

cycles-lede = Each cycle collects the regional reviews, national reports and practices that the Secretary-General's biennial report draws on.
no-cycles = No cycle has been opened yet.
cycles-caption = Review cycles, newest first
col-phase = Phase
col-plenary = Plenary meeting

## A review cycle

report-symbol = report { $symbol }
schedule = Schedule
passed = passed
what-happened = What happened
phase-change = { $from } to { $to }.
advance-to-ellipsis = Advance to { $phase }…
inputs-received = Inputs received
drafts-of-report = Drafts of the report
compile-now = Compile a draft now
no-drafts = No draft has been compiled yet.
drafts-caption = Drafts, newest first
col-version = Version
col-why = Why
col-content-address = Content address (SHA-256)
the-report = The report
read-issued = Read the issued report (version { $version })

## Cycles, phases and drafts

phase-UNSPECIFIED = Unknown
phase-OPEN = Open
phase-COLLECTING = Collecting inputs
phase-CONSOLIDATING = Consolidating
phase-DRAFTING = Drafting
phase-ISSUED = Issued
phase-change = { $from } to { $to }.
advanced-by = Advanced by { $actor }.
advanced-by-because = Advanced by { $actor }: { $reason }
advance-page = Advance the cycle
date-time = { $date } at { $time } UTC
step-collection-start = Collection of inputs starts
step-regional-reviews = Last day for regional reviews
step-national-reports = Last day for national reports
step-practices-cutoff = Last day for practices to count
step-compile = Drafting starts
step-plenary = Plenary meeting
deadline-collection-start = Collection started.
deadline-regional-reviews = The regional-review deadline passed.
deadline-national-reports = The national-report deadline passed.
deadline-practices-cutoff = The practices cut-off passed.
deadline-compile = The compile date was reached.
deadline-plenary = The plenary date came.
trigger-on_demand = compiled on request
trigger-inputs_changed = new inputs arrived
trigger-compile_date = the compile date was reached
trigger-advanced_to_drafting = the cycle moved to drafting
trigger-secretariat_text = the secretariat's text changed
format-docx = Word (DOCX)
format-html = Web page (HTML)
format-markdown = Markdown
format-json = Data (JSON)
format-xlsx = Annex tables and figures (Excel)
format-sdmx-csv = Annex tables and figures (SDMX-CSV)
count-inputs = { $count ->
    [one] 1 input
   *[other] { $count } inputs
}
count-national-reports = { $count ->
    [one] 1 national report
   *[other] { $count } national reports
}
count-regional-reviews = { $count ->
    [one] 1 regional review
   *[other] { $count } regional reviews
}
aggregate-inputs = { $reports } and { $reviews }
aggregate-counted = { $inputs } counted (version { $version }).
aggregate-counted-latest = { $inputs } counted, the latest received { $latest } (version { $version }).
no-such-draft = No such draft
no-such-draft-detail = Cycle { $cycle } has no draft version { $version } you may see.
draft-of = Draft { $version } of { $title }
no-such-format = No such format
no-such-format-detail = Drafts come as docx, html, markdown, json, xlsx or sdmx-csv.

## Implementation of an objective

implementation-UNSPECIFIED = Not reported
implementation-NOT_STARTED = Not started
implementation-PLANNED = Planned
implementation-IN_PROGRESS = In progress
implementation-ACHIEVED = Achieved
implementation-NOT_APPLICABLE = Not applicable

## The cycle dashboard

completeness = Completeness by regional commission
col-regional-review = Regional review
col-not-yet-reported = Not yet reported
received = Received
not-yet = Not yet
reports-of-expected = { $reports } of { $expected }
reports-of-expected-late = { $reports } of { $expected } ({ $late } late)
none = None
member-states-n = { $count ->
    [one] 1 Member State
   *[other] { $count } Member States
}
least-attention = Objectives receiving the least attention
col-flagged = Flagged by reviews
coverage = Member States reporting on each objective
coverage-desc = Horizontal bars, one per GCM objective; the table below gives the same figures.
chart-figures = The figures of the chart
col-states-reporting = Member States reporting
indicators = Indicators
no-indicators = No indicator values yet.
col-observations = Observations
col-states = States
col-median = Median
col-range = Range
col-target = Target
target-met = { $met } of { $states } meet { $target }

## Reviewing a practice

submitted-by-who = submitted by { $who }
not-upholds-all = does not confirm it upholds all ten
organization = Organization
eligibility = Eligibility notes
contact-person = Contact person
personal-data = Personal data: for curation only.
no-contact = No contact person is recorded.
history = History
own-practice-notice = You submitted this practice: other curators review it.
your-review-of = Your review of revision { $revision }
decision = Decision
decision-approve = Approve
decision-changes = Ask the submitter for changes
decision-reject = Reject
marks-legend = Marks, 1 (weak) to 5 (strong)
not-marked = Not marked
review-note = Note to the submitter and the other curators (required when asking for changes or rejecting)
record-review = Record the review
nothing-to-review = This practice is { $status }: there is nothing to review.

## Curation

review-page = Review: { $title }
criterion-REVIEW_CRITERION_RELEVANCE = Relevance to the objectives it claims
criterion-REVIEW_CRITERION_GUIDING_PRINCIPLES = Adherence to the guiding principles
criterion-REVIEW_CRITERION_INNOVATION = Innovation
criterion-REVIEW_CRITERION_REPLICABILITY = Replicability
criterion-REVIEW_CRITERION_EVIDENCE_OF_RESULTS = Evidence of results
mark-of-five = { $criterion }: { $mark } of 5
decided-REVIEW_DECISION_APPROVE = approved
decided-REVIEW_DECISION_REQUEST_CHANGES = asked for changes
decided-REVIEW_DECISION_REJECT = rejected
action-submitted = submitted
action-updated = revised
action-reviewed = reviewed
action-withdrawn = withdrew
action-status_changed = changed the status

## Proposing a practice

practice-form-title = Title
practice-form-summary = What it does, and for whom
practice-form-results = Results achieved, with evidence
practice-form-start-year = Year it started
practice-form-end-year = Year it ended (empty while it runs)
practice-form-completion = Share completed, per cent
practice-form-upholds-all = The practice upholds all ten guiding principles
practice-form-global-scope = Global in scope
practice-form-country = Countries of implementation (hold Ctrl or Cmd to choose several)
practice-form-organization = Organization submitting it
practice-form-submitter-type = Kind of stakeholder
practice-form-partners = Implementing partners, one per line
practice-form-sdg-targets = Related SDG targets, for example 10.7, 8.8
practice-form-contact-name = Full name
practice-form-contact-email = E-mail
practice-form-contact-phone = Telephone
practice-form-note = What changed, for the reviewers
required-fields = Fields marked with an asterisk (*) are required.
practice-form-contact-private = The contact person is shown only to you, the curators and the secretariat.
send-the-revision = Send the revision
submit-practice = Submit the practice
practice-form-the-practice = The practice
practice-form-choose-a-type = Choose a type
practice-form-gcm-objectives-it-serves = GCM objectives it serves
practice-form-guiding-principles-it-exemplifies = Guiding principles it exemplifies
practice-form-regions = Regions
practice-form-who = Who
practice-form-choose-a-kind = Choose a kind
practice-form-contact-person-personal-data = Contact person (personal data)

## A national report's form

report-form-cycle = Review cycle
report-form-kind = Kind of report
report-form-has-plan = The State has a national plan to implement the Global Compact
pledge-id = Id, for example KEN-P1
pledge-objectives = Objectives it supports, for example 5, 6
pledge-description = Detail
report-form-report-on-the-objectives = Report on the objectives your State worked on; leave the others as “Not reported”.
report-form-migration-data-can-be = Migration data can be disaggregated by
report-form-the-23-objectives = The 23 objectives
report-form-pledge = Pledge
report-form-choose = Choose

## A regional review's form

review-form-symbol = Document symbol, for example ECE/AC.35/2026/3
review-form-period-start = From
review-form-period-end = to
finding-progress = Progress
finding-challenges = Challenges
finding-gaps = Gaps
finding-recommendations = Recommendations, one per line
finding-practices = Practices referred to
review-form-summary = Summary of the review's conclusions
review-form-lede = The review of the Global Compact in the region of the { $commission }. Give a finding for each objective the review covered; leave the others empty.
review-form-upload-instead = A commission that keeps its review as a file can upload it instead.
review-form-the-review-report = The review report
review-form-period-the-review-covers = Period the review covers
review-form-dates-of-the-review = Dates of the review meeting
review-form-member-states-that-took = Member States that took part
review-form-open-an-objective-to = Open an objective to give the region's finding on it. Recommendations: one per line. Practices: the ids of practices in the Repository of Practices, separated by commas.
review-form-objectives-the-region-found = Objectives the region found to have received less attention
revise-report-of = Revise the national report of { $state }
report-of = A national report of { $state }
replaces-revision = This replaces revision { $revision }.
indicators-kept = { $count ->
    [one] The indicator value of revision { $revision } is kept as it is.
   *[other] The { $count } indicator values of revision { $revision } are kept as they are.
}
no-cycle-collecting = No cycle is collecting inputs
report-form-narrative-heading = What the State did, and what holds it back
status-lower = status
narrative-lower = narrative
report-form-stakeholders = Stakeholders consulted in preparing the report
submit-revision = Submit the revision
submit-report = Submit the report
how-many-of = How many { $kind }
how-many = how many
review-of = A regional review of the { $commission }
member-outside-region = member from outside the region
stakeholders-took-part = Stakeholders that took part

## Refusals and failures

this-field = this field { $description }
problem-unavailable = The service is unavailable at the moment. Nothing was recorded, and what you typed is kept below: send the form again in a moment. It is sent as the same request, so it can never be recorded twice.
problem-fields = { $count ->
    [one] One field needs a correction; nothing was recorded.
   *[other] { $count } fields need a correction; nothing was recorded.
}
problem-unauthenticated = You are not signed in, or your sign-in has expired; nothing was recorded.
problem-denied = You may not do this: { $message } Nothing was recorded.
problem-changed = Someone changed this record since you opened it: { $message } Reload the page to see the latest revision; nothing was recorded.
problem-internal = The service met an internal error; nothing was recorded. If it happens again, tell the platform's operators.
problem-other = { $message } Nothing was recorded.
problem-local = Some fields need a correction; nothing was sent.
failed-not-found = Not found
failed-sign-in = Sign in to see this page
failed-sign-in-detail = This page is only for people signed in with a role that may see it.
failed-denied = You may not see this page
failed-denied-detail = { $message } The page is open to the roles the platform gives the right to.
failed-address = The address is not valid
failed-unavailable = The service is unavailable
failed-unavailable-detail = A service of the platform cannot be reached at the moment. Nothing is lost: reload the page in a moment.
failed-internal = Something went wrong
failed-internal-detail = The service met an internal error. If it happens again, tell the platform's operators.
not-objective-number = “{ $text }” is not an objective number; write numbers such as 5, 6.
not-a-date = “{ $text }” is not a date; write it as 2026-03-31.
whole-number-or-empty = Must be a whole number, or empty.

## What changed between two drafts, continued

input-revised = Revised: revision { $from } to { $to }
input-added = Added, at revision { $revision }
input-removed = Removed (was revision { $revision })
place-chapter = Chapter { $section }
place-annex = { $section }, { $number }
place-paragraph = Chapter { $section }, paragraph { $number }
place-was = { $place } (was { $number })
paragraph-n = Paragraph { $number }
paragraph-added = Added
paragraph-removed = Removed
paragraph-reworded = Reworded
nothing-to-compare = Nothing to compare
nothing-to-compare-detail = Draft { $to } can be compared with an earlier draft of the cycle, from 1 to { $last }.
draft-against = Draft { $to } against draft { $from }
objective-n = Objective { $number }
source-national_report = National report
source-regional_review = Regional review
source-practice = Practice
source-network_contribution = Network's contribution
source-secretariat_text = Secretariat's text
source-curation_record = Record of curation
source-dataset = Dataset

## Proposing a practice, continued

must-be-year = Must be a year, such as 2021.
must-be-end-year = Must be a year, such as 2024, or empty while the practice runs.
must-be-percent = Must be a whole number from 0 to 100.
own-sign-in = Sign in to see your practices
own-sign-in-detail = The practices you proposed are listed here once you are signed in.
withdraw-practice-page = Withdraw a practice
revise-practice-page = Revise a practice

## Pages for one role

not-a-state = For Member States' focal points
not-a-state-detail = National reports are submitted by the focal point of a Member State, signed in for it.
national-report-page = National report
not-a-commission = For the regional commissions
not-a-commission-detail = Regional reviews are submitted by a regional commission, signed in for it.
revise-review-page = Revise a regional review
review-page-new = A regional review
withdraw-review-page = Withdraw a regional review
choose-review-file = Choose the review's file to send.
not-utf8 = { $name }: the file is not text (UTF-8)
file-unreadable = The file could not be read, and nothing was sent. { $problem }
choose-csv-file = Choose the CSV file to send.
csv-no-rows = The file has no rows of values; nothing was sent.
signin-not-offered = Sign-in is your organisation's
signin-not-offered-detail = This console is reached through your organisation's sign-in; it offers none of its own.
csv-other-state = '{ $other }' is another State; this report is { $state }'s ({ $code })
csv-nothing-new = Every value in the file is already in revision { $revision } of the report; nothing needed sending.
csv-rows-to-correct = { $count ->
    [one] One row needs a correction; nothing was recorded. Correct the file and send it again.
   *[other] { $count } rows need a correction; nothing was recorded. Correct the file and send it again.
}
choose-who = Choose who you act as.

## Forms the console could not take

form-too-large = The form is too large
form-too-large-detail = What was sent is larger than a form of this console can be.
file-too-large = The file is too large
file-too-large-detail = What was sent is larger than a file of this console can be (4 MiB).
form-unreadable = The form could not be read
form-unreadable-detail = Nothing was sent: { $problem }. Go back and send it again.
form-expired = This form has expired
form-expired-detail = The page was open too long, or you signed in or out since it was loaded. Nothing was sent. Go back, reload the page and send it again.
page-not-found = Page not found
page-not-found-detail = There is no page at this address.
span-from-to = { $from } to { $to }
span-from = from { $from }

## A national report as an Excel workbook

workbook-page = National report as an Excel workbook
workbook-lede = Prepare the report of { $state } in Excel: download the template for a cycle, fill it in, and send it back. It is read the same way as by imrfctl report submit; every problem is named by sheet and cell, and nothing is recorded until the whole workbook is right. A workbook for a cycle and kind the State has already reported on becomes that report's next revision.
workbook-step-template = 1. Download the template
workbook-download = Download the template (.xlsx)
workbook-step-upload = 2. Send the filled workbook
workbook-file = The filled workbook (.xlsx)
workbook-send = Send the report
workbook-choose-file = Choose the workbook to send.
workbook-choose-cycle = Choose the review cycle of the template, such as 2026.
workbook-refused = { $count ->
    [one] One cell needs a correction; nothing was recorded. Correct the workbook and send it again.
   *[other] { $count } cells need a correction; nothing was recorded. Correct the workbook and send it again.
}
workbook-other-state = The workbook is a report of { $state }, not of the State you are signed in for; nothing was recorded.
workbook-cells-to-correct = Cells to correct in the workbook
col-sheet = Sheet
col-cell = Cell
workbook-link = Prepare it in Excel instead
review-template-label = Excel template for the review cycle
