"""What an office's project text shows: working, under way, a plan, or a need for help.

Pure: no Flask, no database. A question 4 answer or a proposal is read as one evidence type from
cue words ("in use", "92%" / "pilot", "developing" / "exploring", "our goal" / "we need the
guidance"); the words that decided are kept, so a co-lead sees why. Only working and under-way
items are presenters by default; a need is demand: that office wants the topic discussed.

A question 4 answer with no cue at all is a current focus (that is what the question asks), so it
reads as under way, and its strength says how little it names.
"""

import enum
import re
from dataclasses import dataclass
from functools import lru_cache


class EvidenceType(enum.StrEnum):
    working = "working"
    under_way = "under way"
    plan = "plan"
    need = "need"


# How much each type has to show, before the text's specifics.
LEVELS = {
    EvidenceType.working: 1.0,
    EvidenceType.under_way: 0.65,
    EvidenceType.plan: 0.25,
    EvidenceType.need: 0.0,
}
PRESENTING = (EvidenceType.working, EvidenceType.under_way)

# Stages that are far along: a project "at the production stage" works.
_LATE_STAGES = (
    r"(?:pilot\w*|production|mature|final|testing|deploy\w*|implementation|operational|advanced"
    r"|roll-?out)"
)
_CUES: dict[EvidenceType, tuple[str, ...]] = {
    EvidenceType.working: (
        "in use",
        "in production",
        r"at the (?:production|mature) stage",
        r"(?:was|were|been|is|are|has|have) (?:\w+ )?(?:implemented|launched|deployed|provided)",
        r"(?:successfully )?launched",
        "operational",
        "is available",
        "are available",
        "available free of charge",
        "upgraded",
        "deployed",
        # Done, as a later round of the survey reports ("completed the cloud migration in 2025"),
        # but not still to be done ("to be completed in 2027", "not yet completed").
        r"(?<!be )(?<!not )(?<!yet )completed",
        # Made public, as JP's "JPO Digital Strategy 202X", "formulated and announced … in
        # November 2024" (CWS/13/26, Rec 1): done, though not yet to be announced, nor plans
        # announced. About a document it reads as a document in force, below.
        r"(?<!be )(?<!to )(?<!not )(?<!yet )announced(?! (?:(?:its|our|their|the) )?"
        r"(?:plans?|intention)\b)",
        "generated and is continuously updated",
        "approved by",
        r"(?:is|are|was|were|been) integrated",
        "followed in",
        r"(?:has|have) been (?:doing|devoting)",
        "en producción",
        "en uso",
        "implementado",
        "en production",
        "mis en (?:œ|oe)uvre",
        "em produção",
        "em uso",
        "внедрен[аоы]?",
        "используется",
    ),
    EvidenceType.under_way: (
        "pilot",
        "in progress",
        "ongoing",
        "underway",
        "under way",
        "under implementation",
        "experimenting",
        r"(?<!and )developing",
        "implementing",
        "implementation of",
        "enhancing",
        "improving",
        "applying",
        "migrating",
        "is focusing",
        "working (?:on|at)",
        # Work going on with others ("We are cooperating with EPO, EUIPO and WIPO in order to
        # share common architectures", ES, CWS/13/26 line 697): under way, not a bare focus.
        r"(?:are|is) (?:actively )?(?:cooperating|collaborating|partnering) with",
        "preparations are underway",
        "has shared",
        "continues to",
        "work is ongoing",
        # A project that exists, named by what it will deliver ("the Structured Patents
        # Specification project will deliver a system … by 1 January 2026"), not a plan.
        r"project will deliver",
        "piloto",
        "en curso",
        "en desarrollo",
        "en cours",
        "em andamento",
        "в процессе",
        "разрабатыва\\w*",
    ),
    EvidenceType.plan: (
        "planned",
        "exploring",
        "open to",
        "our goal",
        "waiting for",
        "plans? to",
        "pending",
        "will deliver",
        "observing",
        "strategic plan",
        "identifying",
        "the vision",
        r"will be (?:used|implemented|developed)",
        "information- and data-gathering",
        # An early stage stated as such ("currently at the stage of work meetings"), but not a
        # late one ("at the production stage", "at the final stage of deployment"); a text
        # still being drafted: nothing works yet. A drafting tool is not a draft.
        r"(?:currently )?at the (?!(?:[\w-]+ ){0,3}?" + _LATE_STAGES + r"\b)(?:[\w-]+ ){0,3}"
        r"stage(?! of " + _LATE_STAGES + r")",
        r"drafting (?:them|it|(?:a|an|the|our|its|their) (?:[\w-]+ ){0,2}"
        r"(?:strateg\w*|plans?|polic\w*|roadmaps?|guidelines|framework|standards?))\b",
        r"being drafted",
        "to implement",
        # The office's own practice still to be put right ("not always following the ST
        # Standards. Needs to be reviewed"): nothing to show yet.
        r"needs? to be (?:reviewed|revised|improved|updated)",
        "planificado",
        "previsto",
        "prévu",
        "planejado",
        "планиру\\w*",
    ),
    EvidenceType.need: (
        r"we need",
        r"need(?:s)? (?:the |your )?(?:guidance|support|help|assistance)",
        r"(?:ask|asking|request|requesting) (?:for )?(?:guidance|support|help|assistance)",
        r"to have the support",
        r"help us",
        r"would like to learn",
        r"want to learn",
        r"necesitamos",
        r"nous avons besoin",
        r"precisamos",
        r"нам нужн\w*",
    ),
}
_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.IGNORECASE)
    for kind, cues in _CUES.items()
}
# Phrases about what other offices did, not the office itself ("offices that have implemented").
_OTHERS = re.compile(
    r"\b(?:that|who) ha(?:s|ve) (?:already )?(?:implemented|done|adopted)[^.;]*", re.IGNORECASE
)
_MEASURED = re.compile(r"\b\d{1,3}(?:[.,]\d+)?\s?%")
# Taking part in others' work: ongoing, but not a project of the office's own to show. What is
# "involved in every IT project" is the office's own practice in its own work (CA's IT security
# review, CWS/13/26 line 551), not taking part.
_PARTICIPATION = re.compile(
    r"\b(?:participat\w*|contribut\w*|collaborat\w*|involved in(?! (?:every|each)\b))\b",
    re.IGNORECASE,
)
# Concrete things a text names: an address, a WIPO standard, a named system (a word with
# capitals inside, an acronym that is not an organisation's or a generic one, a WIPO product),
# a programme's code name with its number ("SP2028"). A date says when, not what there is to
# show, and is not counted.
_CONCRETE = re.compile(
    r"https?://[^\s)]+|\b[\w.-]+\.(?:gov|org|int|eu|com)\b[^\s)]*"
    r"|(?<=[a-z,] )(?:[A-Z][a-z]+ )+[A-Z][a-z]+\b"
    r"|\b(?!The )[A-Z][a-z]+(?: [A-Z][a-z]+)+(?= [a-z(])"
    # WIPO's own products an office runs ("WIPO Publish", CA's "WIPO-CASE", named whole, not
    # "CASE"); not its standards, bodies or texts.
    r"|\bWIPO[ -](?:Publish|Sequence|Translate|Connect|File|Lex|Pearl|CASE)\b"
    r"|\bST[.\s-]?\d{1,3}\b|\bISO\s?\d{4,5}\b"
    r"|\b[A-Z][a-z]+[A-Z]\w*\b|\b[A-Z]{3,}\b|\b[A-Z]{2,}\d{2,4}\b"
)
# Capitalised words that are not a thing of the office's to show: the name of a document, a
# numbered reference ("Resolution No"), a kind of IP right, a meeting or body, a funder, a
# requirement met (AU's and IL's "Minimum Documentation": the PCT's, not a system of theirs).
_NOT_A_THING = re.compile(
    r"\b(?:No|Nr|Policy|Policies|Plan|Strategy|Guidelines|Resolution|Regulation|Law|Act"
    r"|Documentation|Indications?|Designs?|Marks?|Patents?|Forces?|Groups?|Bank|Directorate|Ministry)$"
)
_GENERIC = {
    "WIPO",
    "CWS",
    "ICT",
    "IPO",
    "EPO",
    "EUIPO",
    "USPTO",
    "JPO",
    "CIPO",
    "ISED",
    "INPI",
    "DINAPI",
    "DPMA",
    "OEPM",
    "PPO",
    "SIPO",
    "PRH",
    "NIPO",
    "ILPO",
    "IPOI",
    "FIPS",
    "CNIPA",
    "INDECOPI",
    "API",
    "APIS",
    "XML",
    "PCT",
    "TFS",
    "SP",
    "IT",
    "ITM",
    "AI",
    # A kind of AI, as LLM is: PL's classifier shows why it classified ("explainable AI – XAI").
    "XAI",
    "GI",
    "TM",
    "DS",
    "EU",
    "OCR",
    "LLM",
    "IBM",
    "FAQ",
    "DLT",
    # A kind of software (a business process management system), as API and OCR are: BR's
    # "BPMS Sydle One solution" names one system, Sydle One (CWS/13/26, Rec 1).
    "BPMS",
    # Other IP offices and organisations the suffix rule below (…PO, …PTO, …IPO) misses.
    "IMPI",
    "IPOS",
    "IPONZ",
    "INAPI",
    "SAIP",
    "OAPI",
    "ARIPO",
    "BOIP",
    "EAPO",
    "CIPC",
    "IPOPHL",
    "DGIP",
    "MyIPO",
    "SIC",
}
# Capitalised words right after "WIPO" name WIPO's standards, bodies or texts (CA's "WIPO Data
# Standards"), not a system of the office's; WIPO's products are matched whole before them, or
# are acronyms ("WIPO IPAS").
_WIPOS = re.compile(r"\bWIPO\s+$")
# An IP office's acronym (DKPTO, KIPO, UKIPO): the office, not a system it built.
_AN_OFFICE = re.compile(r"[A-Z]{1,3}(?:PTO|IPO|PO)")
# A document rather than a system or practice: a policy in force shows less than a system in use.
_DOCUMENT = re.compile(
    r"\b(?:policy|policies|strategy|guidelines|master plan|strategic plan|resolution)\b",
    re.IGNORECASE,
)
# A name followed by what it stands for, a document ("POSIN (Information Security Policy)",
# "PETIC (Strategic Plan for …)"): the document's name, not a system.
_A_DOCUMENTS_NAME = re.compile(
    # A parenthesis closing within 200 characters (looked ahead, so long text costs no rescans)
    # that spells out a document's capitalised name, a year or span after it allowed.
    r"\s*\((?=[^()]{0,200}\))(?:[A-Z][\w’'&-]*\s+(?:(?:of|for|on|and|the|de|da|do|la|el)\s+)*)"
    r"{0,8}(?:Policy|Policies|Plan|Strategy|Guidelines)"
    r"(?:\s+(?:for|of|on)\b[^()]*|,?\s*\d{4}(?:\s*[-–]\s*\d{4})?)?\s*\)"
)
# An acronym in parentheses right after the words it stands for ("Common Tools Integration
# (CTI)", US's "Automated Authorization to Operate(ATO)"): the same thing named once more, not a
# second system, as "BPMS" before "Sydle One" is none.
_SHORT_FORM = re.compile(r"(?<=[A-Za-z])\s*\(\s*$")
_SHORT_FORM_END = re.compile(r"\s*\)")
# Names of the stages a proposal states, as the evidence type they are.
STATED = {"production": EvidenceType.working, "pilot": EvidenceType.under_way}


