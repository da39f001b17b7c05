"""Which recommendations a free-text answer to question 8 names, and why.

This is the one place that maps Q8 words to recommendations. Numbers win: "2, 3, 10",
"Recommendations 3, 5 and 10", "Rec. 9..", "Recomendações 3 e 5" and "Рекомендации 3 и 5" name
recommendations directly. Only an answer that names no number is read for a decline ("already
implemented", "Уже внедрено"), then for topic words ("Cybersecurity" -> 4), in English, Spanish,
French, Portuguese or Russian, without accents. Edit _DECLINE_LINES and _TOPIC_LINES to teach it
more.
An answer read by topic words is a wish for each recommendation it names in its own items
(`wish_for`): EM's "Cybersecurity, AI tools evolution, Cloud migration strategies" wants cloud
migration discussed under Rec 1, not AI.
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from planner.matching.vocabulary import plain, plain_with_origins

# Topic words per recommendation, matched as whole words, case-insensitively and without accents
# ("migracion a la nube" is "migración a la nube"), in answers that name no recommendation
# number. A line for each language, ";" between words: English, then Spanish, French, Portuguese
# and Russian (with the forms an answer uses), the matching vocabulary's languages. Its topics are
# not recommendations, and its words are broader than a wish: "cloud" is a topic there, "cloud
# migration" a wish for Rec 1 here. Keep them specific: a word here turns an answer into demand.
_TOPIC_LINES: dict[int, tuple[str, ...]] = {
    1: (
        "cloud migration; digital transformation; business models; legal frameworks",
        "migración a la nube; transformación digital; modelos de negocio; marco legal",
        "marcos legales; marco jurídico; marcos jurídicos",
        "migration vers le cloud; migration vers le nuage; migration infonuagique",
        "transformation numérique; transformation digitale; modèles d'affaires",
        "modèles économiques; cadre juridique; cadres juridiques",
        "migração para a nuvem; migração para nuvem; transformação digital",
        "modelos de negócio; modelos de negócios; marcos legais; quadro jurídico",
        "миграция в облако; миграции в облако; переход в облако; облачная миграция",
        "облачной миграции; цифровая трансформация; цифровой трансформации",
        "бизнес-модели; бизнес-моделей; правовая база; правовой базы",
    ),
    2: (
        "ICT strategy; annual evaluation",
        "estrategia de TIC; estrategia TIC; evaluación anual",
        "stratégie TIC; stratégie des TIC; stratégie informatique; évaluation annuelle",
        "estratégia de TIC; estratégia TIC; avaliação anual",
        "ИКТ-стратегия; ИКТ-стратегии; стратегия ИКТ; стратегии ИКТ",
        "ежегодная оценка; ежегодной оценки",
    ),
    3: (
        "data governance; data quality",
        "gobernanza de datos; gobernanza de los datos; calidad de datos; calidad de los datos",
        "gouvernance des données; qualité des données",
        "governança de dados; governança dos dados; qualidade de dados; qualidade dos dados",
        "управление данными; управления данными; качество данных; качества данных",
    ),
    4: (
        "cybersecurity; cyber security; information security; zero trust",
        "ciberseguridad; seguridad de la información; confianza cero",
        "cybersécurité; sécurité de l'information; sécurité informatique; confiance zéro",
        "cibersegurança; segurança da informação; confiança zero",
        "кибербезопасность; кибербезопасности",
        "информационная безопасность; информационной безопасности",
        "нулевое доверие; нулевого доверия",
    ),
    5: (
        "data exchange; open data; machine-readable data",
        "intercambio de datos; datos abiertos; datos legibles por máquina",
        "échange de données; échanges de données; données ouvertes",
        "données lisibles par machine",
        "intercâmbio de dados; troca de dados; dados abertos; dados legíveis por máquina",
        "обмен данными; обмена данными; открытые данные; открытых данных",
        "машиночитаемые данные; машиночитаемых данных",
    ),
    6: (
        "multilateral cooperation; cooperation projects",
        "cooperación multilateral; proyectos de cooperación",
        "coopération multilatérale; projets de coopération",
        "cooperação multilateral; projetos de cooperação",
        "многостороннее сотрудничество; многостороннего сотрудничества",
        "проекты сотрудничества; проектов сотрудничества",
    ),
    7: (
        "developing WIPO standards; standards development",
        "desarrollo de normas; elaboración de normas; desarrollo de estándares",
        "élaboration de normes; élaboration des normes; développement de normes",
        "desenvolvimento de padrões; desenvolvimento de normas; elaboração de normas",
        "разработка стандартов; разработки стандартов",
    ),
    8: (
        "reference architecture; reference architectures; common platforms",
        "arquitectura de referencia; arquitecturas de referencia; plataformas comunes",
        "architecture de référence; architectures de référence; plateformes communes",
        "arquitetura de referência; arquiteturas de referência; plataformas comuns",
        "эталонная архитектура; эталонной архитектуры; референтная архитектура",
        "общие платформы; общих платформ",
    ),
    9: (
        "project management; ICT projects",
        "gestión de proyectos; proyectos de TIC; proyectos TIC",
        "gestion de projets; gestion des projets; projets TIC; projets informatiques",
        "gestão de projetos; gerenciamento de projetos; projetos de TIC",
        "управление проектами; управления проектами; ИКТ-проекты; ИКТ-проектов",
        "проекты ИКТ; проектов ИКТ",
    ),
    10: (
        "AI; artificial intelligence; machine learning; blockchain",
        "emerging technologies; new technologies",
        "IA; inteligencia artificial; aprendizaje automático; cadena de bloques",
        "tecnologías emergentes; nuevas tecnologías",
        "IA; intelligence artificielle; apprentissage automatique; chaîne de blocs",
        "technologies émergentes; nouvelles technologies",
        "IA; inteligência artificial; aprendizado de máquina; aprendizagem automática",
        "cadeia de blocos; tecnologias emergentes; novas tecnologias",
        "ИИ; искусственный интеллект; искусственного интеллекта; искусственном интеллекте",
        "машинное обучение; машинного обучения; блокчейн; блокчейна",
        "новые технологии; новых технологий",
    ),
}
TOPIC_WORDS: dict[int, tuple[str, ...]] = {
    number: tuple(word.strip() for line in lines for word in line.split(";"))
    for number, lines in _TOPIC_LINES.items()
}

# Phrases by which an office says it wants nothing discussed ("already implemented"), a line
# for each language of the vocabulary as in _TOPIC_LINES, ";" between phrases. Matched without
# accents from the start of a word ("Ya implementados", "Deja mis en oeuvre"), only in an answer
# naming no number.
_DECLINE_LINES = (
    "no need; not interested; no interest; already implemented; nothing to discuss",
    "no hay necesidad; ninguna necesidad; no estamos interesados; sin interés",
    "ya implementado; ya implementada; ya hemos implementado; ya ha implementado",
    "nada que discutir",
    "pas besoin; aucun besoin; pas intéressé; aucun intérêt; déjà mis en œuvre",
    "déjà mis en oeuvre; déjà mises en œuvre; déjà mises en oeuvre; déjà implémenté",
    "rien à discuter",
    "não há necessidade; nenhuma necessidade; não estamos interessados; sem interesse",
    "já implementado; já implementada; já implementamos; nada a discutir",
    "нет необходимости; нет потребности; не заинтересованы; нет интереса",
    "уже внедрено; уже внедрены; уже внедрили; уже реализовано; уже реализованы",
    "уже реализовали; нечего обсуждать",
)
DECLINE_PHRASES = tuple(phrase.strip() for line in _DECLINE_LINES for phrase in line.split(";"))
_DECLINE_PATTERNS = [re.compile(rf"(?<!\w){re.escape(plain(p))}") for p in DECLINE_PHRASES]

# The word for recommendation, read in `plain` text (lower case, no accents): "Rec.", "Recs",
# "Recommendation(s)", "Recomendación(es)", "Recommandation(s)", "Recomendação(ões)",
# "Рекомендация" (any ending; "й" reads "и") and "Рек.". Then "No.", "nº" or "№" (read "No").
REC_WORD = (
    r"(?:rec(?:ommendations?|omendacion(?:es)?|ommandations?|omendaca?o(?:es)?|s)?\.?"
    r"|рек(?:омендаци[а-я]*)?\.?)"
)
# Words and marks between numbers in a list ("and" and "or" in each language of the
# vocabulary); "-", "–" and "to" make a range.
_LIST_SEPARATOR = (
    r",\s*and|,\s*y|,\s*et|,\s*e\b|,\s*и\b|,|;|&|\band\b|\bor\b|\by\b|\bet\b|\be\b|\bи\b"
    r"|\bo\b|\bou\b|\bили\b"
)
# A recommendation's number has one or two digits; "Rec 10000" is not Rec 10 (helper-51).
_NUMBER_LIST = rf"\d{{1,2}}(?!\d)(?:\s*(?:{_LIST_SEPARATOR}|-|–|\bto\b)\s*\d{{1,2}}(?!\d))*"
_NAMED = re.compile(rf"\b{REC_WORD}\s*(?:[nN][oº°]\.?\s*)?:?\s*({_NUMBER_LIST})")
# A longer number after the word, said back as a recommendation that does not exist (beyond
# nine digits it is no number anyone meant as one, and is left alone).
_LONG = re.compile(rf"\b{REC_WORD}\s*(?:[nN][oº°]\.?\s*)?:?\s*(\d{{3,9}})(?!\d)")
# A whole answer that is only a list of numbers: "2, 3, 10".
_BARE_LIST = re.compile(rf"^\s*({_NUMBER_LIST})\s*[.;]*\s*$")
_RANGE = re.compile(r"(\d{1,2})\s*(?:-|–|\bto\b)\s*(\d{1,2})")
_ALL = re.compile(r"\ball (?:\d+ |the )?recommendations\b", re.IGNORECASE)


@dataclass(frozen=True)
class NamedRecommendation:
    number: int
    reason: str


@dataclass(frozen=True)
class AnswerReading:
    """The recommendations an answer names, how they were found, and what was out of range."""

    named: tuple[NamedRecommendation, ...]
    explanation: str
    unknown_numbers: tuple[int, ...] = ()


def _numbers(listing: str) -> list[int]:
    numbers: list[int] = []
    for chunk in re.split(_LIST_SEPARATOR, listing):
        chunk = chunk.strip()
        if not chunk:
            continue
        span = _RANGE.fullmatch(chunk)
        if span:
            low, high = int(span[1]), int(span[2])
            numbers.extend(range(low, high + 1) if low <= high else [low, high])
        else:
            numbers.append(int(chunk))
    return numbers


def _topic_pattern(word: str) -> re.Pattern[str]:
    """A word or phrase as read in `plain` text, with either apostrophe ("l’information")."""
    escaped = re.escape(plain(word)).replace("'", "['’]")
    return re.compile(rf"(?<!\w){escaped}(?!\w)")


_TOPIC_PATTERNS = [
    (number, word, _topic_pattern(word)) for number, words in TOPIC_WORDS.items() for word in words
]


def read_interest(text: str, known: set[int] | frozenset[int]) -> AnswerReading:
    """The recommendations (from `known`) that a question-8 answer names, each with its reason."""
    flat = " ".join(text.split())
    # Read without accents and in lower case, quoted as written.
    lowered, origins = plain_with_origins(flat)
    found: dict[int, str] = {}
    unknown: list[int] = []

    def written(match: re.Match[str]) -> str:
        return flat[origins[match.start()] : origins[match.end() - 1] + 1]

    def note(number: int, reason: str) -> None:
        if number not in known:
            if number not in unknown:
                unknown.append(number)
        else:
            found.setdefault(number, reason)

    bare = _BARE_LIST.match(lowered)
    matches = [bare] if bare else list(_NAMED.finditer(lowered))
    for match in matches:
        for number in _numbers(match[1]):
            note(number, f'number in "{written(match).strip()}"')
    for match in _LONG.finditer(lowered):
        note(int(match[1]), f'number in "{written(match).strip()}"')

    if found or unknown:
        explanation = "named by number"
        if _ALL.search(flat):
            explanation += "; the answer mentions all recommendations, only the named ones count"
        return AnswerReading(_sorted(found), explanation, tuple(unknown))

    for pattern in _DECLINE_PATTERNS:
        hit = pattern.search(lowered)
        if hit:
            return AnswerReading((), f'declines ("{written(hit)}"): no recommendation wanted')

    for number, word, pattern in _TOPIC_PATTERNS:
        hit = pattern.search(lowered)
        if hit:
            # The words as written, accents and all.
            found.setdefault(number, f'topic words "{written(hit)}" (glossary: {word})')
    if found:
        return AnswerReading(_sorted(found), "named by topic words")
    return AnswerReading((), "no recommendation number or topic word found")


# Where an item of an answer's list ends: a comma or semicolon, a line of its own, a full stop or
# colon not inside a name ("ST.96"), and "and" between items ("y", "et", and "e" or "и" standing
# alone: not the "e" of "e-filing" or "e.g.").
_AND = r"\b(?:and|y|et)\b|(?<!\S)(?:e|и)(?!\S)"
_ITEM_END = re.compile(rf"[,;\n]|[.:](?!\w)|{_AND}", re.IGNORECASE)
# A word or one other character: what ends a run of items is taken off piece by piece.
_PIECE = re.compile(r"\w+|\W")
_TAIL_WORDS = ("and", "y", "et", "e", "и")


def wish_for(text: str, number: int) -> str:
    """The part of a question-8 answer that is its wish for recommendation `number`.

    An answer naming several recommendations by topic words is a list of wishes: each item goes
    to the recommendations whose words it names ("Cybersecurity, AI tools evolution, Cloud
    migration strategies": cloud migration to Rec 1, AI to Rec 10, cybersecurity to Rec 4), with
    the items after it that name none ("AI, especially its ethics"); items before the first that
    names one ("Topics: ...") go to every recommendation. Any other answer is its wish whole: one
    naming numbers ("Recommendations 2, 4, 8, 10" says no more of one than of another), one topic,
    or none of `number`'s words (a recommendation given to the answer by hand)."""
    reading = read_interest(text, frozenset(TOPIC_WORDS))
    if reading.explanation != "named by topic words" or len(reading.named) < 2:
        return text
    flat = re.sub(r"[^\S\n]+", " ", text)
    bounds = [0, *(m.end() for m in _ITEM_END.finditer(flat)), len(flat)]
    owners: frozenset[int] | None = None  # before any item names one: every recommendation's
    kept: list[tuple[int, int]] = []
    for start, end in pairwise(bounds):
        owners = _named_in(flat[start:end]) or owners
        if owners is None or number in owners:
            if kept and kept[-1][1] == start:
                kept[-1] = (kept[-1][0], end)
            else:
                kept.append((start, end))
    # Each run of items kept, without the marks and "and" that end it.
    parts = [_without_tail(flat[start:end]) for start, end in kept]
    if not any(number in _named_in(part) for part in parts):
        return text
    return " … ".join(part for part in parts if part)


def _without_tail(run: str) -> str:
    """A run of items without the spaces, marks and "and" that end it. Taken off from the end
    piece by piece, not by a pattern anchored at the end: one tried at every place of a run
    of 20,000 commas or line breaks ("AI, cybersecurity,,,,...x", within an answer's length)
    took 13 seconds for each recommendation the matches read it for."""
    pieces = _PIECE.findall(run)
    while pieces and (
        pieces[-1].isspace() or pieces[-1] in ",;.:" or pieces[-1].lower() in _TAIL_WORDS
    ):
        pieces.pop()
    return "".join(pieces).strip()


def _named_in(text: str) -> frozenset[int]:
    """The recommendations whose topic words a text names."""
    lowered = plain(text)
    return frozenset(n for n, _, pattern in _TOPIC_PATTERNS if pattern.search(lowered))


def _sorted(found: dict[int, str]) -> tuple[NamedRecommendation, ...]:
    return tuple(NamedRecommendation(n, reason) for n, reason in sorted(found.items()))
