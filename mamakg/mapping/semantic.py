"""Map stage, relations by meaning: a relation phrase, in the context of its head and tail, to
the Wikidata property closest to it in a sentence-embedding space (paper section 2.2 maps with
a knowledge base; this works without one).

For a fact with relation phrase r, head kind h and tail kind t (`KINDS`, from the NER labels of
`mamakg.mapping.arguments`), each candidate property p (`mamakg.mapping.vectors`) gets

    logit(p) = sim(r, p) / TEMPERATURE + PRIOR_WEIGHT * log(usage(p) / max usage)
    logit(none) = NONE_SIMILARITY / TEMPERATURE

where sim is the cosine of r's vector with p's closest name (label or alias), blended
(`DESCRIPTION_WEIGHT`) with the cosines of "label: description" with r and with r in the
context of its head and tail kinds (r's vector plus theirs: "organization + based in + place"
is nearer the headquarters than the administrative location); a phrase that is a property's label or
alias has cosine 1 with it, so the string matcher's answers stay (method ``label`` /
``alias``) unless the kinds favour another property with the same name. Only properties whose value
fits the tail take part: a date tail (or a year) only time-valued properties, a number only
quantity-valued ones, anything else only entity-valued ones. The score of the best property
is its softmax probability among the candidates and "no property", so it reads as how sure
the mapper is; below `--min-map-score` the relation stays open. An active phrase mapped to a
passive property ("founded" -> "founded by"), or "N of" mapped to the property N ("is the CEO
of" -> "CEO"), reverses the fact (`is_inverse`).

Two kinds of phrase are not compared with property names, since a sentence embedding cannot
read them: a negated phrase ("was not born in") states no property, and abstains; a bare
copula ("is", "was") names none by itself ("is" lies nearest the alias "is not" of *different
from*). A copula between a person and a nationality, party or religion (spaCy's ``NORP``:
"Pieter Withoos was a *Dutch* painter") states the person's country of citizenship, political
party or religion (`GROUP_PROPERTIES`, chosen by the cosine of the tail's own words with each
of them, scored by the same softmax among the three, method ``kind``); any other bare copula
abstains.

Each distinct phrase (of at most `MAX_WORDS` words) is embedded once and compared with every
property once (`prepare`, in batches); the property vectors are precomputed and shipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mamakg.mapping.properties import PropertyIndex, property_table
from mamakg.mapping.vectors import PropertyVectors
from mamakg.normalize import relation_variants

__all__ = ["COPULAS", "DESCRIPTION_WEIGHT", "GROUP_PROPERTIES", "GROUP_VALUED", "KINDS",
           "NEGATIONS", "NONE_SIMILARITY", "PRIOR_WEIGHT", "TEMPERATURE", "MapQuery", "Mapping",
           "SemanticMapper", "is_inverse", "is_unreadable", "kind_of", "query_phrase"]

log = logging.getLogger(__name__)

TEMPERATURE = 0.03
"""Softmax temperature on cosines: a cosine 0.05 higher makes a property e times likelier."""
DESCRIPTION_WEIGHT = 0.3
"""Share of the description's cosine in a property's similarity (the rest: its best name)."""
PRIOR_WEIGHT = 0.1
"""Weight of a property's log usage share in Wikidata (common properties are likelier)."""
MAX_WORDS = 6
"""Longer relation phrases are not embedded: they rarely state one property, and each costs a
forward pass of the embedding model."""
KIND_WEIGHT = 0.5
"""Weight of the head's and the tail's kind vectors added to the phrase's vector to compare it,
in context, with the properties' descriptions."""
NONE_SIMILARITY = 0.5
"""The similarity of "no property": it takes part in the softmax like a property, so a phrase
that resembles no property well (every cosine far below this) abstains however the
properties compare among themselves."""

NEGATIONS = frozenset({"not", "never", "no", "n't", "nor", "neither", "without"})
"""Words that make a relation phrase a negated statement: it maps to no property."""
COPULAS = frozenset({"is", "was", "are", "were", "be", "been", "being", "am", "a", "an",
                     "the"})
"""A phrase made only of these (and no other word) is a bare copula."""
GROUP_PROPERTIES = (("P27", "nationality"), ("P102", "political party"), ("P140", "religion"))
"""What a person's ``NORP`` ("Dutch", "Republican", "Catholic") after a copula states, with
the word its tail is compared with."""
GROUP_VALUED = (*(pid for pid, _ in GROUP_PROPERTIES), "P172", "P1142")
"""The properties a group (``NORP``) can be the value of: these three, ethnic group and
political ideology; a phrase with a group tail competes only among them."""