@dataclass(frozen=True)
class Evidence:
    """An evidence type, the words that decided it, and what else the text shows."""

    type: EvidenceType
    cues: tuple[str, ...]
    measured: str | None = None
    stated: bool = False
    # Words of taking part ("participation in CWS task forces"), when they are all the text says.
    participation: tuple[str, ...] = ()
    # Concrete things named: a system, a standard, an address.
    named: tuple[str, ...] = ()
    # Words saying the project is a document (a policy, a strategy) rather than a system.
    document: tuple[str, ...] = ()

    # The working cue is about a document ("a policy approved", "strategy in use"): it reads
    # as under way, a document in force showing what is planned, not what runs.
    document_in_force: bool = False

    @property
    def level(self) -> float:
        return LEVELS[self.type]

    @property
    def presents(self) -> bool:
        return self.type in PRESENTING

    @property
    def reason(self) -> str:
        """The words that decided, for people: "in use", "92%"; or why nothing did."""
        if self.stated:
            return f"stated by the office: {self.cues[0]}"
        said = [f"“{cue}”" for cue in self.cues]
        if self.measured:
            said.append(f"a measured result, “{self.measured}”")
        if self.participation and not self.cues:
            said.append(f"taking part: “{self.participation[0]}”")
        if self.document_in_force:
            said.append(f"a document in force (“{self.document[0]}”), not a working system")
        return ", ".join(said) if said else "a current focus with no stage stated"

    def as_dict(self) -> dict:
        return {
            "type": self.type.value,
            "cues": list(self.cues),
            "measured": self.measured,
            "participation": list(self.participation),
            "named": list(self.named),
            "document": list(self.document),
        }


