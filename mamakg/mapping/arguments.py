"""Map stage, arguments: what a mention's head and tail are, read from its sentence right
after the Match stage makes the mention (`mamakg.mapping.annotate`).

- `span_type`: the kind of a head or tail: the spaCy entity label of the token that heads the
  span (``PERSON``, ``ORG``, ``GPE``, ``DATE``...), ``PRON`` for a pronoun, ``NUM`` for a
  number or date that NER left unlabelled, "" for a common noun phrase;
- `narrow_readings`: when head or tail hold a named entity narrower than the noun chunk ("an
  [American] politician", "a member of [the Senate]"), the same fact read between the entities
  ("Obama | is | American"), whose relation runs from the end of the head's entity to the
  start of the tail's;
- `clause_readings`: the tail's entity read with the subject of its clause, found by syntax
  where Match's chunks do not join them ("[He] was professor of mathematics at [MIT]": Match
  reads "mathematics | at | MIT"; "[his] wife [Christina]"; "[Kinsey], a zoologist at
  [Indiana University]").

The Map stage keeps a reading only where it maps to a property.

Pure: works on `Sentence` columns (the NER labels are `Sentence.entities`), no spaCy.
"""

from __future__ import annotations

import re

from mamakg.english import (
    AMOUNT_WORDS,
    INDEFINITE_PRONOUNS,
    KIND_NOUNS,
    NAME_LINKS,
    NAME_SUFFIXES,
    PLACE_NOUNS,
    POSSESSIVE_DETERMINERS,
    POSSESSIVE_ENDINGS,
    PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_PREPOSITIONS,
    TITLES,
    WATER_NOUNS,
    WORK_NOUNS,
    after_honours,
    head_word,
    is_month,
    is_postnominal,
)
from mamakg.normalize import (
    SUBJECTS,
    clause_subject,
    entity_key,
    has_content,
    main_verb,
    relation_key,
)
from mamakg.types import Entity, Mention, Sentence

__all__ = ["DATE_PLACE_PREPOSITIONS", "GROUP_OF_PERSON", "MAX_READINGS", "PLACE_IN_PLACE",
           "PRONOUNS", "RELATIVE_PRONOUNS", "adjunct_readings", "chunk_readings",
           "clause_readings", "cuts_a_name", "dates_and_places", "entity_at", "entity_core",
           "is_named", "is_pronoun", "listed_role_readings", "narrow_readings", "node_room",
           "node_span", "possessor_readings", "reading", "relational_tail", "role_readings",
           "span_root", "span_type", "tail_cores"]


_VALUE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT",
                           "ORDINAL"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NAME_KIND_NOUNS = KIND_NOUNS["organization"] | KIND_NOUNS["place"] | PLACE_NOUNS
"""Nouns after which a name compounded before them is what the chunk names ("the [Ford]
*company*", "the [Chicago Bulls] basketball *team*"); before another common noun the name
only qualifies it ("a [NASA] *astronaut*", "the [United States] District *Court*", "a
[Beatles] *album*": no NASA, no country, no band)."""
_EDGE_POS = frozenset({"PUNCT", "CCONJ", "SCONJ", "SYM", "SPACE", "DET"})
"""Parts of speech a narrow reading's relation may not start or end with."""


def is_pronoun(text: str) -> bool:
    """Whether a head or tail text is a lone pronoun.

    >>> is_pronoun("He"), is_pronoun("who"), is_pronoun("his wife")
    (True, True, False)
    """
    word = text.strip().lower()
    return word in PRONOUNS or word in RELATIVE_PRONOUNS


_WORD = re.compile(r"\w+")
_ANY_PRONOUN = PRONOUNS | RELATIVE_PRONOUNS | INDEFINITE_PRONOUNS


def is_named(entity: Entity, *, strict: bool = False) -> bool:
    """Whether an entity is a name: the one test of the Map stage and of the graph picture,
    which read it differently (`strict`).

    Lenient (the Map stage: whether an entity can be the subject of a schema fact): NER named
    it (any label but ``PRON`` and ``NUM``), or it is written as a name, its label starting
    with a capital ("a privately held company" is not; "Acme" is, even where NER missed it).
    No word list is read: by then pronouns are resolved or dropped (`mamakg.mapping.coref`),
    and with pronoun resolution off a capitalised "He" counts as a name, as the graph has
    always read it.

    Strict (`mamakg.inspect.view`, which nodes a picture shares between facts, where a
    pronoun left in the graph would join unrelated facts): a Wikidata item, or a label that
    is not a pronoun, a number or a date and whose head word has a capital: its last word
    with a letter, before any "of" (`mamakg.english.head_word`: "University of Toronto",
    "iPhone 4"; not "fellow NASA astronaut", a common noun a name qualifies, nor "lead singer
    of U2"); NER labels are not read.

    >>> [is_named(Entity(k.lower(), k)) for k in ("Marie Curie", "He", "company", "1867")]
    [True, True, False, False]
    >>> [is_named(Entity(k.lower(), k), strict=True) for k in ("Marie Curie", "He", "1867")]
    [True, False, False]
    >>> [is_named(Entity(k.lower(), k), strict=True) for k in (
    ...     "University of Toronto", "iPhone 4", "fellow NASA astronaut", "lead singer of U2")]
    [True, True, False, False]
    """
    if not strict:
        return bool(entity.kind and entity.kind not in ("PRON", "NUM")) or \
            entity.label[:1].isupper()
    if entity.qid:
        return True
    words = _WORD.findall(entity.label)
    if not words or all(w.isdigit() or is_month(w) for w in words):
        return False
    if entity.label.casefold() in _ANY_PRONOUN:
        return False
    return any(c.isupper() for c in head_word(entity.label))


def span_root(s: Sentence, start: int, end: int) -> int:
    """The token that heads the span [start, end): the one whose syntactic head lies outside
    it (the last token when the sentence has no parse)."""
    if s.heads:
        for t in range(start, end):
            head = s.heads[t]
            if head == t or not start <= head < end:
                return t
    return end - 1


def entity_at(s: Sentence, token: int) -> tuple[int, int, str] | None:
    """The named entity (start, end, label) that holds a token, or None."""
    for entity in s.entities:
        if entity[0] <= token < entity[1]:
            return entity
        if entity[0] > token:
            break
    return None


def _is_value_word(s: Sentence, t: int) -> bool:
    return s.pos[t] == "NUM" or is_month(s.words[t]) or s.words[t] in (",", "-", "–", "/")


def cuts_a_name(s: Sentence, relation: tuple[int, ...]) -> bool:
    """Whether a relation (its tokens) takes part of a name that goes on outside it, or is
    one name and nothing else (the entity recognizer's names): "Terence James | Reed (born
    in | London", "Chicago | Kerasotes | Showplace Theatres" (of "Kerasotes Showplace
    Theatres"), "Born in Aigburth | Liverpool | he". A path through a name reads no relation
    between the name's parts, or between what stands around it. A name inside a longer
    relation is no cut ("is a Turkish politician of"), nor is a span of the recognizer that
    takes in a word of the relation written in lower case, no name's linking word ("of",
    "and"): a clause read as a title ("[Graeme founded Xanitos]"), not a name.

    >>> from mamakg.types import Sentence
    >>> s = Sentence("d", 0, "Born in Aigburth , Liverpool , he played", 0,
    ...     ("Born", "in", "Aigburth", ",", "Liverpool", ",", "he", "played"),
    ...     ((0, 4), (5, 7), (8, 16), (17, 18), (19, 28), (29, 30), (31, 33), (34, 40)),
    ...     ("bear", "in", "aigburth", ",", "liverpool", ",", "he", "play"),
    ...     ("VERB", "ADP", "PROPN", "PUNCT", "PROPN", "PUNCT", "PRON", "VERB"),
    ...     ("advcl", "prep", "pobj", "punct", "appos", "punct", "nsubj", "ROOT"),
    ...     (False, True, False, False, False, False, True, False), ((2, 3), (4, 5), (6, 7)),
    ...     heads=(7, 0, 1, 2, 2, 7, 7, 7), entities=((2, 3, "GPE"), (4, 5, "GPE")))
    >>> cuts_a_name(s, (3, 4, 5)), cuts_a_name(s, (4,)), cuts_a_name(s, (3,))
    (False, True, False)
    """
    first, end = relation[0], relation[-1] + 1
    for start, stop, label in s.entities:
        if start >= end:
            break
        if stop <= first or label in _VALUE_LABELS:
            continue  # before the relation, or a date, time or amount: no name
        runs_on = start < first or stop > end
        if (runs_on or (start, stop) == (first, end)) and not any(
                _lower_word(s.words[t]) for t in range(max(start, first), min(stop, end))):
            return True
    return False


def _lower_word(word: str) -> bool:
    """Whether a word is written in lower case and is no name's linking word ("of", "de")."""
    return word[:1].islower() and word.lower() not in NAME_LINKS


def span_type(s: Sentence, start: int, end: int) -> str:
    """The kind of the span [start, end) of a sentence.

    >>> from mamakg.types import Sentence
    >>> s = Sentence("d", 0, "He met Ann Lee", 0, ("He", "met", "Ann", "Lee"),
    ...     ((0, 2), (3, 6), (7, 10), (11, 14)), ("he", "meet", "ann", "lee"),
    ...     ("PRON", "VERB", "PROPN", "PROPN"), ("nsubj", "ROOT", "compound", "dobj"),
    ...     (True, False, False, False), ((0, 1), (2, 4)), heads=(1, 1, 3, 1),
    ...     entities=((2, 4, "PERSON"),))
    >>> span_type(s, 0, 1), span_type(s, 2, 4)
    ('PRON', 'PERSON')
    """
    if end - start == 1 and (s.pos[start] == "PRON" or is_pronoun(s.words[start])):
        return "PRON"
    root = span_root(s, start, end)
    entity = entity_at(s, root)
    if entity is not None:
        return entity[2]
    if any(s.pos[t] == "NUM" for t in range(start, end)) and all(
            _is_value_word(s, t) for t in range(start, end)):
        return "NUM"
    return ""