KINDS = {
    "PERSON": "person", "ORG": "organization", "NORP": "group", "GPE": "place",
    "LOC": "place", "FAC": "place", "DATE": "date", "TIME": "date", "CARDINAL": "number",
    "QUANTITY": "number", "MONEY": "number", "PERCENT": "number", "ORDINAL": "number",
    "NUM": "number", "WORK_OF_ART": "work", "PRODUCT": "work", "EVENT": "event",
    "LAW": "work", "LANGUAGE": "language", "PRON": "", "": "",
}
"""The coarse kind of each head/tail type (spaCy entity labels, ``NUM``, ``PRON``, "")."""


def kind_of(entity_type: str, text: str = "") -> str:
    """The coarse kind of a head or tail: ``person``, ``place``, ``date``, ``number``...; a
    number of three or four digits reads as a year (a date); "" when unknown.

    >>> kind_of("GPE"), kind_of("CARDINAL", "1961"), kind_of("CARDINAL", "12")
    ('place', 'date', 'number')
    """
    kind = KINDS.get(entity_type, "")
    if kind == "number" and any(w.isdigit() and 3 <= len(w) <= 4 for w in text.split()):
        return "date"
    return kind


def query_phrase(surface: str, key: str) -> str:
    """The text embedded for a relation: its surface without leading auxiliaries (properties'
    names have none), lower-cased.

    >>> query_phrase("was born in", "bear in")
    'born in'
    """
    variants = relation_variants(surface, key)
    return variants[1] if len(variants) > 2 else variants[0]


@dataclass(frozen=True)
class MapQuery:
    """What the mapper sees of a fact."""

    key: str
    """The relation key."""
    surface: str
    """The relation's most frequent surface form."""
    head_kind: str = ""
    tail_kind: str = ""
    tail_text: str = ""
    """The tail's label; read only for a copula between a person and a group (``NORP``)."""


@dataclass(frozen=True)
class Mapping:
    """The mapper's decision for one query."""

    pid: str | None
    score: float
    """Softmax probability of `pid` among the fitting candidates (0..1)."""
    method: str
    """``label`` / ``alias`` (an exact name), ``embedding``, or ``none``."""
    evidence: tuple[tuple[str, str], ...] = ()
    inverse: bool = False
    """The property holds from tail to head (`is_inverse`): "Ann founded Acme" says (Acme,
    founded by, Ann)."""


def is_unreadable(phrase: str) -> bool:
    """A negated phrase or a bare copula: not compared with property names.

    >>> is_unreadable("was"), is_unreadable("was not born in"), is_unreadable("born in")
    (True, True, False)
    """
    words = phrase.split()
    return any(w in NEGATIONS for w in words) or all(w in COPULAS for w in words)


def _reads_group(q: MapQuery) -> bool:
    """A bare copula between a person and a group: read as citizenship, party or religion."""
    return q.head_kind == "person" and q.tail_kind == "group" and bool(q.tail_text) and all(
        w in COPULAS for w in query_phrase(q.surface, q.key).split())


def is_inverse(phrase: str, name: str, label: str) -> bool:
    """Whether the phrase states the property from its value to its subject, which reverses
    the fact: an active phrase on a passive property ("Ann founded Acme": Acme is founded by
    Ann), or "N of" where the property is the bare noun N, which names the value ("Ann is the
    CEO of Acme": Acme's CEO is Ann; "X is a subsidiary of Y": Y has the subsidiary X).

    >>> is_inverse("founded", "founded by", "founded by"), is_inverse("founded by",
    ...     "founded by", "founded by"), is_inverse("founder of", "founder", "founded by")
    (True, False, True)
    >>> is_inverse("ceo of", "CEO", "chief executive officer"), is_inverse("member of",
    ...     "member of", "member of")
    (True, False)
    """
    name, label = name.lower(), label.lower()
    if name.endswith(" by") or label.endswith(" by"):
        return not (phrase.endswith(" by") or " by " in phrase)
    words = name.split()
    return phrase.endswith(" of") and not name.endswith(" of") and 0 < len(words) <= 3 \
        and phrase.removesuffix(" of").split()[-len(words):] == words