@lru_cache(maxsize=16384)
def read(text: str) -> Evidence:
    """The evidence type of a project text. A need wins unless the office also shows working
    results of its own; otherwise the strongest stage named decides."""
    own = _OTHERS.sub(" ", text)
    found = {
        kind: tuple(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(own)))
        for kind, pattern in _PATTERNS.items()
    }
    # Named things and measured results count only where the text shows them, not in a clause
    # that only plans ("Planned – cut pendency by 20%").
    shown = presented(own)
    measured = _MEASURED.search(shown)
    taking_part = tuple(dict.fromkeys(m.group(0).lower() for m in _PARTICIPATION.finditer(own)))
    named = tuple(
        dict.fromkeys(
            m.group(0)
            for m in _CONCRETE.finditer(shown)
            # An office's own name is not a system it built.
            if m.group(0) not in _GENERIC
            and not _AN_OFFICE.fullmatch(m.group(0))
            and not m.group(0).endswith(("Office", "Offices"))
            and not _NOT_A_THING.search(m.group(0))
            and (m.group(0).isupper() or not _WIPOS.search(shown, max(0, m.start() - 8), m.start()))
            and not _A_DOCUMENTS_NAME.match(shown, m.end())
            and not _short_form(shown, m)
        )
    )
    documents = tuple(dict.fromkeys(m.group(0).lower() for m in _DOCUMENT.finditer(own)))
    # The project is a document only where all it shows is one: EM's "implementing a cloud-first
    # strategy", beside improving its examination processes and the IT changes new legislation
    # requires (CWS/13/26, Rec 1), is work going on, not a strategy on paper.
    document = documents if _only_documents(shown) else ()
    if found[EvidenceType.need] and not found[EvidenceType.working]:
        return Evidence(EvidenceType.need, found[EvidenceType.need])
    for kind in (EvidenceType.working, EvidenceType.under_way, EvidenceType.plan):
        if found[kind]:
            shown = measured[0] if measured and kind is EvidenceType.working else None
            if kind is EvidenceType.working and not shown and _about_a_document(own):
                return Evidence(
                    EvidenceType.under_way,
                    found[kind],
                    None,
                    False,
                    taking_part,
                    named,
                    documents,
                    document_in_force=True,
                )
            return Evidence(kind, found[kind], shown, False, taking_part, named, document)
    if measured:
        return Evidence(EvidenceType.working, (), measured[0], False, taking_part, named, document)
    return Evidence(EvidenceType.under_way, (), None, False, taking_part, named, document)