def _first_word(s: Sentence, start: int, end: int) -> int:
    first = start
    while first < end - 1 and s.pos[first] in ("DET", "PRON", "PUNCT"):
        first += 1
    return first


def entity_core(s: Sentence, start: int, end: int) -> tuple[int, int, str] | None:
    """The named entity that stands for the head span [start, end) when it is narrower than
    it: the entity holding the span's root, else the last named entity inside the span that
    is not a value; None when there is none or it covers the span but for leading
    determiners."""
    inside = [e for e in s.entities if start <= e[0] and e[1] <= end]
    if not inside:
        return None
    root = span_root(s, start, end)
    holding = [e for e in inside if e[0] <= root < e[1]]
    named = [e for e in inside if e[2] not in _VALUE_LABELS]
    core = holding[0] if holding else (named[-1] if named else None)
    if core is None or (core[0] <= _first_word(s, start, end) and core[1] == end):
        return None
    return core


def _trim(s: Sentence, start: int, end: int) -> tuple[int, int]:
    """The span without leading determiners, possessive pronouns and punctuation, and without
    a trailing possessive ending or punctuation ("the [Jean Genet]'s", "[his] [father]")."""
    while start < end - 1 and (s.pos[start] in ("DET", "PUNCT") or (
            s.pos[start] == "PRON" and s.words[start].lower() in POSSESSIVE_DETERMINERS)):
        start += 1
    while end - 1 > start and (s.pos[end - 1] == "PUNCT" or
                               s.words[end - 1].lower() in POSSESSIVE_ENDINGS):
        end -= 1
    return start, end


_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")


def _is_quantity_word(s: Sentence, t: int, inside: list[tuple[int, int, str]]) -> bool:
    """Whether token t is part of a date, number or quantity before a common noun: a number
    or an ordinal ("22nd"), a word of amount (`AMOUNT_WORDS`: "*Several* tracks"), a word
    that modifies a number ("*over* 10,000", "*More than* 900") or that a number counts
    ("288 *MW*"), a word of a date, ordinal or quantity entity ("the [1st-century] saint"),
    or of a cardinal one but for a noun NER swept into it ("[More than 900 motorcycle]
    accidents")."""
    if s.pos[t] == "NUM" or _ORDINAL.fullmatch(s.words[t]) or (
            s.words[t].lower() in AMOUNT_WORDS and s.pos[t] in ("ADJ", "DET", "ADV")):
        return True
    head = s.heads[t] if s.heads else t
    if t < head < len(s) and s.pos[head] == "NUM":
        return True
    if s.heads and "NUM" in s.pos[:t] and any(
            s.heads[k] == t and s.pos[k] == "NUM" for k in range(t)):
        return True  # the unit a number counts: "[288 MW] offshore wind farm"
    return any(e[0] <= t < e[1] and e[2] in _VALUE_LABELS and (
        e[2] != "CARDINAL" or s.pos[t] not in ("NOUN", "PROPN")) for e in inside)


