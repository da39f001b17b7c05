"""How useful office P's presentation would be to office A, and why.

The one scorer of the app: pure (no Flask, no database), deterministic and explainable.

- Evidence (`evidence.py`): each project reads as working, under way, a plan or a need. Only
  working and under-way projects present (plans too, when a co-lead asks); a need is demand.
  What it has to show also counts: a measured result, named systems and standards (more where
  the project meets the audience's wish), detail, and whether it is more than taking part in
  others' work ("Participation in CWS TFs").
- Relevance: the share of the audience's topics (`vocabulary.py`) that the project covers, then
  TF-IDF word similarity for what the topics do not name. The audience's wish is its question 8
  and question 6 words and, when those say nothing specific ("Recommendation 10"), its own other
  answers on that recommendation (question 5, its own question 4 work): never the
  recommendation's title, which every project on it echoes.
- News: a project that names the audience itself (ES "cooperating with EPO, EUIPO and WIPO", for
  EP) is work the audience takes part in, no news to it: it scores 0 for that audience.
- Peer fit: an audience that says it has limited capacity ("limited resources", "guidance")
  learns most from an office of its own size or WIPO group.

The score is the weighted mean of these features (FEATURES, each 0..1), times a relevance factor
(RELEVANCE_GATE: from 0.9 for a project off the audience's topics to 1 for its most relevant
one), so it runs from 0 to 1.

A co-lead's mark on a pair ("useful", "not useful", "must present to") overrides the score.
Scores are computed a recommendation at a time as matrices; `Match` objects, with their
reasons, are built only for the presenters a caller asks for (`limit` per audience).
"""

import gc
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from planner.matching import evidence as ev
from planner.matching.evidence import Evidence, EvidenceType
from planner.matching.vocabulary import Vocabulary, bundled, parts
from planner.matching.words import words
from planner.survey.interest import read_interest

# How much an office's statement counts, as demand and as words in its wish.
INTEREST_WEIGHTS = {"discuss": 1.0, "need": 1.0, "challenge": 0.5}
# Context read for the wish when its statements name no topic: weaker than what was asked.
CONTEXT_WEIGHTS = {"low priority": 0.5, "focus": 0.3}
MAX_TERMS = 8
FITS_KEPT = 8
# A co-lead's marks, the score each stands for, and how they sort (must-present first).
MARKS = {
    "must_present": ("must present to", 1.0),
    "useful": ("useful", 0.9),
    "not_useful": ("not useful", 0.0),
}
MARK_ORDER = {"must_present": 2, "useful": 1}  # the marks that rank a pair before its score


# What the score weighs, each a number from 0 to 1 for an (audience, project) pair.
FEATURES = {
    "evidence": "how far along the project is (working 1, under way 0.65, plan 0.25)",
    "measured": "the project states a measured result",
    "topics_named": "how many topics the project names (four or more count fully)",
    "detail": "how much the project text says (about forty content words count fully)",
    "concrete": "the project names concrete things: systems, standards, addresses",
    "system": "the project is a system or practice, not only a document (a policy, a strategy)",
    "substance": "the project names a topic of its work (not only a plan it runs under) and is "
    "more than taking part in others' work",
    "topic": "share of the audience's topics the project covers",
    "text": "word similarity between the wish and the project (TF-IDF cosine)",
    "relevant_evidence": "relevance (topics first, then words) times how far along the project is",
    "relevant_concrete": "how concrete the project is, times its relevance as a share of the "
    "audience's most relevant project's (1 for every project when the audience names nothing)",
    "peer": "same size or WIPO group, for an audience that says it has limited capacity",
    "size": "how close the two offices are in size",
}
# How topic overlap and word similarity make up the relevance shown beside the score.
TOPIC_SHARE = 0.75
# What the audience asked for bounds the rest: the weighted mean is multiplied by
# 1 - GATE + GATE × (the pair's relevance ÷ the audience's most relevant project's). A rich
# project off the audience's topic loses up to this share to one on it; an audience whose wish
# names nothing (every relevance 0) is ranked by the weighted mean alone.
RELEVANCE_GATE = 0.1


