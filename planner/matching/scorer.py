"""How well a presenting office's project answers an interested office's wish, and why.

The one scorer of the app: pure (no Flask, no database), deterministic and explainable.

- relevance = STRUCTURAL (the project is on the wanted recommendation) + the rest scaled by the
  TF-IDF cosine between what the audience asked for (its Q8 words, and at half weight its Q6
  challenge; the recommendation's topic too when its words are few) and what the presenter
  described; a cosine of STRONG or more counts in full;
- maturity = how far along the project is, from cue words ("in use", "92%" versus "planned");
- score = relevance × (1 − λ + λ × maturity): maturity can lift or lower a match, never make an
  unrelated project relevant. λ is the co-lead's maturity weight.

The similarity is a sum over shared terms, so the terms listed as reasons add up to it exactly.
"""

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

STRUCTURAL = 0.3
# Short texts rarely share more than a few terms: a cosine of 0.25 is already a strong match.
STRONG = 0.25
# Co-leads want presenters with something to show: by default a planned project keeps 62.5% of
# its relevance, one of unknown maturity 75%, one in use all of it.
DEFAULT_MATURITY_WEIGHT = 0.5
# How much an office's statement counts, as demand and as words in the query.
INTEREST_WEIGHTS = {"discuss": 1.0, "challenge": 0.5}
TOPIC_WEIGHT = 0.5
# Below this many content words in its main statement (its Q8 words, else its Q6 text) an
# office's wish says nothing specific ("2, 3, 10"); the recommendation's topic is read as well.
MIN_CONTENT_WORDS = 3
MAX_TERMS = 8
# Fitted TF-IDF vectors kept for this many corpora: the matches page and the line-up of a survey
# read the same texts, so they share one fit.
FITS_KEPT = 8

# How far along a project is, and what the pages call each level, highest first. Cue words
# decide (below), or what the office stated in a proposal.
IN_USE = 1.0
IN_PROGRESS = 0.65
NOT_STATED = 0.5
PLANNED = 0.25
MATURITY_LEVELS = (
    (IN_USE, "in use"),
    (IN_PROGRESS, "in progress"),
    (NOT_STATED, "not stated"),
    (PLANNED, "planned"),
)

# Spanish and French words seen in IP-office ICT texts, mapped to the English the corpus uses;
# and English compounds split so that "cybersecurity" meets "security".
PHRASES = {
    "cybersecurity": "cyber security",
    "ciberseguridad": "cyber security",
    "cybersécurité": "cyber security",
    "inteligencia artificial": "artificial intelligence",
    "intelligence artificielle": "artificial intelligence",
    "cadena de bloques": "blockchain",
    "chaîne de blocs": "blockchain",
    "aprendizaje automático": "machine learning",
    "apprentissage automatique": "machine learning",
}
GLOSSARY = {
    "ia": "ai",
    "gobernanza": "governance",
    "gouvernance": "governance",
    "riesgo": "risk",
    "riesgos": "risks",
    "risque": "risk",
    "risques": "risks",
    "gestion": "management",
    "evaluacion": "assessment",
    "evaluation": "assessment",
    "seguridad": "security",
    "securite": "security",
    "datos": "data",
    "donnees": "data",
    "nube": "cloud",
    "clasificacion": "classification",
    "busqueda": "search",
    "recherche": "search",
    "patentes": "patents",
    "brevets": "patents",
    "marcas": "trademarks",
    "marques": "trademarks",
    "examen": "examination",
}
# Added to scikit-learn's English stop words (read when first needed: scikit-learn is slow to
# import, and the app starts without it).
EXTRA_STOP_WORDS = {
    "rec",
    "recs",
    "recommendation",
    "recommendations",
    "office",
    "offices",
    "ip",
    "ipo",
    "wipo",
    "esp",
    "eg",
    "ie",
    "etc",
    # Words that say nothing about a topic, however often offices write them.
    "new",
    "important",
    "special",
    "focus",
    "interested",
    "given",
    "matters",
    "various",
    "specific",
    # Spanish and French function words, so that answers in those languages read cleanly.
    *("de", "la", "el", "los", "las", "del", "en", "y", "para", "con", "por", "una", "que"),
    *("le", "les", "des", "du", "et", "pour", "avec", "sur", "au", "aux", "dans", "est"),
}

