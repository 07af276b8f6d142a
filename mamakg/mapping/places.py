"""Map stage, places: where the sentence writes a place inside a place ("Calgary, Alberta,
Canada", "Lakefield College School in Lakefield, Ontario"), the facts it states, read as
derived readings (`Mention.readings`) of the sentence's mentions (`place_readings`; with
``--chunk-facts``, `mamakg.mapping.annotate`).

spaCy splits such a chain into several noun chunks and often parses it as a list ("Alberta"
a ``conj`` of "Calgary"), so the chain is read from the named entities and the words between
them: a place (``GPE``, ``LOC``, ``FAC``, or an ``ORG`` such as a school), then places
(``GPE``, ``LOC``) each after a comma or "in" (with "the" after it or not), each lying in the
next. A chain inside a list of names ("Paris, London and Berlin"; "for Dolce & Gabbana,
Balenciaga, Dries van Noten... and others") is no chain, and a place whose name runs on into
a longer name ("the El Paso Times, *Fort Worth* Star-Telegram") is no link of one.

What a pair of the chain states follows how Wikidata uses the properties: P131 (located in
the administrative territorial entity) is the territory one level up, P17 (country) the
sovereign state (`countries`, the shipped table ``mamakg/data/countries.tsv``):

- "A, B" with B no country: A lies in B (P131, key `PLACE_IN_PLACE`);
- "A, C" with C a country: A's country is C (P17, key `PLACE_IN_COUNTRY`) and A lies in C
  (P131) as well: a place written right before its country is often a first-level region
  ("Alberta, Canada", "Texas, United States"), whose P131 in Wikidata is the country itself,
  and DocRED-style gold holds both for nearly every such pair (for a city, "Kiel, Germany",
  Wikidata's P131 is its region, so that P131 is one level too high there);
- "A, B, C" with C a country: A's country is C too (P17; not P131, which is B);
- a country is in no place ("France, Germany": a list), so no pair starts at one; the names
  of states that also name a region ("Georgia") are not read as countries.

Pure: works on `Sentence` columns, no spaCy.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

from mamakg.english import WATER_NOUNS
from mamakg.mapping.arguments import PLACE_IN_PLACE, reading
from mamakg.mapping.lifespans import EVENT_KEYS, LIFE_END, LIFE_START
from mamakg.types import Mention, Sentence

__all__ = ["PLACE_IN_COUNTRY", "PLACE_IN_PLACE", "SENTENCE_FACTS", "countries",
           "country_of_adjective", "is_country", "place_chains", "place_readings"]

PLACE_IN_COUNTRY = ", country"
"""The relation key of a place read before its country ("Calgary, Alberta, Canada": Calgary's
country is Canada), `place_readings`; the Map stage reads it as P17
(`mamakg.mapping.semantic.KindMapper`)."""

SENTENCE_FACTS = frozenset({PLACE_IN_PLACE, PLACE_IN_COUNTRY, LIFE_START, LIFE_END, *EVENT_KEYS})
"""The keys of readings that state a fact of their sentence rather than a narrower reading of
their mention's own: its chains of places, a person's life dates in brackets and the births
and deaths it writes with a noun (`mamakg.mapping.lifespans`). `mamakg.mapping.resolve`
leaves a mention with only such readings to be mapped by itself."""

_FIRST_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG"})
"""The kinds of the first entity of a chain: a place, or a building or institution that lies
in one ("Lakefield College School in Lakefield")."""
_NEXT_LABELS = frozenset({"GPE", "LOC"})
"""The kinds of the places a chain's first entity lies in."""
_SEPARATORS = frozenset({",", "in"})
_LIST_WORDS = frozenset({"and", "or", "&"})


def _norm(name: str) -> str:
    name = " ".join(name.split()).casefold()
    return name[4:] if name.startswith("the ") else name


