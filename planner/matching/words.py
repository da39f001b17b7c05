"""Content words of a text for word similarity: stemmed, stop words dropped, a small Spanish
and French glossary applied. Pure: no Flask, no database."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

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

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_STEMMER = snowballstemmer.stemmer("english")


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