_VALUE_DATATYPES = {"date": "Time", "number": "Quantity"}
_GROUP_WORDS = "\0group properties"  # no tail's text: the key of their vectors


class SemanticMapper:
    """Maps relation phrases to properties by sentence-embedding similarity (see the module
    docstring). `embed` turns texts into unit vectors (`Embedder.embed`); tests pass a fake."""

    def __init__(self, vectors: PropertyVectors, embed: Callable[[list[str]], np.ndarray],
                 index: PropertyIndex | None = None, min_score: float = 0.5,
                 temperature: float = TEMPERATURE,
                 description_weight: float = DESCRIPTION_WEIGHT,
                 prior_weight: float = PRIOR_WEIGHT,
                 none_similarity: float = NONE_SIMILARITY,
                 rows: Sequence[dict[str, str]] | None = None) -> None:
        self.vectors = vectors
        self.embed = embed
        self.index = index if index is not None else PropertyIndex.bundled()
        self.min_score = min_score
        self.temperature = temperature
        self.description_weight = description_weight
        self.none_logit = none_similarity / temperature
        table = {r["pid"]: r for r in (property_table() if rows is None else rows)}
        self.labels = [table[p]["label"] if p in table else p for p in vectors.pids]
        self.datatype = np.array([table[p]["datatype"] if p in table else "WikibaseItem"
                                  for p in vectors.pids])
        usage = np.array([max(int(table[p].get("usage_count") or 1), 1) if p in table else 1
                          for p in vectors.pids], dtype=np.float64)
        self.prior = prior_weight * np.log(usage / usage.max())
        self.position = {p: i for i, p in enumerate(vectors.pids)}
        self._group_valued = np.isin(np.array(vectors.pids), GROUP_VALUED)
        self._cache: dict[MapQuery, Mapping] = {}
        self._sims: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        """phrase -> (best name cosine (P,), best name index (P,), the phrase's vector (D,))."""
        self._groups: dict[str, np.ndarray] = {}
        """Vectors of `GROUP_PROPERTIES`' words (key `_GROUP_WORDS`) and of group tails."""
        self._kinds: dict[str, np.ndarray] = {}
        """kind -> its vector ("something" for an unknown kind)."""

    def _fits(self, tail_kind: str) -> np.ndarray:
        wanted = _VALUE_DATATYPES.get(tail_kind, "WikibaseItem")
        fits = self.datatype == wanted
        if tail_kind == "group":  # "Iranian" is no one's spouse: a group is the value only of
            fits &= self._group_valued  # group-valued properties
        return fits

    def prepare(self, queries: Sequence[MapQuery], batch: int = 512) -> None:
        """Embed the relation phrases of these queries and compare each with every property's
        names and descriptions, in batches; `map` then only looks them up. A phrase of more
        than `MAX_WORDS` words is not embedded (it abstains)."""
        phrases = [p for p in dict.fromkeys(query_phrase(q.surface, q.key) for q in queries)
                   if p not in self._sims and len(p.split()) <= MAX_WORDS
                   and not is_unreadable(p)]
        kinds = [k for k in dict.fromkeys(k for q in queries for k in (q.head_kind, q.tail_kind))
                 if k not in self._kinds]
        if kinds:
            for kind, vector in zip(kinds, self.embed([k or "something" for k in kinds])):
                self._kinds[kind] = vector
        groups = [t for t in dict.fromkeys(q.tail_text for q in queries if _reads_group(q))
                  if t not in self._groups]
        if groups:  # the tails of copulas between a person and a group, in one batch
            if _GROUP_WORDS not in self._groups:
                groups.insert(0, _GROUP_WORDS)
            texts = [[w for _, w in GROUP_PROPERTIES] if t == _GROUP_WORDS else [t]
                     for t in groups]
            vectors = self.embed([w for ws in texts for w in ws])
            at = 0
            for text, ws in zip(groups, texts):
                self._groups[text] = vectors[at] if len(ws) == 1 else vectors[at:at + len(ws)]
                at += len(ws)
        for begin in range(0, len(phrases), batch):
            part = phrases[begin:begin + batch]
            vectors = self.embed(part)  # (Q, D)
            names, which = self.vectors.name_scores(vectors)  # (Q, P) each
            for row, phrase in enumerate(part):
                self._sims[phrase] = (names[row], which[row], vectors[row])

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping]:
        """The mapping of each query."""
        self.prepare([q for q in queries if q not in self._cache])
        out = []
        for q in queries:
            if q not in self._cache:
                phrase = query_phrase(q.surface, q.key)
                if is_unreadable(phrase):
                    self._cache[q] = self._map_unreadable(q, phrase)
                elif phrase not in self._sims:
                    self._cache[q] = Mapping(None, 0.0, "none", (
                        ("phrase", f"{phrase} (more than {MAX_WORDS} words: not mapped)"),))
                else:
                    names, which, vector = self._sims[phrase]
                    # the phrase between its head and tail kinds, as the sum of their vectors
                    context = vector + KIND_WEIGHT * (self._kinds[q.head_kind]
                                                      + self._kinds[q.tail_kind])
                    context /= np.linalg.norm(context)
                    descriptions = np.stack([vector, context]) @ self.vectors.descriptions.T
                    w = self.description_weight
                    sim = (1 - w) * names + w * 0.5 * descriptions.sum(axis=0)
                    self._cache[q] = self._decide(q, phrase, sim, names, which)
            out.append(self._cache[q])
        return out

    def _map_unreadable(self, q: MapQuery, phrase: str) -> Mapping:
        """The mapping of a negated phrase or a bare copula (`is_unreadable`)."""
        if not _reads_group(q):  # a copula of another kind, or a negated phrase
            if any(w in NEGATIONS for w in phrase.split()):
                return Mapping(None, 0.0, "none", (
                    ("phrase", phrase), ("negated", "a negated phrase states no property")))
            return Mapping(None, 0.0, "none", (
                ("phrase", phrase), ("copula", "a copula alone names no property")))
        sims = self._groups[_GROUP_WORDS] @ self._groups[q.tail_text]  # (3,)
        probs = np.exp((sims - sims.max()) / self.temperature)
        probs /= probs.sum()
        best = int(np.argmax(probs))
        pid, word = GROUP_PROPERTIES[best]
        score = round(float(probs[best]), 4)
        evidence = (("phrase", phrase),
                    ("types", f"person -> group: {q.tail_text!r} read as a {word} (cosine "
                              f"{float(sims[best]):.3f}; "
                              + ", ".join(f"{w} {float(c):.3f}" for (_, w), c in
                                          zip(GROUP_PROPERTIES, sims) if w != word) + ")"))
        if score < self.min_score or pid not in self.position:
            return Mapping(None, score, "none", evidence)
        return Mapping(pid, score, "kind", evidence)

    def _decide(self, q: MapQuery, phrase: str, sim: np.ndarray, names: np.ndarray,
                which: np.ndarray) -> Mapping:
        sim = sim.astype(np.float64)
        fits = self._fits(q.tail_kind)
        if not fits.any():
            return Mapping(None, 0.0, "none")
        logits = np.where(fits, sim / self.temperature + self.prior, -np.inf)
        top = max(float(logits.max()), self.none_logit)
        probs = np.exp(logits - top)
        probs /= probs.sum() + np.exp(self.none_logit - top)
        order = np.argsort(-probs, kind="stable")
        best, second = int(order[0]), int(order[1])
        score = round(float(probs[best]), 4)
        pid = self.vectors.pids[best]
        name = self.vectors.name_text[int(which[best])]
        method = "embedding"
        if name.lower() == phrase:  # the string matcher's answer: an exact name
            method = "label" if name.lower() == self.labels[best].lower() else "alias"
        evidence: tuple[tuple[str, str], ...] = (
            ("phrase", phrase),
            ("matched", f"{name!r} of {pid} ({self.labels[best]}), cosine "
                        f"{float(names[best]):.3f}" if method == "embedding"
             else f"{method} of {pid} ({self.labels[best]}), exact"),
            ("types", f"{q.head_kind or '?'} -> {q.tail_kind or '?'}: "
                      f"{self.datatype[best]} value"),
            ("runner-up", f"{self.vectors.pids[second]} ({self.labels[second]}) "
                          f"{float(probs[second]):.3f}"),
        )
        if score < self.min_score:
            return Mapping(None, score, "none", evidence)
        inverse = is_inverse(phrase, name, self.labels[best])
        if inverse:
            evidence += (("direction", f"{phrase!r} states {name!r} of its tail: the fact "
                                       "reads from tail to head"),)
        return Mapping(pid, score, method, evidence, inverse)
