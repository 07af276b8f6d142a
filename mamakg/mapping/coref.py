"""Map stage, names within a document: the mentions of one entity in one document are one node,
and a pronoun is never an entity of the graph. A sieve over the document's mentions, the most
precise pass first (after the deterministic multi-pass sieve of Lee et al. 2013):

1. **names** (`name_roots`), key by key, each joining the cluster of a name introduced before:
   the same name written another way ("The Romans" / "Romans", "General Motors'"); an acronym of
   a name the document gives ("EFI" / "Expeditionary Force Institutes", before or after); a
   partial name (its words a prefix, a suffix or an ordered subset of a longer name, "Meitner" /
   "Lise Meitner", "Henrik Angell" / "Henrik August Angell"; a person's one name also any word
   of a person's longer one, "Endara" / "Guillermo David Endara Galimany"; a generational suffix
   aside, "DeMott" / "William Charles DeMott II") to the first such name introduced before it,
   unless one is a place and the other is not (by every kind NER gave them in the document), or
   a person's full name opens a longer name read as no person's ("Milton Bradley" / "Milton
   Bradley Company": named after the person), or the longer name is an office held in the
   shorter ("Parliament" / "Member of Parliament", "Atari" / "CEO of Atari", `OFFICES`), or the
   document writes the shorter as a place ("died in Mansfield") and the longer, no place or
   person, takes its name from it ("Mansfield Borough Council", "University of Padua"); and a
   one-word name no name of its kind holds to the person introduced before whose surname it is,
   however NER reads it, unless the document writes it as a place ("Harmsworth", read as a
   place, in the article on Mark Harmsworth; not "born in Washington"); each name read from its
   node, not from its chunk ("Japanese recording artist [Ayumi Hamasaki]");
   then, once the document is resolved, **other names** the text gives (`alias_roots`:
   "the Winnebago War, also known as the Winnebago Uprising"; a person born with another
   name) join the name given first;
2. **definite descriptions** ("the company", "the city", "the album"): to the named antecedent
   of the fitting kind before it when exactly one fits (`description_kinds`);
3. **pronouns** (encyclopedic text names its subject first and then refers to it by pronoun):
   "he", "she" (him, his, her, hers, -self): the first person named in the document before the
   pronoun (an argument typed ``PERSON``); "it" (its, itself): the first named organization,
   place, work, product or event before it, a place only where it is the document's subject, its
   first name ("Guilderland ... It is a suburb of Albany"; not the Catalonia of an article on a
   river whose name NER gives no kind, "it runs through Catalonia"); where NER gave the
   document's subject no kind, "it" and "they" in a later sentence stand for it ("O'Shaughnessy
   Dam ... It was completed in 1925"); "they" (them, their): the first named organization or
   group before it (a nationality only where written as a people, "the Romans", not the
   "American" of "an American band"); first and second person ("I", "we", "you"), demonstratives
   ("this") and relative pronouns that the Match stage did not already resolve ("who", "which"):
   not resolved, and the mention leaves the graph.

A common noun phrase that none of these resolves ("his father", "a song", and one that holds a
name: "mayor of Calgary", `is_role_of_name`) is no name: its key is scoped to its document
(`scoped_key`), so that two documents' fathers are two nodes.

Pure: works on the mentions of one document, in corpus order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from mamakg.english import (
    AMOUNT_WORDS,
    ARTICLES,
    DETERMINERS,
    KIND_NOUNS,
    NAME_LINKS,
    NAME_SUFFIXES,
    NAMING_RELATIONS,
    PERSON_PRONOUNS,
    PLACE_PREPOSITIONS,
    PLURAL_PRONOUNS,
    THING_PRONOUNS,
    TITLES,
    WORK_NOUNS,
)
from mamakg.mapping.arguments import is_pronoun
from mamakg.mapping.places import countries
from mamakg.mapping.values import is_value
from mamakg.normalize import squash
from mamakg.types import Mention, TextSpan, evolve

__all__ = ["Antecedent", "Resolution", "abbreviates", "alias_roots", "bracketed_acronyms",
           "antecedent_kinds", "common_keys", "description_kinds", "is_acronym_of",
           "is_common_noun", "is_partial_name", "is_role_of_name", "name_keys", "name_roots",
           "resolve_document", "same_name", "scope_of", "scoped_key", "unscoped",
           "written_as_acronym"]

_PERSON = frozenset({"PERSON"})
_THING = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW",
                    "LANGUAGE"})
_GROUP = frozenset({"ORG", "NORP", "GPE"})
_PLACE = frozenset({"GPE", "LOC", "FAC"})
_KINDS = {
    **{w: _PERSON for w in sorted(PERSON_PRONOUNS)},
    **{w: _THING for w in sorted(THING_PRONOUNS)},
    **{w: _GROUP for w in sorted(PLURAL_PRONOUNS)},
}
_DESCRIBED = {"person": _PERSON, "organization": frozenset({"ORG"}), "place": _PLACE,
              "event": frozenset({"EVENT"})}
"""The entity labels a description's kind noun (`KIND_NOUNS`) stands for."""
_NOT_NAMES = frozenset({"PRON", "NUM", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY",
                        "PERCENT", "MONEY"})
_WORD = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
SCOPE = "@"
"""Between a common noun's key and its document in a key scoped to one document."""


def antecedent_kinds(pronoun: str) -> frozenset[str]:
    """The entity labels a pronoun may stand for (empty: never resolved).

    >>> sorted(antecedent_kinds("His")), sorted(antecedent_kinds("who"))
    (['PERSON'], [])
    """
    return _KINDS.get(pronoun.strip().lower(), frozenset())


