"""Reading what a project shows: working, under way, a plan, or a need for help."""

from functools import lru_cache

import pytest

from planner.bootstrap import BUNDLED_ALIASES
from planner.matching.evidence import (
    EvidenceType,
    capacity_cues,
    presented,
    read,
    stated,
    unframed,
)
from planner.matching.vocabulary import bundled
from planner.survey.document import parse_document
from planner.survey.records import Question
from tests.support import BUNDLED

PY_REC_10 = (
    "We are exploring the application of these emerging and highly important technologies to "
    "our daily lives. In this context, as we move towards this technological transformation, we "
    "need the guidance, support and cooperation of IP offices that have already implemented these "
    "new technologies."
)
ES_REC_10 = (
    "In our strategic plan we have included specific projects to detect, analyze and implement "
    "possible use cases"
)


@pytest.mark.parametrize(
    ("text", "kind", "cue"),
    [
        (PY_REC_10, EvidenceType.need, "we need"),
        (ES_REC_10, EvidenceType.plan, "strategic plan"),
        (
            "In use – Neural network for patents deposit classification. Planned – AI search.",
            EvidenceType.working,
            "in use",
        ),
        (
            "Autopatent was implemented in April 2021. The average accuracy reached 92%.",
            EvidenceType.working,
            "was implemented",
        ),
        (
            "A pilot has been successfully launched.",
            EvidenceType.working,
            "been successfully launched",
        ),
        ("Developing AI-powered examination tools", EvidenceType.under_way, "developing"),
        ("Adopting the ICT strategy is our goal for 2025", EvidenceType.plan, "our goal"),
        (
            "Sistema de clasificación en producción desde 2021",
            EvidenceType.working,
            "en producción",
        ),
        (
            "We want to learn by peer influence from other offices",
            EvidenceType.need,
            "want to learn",
        ),
        # helper-191, AU's and ES's Rec 5 answers: a named project delivers what it "will
        # deliver" (it is under way); a practice that "needs to be reviewed" shows nothing yet.
        (
            "IP Australia's Structured Patents Specification project will deliver a system for "
            "publishing patent specifications in a structured format by 1 January 2026.",
            EvidenceType.under_way,
            "project will deliver",
        ),
        ("We will deliver a new portal next year.", EvidenceType.plan, "will deliver"),
        (
            "We deliver all kinds of documentation, but not always following the ST Standards. "
            "Needs to be reviewed",
            EvidenceType.plan,
            "needs to be reviewed",
        ),
    ],
)
def test_the_type_and_the_words_that_decided_it(text, kind, cue):
    evidence = read(text)
    assert evidence.type is kind
    assert cue in evidence.cues
    assert cue in evidence.reason


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # An early stage, stated as such, or a text being drafted: a plan.
        ("Currently at the stage of work meetings with each priority area.", EvidenceType.plan),
        ("Currently at the information- and data-gathering stage.", EvidenceType.plan),
        ("We are drafting our ICT strategy with the IDB.", EvidenceType.plan),
        ("The data policy is being drafted.", EvidenceType.plan),
        # A late stage is not an early one; a drafting tool is not a draft.
        ("We are at the production stage of our e-filing system.", EvidenceType.working),
        ("Our IPAS system, at the mature stage, handles all trademarks.", EvidenceType.working),
        ("The classifier is at the final stage of deployment.", EvidenceType.under_way),
        ("Currently at the pilot stage of an AI search tool.", EvidenceType.under_way),
        ("An online drafting assistant for applicants is in use.", EvidenceType.working),
        ("Developing a claims drafting aid for applicants.", EvidenceType.under_way),
    ],
)
def test_a_stage_stated_reads_as_far_as_it_is(text, kind):
    assert read(text).type is kind


