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
quantity-valued ones, anything else only entity-valued ones; of those, a property whose
description names what its value is (`value_kinds`: a person, an organization, a place, an
event, a cause, a language) takes a tail of a kind that fits (`_KIND_FITS`: "died Stuttgart"
states no *cause of death*), and a tail the recognizer calls a group or a language is the
value of a group's or a language's property only. The score of the best property
is its softmax probability among the candidates and "no property", so it reads as how sure
the mapper is; below `--min-map-score` the relation stays open, and so it does where the best
property is one Wikidata uses only to qualify another's statement ("acquired" -> *acquisition
transaction*, "was elected to" -> *elected in*, "including"), or one about the wiki itself
("stated in", "on focus list of Wikimedia project": `states_no_fact`; such properties compete,
so that a phrase nearest one is not handed to another). An active phrase mapped to a passive
property ("founded" -> "founded by"), or "N of" mapped to the property N by a name or its
label ("is the CEO of" -> "CEO", "the secretary-general of" -> "secretary general", "a wholly
owned subsidiary of" -> *subsidiary*; "a N to/for" likewise: "the parent company to"),
reverses the fact (`is_inverse`); so does an active verb mapped to the noun of its doer ("won"
-> "winner", "directed" -> "director": `names_the_agent`). Only "by" marks an agent: a phrase
that ends in "by" is not compared with a name that ends in another preposition, nor the
reverse ("sent by" is no "sent to", "killed at" no "killed by"), and a passive phrase without
"by" ("Hugh was appointed Keeper") states no property whose value is an agent
(`EmbeddingMapper._candidates`). One verb with "in", "at" or "on" says where or when, with
"of" or "from" what from: "died at" matches no name "died of" (`_verb_before`).

Three kinds of phrase are not compared with property names, since a sentence embedding cannot
read them: a negated phrase ("was not born in") states no property, and abstains; a bare copula
("is", "was") names none by itself ("is" lies nearest the alias "is not" of *different from*),
nor does a bare "have" ("had", "also has": possession is said of anything, and "had" lies
nearest *has cause*), nor a bare "call" ("also called", "called a conference":
`names_nothing`). A copula between a person and a nationality, party or religion (spaCy's
``NORP``: "Pieter Withoos was a *Dutch* painter") states the person's country of citizenship,
political party or religion (`GROUP_PROPERTIES`, chosen by the cosine of the tail's own words
with each of them, scored by the same softmax among the three, method ``kind``); any other bare
copula abstains.

Each distinct phrase (of at most `MAX_WORDS` words) is embedded once and compared with every
property once (`prepare`, in batches); the property vectors are precomputed and shipped.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence

import numpy as np

from mamakg.english import (
    ALL_PREPOSITIONS,
    ARTICLES,
    BE_FORMS,
    EVENT_NAME_NOUNS,
    LEADING_AUXILIARIES,
    NEGATIONS,
    PLACE_NOUNS,
    ROLE_PREPOSITIONS,
    SOURCE_PREPOSITIONS,
    STUDENT_NOUNS,
    WHERE_PREPOSITIONS,
    final_preposition,
    gives_a_name,
    head_word,
)
from mamakg.mapping.arguments import PLACE_IN_PLACE
from mamakg.mapping.lifespans import EVENT_KEYS, LIFE_END, LIFE_START
from mamakg.mapping.mapper import MapChain, MapMethod, Mapping, MapQuery
from mamakg.mapping.places import PLACE_IN_COUNTRY
from mamakg.mapping.properties import property_table, states_no_fact, value_kinds
from mamakg.mapping.vectors import PropertyVectors
from mamakg.normalize import relation_variants

__all__ = ["COPULAS", "DESCRIPTION_WEIGHT", "GROUP_PROPERTIES", "GROUP_VALUED", "KINDS",
           "NONE_SIMILARITY", "PRIOR_WEIGHT", "TEMPERATURE", "EmbeddingMapper", "KindMapper",
           "LIGHT_KEYS", "MapQuery", "Mapping", "SETTLEMENT_NOUNS", "SemanticMapper",
           "gives_a_name", "is_inverse", "is_passive", "is_unreadable", "kind_of",
           "names_a_place_in", "names_nothing", "names_the_agent", "query_phrase",
           "teaches_at"]

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

COPULAS = BE_FORMS | ARTICLES
"""A phrase made only of these (and no other word) is a bare copula; one with a word of
`NEGATIONS` is a negated statement (both map to no property)."""
GROUP_PROPERTIES = (("P27", "nationality"), ("P102", "political party"), ("P140", "religion"))
"""What a person's ``NORP`` ("Dutch", "Republican", "Catholic") after a copula states, with
the word its tail is compared with."""
AFFILIATION_PROPERTIES = (
    ("P108", "company"), ("P108", "university"), ("P108", "newspaper"),
    ("P108", "government agency"), ("P463", "association"), ("P463", "academy"),
    ("P102", "political party"), ("P54", "sports team"), ("P54", "football club"),
    ("P241", "armed forces"))
"""What a person's role at an organization states ("X was a professor at Kyoto University",
"X served as director for Acme", "X is a British [Labour Party] politician", "an American
[Air Force] general"), with the words the organization is compared with (a property is as
near as its nearest word); a student's role (`STUDENT_WORDS`) states P69."""
JOINING_KEYS = frozenset({"join", "rejoin"})
"""A person who joins an organization takes a place in it ("Huber joined the Nazi Party",
"joined Google", "joined the Royal Navy"): read as a role there (`AFFILIATION_PROPERTIES`)."""
TEACHING_VERBS = frozenset({"teach", "lecture"})
"""A person who teaches at a school works there ("began teaching at Broadway Arts Center",
"taught at the University of Chicago"), as does one on its faculty: read as a role there,
not as being educated at it (`teaches_at`)."""
STUDENT_WORDS = STUDENT_NOUNS
"""A role phrase ends with one of `ROLE_PREPOSITIONS` ("a professor *at*"); "N of" names a
property of the organization itself ("chairman of") and is mapped by meaning."""
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
    number of three or four digits reads as a year (a date); an organization whose name is
    headed by a noun of an event is an event (`EVENT_NAME_NOUNS`: the recognizer often calls
    "the First Carlist War" or "the Battle of Alsasua" an organization); "" when unknown.

    >>> kind_of("GPE"), kind_of("CARDINAL", "1961"), kind_of("CARDINAL", "12")
    ('place', 'date', 'number')
    >>> kind_of("ORG", "First Carlist War"), kind_of("ORG", "War Office")
    ('event', 'organization')
    """
    kind = KINDS.get(entity_type, "")
    if kind == "number" and any(w.isdigit() and 3 <= len(w) <= 4 for w in text.split()):
        return "date"
    if kind == "organization" and head_word(text).lower() in EVENT_NAME_NOUNS:
        return "event"
    return kind


@functools.lru_cache(maxsize=1 << 16)  # a relation's phrase is asked once per query and group
def query_phrase(surface: str, key: str) -> str:
    """The text embedded for a relation: its surface without leading auxiliaries (properties'
    names have none), lower-cased.

    >>> query_phrase("was born in", "bear in")
    'born in'
    """
    variants = relation_variants(surface, key)
    return variants[1] if len(variants) > 2 else variants[0]


def is_unreadable(phrase: str) -> bool:
    """A negated phrase or a bare copula: not compared with property names.

    >>> is_unreadable("was"), is_unreadable("was not born in"), is_unreadable("born in")
    (True, True, False)
    """
    words = phrase.split()
    return any(w in NEGATIONS for w in words) or all(w in COPULAS for w in words)


LIGHT_KEYS = frozenset({"have", "call"})
"""Verbs that name no property by themselves: possession is said of anything ("had a son",
"has a population", "had two jobs"); "call" gives a name or a summons ("also called
Ormazd", "called an international conference", "personally called Sting")."""


def names_nothing(key: str) -> bool:
    """Whether a relation key is one of `LIGHT_KEYS`, alone or after an adverb ("had", "also
    has", "now called"), which states no property by itself.

    >>> names_nothing("have"), names_nothing("also call"), names_nothing("have cause")
    (True, True, False)
    >>> names_nothing("call for"), names_nothing("be")
    (False, False)
    """
    words = key.split()
    return 1 <= len(words) <= 2 and words[-1] in LIGHT_KEYS


def _is_role(surface: list[str], words: list[str], key: list[str],
             verb: bool | None = None) -> bool:
    """Whether a relation names a role held at its tail: a copula or "as", then a noun phrase,
    then a preposition of `ROLE_PREPOSITIONS` ("was a professor at", "served as director for",
    "is Professor of Economics at"), or the role's own words where the key keeps the copula
    before them ("professor at", key "be professor at"). A verb there ("was born at", "is
    working at") is no role: a role has an article or "as", or no verb: by the parse where
    `verb` says whether the surface has one (`KindMapper(role_by_pos=True)`), else guessed from
    the strings, as no word whose lemma differs from it (a verb's does: "born" -> "bear"; the
    guess errs where a verb's lemma is its form, "was put at", and where a plural noun's is not,
    "was professors at").

    >>> _is_role("was a professor at".split(), "a professor at".split(), "be professor at".split())
    True
    >>> _is_role("was born at".split(), "born at".split(), "bear at".split())
    False
    >>> _is_role("professor at".split(), "professor at".split(), "be professor at".split())
    True
    """
    if not (2 <= len(words) <= MAX_WORDS + 2 and words[-1] in ROLE_PREPOSITIONS
            and words[0] not in ROLE_PREPOSITIONS):
        return False
    if "as" in words[:-1]:
        return True
    if key[0] in COPULAS and surface[0] not in COPULAS and set(key[1:]) <= set(surface):
        return True  # the role's own words, read after a copula ("was an educator and
        # [professor at]": key "be professor at", `listed_role_readings`)
    if surface[0] not in COPULAS:
        return False
    if ARTICLES & set(words):
        return True
    if verb is not None:
        return not verb
    return words == [w for w in key if w not in COPULAS]


@functools.lru_cache(maxsize=1 << 16)  # pure on the key; asked once per relation and tail
def teaches_at(key: str) -> bool:
    """Whether a relation key says its head teaches at its tail: a verb of `TEACHING_VERBS`,
    then "at" ("teach at", "begin teach at": "began teaching at"; not "teach in", which is
    as often a subject or a year as a school), or its place on the tail's faculty, its
    teaching staff ("joined the faculty of", "held faculty positions at", "was appointed to
    the faculty of": a university's *faculty* that a student attends is named with its field,
    "the Faculty of Law", not joined).

    >>> teaches_at("begin teach at"), teaches_at("teach at"), teaches_at("teach in")
    (True, True, False)
    >>> teaches_at("join faculty of"), teaches_at("hold faculty position at"), teaches_at(
    ...     "faculty of")
    (True, True, False)
    """
    words = key.split()
    if len(words) < 2:
        return False
    if "faculty" in words[1:-1]:  # after a word that places the head there
        return words[-1] in ROLE_PREPOSITIONS or words[-1] == "of"
    return words[-1] == "at" and words[-2] in TEACHING_VERBS


def _is_role_noun(surface: list[str], key: list[str]) -> bool:
    """Whether a relation is a role noun that its tail modifies: read after the tail, its key
    keeps the copula before it ("was a British [Labour Party] *politician*": text
    "politician", key "be politician"; "is a [BBC] *executive*"); not one that ends in a
    preposition, whose tail comes after it ("CEO of", `mamakg.mapping.arguments.
    listed_role_readings`).

    >>> _is_role_noun(["politician"], ["be", "politician"]), _is_role_noun(["is"], ["be"])
    (True, False)
    >>> _is_role_noun(["ceo", "of"], ["be", "ceo", "of"])
    False
    """
    return len(key) >= 2 and key[0] in COPULAS and surface[0] not in COPULAS and \
        surface == key[1:] and surface[-1] not in ALL_PREPOSITIONS


def _kind_reading(q: MapQuery, by_pos: bool = False) -> tuple[tuple[str, str], ...]:
    """The properties a phrase that names none by itself states by the kinds it joins, each
    with the word the tail's text is compared with; empty when none. A bare copula between a
    person and a group ("was *Dutch*") states citizenship, party or religion
    (`GROUP_PROPERTIES`); a role between a person and an organization ("was [a professor at]",
    "served as director for", `_is_role`; "is a British [Labour Party] politician",
    `_is_role_noun`; joining it, `JOINING_KEYS`: "joined the Nazi Party"; teaching at it,
    `teaches_at`: "taught at Harvard", whatever kind of place the recognizer took the school
    for, "taught at the [Peabody Conservatory of Music]" a building) states employment or
    membership (`AFFILIATION_PROPERTIES`; teaching, employment by the school), or education
    for a student."""
    if q.head_kind != "person" or not q.tail_text:
        return ()
    surface = q.surface.lower().split()
    words = query_phrase(q.surface, q.key).split()
    if q.tail_kind == "group":
        # the key leaves out other entities' words: "is an [American] politician" is read
        # between the entities as "is an" with the key "be"
        copula = all(w in COPULAS for w in words) or all(w in COPULAS for w in q.key.split())
        return GROUP_PROPERTIES if copula else ()
    if q.tail_kind != "organization" and not (q.tail_kind == "place" and teaches_at(q.key)):
        return ()  # a school the recognizer took for a building or a town is taught at too
    verb = "VERB" in q.surface_pos if by_pos and q.surface_pos else None
    if not (_is_role(surface, words, q.key.split(), verb)
            or _is_role_noun(surface, q.key.split()) or q.key in JOINING_KEYS
            or teaches_at(q.key)):
        return ()  # a bare copula says who someone is ("He is the co[-founder]"), no role
    if STUDENT_WORDS & set(words):
        return (("P69", "school"),)
    if teaches_at(q.key):  # a teacher is employed by the school
        return (("P108", "school"),)
    return AFFILIATION_PROPERTIES


MEMBER_NOUNS = frozenset({"member", "members"})
"""What ends a property's name that names a member of its first words' group ("board member",
"cast member"): the phrase "the board of" states it from value to subject too."""


RELATING_PREPOSITIONS = frozenset({"of", "to", "for"})
"""The prepositions after a noun that relate it to its holder: "the CEO *of* Acme", "the
parent company *to* Castle Tree Art", "the spokesman *for* the party". After "to" and "for"
the noun must come with an article ("*a* predecessor to", "*the* parent company for"): a verb
takes them too ("plays for", "was promoted to")."""


def _relating_stem(phrase: str) -> list[str] | None:
    """The words before a phrase's final relating preposition (`RELATING_PREPOSITIONS`), or
    None where it ends in none, or in "to" or "for" without an article before it."""
    relating = final_preposition(phrase)
    if relating not in RELATING_PREPOSITIONS:
        return None
    stem = _compound_words(phrase[: -len(relating)])
    if relating != "of" and not any(w in ARTICLES for w in stem):
        return None
    return stem


def _after_place_preposition(stem: list[str], n: int) -> bool:
    """Whether a preposition other than "as" comes before the last `n` words of a relating
    stem (`_relating_stem`), past an article: "in *the constellation* of Boötes" names
    Boötes a constellation, it is no one's ("served as *CEO* of Acme" is Acme's CEO)."""
    before = stem[: max(len(stem) - n, 0)]
    if before and before[-1] in ARTICLES:
        before = before[:-1]
    return bool(before) and before[-1] in ALL_PREPOSITIONS and before[-1] != "as"


@functools.lru_cache(maxsize=1 << 16)  # asked for many properties of every query
def is_inverse(phrase: str, name: str, label: str) -> bool:
    """Whether the phrase states the property from its value to its subject, which reverses
    the fact: an active phrase on a passive property ("Ann founded Acme": Acme is founded by
    Ann), or "N of" (or "N to", "N for": `RELATING_PREPOSITIONS`) where the property is the
    bare noun N, by its nearest name or its label, which names the value ("Ann is the CEO of
    Acme": Acme's CEO is Ann; "X is a wholly owned subsidiary of Y": Y has the subsidiary X,
    the label *subsidiary*; "X is the parent company to Y": Y's parent organization is X).

    >>> is_inverse("founded", "founded by", "founded by"), is_inverse("founded by",
    ...     "founded by", "founded by"), is_inverse("founder of", "founder", "founded by")
    (True, False, True)
    >>> is_inverse("ceo of", "CEO", "chief executive officer"), is_inverse("member of",
    ...     "member of", "member of")
    (True, False)
    >>> is_inverse("a wholly owned subsidiary of", "subsidiary company", "subsidiary")
    True
    >>> is_inverse("the parent company to", "parent company", "parent organization")
    True
    >>> is_inverse("married to", "married to", "spouse"), is_inverse("plays for", "plays",
    ...     "instrument"), is_inverse("located in the constellation of", "located in the "
    ...     "constellation", "constellation")
    (False, False, False)

    So does "N of" where the property is "N member", a member of the N: "served on the board
    of Acme": Acme's board member is Ann.

    >>> is_inverse("served on the board of", "board member", "board member"), is_inverse(
    ...     "is a former board member of", "board member", "board member")
    (True, True)

    The preposition after nouns joined by "and" completes each of them (`_conjunct_stems`):

    >>> is_inverse("served as chairman and ceo of", "chairman", "chairperson")
    True

    A name or label with a slash names either word ("director/manager"):

    >>> is_inverse("served as managing director of", "manager/director", "director/manager")
    True
    """
    name, label = name.lower(), label.lower()
    if name.endswith(" by") or label.endswith(" by"):
        return not _has_by(phrase)
    stem = _relating_stem(phrase)
    if stem is None or final_preposition(name):
        return False
    names = [_compound_words(n) for n in name.split("/")]
    groups = [w[:-1] for w in names if len(w) >= 2 and w[-1] in MEMBER_NOUNS]
    owns = [] if final_preposition(label) else [_compound_words(n) for n in label.split("/")]
    for part in _conjunct_stems(stem):
        if any(0 < len(w) <= 3 and part[-len(w):] == w for w in names + groups):
            return True  # the nearest name, or its group ("board" of "board member")
        if any(0 < len(own) <= 3 and part[-len(own):] == own and
               not _after_place_preposition(part, len(own)) for own in owns):
            return True  # the label
    return False


_COORDINATORS = frozenset({"and", "&", "or"})
"""Words that join nouns sharing the preposition after the last (`_conjunct_stems`)."""


def _conjunct_stems(stem: list[str]) -> list[list[str]]:
    """A relating stem (`_relating_stem`) and, where nouns joined by "and", "&", "or" or a
    comma come before its preposition, the stem up to each earlier one: the preposition after
    the last completes each ("served as chairman and CEO of Acme": chairman of Acme too).

    >>> _conjunct_stems("served as chairman and ceo".split())
    [['served', 'as', 'chairman', 'and', 'ceo'], ['served', 'as', 'chairman']]
    """
    out = [stem]
    for i in range(len(stem) - 1, 0, -1):
        if stem[i] in _COORDINATORS:
            out.append(stem[:i])
        elif stem[i - 1].endswith(","):
            out.append(stem[:i - 1] + [stem[i - 1][:-1]])
    return out


def _verb_before(phrase: str, prepositions: frozenset[str]) -> str:
    """For a phrase that is one verb and one of `prepositions` after any auxiliaries ("was
    graduated in"), the verb's stem (`_verb_stem`); else "" (a longer phrase: "served as a
    lieutenant commander in", whose word before "in" is a noun).

    >>> _verb_before("graduated in", WHERE_PREPOSITIONS), _verb_before("born", WHERE_PREPOSITIONS)
    ('graduat', '')
    """
    words = phrase.lower().split()
    while words and words[0] in LEADING_AUXILIARIES:
        words = words[1:]
    if len(words) != 2 or words[-1] not in prepositions:
        return ""
    return _verb_stem(words[0])


def _verb_stem(word: str) -> str:
    """A word without the endings of a verb's forms, to tell two forms of one verb ("plays"
    and "play", "served" and "serving").

    >>> [_verb_stem(w) for w in ("plays", "played", "serving", "served", "work")]
    ['play', 'play', 'serv', 'serv', 'work']
    """
    word = word.lower()
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[:-len(ending)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _agent_nouns(verb: str) -> frozenset[str]:
    """The nouns English makes for who does what a verb (a lemma) says: "win" -> "winner",
    "direct" -> "director", "create" -> "creator", "write" -> "writer", "own" -> "owner"
    (and forms no English word has, which match no name)."""
    forms = {verb + "er", verb + "or", verb + verb[-1:] + "er"}
    if verb.endswith("e"):
        forms |= {verb + "r", verb[:-1] + "or"}
    return frozenset(forms)


@functools.lru_cache(maxsize=1 << 16)  # asked once per decided query
def names_the_agent(key: str, name: str, label: str) -> bool:
    """Whether a property's name (or label) is the noun of the one who does what the
    relation's verb says, its key's last word: "X won Y" matched to *winner* (Y's winner is
    X), "X directed Y" to *director*, "X owns Y" to *owner*. Said actively, such a phrase
    states the property from its value to its subject, which reverses the fact.

    >>> names_the_agent("win", "winner", "winner"), names_the_agent("direct", "director",
    ...     "director"), names_the_agent("also create", "creator", "creator")
    (True, True, True)
    >>> names_the_agent("be director", "director", "director"), names_the_agent("win at",
    ...     "winner", "winner"), names_the_agent("win", "award received", "award received")
    (False, False, False)
    """
    words = key.split()
    if not words or words[-1] in ALL_PREPOSITIONS or (len(words) > 1 and words[0] in COPULAS):
        return False
    agents = _agent_nouns(words[-1])
    return any((text.lower().split() or [""])[-1] in agents for text in (name, label))


def _has_by(phrase: str) -> bool:
    """Whether a phrase names its agent: "by" ends it or stands in it."""
    return phrase.endswith(" by") or " by " in phrase


def _compound_words(text: str) -> list[str]:
    """The words of a text, a hyphenated compound as its words ("secretary-general" is the
    property "secretary general")."""
    return text.replace("-", " ").split()


def is_passive(surface: str, key: str) -> bool:
    """Whether a relation is in the passive voice: a form of "be" among the auxiliaries it
    opens with that its key leaves out (an auxiliary, not the copula the key keeps: "was
    appointed", key "appoint"; not "is a member of", key "be member of"), before a word that is
    no present participle ("was working for" is active).

    >>> is_passive("was appointed", "appoint"), is_passive("has been killed at", "kill at")
    (True, True)
    >>> is_passive("is a member of", "be member of"), is_passive("was working for", "work for")
    (False, False)
    >>> is_passive("appointed", "appoint")
    False
    """
    words = surface.lower().split()
    be, at = False, 0
    while at < len(words) - 1 and words[at] in LEADING_AUXILIARIES:
        be |= words[at] in BE_FORMS
        at += 1
    return be and key.split()[:1] != ["be"] and not words[at].endswith("ing")


_VALUE_DATATYPES = {"date": "Time", "number": "Quantity"}
_KIND_FITS = {"person": frozenset({"person"}), "organization": frozenset({"organization", "place"}),
              "place": frozenset({"organization", "place"}),
              "event": frozenset({"event", "cause"})}
"""The value kinds a tail of each kind fits: NER tells people from the rest reliably, but an
organization from a place less so ("Cambridge"), so those two fit each other's properties;
an event may be a cause ("killed in the Battle of Arras"), a person, a group or a place is
none ("died Stuttgart, 6 January 1913" states no *cause of death*)."""


PLACE_PROPERTIES = {PLACE_IN_PLACE: "P131", PLACE_IN_COUNTRY: "P17"}
"""What a place written before a comma (or "in") and a place states ("Houston, Texas"): located
in the administrative territorial entity; before a country ("Calgary, Alberta, Canada"): its
country (`mamakg.mapping.places`)."""


def _place_in_place(q: MapQuery) -> Mapping:
    """A place read inside a place (`mamakg.mapping.arguments.chunk_readings`,
    `mamakg.mapping.places.place_readings`): located in, or country, when neither end is a
    person, a group or a value."""
    evidence = (("phrase", q.surface),
                ("types", f"{q.head_kind or '?'} , {q.tail_kind or '?'}: the first place lies "
                          "in the second"))
    if {q.head_kind, q.tail_kind} & {"person", "date", "number", "group"}:
        return Mapping(None, 0.0, MapMethod.NONE, evidence)
    return Mapping(PLACE_PROPERTIES[q.key], 1.0, MapMethod.KIND, evidence)


LIFE_PROPERTIES = {LIFE_START: "P569", LIFE_END: "P570"}
"""What a person's dates in brackets after their name state ("Arthur Kronfeld (January 9, 1886
– October 16, 1941)"): the date of birth, then the date of death
(`mamakg.mapping.lifespans`)."""


def _life_date(q: MapQuery) -> Mapping:
    """A person's bracketed life date (`mamakg.mapping.lifespans.life_readings`): date of
    birth or death, when the tail is a date and the head no group or value (the recognizer
    called the head a person where it was read; its kind in the document may differ)."""
    which = "birth" if q.key == LIFE_START else "death"
    evidence = (("phrase", q.surface),
                ("types", f"{q.head_kind or '?'} -> {q.tail_kind or '?'}: the date of {which} "
                          "in brackets after a person's name"))
    if q.tail_kind != "date" or q.head_kind in ("group", "date", "number"):
        return Mapping(None, 0.0, MapMethod.NONE, evidence)
    return Mapping(LIFE_PROPERTIES[q.key], 1.0, MapMethod.KIND, evidence)


EVENT_PROPERTIES = {("birth", "date"): "P569", ("death", "date"): "P570",
                    ("birth", "place"): "P19", ("death", "place"): "P20"}
"""What a birth or a death said with its noun states, by the kind of its tail: "until his
death in 1932" the date of death, "her birth in Vienna" the place of birth
(`mamakg.mapping.lifespans.event_readings`)."""


def _life_event(q: MapQuery) -> Mapping | None:
    """A person's birth or death with a date or place (`EVENT_PROPERTIES`, keys
    `mamakg.mapping.lifespans.EVENT_KEYS`); left to the next mapper where the head is no
    person (or of no known kind) or the tail neither a date nor a place."""
    noun = q.key.split()[0]
    pid = EVENT_PROPERTIES.get((noun, q.tail_kind))
    if pid is None or q.head_kind not in ("person", ""):
        return None
    return Mapping(pid, 1.0, MapMethod.KIND, (
        ("phrase", q.surface),
        ("types", f"{q.head_kind or '?'} -> {q.tail_kind}: the {q.tail_kind} of a person's "
                  f"{noun}")))


SETTLEMENT_NOUNS = PLACE_NOUNS - {"country", "countries", "kingdom", "republic", "emirate"}
"""The kinds of place a copula names before "in" another place ("Arud is a *village* in Seh
Hezar Rural District"): territories and settlements, not sovereign states ("a sovereign
state in North Africa" lies on a continent, no territory)."""


def names_a_place_in(key: str) -> bool:
    """Whether a relation key is a copula, a kind of place and "in" (`SETTLEMENT_NOUNS`: "is a
    village in", "was a town in"; adjectives are no part of a key).

    >>> names_a_place_in("be village in"), names_a_place_in("be capital of")
    (True, False)
    >>> names_a_place_in("be country in"), names_a_place_in("live in village in")
    (False, False)
    """
    words = key.split()
    return len(words) == 3 and words[0] == "be" and words[1] in SETTLEMENT_NOUNS and \
        words[2] == "in"


NATIVE_LINKS = frozenset({"be", "of", "from"})
"""What a relation key may hold beside "native": a copula, and what joins the native to the
place ("a native *of* Atlanta", "a native *from* the Langtang Region")."""


def names_a_native(key: str) -> bool:
    """Whether a relation key names its head a native of its tail: the noun "native" (keys
    are lemmas: "natives" too) with a copula and "of" or "from" at most ("is a native of
    Atlanta", "a Tampa native"; not "native to", said of a species' range).

    >>> names_a_native("be native of"), names_a_native("be native"), names_a_native("native")
    (True, True, True)
    >>> names_a_native("native to"), names_a_native("be native and earn"), names_a_native("be")
    (False, False, False)
    """
    words = key.split()
    return "native" in words and all(w == "native" or w in NATIVE_LINKS for w in words)


def _a_native(q: MapQuery) -> Mapping | None:
    """"Ed is a native of Kansas City": a person who is a native of a place was born there
    (a native is "a person born in a specified place", and so the datasets annotate it),
    the place of birth; left to the next mapper where the head is no person (or of no known
    kind) or the tail no place."""
    if q.tail_kind != "place" or q.head_kind not in ("person", ""):
        return None
    return Mapping("P19", 1.0, MapMethod.KIND, (
        ("phrase", q.surface),
        ("types", f"{q.head_kind or '?'} -> place: a native of a place was born there")))


def _a_place_in(q: MapQuery) -> Mapping | None:
    """"X is a village in Y": X lies in the administrative territorial entity Y (whatever
    kind the recognizer gave X: the phrase says it is a place, "Sharifabad is a village",
    which it took for a person's name); left to the next mapper where Y is a person, a
    group or a value, or X a group or a value."""
    if q.tail_kind in ("person", "date", "number", "group") or \
            q.head_kind in ("date", "number", "group"):
        return None
    return Mapping(PLACE_PROPERTIES[PLACE_IN_PLACE], 1.0, MapMethod.KIND, (
        ("phrase", q.surface),
        ("types", f"{q.head_kind or '?'} -> {q.tail_kind or '?'}: a kind of place in a "
                  "place lies in it")))


class KindMapper:
    """Maps the phrases that name no property by themselves from what they join (a person's
    nationality, party or religion; a role at an organization: `_kind_reading`), the tail's
    text compared by embedding with the words of the candidate properties; leaves every
    other phrase to the next mapper. `known`: the properties it may answer (the others
    abstain). `role_by_pos`: tell a role from a verb by the parse's parts of speech
    (`MapQuery.surface_pos`) instead of by lemmas and surface forms (`_is_role`); off by
    default, as the graph has been made so far."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], known: Sequence[str],
                 min_score: float = 0.5, temperature: float = TEMPERATURE,
                 role_by_pos: bool = False) -> None:
        self.embed = embed
        self.role_by_pos = role_by_pos
        self.known = frozenset(known)
        self.min_score = min_score
        self.temperature = temperature
        self._words: dict[str, np.ndarray] = {}
        """Vectors of the tails read by their kind and of the words of `GROUP_PROPERTIES` and
        `AFFILIATION_PROPERTIES`."""

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True) -> None:
        """Embed the tails read by their kind, and the words they are compared with (all
        model work: the same with `compare` false)."""
        self._embed_words([(q, _kind_reading(q, self.role_by_pos)) for q in queries])

    def _embed_words(self, readings: Sequence[tuple[MapQuery, tuple[tuple[str, str], ...]]],
                     ) -> None:
        """`prepare` of queries with their readings (`_kind_reading`)."""
        words = [w for w in dict.fromkeys(
            w for q, reading in readings if reading
            for w in (*(word for _, word in reading), q.tail_text)) if w not in self._words]
        if words:
            for word, vector in zip(words, self.embed(words)):
                self._words[word] = vector

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping | None]:
        readings = [(q, _kind_reading(q, self.role_by_pos)) for q in queries]
        if any(reading for _, reading in readings):  # most queries have none: no words
            self._embed_words(readings)
        return [_place_in_place(q) if q.key in PLACE_PROPERTIES
                else _life_date(q) if q.key in LIFE_PROPERTIES
                else _life_event(q) if q.key in EVENT_KEYS
                else _a_place_in(q) if names_a_place_in(q.key)
                else _a_native(q) if names_a_native(q.key)
                else self._map_kind(q, reading) if reading else None
                for q, reading in readings]

    def _map_kind(self, q: MapQuery, properties: tuple[tuple[str, str], ...]) -> Mapping:
        """The property whose word is nearest the tail's text, scored by a softmax among the
        properties (each by its nearest word)."""
        phrase = query_phrase(q.surface, q.key)
        nearest: dict[str, tuple[float, str]] = {}
        for pid, word in properties:
            cosine = float(self._words[word] @ self._words[q.tail_text])
            if pid not in nearest or cosine > nearest[pid][0]:
                nearest[pid] = (cosine, word)
        sims = np.array([c for c, _ in nearest.values()])
        probs = np.exp((sims - sims.max()) / self.temperature)
        probs /= probs.sum()
        best = int(np.argmax(probs))
        pid, (_, word) = list(nearest.items())[best]
        score = round(float(probs[best]), 4)
        others = ", ".join(f"{w} {c:.3f}" for c, w in nearest.values() if w != word)
        evidence = (("phrase", phrase),
                    ("types", f"person -> {q.tail_kind}: {q.tail_text!r} is nearest {word!r} "
                              f"(cosine {float(sims[best]):.3f}" + (f"; {others})" if others
                                                                     else ")")))
        if score < self.min_score or pid not in self.known:
            return Mapping(None, score, MapMethod.NONE, evidence)
        return Mapping(pid, score, MapMethod.KIND, evidence)


def _phrases(queries: Sequence[MapQuery]) -> dict[str, None]:
    """The relation phrases of these queries (`query_phrase`), once each, in order."""
    return dict.fromkeys(query_phrase(q.surface, q.key) for q in queries)


class EmbeddingMapper:
    """Maps relation phrases to properties by sentence-embedding similarity (see the module
    docstring): decides every query whose head is named (`MapQuery.head_named`), abstaining
    on a negated phrase, a bare copula or a phrase too long to embed. `embed` turns texts
    into unit vectors (`Embedder.embed`); tests pass a fake. `rows`: the property table
    (default: the shipped one)."""

    def __init__(self, vectors: PropertyVectors, embed: Callable[[list[str]], np.ndarray],
                 min_score: float = 0.5, temperature: float = TEMPERATURE,
                 description_weight: float = DESCRIPTION_WEIGHT,
                 prior_weight: float = PRIOR_WEIGHT,
                 none_similarity: float = NONE_SIMILARITY,
                 rows: Sequence[dict[str, str]] | None = None) -> None:
        self.vectors = vectors
        self.embed = embed
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
        self._group_valued = np.isin(np.array(vectors.pids), GROUP_VALUED)
        self._stated = np.array([not (p in table and states_no_fact(
            table[p]["label"], table[p].get("description", ""))) for p in vectors.pids])
        """The properties a relation may state: not those that state no fact of a sentence's
        subject (`states_no_fact`: qualifiers only, the wiki's own). They compete (a phrase
        nearest one, "acquired", "elected to", "featuring", is nearest no other), but the
        relation then stays open."""
        kinds = [value_kinds(table[p].get("description", "")) if p in table else frozenset()
                 for p in vectors.pids]
        self._kind_fits = {
            tail: np.array([not k - {"language"} or bool(k & fitting) for k in kinds])
            for tail, fitting in _KIND_FITS.items()}
        """tail kind -> the properties whose value may be of that kind (`value_kinds`). A
        language-valued property refuses no other kind of tail: the recognizer calls a
        language a person or a place as often as not ("a *Tamil* language film")."""
        self._language_valued = np.array(["language" in k for k in kinds])
        """The properties whose value is a language (`value_kinds`): the only ones a tail the
        recognizer calls a language may be the value of."""
        self._cache: dict[MapQuery, Mapping] = {}
        self._sims: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        """phrase -> (best name cosine (P,), best name index (P,), the phrase's vector (D,))."""
        self._vectors: dict[str, np.ndarray] = {}
        """phrase -> its vector, embedded but not yet compared (`prepare` with `compare`
        false)."""
        self._kinds: dict[str, np.ndarray] = {}
        """kind -> its vector ("something" for an unknown kind)."""
        self._in_context: dict[tuple[str, str, str], np.ndarray] = {}
        """(phrase, head kind, tail kind) -> the blended similarity with every property."""
        self._of_datatype: dict[str, np.ndarray] = {}
        """datatype -> the properties whose values are of it."""
        self._inverse: dict[str, np.ndarray] = {}
        """phrase -> whether it states each property from value to subject (`is_inverse`
        of the phrase and the property's nearest name, `_inverse_of`)."""
        names = [n.lower() for n in vectors.name_text]
        self._name_by = np.array([n.endswith(" by") for n in names], dtype=bool)
        self._name_words = np.array([len(_compound_words(n)) for n in names], dtype=np.int64)
        self._name_joined = np.array([" ".join(_compound_words(n)) for n in names],
                                     dtype=object)
        compounds = [_compound_words(n) for n in names]
        groups = [w[:-1] if len(w) >= 2 and w[-1] in MEMBER_NOUNS else [] for w in compounds]
        self._group_words = np.array([len(g) for g in groups], dtype=np.int64)
        self._group_joined = np.array([" ".join(g) for g in groups], dtype=object)
        """For a name "N member" ("board member"): N's words and their number (else none)."""
        self._name_ends = np.array([final_preposition(n) for n in names])
        """The preposition each name ends with ("" for none: `final_preposition`)."""
        self._name_verbs = np.array([_verb_stem(n.split()[0]) if n.split() else ""
                                     for n in names])
        """The stem of each name's first word (`_verb_stem`)."""
        self._source_verbs = np.array([_verb_before(n, SOURCE_PREPOSITIONS) for n in names])
        """For a name "V of" or "V from" ("died of", "made from"): V's stem (else "",
        `_verb_before`)."""
        own = [[] if final_preposition(label) else _compound_words(label.lower())
               for label in self.labels]
        self._label_words = np.array([len(w) for w in own], dtype=np.int64)
        self._label_joined = np.array([" ".join(w) for w in own], dtype=object)
        """Each property's label's words and their number (none for a label that ends in a
        preposition): what "N of" may name (`is_inverse`)."""
        self._label_by = np.array([label.lower().endswith(" by") for label in self.labels],
                                  dtype=bool)
        self._name_slashed = np.array(["/" in n for n in names], dtype=bool)
        self._label_slashed = np.array(["/" in label for label in self.labels], dtype=bool)
        """Names and labels with a slash, which names either word ("director/manager"):
        `_inverse_of` asks `is_inverse` for each of them."""

    def _candidates(self, q: MapQuery, phrase: str, which: np.ndarray) -> np.ndarray:
        """The properties that compete for the phrase: those whose value the fact's value may
        be, by its kind: the tail's (its datatype and kind), or the head's where the phrase
        states the property from tail to head (`is_inverse`: "Ann is the CEO of Acme": Acme's
        CEO is Ann). A property whose value is an agent (its label or its nearest name ends
        in "by": "killed by", "appointed by") is stated by a phrase with "by", or, from tail
        to head, by an active one; a passive phrase without "by" ("Hugh *was appointed*
        Keeper": Keeper appointed no one), or one that ends in another preposition ("*killed
        at* the Battle of Bosworth"), states none. (The chosen property's value is then
        checked against the text of the value, `MapChain.relation`.)"""
        wanted = _VALUE_DATATYPES.get(q.tail_kind, "WikibaseItem")
        of_datatype = self._of_datatype.get(wanted)
        if of_datatype is None:
            of_datatype = self._of_datatype[wanted] = self.datatype == wanted
        fits = of_datatype.copy()
        if q.tail_kind == "group":  # "Iranian" is no one's spouse: a group is the value only
            fits &= self._group_valued  # of group-valued properties
        elif q.tail_kind == "language":  # "a song by English [band X]" names no composer: a
            fits &= self._language_valued  # language is the value of language properties only
        if q.tail_kind in self._kind_fits:  # a university is no one's teacher ("student of")
            unfit = fits & ~self._kind_fits[q.tail_kind]
            fits &= self._kind_fits[q.tail_kind]
            if q.head_kind in self._kind_fits:
                fits |= unfit & self._kind_fits[q.head_kind] & self._inverse_of(phrase, which)
        if not _has_by(phrase) and (final_preposition(phrase) not in ("", "of")
                                    or is_passive(q.surface, q.key)):
            fits &= ~self._agent_valued(which)
        return fits

    def _agent_valued(self, which: np.ndarray) -> np.ndarray:
        """The properties whose value is an agent: their label, or their name `which` points
        to, ends in "by" ("killed by", "appointed by")."""
        return self._name_by[which] | self._label_by

    def _inverse_of(self, phrase: str, which: np.ndarray) -> np.ndarray:
        """`is_inverse` of the phrase with each property's name `which` points to (and its
        label), as one array over the properties, once per phrase (`which` is the phrase's
        own nearest names, `_sims`, so the phrase alone keys the answer)."""
        found = self._inverse.get(phrase)
        if found is not None:
            return found
        by = self._agent_valued(which)
        found = by & (not _has_by(phrase))
        stem = _relating_stem(phrase)
        if stem is not None:  # "N of" where the name or label is N, of at most three words
            words, joined = self._name_words[which], self._name_joined[which]
            named = np.zeros(len(which), dtype=bool)
            groups, group = self._group_words[which], self._group_joined[which]
            for part in _conjunct_stems(stem):
                for n in (1, 2, 3):
                    tail = " ".join(part[-n:])
                    named |= (words == n) & (joined == tail)
                    named |= (groups == n) & (group == tail)
                    if not _after_place_preposition(part, n):
                        named |= (self._label_words == n) & (self._label_joined == tail)
            found |= ~by & (self._name_ends[which] == "") & named
            for i in np.flatnonzero(self._name_slashed[which] | self._label_slashed):
                found[i] = is_inverse(phrase, self.vectors.name_text[int(which[i])],
                                      self.labels[i])
        self._inverse[phrase] = found
        return found

    def prepare(self, queries: Sequence[MapQuery], compare: bool = True,
                batch: int = 512) -> None:
        """Embed the relation phrases of these queries and compare each with every property's
        names and descriptions, in batches; `map` then only looks them up. A phrase of more
        than `MAX_WORDS` words is not embedded (it abstains), nor is that of a query whose
        head is no name or whose relation gives another name (`_map` answers them without).
        With `compare` false the phrases and kinds are only embedded: a later `prepare` (or
        `map`, or `compare_into` and `compared` elsewhere) compares them without the model.
        A phrase compares to the same bits whatever it is prepared with."""
        queries = self._asked(queries)
        if not queries:
            return
        phrases = [p for p in _phrases(queries)
                   if p not in self._sims and len(p.split()) <= MAX_WORDS
                   and not is_unreadable(p)]
        kinds = [k for k in dict.fromkeys(k for q in queries for k in (q.head_kind, q.tail_kind))
                 if k not in self._kinds]
        if kinds:
            for kind, vector in zip(kinds, self.embed([k or "something" for k in kinds])):
                self._kinds[kind] = vector
        new = [p for p in phrases if p not in self._vectors]
        for begin in range(0, len(new), batch):
            part = new[begin:begin + batch]
            for phrase, vector in zip(part, self.embed(part)):  # (D,) each
                self._vectors[phrase] = vector
        if not compare:
            return
        places = self._places(queries, set(phrases))
        n = len(self.vectors)
        names = np.empty((len(phrases), n), dtype=np.float32)
        which = np.empty((len(phrases), n), dtype=np.int64)
        blended = np.empty((len(places), n), dtype=np.float32)
        self.compare_into(phrases, places, names, which, blended, batch)
        self.compared(phrases, places, names, which, blended)

    def _asked(self, queries: Sequence[MapQuery]) -> list[MapQuery]:
        """The queries whose phrase this mapper embeds (`prepare`)."""
        return [q for q in queries if q.head_named and not gives_a_name(q.key)
                and not names_nothing(q.key)]

    def _places(self, queries: Sequence[MapQuery], phrases: set[str],
                ) -> list[tuple[str, str, str]]:
        """The (phrase, head kind, tail kind) of these queries not compared yet whose phrase
        is compared (`_sims`) or among `phrases`, once each."""
        return [w for w in dict.fromkeys((query_phrase(q.surface, q.key), q.head_kind,
                                          q.tail_kind) for q in queries)
                if w not in self._in_context and (w[0] in self._sims or w[0] in phrases)]

    def uncompared(self, queries: Sequence[MapQuery],
                   ) -> tuple[list[str], list[tuple[str, str, str]]]:
        """The phrases of these queries embedded and not yet compared (`prepare` with
        `compare` false), and the places (phrase, head kind, tail kind) of these queries not
        yet compared, in the order of their phrases (those of phrases compared before at the
        end): what `compare_into` needs to leave these queries prepared."""
        queries = self._asked(queries)
        phrases = [p for p in _phrases(queries) if p in self._vectors]
        row = {p: i for i, p in enumerate(phrases)}
        return phrases, sorted(self._places(queries, set(row)),
                               key=lambda w: row.get(w[0], len(phrases)))

    def compare_into(self, phrases: Sequence[str], places: Sequence[tuple[str, str, str]],
                     names: np.ndarray, which: np.ndarray, blended: np.ndarray,
                     batch: int = 512) -> None:
        """Compare embedded phrases (`prepare` with `compare` false) with every property's
        names (into `names` and `which`, a row per phrase: `PropertyVectors.name_scores`),
        and each place (phrase, head kind, tail kind) with every property's description,
        blended with its phrase's names (into `blended`, a row per place: the phrase alone
        and the phrase between its head and tail kinds, the sum of their vectors); a place's
        phrase is among `phrases` or compared before. Changes nothing here (`compared` keeps
        the results), so processes forked after the embedding can each compare a share, into
        memory they share."""
        for begin in range(0, len(phrases), batch):
            texts = phrases[begin:begin + batch]
            names[begin:begin + len(texts)], which[begin:begin + len(texts)] = \
                self.vectors.name_scores(np.stack([self._vectors[p] for p in texts]),
                                         self._unfit_names(texts))
        row = {p: i for i, p in enumerate(phrases)}
        w = self.description_weight
        for begin in range(0, len(places), batch):
            part = places[begin:begin + batch]
            vectors = np.stack([self._vectors[phrase] if phrase in row
                                else self._sims[phrase][2] for phrase, _, _ in part])  # (W, D)
            context = vectors + KIND_WEIGHT * np.stack(
                [self._kinds[head] + self._kinds[tail] for _, head, tail in part])
            context /= np.linalg.norm(context, axis=1, keepdims=True)
            descriptions = self.vectors.description_scores(np.concatenate([vectors, context]))
            alone, in_context = descriptions[:len(part)], descriptions[len(part):]
            sims = np.stack([names[row[phrase]] if phrase in row else self._sims[phrase][0]
                             for phrase, _, _ in part])
            blended[begin:begin + len(part)] = (1 - w) * sims + w * 0.5 * (alone + in_context)

    def _unfit_names(self, phrases: Sequence[str]) -> np.ndarray:
        """(Q, N): the names each phrase may not match. Where both end in a preposition, "by"
        marks the agent and "as" a role, and no other preposition does either: a phrase
        that ends in "by" matches no name that ends in another preposition, and the reverse
        ("sent by" is no "sent to", "killed at" no "killed by"); so for "as" ("served as" is
        no "served aboard", "born in" no "born as"). Other prepositions stand for one another
        as often as not ("educated in" is "educated at", "moved to" is "lived in", "a sequel
        to" is "a sequel of", "a bridge across" is "a bridge over"), so they are left to the
        meaning. And a verb with "as" is not the verb alone: what follows "as" is the role
        its subject takes, not the verb's object ("plays as a winger" is no "plays [the
        guitar]", "served as mayor" no "serving [a market]"), so such a phrase matches no
        name without a preposition that opens with that verb (`_verb_stem`). A name that ends
        in "for" names whom or what its subject is for ("created for", "designed for": the
        intended public), which a phrase without "for" does not say ("created", "designed").
        One verb with "in", "at" or "on" says where or when, with "of" or "from" what from
        (`SOURCE_PREPOSITIONS`): "died at" is no "died of", "graduated in" no "graduated
        from"."""
        names = self._name_ends
        ends = [final_preposition(p) for p in phrases]
        end = np.array([e != "" for e in ends], dtype=bool)[:, None]
        by = np.array([e == "by" for e in ends], dtype=bool)[:, None]
        as_ = np.array([e == "as" for e in ends], dtype=bool)[:, None]
        for_ = np.array([e == "for" for e in ends], dtype=bool)[:, None]
        name_end, name_by, name_as = names != "", names == "by", names == "as"
        unfit = (end & name_end & ((by != name_by) | (as_ != name_as))) \
            | ((names == "for") & ~for_)
        for i, phrase in enumerate(phrases):  # a row's own verb: few phrases have one
            if phrase.endswith(" as"):
                unfit[i] |= ~name_end & (self._name_verbs == _verb_stem(phrase.split()[-2]))
            where = _verb_before(phrase, WHERE_PREPOSITIONS)
            if where:
                unfit[i] |= self._source_verbs == where
        return unfit

    def compared(self, phrases: Sequence[str], places: Sequence[tuple[str, str, str]],
                 names: np.ndarray, which: np.ndarray, blended: np.ndarray) -> None:
        """Keep what `compare_into` gave for these phrases and places."""
        for i, phrase in enumerate(phrases):
            self._sims[phrase] = (names[i], which[i], self._vectors.pop(phrase))
        for i, where in enumerate(places):
            self._in_context[where] = blended[i]

    def map(self, queries: Sequence[MapQuery]) -> list[Mapping | None]:
        """The mapping of each query."""
        self.prepare([q for q in queries if q not in self._cache])
        out: list[Mapping | None] = []
        for q in queries:
            if q not in self._cache:
                self._cache[q] = self._map(q)
            out.append(self._cache[q])
        return out

    def _map(self, q: MapQuery) -> Mapping:
        phrase = query_phrase(q.surface, q.key)
        if not q.head_named:
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", phrase), ("head", "not a name, or a group: no subject of a schema "
                                     "fact")))
        if any(w in NEGATIONS for w in phrase.split()):
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", phrase), ("negated", "a negated phrase states no property")))
        if is_unreadable(phrase):
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", phrase), ("copula", "a copula alone names no property")))
        if gives_a_name(q.key):
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", phrase), ("name", "another name is a label or alias, no property")))
        if names_nothing(q.key):
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", phrase), ("light verb", f"{q.key!r} names no property by itself")))
        if phrase not in self._sims:
            return Mapping(None, 0.0, MapMethod.NONE, (
                ("phrase", f"{phrase} (more than {MAX_WORDS} words: not mapped)"),))
        names, which, _ = self._sims[phrase]
        # compared in `prepare`, once per (phrase, kinds): queries differ in more (the tail...)
        sim = self._in_context[(phrase, q.head_kind, q.tail_kind)]
        return self._decide(q, phrase, sim, names, which)

    def _decide(self, q: MapQuery, phrase: str, sim: np.ndarray, names: np.ndarray,
                which: np.ndarray) -> Mapping:
        sim = sim.astype(np.float64)
        fits = self._candidates(q, phrase, which)
        if not fits.any():
            return Mapping(None, 0.0, MapMethod.NONE)
        logits = np.where(fits, sim / self.temperature + self.prior, -np.inf)
        top = max(float(logits.max()), self.none_logit)
        probs = np.exp(logits - top)
        probs /= probs.sum() + np.exp(self.none_logit - top)
        best = int(probs.argmax())  # the first of equals, as a stable sort would put it
        runner = probs.copy()
        runner[best] = -1.0
        second = int(runner.argmax())
        score = round(float(probs[best]), 4)
        pid = self.vectors.pids[best]
        name = self.vectors.name_text[int(which[best])]
        method = MapMethod.EMBEDDING
        if name.lower() == phrase:  # the string matcher's answer: an exact name
            method = MapMethod.LABEL if name.lower() == self.labels[best].lower() \
                else MapMethod.ALIAS
        evidence: tuple[tuple[str, str], ...] = (
            ("phrase", phrase),
            ("matched", f"{name!r} of {pid} ({self.labels[best]}), cosine "
                        f"{float(names[best]):.3f}" if method is MapMethod.EMBEDDING
             else f"{method.value} of {pid} ({self.labels[best]}), exact"),
            ("types", f"{q.head_kind or '?'} -> {q.tail_kind or '?'}: "
                      f"{self.datatype[best]} value"),
            ("runner-up", f"{self.vectors.pids[second]} ({self.labels[second]}) "
                          f"{float(probs[second]):.3f}"),
        )
        if score < self.min_score:
            return Mapping(None, score, MapMethod.NONE, evidence)
        if not self._stated[best]:
            return Mapping(None, score, MapMethod.NONE, evidence + (
                ("no fact", f"{pid} qualifies another property's statement, or is about "
                            "the wiki itself: no fact of a sentence's subject"),))
        inverse = is_inverse(phrase, name, self.labels[best]) or (
            not _has_by(phrase) and not is_passive(q.surface, q.key)
            and names_the_agent(q.key, name, self.labels[best]))
        if inverse:
            evidence += (("direction", f"{phrase!r} states {name!r} of its tail: the fact "
                                       "reads from tail to head"),)
        return Mapping(pid, score, method, evidence, inverse)


class SemanticMapper(MapChain):
    """The mappers by meaning, chained: kind readings (`KindMapper`), then sentence
    embeddings (`EmbeddingMapper`), with the same embedding function, settings and property
    table."""

    def __init__(self, vectors: PropertyVectors, embed: Callable[[list[str]], np.ndarray],
                 min_score: float = 0.5, temperature: float = TEMPERATURE,
                 description_weight: float = DESCRIPTION_WEIGHT,
                 prior_weight: float = PRIOR_WEIGHT,
                 none_similarity: float = NONE_SIMILARITY,
                 rows: Sequence[dict[str, str]] | None = None,
                 role_by_pos: bool = False) -> None:
        super().__init__((
            KindMapper(embed, vectors.pids, min_score, temperature, role_by_pos),
            EmbeddingMapper(vectors, embed, min_score, temperature, description_weight,
                            prior_weight, none_similarity, rows)))