def description_kinds(text: str) -> frozenset[str]:
    """The entity labels a definite description may stand for: "the" and at most two more
    words, lower case, the last a kind noun (`KIND_NOUNS`, `WORK_NOUNS`); empty otherwise.

    >>> sorted(description_kinds("the company")), sorted(description_kinds("The city"))
    (['ORG'], ['FAC', 'GPE', 'LOC'])
    >>> description_kinds("a company"), description_kinds("the company's founder")
    (frozenset(), frozenset())
    """
    words = text.split()
    if not 2 <= len(words) <= 3 or words[0].lower() != "the" or \
            any(c.isupper() or c.isdigit() for c in " ".join(words[1:])):
        return frozenset()
    noun = words[-1]
    if noun in WORK_NOUNS:
        return frozenset({"WORK_OF_ART"})
    for kind, nouns in KIND_NOUNS.items():
        if noun in nouns and kind in _DESCRIBED and not noun.endswith("s"):
            return _DESCRIBED[kind]
    return frozenset()


def _name_words(text: str) -> list[str]:
    """The words of a name, without a leading article and a possessive ending."""
    words = _WORD.findall(_POSSESSIVE.sub("", text.strip()))
    if len(words) > 1 and words[0].lower() in ARTICLES:
        words = words[1:]
    return words


def _clean_name(words: list[str]) -> bool:
    """Whether words are a name alone: capitalised but for linking words ("University of
    Vienna"), no number ("Paris on 4 May 1961" and "American chemist" are not)."""
    return bool(words) and words[0][:1].isupper() and all(
        (w[:1].isupper() or w.lower() in NAME_LINKS) and not any(c.isdigit() for c in w)
        for w in words)


@dataclass(frozen=True)
class _Name:
    """What the names pass compares of one text, worked out once (`_name_of`)."""

    words: tuple[str, ...]
    """Its name words (`_name_words`), lower case."""
    spelling: tuple[str, ...]
    """The words `same_name` compares: its name words split at hyphens, folded (`_folded`)."""
    capitalised: bool
    """Its first word capitalised, and every other one too but for name particles
    (`NAME_LINKS`: "Carl Gösta Björn Joachim von der", a name the chunker cut short): it may
    be part of a longer name."""
    clean: bool
    """A name alone (`_clean_name`): it may have parts."""
    letters: str
    """The letters of the acronym it is written as ("E.F.I." -> "EFI"); empty: no acronym."""
    initials: tuple[str, ...]
    """The acronyms that spell it, of all its words and of its content words; none unless it
    is a name alone of two words or more."""


_APOSTROPHES = re.compile("['\u2019\u2018`\u02bc\u02be\u02bf\u02bb]")
"""Apostrophes and the letters that transliterate a glottal stop ("Qur'an", "Qurʾān")."""


def _folded(word: str) -> str:
    """A name word as `same_name` compares it: lower case, without apostrophes and accents
    ("Qurʾān" and "Qur'an", "Mediaș" and "Medias" are one spelling)."""
    bare = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", word.lower()))
    return "".join(c for c in bare if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)  # pure on its text; read many times
def _name_of(text: str) -> _Name:
    """What the names pass compares of a text (the rules of `same_name`, `is_acronym_of`,
    `is_partial_name`)."""
    words = _name_words(text)
    letters = "".join(words).replace(".", "")
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        letters = ""
    clean = _clean_name(words)
    initials: tuple[str, ...] = ()
    raw = [w for w in re.split(r"[\s-]+", text) if w[:1].isalpha()]
    if len(raw) >= 2 and clean:
        every = "".join(w[0] for w in raw).upper()
        content = "".join(w[0] for w in raw if w.lower() not in NAME_LINKS).upper()
        initials = (every, content)
    return _Name(
        words=tuple(w.lower() for w in words),
        spelling=tuple(_folded(w) for w in re.split(r"[\s-]+", " ".join(words)) if w),
        capitalised=bool(words) and words[0][:1].isupper() and all(
            w[:1].isupper() or w.lower() in NAME_LINKS for w in words),
        clean=clean, letters=letters,
        initials=initials)


def _initial_of(x: str, y: str) -> bool:
    """Whether two words of a name are the same, or one is the initial of the other ("h."
    of "hepburn")."""
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    return len(short.rstrip(".")) == 1 and len(long.rstrip(".")) > 1 and \
        long.startswith(short.rstrip("."))