def test_what_a_project_shows_leaves_out_what_it_only_plans():
    text = "In use – a neural network for classification. Planned – an AI search engine."
    assert presented(text) == "In use – a neural network for classification"
    # Nothing shown to work or be under way: the text is kept whole, plans and all.
    assert presented("Planned – an AI search engine.") == "Planned – an AI search engine."
    assert presented("IPAS in production.") == "IPAS in production."
    # Named things and topics come from what it shows.
    assert read(text).named == ()
    assert read("In use – IPAS. Planned – WIPO Publish.").named == ("IPAS",)


def test_what_other_offices_implemented_is_not_the_offices_own_work():
    # "offices that have already implemented" describes the others: PY itself only explores.
    evidence = read(PY_REC_10)
    assert evidence.type is EvidenceType.need and not evidence.presents


def test_a_need_with_working_results_of_its_own_still_presents():
    evidence = read("Our classifier is in use since 2021; we need guidance on its governance.")
    assert evidence.type is EvidenceType.working


def test_a_current_focus_without_a_stage_reads_as_under_way_and_says_so():
    evidence = read("Auto classification, Search")
    assert evidence.type is EvidenceType.under_way
    assert evidence.reason == "a current focus with no stage stated"


def test_measured_results_participation_and_named_things_are_kept():
    assert read("Accuracy reached 92% in 2023, in use").measured == "92%"
    assert read("Participation in CWS TFs. Collaboration with other IPO in ICT.").participation
    named = read("Open Data Portal (https://data.uspto.gov) follows ST.96 since 2019").named
    assert {"Open Data Portal", "https://data.uspto.gov", "ST.96"} <= set(named)


def test_a_practice_in_every_project_is_not_taking_part():
    """CA's Rec 4 project (CWS/13/26, line 551) was explained as "taking part: “involved in”",
    and so shown in line-ups: its IT security review is its own practice in each of its projects,
    not a share in others' work. Being involved in someone else's work still is taking part."""
    own = read("ISED/CIPO has ISED IT Security review involved in every IT project")
    assert own.participation == ()
    assert own.reason == "a current focus with no stage stated"
    assert read("Business line policy is involved in each ITM data/process decision").reason == (
        "a current focus with no stage stated"
    )
    taking_part = read("We have been involved in the preparation of the 10 recommendations")
    assert taking_part.participation == ("involved in",)


@pytest.mark.parametrize(
    ("text", "not_named"),
    [
        # A date says when, a numbered reference which document: neither is a thing to show.
        ("Security Policy, approved by Resolution No. 247/2023, approving Version 1.0.0", "2023"),
        ("Security Policy, approved by Resolution No. 247/2023", "Resolution No"),
        # An IP office's acronym is the office, not a system it built.
        ("Development of PETIC with support from DKPTO and UKIPO", "DKPTO"),
        ("Development of PETIC with support from DKPTO and UKIPO", "UKIPO"),
        # The name of a kind of IP right or a body is not a system either.
        ("Adoption of WIPO IPAS for Geographical Indications.", "Geographical Indications"),
        # A name that stands for a document is the document's, not a system's.
        ("In use – POSIN (Information Security Policy).", "POSIN"),
        ("In progress – Development of PETIC (Strategic Plan for Technology) with DKPTO", "PETIC"),
        ("POSIN (Information Security Policy, 2023)", "POSIN"),
        ("PEI (National IP Strategy 2021-2030)", "PEI"),
    ],
)
def test_dates_references_offices_and_kinds_of_right_are_not_named_things(text, not_named):
    assert not_named not in read(text).named


def test_wipos_products_are_named_things_and_its_standards_and_bodies_are_not():
    # PY's Rec 5 answer: a WIPO product it installs is as concrete as a system of its own.
    text = "Work is ongoing to configure WIPO Publish to extract data for marks"
    assert read(text).named == ("WIPO Publish",)
    assert "WIPO Sequence" in read("Our filers use WIPO Sequence since 2022").named
    for text in (
        "We follow WIPO Standards in every exchange",
        "Data is exchanged under WIPO Standard ST.96",
        "WIPO Data Standards are followed in our integrations",
        "Reported to the WIPO General Assembly in use",
        "We have implemented the WIPO Recommendations in our office",
        "Presented at the WIPO Committee on WIPO Standards",
    ):
        assert not any(name.startswith("WIPO") for name in read(text).named), text