# Where one statement ends: a clause's working cue speaks of what that clause names.
_CLAUSES = re.compile(r"(?<!\d)[.;\n]+(?!\d)\s*")


def _about_a_document(text: str) -> bool:
    """Whether every clause with a working cue names a document ("Security Policy, approved by
    Resolution 247"; "In use – POSIN (Information Security Policy)"), so that nothing shown to
    work is more than a document. "IPAS in production; it follows our strategy" runs a system."""
    working = [c for c in _CLAUSES.split(text) if _PATTERNS[EvidenceType.working].search(c)]
    return bool(working) and all(_DOCUMENT.search(c) for c in working)


def _short_form(text: str, m: re.Match) -> bool:
    """Whether the capitals `m` found are an acronym of the words just before it, in
    parentheses ("Software Development Lifecycle (SDLC)"); not a product named beside a kind of
    software ("OCR (ABBYY)")."""
    acronym = m.group(0)
    opening = _SHORT_FORM.search(text, max(0, m.start() - 8), m.start())
    if not acronym.isupper() or opening is None or not _SHORT_FORM_END.match(text, m.end()):
        return False
    words = re.findall(r"[^\W\d_]+", text[max(0, opening.start() - 200) : opening.start()])
    # The words it stands for begin with its first letter and hold its letters in order.
    for first in range(len(words) - 2, max(-1, len(words) - 2 * len(acronym) - 1), -1):
        spelled = iter("".join(words[first:]).upper())
        if words[first][0].upper() == acronym[0] and all(c in spelled for c in acronym):
            return True
    return False