# Maturity cues, strongest first: what an office has to show, versus what it only intends.
# Whole words or phrases, case-insensitive; the first level with a cue decides.
_CUES: tuple[tuple[float, tuple[str, ...]], ...] = (
    (
        IN_USE,
        (
            "in use",
            "in production",
            r"(?:was|were|been|is|are) (?:\w+ )?implemented",
            "launched",
            "ha(?:s|ve) been provided",
            "operational",
            "approved",
            "is available",
            "en producción",
            "en uso",
            "implementado",
            "en production",
            "mis en (?:œ|oe)uvre",
        ),
    ),
    (
        IN_PROGRESS,
        (
            "pilot",
            "in progress",
            "ongoing",
            "underway",
            "experimenting",
            "developing",
            "implementing",
            "enhancing",
            "is focusing",
            "working (?:on|at)",
            "piloto",
            "en curso",
            "en cours",
        ),
    ),
    (
        PLANNED,
        (
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
            "planificado",
            "previsto",
            "prévu",
        ),
    ),
)
_CUE_PATTERNS = tuple(
    (level, re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.IGNORECASE)) for level, cues in _CUES
)
# Phrases about what other offices did, not the presenter ("offices that have implemented").
_OTHERS = re.compile(r"\bthat ha(?:s|ve) (?:already )?implemented\b", re.IGNORECASE)
_MEASURED = re.compile(r"\b\d{1,3}(?:[.,]\d+)?\s?%")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Interest:
    """An office that wants a recommendation discussed (Q8) or finds it a big challenge (Q6).

    `statements` are (kind, text) pairs: ("discuss", its Q8 words), ("challenge", its Q6 text).
    """

    office: str
    recommendation: int
    statements: tuple[tuple[str, str], ...]
    # The recommendation's topic, read as well when the office's own words are too few.
    topic: str = ""

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ in self.statements)

    @property
    def weight(self) -> float:
        return max(INTEREST_WEIGHTS[kind] for kind in self.kinds)

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.statements)


@dataclass(frozen=True)
class Project:
    """Something an office could present on a recommendation: a Q4 answer or a proposal."""

    office: str
    recommendation: int
    text: str
    source: str = "survey"
    reference: int | None = None
    # A maturity the office stated (level, label), instead of one read from cue words.
    stated_maturity: tuple[float, str] | None = None

    def read_maturity(self) -> tuple[float, list[str]]:
        if self.stated_maturity is not None:
            level, label = self.stated_maturity
            return level, [f"stated: {label}"]
        return maturity(self.text)


@dataclass(frozen=True)
class Match:
    audience: str
    presenter: str
    recommendation: int
    score: float
    relevance: float
    maturity: float
    reasons: dict = field(compare=False)

    def as_dict(self) -> dict:
        return {
            "audience": self.audience,
            "presenter": self.presenter,
            "recommendation": self.recommendation,
            "score": self.score,
            "relevance": self.relevance,
            "maturity": self.maturity,
            "reasons": self.reasons,
        }