@dataclass(frozen=True)
class Weights:
    """The weight of each feature in the score (FEATURES says what each is); the score is the
    weighted mean of the features, so it runs from 0 to 1.

    The defaults were fitted to the independent judgements in tests/matching/judgements.json
    (`bench/matching_quality.py` shows how they do on recommendations they were not fitted on),
    rounded; the fit gave topic overlap and peer fit no weight on those 553 pairs, so they keep a
    floor (1.0 and 0.5): what an audience asked for, and who its peers are, must always count.
    (A document's lower evidence level, `evidence.Evidence.level`, now carries most of what the
    `system` feature did, so the fit leaves `system` almost nothing.) `flask --app app match fit`
    fits the weights to co-leads' marks, and a co-lead may adopt the fit.

    In the defaults, concreteness counts only through `relevant_concrete` (the rubric's top
    grade is a concrete project that answers the audience's need; a fit to co-leads' marks may
    weigh `concrete` again), with the 2.55 `concrete` and it had together:
    named systems make a project worth showing to an audience as far as it meets the audience's
    wish. Counted as such as well, they put BR's patent-lifecycle BPMS first on Rec 1 for US,
    whose challenge is coordinating business, legal and IT, where each of six raters graded
    JP's integrated digital strategy as high as any presenter (mean grades 2.5–3 against BR's
    1–1.5). The change was chosen with the three judgement sets in view; the third replication
    (raters 7 and 8), graded meanwhile from the annex alone, was not read until it was made
    (bench/matching_quality.py)."""

    evidence: float = 4.4
    measured: float = 0.85
    topics_named: float = 0.0
    detail: float = 1.15
    concrete: float = 0.0
    system: float = 0.05
    substance: float = 1.7
    topic: float = 1.0
    text: float = 0.7
    relevant_evidence: float = 0.75
    relevant_concrete: float = 2.55
    peer: float = 0.5
    size: float = 0.3

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def total(self) -> float:
        return sum(self.as_dict().values()) or 1.0


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Peer:
    """What peer fit compares: an office's size and WIPO group; and how others' texts name it
    (`evidence.names_of` its stored name), to tell a project it takes part in itself."""

    size: str | None = None
    group: str | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    """A co-lead's judgement of one pair, which overrides the score."""

    verdict: str  # a key of MARKS
    note: str = ""
    by: str | None = None
    at: str | None = None
    # The survey whose answers it was made on (its label), where known.
    survey: str | None = None

    @property
    def label(self) -> str:
        return MARKS[self.verdict][0]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "label": self.label,
            "note": self.note,
            "by": self.by,
            "at": self.at,
            "survey": self.survey,
        }


@dataclass(frozen=True)
class UnrankedMark:
    """A co-lead's mark that ranks no pair (see `Scorer.unranked_marks`)."""

    audience: str
    presenter: str
    recommendation: int
    mark: Mark
    why: str

    @property
    def reasons(self) -> dict:
        # As a match's reasons carry a mark: the mark form reads it from there.
        return {"mark": self.mark.as_dict()}


@dataclass(frozen=True)
class Interest:
    """An office that wants a recommendation discussed (Q8), finds it a big challenge (Q6), or
    asks for help with it (a need in its Q4 answer or proposal).

    `statements` are (kind, text) pairs, kind a key of INTEREST_WEIGHTS; `context` are the
    office's other answers on the recommendation, (kind, text) with kind a key of
    CONTEXT_WEIGHTS, read only when the statements name no topic.
    """

    office: str
    recommendation: int
    statements: tuple[tuple[str, str], ...]
    context: tuple[tuple[str, str], ...] = ()

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
    # A stage the office stated in a proposal (key, label), instead of one read from cue words.
    stated: tuple[str, str] | None = None

    @property
    def evidence(self) -> Evidence:
        return ev.stated(*self.stated) if self.stated else ev.read(self.text)


@dataclass(frozen=True)
class Match:
    audience: str
    presenter: str
    recommendation: int
    score: float
    relevance: float
    maturity: float
    evidence: str
    reasons: dict = field(compare=False)
    rank: int = field(default=1, compare=False)
    of: int = field(default=1, compare=False)

    def as_dict(self) -> dict:
        return {
            "audience": self.audience,
            "presenter": self.presenter,
            "recommendation": self.recommendation,
            "score": self.score,
            "relevance": self.relevance,
            "maturity": self.maturity,
            "evidence": self.evidence,
            "rank": self.rank,
            "of": self.of,
            "reasons": self.reasons,
        }


# How much more of a wish a presenter ranked lower must meet to be named as meeting more of it.
CLEARLY_MORE_RELEVANT = 0.05


def more_relevant_below(listing: Sequence[Match], named: int = 3) -> dict[tuple[str, str], list]:
    """For each match of one audience's list (best first) ranked by its score, the presenters
    ranked below it that meet clearly more of the audience's wish (at most `named`): why it
    ranks above them is what it has to show, which the page says. A marked pair ranks by the
    co-lead's word, and a wish that names nothing has no relevance to compare."""
    found = {}
    for k, match in enumerate(listing):
        if match.reasons.get("specific") and not match.reasons.get("mark"):
            least = match.relevance + CLEARLY_MORE_RELEVANT
            below = [m.presenter for m in listing[k + 1 :] if m.relevance >= least]
            found[match.audience, match.presenter] = below[:named]
    return found


@dataclass(frozen=True)
class _Wish:
    """An interest as the scorer reads it: topic weights, word vector, capacity cues."""

    parts: tuple[tuple[str, str, float], ...]  # (kind, text, weight) read
    topics: dict[str, float]
    has_words: bool
    limited: tuple[str, ...]
    read_context: bool

    @property
    def specific(self) -> bool:
        return bool(self.topics or self.has_words)