def _only_documents(text: str) -> bool:
    """Whether every statement of a text names a document ("In use – POSIN (Information Security
    Policy)"; JP's "Digital Strategy 202X … This strategy proposes …"): nothing else to show."""
    statements = [c for c in _CLAUSES.split(text) if re.search(r"\w", c)]
    return bool(statements) and all(_DOCUMENT.search(c) for c in statements)


@lru_cache(maxsize=16384)
def presented(text: str) -> str:
    """The text without its clauses that only plan ("In use – a classifier. Planned – an AI
    search."): what a project has to show (its detail, the things and topics it names) is what
    works or is under way. A text with no working or under-way clause is kept whole."""
    clauses = [c for c in _CLAUSES.split(text) if c.strip()]

    def says(kind: EvidenceType, clause: str) -> bool:
        return bool(_PATTERNS[kind].search(clause))

    kept = [
        c
        for c in clauses
        if not says(EvidenceType.plan, c)
        or says(EvidenceType.working, c)
        or says(EvidenceType.under_way, c)
    ]
    shows = any(says(EvidenceType.working, c) or says(EvidenceType.under_way, c) for c in kept)
    return ". ".join(kept) if shows and len(kept) < len(clauses) else text


# What a project's work runs under, not what it is: EP's "Projects under SP2028 Drivers 2,3,4"
# (CWS/13/26, on nine recommendations) names the EPO's Strategic Plan 2028, as its answer to
# question 7 spells it out, and says nothing of the projects; what follows the dash ("esp ISO
# 27001/2022") does. Only the plan's name: words in capitals or figures ("SP2028", "Drivers
# 2,3,4", "the Strategic Plan 2025"), up to the first word that is not: "projects under our
# e-filing programme", "under the new law on electronic publication", "under SP2025 including
# online filing" go on to say what the work is about, which the topics it names still count.
_NAME_WORD = r"[A-Z0-9](?:[\w&/-]|[.,](?=\w))*"
_FRAME = re.compile(
    r"\b(?i:projects? under) (?:(?i:the) )?"
    # Not a stage ("projects under way", "under development"), which says what is there.
    r"(?!(?i:way|implementation|development|construction|review)\b)"
    rf"{_NAME_WORD}(?: {_NAME_WORD})*"
)


@lru_cache(maxsize=16384)
def unframed(text: str) -> str:
    """The text without what its work runs under ("Projects under SP2028 Drivers 2,3,4"): the
    plan it names is a strategy an audience may want to hear of, not a topic of the work."""
    return _FRAME.sub(" ", text)


# How an office is named in another's text, from its stored name: the name itself, what its
# parentheses say ("European Patent Office (EPO)": EPO; "(Kyrgyzpatent)") and its acronyms in
# capitals ("(FIPS), ROSPATENT").
_PARENTHESES = re.compile(r"\(([^()]+)\)")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\b")


@lru_cache(maxsize=1024)
def names_of(name: str) -> tuple[str, ...]:
    """The words by which an office's stored name is named in text: "European Patent Office
    (EPO)" is "European Patent Office" and "EPO"; "IP Australia" is itself."""
    found = [_PARENTHESES.sub(" ", name).split(",")[0].strip()]
    found += [inside.strip() for inside in _PARENTHESES.findall(name)]
    found += [m.group(0) for m in _ACRONYM.finditer(name) if len(m.group(0)) >= 3]
    return tuple(dict.fromkeys(n for n in found if len(n) >= 3))