def test_named_systems_and_bodies_of_work_still_count():
    assert "PETIC" in read("Development of PETIC with support from DKPTO").named
    assert "SACEPO" in read("Projects under SP2028 Drivers 2,3,4 - e.g. SACEPO").named
    assert "IPAS" in read("Planned - Adoption of WIPO IPAS for Geographical Indications.").named
    assert "IPAS" in read("IPAS (Industrial Property Administration System) in use").named
    assert "DocuWare" in read("DocuWare (the filing tool, part of our strategy)").named
    # A note about a plan or a strategy beside a system's name does not make it a document.
    assert "DocuWare" in read("DocuWare (filing tool under our digital strategy)").named
    assert "IPAS" in read("IPAS (see the plan on our site) in use").named
    assert "IPAS" in read("Launch of IPAS (as foreseen in our Strategic Plan)").named
    assert "PMS" in read("PMS (Policy Management System) in use").named
    # A parenthesis that never closes, or a page of them, is read in one pass.
    assert read("IPAS (" + "plan for x " * 9000).named == ("IPAS",)
    # A programme's code name with its number names it: the plan, not a date.
    assert "SP2028" in read("Projects under SP2028 Drivers 2,3,4 - e.g. SACEPO").named
    assert not {"Q1", "2025"} & set(read("The system has been launched in Q1 2025.").named)


def test_a_document_in_force_shows_what_is_planned_not_what_runs():
    # PY's Rec 4 answer: a policy approved is a document, not a working system.
    policy = read("Security Policy, approved by Resolution No. 247/2023")
    assert policy.type is EvidenceType.under_way and policy.document_in_force
    assert "a document in force (“policy”), not a working system" in policy.reason
    assert policy.level == read("Implementing zero trust architecture").level < 1.0
    assert read("In use – POSIN (Information Security Policy).").type is EvidenceType.under_way


@pytest.mark.parametrize(
    "text",
    [
        # A measured result is more than a document.
        "Security policy in use: 98% of staff trained",
        "Zero trust architecture in use",
        # The working cue is about a system; the document is named in another statement.
        "We use our IPAS system in production; it follows our digital strategy.",
        "In use – Neural network for patents deposit classification. Planned – a new policy.",
    ],
)
def test_a_working_system_beside_a_document_still_works(text):
    evidence = read(text)
    assert evidence.type is EvidenceType.working and evidence.level == 1.0
    assert not evidence.document_in_force


def test_a_proposal_states_its_stage():
    assert stated("production", "in production").type is EvidenceType.working
    assert stated("pilot", "pilot").type is EvidenceType.under_way
    assert stated("idea", "idea").type is EvidenceType.plan
    assert stated("pilot", "pilot").reason == "stated by the office: pilot"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Limited resources", "limited resources"),
        ("Rapid implementation of new technologies difficult for small offices", "small offices"),
        ("we need the guidance of other offices", "guidance"),
        ("Lack of manpower and prioritization", "lack of manpower"),
    ],
)
def test_limited_capacity_is_recognised(text, cue):
    assert cue in capacity_cues(text)


def test_no_capacity_cue_in_an_ordinary_wish():
    assert capacity_cues("Rec.10, with special focus on governance and risk management") == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("IP Australia completed the cloud migration of its forms in 2025.", EvidenceType.working),
        ("The migration to the cloud was completed in March.", EvidenceType.working),
        ("EUIPO has completed its migration to the cloud.", EvidenceType.working),
        # Still to be done: read by its other words.
        ("Migrating to the cloud; to be completed in 2027.", EvidenceType.under_way),
        ("The migration, not yet completed, is in progress.", EvidenceType.under_way),
        ("A new e-filing system will be completed by 2027.", EvidenceType.under_way),
    ],
)
def test_a_project_reported_completed_works(text, kind):
    """helper-208: the 2026 round's offices report what they finished since 2025 ("IP Australia
    completed the cloud migration"): read as "a current focus with no stage stated", under way,
    such a project ranked below working ones and was weighed as unfinished in line-ups."""
    assert read(text).type is kind