class _Vectors:
    """TF-IDF vectors of a corpus's texts (their words the vocabulary does not name), fitted once:
    a sparse matrix with one L2-normalised row per distinct text."""

    def __init__(self, corpus: tuple[str, ...], vocabulary: Vocabulary) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        found = {text: words(ev.strip_capacity(vocabulary.residual(text))) for text in corpus}
        vectorizer = TfidfVectorizer(
            analyzer=lambda text: [stem for stem, _ in found[text]], sublinear_tf=True, norm="l2"
        )
        if any(found[text] for text in corpus):
            self.matrix = vectorizer.fit_transform(corpus).tocsr()
            self.terms_list = [str(t) for t in vectorizer.get_feature_names_out()]
        else:
            # No text has a word to compare (one-letter answers, no answers at all): nothing is
            # similar by its words; topics and evidence still rank.
            from scipy.sparse import csr_matrix

            self.matrix = csr_matrix((len(corpus), 0))
            self.terms_list = []
        self.row = {text: k for k, text in enumerate(corpus)}
        self._terms: dict[str, dict[str, float]] = {}
        surfaces: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for pairs in found.values():
            for stem, surface in pairs:
                surfaces[stem][surface] += 1
        # The most frequent spelling of each stem, for people to read ("governance", not "govern").
        self.surface = {
            stem: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            for stem, counts in surfaces.items()
        }

    def rows(self, texts: Sequence[str]):
        return self.matrix[[self.row[t] for t in texts]]

    def has_words(self, text: str) -> bool:
        k = self.row[text]
        return bool(self.matrix.indptr[k + 1] > self.matrix.indptr[k])

    def terms(self, text: str) -> dict[str, float]:
        """A text's term weights, read once."""
        found = self._terms.get(text)
        if found is None:
            found = self._terms[text] = _row_terms(self.matrix, self.row[text], self.terms_list)
        return found

    def combined(self, parts: Sequence[Sequence[tuple[str, float]]]):
        """One L2-normalised row per list of (text, weight): the weighted sum of their vectors."""
        from scipy.sparse import csr_array
        from sklearn.preprocessing import normalize

        data, rows, columns = [], [], []
        for i, weighted in enumerate(parts):
            for text, weight in weighted:
                rows.append(i)
                columns.append(self.row[text])
                data.append(weight)
        mix = csr_array((data, (rows, columns)), shape=(len(parts), self.matrix.shape[0]))
        if not parts or not self.matrix.shape[1]:  # no rows, or no words: nothing to normalise
            return (mix @ self.matrix).tocsr()
        return normalize(mix @ self.matrix, norm="l2").tocsr()


def _row_terms(matrix, row: int, terms: Sequence[str]) -> dict[str, float]:
    """Row `row` of a CSR matrix as {term: weight}, without slicing the matrix."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return {
        terms[k]: float(v)
        for k, v in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
    }


@lru_cache(maxsize=FITS_KEPT)
def _fitted(corpus: tuple[str, ...], vocabulary: Vocabulary) -> _Vectors:
    """The vectors of a corpus (its distinct texts, sorted), fitted once for every caller."""
    return _Vectors(corpus, vocabulary)


def _topic_idf(projects: Sequence[Project], vocabulary: Vocabulary) -> dict[str, float]:
    """Rarer topics say more: idf = 1 + ln((1 + n) / (1 + projects naming the topic))."""
    texts = {ev.presented(p.text) for p in projects}
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        for mention in vocabulary.mentions(text):
            counts[mention.topic] += 1
    n = len(texts)
    return {
        topic: 1 + float(np.log((1 + n) / (1 + counts.get(topic, 0))))
        for topic in vocabulary.topics
    }


def _wish(interest: Interest, vocabulary: Vocabulary, vectors: _Vectors, idf) -> _Wish:
    parts = [(kind, text, INTEREST_WEIGHTS[kind]) for kind, text in interest.statements]

    def topics_of(parts) -> dict[str, float]:
        topics: dict[str, float] = defaultdict(float)
        for _, text, weight in parts:
            for mention in vocabulary.mentions(text):
                topics[mention.topic] = max(topics[mention.topic], weight * idf[mention.topic])
        return dict(topics)

    topics = topics_of(parts)
    read_context = False
    if not topics and interest.context:
        parts += [(kind, text, CONTEXT_WEIGHTS[kind]) for kind, text in interest.context]
        topics = topics_of(parts)
        read_context = True
    limited = tuple(dict.fromkeys(cue for _, text, _ in parts for cue in ev.capacity_cues(text)))
    has_words = any(vectors.has_words(text) for _, text, _ in parts)
    return _Wish(tuple(parts), topics, has_words, limited, read_context)


@dataclass(frozen=True)
class Scores:
    """The scores of one recommendation: audiences (rows) × presenting projects (columns)."""

    recommendation: int
    interests: list[Interest]
    projects: list[Project]
    features: dict[str, np.ndarray]  # each FEATURES name: a rows × columns matrix
    unmarked: np.ndarray  # the score before co-leads' marks
    score: np.ndarray
    relevance: np.ndarray
    others: np.ndarray  # True where the presenting office is not the audience's own
    allowed: np.ndarray  # `others`, less the pairs a mark says are not useful
    order: np.ndarray  # rank key: marks first, then score
    factor: np.ndarray  # the relevance factor (RELEVANCE_GATE) the weighted mean was multiplied by
    wishes: list[_Wish]
    wish_vectors: object  # sparse rows, one per audience
    offices: np.ndarray  # each project's office

    def best_columns(
        self, key: np.ndarray | None = None, among: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Each audience's best project of each office (by `key`, the rank order unless given,
        among the `allowed` pairs unless given), best first; ties go to the office code, then
        to the project listed first. Every audience's at once: a sort of the whole matrix, not
        one per audience."""
        key = self.order if key is None else key
        among = self.allowed if among is None else among
        n, m = key.shape
        codes, office = np.unique(self.offices, return_inverse=True)
        several = len(codes) < m
        office = np.broadcast_to(office.reshape(1, m), (n, m))
        # Allowed pairs first, then by key, office and column (lexsort is stable).
        order = np.lexsort((office, -key, ~among), axis=-1)
        kept = np.take_along_axis(among, order, axis=-1)
        if several:
            # An office with several projects: only the first (best) of each is kept.
            offices = np.take_along_axis(office, order, axis=-1)
            by_office = np.argsort(offices, axis=-1, kind="stable")
            grouped = np.take_along_axis(offices, by_office, axis=-1)
            first = np.ones((n, m), dtype=bool)
            first[:, 1:] = grouped[:, 1:] != grouped[:, :-1]
            firsts = np.empty((n, m), dtype=bool)
            np.put_along_axis(firsts, by_office, first, axis=-1)
            kept &= firsts
        return [order[i][kept[i]] for i in range(n)]