@functools.cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("mamakg").joinpath("data/countries.tsv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@functools.cache
def countries() -> dict[str, str]:
    """The sovereign states of the shipped table (``mamakg/data/countries.tsv``, written from
    general knowledge): each English name and other name (casefolded, without a leading
    "the") -> the state's English name; names that also name a region are left out.

    >>> countries()["u.s."], countries()["united kingdom"], "georgia" in countries()
    ('United States', 'United Kingdom', False)
    """
    names: dict[str, str] = {}
    for row in _rows():
        if row["name_is_ambiguous"] == "yes":
            continue
        for name in (row["name"], *filter(None, row["other_names"].split(";"))):
            names[_norm(name)] = row["name"]
    return names


@functools.cache
def _adjectives() -> dict[str, str]:
    return {adjective.casefold(): row["name"] for row in _rows()
            if row["name_is_ambiguous"] != "yes"
            for adjective in filter(None, row["adjectives"].split(";"))}


def country_of_adjective(text: str) -> str | None:
    """The sovereign state a nationality adjective is of (`countries`' table), or None.

    >>> country_of_adjective("Austrian"), country_of_adjective("American")
    ('Austria', 'United States')
    >>> country_of_adjective("Texan") is None
    True
    """
    return _adjectives().get(" ".join(text.split()).casefold())


def is_country(name: str) -> bool:
    """Whether a text names a sovereign state (`countries`).

    >>> is_country("the United States"), is_country("USA"), is_country("Texas")
    (True, True, False)
    """
    return _norm(name) in countries()


_LAND_NOUNS = frozenset({
    "county", "city", "town", "village", "district", "township", "parish", "province",
    "region", "state", "municipality", "borough", "island", "islands", "park", "station",
    "area", "valley", "beach", "heights", "hills", "shores", "bridge", "dam", "college",
    "school", "university", "club", "airport", "railway", "road", "street", "mall",
    "center", "centre"})
"""Nouns that, ending a name, make it a place on land or a building however its first word
reads ("Lake County", "Channel Islands", "Bay Area")."""


def names_water(name: str) -> bool:
    """Whether a place's name names a body of water: a noun of `WATER_NOUNS` ends it, or
    opens it before another name or "of", the name ending in no noun of land (`_LAND_NOUNS`).

    >>> [names_water(n) for n in ("San Francisco Bay", "Lake Ontario", "Gulf of Mexico")]
    [True, True, True]
    >>> [names_water(n) for n in ("Lake County", "Channel Islands", "Bay Area", "Sound")]
    [False, False, False, False]
    """
    words = [w.lower() for w in name.replace(",", " ").split()]
    if len(words) < 2 or words[-1] in _LAND_NOUNS:
        return False
    if words[-1] in WATER_NOUNS:
        return True
    return words[0] in WATER_NOUNS and (words[1] == "of" or name.split()[1][:1].isupper())


def _text(s: Sentence, entity: tuple[int, int, str]) -> str:
    return s.span_text(entity[0], entity[1])


def _joined(s: Sentence, first: tuple[int, int, str], second: tuple[int, int, str]) -> bool:
    """Whether `second` follows `first` after a comma or "in" (and "the" or not). Where the
    parser hangs "in" is not read: it often hangs it on the verb ("studied at the University
    of Toronto in Toronto"), and requiring it to hang on `first` loses more right facts
    than wrong ones."""
    between = range(first[1], second[0])
    return bool(between) and s.words[first[1]].lower() in _SEPARATORS and \
        all(s.pos[t] == "DET" for t in between[1:])


_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PERSON", "EVENT",
                          "WORK_OF_ART", "PRODUCT"})
"""The kinds of the names a list of places may run on into ("the 76ers, San Antonio Spurs,
Kansas City Kings, Los Angeles Lakers and Orlando Magic")."""


def _runs_on(s: Sentence, entity: tuple[int, int, str], places: set[int]) -> bool:
    """Whether the entity's name runs on into the next word, a capitalized noun or proper
    noun that begins no other place (`places`: their first tokens): the place names
    something longer ("the El Paso Times, *Fort Worth* Star-Telegram"), not a place a chain
    may lie in ("Houston, *Texas* area" does lie in Texas, "Tacoma Washington" too)."""
    t = entity[1]
    return t < len(s) and t not in places and s.pos[t] in ("PROPN", "NOUN") and \
        s.words[t][:1].isupper() and not any(c.isdigit() for c in s.words[t])  # "SW13"


def _starts_a_chain(s: Sentence, entity: tuple[int, int, str],
                    entities: list[tuple[int, int, str]]) -> bool:
    """Whether a chain may start at the entity: a place, school or the like that a place
    follows after a comma or "in"."""
    return entity[2] in _FIRST_LABELS and any(
        _joined(s, entity, e) for e in entities if e[0] >= entity[1] and e[2] in _NEXT_LABELS)


def _a_list_item(s: Sentence, t: int, starts: dict[int, tuple[int, int, str]],
                 entities: list[tuple[int, int, str]]) -> bool:
    """Whether a name of another list item begins at token `t`, after a comma that follows
    a chain: a name that starts no chain of its own, or proper nouns that name no country
    ("Balenciaga, *Dries van Noten*, Givenchy": the recognizer may miss a name or part of
    it), either followed by another comma or by "and"/"or" ("Born in Vienna, Austria,
    *Ulrich* began" names no list)."""
    if t in starts:
        if _starts_a_chain(s, starts[t], entities):
            return False
        end = starts[t][1]
    else:
        end = t
        while end < len(s) and s.pos[end] == "PROPN":
            end += 1
        if end == t or is_country(" ".join(s.words[t:end])):
            return False
    return end < len(s) and (s.words[end] == "," or s.words[end].lower() in _LIST_WORDS)


