# ruff: noqa: E501  (evidence rows are data: one item a line reads better than wrapped text)
"""Step 4 of the demo: discovery evidence, customer journeys and draft findings, as capture sheets.

``generate.py`` calls :func:`write_discovery` for every named demo contract, which writes
``captures/04_discovery.xlsx`` through :func:`assessment.capture.write_workbook` (byte-identical on
every run). Notebook 04 imports it. All people, roles and words are invented; interviewee names
stay in the consultant's workbook and never reach a client report.

The story follows data/demo/README.md: Harbour Street has a written-down journey that everyone
follows and performs above contract; the other Northshore sites add hand-offs and waits, spend
little time with customers, measure activity rather than outcomes, and Westfield House's caseload
data still hold customers who left long ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from assessment.capture import write_workbook
from assessment.discovery.sheets import SHEETS

FILE_NAME = "04_discovery.xlsx"

Row = dict[str, object]

# headings (keys of the method's defaults)
CX, LM, RS, TM = "customer_experience", "leadership_mi", "resources", "targets_measures"


def _ev(
    key: str, source: str, site: str, role: str, who: str | None, on: str, text: str,
    heading: str, dims: str, sentiment: str, confirms: str = "", refutes: str = "",
    shareable: bool = False, participants: int | None = None,
) -> Row:  # fmt: skip
    """One evidence row as a consultant types it (dimensions and hypotheses ``;``-separated)."""
    return {
        "id": key,
        "source_type": source,
        "site": site,
        "role": role,
        "interviewee": who,
        "participants": participants,
        "date": dt.date.fromisoformat(on),
        "text": text,
        "heading": heading,
        "dimensions": dims,
        "sentiment": sentiment,
        "confirms": confirms or None,
        "refutes": refutes or None,
        "shareable": shareable,
    }


def _journey(kind: str, site: str, steps: Sequence[tuple[str, str, str, float, bool]]) -> list[Row]:
    """The rows of one journey: (step, owner, channel, typical days, value adding) in order."""
    return [
        {
            "journey": kind,
            "site": site,
            "order": order,
            "step": step,
            "owner": owner,
            "channel": channel,
            "duration_days": days,
            "value_adding": adds,
        }
        for order, (step, owner, channel, days, adds) in enumerate(steps, start=1)
    ]


def _finding(key: str, heading: str, statement: str, evidence: Sequence[str]) -> Row:
    return {
        "id": key,
        "heading": heading,
        "statement": statement,
        "evidence_ids": "; ".join(evidence),
    }


# -- Northshore ------------------------------------------------------------------------------------

BENCH, DQ = "benchmark:harbour:job_outcomes", "data-quality:littles-law:westfield"
TWC, SPREAD, GAP = "time-with-customer:ALL", "spread:job_outcomes", "perf-gap:ALL:job_outcomes"


def _twc(site: str) -> str:
    return f"time-with-customer:{site}"


def _conv(site: str) -> str:
    return f"conversion-gap:{site}"


ONE, GROUP, OBS = "One-to-one interview", "Group work / team session", "Observation"
FEEDBACK, DOC = "Customer feedback", "Documents and resources"
HS, MR, EC, WH = "Harbour Street", "Millbrook Road", "Eastgate Centre", "Westfield House"
ADVISER = "Employment adviser"


def _northshore_interviews() -> list[Row]:
    return [
        _ev("ns-e01", ONE, HS, "Site manager", "Grace Mensah", "2026-02-02", "Our journey is written down on one page and every adviser follows it: screening in week one, an action plan, a case conference every fortnight.", CX, "delivery method; operations alignment", "positive", f"{BENCH}; {SPREAD}", shareable=True),
        _ev("ns-e02", ONE, HS, ADVISER, "Liam Doyle", "2026-02-02", "I spend most mornings with customers; one administrator does the paperwork for the whole team.", RS, "delivery method; morale", "positive", BENCH),
        _ev("ns-e03", ONE, HS, ADVISER, "Aisha Khan", "2026-02-02", "When a customer starts a job we already know the employer, because we matched them at the case conference.", CX, "contracted KPIs; delivery method", "positive", BENCH, shareable=True),
        _ev("ns-e04", ONE, HS, "Team leader", "Tom Ashby", "2026-02-03", "I look at job outcomes every week, not at the number of appointments.", TM, "contracted KPIs; alignment", "positive", BENCH),
        _ev("ns-e05", ONE, HS, "Employer engagement officer", "Nina Patel", "2026-02-03", "Employers ring me directly and I know which customers are ready for them.", RS, "knowledge of the landscape", "positive"),
        _ev("ns-e06", ONE, HS, ADVISER, "Ben Okoro", "2026-02-03", "The monthly MI pack arrives six weeks after the month ends, so we keep our own tracker of who got work.", LM, "current performance; operations alignment", "negative"),
        _ev("ns-e07", ONE, HS, "Administrator", "Sophie Turner", "2026-02-03", "Referrals still come in by email and I key each one into two systems.", RS, "delivery method", "negative", TWC),
        _ev("ns-e08", ONE, HS, ADVISER, "Marcus Quinn", "2026-02-03", "New starters shadow the journey for two weeks before they take a caseload.", CX, "culture; knowledge of the landscape", "positive", BENCH),
        _ev("ns-e09", ONE, MR, "Site manager", "Claire Dunn", "2026-02-04", "We had a journey written down once, but the employer team now takes customers over after the action plan.", CX, "delivery method; operations alignment", "negative", _conv("millbrook")),
        _ev("ns-e10", ONE, MR, ADVISER, "Raj Singh", "2026-02-04", "I hand customers to the employer team and then hear nothing until they start a job, or don't.", CX, "delivery method; alignment", "negative", _conv("millbrook"), shareable=True),
        _ev("ns-e11", ONE, MR, ADVISER, "Emma Wilson", "2026-02-04", "Half my day goes on chasing paperwork and re-keying referrals.", RS, "delivery method; morale", "negative", f"{_twc('millbrook')}; {TWC}", shareable=True),
        _ev("ns-e12", ONE, MR, "Employer team lead", "Paul Grant", "2026-02-04", "We place people well once we get them; the trouble is the queue of customers handed over late.", RS, "operations alignment", "neutral", _conv("millbrook")),
        _ev("ns-e13", ONE, MR, "Team leader", "Joanne Hart", "2026-02-05", "My targets are appointments booked and starts; nobody asks me about job outcomes.", TM, "contracted KPIs; alignment", "negative"),
        _ev("ns-e14", ONE, MR, ADVISER, "Kevin Lewis", "2026-02-05", "I see customers face to face most of the day; I keep the paperwork for Friday afternoons.", RS, "delivery method", "positive", refutes=_twc("millbrook")),
        _ev("ns-e15", ONE, MR, "Administrator", "Fiona Shaw", "2026-02-05", "Customers wait two weeks for a first appointment because triage happens by phone first.", CX, "delivery method", "negative"),
        _ev("ns-e16", ONE, MR, ADVISER, "Dev Mistry", "2026-02-05", "The MI shows how many people we saw, not how many got work.", LM, "current performance; contracted KPIs", "negative"),
        _ev("ns-e17", ONE, EC, "Site manager", "Steve Morris", "2026-02-09", "Each team has built its own way of working; there is no single journey here.", CX, "delivery method; culture", "negative", f"{_conv('eastgate')}; perf-gap:eastgate:job_outcomes"),
        _ev("ns-e18", ONE, EC, ADVISER, "Lucy Evans", "2026-02-09", "Customers tell their story at reception, again at registration and again to me.", CX, "delivery method", "negative", _conv("eastgate"), shareable=True),
        _ev("ns-e19", ONE, EC, "Receptionist", "Gary Hill", "2026-02-09", "We book a registration appointment, then the adviser books an assessment: two visits before anything happens.", CX, "delivery method; operations alignment", "negative", _conv("eastgate")),
        _ev("ns-e20", ONE, EC, ADVISER, "Priyanka Das", "2026-02-09", "I spend most of the day re-keying forms into the CRM.", RS, "delivery method; morale", "negative", f"{_twc('eastgate')}; {TWC}"),
        _ev("ns-e21", ONE, EC, "Specialist adviser", "Andrew Cole", "2026-02-10", "Customers reach me weeks after their action plan; by then many have dropped out.", CX, "delivery method", "negative", _conv("eastgate")),
        _ev("ns-e22", ONE, EC, "Team leader", "Megan Lloyd", "2026-02-10", "My dashboard counts appointments attended; job outcomes come from head office a quarter later.", LM, "current performance; contracted KPIs", "negative"),
        _ev("ns-e23", ONE, EC, ADVISER, "Tariq Hussain", "2026-02-10", "We are busy all day but the outcomes do not move, and the team feels it.", RS, "morale", "negative", "perf-gap:eastgate:job_outcomes"),
        _ev("ns-e24", ONE, EC, ADVISER, "Hannah Scott", "2026-02-10", "I would like to shadow Harbour Street; I hear their customers get jobs faster.", CX, "knowledge of the landscape; culture", "neutral", SPREAD),
        _ev("ns-e25", ONE, WH, "Site manager", "Daniel Price", "2026-02-11", "Our caseload figures are right: exits are keyed every Friday.", LM, "current performance", "positive", refutes=DQ),
        _ev("ns-e26", ONE, WH, "Team leader", "Karen Holt", "2026-02-11", "The caseload is high because our customers stay longer, not because of the data.", LM, "current performance", "neutral", refutes=DQ),
        _ev("ns-e27", ONE, WH, "Performance MI analyst", "Ruth Adeyemi", "2026-02-11", "About 300 customers who left before the 2024 system migration are still open on the case system.", LM, "current performance; operations alignment", "negative", DQ),
        _ev("ns-e28", ONE, WH, ADVISER, "Olivia Brennan", "2026-02-11", "I have 140 customers on my list but only see about 60; the rest left long ago.", LM, "current performance", "negative", DQ, shareable=True),
        _ev("ns-e29", ONE, WH, ADVISER, "Sam Ward", "2026-02-12", "Customers wait up to three weeks on the waiting list before I meet them.", CX, "delivery method", "negative", _conv("westfield")),
        _ev("ns-e30", ONE, WH, "Administrator", "Julie Marsh", "2026-02-12", "Files go on paper between the registration desk and the advisers upstairs.", RS, "delivery method; operations alignment", "negative", _twc("westfield")),
        _ev("ns-e31", ONE, WH, ADVISER, "Noah Bennett", "2026-02-12", "My target is starts; once a customer has started I move on to the next referral.", TM, "contracted KPIs; alignment", "negative", _conv("westfield")),
        _ev("ns-e32", ONE, WH, "Employer engagement officer", "Rachel Young", "2026-02-12", "We rarely hear from the advisers about who is ready for work.", CX, "knowledge of the landscape; operations alignment", "negative", _conv("westfield")),
        _ev("ns-e33", ONE, "ALL", "Director of operations", "Mark Jennings", "2026-02-16", "The board pack reports appointments, starts and caseload; outcomes come in a separate quarterly report.", LM, "current performance; contracted KPIs", "negative", GAP),
        _ev("ns-e34", ONE, "ALL", "Contract manager", "Zoe Fielding", "2026-02-16", "Nobody owns the step from start to job: sites are measured on starts and the outcome team on outcomes.", TM, "contracted KPIs; alignment; contract", "negative", GAP, shareable=True),
    ]  # fmt: skip


def _northshore_sessions_and_observations() -> list[Row]:
    return [
        _ev("ns-g1", GROUP, HS, "Advisers", None, "2026-02-03", "The team described the same journey step by step, in the same order, without looking at the guide.", CX, "delivery method; culture", "positive", BENCH, participants=6),
        _ev("ns-g2", GROUP, MR, "Advisers and employer team", None, "2026-02-05", "Advisers and the employer team disagreed on who owns a customer after the action plan.", TM, "alignment; operations alignment", "negative", _conv("millbrook"), participants=5),
        _ev("ns-g3", GROUP, MR, "Administrators", None, "2026-02-05", "Every referral is typed into the case system and the contract portal: about 25 minutes each.", RS, "delivery method", "negative", f"{_twc('millbrook')}; {TWC}", participants=3),
        _ev("ns-g4", GROUP, EC, "Advisers", None, "2026-02-10", "Asked to draw the customer journey, three groups drew three different journeys.", CX, "delivery method; culture", "negative", f"{_conv('eastgate')}; {SPREAD}", participants=7),
        _ev("ns-g5", GROUP, WH, "Advisers", None, "2026-02-12", "Advisers estimated that a third of their caseload had already left the programme.", LM, "current performance; operations alignment", "negative", DQ, participants=5),
        _ev("ns-g6", GROUP, WH, "Team leaders", None, "2026-02-12", "Team leaders track starts every week and job outcomes only when head office asks.", TM, "contracted KPIs; alignment", "negative", _conv("westfield"), participants=4),
        _ev("ns-o01", OBS, HS, "Employment adviser (observed)", None, "2026-02-09", "Adviser spent 4 of 7 observed hours with customers; case notes were typed during the meeting.", RS, "delivery method", "positive", BENCH),
        _ev("ns-o02", OBS, HS, "Team (observed)", None, "2026-02-09", "Fortnightly case conference: each customer's next step and a date agreed in 40 minutes.", LM, "operations alignment", "positive", BENCH),
        _ev("ns-o03", OBS, HS, "Employment adviser (observed)", None, "2026-02-09", "The welcome call was made on the day the referral arrived.", CX, "delivery method", "positive", BENCH),
        _ev("ns-o04", OBS, MR, "Employment adviser (observed)", None, "2026-02-11", "Adviser spent under 2 of 7 observed hours with customers; the rest went on forms and phone chasing.", RS, "delivery method", "negative", f"{_twc('millbrook')}; {TWC}"),
        _ev("ns-o05", OBS, MR, "Employer team (observed)", None, "2026-02-11", "Hand-off to the employer team by email, with no date or owner for the next contact.", CX, "operations alignment", "negative", _conv("millbrook")),
        _ev("ns-o06", OBS, MR, "Reception (observed)", None, "2026-02-11", "Two customers were turned away because their triage call had not been logged.", CX, "delivery method", "negative"),
        _ev("ns-o07", OBS, EC, "Reception (observed)", None, "2026-02-16", "A customer was asked the same questions at reception and again at registration.", CX, "delivery method", "negative", _conv("eastgate")),
        _ev("ns-o08", OBS, EC, "Employment adviser (observed)", None, "2026-02-16", "Adviser re-keyed one referral form into the CRM: 30 minutes.", RS, "delivery method", "negative", f"{_twc('eastgate')}; {TWC}"),
        _ev("ns-o09", OBS, EC, "Team (observed)", None, "2026-02-16", "The team board shows appointments booked per adviser; no outcome figure is on display.", TM, "contracted KPIs", "negative"),
        _ev("ns-o10", OBS, WH, "Caseload review (observed)", None, "2026-02-18", "Caseload list sampled: 12 of 30 customers had no contact in six months.", LM, "current performance", "negative", DQ),
        _ev("ns-o11", OBS, WH, "Administration (observed)", None, "2026-02-18", "Paper files carried between floors; one waited two days in a tray.", RS, "delivery method", "negative", _twc("westfield")),
        _ev("ns-o12", OBS, WH, "Employment adviser (observed)", None, "2026-02-18", "Adviser spent 1.5 of 7 observed hours with customers.", RS, "delivery method", "negative", f"{_twc('westfield')}; {TWC}"),
    ]  # fmt: skip


def _northshore_feedback_and_documents() -> list[Row]:
    return [
        _ev("ns-c1", FEEDBACK, WH, "Customer", None, "2026-02-19", "I waited three weeks after my referral before anyone called me.", CX, "delivery method", "negative", _conv("westfield"), shareable=True),
        _ev("ns-c2", FEEDBACK, EC, "Customer", None, "2026-02-19", "I told my story three times before I met my adviser.", CX, "delivery method", "negative", _conv("eastgate"), shareable=True),
        _ev("ns-c3", FEEDBACK, HS, "Customer", None, "2026-02-19", "My adviser knew what I needed from the first week.", CX, "delivery method", "positive", BENCH, shareable=True),
        _ev("ns-c4", FEEDBACK, MR, "Customer", None, "2026-02-19", "I was passed to someone new after my plan and had to start again.", CX, "delivery method", "negative", _conv("millbrook")),
        _ev("ns-c5", FEEDBACK, "ALL", "Customer survey", None, "2026-02-20", "Customer survey: 41% say they waited more than two weeks for a first appointment.", CX, "current performance; delivery method", "negative", GAP),
        _ev("ns-d1", DOC, "ALL", "Monthly MI pack", None, "2026-02-06", "Monthly MI pack: 14 activity measures (appointments, starts, caseload) and one outcome measure on the last page.", LM, "current performance; contracted KPIs", "negative", GAP),
        _ev("ns-d2", DOC, "ALL", "Adviser objectives", None, "2026-02-06", "Adviser objectives for 2025: appointments per week and starts per month; no job-outcome objective.", TM, "contracted KPIs; alignment; contract", "negative"),
        _ev("ns-d3", DOC, HS, "Journey guide", None, "2026-02-03", "Harbour Street's one-page customer journey, dated 2023 and signed off by the site manager.", CX, "delivery method", "positive", BENCH),
        _ev("ns-d4", DOC, WH, "System migration log", None, "2026-02-18", "System migration log, 2024: closed cases were moved without their exit dates.", LM, "current performance", "negative", DQ),
    ]  # fmt: skip


NS_DEFINED = [
    ("Referral received", "Referral partner", "Portal", 0, False),
    ("Welcome call", "Adviser", "Phone", 2, True),
    ("Week-one screening", "Adviser", "Face to face", 5, True),
    ("Action plan agreed", "Adviser", "Face to face", 2, True),
    ("Fortnightly case conference", "Team leader", "Meeting", 14, False),
    ("Job search and employer matching", "Adviser", "Face to face", 21, True),
    ("Job start and in-work support", "Adviser", "Phone", 7, True),
]


def _northshore_journeys() -> list[Row]:
    d = dict((s[0], s) for s in NS_DEFINED)
    triage = ("Triage call", "Administrator", "Phone", 10, False)
    employer = ("Hand-off to employer team", "Employer team", "Email", 7, False)
    registration = ("Registration appointment", "Reception", "Face to face", 7, False)
    return [
        *_journey("defined", "ALL", NS_DEFINED),
        *_journey("current", HS, NS_DEFINED),
        *_journey("current", MR, [d["Referral received"], triage, d["Welcome call"],
                  d["Week-one screening"], d["Action plan agreed"], employer,
                  d["Job search and employer matching"], d["Job start and in-work support"]]),
        *_journey("current", EC, [d["Referral received"], ("Reception triage", "Reception",
                  "Face to face", 3, False), registration, ("Re-keying into the CRM",
                  "Administrator", "System", 3, False), ("Initial assessment", "Adviser",
                  "Face to face", 10, True), d["Action plan agreed"], ("Hand-off to specialist",
                  "Specialist adviser", "Email", 10, False), d["Job search and employer matching"],
                  d["Job start and in-work support"]]),
        *_journey("current", WH, [d["Referral received"], ("Waiting list", "Administrator", "",
                  18, False), registration, ("Initial assessment", "Adviser", "Face to face", 7,
                  True), ("Paper file transfer", "Administrator", "Paper", 5, False),
                  d["Action plan agreed"], d["Job search and employer matching"],
                  d["Job start and in-work support"]]),
        *_journey("proposed", "ALL", [d["Referral received"], ("Welcome call and screening",
                  "Adviser", "Phone", 2, True), ("Action plan agreed", "Adviser", "Face to face",
                  3, True), d["Job search and employer matching"],
                  d["Job start and in-work support"]]),
    ]  # fmt: skip


def _northshore_findings() -> list[Row]:
    return [
        _finding("ns-f1", CX, "Only Harbour Street follows the contract's defined customer journey; Millbrook Road, Eastgate Centre and Westfield House add hand-offs, extra appointments and waits of their own.", ["ns-e01", "ns-g1", "ns-d3", "ns-e09", "ns-e17", "ns-e19", "ns-g4", "ns-o05", "ns-e29"]),
        _finding("ns-f2", RS, "Advisers outside Harbour Street spend little of their day with customers: paperwork, re-keying referrals into two systems and chasing take most of it.", ["ns-e11", "ns-e20", "ns-g3", "ns-o04", "ns-o08", "ns-o12", "ns-e30", "ns-e07"]),
        _finding("ns-f3", LM, "Management information reports activity (appointments, starts, caseload) rather than outcomes; managers see job outcomes a quarter late, and Westfield House's caseload still counts hundreds of customers who left long ago.", ["ns-e33", "ns-d1", "ns-e22", "ns-e16", "ns-e06", "ns-e27", "ns-e28", "ns-o10", "ns-g5", "ns-d4"]),
        _finding("ns-f4", TM, "Adviser and team targets count appointments and starts, not job outcomes, and nobody owns turning a start into a job.", ["ns-e34", "ns-d2", "ns-e13", "ns-e31", "ns-g6", "ns-o09", "ns-g2"]),
        _finding("ns-f5", CX, "Customers repeat their story to several people and wait weeks between their referral and a first appointment.", ["ns-e18", "ns-c2", "ns-o07", "ns-c1", "ns-e29", "ns-e15", "ns-c5"]),
    ]  # fmt: skip


def northshore() -> dict[str, list[Row]]:
    """Northshore's discovery sheet: 61 evidence items, six journeys, five findings."""
    evidence = [
        *_northshore_interviews(),
        *_northshore_sessions_and_observations(),
        *_northshore_feedback_and_documents(),
    ]
    return {
        "Evidence": evidence,
        "Journeys": _northshore_journeys(),
        "Findings": _northshore_findings(),
    }


