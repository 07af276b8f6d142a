"""Map stage (paper section 2.2), relations: the Wikidata property table that ships with
mamakg (``mamakg/data/wikidata_properties.tsv``, CC0) and the label/alias matcher over it.

The relation's surface text, the surface without a leading auxiliary, and the lemma key are
looked up among the labels and aliases of the entity-, time- and quantity-valued properties;
a property is kept only when the tail fits its value type (`PropertyIndex.fits`).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from mamakg.english import (
    BE_FORMS,
    CAUSE_NOUNS,
    DETERMINERS,
    GENERIC_NOUNS,
    HAVE_FORMS,
    KIND_NOUNS,
    LANGUAGE_NOUNS,
    PREPOSITIONS,
    RELATIVE_PRONOUNS,
    TITLES,
    WH_ADVERBS,
    head_word,
    is_month,
)
from mamakg.normalize import relation_variants, squash
from mamakg.types import Relation

__all__ = ["PropertyIndex", "PropertyMatch", "names_a_time", "property_labels", "property_rows",
           "property_table", "qualifier_only", "states_no_fact", "value_kinds"]

_DATATYPES = frozenset({"WikibaseItem", "Time", "Quantity"})
_LABEL, _ALIAS = 1.0, 0.9
"""Score of a match on a property's label, and on one of its aliases."""
_VARIANT_DECAY = 0.95
"""Each step from the surface text towards the lemma key multiplies the score by this."""


@dataclass(frozen=True)
class PropertyMatch:
    pid: str
    label: str
    score: float
    method: str  # "label" or "alias"


@dataclass(frozen=True)
class _Entry:
    pid: str
    label: str
    score: float
    method: str
    usage: int


