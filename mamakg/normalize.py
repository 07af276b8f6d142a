"""Text normalization shared by the Filter and Map stages: the keys that decide when two
mentions are the same entity or the same relation. Pure: works on `Sentence` columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mamakg.english import ARTICLES, LEADING_AUXILIARIES, WH_ADVERBS
from mamakg.types import Sentence

__all__ = ["SUBJECTS", "clause_subject", "entity_key", "entity_label", "main_verb",
           "relation_key", "relation_variants", "squash"]

_DROP_POS = frozenset({"ADJ", "ADV", "DET", "PUNCT", "SYM", "X", "SPACE"})
"""Parts of speech removed from a relation (paper: adjectives, adverbs...)."""
_DROP_DEP = frozenset({"aux", "auxpass"})
"""Auxiliary verbs ("was" in "was born in") are removed; a copula that is the main verb stays."""
_KEEP_DEP = frozenset({"neg"})
"""Negation is kept even when tagged as an adverb: "not" changes the relation."""
_LEADING = frozenset({"DET", "PRON", "PUNCT"})
_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Lower-case with runs of white space folded to one space."""
    return _WS.sub(" ", text).strip().lower()


def _entity_tokens(sentence: Sentence, start: int, end: int) -> range:
    """The chunk's tokens without leading determiners ("the", "a", "his"), unless that leaves
    nothing (a lone pronoun stays itself)."""
    first = start
    while first < end - 1 and sentence.pos[first] in _LEADING:
        first += 1
    return range(first, end)


def entity_label(sentence: Sentence, start: int, end: int) -> str:
    """Surface text of a chunk without leading determiners: "the University of Madrid" ->
    "University of Madrid"."""
    tokens = _entity_tokens(sentence, start, end)
    return sentence.span_text(tokens.start, tokens.stop)


def entity_key(sentence: Sentence, start: int, end: int) -> str:
    """Identity of a chunk across the corpus: its label, lower-cased, spaces folded."""
    return squash(entity_label(sentence, start, end))


def relation_key(sentence: Sentence, tokens: Sequence[int]) -> str:
    """Normalized relation (paper section 2.1): lemmas, without auxiliaries, adjectives, adverbs
    and determiners. "was later born in" -> "bear in"."""
    kept = [
        sentence.lemmas[t]
        for t in tokens
        if sentence.deps[t] in _KEEP_DEP
        or (sentence.pos[t] not in _DROP_POS and sentence.deps[t] not in _DROP_DEP)
    ]
    return squash(" ".join(kept))


def has_content(sentence: Sentence, tokens: Sequence[int], copula: bool = False) -> bool:
    """Whether the relation says something: after normalization at least one token is a verb
    or not a stop word ("born in" yes, "of the" no). With `copula`, a main-verb auxiliary
    counts too ("is" in "Dylan is a songwriter"; not "was" in "was born")."""
    for t in tokens:
        if sentence.pos[t] in _DROP_POS or sentence.deps[t] in _DROP_DEP:
            continue
        if sentence.pos[t] == "VERB" or not sentence.is_stop[t]:
            return True
        if copula and sentence.pos[t] == "AUX":
            return True
    return False


def main_verb(sentence: Sentence, tokens: Sequence[int]) -> int | None:
    """The verb a relation's tokens are built on: the first verb, else the first auxiliary
    that is the main verb (a copula: "is" in "is a member of"); None when there is none."""
    s = sentence
    verbs = [t for t in tokens if s.pos[t] == "VERB"] or [
        t for t in tokens if s.pos[t] == "AUX" and s.deps[t] not in ("aux", "auxpass")]
    return verbs[0] if verbs else None


SUBJECTS = frozenset({"nsubj", "nsubjpass"})
"""Dependencies of a verb's subject."""
_MODIFIER_CLAUSES = frozenset({"acl", "relcl"})


def clause_subject(sentence: Sentence, verb: int,
                   modified: bool = False) -> tuple[int | None, int]:
    """The subject of a verb, by syntax: its own ``nsubj``/``nsubjpass``, else, through
    coordination ("joined X and *founded* Y", a few hops at most), that of the verb it is
    coordinated with; with `modified`, a participle or relative clause without a subject is
    said of the noun it modifies ("a company [founded in] 1982"), but for a clause opened by
    "where" or "when", whose noun is its place or time ("in the United States, where in 1986
    [she founded] an estate"). Returns the token (None when there is none) and the verb it was
    found on. The one walk from a verb to its subject:
    `mamakg.refine.verb_subject` and the clause readings of `mamakg.mapping.arguments` follow
    it, each reading relative pronouns its own way."""
    s = sentence
    for _ in range(4):
        subjects = [t for t in range(len(s)) if s.heads[t] == verb and s.deps[t] in SUBJECTS]
        if subjects:
            return subjects[0], verb
        if modified and s.deps[verb] in _MODIFIER_CLAUSES and 0 <= s.heads[verb] != verb:
            if any(s.heads[t] == verb and s.words[t].lower() in WH_ADVERBS
                   for t in range(len(s))):
                return None, verb  # "the United States, where ... founded": where, not who
            return s.heads[verb], verb
        if s.deps[verb] != "conj" or not 0 <= s.heads[verb] != verb:
            return None, verb
        verb = s.heads[verb]
    return None, verb


def relation_variants(surface: str, key: str) -> list[str]:
    """Strings to look up in a property table for a relation, most specific first:
    the surface text, the surface without a leading auxiliary or copula, and the lemma key.

    >>> relation_variants("was born in", "bear in")
    ['was born in', 'born in', 'bear in']
    >>> relation_variants("is a member of", "be member of")
    ['is a member of', 'a member of', 'member of', 'be member of']
    """
    surface = squash(surface)
    out = [surface]
    words = surface.split(" ")
    while len(words) > 1 and words[0] in LEADING_AUXILIARIES:
        words = words[1:]
        out.append(" ".join(words))
    bare = [w for w in words if w not in ARTICLES]
    if bare and len(bare) < len(words):
        out.append(" ".join(bare))
    out.append(key)
    seen: set[str] = set()
    return [v for v in out if v and not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]