JP_REC_1 = (
    'JPO formulated and announced the "JPO Digital Strategy 202X" in November 2024 as a '
    "framework for future system development. This strategy proposes to provide a high-level and "
    "smart digital environment for all stakeholders by re-evaluating external communication, as "
    "well as business, systems, and regulations in an integrated manner."
)


def test_a_strategy_announced_is_a_document_in_force_not_a_focus_with_no_stage():
    """JP's Rec 1 answer says when its strategy was announced (November 2024): read as "a
    current focus with no stage stated", the line-up and matches said JP had stated none."""
    evidence = read(JP_REC_1)
    assert evidence.type is EvidenceType.under_way and evidence.document_in_force
    assert evidence.reason == "“announced”, a document in force (“strategy”), not a working system"
    # A system announced as running works; one still to be announced, or plans announced, do not.
    assert read("The new e-filing portal was announced in May.").type is EvidenceType.working
    assert read("The new portal is to be announced in 2026.").type is EvidenceType.under_way
    assert read("We announced our plans to migrate to the cloud.").type is EvidenceType.plan


def test_work_going_on_with_other_offices_says_it_is_under_way():
    """ES's Rec 8 work, "We are cooperating with EPO, EUIPO and WIPO in order to share common
    architectures" (CWS/13/26 line 697), was described as "a current focus with no stage stated"
    though "we are cooperating" says it is going on."""
    spain = read(
        "We are cooperating with EPO, EUIPO and WIPO in order to share common architectures"
    )
    assert spain.type is EvidenceType.under_way
    assert spain.reason == "“are cooperating with”"


EM_REC_1 = (
    "- EUIPO is implementing a cloud-first strategy\n"
    "- EUIPO is improving G&S management\n"
    "- EUIPO is constantly improving the examination processes\n"
    "- EUIPO is implementing the IT modifications required by the new EU Design and GI "
    "Legislative Regulation"
)


def test_work_that_names_a_strategy_among_other_work_is_not_only_a_document():
    """EM's Rec 1 work (CWS/13/26): a cloud-first strategy being implemented, beside improved
    examination processes and the IT changes new EU legislation requires. Read as a document
    (a strategy on paper) for its one word "strategy", it lost the credit of a system or
    practice to BR's BPMS for EP, IE and US; JP's answer, all of it about its strategy, is
    still a document."""
    assert read(EM_REC_1).document == ()
    assert read(JP_REC_1).document == ("strategy",)
    assert read("In use – POSIN (Information Security Policy).").document == ("policy",)


def test_a_kind_of_software_is_not_a_named_system():
    """BR's Rec 1 answer (CWS/13/26) names one system, its BPMS "Sydle One": "BPMS" (a
    business process management system) is a kind of software, as API and OCR are, and counted
    as a second named system it made BR's work look more concrete than it is."""
    brazil = read(
        "In progress – Implementation of BPMS Sydle One solution for Patents lifecycle and "
        "development of new Service Portal for search and dossiers. Planned – Adoption of WIPO "
        "IPAS for Geographical Indications."
    )
    assert brazil.named == ("Sydle One", "Service Portal")


def test_a_system_and_its_acronym_are_one_named_system():
    """US's Rec 4 work (CWS/13/26), "Automated Authorization to Operate(ATO)", was said to name
    two systems, "Automated Authorization, ATO", and PL's "Common Tools Integration (CTI)" two
    of its five: an acronym in parentheses after the words it stands for is the same thing named
    once more. A product named in parentheses beside a kind of software still counts."""
    assert read("In progress – Automated Authorization to Operate(ATO)").named == (
        "Automated Authorization",
    )
    poland = read("In use – the implementation of Common Tools Integration (CTI) for DesignView.")
    assert poland.named == ("Common Tools Integration", "DesignView")
    assert read("In use – the Software Development Lifecycle (SDLC).").named == (
        "Software Development Lifecycle",
    )
    assert read("In use – OCR (ABBYY) for incoming mail.").named == ("ABBYY",)