@functools.cache
def property_table() -> tuple[dict[str, str], ...]:
    """The rows of the shipped property table (pid, label, description, aliases, datatype,
    usage_count...), read once."""
    text = resources.files("mamakg").joinpath("data/wikidata_properties.tsv").read_text(
        encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


@functools.cache
def property_rows() -> dict[str, dict[str, str]]:
    """P-id -> row of the shipped property table, for every property.

    >>> property_rows()["P571"]["datatype"]
    'Time'
    """
    return {row["pid"]: row for row in property_table()}


@functools.cache
def property_labels() -> dict[str, str]:
    """P-id -> English label, for every property of the shipped table.

    >>> property_labels()["P19"]
    'place of birth'
    """
    return {row["pid"]: row["label"] for row in property_table()}


_PHRASE_ENDS = RELATIVE_PRONOUNS | WH_ADVERBS | PREPOSITIONS | BE_FORMS | HAVE_FORMS
"""Words that end the noun phrase opening a description ("person *who*...", "item *of*...")."""


def value_kinds(description: str) -> frozenset[str]:
    """What kind of thing a property's value is (``person``, ``organization``, ``place``,
    ``event``, ``cause``, ``language``), read from the noun phrase that opens its Wikidata
    description, which names the value ("student of: *person* who has taught this person",
    "educated at: *educational institution* attended by subject"); empty when that phrase
    names none of them or only something generic ("entity or event that inspired...").

    >>> sorted(value_kinds("person or organization for which the subject works"))
    ['organization', 'person']
    >>> value_kinds("person(s) elected after the election"), value_kinds("the subject has the"
    ...     " object as their spouse")
    (frozenset({'person'}), frozenset())
    >>> value_kinds("underlying or immediate cause of death")
    frozenset({'cause'})
    >>> value_kinds("language in which a film was originally created")
    frozenset({'language'})
    """
    kinds: set[str] = set()
    for i, word in enumerate(re.findall(r"[a-z]+", description.lower())[:6]):
        if word in _PHRASE_ENDS or (i and (word in DETERMINERS or word.endswith(("ed", "ing")))):
            break
        if word in GENERIC_NOUNS:
            return frozenset()
        kinds.update(k for k, words in KIND_NOUNS.items() if word in words)
        if word in CAUSE_NOUNS:
            kinds.add("cause")
        if word in LANGUAGE_NOUNS:
            kinds.add("language")
    return frozenset(kinds)


_INDIVIDUAL_KINDS = frozenset({"person", "organization", "place", "event"})
"""The kinds of `value_kinds` whose things are individuals: a cause ("cancer") or a language
is a class."""


_ERA_WORDS = frozenset({"century", "centuries", "millennium", "bc", "bce", "ad", "ce"})


def names_a_time(text: str) -> bool:
    """Whether a text can name a point in time: a year (a number of three or four digits:
    "1949", "the 1960s", "mid-1968"), a day of a month ("June 5") or a numbered century or
    era ("9th century", "AD 79"). An age ("the age of 81"), a time of day ("8:00 a.m."), a
    duration ("more than 15 years"), a score ("2:56.6") or a month alone ("September", the
    recognizer's date cut short), which the entity recognizer also calls dates or numbers,
    name none.

    >>> [names_a_time(t) for t in ("16 November 1991", "the 1960s", "June 5", "9th century")]
    [True, True, True, True]
    >>> [names_a_time(t) for t in ("the age of 81", "8:00 a.m.", "15 years", "September")]
    [False, False, False, False]
    """
    words = re.findall(r"[a-z]+|\d+", text.lower())
    if any(w.isdigit() and 3 <= len(w) <= 4 for w in words):
        return True
    return any(w.isdigit() for w in words) and \
        any(is_month(w) or w in _ERA_WORDS for w in words)


_TITLE_WORDS = TITLES | {"emeritus", "emerita"}


def _titles_only(text: str) -> bool:
    """Whether a text is only titles or offices ("Alderman", "Chairman Emeritus",
    `TITLES`): what someone is, not a name.

    >>> _titles_only("Emeritus"), _titles_only("Alderman"), _titles_only("Prince Edward")
    (True, True, False)
    """
    words = text.lower().replace(".", " ").split()
    return bool(words) and all(w in _TITLE_WORDS for w in words)


_ROLE_NOUNS = frozenset(
    "spouse sibling father mother parent child relative author director editor creator owner "
    "founder manufacturer publisher distributor broadcaster producer performer winner student "
    "teacher subsidiary chairperson country continent capital diocese league court team venue "
    "label employer composer architect designer developer operator sponsor partner successor "
    "predecessor heir member members head coach".split())
"""Nouns of a property's label that name whom or what its value is: a person, an organization
or a place in a role ("spouse", "record label", "country of citizenship", "cast member",
"head of government", "head coach")."""

_NAMED_THING_NOUNS = frozenset("award awards prize prizes work works season seasons".split())
"""Nouns of things each known by a name of its own: an award ("the Nobel Prize"), a work ("notable
work", "cites work": *Hamlet*), a season of a league or a show."""

_INDIVIDUAL_NOUNS = _ROLE_NOUNS | _NAMED_THING_NOUNS | frozenset().union(*KIND_NOUNS.values())
"""The role nouns, the nouns of named things and of a kind of individual (`KIND_NOUNS`:
"person", "city")."""


def _names_an_individual(label: str) -> bool:
    """Whether a property's label says its value is an individual, no class: an agent ("owned
    by", "founded by") or a role noun at the head of its first phrase (`_INDIVIDUAL_NOUNS`:
    "spouse", "record label", "country of citizenship", "notable work"; before a participle:
    "award received"; not "competition class", "position played on team").

    >>> _names_an_individual("spouse"), _names_an_individual("owned by")
    (True, True)
    >>> _names_an_individual("award received"), _names_an_individual("position held")
    (True, False)
    >>> _names_an_individual("occupation"), _names_an_individual("instance of")
    (False, False)
    """
    words = re.split(r" (?:of|on|in|at|for|to|from|with)\b| / ", label.lower())[0].split()
    if len(words) > 1 and words[-1].endswith("ed"):
        words.pop()  # "award received": the noun the participle follows
    return label.lower().endswith(" by") or bool(words) and words[-1] in _INDIVIDUAL_NOUNS


_QUALIFIER = re.compile(
    r"^\(?qualifier\b|[;,.(] ?\(?qualifier (?:for|of|to|on|stating|used|only)\b"
    r"|(?<!can be )\b(?:use|used)(?: only)? as (?:a )?qualifier\b")
"""How a Wikidata description says the property is a qualifier: it opens with "qualifier",
a clause of it does ("...; qualifier for P54"), or it is "(usually / only) used as a
qualifier"; not where it only may be one ("can be used as a qualifier")."""

_WIKI_LABEL = re.compile(r"wikimedia|wikidata|wikiproject|\btemplate\b|\bproperty\b"
                         r"|\bcategory (?:for|of|related|contains)\b|'s main category|category's")
_WIKI_DESCRIPTION = re.compile(
    r"wikimedia|wikidata property|wikiproject|property constraint|sitelinks?\b"
    r"|references? (?:section|field)|used as source|one-value-template"
    r"|statements with this property|duplicates another item|represented by the property")
"""How a property's label or description says it is about the wiki itself: its pages,
categories, lists and templates, Wikidata's own properties and items, a statement's
sources."""


def qualifier_only(description: str) -> bool:
    """Whether a property's Wikidata description says it qualifies another property's
    statement rather than stating a fact of its own ("including: usually used as a
    qualifier", "acquisition transaction: how the player was acquired; qualifier for P54",
    "elected in: qualifier for statements in position held...").

    >>> qualifier_only("usually used as a qualifier")
    True
    >>> qualifier_only("how the player was acquired; qualifier for P54 (member of sports team)")
    True
    >>> qualifier_only("who appointed the person to the office, can be used as a qualifier")
    False
    >>> qualifier_only("person's hair color. Use P585 as qualifier if there's more than one")
    False
    """
    text = description.lower()
    return bool(_QUALIFIER.search(text)) and not re.search(r"\bp\d+ as (?:a )?qualifier", text)


def states_no_fact(label: str, description: str) -> bool:
    """Whether a property states nothing a sentence can say of its subject: Wikidata uses it
    only to qualify another property's statement (`qualifier_only`: "acquired" is no
    player's *acquisition transaction*, "was elected to Parliament" no *elected in* an
    election, what they qualify is not in the fact), or it is about the wiki itself, its
    pages, categories and templates, Wikidata's own properties or a statement's sources
    ("on focus list of Wikimedia project", "Wikidata property example", "stated in: to be
    used in the references field").

    >>> states_no_fact("including", "usually used as a qualifier")
    True
    >>> states_no_fact("topic's main category", "main Wikimedia category")
    True
    >>> states_no_fact("author", "main creator(s) of a written work (use on works, not "
    ...                "humans); use P2093 when Wikidata item is unknown or does not exist")
    False
    """
    return qualifier_only(description) or bool(
        _WIKI_LABEL.search(label.lower()) or _WIKI_DESCRIPTION.search(description.lower()))


def written_as_a_name(text: str) -> bool:
    """Whether English writes a text as a name: its first letter or its head word (the last
    word with a letter before any "of": `mamakg.english.head_word`) has a capital ("Lier
    municipal council", "de Gaulle", "iPhone 4", "University of Toronto"; not "former NFL
    star", a common noun a name qualifies, nor "concept of Neo-plasticism"), after any
    determiner ("the Tea Party movement"). A script without case (中村) counts as capitals.

    >>> [written_as_a_name(t) for t in ("Lier municipal council", "de Gaulle", "iPhone 4")]
    [True, True, True]
    >>> [written_as_a_name(t) for t in ("former NFL star", "concept of Neo-plasticism", "class")]
    [False, False, False]
    """
    words = text.split()
    while len(words) > 1 and words[0].lower() in DETERMINERS:
        words.pop(0)  # "the Tea Party movement"
    first = next((c for w in words for c in w if c.isalpha()), "a")
    return not first.islower() or any(c.isalpha() and not c.islower() for c in head_word(text))


def _a_word(word: str) -> bool:
    """Whether a word is made of letters, with the hyphens and apostrophes a name writes
    inside it ("Winston-Salem", "O'Fallon"): no number, nor an abbreviation ("D.C.", which
    is no place of its own).

    >>> _a_word("Aix-en-Provence"), _a_word("O’Hare"), _a_word("1949"), _a_word("3-D")
    (True, True, False, False)
    """
    return word.translate(_INSIDE_A_WORD).isalpha()


_INSIDE_A_WORD = str.maketrans("", "", "-'’")


class PropertyIndex:
    """Wikidata property labels and aliases, keyed by normalized text."""

    def __init__(self, rows: tuple[dict[str, str], ...] | list[dict[str, str]]) -> None:
        self._by_text: dict[str, _Entry] = {}
        self._datatype: dict[str, str] = {}
        classes: set[str] = set()
        unstated: set[str] = set()
        for row in rows:
            if row.get("datatype") not in _DATATYPES:
                continue
            if states_no_fact(row["label"], row.get("description", "")):
                unstated.add(row["pid"])
            self._datatype[row["pid"]] = row["datatype"]
            if row["datatype"] == "WikibaseItem" and not value_kinds(
                    row.get("description", "")) & _INDIVIDUAL_KINDS \
                    and not _names_an_individual(row["label"]):
                classes.add(row["pid"])
            usage = int(row.get("usage_count") or 0)
            names = [(row["label"], _LABEL, "label")]
            names += [(a, _ALIAS, "alias") for a in (row.get("aliases") or "").split("|") if a]
            for name, score, method in names:
                key = squash(name)
                entry = _Entry(row["pid"], row["label"], score, method, usage)
                old = self._by_text.get(key)
                if old is None or (entry.score, entry.usage) > (old.score, old.usage):
                    self._by_text[key] = entry
        self.unstated = frozenset(unstated)
        """The properties that state no fact of a sentence's subject (`states_no_fact`): a
        relation that matches one of their names stays open."""
        self.class_valued = frozenset(classes)
        """The item-valued properties whose values are classes, not individuals: those whose
        Wikidata description names no person, organization, place or event as the value
        (`value_kinds`: instance of, occupation, genre, position held...; not father,
        employer, place of birth) and whose label names no individual
        (`_names_an_individual`: not spouse, owned by, record label)."""

    @classmethod
    @functools.lru_cache(maxsize=1)
    def bundled(cls) -> PropertyIndex:
        """The index of the property table that ships with mamakg."""
        return cls(property_table())

    def __len__(self) -> int:
        return len(self._by_text)

    def match(self, surface: str, key: str) -> PropertyMatch | None:
        """The best property for a relation, or None.

        >>> PropertyIndex.bundled().match("was born in", "bear in").pid
        'P19'
        """
        best: PropertyMatch | None = None
        for rank, variant in enumerate(relation_variants(surface, key)):
            entry = self._by_text.get(variant)
            if entry is None:
                continue
            score = round(entry.score * _VARIANT_DECAY**rank, 4)
            if best is None or score > best.score:
                best = PropertyMatch(entry.pid, entry.label, score, entry.method)
        if best is not None and best.pid in self.unstated:
            return None  # "including" qualifies another statement: no fact of its own
        return best

    def fits(self, pid: str, tail: str) -> bool:
        """Whether a tail's text can be a value of the property: quantity-valued properties
        need a number in it, time-valued ones a date (`names_a_time`: "1949", "16 November
        1991", not "the age of 81" or "8:00 a.m."), item-valued ones a word that is not a
        number or a month ("Kettering", not "1949"), and those whose value is a person, an
        organization, a place or an event (`value_kinds`) a name, written as one
        (`written_as_a_name`: "Kettering", not "multiple jobs" as an employer, "class" as a
        school or "fellow NASA astronaut" as a spouse), and not titles alone ("Alderman" is
        no party, "Emeritus" no employer: `_titles_only`).
        Unknown properties fit.

        >>> index = PropertyIndex.bundled()
        >>> index.fits("P571", "1949"), index.fits("P571", "Leominster Priory")
        (True, False)
        >>> index.fits("P19", "Hawaii"), index.fits("P19", "16 November 1991")
        (True, False)
        >>> index.fits("P570", "the age of 81"), index.fits("P570", "9th century")
        (False, True)
        >>> index.fits("P108", "Acme"), index.fits("P108", "multiple jobs")
        (True, False)
        >>> index.fits("P102", "Alderman"), index.fits("P39", "Alderman")
        (False, True)
        >>> index.fits("P26", "golfer"), index.fits("P106", "golfer")
        (False, True)
        >>> index.fits("P26", "fellow NASA astronaut"), index.fits("P26", "Andy Thomas")
        (False, True)
        >>> index.fits("P166", "Academy Award"), index.fits("P166", "awards")
        (True, False)
        >>> index.fits("P19", "Winston-Salem"), index.fits("P19", "O'Fallon")
        (True, True)
        """
        kind = self._datatype.get(pid)
        if kind is None:
            return True
        if kind == "Time":
            return names_a_time(tail)
        if kind != "WikibaseItem":
            return any(c.isdigit() for c in tail)
        if pid not in self.class_valued and (not written_as_a_name(tail) or _titles_only(tail)):
            # "employer: multiple jobs", "educated at: class", "party: Alderman": no name
            return False
        return any(_a_word(w) and not is_month(w) for w in tail.replace(",", " ").split())

    def relation(self, key: str, label: str, min_score: float) -> Relation:
        """The `Relation` of a relation key with its most frequent surface form."""
        found = self.match(label, key)
        if found is None or found.score < min_score:
            return Relation(key=key, label=label)
        return Relation(key=key, label=label, pid=found.pid, map_score=found.score,
                        map_method=found.method, pid_label=found.label)