def _without_suffix(words: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name words without a generational suffix (`NAME_SUFFIXES`: "william
    charles demott ii" -> "william charles demott"); two words stay as they are."""
    return words[:-1] if len(words) > 2 and words[-1] in NAME_SUFFIXES else words


def _is_part(short: _Name, name: _Name, people: bool = False) -> bool:
    """Whether `short` is a part of the longer `name`: its words a prefix, a suffix (a
    generational suffix aside: "DeMott" of "William Charles DeMott II") or an ordered
    subset with the same first and last words; with `people` (both are persons), also one
    word of it ("Endara" of "Guillermo David Endara Galimany": a surname need not be a
    Spanish name's last word), or the name with initials for some of its words ("William
    H. Armstrong", "N. C. Wyeth")."""
    a, b = short.words, name.words
    if people and len(a) == len(b) > 1 and a[-1] == b[-1] and short.capitalised and \
            a != b and all(_initial_of(x, y) for x, y in zip(a, b, strict=True)):
        return True  # "William H. Armstrong" / "William Hepburn Armstrong"
    if not a or len(a) >= len(b) or not short.capitalised or not name.clean:
        return False
    b = _without_suffix(b)
    if a in (b[:len(a)], b[-len(a):]) or (people and len(a) == 1 and a[0] in b):
        return True
    if a[0] != b[0] or a[-1] != b[-1]:
        return False
    rest = iter(b)
    return all(w in rest for w in a)


def same_name(a: str, b: str) -> bool:
    """Whether two texts are one name written two ways: case, a leading article, a
    possessive ending, punctuation, apostrophes and accents aside (`_folded`).

    >>> same_name("The Romans", "Romans"), same_name("General Motors'", "General Motors")
    (True, True)
    >>> same_name("Jeanne-Thérèse", "Jeanne Thérèse"), same_name("Romans", "Roman")
    (True, False)
    >>> same_name("Qurʾān", "Qur'an"), same_name("Mediaș", "Medias")
    (True, True)
    """
    spelling = _name_of(a).spelling
    return bool(spelling) and spelling == _name_of(b).spelling


def is_acronym_of(short: str, name: str) -> bool:
    """Whether `short` is written in capitals (dots allowed) and spells the initials of the
    words of `name`, with or without its linking words (`NAME_LINKS`).

    >>> is_acronym_of("EFI", "Expeditionary Force Institutes"), is_acronym_of("MIT",
    ...     "Massachusetts Institute of Technology")
    (True, True)
    >>> is_acronym_of("U.S.", "United States"), is_acronym_of("Ma", "Marie Antoinette")
    (True, False)
    >>> is_acronym_of("The EAEC", "East Asia Economic Caucus")
    True
    """
    letters = _name_of(short).letters
    return bool(letters) and letters in _name_of(name).initials


def is_partial_name(short: str, name: str) -> bool:
    """Whether `short` is part of a longer name: its words (capitalised, but for name
    particles after the first) a prefix, a suffix or an ordered subset of the name's that
    keeps its first and last word.

    >>> is_partial_name("Meitner", "Lise Meitner"), is_partial_name("Sacramento Bee",
    ...     "The Sacramento Bee")
    (True, False)
    >>> is_partial_name("Henrik Angell", "Henrik August Angell"), is_partial_name("Angell "
    ...     "Henrik", "Henrik August Angell")
    (True, False)
    >>> is_partial_name("Paris", "Paris on 4 May 1961"), is_partial_name("Acme", "Acme firm")
    (False, False)
    >>> is_partial_name("João Paulo de Leiria", "João Paulo de Leiria e Silva")
    True
    """
    return _is_part(_name_of(short), _name_of(name))


def _fits(a: str, b: str) -> bool:
    """Whether two kinds may be one entity: not a place and a thing that is no place."""
    return not (a and b and ((a in _PLACE) != (b in _PLACE)))


def _names_fit(a: Antecedent, b: Antecedent) -> bool:
    """Whether two names may be one entity by their kinds (`_fits`): some kind NER gave one
    of them in the document fits some kind it gave the other ("Parton", read as a place in
    one sentence and a person in another, may be "Dolly Parton"; "Washington", a place
    wherever it stands, is not "George Washington")."""
    return any(_fits(x, y) for x in a.kinds or {a.kind} for y in b.kinds or {b.kind})


OFFICES = (TITLES | {"member", "head"}) - frozenset(
    "mr mrs ms miss mx dr sir dame lord lady rev reverend fr father sister brother saint st "
    "duke duchess count countess baron baroness prince princess".split())
"""Titles of an office or a membership held in something ("*President* of the United States",
"*Member* of Parliament"): not honorifics or titles of nobility, whose "of" names may stand
for their holder ("Wellington", the Duke of Wellington)."""


def _holds_office(short: _Name, name: _Name) -> bool:
    """Whether `name` names an office held in what its "of" introduces and `short` is among
    those words ("Parliament" of "Member of Parliament", "England" of "Queen of England",
    "the U.S.-Japan Council" of "President of the U.S.-Japan Council"): the office is not
    the body or the place it is held in."""
    words = name.words
    at = next((i for i, w in enumerate(words[:4]) if w == "of"), 0)
    return at > 0 and words[at - 1] in OFFICES and \
        len(short.words) <= len(words) - at - 1 and words[-len(short.words):] == short.words


def _named_from(short: _Name, name: _Name) -> bool:
    """Whether `short` opens the longer `name` or is what follows its "of" ("Mansfield" of
    "Mansfield Borough Council", "Padua" of "University of Padua"): where such a name
    takes its part from a place, it names something of the place."""
    n = len(short.words)
    return name.words[:n] == short.words or (
        name.words[-n:] == short.words and len(name.words) > n and name.words[-n - 1] == "of")


def _part_fits(a: Antecedent, b: Antecedent, short: _Name, name: _Name) -> bool:
    """Whether the partial name `a` (read as `short`) may be the longer name `b` (read as `name`)
    by their kinds (`_names_fit`). A name the document writes as a place ("died in Mansfield")
    and NER reads as one is not a longer name NER reads as something else, no place or person,
    that takes its name from it (`_named_from`): "Mansfield Borough Council". A person's full
    name (two words or more) that opens a longer name NER reads as something else (and never as
    a person) counts by its other kinds only: the longer one names what is named after the
    person ("Milton Bradley" / "Milton Bradley Company", "Niels Bohr" / "Niels Bohr Institute"),
    which the person is not; a person is called by the last words of their name ("Meitner" /
    "Lise Meitner"), and a name NER also reads otherwise keeps that reading ("Goldman Sachs", a
    person once and a firm once, may be "Goldman Sachs Group"). One word is often a firm's or a
    place's own short name that NER took for a person's ("Kadokawa" / "Kadokawa Group
    Holdings"), a longer name NER gives no kind may be a person's it cut short ("[Jacques Dyel]
    du Parquet"), and one that adds only capitals is the person's with the letters of an honour
    ("Roc Kirby AM", which NER may read as a work): all stay joinable."""
    n = len(short.words)
    read_as = {k for k in b.kinds or {b.kind} if k}
    if a.placed and (a.kinds or {a.kind}) & {"GPE", "LOC"} and read_as and \
            not read_as & (_PLACE | {"PERSON"}) and _named_from(short, name):
        return False  # "died in Mansfield" is no "Mansfield Borough Council"
    if n < 2 or not _is_person(a) or not read_as or "PERSON" in read_as or \
            name.words[:n] != short.words or name.words[-n:] == short.words or \
            all(w.isupper() for w in _name_words(b.label)[n:]):  # letters after a name: "AM"
        return _names_fit(a, b)
    others = (a.kinds or {a.kind}) - {"PERSON"}
    return any(_fits(x, y) for x in others for y in b.kinds or {b.kind})


@dataclass(frozen=True)
class Antecedent:
    """A named entity of the document a pronoun may stand for."""

    key: str
    label: str
    """The text of its first mention's node."""
    kind: str
    position: tuple[int, int]
    """(sentence index, character offset) of its first mention's node."""
    kinds: frozenset[str] = frozenset()
    """Every kind NER gave its mentions in the document (empty: only `kind` is known)."""
    placed: bool = False
    """Whether the document writes it as a place somewhere: after a preposition of place
    (`PLACE_PREPOSITIONS`: "born in Washington")."""


@dataclass(frozen=True)
class Resolution:
    """What became of one mention of the document."""

    mention: Mention | None
    """The mention with its pronoun heads and tails re-keyed to their antecedents (texts and
    offsets unchanged), None when a pronoun could not be resolved."""
    original: Mention
    """The mention as the Match stage made it."""
    resolved: tuple[str, ...] = ()
    """The slots resolved (``head``, ``tail``)."""


def _slots(m: Mention) -> Iterable[tuple[str, str, str, int]]:
    yield "head", m.head_key, m.head_type, m.head.start
    yield "tail", m.tail_key, m.tail_type, m.tail.start


def _node(m: Mention, slot: str) -> TextSpan:
    """The span a head or tail slot's key names: its node, else its chunk."""
    return (m.head_node or m.head) if slot == "head" else (m.tail_node or m.tail)


def _word_before(m: Mention, span: TextSpan) -> str:
    """The word before a span of the mention's sentence ("" at its start)."""
    before = m.sentence[:span.start].rsplit(None, 1)
    return before[-1] if before else ""


@functools.lru_cache(maxsize=1 << 16)  # pure on its text; read many times
def _is_name(text: str, kind: str) -> bool:
    """Whether a node's text may be a name: capitals in its words past a leading article
    ("The agreement" is not), not a pronoun, a value or a common noun phrase that holds a
    name (`is_role_of_name`)."""
    return kind not in _NOT_NAMES and not is_pronoun(text) and not is_value(text) and \
        any(c.isupper() for c in " ".join(_name_words(text))) and \
        not is_role_of_name(text, kind)


def is_role_of_name(text: str, kind: str) -> bool:
    """Whether a node is a common noun phrase that holds a name: NER named no entity at its
    root (`kind` "") and its first word past the determiners is written in lower case ("mayor
    of Calgary", "part of the Naval Canteen Service"). It is no name, and no node shared
    with another document: the name inside it is read apart (by the Map stage's readings
    between named entities).

    >>> is_role_of_name("mayor of Calgary", ""), is_role_of_name("University of Toronto", "")
    (True, False)
    >>> is_role_of_name("the capital of Ethiopia", ""), is_role_of_name("von der Esch", "PERSON")
    (True, False)
    """
    words = text.split()
    while len(words) > 1 and words[0].lower() in DETERMINERS:
        words = words[1:]
    return not kind and bool(words) and words[0][:1].islower()


def _antecedents(mentions: list[Mention], names_only: bool = False) -> list[Antecedent]:
    first: dict[str, Antecedent] = {}
    kinds: dict[str, set[str]] = {}
    placed: set[str] = set()
    for m in mentions:
        for reading in (m, *m.readings):
            for slot, key, kind, _ in _slots(reading):
                if kind and kind != "PRON":
                    kinds.setdefault(key, set()).add(kind)
                # the node's text and place, not the chunk's: "Japanese recording artist
                # [Ayumi Hamasaki]" introduces the name "Ayumi Hamasaki" that "Hamasaki" is
                # part of
                node = _node(reading, slot)
                if names_only and _word_before(reading, node).lower() in PLACE_PREPOSITIONS:
                    placed.add(key)
                position = (reading.sent_index, node.start)
                if key in first and position >= first[key].position:
                    continue  # a later mention of a known key: nothing to test
                text = node.text
                if names_only:
                    if not _is_name(text, kind):
                        continue
                elif not kind or kind in ("PRON", "NUM") or is_pronoun(text) or \
                        is_common_noun(text) or (kind == "NORP" and not _names_a_people(text)):
                    continue  # "it" stands for a name, not "a week"; "they" not "American"
                first[key] = Antecedent(key, text, kind, position)
    if names_only:  # at one place the longer name first: a chunk before the names inside it
        found = [evolve(a, kinds=frozenset(kinds.get(a.key, ())), placed=a.key in placed)
                 for a in first.values()]
        return sorted(found, key=lambda a: (a.position, -len(a.key), a.key))
    return sorted(first.values(), key=lambda a: (a.position, a.key))


def _names_a_people(text: str) -> bool:
    """Whether a nationality or group (NER's ``NORP``) is written as the people it names, that
    "they" may stand for: a plural ("Romans") or after an article ("the Irish"); not as the
    adjective of "an [American] band", which names no one.

    >>> [_names_a_people(t) for t in ("The Romans", "Poles", "the Irish", "American")]
    [True, True, True, False]
    """
    words = text.split()
    return bool(words) and (words[0].lower() in ARTICLES or words[-1].endswith("s"))


def _is_person(a: Antecedent) -> bool:
    """Whether NER read the name as a person somewhere in the document."""
    return "PERSON" in (a.kinds or {a.kind})


def _people(a: Antecedent, b: Antecedent) -> bool:
    """Whether NER read both names as persons somewhere in the document."""
    return _is_person(a) and _is_person(b)


def _surname_of(i: int, names: list[Antecedent], read: list[_Name],
                before: Iterable[int]) -> int | None:
    """The index of the person named before `names[i]` (read as `read[i]`) whose surname it
    is (the last word of the person's name, or the first: "Adachi Kenzō" writes the family
    name first), where it is one word that NER read as no person and the document never
    writes as a place (`Antecedent.placed`); None when there is none. The small NER model
    often reads a rare surname as a place ("Mark Harmsworth ... Harmsworth was elected"); a
    place the document writes as one stays a place ("George Washington ... born in
    Washington"). `before`: the indexes of the names before it that have its word."""
    a = names[i]
    if a.placed or _is_person(a) or len(read[i].words) != 1 or \
            not read[i].capitalised:
        return None
    for j in before:
        words = _without_suffix(read[j].words)
        if len(words) > 1 and read[i].words[0] in (words[0], words[-1]) and read[j].clean \
                and _is_person(names[j]):
            return j
    return None


def _singular(spelling: tuple[str, ...]) -> tuple[str, ...]:
    """A name's spelling (`_Name.spelling`) with its last word in the singular where it
    ends in a plural "s" ("ho chunks" -> "ho chunk")."""
    if spelling and len(spelling[-1]) > 3 and spelling[-1].endswith("s") and \
            not spelling[-1].endswith("ss"):
        return (*spelling[:-1], spelling[-1][:-1])
    return spelling


def _group_plural(a: Antecedent, b: Antecedent) -> bool:
    """Whether two names that differ by a plural "s" are one entity: a people, a group or a
    thing ("the Mamluks" / "Mamluk occupation"), not a person ("William" / "Williams"), and
    their kinds fit (`_names_fit`)."""
    return a.key != b.key and not _is_person(a) and not _is_person(b) and _names_fit(a, b)


def name_roots(names: list[Antecedent]) -> dict[str, str]:
    """Pass 1 of the sieve: key -> the key of the name it joins, for the names (in order of
    first mention) that join another: the same name written another way, then an acronym of
    a name of the document, then a partial name of a longer one introduced before (the first
    introduced when several fit), then a group's name in the plural or the singular
    ("Ho-Chunks" / "Ho-Chunk", `_group_plural`); a sovereign state's other name that joins
    none of these is keyed as the state ("U.S.": United States, named in the document or
    not, `mamakg.mapping.places.countries`). A partial name does not join a longer name
    introduced after it: the name a document introduces first is its own ("Swedish" before
    "Swedish Board of Mines", "Square Enix" before "Square Enix Europe")."""
    root: dict[str, str] = {}

    def find(key: str) -> str:
        while key in root:
            key = root[key]
        return key

    # each text read once (`_name_of`), and the candidates of each rule looked up, in order
    # of introduction: the first name of a spelling, the names an acronym spells, the names
    # before that have a word (a partial name's first word is a word of the name it is part of)
    read = [_name_of(a.label) for a in names]
    first_spelled: dict[tuple[str, ...], Antecedent] = {}
    first_singular: dict[tuple[str, ...], list[Antecedent]] = {}
    spelled_by: dict[str, list[int]] = {}
    with_word: dict[str, list[int]] = {}
    for j, b in enumerate(read):
        for initials in dict.fromkeys(b.initials):
            spelled_by.setdefault(initials, []).append(j)
    for i, (a, name) in enumerate(zip(names, read, strict=True)):
        found = first_spelled.get(name.spelling) if name.spelling else None
        if found is None and name.letters:
            found = next((names[j] for j in spelled_by.get(name.letters, ())
                          if j != i and find(names[j].key) != a.key), None)
        if found is None and name.words:
            # a partial name's first word is a word of the name; initials are not
            with_first = with_word.get(name.words[0], [])
            candidates = sorted({*with_first, *with_word.get(name.words[-1], ())}) \
                if len(name.words[0].rstrip(".")) == 1 else with_first
            found = next((names[j] for j in candidates
                          if _is_part(name, read[j], _people(a, names[j]))
                          and _part_fits(a, names[j], name, read[j])
                          and not _holds_office(name, read[j])), None)
            surname = None if found is not None else _surname_of(i, names, read, with_first)
            if surname is not None:
                found = names[surname]
        singular = _singular(name.spelling)
        if found is None and singular:
            found = next((b for b in first_singular.get(singular, ())
                          if _group_plural(a, b)), None)
        if found is not None and find(found.key) != a.key:
            root[a.key] = find(found.key)
        elif found is None and (state := countries().get(" ".join(name.words))) and \
                squash(state) != a.key:  # "U.S.": the United States, named or not
            root[a.key] = find(squash(state))
        if name.spelling:
            first_spelled.setdefault(name.spelling, a)
            first_singular.setdefault(singular, []).append(a)
        for word in dict.fromkeys(name.words):
            with_word.setdefault(word, []).append(i)
    return {key: find(key) for key in root}


def _resolve(m: Mention, antecedents: list[Antecedent] | None, roots: dict[str, str],
             named: list[Antecedent] | None, subject: Antecedent | None = None
             ) -> tuple[Mention | None, tuple[str, ...]]:
    """The mention with its names and pronouns resolved (the module docstring); `subject`:
    the document's first name."""
    changes: dict[str, object] = {}
    resolved = []
    for slot, key, kind, start in _slots(m):
        text = getattr(m, slot).text
        here = (m.sent_index, start)
        if kind != "PRON" and not is_pronoun(text):
            if key in roots:
                changes[f"{slot}_key"] = roots[key]
                resolved.append(slot)
            elif named is not None and (kinds := description_kinds(text)):
                fit = {roots.get(a.key, a.key): a for a in named
                       if a.kind in kinds and a.position < here}
                if len(fit) == 1:
                    (found_key, named_as), = fit.items()
                    changes[f"{slot}_key"] = found_key
                    changes[f"{slot}_type"] = named_as.kind
                    resolved.append(slot)
            continue
        if antecedents is None:  # pronouns are not resolved: the pronoun stays
            continue
        kinds = antecedent_kinds(text)
        if _for_bare_subject(kinds, subject, m.sent_index):
            found: Antecedent | None = subject
        else:
            found = next((a for a in antecedents if a.kind in kinds and a.position < here
                          and (a.kind not in _PLACE or _is_subject(a, subject, roots))), None)
        if found is None:
            return None, ()
        changes[f"{slot}_key"] = roots.get(found.key, found.key)
        changes[f"{slot}_type"] = found.kind
        resolved.append(slot)
    if not changes:
        return m, ()
    return evolve(m, **changes), tuple(resolved)  # type: ignore[arg-type]


def _is_subject(a: Antecedent, subject: Antecedent | None, roots: dict[str, str]) -> bool:
    """Whether `a` is the document's subject, its first name (names joined by `roots`)."""
    return subject is not None and roots.get(a.key, a.key) == roots.get(subject.key, subject.key)


def _for_bare_subject(kinds: frozenset[str], subject: Antecedent | None, sentence: int) -> bool:
    """Whether a thing's or group's pronoun (of antecedent `kinds`) in `sentence` stands for the
    document's subject: one NER gave no kind, named in an earlier sentence."""
    return subject is not None and not (subject.kind or subject.kinds) and bool(kinds) and \
        "PERSON" not in kinds and subject.position[0] < sentence


def resolve_document(mentions: list[Mention], *, pronouns: bool = True, names: bool = False,
                     descriptions: bool = False) -> list[Resolution]:
    """Resolve the names, definite descriptions and pronouns of one document's mentions (given
    in corpus order; each pass switched by its flag); a narrow reading is resolved like its
    mention (and dropped alone when it cannot be). With `pronouns` off a pronoun stays as it
    is."""
    antecedents = _antecedents(mentions) if pronouns else None
    named = _antecedents(mentions, names_only=True) if names or descriptions or pronouns \
        else []
    roots = name_roots(named) if names else {}
    described = named if descriptions else None
    subject = named[0] if named else None

    def one(m: Mention) -> tuple[Mention | None, tuple[str, ...]]:
        return _resolve(m, antecedents, roots, described, subject)

    out = []
    for m in mentions:
        resolved_m, slots = one(m)
        if resolved_m is not None and resolved_m.readings:
            readings = tuple(r for r in (one(r)[0] for r in resolved_m.readings)
                             if r is not None)
            resolved_m = evolve(resolved_m, readings=readings)
        out.append(Resolution(resolved_m, m, slots))
    if names:
        aliases = alias_roots(out)
        if aliases:
            out = [evolve(r, mention=_rekeyed(r.mention, aliases)) for r in out]
        out = _chunks_named(out)
    return out


def _chunks_named(resolutions: list[Resolution]) -> list[Resolution]:
    """The resolutions with each head or tail whose node is not its chunk keyed to a name of
    the document its chunk spells (`same_name`): "The Beibu Gulf economic rim", whose node
    is "economic rim" (`mamakg.mapping.arguments.node_span`: a name before a common noun is
    no part of it), is the document's "Beibu Gulf Economic Rim"; a chunk "Eidos" whose node
    NER ran on to "List of Eidos" is the document's "Eidos"."""
    spelled: dict[tuple[str, ...], str] = {}
    for r in resolutions:
        for x in (r.mention, *r.mention.readings) if r.mention is not None else ():
            for slot, key, kind, _ in _slots(x):
                text = _node(x, slot).text
                if _is_name(text, kind):
                    spelled.setdefault(_name_of(text).spelling, key)
    return [_chunk_named(r, spelled) for r in resolutions]


def _chunk_named(r: Resolution, spelled: dict[tuple[str, ...], str]) -> Resolution:
    m = r.mention
    if m is None:
        return r
    changes: dict[str, str] = {}
    for slot, key, _, _ in _slots(m):
        chunk = getattr(m, slot)
        found = spelled.get(_name_of(chunk.text).spelling) if _node(m, slot) != chunk else None
        if found is not None and found != key:
            changes[slot] = found
    if not changes:
        return r
    named = evolve(m, head_key=changes.get("head", m.head_key),
                   tail_key=changes.get("tail", m.tail_key))
    return evolve(r, mention=named, resolved=tuple(dict.fromkeys((*r.resolved, *changes))))


def _is_alias(r: Resolution) -> bool:
    """Whether a resolved mention gives another name of its head: its relation one of
    `NAMING_RELATIONS`, or a person "born" with a name NER read as a person's or not at all
    (a birth name: "Ernesto D'Alessio (born Ernesto Alonso Vargas Contreras ...)"), between
    two names (a pronoun resolved to a name counts as one)."""
    m = r.mention
    if m is None or not (m.relation_key in NAMING_RELATIONS or (
            m.relation_key == "bear" and m.head_type == "PERSON" and
            m.tail_type in ("", "PERSON"))):
        return False
    return all(slot in r.resolved or _is_name(_node(m, slot).text, kind)
               for slot, _, kind, _ in _slots(m))


_BRACKETED = re.compile(r"\s*\(\s*([^\W\d_][\w.&-]*)\s*[)/;,]")
"""An acronym in brackets right after a name: "United States Naval Forces Germany
(NAVFORGER)"."""


def written_as_acronym(word: str) -> bool:
    """Whether a word is written as an acronym: in capitals, two or more, more capitals than
    other letters, a lower-case letter only inside ("NAVFORGER", "ASEAN", "PhD"; "Acme",
    "MacD" and "I" are none).

    >>> written_as_acronym("ASEAN"), written_as_acronym("PhD"), written_as_acronym("Acme")
    (True, True, False)
    >>> written_as_acronym("MacD"), written_as_acronym("I"), written_as_acronym("USAid")
    (False, False, False)
    """
    capitals = sum(c.isupper() for c in word)
    return capitals >= 2 and word[:1].isupper() and word[-1:].isupper() and \
        capitals * 2 > len(word.replace(".", ""))


def _bracketed_acronym(m: Mention, slot: str) -> str | None:
    """The acronym a name slot's node is followed by in brackets (`written_as_acronym`),
    else None."""
    node = _node(m, slot)
    found = _BRACKETED.match(m.sentence, node.end)
    if found is None:
        return None
    word = found.group(1)
    return word if written_as_acronym(word) else None


def bracketed_acronyms(m: Mention) -> list[tuple[str, str]]:
    """(key, acronym) for the head and the tail of a mention that an acronym of their name
    follows in brackets ("the International Monetary Fund (IMF)": `_bracketed_acronym`,
    `abbreviates`)."""
    if "(" not in m.sentence:
        return []
    out = []
    for slot, key in (("head", m.head_key), ("tail", m.tail_key)):
        acronym = _bracketed_acronym(m, slot)
        if acronym is not None and abbreviates(acronym, _node(m, slot).text):
            out.append((key, acronym))
    return out


def abbreviates(acronym: str, name: str) -> bool:
    """Whether an acronym may be short for a name: its first letter a word's initial, its
    letters in order among the name's letters from that word on ("NAVFORGER": "United
    States NAVal FORces GERmany"; "UK" is not short for "London").

    >>> abbreviates("NAVFORGER", "United States Naval Forces Germany"), abbreviates("UK",
    ...     "London"), abbreviates("ON", "Toronto")
    (True, False, False)
    """
    letters = [c for c in acronym.lower() if c.isalpha()]
    words = name.lower().split()
    for i, word in enumerate(words):
        if letters and word[:1] == letters[0]:
            rest = iter("".join(words[i:]))
            return all(c in rest for c in letters)
    return False


def alias_roots(resolutions: list[Resolution]) -> dict[str, str]:
    """Key -> the key of the name it is another name of, the name given first in the
    document keeping its key: what a mention gives as another name (`_is_alias`), and an
    acronym given in brackets right after a name that it may be short for (`abbreviates`:
    "the Association of Southeast Asian Nations (ASEAN)", whether or not its letters are the
    name's initials) where the document names something by that acronym. Empty when the
    document gives no other names."""
    root: dict[str, str] = {}

    def find(key: str) -> str:
        while key in root:
            key = root[key]
        return key

    def join(first: str, other: str) -> None:
        first, other = find(first), find(other)
        if first != other:
            root[other] = first

    spelled: dict[tuple[str, ...], str] = {}
    bracketed: list[tuple[str, str]] = []
    for r in resolutions:
        m = r.mention
        if m is None:
            continue
        for x in (m, *m.readings):
            for slot, key, kind, _ in _slots(x):
                text = _node(x, slot).text
                if slot in r.resolved or not _is_name(text, kind):
                    continue
                spelled.setdefault(_name_of(text).spelling, key)
                acronym = _bracketed_acronym(x, slot)
                if acronym is not None and abbreviates(acronym, text):
                    bracketed.append((key, acronym))
        if _is_alias(r):
            join(m.head_key, m.tail_key)
    for key, acronym in bracketed:
        other = spelled.get(_name_of(acronym).spelling)
        if other is not None:
            join(key, other)
    return {key: find(key) for key in root}


def _rekeyed(m: Mention | None, aliases: dict[str, str]) -> Mention | None:
    """The mention and its readings with each head and tail key that is another name
    (`alias_roots`) keyed to the name it is another name of."""
    if m is None:
        return None

    def one(x: Mention) -> Mention:
        changes = {f"{slot}_key": aliases[key] for slot, key, _, _ in _slots(x)
                   if key in aliases}
        return evolve(x, **changes) if changes else x  # type: ignore[arg-type]

    readings = tuple(one(r) for r in m.readings)
    m = one(m)
    return evolve(m, readings=readings) if readings != m.readings else m


@functools.lru_cache(maxsize=1 << 16)  # pure on its text; read many times
def is_common_noun(text: str) -> bool:
    """Whether a head or tail is a common noun phrase: words, none capitalised but a leading
    determiner or word of amount, not a pronoun and not a value.

    >>> [is_common_noun(t) for t in ("Her father", "Lise Meitner", "he", "1961", "110 countries",
    ...                              "All streets", "Many Christian leaders")]
    [True, False, False, False, True, True, False]
    """
    words = text.split()
    while len(words) > 1 and (words[0].lower() in DETERMINERS or
                              words[0].lower() in AMOUNT_WORDS):  # "Her father", "All streets"
        words = words[1:]
    rest = " ".join(words)
    return any(c.isalpha() for c in rest) and not any(c.isupper() for c in rest) and \
        not is_pronoun(text) and not is_value(text)


def scoped_key(key: str, doc_id: str) -> str:
    """The key of a common noun in one document: its own node there.

    >>> scoped_key("father", "notes.txt:3"), unscoped("father@notes.txt:3")
    ('father@notes.txt:3', 'father')
    """
    return f"{key}{SCOPE}{doc_id}"


def unscoped(key: str, doc_id: str | None = None) -> str:
    """The key without its document scope (unchanged when it has none or, with `doc_id`, a
    scope of another document)."""
    base, sep, doc = key.rpartition(SCOPE)
    if not sep or (doc_id is not None and doc != doc_id):
        return key
    return base


def common_keys(mentions: Iterable[Mention]) -> frozenset[str]:
    """The keys of the common nouns of one document's mentions as the Match stage gave them
    (`is_common_noun` of a head or tail node), to tell a common noun written with a capital
    at the start of a sentence from a name (`scope_of`): "Ramadas are ..." with "ramadas"
    elsewhere in the document; and the keys of nodes of no entity kind that open their
    sentence written in lower case but for that capital ("Work on the palace began ..."),
    where the document never writes them with a capital elsewhere nor names them.

    >>> from mamakg.types import TextSpan
    >>> def m(head, key, kind=""):
    ...     n, s = len(head), head + " began it"
    ...     return Mention("d", 0, s, 0, TextSpan(head, 0, n), TextSpan("began", n + 1, n + 6),
    ...                    TextSpan("it", n + 7, n + 9), key, "begin", "it", 1, head_type=kind)
    >>> sorted(common_keys([m("Work", "work"), m("Ramadas", "ramadas"), m("Velocifero", "v"),
    ...                     m("Velocifero", "v", "WORK_OF_ART")]))
    ['ramadas', 'work']
    """
    common, opening, written = set(), set(), set()
    for m in mentions:
        for reading in (m, *m.readings):
            for slot, key, kind, _ in _slots(reading):
                node = _node(reading, slot)
                if is_common_noun(node.text):
                    common.add(key)
                elif kind or node.start > 0:
                    written.add(key)
                elif _capital_opens(node.text):
                    opening.add(key)
    return frozenset(common | (opening - written))


def _capital_opens(text: str) -> bool:
    """Whether a text is lower case but for the capital of its first letter ("Work", "The
    agreement"), as a sentence's first word is written."""
    return text[:1].isupper() and is_common_noun(text[:1].lower() + text[1:])


def name_keys(mentions: Iterable[Mention]) -> frozenset[str]:
    """The keys of the names of one document's mentions as the Match stage gave them: a head
    or tail node NER named (a kind that is no value) and written as a name (`_is_name`), so
    that the same words written in lower case there ("velocifero" beside the album
    "Velocifero") are that name, not a common noun (`scope_of`)."""
    return frozenset(key for m in mentions for reading in (m, *m.readings)
                     for slot, key, kind, _ in _slots(reading)
                     if kind and _is_name(_node(reading, slot).text, kind))


def scope_of(m: Mention, resolved: tuple[str, ...] = (), common: frozenset[str] = frozenset(),
             names: frozenset[str] = frozenset()) -> Mention:
    """The mention with each common-noun head and tail node (`is_common_noun` of its label:
    the node's text, which may be narrower than the chunk; or `is_role_of_name`: "mayor of
    Calgary"; or a node of no entity kind whose key is among the document's `common` keys,
    `common_keys`: "Ramadas" at the start of a sentence) keyed to its document
    (`scoped_key`), but for the `resolved` slots (a description resolved to a name) and the
    keys of the document's names (`name_keys`: a name written in lower case).

    >>> from mamakg.types import TextSpan
    >>> m = Mention("d", 0, "his father met Ann", 0, TextSpan("his father", 0, 10),
    ...             TextSpan("met", 11, 14), TextSpan("Ann", 15, 18), "father", "meet", "ann", 1)
    >>> scope_of(m).fact_key
    ('father@d', 'meet', 'ann')
    >>> s = "Ann was a Norwegian politician"
    >>> m = Mention("d", 0, s, 0, TextSpan("Ann", 0, 3), TextSpan("was", 4, 7),
    ...             TextSpan("a Norwegian politician", 8, 30), "ann", "be", "politician", 1,
    ...             tail_node=TextSpan("politician", 20, 30))
    >>> scope_of(m).tail_key
    'politician@d'
    """
    labels = {"head": m.head_label, "tail": m.tail_label}
    changes = {f"{slot}_key": scoped_key(key, m.doc_id) for slot, key, kind, _ in _slots(m)
               if slot not in resolved and key not in names and (
                   is_common_noun(labels[slot]) or (
                   kind != "PRON" and is_role_of_name(labels[slot], kind)) or (
                   not kind and key in common))}
    return evolve(m, **changes) if changes else m  # type: ignore[arg-type]