@lru_cache(maxsize=1)
def _focus_answers() -> dict[tuple[str, int], str]:
    record = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    return {
        (a.office, a.recommendation): a.text for a in record.answers if a.question is Question.focus
    }


def focus_answer(office: str, recommendation: int) -> str:
    """An office's question 4 answer on a recommendation, as CWS/13/26 gives it."""
    return _focus_answers()[office, recommendation]


def test_wipos_data_standards_are_not_a_system_the_office_built():
    """CA's Rec 5 answer was shown on the matches page as "names Data Standards, ST.96, ST.36,
    ST.66": "WIPO Data Standards" are WIPO's standards, which CA follows, not a system of its
    own; the standards it follows are named by their numbers."""
    canada = read(focus_answer("CA", 5))
    assert canada.named == ("ST.96", "ST.36", "ST.66", "ST.86")


def test_wipo_case_is_named_whole():
    """CA's Rec 6 answer ("participates on Madrid, Hague, PCT, WIPO-CASE, dissemination") was
    said to name a system "CASE": the system it names is WIPO-CASE, WIPO's platform for sharing
    search and examination results."""
    assert read(focus_answer("CA", 6)).named == ("WIPO-CASE",)
    assert read("Our examiners use WIPO CASE every day").named == ("WIPO CASE",)


def test_explainable_ai_is_a_technique_not_a_named_system():
    """PL's Rec 10 answer says its classifier shows examiners why it classified as it did
    ("explainable AI – XAI"): XAI is a kind of AI, as AI and LLM are, not a system PL built."""
    poland = read(focus_answer("PL", 10))
    assert "XAI" not in poland.named
    assert {"Common Tools Integration", "DesignView"} <= set(poland.named)


def test_the_pct_minimum_documentation_is_a_requirement_met_not_a_system():
    """AU's and IL's Rec 5 answers were said to name a system, "Minimum Documentation": both
    make their patent documents available as the PCT Minimum Documentation requirements ask.
    AU's own project is its Structured Patents Specification; IL names none of its own. Counted
    as a named system it made both look more concrete than the offices that name theirs."""
    assert read(focus_answer("AU", 5)).named == ("Structured Patents Specification",)
    assert read(focus_answer("IL", 5)).named == ()


def test_what_projects_run_under_is_not_what_they_are():
    """EP's "Projects under SP2028 Drivers 2,3,4" names the plan its projects run under
    (CWS/13/26, nine recommendations); what follows the dash says what they are."""
    assert "SP2028" not in unframed("Projects under SP2028 Drivers 2,3,4 – esp ISO 27001/2022")
    assert "ISO 27001" in unframed("Projects under SP2028 Drivers 2,3,4 – esp ISO 27001/2022")
    assert "SACEPO" in unframed("Projects under SP2028 Drivers 2,3,4  - e.g., SACEPO")
    # A stage is not a plan: projects under way show what they are.
    assert "AI classification" in unframed("Projects under way on AI classification")
    assert "OCR" in unframed("Two projects under development of OCR")


@pytest.mark.parametrize(
    "text, topic",
    [
        ("Projects under our e-filing programme: online fee payment", "efiling"),
        ("Projects under the new law on electronic publication of marks", "documents"),
        ("Projects under SP2025 including online filing for SMEs", "efiling"),
    ],
)
def test_the_work_done_under_a_plan_still_names_its_topics(text, topic):
    """Only a plan named by its name ("SP2028 Drivers 2,3,4") is what projects run under: an
    office whose projects run "under our e-filing programme", "under the new law on electronic
    publication" or "under SP2025 including online filing" showed no e-filing or publishing
    work, every word after "under" read as the plan, up to the end of the answer."""
    assert topic in {m.topic for m in bundled().mentions(unframed(text))}