SIZE_ORDER = {"small": 0, "medium": 1, "large": 2}


def features(
    interests: Sequence[Interest],
    projects: Sequence[Project],
    wishes: Sequence[_Wish],
    wish_vectors,
    *,
    vectors: _Vectors,
    offices: Mapping[str, Peer],
    vocabulary: Vocabulary,
) -> dict[str, np.ndarray]:
    """Each feature of FEATURES for every (audience, project) pair, as matrices."""
    n, m = len(interests), len(projects)
    evidence = [p.evidence for p in projects]
    # What a project shows is what works or is under way: its planned clauses are left out.
    shown = [ev.presented(p.text) for p in projects]
    # The topics of the work itself, not of a plan it runs under ("Projects under SP2028"): a
    # strategic plan named meets a wish for strategy, but is no substance of the work.
    named = [{x.topic for x in vocabulary.mentions(ev.unframed(text))} for text in shown]

    def per_project(values) -> np.ndarray:
        return np.broadcast_to(np.array(list(values), dtype=float).reshape(1, m), (n, m))

    found: dict[str, np.ndarray] = {
        "evidence": per_project(e.level for e in evidence),
        "measured": per_project(bool(e.measured) for e in evidence),
        "topics_named": per_project(min(1.0, len(t) / 4) for t in named),
        "detail": per_project(
            min(1.0, np.log1p(len(words(text))) / np.log1p(40)) for text in shown
        ),
        "concrete": per_project(min(1.0, len(e.named) / 3) for e in evidence),
        "system": per_project(not e.document for e in evidence),
        "substance": per_project(
            bool(t - {"cooperation"}) or (bool(t) and not e.participation)
            for e, t in zip(evidence, named, strict=True)
        ),
    }
    # Topic coverage: the share of the audience's (idf-weighted) topics the project names.
    topic_ids = sorted({t for w in wishes for t in w.topics})
    column = {t: k for k, t in enumerate(topic_ids)}
    wanted = np.zeros((n, len(topic_ids)))
    for i, wish in enumerate(wishes):
        for topic, value in wish.topics.items():
            wanted[i, column[topic]] = value
    offered = np.zeros((m, len(topic_ids)))
    for j, text in enumerate(shown):
        for topic in vocabulary.covered(vocabulary.mentions(text)).keys() & column.keys():
            offered[j, column[topic]] = 1.0
    totals = wanted.sum(axis=1, keepdims=True)
    found["topic"] = np.divide(wanted @ offered.T, totals, out=np.zeros((n, m)), where=totals > 0)
    if n and m:
        cosine = (wish_vectors @ vectors.rows(shown).T).todense()
        found["text"] = np.minimum(1.0, np.asarray(cosine))
    else:
        found["text"] = np.zeros((n, m))
    specific = np.array([wish.specific for wish in wishes], dtype=bool).reshape(n)
    found["text"][~specific] = 0.0
    relevance = relevance_of(found)
    found["relevant_evidence"] = relevance * found["evidence"]
    others = np.array([i.office for i in interests], dtype=object).reshape(n, 1) != np.array(
        [p.office for p in projects], dtype=object
    ).reshape(1, m)
    found["relevant_concrete"] = relevance_share(relevance, others) * found["concrete"]
    own = [offices.get(i.office, Peer()) for i in interests]
    other = [offices.get(p.office, Peer()) for p in projects]
    peer = np.zeros((n, m))
    for attribute in ("size", "group"):
        codes: dict[str, int] = {}
        a = [
            codes.setdefault(v, len(codes)) if v else -1
            for v in (getattr(o, attribute) for o in own)
        ]
        b = [
            codes.setdefault(v, len(codes)) if v else -2
            for v in (getattr(o, attribute) for o in other)
        ]
        peer = np.maximum(
            peer, np.equal.outer(np.array(a, int).reshape(n), np.array(b, int).reshape(m))
        )
    limited = np.array([bool(wish.limited) for wish in wishes], dtype=bool).reshape(n)
    peer[~limited] = 0.0
    found["peer"] = peer
    a_size = np.array([SIZE_ORDER.get(o.size or "", np.nan) for o in own], dtype=float).reshape(n)
    b_size = np.array([SIZE_ORDER.get(o.size or "", np.nan) for o in other], dtype=float).reshape(m)
    closeness = 1 - np.abs(np.subtract.outer(a_size, b_size)) / 2
    found["size"] = np.nan_to_num(closeness, nan=0.5)
    return found