def _in_a_list(s: Sentence, chain: list[tuple[int, int, str]],
               entities: list[tuple[int, int, str]],
               chained: set[tuple[int, int, str]]) -> bool:
    """Whether the chain is part of a list: a name and a comma come before it (not the end
    of a chain before it: "educated at Lakefield College School in Lakefield, Ontario,
    McGill University in Montreal, Quebec"); or a comma and another item of a list follow it
    (`_a_list_item`: "for Dolce & Gabbana, Balenciaga, Dries van Noten, ... and others");
    or "and"/"or" follows it (after a comma or not) and a proper noun that no comma and place
    follow ("Paris, London and Berlin"; "Atlanta, Georgia and Houston, Texas" is two chains;
    "Calgary, Alberta, Canada, and moved" none)."""
    starts = {e[0]: e for e in entities if e[2] in _NAME_LABELS}
    ends = {e[1]: e for e in entities if e[2] in _NAME_LABELS}
    first = chain[0][0]
    if first >= 2 and s.words[first - 1] == "," and first - 1 in ends and \
            ends[first - 1] not in chained:
        return True
    t = chain[-1][1]
    if t + 1 < len(s) and s.words[t] == "," and _a_list_item(s, t + 1, starts, entities):
        return True
    while t + 1 < len(s) and s.words[t] == "," and t + 1 in starts:
        t = starts[t + 1][1]  # ", Kansas City Kings"
    if t < len(s) and s.words[t] == ",":
        t += 1
    if t >= len(s) or s.words[t].lower() not in _LIST_WORDS:
        return False
    t += 1
    while t < len(s) and s.pos[t] == "DET":
        t += 1
    if t >= len(s) or s.pos[t] != "PROPN" and t not in starts:
        return False
    following = starts.get(t)
    return following is None or not any(_joined(s, following, e) for e in entities
                                         if e[0] >= following[1] and e[2] in _NEXT_LABELS)


def place_chains(s: Sentence) -> list[tuple[tuple[int, int, str], ...]]:
    """The chains of places of the sentence, longest first from each start, each of two
    entities or more (token start, end, label), each lying in the next: see the module
    docstring. A chain stops after a country; none starts at one."""
    entities = sorted(s.entities)
    places = {e[0] for e in entities if e[2] in _NEXT_LABELS}
    chains = []
    covered: set[tuple[int, int, str]] = set()
    for i, first in enumerate(entities):
        if first in covered or first[2] not in _FIRST_LABELS or is_country(_text(s, first)):
            continue
        chain = [first]
        for nxt in entities[i + 1:]:
            if nxt[0] < chain[-1][1]:
                continue
            if nxt[2] not in _NEXT_LABELS or not _joined(s, chain[-1], nxt) or \
                    _runs_on(s, nxt, places):
                break
            chain.append(nxt)
            if is_country(_text(s, nxt)):
                break
        if len(chain) < 2 or _in_a_list(s, chain, entities, covered):
            continue
        covered.update(chain)
        chains.append(tuple(chain))
    return chains


def place_readings(s: Sentence, mention: Mention) -> tuple[Mention, ...]:
    """The facts of the sentence's chains of places (`place_chains`), as readings of one of
    its mentions: each place lies in the next (key `PLACE_IN_PLACE`); a place before a
    country also has it as its country (key `PLACE_IN_COUNTRY`), and so has every earlier
    place of the chain. The relation text is the words between the two places.

    The facts are the sentence's, not the mention's: every mention of the sentence carries
    them, whichever chunks it joins (Match rarely makes a mention between "Calgary" and
    "Alberta"), and the Map stage keeps each reading once
    (`mamakg.mapping.facts.one_per_reading`)."""
    out = []
    for chain in place_chains(s):
        country = chain[-1] if is_country(_text(s, chain[-1])) else None
        for a, b in zip(chain, chain[1:]):
            between = list(range(a[1], b[0]))
            out.append(reading(s, mention, ((a[0], a[1]), a[2]), between, [], b,
                                key=PLACE_IN_PLACE))
            if country is not None:
                rel = list(range(a[1], country[0]))
                out.append(reading(s, mention, ((a[0], a[1]), a[2]), rel, [], country,
                                    key=PLACE_IN_COUNTRY))
    return tuple(out)