# -- the smaller contracts -------------------------------------------------------------------------


def riverside() -> dict[str, list[Row]]:
    """Riverside's discovery sheet: Northgate still on the old journey; paperwork for partners."""
    qs, ot, ng = "Quayside Hub", "Old Town Centre", "Northgate Office"
    gap = "perf-gap:northgate:job_outcomes"
    evidence = [
        _ev("rv-e01", ONE, qs, "Quality lead", "Sunita Rao", "2026-02-02", "Every adviser here uses the same journey checklist since October 2024.", CX, "delivery method", "positive", shareable=True),
        _ev("rv-e02", ONE, ng, "Team leader", "Owen Hughes", "2026-02-09", "We still triage at the desk and book the adviser later; the new journey has not really landed here.", CX, "delivery method; operations alignment", "negative", gap),
        _ev("rv-e03", ONE, ng, ADVISER, "Bella Carr", "2026-02-09", "Customers wait a fortnight between the desk and their first meeting with me.", CX, "delivery method", "negative", gap, shareable=True),
        _ev("rv-e04", ONE, ot, ADVISER, "Imran Ali", "2026-02-04", "Every referral partner wants its own form; I fill in three for each customer.", RS, "delivery method; morale", "negative", "time-with-customer:old-town"),
        _ev("rv-e05", ONE, ng, "Administrator", "Cara Mills", "2026-02-10", "I chase referral partners for paperwork most of the week.", RS, "delivery method", "negative", "time-with-customer:northgate"),
        _ev("rv-g1", GROUP, ng, "Advisers", None, "2026-02-10", "The team drew a journey with two more steps than the contract's.", CX, "delivery method; culture", "negative", gap, participants=4),
        _ev("rv-g2", GROUP, ot, "Advisers", None, "2026-02-05", "Advisers reckon a day a week goes on forms for referral partners.", RS, "delivery method", "negative", "time-with-customer:old-town; time-with-customer:ALL", participants=5),
        _ev("rv-o1", OBS, ng, "Reception (observed)", None, "2026-02-16", "Customers booked at the desk for an adviser appointment twelve days later.", CX, "delivery method", "negative", gap),
        _ev("rv-o2", OBS, ot, "Employment adviser (observed)", None, "2026-02-11", "Adviser spent 2 of 7 observed hours with customers.", RS, "delivery method", "negative", "time-with-customer:old-town; time-with-customer:ALL"),
        _ev("rv-c1", FEEDBACK, ng, "Customer", None, "2026-02-17", "I came in twice before I got to talk about work.", CX, "delivery method", "negative", gap, shareable=True),
    ]  # fmt: skip
    defined = [
        ("Referral received", "Referral partner", "Portal", 0, False),
        ("Welcome call", "Adviser", "Phone", 2, True),
        ("Assessment and action plan", "Adviser", "Face to face", 5, True),
        ("Job search support", "Adviser", "Face to face", 21, True),
        ("Job start", "Adviser", "Phone", 5, True),
    ]
    journeys = [
        *_journey("defined", "ALL", defined),
        *_journey("current", qs, defined),
        *_journey("current", ot, [*defined[:3], ("Partner paperwork", "Adviser", "Paper", 3,
                  False), *defined[3:]]),
        *_journey("current", ng, [defined[0], ("Desk triage", "Reception", "Face to face", 2,
                  False), ("Registration appointment", "Reception", "Face to face", 12, False),
                  *defined[2:]]),
        *_journey("proposed", "ALL", [defined[0], ("Welcome call and assessment", "Adviser",
                  "Phone", 3, True), *defined[3:]]),
    ]  # fmt: skip
    findings = [
        _finding("rv-f1", CX, "Northgate Office still follows the old journey: customers go through a desk triage and a registration appointment and wait about a fortnight to meet an adviser.", ["rv-e02", "rv-e03", "rv-g1", "rv-o1", "rv-c1"]),
        _finding("rv-f2", RS, "Advisers at Old Town Centre and Northgate Office lose much of their week to paperwork for referral partners instead of time with customers.", ["rv-e04", "rv-e05", "rv-g2", "rv-o2"]),
    ]  # fmt: skip
    return {"Evidence": evidence, "Journeys": journeys, "Findings": findings}