@lru_cache(maxsize=16384)
def naming(text: str, code: str, names: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """The clause of a project text that names office `code`, as `offices_named` reads it, or
    "": ES's "We are cooperating with EPO, EUIPO and WIPO in order to share common
    architectures" names the EPO, a partner in that work."""
    for clause in _CLAUSES.split(presented(text)):
        if code in _named_in(clause, names):
            return clause.strip()
    return ""


class OfficeNames(tuple):
    """Every office's names ((code, `names_of` its name), ...), as `offices_named` and
    `naming` search a text for them: a cache key of hundreds of offices, looked up for each
    text, hashed once (a tuple hashes all it holds at each lookup: at 500 offices that was
    most of the time `naming` and `offices_named` took)."""

    def __hash__(self) -> int:
        if (known := self.__dict__.get("hash")) is None:
            known = self.__dict__["hash"] = tuple.__hash__(self)
        return known


@lru_cache(maxsize=16384)
def offices_named(text: str, names: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    """Which of the offices in `names` ((code, `names_of` its name), ... for every office)
    `text` names: one search of the text for them all, once per text (each recommendation's
    scores ask of every project text again). Where one office's name is part of
    another's written there ("Canadian Intellectual Property Office" holds the UK's
    "Intellectual Property Office"), the text names the one whose whole name it writes."""
    return frozenset(_named_in(presented(text), names))


def _named_in(text: str, names: tuple[tuple[str, tuple[str, ...]], ...]) -> set[str]:
    if not names:
        return set()
    whose, by_word, always = _offices_index(names)
    # Searched for only the names whose first word the text has: one pattern of every office's
    # names, hundreds of them, is tried at each letter of each text (at 500 offices, matching
    # took 1.7x as long). The names left out cannot be in it, so what is found is the same.
    candidates = {*always}
    for word in set(_FIRST_WORD.findall(text)):
        candidates.update(by_word.get(word, ()))
    if not candidates:
        return set()
    pattern = _naming_pattern(tuple(sorted(candidates)))
    return {code for found in pattern.findall(text) for code in whose[found]}


_FIRST_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=64)
def _offices_index(
    names: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[dict[str, set[str]], dict[str, list[str]], tuple[str, ...]]:
    """Whose each name is, the names by their first word, and those with none (they start
    with a sign), always searched."""
    whose: dict[str, set[str]] = {}
    for code, its_names in names:
        for name in its_names:
            whose.setdefault(name, set()).add(code)
    by_word: dict[str, list[str]] = {}
    always = []
    for name in whose:
        if first := _FIRST_WORD.match(name):
            by_word.setdefault(first.group(0), []).append(name)
        else:
            always.append(name)
    # A name several offices share ("INPI": Brazil's, Portugal's, France's ...) names none of
    # them: BR's "INPI Brazil" speaks of itself. It stays in the pattern, where it is read.
    shared_none = {name: codes if len(codes) == 1 else set() for name, codes in whose.items()}
    return shared_none, by_word, tuple(always)


@lru_cache(maxsize=1024)
def _naming_pattern(names: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])")


def stated(key: str, label: str) -> Evidence:
    """The evidence of a proposal whose office stated its stage ("idea", "pilot", "production")."""
    return Evidence(STATED.get(key, EvidenceType.plan), (label,), stated=True)


# An audience that says it lacks the means learns most from peers of its own size or group.
_LIMITED = re.compile(
    r"\b(?:limited|little|lack of|lacks?|scarce|insufficient|few) (?:\w+ )?"
    r"(?:resources?|manpower|staff|time|training|budget|capacity|competenc\w*)"
    r"|\bsmall(?:er)? offices?\b|\bguidance\b|\bhelp us\b|\bsupport of\b|\bpeer\b"
    r"|\bbiggest challenge is .time.",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def capacity_cues(text: str) -> tuple[str, ...]:
    """Words by which an office says it has limited capacity ("limited resources", "guidance")."""
    return tuple(dict.fromkeys(m.group(0).lower() for m in _LIMITED.finditer(text)))


def strip_capacity(text: str) -> str:
    """The text without its capacity cues: "limited resources" says how, not what, to learn."""
    return _LIMITED.sub(" ", text)