def _nationality_after(s: Sentence, first: int, root: int,
                       inside: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    """The nationality (a ``NORP`` entity, a ``LANGUAGE`` one read as an adjective: "an
    English actor", or a country read as one: "the [U.S.] country charts") that starts at
    token `first` or after adjectives and adverbs only ("a major [Turkish] weapons
    manufacturer", "the only [Turkish] company") and ends before the root; None when there
    is none."""
    t = first
    while t < root and s.pos[t] in ("ADJ", "ADV") and not any(
            e[0] <= t < e[1] for e in inside):
        t += 1
    return next((e for e in inside if e[2] in ("NORP", "LANGUAGE", "GPE") and e[0] == t
                 and e[1] <= root), None)


def _is_name_word(s: Sentence, t: int, inside: list[tuple[int, int, str]]) -> bool:
    """Whether token t is written as a word of a name: capitalised, and a proper noun, a
    word of a named entity that is not a value, or a word past the sentence's first (where
    a capital marks a name)."""
    return s.words[t][:1].isupper() and (t > 0 or s.pos[t] == "PROPN" or any(
        e[0] <= t < e[1] and e[2] not in _VALUE_LABELS for e in inside))


def _name_before(s: Sentence, first: int, root: int, inside: list[tuple[int, int, str]]) -> int:
    """Where a common noun's words start after a name that modifies it, starting at token
    `first`, in quotes or not ("the first [ABBA] album", "their [Android] device", 'Its
    ["Scoopy Bee"] mascot'): the name is a thing of its own, read apart; `first` when
    there is none or the root is written with a capital ("the Dragon Quest Series" is a
    name). A nationality is not such a name (`_nationality_after`)."""
    if not s.words[root][:1].islower():
        return first
    t = first
    while t < root and s.words[t] in _MARKS:
        t += 1
    if t == root or not _is_name_word(s, t, inside) or any(
            e[0] <= t < e[1] and e[2] in ("NORP", "LANGUAGE") for e in inside):
        return first
    while t < root and (s.words[t] in _MARKS or _is_name_word(s, t, inside) or (
            s.words[t].lower() in NAME_LINKS and _is_name_word(s, t + 1, inside))):
        t += 1
    return t


def _after_modifiers(s: Sentence, start: int, root: int,
                     inside: list[tuple[int, int, str]]) -> int:
    """Where a common noun phrase starts once its possessor ("[McNamara's] best year"), and
    before a common noun its leading dates, numbers and quantities ("a [1936] British film",
    "[over 10,000] fans", "[3rd] tiers") and nationalities ("[a German] skeleton racer") are
    left out, with the adjectives before a nationality ("an important [Venezuelan]
    urbanist": `_nationality_after`): each is a fact or a value of its own (the possessor's;
    the subject's citizenship; a date or count), not a part of the thing, and so is a name
    that modifies the common noun (`_name_before`: "the first [ABBA] album", "[ELAM] sister
    school"). A name NER missed (its root a proper noun: "the Norwegian Premier League", "the
    1970 Census") keeps them."""
    first = start
    for t in range(start, root):
        if s.words[t].lower() in POSSESSIVE_ENDINGS:
            first = t + 1
    common = s.pos[root] == "NOUN"
    while first < root:
        norp = _nationality_after(s, first, root, inside) if common else None
        named = _name_before(s, first, root, inside) if common else first
        if norp is not None:
            first = norp[1]
        elif named > first:
            first = named
        elif common and _is_quantity_word(s, first, inside):
            first += 1
        elif s.pos[first] == "PUNCT" or (common and s.words[first] in ("-", "–")):
            first += 1
        else:
            break
    return first


_NAME_LABELS = frozenset({"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
"""NER labels of names that NER may cut short inside a longer written name."""
_MARKS = frozenset({"(", ")", "\"", "\u201c", "\u201d"})
"""Marks around a nickname inside a name ("Robert (Bob) Korsec", 'Elizabeth "Beth" Orton')."""
_LINKS = (NAME_LINKS - {"and", "&", "the"}) | {"-"}
"""Name particles and hyphens that join the words of one name, not two names ("von der",
"ibn", "Is-ḥāq")."""


def _name_word(s: Sentence, t: int, inside: list[tuple[int, int, str]]) -> bool:
    """Whether token t may be part of a written name: no title (`TITLES`) or post-nominal
    letters ("Norman McLean *FBA*", `is_postnominal`), and a word of a name entity, or a
    proper noun in no entity (not "*Ukrainian* President ...")."""
    if s.words[t].lower().rstrip(".") in TITLES or is_postnominal(s.words[t]):
        return False
    entities = [e for e in inside if e[0] <= t < e[1]]
    if not entities:
        return s.pos[t] == "PROPN"
    return all(e[2] in _NAME_LABELS or (e[2] == "DATE" and all(
        is_month(s.words[k]) for k in range(e[0], e[1]))) for e in entities)


_CLOSING = {"(": ")", "[": "]"}
"""Brackets and the marks that close them."""
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
"""The marks that join the parts of a word written with hyphens ("vice-president")."""


def _opened(s: Sentence, start: int, end: int) -> bool:
    """Whether the tokens [start, end) close a quote or bracket they do not open."""
    words = s.words[start:end]
    return words.count(")") > words.count("(") or sum(
        words.count(q) for q in ("\"", "\u201c", "\u201d")) % 2 == 1


def _whole(s: Sentence, first: int, entity: tuple[int, int, str],
           inside: list[tuple[int, int, str]], last: int | None = None) -> tuple[int, int]:
    """The named entity `entity` with the words around it that belong to the same written
    name where NER cut it short (down to `first`, up to `last`): a day before a date's month
    ("[13] September 1980"); proper nouns before and after a name ("[Sher Akbar] Khan",
    "[Elio] Fiorucci", "Carl Gösta Björn Joachim von der [Esch]"), name particles, a
    nickname in quotes or brackets ("Robert [(Bob)] Korsec", and the name before a nickname
    NER's entity starts with: 'Virginia ["Cricket" Franche Jones]') and a lone month word NER
    read as a date ("Mark [August] Stoermer") between them; up to a title or a nationality
    ("Dr. [Meyer]", "Ukrainian President [Viktor Yanukovych]")."""
    start, end, label = entity
    if label == "DATE":
        while start > first and s.pos[start - 1] == "NUM" and is_month(s.words[start]):
            start -= 1
        return start, end
    if label not in _NAME_LABELS:
        return start, end
    t = start
    while t > first and (s.words[t - 1] in _MARKS or s.words[t - 1] in _LINKS
                         or _name_word(s, t - 1, inside)):
        t -= 1
        if _name_word(s, t, inside):
            start = t  # a name word: the marks and links passed on the way are in the name
    t = end
    while last is not None and t < last and (s.words[t] in _LINKS
                                             or _name_word(s, t, inside)):
        t += 1
        if _name_word(s, t - 1, inside):
            end = t  # "Carl Gösta Björn Joachim von der [Esch]"
    if _opened(s, start, end) and start - 2 >= first and s.words[start - 1] in _MARKS and \
            s.pos[start - 2] == "PROPN" and s.words[start - 2].lower().rstrip(".") not in TITLES:
        start -= 2  # 'Virginia ["Cricket" Franche Jones]': the name it is the nickname of
    return start, end


def _without_title(s: Sentence, start: int, end: int, label: str) -> tuple[int, int]:
    """A person's name [start, end) without the titles NER took into it ("[King]
    Prajadhipok", "[General] Prayut Chan", `TITLES`; not "St.", part of a saint's name),
    where a capitalised word of the name is left."""
    if label != "PERSON":
        return start, end
    t = start
    while t < end - 1 and s.words[t].lower().rstrip(".") in TITLES - {"st", "saint"}:
        t += 1
    return (t, end) if s.words[t][:1].isupper() else (start, end)


def _named_before_honours(s: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The person's name that a span [start, end) ends with before post-nominal letters
    ("Sir [John Shipley Rowlinson] FREng", `after_honours`), whose last letters the parser
    makes the root of the chunk: the name entity with the words of the name before it that
    NER cut off (`_whole`), without titles (`_without_title`); None where the span ends
    otherwise."""
    if not is_postnominal(s.words[end - 1]):  # letters end where `after_honours` ends
        return None
    inside = [e for e in s.entities if start <= e[0] and e[1] <= end]
    for e_start, e_end, label in inside:
        if label == "PERSON" and e_end < end and after_honours(s.words, e_end) >= end:
            return _without_title(s, *_whole(s, start, (e_start, e_end, label), inside, e_end),
                                  label)
    return None


def _honours_of(s: Sentence, start: int, end: int,
                room: tuple[int, int]) -> tuple[int, int] | None:
    """The person's name (within `room`) that a span of nothing but post-nominal letters
    [start, end) is written after ("Edwin Arend Perkins, [FRS FRSC] (born 31 August 1953)",
    `after_honours`): the letters stand for the name; None for any other span."""
    if not all(is_postnominal(w) or w == "," for w in s.words[start:end]):
        return None
    person = _honoured(s, start)
    if person is None or person[0] < room[0] or after_honours(s.words, person[1]) < end:
        return None
    return person[0], person[1]


def _honoured(s: Sentence, t: int) -> tuple[int, int, str] | None:
    """The person whose name the post-nominal letters at token t are written after
    (`after_honours`: "Frank Gillard [CBE]"), as the entity (start, end, label); None where
    token t is no such letters."""
    if not is_postnominal(s.words[t]):
        return None
    for e_start, e_end, label in s.entities:
        if label == "PERSON" and e_end <= t < after_honours(s.words, e_end):
            return e_start, e_end, label
    return None


def node_room(s: Sentence, chunk: tuple[int, int], other: tuple[int, int],
              relation: tuple[int, ...]) -> tuple[int, int]:
    """The tokens [lo, hi) a node of the chunk may span (`node_span`): the chunk and the
    words around it up to the mention's relation and its other chunk, which stay the
    mention's own.

    >>> from mamakg.types import Sentence
    >>> s = Sentence("d", 0, "x", 0, ("a",) * 6, ((0, 1),) * 6, ("a",) * 6, ("X",) * 6,
    ...     ("dep",) * 6, (False,) * 6, ())
    >>> node_room(s, (0, 1), (5, 6), (3,)), node_room(s, (5, 6), (0, 1), (3,))
    ((0, 3), (4, 6))
    """
    taken = {*relation, *range(*other)}
    lo = max((t for t in taken if t < chunk[0]), default=-1) + 1
    hi = min((t for t in taken if t >= chunk[1]), default=len(s))
    return min(lo, chunk[0]), max(hi, chunk[1])


def _crossing(s: Sentence, chunk: tuple[int, int], root: int,
              room: tuple[int, int]) -> tuple[int, int, str] | None:
    """The name entity (`_NAME_LABELS`) of NER that holds the chunk's `root` and runs past
    the chunk into the words around it (within `room`), where the noun chunker cut a
    written name short ("recorded at [Studio] 92", '"Take [a Letter Miss Smith]"', "[Carl
    Gösta Björn Joachim von der] Esch"), cut before a bracket it opens and does not close
    ("[Gujranwala] (Punjabi": the bracket holds another name); None when there is none, the
    chunk holds the whole of it, or a word of it outside the chunk is not written as part of
    a name (capitalised, a number, a mark or a name particle, `NAME_LINKS`)."""
    found = entity_at(s, root)
    if found is None or found[2] not in _NAME_LABELS:
        return None
    start, end = found[0], _before_open_bracket(s, found[0], found[1])
    if (chunk[0] <= start and end <= chunk[1]) or start < room[0] or end > room[1] or \
            not start <= root < end:
        return None
    outside = [t for t in range(start, end) if not chunk[0] <= t < chunk[1]]
    if not all(s.words[t][:1].isupper() or s.words[t][:1].isdigit() or s.words[t] in _MARKS
               or s.words[t].lower() in NAME_LINKS for t in outside):
        return None  # NER ran on into words no name is written with ("for a week")
    return start, end, found[2]


def _before_open_bracket(s: Sentence, start: int, end: int) -> int:
    """The end of the span [start, end) cut before a bracket it opens and does not close."""
    for t in range(start + 1, end):
        if s.words[t] in _CLOSING and _CLOSING[s.words[t]] not in s.words[t + 1:end]:
            return t
    return end


def _of_name(s: Sentence, a: int, b: int, room: tuple[int, int]) -> int | None:
    """Where a name the chunk [a, b) begins ends when it goes on past the chunk with "of" and
    more capitalised words in the `room` ("[Mess] of Blues", "[Song] of Freedom": a title the
    noun chunker cut at its "of"), where NER named none of these words (a name of its own,
    "Tony Day of [Cape Town]", keeps them apart); None when it does not go on."""
    words = range(a, b)
    if not all(s.words[t][:1].isupper() for t in words) or any(
            entity_at(s, t) is not None for t in words):
        return None
    t = b
    if not (t + 1 < room[1] and s.words[t] == "of"):
        return None
    t += 1
    while t < room[1] and s.pos[t] == "PROPN" and s.words[t][:1].isupper() and \
            entity_at(s, t) is None:
        t += 1
    return t if t > b + 1 else None


def _wider(s: Sentence, start: int, end: int, room: tuple[int, int]) -> tuple[int, int] | None:
    """The written name the chunk [start, end) is part of, past its edge within `room`: a
    name NER found across it (`_crossing`), without leading determiners but a title's ("This
    Little Girl"), and a person without titles; else a title cut at its "of" (`_of_name`);
    None when the chunk's name ends with it."""
    a, b = _trim(s, start, end)
    crossing = _crossing(s, (start, end), span_root(s, a, b), room)
    if crossing is not None:
        c0, c1 = crossing[0], crossing[1]
        while c0 < c1 - 1 and s.pos[c0] == "DET" and (c0 == 0 or s.words[c0].islower()):
            c0 += 1
        return _without_title(s, c0, c1, crossing[2])
    of_end = _of_name(s, a, b, room)
    return None if of_end is None else (a, of_end)


def _suffixed(s: Sentence, a: int, b: int, room: tuple[int, int]) -> tuple[int, int] | None:
    """The person's name with its generational suffix where the chunk [a, b) is the suffix
    alone, after a comma that follows the name NER found ("Joseph Cooper Inman, [Jr.]"): a
    suffix is no one's name (`NAME_SUFFIXES`); None otherwise, or where the name lies outside
    `room`."""
    if b - a != 1 or s.words[a].lower() not in NAME_SUFFIXES or a < 2 or s.words[a - 1] != ",":
        return None
    name = entity_at(s, a - 2)
    if name is None or name[2] != "PERSON" or name[1] != a - 1 or name[0] < room[0]:
        return None
    return name[0], b


def node_span(s: Sentence, start: int, end: int,
              room: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """The entity a head or tail chunk [start, end) stands for as a node of the graph, when
    narrower than the chunk or, within `room` (`node_room`; default: the chunk), wider;
    None when the chunk is its own node (a pronoun, or nothing to cut but leading
    determiners).

    - the named entity that holds the chunk's root ("British comic writer [P. G. Wodehouse]",
      "[Vienna] on 7 November 1878"), a date or number when the root is one ("[13 March 1963]
      in Mediaș": the node is the value; the place is a reading);
    - else a name in apposition to the root or compounded with it after it ("Mexican pop
      group [RBD]"), or before it where the root is a month, a number or part of another
      entity NER found ("near [Lithuania] - October 16, 1947": a date the chunk cuts) or a
      noun for the name's kind ("the [Ford] company", `_NAME_KIND_NOUNS`; "a [NASA]
      astronaut" is no NASA, "a [United States] Representative" no country);
    - else the common noun phrase up to the first preposition other than "of" after its root
      ("[company] from 1992 to 2006", "[politician] in the Canadian province of Alberta":
      what follows is another entity or a value, read by `tail_cores`), without a possessor,
      leading dates, numbers, amounts or nationalities (`_after_modifiers`: "a German
      [skeleton racer]", "a 1936 British [film]", "over 10,000 [fans]");
    always without leading determiners and possessives and a trailing "'s" ("[Jean Genet]'s"),
    and a person without the titles NER took in ("King [Prajadhipok]") and the post-nominal
    letters after the name ("[Gowin Knight] FRS", `_named_before_honours`); a chunk of nothing
    but such letters stands for the name before it (`_honours_of`).
    A name keeps its "of" ("University of Toronto"): NER spans decide names. A name NER
    found across the chunk's edge is the node whole, where it runs only into words of the
    `room` (`_wider`: "recorded at [Studio] 92" -> "Studio 92"), and so is a title NER
    missed that the chunker cut at its "of" ("[Mess] of Blues"). A chunk that is part of a
    name running on into the relation or the other chunk is its own node (`_in_longer_name`).
    A word written with hyphens is not cut after the node ("the [vice]-president",
    `_hyphen_joined`). A generational suffix alone is the name before it with the suffix
    ("[Joseph Cooper Inman, Jr.]", `_suffixed`).
    """
    if end - start == 1 and (s.pos[start] == "PRON" or is_pronoun(s.words[start])):
        return None
    a, b = _trim(s, start, end)

    def narrower_or_wider(node: tuple[int, int]) -> tuple[int, int] | None:
        return None if node in ((a, end), (start, end)) else node  # None: the chunk itself

    if (person := _named_before_honours(s, a, b)) is not None:
        return narrower_or_wider(person)
    if room is not None and (honoured := _honours_of(s, a, b, room)) is not None:
        return honoured

    wider = (_suffixed(s, a, b, room) or _wider(s, start, end, room)) if room else None
    if wider is not None:
        return narrower_or_wider(wider)
    root = span_root(s, a, b)
    if _in_longer_name(s, start, end, root):
        return narrower_or_wider(_hyphen_joined(s, (a, b), room) if room else (a, b))
    inside = [_trim(s, max(e[0], a), e[1]) + (e[2],) for e in s.entities
              if start <= e[0] and e[1] <= end and e[0] < b]
    inside = [(e0, min(e1, b), label) for e0, e1, label in inside if e0 < min(e1, b)]
    holding = [e for e in inside if e[0] <= root < e[1]]
    node: tuple[int, int] | None = None
    if holding:
        node = _without_title(s, *_whole(s, a, holding[0], inside, b), holding[0][2])
        before = [e for e in inside if e[1] + 1 == holding[0][0] and e[2] in _PLACE_LABELS]
        if holding[0][2] in _PLACE_LABELS and before and s.words[before[0][1]] == ",":
            node = before[0][0], before[0][1]  # "[Reno], Nevada": Reno, in Nevada
    elif s.heads:
        named = [e for e in inside if e[2] not in _VALUE_LABELS and e[2] != "NORP"]
        for e in named:
            e_root = span_root(s, e[0], e[1])
            by = s.heads[e_root]
            if by == root and s.deps[e_root] in ("appos", "compound") and (
                    e[0] > root or entity_at(s, root) is not None or _is_value_word(s, root)
                    or s.lemmas[root].lower() in _NAME_KIND_NOUNS):
                node = _whole(s, a, e, inside, b)  # "pop group [RBD]", "the [Ford] company"
                break
            if e[2] in _PLACE_LABELS and s.lemmas[root] in PLACE_NOUNS and 0 <= by != e_root \
                    and s.words[by].lower() == "of" and s.heads[by] == root:
                node = e[0], e[1]  # "the city of [Houston]"
                break
    if node is None and s.heads:
        cut = next((t for t in range(root + 1, b) if s.pos[t] == "ADP"
                    and s.words[t].lower() != "of" and s.heads[t] != t), None)
        first = _after_modifiers(s, a, root, inside)
        node = (first, cut) if cut is not None and cut > first else (first, b)
        node = _trim(s, *node)
    if node is None:
        node = a, b
    return narrower_or_wider(_hyphen_joined(s, node, room) if room else node)


def _in_longer_name(s: Sentence, start: int, end: int, root: int) -> bool:
    """Whether the chunk [start, end) is part of a longer name NER found, which runs on
    past it into the mention's relation or other chunk ("Autism Conversations: Evaluating
    [Children on the Autism Spectrum ...]", a book's title): the chunk is then its own node,
    not cut at a preposition, since a piece of a name is no word of its own ("Children" is
    not the common noun "children")."""
    found = entity_at(s, root)
    return found is not None and found[2] in _NAME_LABELS and (
        found[0] < start or found[1] > end)


def _hyphen_joined(s: Sentence, node: tuple[int, int],
                   room: tuple[int, int]) -> tuple[int, int]:
    """The node with the rest of a word written with hyphens that it ends in, within `room`
    ("the [vice]-president": vice-president; spaCy splits the hyphens off and a noun chunk
    may end at one); not where the node ends with a name that the word goes on past
    ("[Belgrade]-based"), and never back over what the node left out before it ("a
    [Spanish]-language version": version)."""
    def joined(t: int) -> bool:  # the tokens t and t + 1 are written without a space
        return s.offsets[t][1] == s.offsets[t + 1][0]

    a, b = node
    name = entity_at(s, b - 1)
    while b + 1 < room[1] and s.words[b] in _HYPHENS and joined(b - 1) and joined(b) and (
            name is None or b + 1 < name[1]):
        b += 2
    return a, b


def _role_word(s: Sentence, t: int) -> bool:
    """Whether token `t` is a word of a role written before a name, in lower case ("former",
    "tennis", "pro", "actor") or a nationality ("the [American] actor John Smith")."""
    found = entity_at(s, t)
    if found is not None:
        return found[2] == "NORP"
    return s.pos[t] in ("ADJ", "NOUN") and s.words[t].islower()


def relational_tail(s: Sentence, tail: tuple[int, int], node: tuple[int, int] | None,
                    relation: tuple[int, ...],
                    ) -> tuple[list[int], list[int], tuple[int, int, str]] | None:
    """Where a tail's node is a noun that relates to a name, written in lower case, then "of"
    and the name, which NER found and which ends the node ("was a [member of the Advisory
    Council]", "is the [capital of Ethiopia]", "the [eldest son of Paul Desmarais Sr]", past
    the words of a role the name holds: "is the [son of former tennis pro Torben Ulrich]",
    `_role_word`): the
    tokens of the relation as the graph reads it, from the relation's first word through
    that "of" ("was a member of"), those of its key (without other names' words), and the
    name as the node (span and kind: "Advisory Council", ORG); None otherwise. `tail` is the
    chunk, `node` its node (`node_span`; None: the chunk).

    The relation then says what the noun says, and the node is an entity of its own: "Ann |
    was | member of the Advisory Council" would be a node no other sentence names, and "Ann |
    was | Advisory Council" is false. A value ("a population of 2,218,492") or a nationality
    is no such name; nor is a name the node only begins ("construction of [the CTrain]'s
    first leg")."""
    a, b = node or _trim(s, *tail)
    if not relation or relation[-1] >= a:
        return None
    of = max((t for t in range(a + 1, b - 1) if s.words[t].lower() == "of"), default=None)
    if of is None or s.pos[of - 1] not in ("NOUN", "NUM"):
        return None
    for t in range(a, of):
        found = entity_at(s, t)
        if any(c.isupper() for c in s.words[t]) or (
                found is not None and found[2] not in _VALUE_LABELS):
            return None
    first = of + 1
    while first < b - 1 and s.pos[first] == "DET":
        first += 1
    named = first  # past the words of a role the name holds: "the son of [former tennis
    while named < b - 1 and _role_word(s, named):  # pro] Torben Ulrich"
        named += 1
    name = entity_at(s, named)
    if name is None or name[2] in _VALUE_LABELS or name[2] == "NORP" or \
            name[0] not in range(of + 1, max(first, named) + 1) or name[1] != b:
        return None
    start, end = _without_title(s, *_trim(s, name[0], name[1]), name[2])
    rel = _trimmed(s, range(relation[0], of + 1))
    key = [t for t in rel if entity_at(s, t) is None] or rel
    return rel, key, (start, end, name[2])


_MEDIA_NOUNS = frozenset("newspaper newspapers magazine magazines journal brand airline label "
                         "network channel station".split())
"""Nouns of an organization that publishes, broadcasts or sells under its name ("the
[Guardian] newspaper", "the [Fox] network")."""
_THING_NOUNS = WORK_NOUNS | KIND_NOUNS["organization"] | _MEDIA_NOUNS | frozenset(
    "sitcom sitcoms documentary manga comic musical side television tv".split())
"""Nouns that name a work or an organization: a nationality before one is where the thing
comes from ("a Japanese anime series", "an American rock band", "the French side": a team),
no one's citizenship."""


def _ends_its_phrase(s: Sentence, root: int) -> bool:
    """Whether the noun at `root` ends its noun phrase: no noun follows it, nor a verb in its
    base form, which the tagger often makes of a noun ("a Danish team *handball* player"),
    nor a comma or "and" before another noun or adjective, where it is one of several words
    before the noun ("a Latvian *opera*, song and concert soprano")."""
    t = root + 1
    if t < len(s) and (s.words[t] == "," or s.pos[t] == "CCONJ"):
        return t + 1 >= len(s) or s.pos[t + 1] not in ("NOUN", "PROPN", "ADJ")
    if t >= len(s) or s.pos[t] in ("NOUN", "PROPN", "NUM"):
        return t >= len(s)
    return not (s.pos[t] == "VERB" and s.lemmas[t] == s.words[t].lower())


def _names_whose(s: Sentence, name: tuple[int, int, str], owner: tuple[int, int, str]) -> bool:
    """Whether a name inside a noun phrase says whose role the phrase's own name holds: it
    comes before the name the phrase is about (`owner`, at its root) with only common words
    of a role between ("*Starbucks* CEO Howard Schultz", "*Rolling Stone* publisher Jann
    Wenner", "*Eliteserien* club Haugesund"), so it is no value of its own. A name right
    before another ("Tulsa Oklahoma", "Henry Ford's River Rouge Plant"), or one joined to it
    by a lower-case particle of names ("Dawud ibn Urwah ibn Mas'ud"), is not one."""
    between = range(name[1], owner[0])
    return name[2] not in _VALUE_LABELS and bool(between) and all(
        (s.pos[t] == "NOUN" or s.pos[t] == "PROPN" and s.words[t][:1].isupper())
        and entity_at(s, t) is None for t in between)


def tail_cores(s: Sentence, start: int, end: int) -> list[tuple[int, int, str]]:
    """The entities inside the tail span [start, end) that may each be the value of a fact,
    in sentence order (at most `MAX_READINGS`): every named entity or value, but not one that
    covers the span but for leading determiners (the tail itself), nor a nationality beside
    another named entity or before a common noun that names a work or an organization
    (`_THING_NOUNS`: "Deltora Quest is a [Japanese] anime series" says nothing of the
    Japanese), nor a name that says whose role the span's own name holds (`_names_whose`:
    "founded by [Starbucks] CEO Howard Schultz" was not founded by Starbucks)."""
    first = _first_word(s, start, end)
    inside = [e for e in s.entities if start <= e[0] and e[1] <= end
              and not (e[0] <= first and e[1] == end) and e[2] != "ORDINAL"]
    named = [e for e in inside if e[2] not in _VALUE_LABELS and e[2] != "NORP"]

    def modifies_name(norp: tuple[int, int, str]) -> bool:
        # "the Swedish company Ericsson": the nationality of the name it comes with, not of
        # the head ("an American politician from Chicago" keeps both)
        after = [e for e in named if e[0] >= norp[1]]
        return bool(after) and all(s.pos[t] != "ADP" for t in range(norp[1], after[0][0]))

    root = span_root(s, start, end)
    owner = next((e for e in named if e[0] <= root < e[1]), None)
    if owner is not None:
        inside = [e for e in inside if not _names_whose(s, e, owner)]
    if any(e[2] == "NORP" for e in inside):
        of_a_thing = s.words[root].lower() in _THING_NOUNS and entity_at(s, root) is None \
            and _ends_its_phrase(s, root)
        inside = [e for e in inside if e[2] != "NORP" or not (
            modifies_name(e) or of_a_thing and e[1] <= root)]
    return inside[:MAX_READINGS]


MAX_READINGS = 3
"""Readings kept per mention."""


def _trimmed(s: Sentence, tokens: range) -> list[int]:
    rel = list(tokens)
    while rel and s.pos[rel[0]] in _EDGE_POS:
        rel.pop(0)
    while rel and s.pos[rel[-1]] in _EDGE_POS:
        rel.pop()
    return rel


def _verb_subject(s: Sentence, verb: int) -> int | None:
    """The token a verb's relation is said of: its subject (through coordinated verbs), or the
    noun a participle or relative clause modifies ("a company [founded in] 1982"); then,
    through relative pronouns, appositions and copulas, the token that noun stands for
    ("Compaq was a company founded ...", "Maveron, a firm based in ..."); None when there is
    none."""
    return _stand_in(s, clause_subject(s, verb, modified=True)[0])


def _stand_in(s: Sentence, token: int | None) -> int | None:
    """The token a noun stands for, through relative pronouns, appositions and copulas."""
    for _ in range(4):
        if token is None:
            return None
        head = s.heads[token]
        if s.words[token].lower() in RELATIVE_PRONOUNS and 0 <= head and \
                s.deps[head] == "relcl" and 0 <= s.heads[head]:
            token = s.heads[head]  # "the firm which [is based in]": the firm
        elif s.deps[token] == "appos" and 0 <= head != token:
            token = head  # "Maveron, [a firm] based in": Maveron
        elif s.deps[token] == "attr" and 0 <= head != token:
            subjects = [t for t in range(len(s)) if s.heads[t] == head and s.deps[t] in SUBJECTS]
            token = subjects[0] if subjects else None  # "Compaq was [a company]": Compaq
        else:
            break
    return token


def _named_subject(s: Sentence, relation: tuple[int, ...]) -> tuple[int, int, str] | None:
    """The named entity the relation is said of, by syntax (`_verb_subject` of its first
    verb); None when the sentence has no parse or no such entity comes before the
    relation."""
    verb = main_verb(s, relation) if s.heads else None
    token = None if verb is None else _verb_subject(s, verb)
    if token is None:
        return None
    found = entity_at(s, token)
    if found is None or found[2] in _VALUE_LABELS or found[1] > relation[0]:
        return None
    return found


_LOCATIVES = frozenset({"in", "at", "on", "near"})
"""Prepositions that put what follows at a place ("died *in* a Paris hospital")."""
_OWN_NAMED = WATER_NOUNS | _MEDIA_NOUNS | frozenset(
    "service services subsidiary subsidiaries division divisions championship "
    "championships title titles award awards prize prizes medal medals trophy trophies "
    "mountain mountains range valley desert peninsula glacier constellation".split())
"""Nouns of organizations, competitions, awards and features of the land, the water or the
sky whose name comes before them ("the [Guardian] newspaper", "the [Fox Entertainment Group]
subsidiary", "won the [Wimbledon] title", "the [Nobel] prize", "crosses the [Loire] river",
"in the [Cetus] constellation")."""
_PREDICATE_NOUNS = frozenset({"attr", "oprd", "appos"})
"""Dependencies of a noun that says what its subject is ("Taylor is [a NASA astronaut]",
"Taylor, [a NASA astronaut]")."""


def _qualifies_only(s: Sentence, name: tuple[int, int, str], chunk: tuple[int, int]) -> bool:
    """Whether a name or nationality inside a chunk only qualifies the chunk's common noun,
    compounded before it, where that noun is someone or something other than the subject:
    "is married to a fellow [NASA] astronaut", "married a [Hollywood] actress", "won an
    [Academy Award] nomination" say nothing of NASA, Hollywood or the award. Not a person's
    name ("married [Eva Porter] daughter of a rancher": a comma left out). Not where the
    noun says what the subject is (`_PREDICATE_NOUNS`, or after "as": "is a [NASA]
    astronaut", "worked as a [NASA] engineer": NASA is the employer); nor where the noun is
    one for the name's kind, so that the name is the node ("joined the [Ford] company",
    `_NAME_KIND_NOUNS`), or one an organization's, a competition's, an award's or a
    feature's name comes before (`_OWN_NAMED`: "the [Guardian] newspaper", "the [Nobel]
    prize", "the [Loire] river"; not a work: "recorded a [Beatles] song" is no Beatles); nor
    for a place after a preposition of place, which holds what is in it ("died in a [Paris]
    hospital": in Paris)."""
    if name[2] in _VALUE_LABELS or name[2] == "PERSON" or not s.heads:
        return False  # a person's name before a noun is mostly a comma the text left out
    a, b = _trim(s, *chunk)
    root = span_root(s, a, b)
    if not name[1] <= root or s.pos[root] != "NOUN" or entity_at(s, root) is not None or \
            s.lemmas[root].lower() in _NAME_KIND_NOUNS or s.words[root].lower() in _OWN_NAMED:
        return False
    if any(s.pos[t] not in ("NOUN", "ADJ") for t in range(name[1], root)):
        return False  # only common words between the name and the noun it qualifies
    by = s.heads[root]
    if s.deps[root] in _PREDICATE_NOUNS or (
            s.deps[root] == "pobj" and 0 <= by < len(s) and s.lemmas[by].lower() == "as"):
        return False
    return not (name[2] in _PLACE_LABELS and 0 < chunk[0] and
                s.lemmas[chunk[0] - 1].lower() in _LOCATIVES)


Spans = tuple[tuple[int, int] | None, tuple[int, int] | None]
"""The `node_span`s of a mention's head and tail chunks, each within its `node_room`."""


def narrow_readings(s: Sentence, mention: Mention, head: tuple[int, int],
                    tail: tuple[int, int], relation: tuple[int, ...],
                    spans: Spans | None = None) -> tuple[Mention, ...]:
    """The mention read between named entities (token ranges `head`, `tail` of its chunks;
    `relation`: its relation tokens): one reading per entity of the tail (or the tail itself),
    with as head the named entity the relation is said of by syntax when the head chunk is
    not it (`_named_subject`), else the head's entity (or the head); empty when nothing is
    narrower or elsewhere. A reading's relation runs from the relation's start (from the
    head's entity when the head chunk ends where the relation starts) to the tail's entity;
    its key leaves out the words of other entities and the prepositions that bring them in
    ("born [24 April 1980] in Sydney", "died [in Munich] in 1975" -> "bear in", "die in").
    `spans`: the chunks' `node_span`s where the caller has them already."""
    if not relation:
        return ()
    head_core = entity_core(s, *head)
    subject = _named_subject(s, relation)
    if subject is not None and head[0] <= subject[0] and subject[1] <= head[1]:
        subject = None  # the head chunk holds it: the head's own core decides
    cores = [c for c in tail_cores(s, *tail) if not _qualifies_only(s, c, tail)]
    if head_core is None and subject is None and not cores:
        return ()
    if spans is None:
        spans = (node_span(s, *head, node_room(s, head, tail, relation))
                 if mention.head_node is not None else None,
                 node_span(s, *tail, node_room(s, tail, head, relation))
                 if mention.tail_node is not None else None)
    head_node = spans[0] if mention.head_node is not None else None
    if subject is not None:
        h, h_type = (subject[0], subject[1]), subject[2]
    else:
        h = (head_core[0], head_core[1]) if head_core else (head_node or head)
        h_type = head_core[2] if head_core else mention.head_type
    adjacent = subject is None and head_core is not None and all(
        s.pos[t] in _EDGE_POS for t in range(head[1], relation[0]))
    begin = h[1] if adjacent else relation[0]
    tail_node = spans[1] if mention.tail_node is not None else None
    targets = [(c[0], c[1], c[2]) for c in cores] or [(*(tail_node or tail), mention.tail_type)]
    out = []
    for t_start, t_end, t_type in targets:
        rel = _trimmed(s, range(begin, t_start))
        if not rel or not has_content(s, rel, copula=True):
            continue
        others = {t for e in s.entities if e[1] <= t_start and e[0] >= begin
                  for t in range(e[0], e[1])}
        # and the prepositions that bring in those entities ("died [in Munich] in 1975")
        others |= {s.heads[t] for t in others if s.heads and s.deps[t] == "pobj"}
        key_tokens = [t for t in rel if t not in others] or rel
        out.append(reading(s, mention, (h, h_type), rel, key_tokens, (t_start, t_end, t_type)))
    return tuple(out)


_SHARED_OF_WORDS = frozenset({"NOUN", "PROPN", "ADJ", "DET", "CCONJ", "PUNCT"})
"""Parts of speech of the words between a role and the "of" its coordinated roles share."""


def role_readings(s: Sentence, mention: Mention, head: tuple[int, int],
                  tail: tuple[int, int], relation: tuple[int, ...],
                  head_node: tuple[int, int] | None = None) -> tuple[Mention, ...]:
    """The mention read through the roles joined to its tail by "and" up to an "of" and a name
    ("Fréchette was [President] & CEO of Sabex", "serves as [CEO] and President of LEAD1
    Association", "is [the founder] and CEO of Kadmon Pharmaceuticals"): in English the "of"
    after the last of nouns joined by "and" completes each of them, so the head holds each
    role at the name. Two readings from the head to the name: one whose relation runs from
    the mention's through the "of" ("was President & CEO of": the mappers read its property
    from the role whose name it is nearest, and `mamakg.mapping.semantic.is_inverse` its
    direction with the "of" completing each role), and one of the last role alone with its
    own words ("CEO of", "past president of"), which a reading of the whole may miss ("the
    founder and CEO of": founder, then CEO).

    Only for a tail whose noun says what the head is (`_PREDICATE_NOUNS`, or after "as"), no
    name itself, with nouns joined to it (``conj``) after its chunk and no other words but
    theirs up to the "of", and a name that the "of" takes (no value, no nationality); where
    the tail's chunk goes on past its noun ("a prince from Alania and second husband of
    Queen Tamar"), the last role's reading only. The head is the head chunk's node where the
    caller has it (`head_node`), else its named entity, else the chunk."""
    if not s.heads or not relation:
        return ()
    a, b = _trim(s, *tail)
    root = span_root(s, a, b)
    by = s.heads[root]
    if s.pos[root] not in ("NOUN", "PROPN") or entity_at(s, root) is not None or not (
            s.deps[root] in _PREDICATE_NOUNS or (s.deps[root] == "pobj" and 0 <= by < len(s)
                                                 and s.lemmas[by].lower() == "as")):
        return ()
    roles = [root]
    of = root + 1
    while of < len(s) and (of < b or s.pos[of] in _SHARED_OF_WORDS):  # the chunk, then roles
        if s.deps[of] == "conj" and s.heads[of] in roles and s.pos[of] in ("NOUN", "PROPN"):
            if entity_at(s, of) is not None:
                return ()  # a name among the roles ("Chairman and Ford")
            roles.append(of)
        of += 1
    if len(roles) < 2 or of >= len(s) or of != roles[-1] + 1 or \
            s.words[of].lower() != "of" or s.deps[of] != "prep" or s.heads[of] not in roles:
        return ()
    first = of + 1
    while first < len(s) and s.pos[first] == "DET":
        first += 1
    name = entity_at(s, first) if first < len(s) else None
    if name is None or name[2] in _VALUE_LABELS or name[2] == "NORP" or \
            name[0] not in range(of + 1, first + 1) or name[0] < head[1] or not any(
                s.heads[t] == of and s.deps[t] == "pobj" for t in range(name[0], name[1])):
        return ()  # the name is what the "of" takes, not a word before it ("the [Bulle]-based")
    if head_node is not None:
        h, h_type = head_node, mention.head_type
    else:
        head_core = entity_core(s, *head)
        h = (head_core[0], head_core[1]) if head_core else head
        h_type = head_core[2] if head_core else mention.head_type
    rel = _trimmed(s, range(relation[0], of + 1))
    if not rel or rel[0] < h[1]:
        return ()
    start, end = _without_title(s, *_trim(s, name[0], name[1]), name[2])
    last = roles[-1]
    first_word = last
    while first_word - 1 > roles[-2] and s.heads[first_word - 1] == last and \
            s.deps[first_word - 1] in ("amod", "compound", "nmod"):
        first_word -= 1  # the last role's own words ("past [president]", "chief executive")
    last_role = list(range(first_word, of + 1))
    own = reading(s, mention, (h, h_type), last_role, last_role, (start, end, name[2]))
    if any(s.pos[t] not in _SHARED_OF_WORDS for t in range(root + 1, of)):
        return (own,)  # the first role has words of its own ("a prince [from Alania] and")
    return reading(s, mention, (h, h_type), rel, rel, (start, end, name[2])), own


def reading(s: Sentence, mention: Mention, head: tuple[tuple[int, int], str], rel: list[int],
            key_tokens: list[int], tail: tuple[int, int, str], key: str | None = None) -> Mention:
    """A derived mention of the sentence: head (token range, type), relation (its tokens, in
    a row, and those of its key, or the `key` itself), tail (start, end, type). A relation
    that opens with the post-nominal letters after the head's name opens after them
    ("Gowin Knight FRS (born": `after_honours`)."""
    (h, h_type), (t_start, t_end, t_type) = head, tail
    if rel and rel[0] == h[1] and (honours := after_honours(s.words, h[1])) > h[1] \
            and rel[-1] >= honours:
        rel = [t for t in rel if t >= honours]
        key_tokens = [t for t in key_tokens if t >= honours]
    h_node, t_node = _entity_node(s, *h, h_type), _entity_node(s, t_start, t_end, t_type)
    return Mention(
        doc_id=mention.doc_id, sent_index=mention.sent_index, sentence=mention.sentence,
        sent_start=mention.sent_start, head=s.char_span(*h),
        relation=s.char_span(rel[0], rel[-1] + 1), tail=s.char_span(t_start, t_end),
        head_key=entity_key(s, *(h_node or h)),
        relation_key=key if key is not None else relation_key(s, key_tokens),
        tail_key=entity_key(s, *(t_node or (t_start, t_end))), score=mention.score, path=(),
        head_type=h_type, tail_type=t_type, degree=mention.degree, derived=True,
        relation_pos=tuple(s.pos[t] for t in range(rel[0], rel[-1] + 1)),
        head_node=s.char_span(*h_node) if h_node else None,
        tail_node=s.char_span(*t_node) if t_node else None,
    )


def _entity_node(s: Sentence, start: int, end: int, label: str) -> tuple[int, int] | None:
    """The node a reading's entity [start, end) (an NER span of kind `label`) stands for
    where NER ran past the name: without a trailing possessive ending ("[J.R.R. Tolkien]'s"),
    without a bracket it opens but does not close, with what follows ("[Expeditionary Force
    Institutes] (EFI": the acronym is a name of its own, joined by `mamakg.mapping.coref`),
    and a person without a title (`_without_title`); None when the span is its own node."""
    a, b = _without_title(s, start, end, label)
    b = _before_open_bracket(s, a, b)
    while b - 1 > a and (s.words[b - 1].lower() in POSSESSIVE_ENDINGS or
                         s.words[b - 1] in (",", ".", ";", ":")):
        b -= 1
    return None if (a, b) == (start, end) else (a, b)


_ATTACHING = frozenset({"pobj", "prep", "agent", "dative", "dobj", "attr", "oprd", "compound",
                        "nmod", "appos", "pcomp", "npadvmod"})
"""Dependencies by which an argument hangs on the word that relates it to its clause."""
_PREDICATE_MARKS = frozenset({"neg", "prt", "auxpass"})
"""Children of a verb that belong to its relation ("was *not*", "grew *up*", "*was* born")."""
MAX_PATH = 5
"""Longest chain of dependencies from a tail up to its predicate that a clause reading follows."""
MAX_CLAUSE_WORDS = 8
"""Longest relation (in tokens) of a clause reading."""


def _governor(s: Sentence, token: int) -> tuple[int, list[int], bool] | None:
    """Walk up from a tail's root token through attaching dependencies (`_ATTACHING`) to its
    predicate: a verb or copula, an appositive noun ("Kinsey, [a zoologist] at ..."), or a
    noun with a possessor the tail is in apposition to ("his [wife] Christina"). Returns the
    predicate, the tokens passed on the way (the predicate last) and whether the predicate is
    a noun whose subject is its possessor; None when the chain breaks or is too long."""
    path: list[int] = []
    came_by = ""
    for _ in range(MAX_PATH):
        dep, head = s.deps[token], s.heads[token]
        if head == token or not 0 <= head < len(s) or dep not in _ATTACHING:
            return None
        path.append(head)
        came_by, token = dep, head
        if s.pos[token] in ("VERB", "AUX"):
            return token, path, False
        if s.deps[token] == "appos":
            return token, path, False
        if came_by in ("appos", "compound") and any(
                s.heads[t] == token and s.deps[t] == "poss" for t in range(len(s))):
            return token, path, True
    return None


def _subject_of(s: Sentence, predicate: int, possessed: bool) -> int | None:
    """The token a clause reading's predicate (`_governor`) is said of: a possessor, the noun
    an appositive stands beside, or a verb's subject (`_verb_subject`)."""
    if possessed:
        return next(t for t in range(len(s)) if s.heads[t] == predicate and s.deps[t] == "poss")
    if s.pos[predicate] not in ("VERB", "AUX"):
        return _stand_in(s, s.heads[predicate] if s.heads[predicate] != predicate else None)
    return _verb_subject(s, predicate)


def _relation_tokens(s: Sentence, path: list[int], tail: tuple[int, int],
                     subject: tuple[int, int]) -> tuple[list[int], list[int]] | None:
    """The tokens of a clause reading's relation: its text, contiguous, and its key. The key
    is the path's tokens with the predicate's marks (`_PREDICATE_MARKS`); the text runs from
    the first to the last of them on one side of the tail (after it only where the words
    before it are all auxiliaries: "was a British [Labour Party] *politician*", key "be
    politician"). None when the text runs into the subject or is too long."""
    marks = [t for t in range(len(s)) if s.heads[t] == path[-1] and s.deps[t] in _PREDICATE_MARKS
             and t != path[-1]]
    words = sorted({*path, *marks} - set(range(*tail)) - set(range(*subject)))
    before = [t for t in words if t < tail[0]]
    after = [t for t in words if t >= tail[1]]
    side = before if any(s.pos[t] not in ("AUX", "DET", "ADP") for t in before) or not after \
        else after
    if not side:
        return None
    span = list(range(side[0], side[-1] + 1))
    if len(span) > MAX_CLAUSE_WORDS or any(subject[0] <= t < subject[1] for t in span) or \
            any(tail[0] <= t < tail[1] for t in span):
        return None
    return span, words


def _reading_head(s: Sentence, token: int, pronoun: bool,
                  ) -> tuple[tuple[int, int], str] | None:
    """A reading's head at `token`: the token itself where it is a `pronoun` (resolved later;
    None for a relative pronoun, which stands for no one here), else the named entity that
    holds it, or whose post-nominal letters it is (`_honoured`; None where none does, or it
    is a value)."""
    if pronoun:
        if s.words[token].lower() in RELATIVE_PRONOUNS:
            return None
        return (token, token + 1), "PRON"
    entity = entity_at(s, token) or _honoured(s, token)  # "Frank Gillard [CBE] was ..."
    if entity is None or entity[2] in _VALUE_LABELS:
        return None
    return (entity[0], entity[1]), entity[2]


def clause_readings(s: Sentence, mention: Mention, head: tuple[int, int],
                    tail: tuple[int, int]) -> tuple[Mention, ...]:
    """The entities of the mention's chunks (token ranges `head` and `tail`; `tail_cores`, or
    the chunk itself when it is named) read with the subject of their clause, found by syntax
    (`_governor`, `_subject_of`), where that subject is a named entity or a pronoun (resolved
    later, `mamakg.mapping.coref`) outside the entity's chunk, or a possessor inside it. The
    relation is the words from the tail up to its predicate (`_relation_tokens`); its key
    leaves out the words off that path ("was professor of mathematics at" -> "be professor
    at")."""
    if not s.heads:
        return ()
    targets = []
    for chunk, kind in ((tail, mention.tail_type), (head, mention.head_type)):
        cores = [(c[0], c[1], c[2], chunk) for c in tail_cores(s, *chunk)
                 if not _qualifies_only(s, c, chunk)]
        targets += cores or ([(*chunk, kind, chunk)] if kind not in ("", "PRON") else [])
    out = []
    for t_start, t_end, t_type, chunk in targets:
        found = _clause_reading(s, mention, (t_start, t_end, t_type), chunk)
        if found is not None:
            out.append(found)
    return tuple(out)


def _clause_reading(s: Sentence, mention: Mention, target: tuple[int, int, str],
                    chunk: tuple[int, int], possessed_only: bool = False) -> Mention | None:
    """`clause_readings` of one entity `target` of the chunk `chunk`; with `possessed_only`
    only where its predicate is a noun whose subject is its possessor ("his [wife]
    Christina")."""
    t_start, t_end, _ = target
    found = _governor(s, span_root(s, t_start, t_end))
    if found is None:
        return None
    predicate, path, possessed = found
    if possessed_only and not possessed:
        return None
    if possessed and any(s.heads[t] == predicate and s.deps[t] == "appos"
                         for t in range(predicate + 1, t_start)):
        return None  # a list after the possessed noun's own name ("his brother Louis, [X]")
    subject = _subject_of(s, predicate, possessed)
    if subject is None or t_start <= subject < t_end or (
            not possessed and chunk[0] <= subject < chunk[1]):
        return None  # a possessor may share the tail's chunk ("[his wife Christina]")
    pronoun = s.pos[subject] == "PRON" or is_pronoun(s.words[subject])
    joined = _joined_possessor(s, predicate) if possessed and pronoun else None
    subject_head = joined or _reading_head(s, subject, pronoun)
    if subject_head is None:
        return None
    h, h_type = subject_head
    found_tokens = _relation_tokens(s, path, (t_start, t_end), h)
    if found_tokens is None or not has_content(s, found_tokens[0], copula=True):
        return None
    rel, key_tokens = found_tokens
    return reading(s, mention, (h, h_type), rel, key_tokens, target)


def _joined_possessor(s: Sentence, noun: int) -> tuple[tuple[int, int], str] | None:
    """The name a possessed noun is joined to by "and" (``conj``), which its possessive
    pronoun then stands for ("[Dan] and his wife Carol", "Sendero Luminoso and its leader",
    "Henry's brother William and his wife Jane"); None where the noun is joined to no
    name."""
    if s.deps[noun] != "conj" or not 0 <= s.heads[noun] < noun:
        return None
    found = entity_at(s, s.heads[noun])
    if found is None or found[2] in _VALUE_LABELS:
        return None
    return (found[0], found[1]), found[2]


def possessor_readings(s: Sentence, mention: Mention) -> tuple[Mention, ...]:
    """The people the sentence names beside a noun that someone possesses, read with the
    possessor ("Dan and his wife Carol established...", "managed by his wife, Stephanie
    Dozier", "Wall's wife, Catharine, died": Dan | wife | Carol), as `clause_readings` reads
    them inside a mention's chunks: a possessive pronoun after "and" stands for the name
    before it (`_joined_possessor`); others are resolved later (`mamakg.mapping.coref`).
    Match seldom makes a mention of such a chunk (the verb's subject is "Dan", its object
    no wife), so, like a chain of places (`mamakg.mapping.places.place_readings`), these are
    facts of the sentence that every mention of it carries; the Map stage keeps each once."""
    if not s.heads:
        return ()
    out = []
    for entity in s.entities:
        if entity[2] == "PERSON":
            found = _clause_reading(s, mention, entity, (entity[0], entity[1]),
                                    possessed_only=True)
            if found is not None:
                out.append(found)
    return tuple(out)


def listed_role_readings(s: Sentence, mention: Mention) -> tuple[Mention, ...]:
    """The roles that a copula's subject holds at a name, where the role is joined to the
    copula's noun by "and" or a comma ("Reischauer was an American educator and [professor at]
    Harvard University", "Connes is a French mathematician, currently [Professor at] the Collège
    de France, IHÉS and Vanderbilt University", "Stephens is chairman, president and [chief
    executive officer at] Stephens Inc."): in English each noun of such a list says what the
    subject is, and the name its preposition takes is where it holds that role. Read with the
    subject (`_verb_subject`: a named entity, or a pronoun resolved later); the relation is the
    role's own words through the preposition ("professor at", "Professor of Psychology at"; at
    most `MAX_CLAUSE_WORDS` tokens), its key keeps the copula ("be professor at"), as a role
    noun's does (`clause_readings`). Match seldom makes a mention of such a name (the copula's
    tail is the first noun of the list), so, like `possessor_readings`, these are facts of the
    sentence that every mention of it carries; the Map stage keeps each once. A role that is the
    copula's own noun ("was a professor at X") is the mention's, read by `clause_readings`."""
    if not s.heads:
        return ()
    out = []
    for entity in s.entities:
        if entity[2] in _VALUE_LABELS or entity[2] in ("NORP", "PERSON"):
            continue
        found = _listed_role(s, span_root(s, entity[0], entity[1]))
        if found is None:
            continue
        copula, first, prep = found
        subject = _verb_subject(s, copula)
        if subject is None or subject >= copula:
            continue
        head = _reading_head(s, subject, s.pos[subject] == "PRON" or is_pronoun(s.words[subject]))
        rel = list(range(first, prep + 1))
        if head is None or head[0][1] > copula or len(rel) > MAX_CLAUSE_WORDS:
            continue
        out.append(reading(s, mention, head, rel, [copula, *rel], entity))
    return tuple(out)


_LISTED = frozenset({"conj", "appos"})
"""How a noun of a list hangs on the one before it ("an educator and *professor*", "a
mathematician, *Professor*")."""


def _listed_role(s: Sentence, token: int) -> tuple[int, int, int] | None:
    """Where the name rooted at `token` is taken by a role's preposition (`ROLE_PREPOSITIONS`,
    "of"), the role a noun of a list after a copula's noun (`listed_role_readings`): the
    copula, the first of the role's own words (its noun with the modifiers before it:
    "chief executive officer"; a field's "of" read past: "Professor of Psychology at") and
    the preposition; None otherwise. A name listed after another that the preposition takes
    ("at the Collège de France, IHÉS and Vanderbilt University") is taken by it too; a
    preposition right after the list's last noun completes that noun, wherever the parse
    hangs it ("chairman, president and chief executive *officer at* Stephens Inc.": on
    "chairman"); a role joined to the copula itself ("was a psychiatrist, and eventually a
    *professor at*") is one of the list."""
    for _ in range(4):
        if s.deps[token] != "conj" or not 0 <= s.heads[token] < token:
            break
        token = s.heads[token]
    prep = s.heads[token]
    if s.deps[token] != "pobj" or not 0 <= prep < token or s.deps[prep] != "prep" or \
            s.words[prep].lower() not in _ROLE_LINK_WORDS:
        return None
    role = s.heads[prep]
    if not 0 <= role < prep:
        return None
    if s.deps[role] == "pobj" and s.words[s.heads[role]].lower() == "of" and \
            0 <= s.heads[s.heads[role]] < role:
        role = s.heads[s.heads[role]]  # "Professor of Psychology at": the professor's
    if not _role_noun(s, role) or (s.words[prep].lower() in ("of", "for")
                                   and s.lemmas[role].lower() in _FIELD_TITLES):
        return None  # "Professor of [Applied Mathematics]": a field, not where one holds it
    noun, steps = role, 0
    last = max((t for t in range(role + 1, prep)
                if s.deps[t] == "conj" and role <= s.heads[t] < t), default=None)
    if last is not None and last == prep - 1:
        role, steps = last, 1  # the preposition completes the list's last noun
        if not _role_noun(s, role):
            return None
    copula = None
    while copula is None and steps < 5:
        up = s.heads[noun]
        if not 0 <= up < noun:
            return None
        if s.lemmas[up].lower() == "be" and s.deps[noun] in ("attr", "conj"):
            copula = up  # the copula's noun, or a noun joined to the copula itself
        elif s.deps[noun] in _LISTED and _role_noun(s, up):
            noun, steps = up, steps + 1
        else:
            return None
    if copula is None or not steps and s.deps[noun] == "attr":
        return None  # "was a professor at X": the mention's own tail (`clause_readings`)
    first = role
    while first - 1 > noun and s.heads[first - 1] == role and \
            s.deps[first - 1] in ("amod", "compound"):
        first -= 1
    return copula, first, prep


def _role_noun(s: Sentence, token: int) -> bool:
    """Whether a token can be a role's noun: a noun that is no name."""
    return s.pos[token] in ("NOUN", "PROPN") and entity_at(s, token) is None


_FIELD_TITLES = frozenset({"professor", "lecturer", "reader", "docent", "minister"})
"""Titles whose "of" or "for" takes a field or a portfolio ("Professor of Psychology",
"Minister for Social Protection"), not the school or the body where the title is held."""
_ROLE_LINK_WORDS = ROLE_PREPOSITIONS | {"of"}
"""The prepositions that join a role to where it is held ("professor *at*", "director *of*")."""


DATE_PLACE_PREPOSITIONS = frozenset({"in", "on", "at"})
"""The prepositions that give a verb or an event noun its date or place (`dates_and_places`)."""
_DATE_PLACE_LABELS = frozenset({"DATE", "GPE", "LOC", "FAC"})
"""The kinds of entity such a preposition brings in."""
_OBJECTS = frozenset({"dobj", "attr", "oprd", "dative"})
"""A verb's objects: with one, a date or place is its event's ("released the song in 1978":
the song's date as much as the singer's), not its subject's."""


def adjunct_readings(s: Sentence, mention: Mention, head: tuple[int, int],
                     tail: tuple[int, int], rel: tuple[int, ...]) -> tuple[Mention, ...]:
    """The dates and places the mention's verb takes besides its tail, each read with the
    mention's head ("Huber died in Munich in 1975": Huber | died | 1975, key "die in"; "was
    born in 1946 in Hell's Kitchen": the place): the date or place is a named entity that
    "in", "on" or "at" hangs on the verb, outside the mention's chunks (token ranges `head`
    and `tail`), of a verb with no object (`_OBJECTS`); the head is the named entity at the
    root of the head chunk, or a pronoun (resolved later). The relation is the verb; its key
    the verb with its marks (`_PREDICATE_MARKS`) and the preposition."""
    if not s.heads:
        return ()
    verb = main_verb(s, rel)
    if verb is None or s.pos[verb] != "VERB" or any(
            s.heads[t] == verb and s.deps[t] in _OBJECTS for t in range(len(s))):
        return ()
    root = span_root(s, *head)
    found = _reading_head(s, root, head[1] - head[0] == 1 and (
        s.pos[root] == "PRON" or is_pronoun(s.words[root])))
    if found is None:
        return ()
    h, h_type = found
    marks = [t for t in range(len(s)) if s.heads[t] == verb and t != verb
             and s.deps[t] in _PREDICATE_MARKS]
    return tuple(reading(s, mention, (h, h_type), [verb], sorted({verb, *marks, prep}), entity)
                 for prep, entity in dates_and_places(s, (verb,))
                 if not any(entity[0] < end and start < entity[1]
                            for start, end in (head, tail, h)))


def dates_and_places(s: Sentence, holders: tuple[int, ...],
                     ) -> list[tuple[int, tuple[int, int, str]]]:
    """The dates and places that "in", "on" or "at" hanging on one of the `holders` tokens
    bring in (a date, or a place: ``GPE``, ``LOC``, ``FAC``), as (the preposition, the entity),
    in the order of the prepositions: "died in Munich in 1975" on "died"."""
    found = []
    for prep in range(len(s)):
        if s.heads[prep] not in holders or prep in holders or s.deps[prep] != "prep" or \
                s.lemmas[prep] not in DATE_PLACE_PREPOSITIONS:
            continue
        for obj in range(len(s)):
            if s.heads[obj] == prep and s.deps[obj] == "pobj":
                entity = entity_at(s, obj)
                if entity is not None and entity[2] in _DATE_PLACE_LABELS:
                    found.append((prep, entity))
    return found


GROUP_OF_PERSON = "is"
"""The relation key of a nationality, party or religion read before a person ("British comic
writer P. G. Wodehouse": Wodehouse is British), `chunk_readings`: a copula, read by the Map
stage as a copula between a person and a group (`mamakg.mapping.semantic.KindMapper`), and
not the lemma "be" of the sentences' own copulas, whose surface forms it would share."""
PLACE_IN_PLACE = ","
"""The relation key of a place read inside a place ("Houston, Texas", "Lyon in France"),
`chunk_readings`; the Map stage reads it by the kinds it joins
(`mamakg.mapping.semantic.KindMapper`)."""


def chunk_readings(s: Sentence, mention: Mention, head: tuple[int, int],
                   tail: tuple[int, int]) -> tuple[Mention, ...]:
    """Facts between the named entities inside one chunk (token ranges `head`, `tail`), read
    from how the chunk joins them without a verb:

    - a nationality, party or religion (``NORP``) before a person, with no preposition
      between ("the British comic writer [P. G. Wodehouse]", "Ukrainian President [Viktor
      Yanukovych]"): the person *is* of that group (key `GROUP_OF_PERSON`: "Wodehouse is
      British"; its relation text is the role words between, so none is read without one),
      unless those words end with a noun of a work or an organization (`_THING_NOUNS`: "the
      American heavy metal band [Wicked Wisdom]", where the recognizer took a band for a
      person);
    - a place, a comma or "in", a place ("Mediaș, Transylvania", "Houston, Texas", "La
      Llacuna in the Comarca of Anoia"): the first lies in the second (key `PLACE_IN_PLACE`,
      relation text the comma or "in").
    """
    out = []
    for start, end in {head, tail}:
        inside = [e for e in s.entities if start <= e[0] and e[1] <= end]
        for first, second in zip(inside, inside[1:]):
            between = range(first[1], second[0])
            if first[2] == "NORP" and second[2] == "PERSON" and between and \
                    all(s.pos[t] in ("NOUN", "PROPN", "ADJ", "PUNCT") for t in between) and \
                    any(s.pos[t] in ("NOUN", "PROPN") for t in between) and \
                    s.words[between[-1]].lower() not in _THING_NOUNS:
                rel = list(between)
                out.append(reading(s, mention, ((second[0], second[1]), "PERSON"), rel, [],
                                    first, key=GROUP_OF_PERSON))
            elif first[2] in _PLACE_LABELS and second[2] in ("GPE", "LOC") and between \
                    and s.words[first[1]].lower() in (",", "in") and \
                    all(s.pos[t] == "DET" for t in between[1:]):
                out.append(reading(s, mention, ((first[0], first[1]), first[2]),
                                    [first[1]], [], second, key=PLACE_IN_PLACE))
    return tuple(out)