def relevance_of(found: Mapping[str, np.ndarray]) -> np.ndarray:
    """What the pages call relevance: topic overlap first, then word similarity."""
    return TOPIC_SHARE * found["topic"] + (1 - TOPIC_SHARE) * found["text"]


def relevance_share(relevance: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Each pair's relevance as a share of the best relevance among the other offices' projects
    for the same audience, at most 1 (1 for every pair where the best is 0)."""
    best = np.where(others, relevance, 0.0).max(axis=1, initial=0.0, keepdims=True)
    share = np.divide(relevance, best, out=np.ones_like(relevance), where=best > 0)
    return np.minimum(share, 1.0)


def _gate(relevance: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Each pair's factor RELEVANCE_GATE, from its `relevance_share`."""
    return 1 - RELEVANCE_GATE + RELEVANCE_GATE * relevance_share(relevance, others)


def audience_named(
    interests: Sequence[Interest], projects: Sequence[Project], names: ev.OfficeNames
) -> np.ndarray:
    """Where project j's text names audience i's office (`evidence.offices_named` with every
    office's `office_names`), as a matrix of audiences × projects."""
    found = np.zeros((len(interests), len(projects)), dtype=bool)
    rows: dict[str, list[int]] = {}
    for i, interest in enumerate(interests):
        rows.setdefault(interest.office, []).append(i)
    for j, project in enumerate(projects):
        for code in ev.offices_named(project.text, names) & rows.keys() - {project.office}:
            found[rows[code], j] = True
    return found


def office_names(offices: Mapping[str, Peer]) -> ev.OfficeNames:
    """Every office's names, as `evidence.offices_named` searches a text for them: all of them,
    audiences or not, so that a name inside another office's name is read as that office's."""
    return ev.OfficeNames(
        (code, peer.names) for code, peer in sorted(offices.items()) if peer.names
    )


def score_recommendation(
    recommendation: int,
    interests: Sequence[Interest],
    projects: Sequence[Project],
    *,
    vectors: _Vectors,
    idf: Mapping[str, float],
    offices: Mapping[str, Peer],
    marks: Mapping[tuple[str, str, int], Mark],
    weights: Weights,
    vocabulary: Vocabulary,
    names: ev.OfficeNames,
) -> Scores:
    """Every audience against every presenting project of one recommendation, as matrices.
    `names` are `office_names(offices)`, built once by a scorer for all its recommendations."""
    # Offices often say the same words ("2, 3, 10"): read each wording once.
    read: dict[tuple, _Wish] = {}
    wishes = []
    for interest in interests:
        key = (interest.statements, interest.context)
        if key not in read:
            read[key] = _wish(interest, vocabulary, vectors, idf)
        wishes.append(read[key])
    n, m = len(interests), len(projects)
    wish_vectors = vectors.combined([[(t, w) for _, t, w in wish.parts] for wish in wishes])
    found = features(
        interests,
        projects,
        wishes,
        wish_vectors,
        vectors=vectors,
        offices=offices,
        vocabulary=vocabulary,
    )
    score = sum(weight * found[name] for name, weight in weights.as_dict().items()) / weights.total
    score = np.array(score, dtype=float).reshape(n, m)
    audience_office = np.array([i.office for i in interests], dtype=object).reshape(n)
    presenter_office = np.array([p.office for p in projects], dtype=object).reshape(m)
    others = audience_office[:, None] != presenter_office[None, :]
    relevance = relevance_of(found)
    factor = _gate(relevance, others)
    score *= factor
    # A project that names the audience itself (ES "cooperating with EPO, EUIPO and WIPO", for
    # EP) is work the audience takes part in: no news to it, it scores 0 and ranks last for it.
    score[audience_named(interests, projects, names)] = 0.0
    unmarked = score.copy()
    allowed = others.copy()
    order = score.copy()
    row = {i.office: k for k, i in enumerate(interests)}
    columns: dict[str, list[int]] = defaultdict(list)
    for k, p in enumerate(projects):
        columns[p.office].append(k)
    for (audience, presenter, number), mark in marks.items():
        if number != recommendation or audience not in row or presenter not in columns:
            continue
        i = row[audience]
        for j in columns[presenter]:
            if not allowed[i, j]:
                continue
            score[i, j] = MARKS[mark.verdict][1]
            order[i, j] = MARK_ORDER.get(mark.verdict, 0) + score[i, j]
            allowed[i, j] = mark.verdict != "not_useful"
    return Scores(
        recommendation,
        list(interests),
        list(projects),
        found,
        unmarked,
        np.round(score, 4),
        relevance,
        others,
        allowed,
        order,
        np.round(factor, 4),
        wishes,
        wish_vectors,
        presenter_office,
    )


@dataclass
class Scorer:
    """Scores a survey's interests against its projects, one recommendation at a time."""

    interests: Sequence[Interest]
    projects: Sequence[Project]
    offices: Mapping[str, Peer] = field(default_factory=dict)
    marks: Mapping[tuple[str, str, int], Mark] = field(default_factory=dict)
    weights: Weights = DEFAULT_WEIGHTS
    include_plans: bool = False
    vocabulary: Vocabulary = field(default_factory=bundled)

    def __post_init__(self) -> None:
        # Every text counts towards the fit, whichever recommendations are asked for: the page
        # of one recommendation and a line-up over several then agree on relevance.
        texts = {t for i in self.interests for _, t in (*i.statements, *i.context)}
        texts |= {ev.presented(p.text) for p in self.projects}
        self.vectors = _fitted(tuple(sorted(texts)), self.vocabulary)
        self.idf = _topic_idf(self.projects, self.vocabulary)
        self._names = office_names(self.offices)
        presenting = set(ev.PRESENTING)
        if self.include_plans:
            presenting.add(EvidenceType.plan)
        self._interests: dict[int, list[Interest]] = defaultdict(list)
        for interest in self.interests:
            self._interests[interest.recommendation].append(interest)
        self._projects: dict[int, list[Project]] = defaultdict(list)
        self.set_aside: dict[int, list[Project]] = defaultdict(list)
        for project in self.projects:
            if project.evidence.type in presenting:
                self._projects[project.recommendation].append(project)
            else:
                self.set_aside[project.recommendation].append(project)

    def presenting(self, recommendation: int) -> list[Project]:
        """The projects that may present on a recommendation: working, under way, plans if asked."""
        return list(self._projects.get(recommendation, []))

    @property
    def recommendations(self) -> list[int]:
        return sorted(set(self._interests) & set(self._projects))

    def scores(self, recommendation: int) -> Scores:
        return score_recommendation(
            recommendation,
            self._interests.get(recommendation, []),
            self._projects.get(recommendation, []),
            vectors=self.vectors,
            idf=self.idf,
            offices=self.offices,
            marks=self.marks,
            weights=self.weights,
            vocabulary=self.vocabulary,
            names=self._names,
        )

    def presents(self, office: str, recommendation: int) -> bool:
        return any(p.office == office for p in self._projects.get(recommendation, []))

    def not_presenting(self, office: str, recommendation: int) -> str:
        """Why an office does not present on a recommendation, in words."""
        kinds = {
            p.evidence.type for p in self.set_aside.get(recommendation, []) if p.office == office
        }
        if EvidenceType.need in kinds:
            return (
                f"{office}'s answer on Rec {recommendation} asks for help (a need): it is "
                "demand, not a presenter"
            )
        if EvidenceType.plan in kinds:
            return (
                f"{office}'s answer on Rec {recommendation} is a plan: it presents only when "
                "plans are considered"
            )
        return f"{office} shows no project on Rec {recommendation} in this survey"

    def wants(self, office: str, recommendation: int) -> bool:
        return any(i.office == office for i in self._interests.get(recommendation, []))

    def unranked_marks(self, recommendation: int) -> list["UnrankedMark"]:
        """The co-leads' marks on a recommendation that rank no pair, and why: a pair ruled out
        ("not useful"), or one whose presenter no longer presents or whose audience no longer
        asks (after a re-import, or with plans not considered). Listed so that a mark is never
        out of sight, nor out of reach to change."""
        found = []
        for (audience, presenter, number), mark in sorted(self.marks.items()):
            if number != recommendation:
                continue
            if not self.presents(presenter, number):
                why = self.not_presenting(presenter, number) + "."
            elif not self.wants(audience, number):
                why = f"{audience} does not ask for Rec {number} in this survey."
            elif mark.verdict == "not_useful":
                why = "Ruled out: left out of the ranking and of line-ups."
            else:
                continue
            found.append(UnrankedMark(audience, presenter, number, mark, why))
        return found

    def best(self, recommendation: int) -> dict[tuple[str, str], float]:
        """{(audience, presenter office): score of its best project}, the pairs a mark allows."""
        s = self.scores(recommendation)
        return {
            (interest.office, s.offices[j]): float(s.score[i, j])
            for (i, interest), columns in zip(enumerate(s.interests), s.best_columns(), strict=True)
            for j in columns
        }

    def matches(
        self, recommendations: Iterable[int] | None = None, *, limit: int | None = None
    ) -> list[Match]:
        """The best presenters of each audience (at most `limit`), with their reasons."""
        return self.window(recommendations, limit=limit)[1]

    def window(
        self,
        recommendations: Iterable[int] | None = None,
        *,
        limit: int | None = None,
        start: int = 0,
        stop: int | None = None,
        strongest_first: bool = False,
        office: str | None = None,
        role: str | None = None,
        evidence: str | None = None,
    ) -> tuple[int, list[Match]]:
        """How many matches `matches` gives, and those from `start` to `stop` in its order
        (audience, recommendation, rank; audiences with the strongest interest first if asked).
        Only the matches in the window are built: a page of a large survey costs its own rows,
        not every pair's reasons.

        `office` keeps the matches that office is in (as the audience, or as the presenter; with
        `role`, "audience" or "presenter", only as that one); `evidence` keeps presenters whose
        project reads so (working, under way, plan). Ranks stay those of the whole list, so a
        filtered row still says where it stands."""
        wanted = self.recommendations if recommendations is None else sorted(set(recommendations))
        listings: list[tuple[float, str, int, Scores, int, np.ndarray]] = []
        for number in wanted:
            if number not in self._interests or number not in self._projects:
                continue
            s = self.scores(number)
            for (i, interest), ranked in zip(enumerate(s.interests), s.best_columns(), strict=True):
                strength = -interest.weight if strongest_first else 0.0
                listings.append((strength, interest.office, number, s, i, ranked))
        listings.sort(key=lambda listing: listing[:3])
        chosen: list[tuple[Scores, int, int, int, int]] = []
        position = 0
        for _, audience, _, s, i, ranked in listings:
            shown = [(rank, int(j)) for rank, j in enumerate(ranked[:limit], 1)]
            if office is not None and role == "audience" and audience != office:
                shown = []
            elif office is not None and (audience != office or role == "presenter"):
                # Never its own presenter: as the audience, the office's list is whole.
                shown = [(r, j) for r, j in shown if s.projects[j].office == office]
            if evidence is not None:
                shown = [(r, j) for r, j in shown if s.projects[j].evidence.type.value == evidence]
            first, last = max(start - position, 0), len(shown) if stop is None else stop - position
            chosen += [(s, i, j, rank, len(ranked)) for rank, j in shown[first : max(last, first)]]
            position += len(shown)
        return position, self._matches(chosen)

    def _matches(self, chosen: Sequence[tuple[Scores, int, int, int, int]]) -> list[Match]:
        """The matches of the chosen pairs ((scores, audience row, project column, rank, of)),
        with their reasons. Each recommendation's numbers for its pairs are read from its
        matrices at once; what depends only on the audience or only on the project is read
        once per recommendation (`cache`)."""
        with _collector_paused():
            picked: dict[int, list[int]] = defaultdict(list)
            for k, (s, *_) in enumerate(chosen):
                picked[s.recommendation].append(k)
            numbers: list[tuple] = [()] * len(chosen)
            for ks in picked.values():
                s = chosen[ks[0]][0]
                rows = np.array([chosen[k][1] for k in ks], dtype=int)
                columns = np.array([chosen[k][2] for k in ks], dtype=int)
                features = np.stack([v[rows, columns] for v in s.features.values()], axis=1)
                found = zip(
                    s.score[rows, columns].tolist(),
                    s.relevance[rows, columns].tolist(),
                    s.factor[rows, columns].tolist(),
                    np.round(features, 4).tolist(),
                    strict=True,
                )
                for k, values in zip(ks, found, strict=True):
                    numbers[k] = values
            caches: dict[int, dict] = defaultdict(dict)
            return [
                self._match(s, i, j, rank, of, caches[s.recommendation], *values)
                for (s, i, j, rank, of), values in zip(chosen, numbers, strict=True)
            ]

    def _match(
        self,
        s: Scores,
        i: int,
        j: int,
        rank: int,
        of: int,
        cache: dict,
        score: float,
        relevance: float,
        factor: float,
        features: Sequence[float],
    ) -> Match:
        """One match with its reasons, given its numbers (`_matches`)."""
        interest, project, wish = s.interests[i], s.projects[j], s.wishes[i]
        evidence = project.evidence
        if ("audience", i) not in cache:
            ordered = sorted(wish.topics, key=lambda t: (-wish.topics[t], t))
            # The words of the wish that named each topic (the first, as the audience wrote it,
            # with a few of their neighbours: `Mention.phrase`).
            said: dict[str, str] = {}
            for _, text, _ in wish.parts:
                for mention in self.vocabulary.mentions(text):
                    said.setdefault(mention.topic, mention.phrase)
            labels = [self.vocabulary.label(t) for t in ordered]
            cache[("audience", i)] = (
                [(t, label, said.get(t, "")) for t, label in zip(ordered, labels, strict=True)],
                labels,
                _row_terms(s.wish_vectors, i, self.vectors.terms_list),
                [kind for kind, _ in interest.context] if wish.read_context else [],
                # Whether any other office's project meets some of the wish: when none does,
                # every presenter ranks by what it has to show, as for a wish naming nothing.
                bool(np.where(s.others[i], s.relevance[i], 0.0).max(initial=0.0) > 0),
                interest.kinds,
                interest.weight,
                interest.text,
                self._not_read(s, i, cache),
            )
        if ("project", j) not in cache:
            cache[("project", j)] = (
                self.vocabulary.covered(
                    self.vocabulary.mentions(ev.presented(project.text)), quoted=True
                ),
                evidence.as_dict() | {"reason": evidence.reason},
                self.vectors.terms(ev.presented(project.text)),
                evidence.level,
                evidence.type.value,
            )
        (topics, labels, wish_terms, read_context, wish_met, kinds, weight, text, not_read) = cache[
            ("audience", i)
        ]
        presenter_topics, evidence_reasons, project_terms, level, kind = cache[("project", j)]
        shared = [
            {
                "topic": topic,
                "label": label,
                "presenter_words": presenter_topics[topic],
                "audience_words": said,
            }
            for topic, label, said in topics
            if topic in presenter_topics
        ]
        features = dict(zip(s.features, features, strict=True))
        mark = self.marks.get((interest.office, project.office, s.recommendation))
        # The words by which the project names the audience itself: a partner in it, no news.
        named = (
            ev.naming(project.text, interest.office, self._names)
            if project.office != interest.office
            else ""
        )
        peer_fit = None
        if wish.limited:
            peer = self.offices.get(project.office, Peer())
            own = self.offices.get(interest.office, Peer())
            peer_fit = {
                "same_size": own.size is not None and own.size == peer.size,
                "same_group": own.group is not None and own.group == peer.group,
                "size": peer.size,
                "group": peer.group,
            }
        return Match(
            audience=interest.office,
            presenter=project.office,
            recommendation=s.recommendation,
            score=score,
            relevance=round(relevance, 4),
            maturity=level,
            evidence=kind,
            rank=rank,
            of=of,
            reasons={
                "interest": list(kinds),
                "interest_weight": weight,
                "audience_text": text,
                "read_context": read_context,
                "audience_topics": labels,
                "not_read": not_read,
                "specific": wish.specific,
                "wish_met": wish_met,
                "topics": shared,
                "topic_overlap": features["topic"],
                "text_similarity": features["text"],
                "terms": _shared_terms(wish_terms, project_terms, self.vectors.surface),
                "evidence": evidence_reasons,
                "features": features,
                "relevance_factor": factor,
                "limited_capacity": list(wish.limited),
                "peer_fit": peer_fit,
                "mark": mark.as_dict() if mark else None,
                "names_audience": named or None,
                "presenter_text": project.text,
                "presenter_source": project.source,
                "presenter_reference": project.reference,
            },
        )

    def _not_read(self, s: Scores, i: int, cache: dict) -> list[dict]:
        """The parts of what audience i asked (its statements, not the context read for them)
        that neither the topics nor the presenters' words meet: no topic named, and fewer than
        half of its words in any other office's answer on the recommendation. The ranking does
        not see them (EP's "Cost efficiency and optimization (Financial Sustainability)", on Rec
        1, where only IL says "efficiency"), so a co-lead reads them to mark a pair instead."""
        if "stems" not in cache:
            # Each content word of the presenters' answers (as written, plans too), and whose.
            stems: dict[str, set[str]] = defaultdict(set)
            for project in s.projects:
                for stem, _ in words(project.text):
                    stems[stem].add(project.office)
            cache["stems"] = stems
        stems, office = cache["stems"], s.interests[i].office
        found = []
        for _, text in s.interests[i].statements:
            for part, said in _unnamed_parts(self.vocabulary, text):
                met = {
                    stem: whose
                    for stem in said
                    if (whose := stems.get(stem)) and (len(whose) > 1 or office not in whose)
                }
                if 2 * len(met) >= len(said):
                    continue
                found.append(
                    {
                        "words": part,
                        "met": [
                            {"word": said[stem], "presenters": sorted(whose - {office})}
                            for stem, whose in met.items()
                        ],
                    }
                )
        return found


class _Pauses:
    """How many matchings hold Python's cycle collector back at once (a threaded server's
    requests, a thread's nested ones), and whether it ran before the first: it is one per
    process, so the last to finish lets it run again, not the first (which left the others to
    build their matches with it running), and it stays off where the process had turned it off."""

    lock = threading.Lock()
    count = 0
    resume = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held back while the matches are built: their reasons are many
    small lists and dicts that make no cycle, and the collector, run for every few hundred of
    them, would go through every object of the process again and again (at 500 offices, half
    the time the reasons took). It runs as usual once no matching holds it back (`_Pauses`),
    and does what is left then."""
    with _Pauses.lock:
        if _Pauses.count == 0:
            _Pauses.resume = gc.isenabled()
            gc.disable()
        _Pauses.count += 1
    try:
        yield
    finally:
        with _Pauses.lock:
            _Pauses.count -= 1
            if _Pauses.count == 0 and _Pauses.resume:
                gc.enable()


@lru_cache(maxsize=16384)
def _unnamed_parts(vocabulary: Vocabulary, text: str) -> tuple[tuple[str, dict[str, str]], ...]:
    """The parts of a statement (`vocabulary.parts`) that name no topic and no recommendation by
    number, each with its content words ({stem: as written}): read once per text, whichever
    recommendation and survey it is asked on."""
    found = []
    for part in parts(text):
        said = dict(words(ev.strip_capacity(vocabulary.residual(part))))
        if said and not vocabulary.mentions(part) and not _names_numbers(part):
            found.append((part, said))
    return tuple(found)


@lru_cache(maxsize=4096)
def _names_numbers(text: str) -> bool:
    """Whether a text names recommendations by number ("Interested in all recommendations,
    especially recommendations 2, 3, 4"): the office choosing them, as a bare "Recommendation
    10" does, not a wish about one. Any number counts, whichever recommendations there are."""
    # With no recommendation known, every number the text names is one it does not know.
    return bool(read_interest(text, frozenset()).unknown_numbers)


def _shared_terms(query: Mapping[str, float], document: Mapping[str, float], surface) -> list[dict]:
    shared = sorted(
        ((t, query[t] * document[t]) for t in query if t in document),
        key=lambda item: (-item[1], item[0]),
    )
    return [{"term": surface.get(t, t), "weight": round(w, 4)} for t, w in shared[:MAX_TERMS]]


def match_offices(
    interests: Sequence[Interest],
    projects: Sequence[Project],
    *,
    recommendations: Iterable[int] | None = None,
    offices: Mapping[str, Peer] | None = None,
    marks: Mapping[tuple[str, str, int], Mark] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    include_plans: bool = False,
    limit: int | None = None,
) -> list[Match]:
    """The best presenters for every audience on each recommendation, best first.

    Sorted by audience, recommendation, then rank; an office never meets itself; a need never
    presents, nor a plan unless `include_plans`."""
    scorer = Scorer(interests, projects, offices or {}, marks or {}, weights, include_plans)
    return scorer.matches(recommendations, limit=limit)