def eastfield() -> dict[str, list[Row]]:
    """Eastfield's discovery sheet: the funder counts sessions; outcomes are seen late."""
    ce, pk = "Eastfield Central", "Parkside Youth Hub"
    evidence = [
        _ev("ef-e01", ONE, ce, "Deputy centre manager", "Jo Whitfield", "2026-02-03", "The funder pays on sessions attended, so that is what we count every week.", TM, "contracted KPIs; contract", "neutral"),
        _ev("ef-e02", ONE, pk, "Youth worker", "Leah Grant", "2026-02-05", "We find out who got a job months later, if the young person tells us.", LM, "current performance", "negative", "perf-gap:parkside:job_outcomes", shareable=True),
        _ev("ef-e03", ONE, pk, "Youth worker", "Chris Lowe", "2026-02-05", "Half of every session goes on the funder's registration form.", RS, "delivery method", "negative", "time-with-customer:parkside; time-with-customer:ALL"),
        _ev("ef-e04", ONE, ce, "Youth worker", "Dana Fox", "2026-02-03", "Nobody's target mentions jobs; mine is sessions delivered.", TM, "contracted KPIs; alignment", "negative"),
        _ev("ef-g1", GROUP, pk, "Youth workers", None, "2026-02-05", "The team could not say how many young people moved into work last quarter.", LM, "current performance; contracted KPIs", "negative", "perf-gap:parkside:job_outcomes", participants=4),
        _ev("ef-o1", OBS, ce, "Youth worker (observed)", None, "2026-02-10", "Youth worker spent 3 of 6 observed hours with young people.", RS, "delivery method", "neutral", refutes="time-with-customer:central"),
        _ev("ef-d1", DOC, "ALL", "Quarterly report", None, "2026-02-12", "The quarterly report to the board lists sessions and attendance; job outcomes appear as one line, a quarter behind.", LM, "current performance; contracted KPIs", "negative", "perf-gap:parkside:job_outcomes"),
        _ev("ef-d2", DOC, "ALL", "Funder agreement", None, "2026-02-12", "The funding agreement's milestones are sessions attended and young people registered.", TM, "contract; contracted KPIs", "neutral"),
    ]  # fmt: skip
    defined = [
        ("Referral received", "Partner", "Email", 0, False),
        ("First meeting", "Youth worker", "Face to face", 5, True),
        ("Personal plan", "Youth worker", "Face to face", 3, True),
        ("Weekly sessions", "Youth worker", "Face to face", 42, True),
        ("Job or training start", "Youth worker", "Face to face", 7, True),
    ]
    journeys = [
        *_journey("defined", "ALL", defined),
        *_journey("current", ce, defined),
        *_journey("current", pk, [defined[0], ("Waiting list", "Administrator", "", 10, False),
                  defined[1], ("Funder registration form", "Youth worker", "Paper", 2, False),
                  *defined[2:]]),
        *_journey("proposed", "ALL", [defined[0], ("First meeting with personal plan",
                  "Youth worker", "Face to face", 5, True), *defined[3:]]),
    ]  # fmt: skip
    findings = [
        _finding("ef-f1", TM, "Targets and the funder's milestones count sessions attended; no one's target mentions young people moving into work.", ["ef-e01", "ef-e04", "ef-d2"]),
        _finding("ef-f2", LM, "Managers see job outcomes once a quarter, a quarter late, too late to act on them.", ["ef-e02", "ef-g1", "ef-d1"]),
    ]  # fmt: skip
    return {"Evidence": evidence, "Journeys": journeys, "Findings": findings}


CONTRACTS = {"northshore": northshore, "riverside": riverside, "eastfield": eastfield}


def write_discovery(contract: str, captures: Path) -> list[Path]:
    """Write a demo contract's discovery sheet into its ``captures`` folder (none if unknown)."""
    make = CONTRACTS.get(contract)
    if make is None:
        return []
    return [write_workbook(captures / FILE_NAME, SHEETS, make())]