def _plain(word: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS


@lru_cache(maxsize=16384)
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(stem, surface word) for each content word: glossary applied, stop words dropped."""
    stop_words = _stop_words()
    lowered = text.lower()
    for phrase, english in PHRASES.items():
        lowered = lowered.replace(phrase, english)
    found = []
    for raw in _WORD.findall(lowered):
        word = GLOSSARY.get(_plain(raw), raw)
        if len(word) < 2 or word in stop_words:
            continue
        found.append((_stem(_plain(word)), word))
    return tuple(found)


def maturity(text: str) -> tuple[float, list[str]]:
    """A 0..1 maturity read from cue words, and the cues found. No cue: NOT_STATED."""
    own = _OTHERS.sub(" ", text)
    for level, pattern in _CUE_PATTERNS:
        found = list(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(own)))
        if found:
            measured = _MEASURED.findall(own)
            if measured and level == IN_USE:
                found.append(f"measured result: {measured[0]}")
            return level, found
    return NOT_STATED, []


def maturity_label(level: float) -> str:
    """What the pages call a maturity: the name of the highest level it reaches."""
    reached = [label for named, label in MATURITY_LEVELS if level >= named]
    return reached[0] if reached else MATURITY_LEVELS[-1][1]


class _Vectors:
    """TF-IDF term weights per text, fitted once on every text of a corpus."""

    def __init__(self, corpus: tuple[str, ...]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        found = {text: words(text) for text in corpus}
        vectorizer = TfidfVectorizer(
            analyzer=lambda text: [stem for stem, _ in found[text]], sublinear_tf=True, norm="l2"
        )
        matrix = vectorizer.fit_transform(corpus)
        terms = vectorizer.get_feature_names_out()
        self._weights: dict[str, dict[str, float]] = {}
        for row, text in enumerate(corpus):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            self._weights[text] = {
                str(terms[i]): float(w)
                for i, w in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
            }
        surfaces: dict[str, Counter] = defaultdict(Counter)
        for pairs in found.values():
            for stem, surface in pairs:
                surfaces[stem][surface] += 1
        # The most frequent spelling of each stem, for people to read ("governance", not "govern").
        self.surface = {
            stem: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            for stem, counts in surfaces.items()
        }

    def __getitem__(self, text: str) -> dict[str, float]:
        return self._weights[text]


@lru_cache(maxsize=FITS_KEPT)
def _fitted(corpus: tuple[str, ...]) -> _Vectors:
    """The vectors of a corpus (its distinct texts, sorted), fitted once for every caller."""
    return _Vectors(corpus)


def _query_parts(interest: Interest) -> tuple[tuple[str, float], ...]:
    """The texts a wish is read from, with their weights; the topic joins when words are few."""
    parts = tuple((text, INTEREST_WEIGHTS[kind]) for kind, text in interest.statements)
    main = interest.statements[0][1]
    if interest.topic and len(words(main)) < MIN_CONTENT_WORDS:
        parts += ((interest.topic, TOPIC_WEIGHT),)
    return parts


def _combine(parts: Iterable[tuple[dict[str, float], float]]) -> dict[str, float]:
    """The weighted sum of term vectors, L2-normalised again."""
    total: dict[str, float] = defaultdict(float)
    for vector, weight in parts:
        for term, value in vector.items():
            total[term] += weight * value
    norm = math.sqrt(sum(v * v for v in total.values()))
    return {t: v / norm for t, v in total.items()} if norm else {}


def match_offices(
    interests: Sequence[Interest],
    projects: Sequence[Project],
    *,
    recommendations: Iterable[int] | None = None,
    maturity_weight: float = DEFAULT_MATURITY_WEIGHT,
) -> list[Match]:
    """Every (audience, presenter) pair on each recommendation, best presenters first.

    Sorted by audience, recommendation, then score descending; an office never meets itself.
    """
    if not 0 <= maturity_weight <= 1:
        raise ValueError("the maturity weight is between 0 and 1")
    wanted = set(recommendations) if recommendations is not None else None
    # Every text counts towards the fit, whichever recommendations are asked for: the page of
    # one recommendation and a line-up over several then agree on relevance.
    queries = [(interest, _query_parts(interest)) for interest in interests]
    texts = {text for _, parts in queries for text, _ in parts} | {p.text for p in projects}
    vectors = _fitted(tuple(sorted(texts)))
    wishes: dict[str, set[int]] = defaultdict(set)
    for interest in interests:
        wishes[interest.office].add(interest.recommendation)
    offers: dict[str, set[int]] = defaultdict(set)
    by_recommendation: dict[int, list[Project]] = defaultdict(list)
    for project in projects:
        offers[project.office].add(project.recommendation)
        by_recommendation[project.recommendation].append(project)

    # Generated and real surveys repeat texts: score each distinct pair of texts once.
    similarity_cache: dict[tuple, tuple[float, float, float, list[dict]]] = {}
    maturity_cache: dict[tuple, tuple[float, list[str]]] = {}
    query_cache: dict[tuple, dict[str, float]] = {}
    keep = 1 - maturity_weight
    matches: list[Match] = []
    for interest, parts in queries:
        if wanted is not None and interest.recommendation not in wanted:
            continue
        if parts not in query_cache:
            query_cache[parts] = _combine((vectors[text], weight) for text, weight in parts)
        query = query_cache[parts]
        kinds, weight, text = list(interest.kinds), interest.weight, interest.text
        read_topic = len(parts) > len(interest.statements)
        wished = wishes[interest.office]
        best: dict[str, Match] = {}
        for project in by_recommendation.get(interest.recommendation, ()):
            if project.office == interest.office:
                continue
            key = (parts, project.text)
            if key not in similarity_cache:
                cosine, contributions = _similarity(query, vectors[project.text])
                terms = [
                    {"term": vectors.surface.get(stem, stem), "weight": round(share, 4)}
                    for stem, share in contributions[:MAX_TERMS]
                ]
                relevance = STRUCTURAL + (1 - STRUCTURAL) * min(1.0, cosine / STRONG)
                similarity_cache[key] = (relevance, round(relevance, 4), round(cosine, 4), terms)
            relevance, shown_relevance, shown_cosine, terms = similarity_cache[key]
            said = (project.text, project.stated_maturity)
            if said not in maturity_cache:
                maturity_cache[said] = project.read_maturity()
            level, cues = maturity_cache[said]
            score = round(relevance * (keep + maturity_weight * level), 4)
            earlier = best.get(project.office)
            if earlier is not None and earlier.score >= score:
                continue
            best[project.office] = Match(
                audience=interest.office,
                presenter=project.office,
                recommendation=interest.recommendation,
                score=score,
                relevance=shown_relevance,
                maturity=level,
                reasons={
                    "recommendations": sorted(wished & offers[project.office]),
                    "interest": kinds,
                    "interest_weight": weight,
                    "text_similarity": shown_cosine,
                    "terms": terms,
                    "read_topic": read_topic,
                    "maturity_cues": cues,
                    "audience_text": text,
                    "presenter_text": project.text,
                    "presenter_source": project.source,
                    "presenter_reference": project.reference,
                },
            )
        matches.extend(best.values())
    matches.sort(key=lambda m: (m.audience, m.recommendation, -m.score, m.presenter))
    return matches


def _similarity(
    query: dict[str, float], document: dict[str, float]
) -> tuple[float, list[tuple[str, float]]]:
    """Cosine of two L2-normalised term vectors, and each shared term's share of it."""
    if len(query) > len(document):
        shared = [t for t in document if t in query]
    else:
        shared = [t for t in query if t in document]
    contributions = sorted(
        ((t, query[t] * document[t]) for t in shared), key=lambda item: (-item[1], item[0])
    )
    return sum(w for _, w in contributions), contributions
