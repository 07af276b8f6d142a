"""Map stage, life dates: when and where a person was born and died, as a text writes it
without a verb, read as derived readings of the sentence's mentions (with ``--chunk-facts``,
`mamakg.mapping.annotate`). Match finds no relation there, or none to the date: no verb joins
the person and the date.

- Dates in brackets right after a person's name (`life_readings`): "Arthur Kronfeld (January
  9, 1886 – October 16, 1941) was a psychiatrist", "Žarko Petan (1929–2014) was born in
  Ljubljana", how encyclopedias open a biography. The name is one the recognizer calls a
  person, ending right before the bracket or the post-nominal letters before it ("Leonard
  Spath FRS (20 October 1882 – 2 May 1957)"). The bracket ends with two dates (or years)
  joined by a dash, the first the date of birth (P569, key `LIFE_START`), the second the
  date of death (P570, key `LIFE_END`); or it holds "born" or "died" and a date ("(born 6
  June 1939)", "(born Gro Harlem, 20 April 1939)", "(born on 5 August 1912 ..., died on 20
  June 1993)"). Before them it may gloss the name: its pronunciation, its spelling in
  another language (`mamakg.english.glosses_a_name`: "Jovan Cvijić (Serbian Cyrillic: Јован
  Цвијић, [jɔ̌ʋan tsʋǐːjitɕ]; 12 October 1865 – 16 January 1927)"), in a bracket of its own
  too ("Trent John Baalke (/ˈbɑːlkiː/ BAHL-kee) (born February 14, 1964)"). The two dates
  of a life must be `MIN_LIFE_YEARS` to `MAX_LIFE_YEARS` years apart: a shorter span after
  a name is a term or a time at a school ("Lynn Harrell (1986–1993)", "Notable alumni
  include Sue Townsend (1946–1950)"). What is uncertain or cut short stays unread: "(c.
  1450 – 1520)", "(1878–99)".
- The nouns *birth* and *death* with their person and a date or place
  (`event_readings`): "until his death in 1932", "after Miller's death in 2007", "with the
  death of Scott Carpenter on October 10, 2013". The person is the noun's possessor or its
  "of" object, a name the recognizer calls a person or "his" / "her"; the date or place is
  the object of "in", "on" or "at" on the noun (or on the person, where the parser hangs it
  there); the relation is the noun, its key the noun and the preposition ("death in").

`mamakg.mapping.semantic.KindMapper` maps them: a life date to P569 or P570, a birth or death
with a date to P569 or P570, with a place to P19 or P20.

Pure: works on `Sentence` columns, no spaCy.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mamakg.english import (
    after_honours,
    bracket_close,
    glosses_a_name,
    only_glosses,
    opens_bracket,
)
from mamakg.mapping.arguments import (
    DATE_PLACE_PREPOSITIONS,
    dates_and_places,
    entity_at,
    reading,
    span_type,
)
from mamakg.mapping.values import value_literal
from mamakg.normalize import squash
from mamakg.types import Mention, Sentence, TextSpan, evolve

__all__ = ["EVENT_KEYS", "EVENT_NOUNS", "LIFE_END", "LIFE_START", "MAX_LIFE_YEARS",
           "MIN_LIFE_YEARS", "PLACE_KEYS", "LifeDate", "event_readings", "life_dates",
           "life_readings"]

LIFE_START = "("
"""The relation key of a person's first bracketed date, the date of birth (`life_readings`)."""
LIFE_END = "–"
"""The relation key of a person's second bracketed date, the date of death."""

MIN_LIFE_YEARS = 20
"""The fewest years between the two dates of a life read in brackets."""
MAX_LIFE_YEARS = 120
"""The most years between them."""

EVENT_NOUNS = frozenset({"birth", "death"})
"""The nouns of the two events that bound a life (`event_readings`)."""
EVENT_KEYS = frozenset(f"{noun} {prep}" for noun in EVENT_NOUNS
                       for prep in DATE_PLACE_PREPOSITIONS)
"""The relation keys of `event_readings` ("death in")."""
_PERSON_POSSESSIVES = frozenset({"his", "her"})
"""The possessive pronouns that stand for one person."""

_DASHES = frozenset({"–", "—", "-"})
_YEARS = re.compile(r"^(\d{3,4})\s*[–—-]\s*(\d{3,4})$")
"""Two years in one token ("1929–2014")."""
_LONGEST_BRACKET = 40
"""The most tokens inside the brackets that are read."""
_PIECE_ENDS = frozenset({";", ","})
"""What parts the pieces of a bracket after a name ("/ˈʌlrɪk/ UL-rik; [lɑːs ˈulˀʁæɡ̊]; born
26 December 1963")."""
_LIFE_WORDS = {"born": LIFE_START, "died": LIFE_END}
"""The words that open a piece of the bracket with the date of birth or of death."""
PLACE_KEYS = {LIFE_START: "birth in", LIFE_END: "death in"}
"""The relation key of the place a bracket's "born" or "died" gives (keys of
`event_readings`, mapped alike: place of birth, place of death)."""
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLACE_MARKS = frozenset({"in", "at", ","})
"""What a bracket writes before the place of a birth or death ("born 5 June 1951 *in*
Sør-Fron", "born October 1958*,* Bristol")."""


class LifeDate(NamedTuple):
    """A date of a person's life written in brackets after their name (`life_dates`)."""

    person: tuple[int, int]
    """The name: a ``PERSON`` entity's token range."""
    key: str
    """`LIFE_START` for the date of birth, `LIFE_END` for the date of death."""
    relation: TextSpan
    """What says which date it is: the opening bracket or the dash of a life, or the word
    "born" or "died"."""
    date: TextSpan
    """The date, or the place (`label`)."""
    label: str = "DATE"
    """The date's entity label, or the place's (``GPE``, ``LOC``, ``FAC``) where `key` is a
    place's (`PLACE_KEYS`)."""


def _year(text: str) -> int | None:
    """The year of a date's or a year's text; None when it is no date (`value_literal`)."""
    literal = value_literal(text, "Time")
    return int(literal[1][:4]) if literal is not None else None


def _a_life(born: int | None, died: int | None) -> bool:
    return born is not None and died is not None and \
        MIN_LIFE_YEARS <= died - born <= MAX_LIFE_YEARS


def _span(s: Sentence, start: int, end: int) -> TextSpan:
    """Characters [start, end) of the sentence as a span."""
    return TextSpan(s.text[start:end], start, end)


def _bracketed(s: Sentence, opening: int, close: int) -> tuple[TextSpan, TextSpan, TextSpan] | None:
    """The dash, the date of birth and the date of death between the tokens `opening` and
    `close`, where all between them is a life (`_a_life`): a date or year, a dash and a
    date or year, or two years joined by a dash in one token."""
    inside = range(opening + 1, close)
    if len(inside) == 1:  # "(1929–2014)"
        years = _YEARS.match(s.words[inside[0]])
        if years is None or not _a_life(int(years.group(1)), int(years.group(2))):
            return None
        at = s.offsets[inside[0]][0]
        return (_span(s, at + years.end(1), at + years.start(2)),
                _span(s, at + years.start(1), at + years.end(1)),
                _span(s, at + years.start(2), at + years.end(2)))
    dashes = [t for t in inside if s.words[t] in _DASHES]
    if len(dashes) != 1 or dashes[0] in (inside[0], inside[-1]):
        return None
    dash = dashes[0]
    if not _a_life(_year(s.span_text(inside[0], dash)), _year(s.span_text(dash + 1, close))):
        return None
    return s.char_span(dash, dash + 1), s.char_span(inside[0], dash), \
        s.char_span(dash + 1, close)


def _pieces(s: Sentence, start: int, end: int, parts: frozenset[str]) -> list[tuple[int, int]]:
    """The token ranges of [start, end) between the words `parts` (commas, semicolons) that
    lie in no bracket within it."""
    out, first, depth = [], start, 0
    for t in range(start, end):
        word = s.words[t]
        if depth <= 0 and word in parts:
            out.append((first, t))
            first = t + 1
        depth += word.count("(") + word.count("[") - word.count(")") - word.count("]")
    out.append((first, end))
    return out


def _dated(s: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The first date the tokens [start, end) hold: a ``DATE`` entity with a year, whole (not
    after a number the recognizer left out of it: "died Astano 29 [September 2004]")."""
    return next(((a, b) for a, b, label in sorted(s.entities)
                 if label == "DATE" and start <= a and b <= end
                 and not s.words[a - 1].isdigit()
                 and _year(s.span_text(a, b)) is not None), None)


def _placed(s: Sentence, start: int, end: int, marks: frozenset[str],
            ) -> tuple[int, int, str] | None:
    """The place of a birth or death in a bracket's piece, from token `start` (past the
    date) to `end`: the first entity there, where it is a place written after one of `marks`
    ("in", "at", or after a date a comma: "born June 1963, Brooklyn, New York"), a town the
    recognizer called an organization read as the place it is there ("born October 1958,
    [Bristol]"); None otherwise (a name first: "born Gro Harlem, 20 April 1939")."""
    first = next(((a, b, label) for a, b, label in sorted(s.entities) if start <= a < end),
                 None)
    if first is None or first[2] not in _PLACE_LABELS | {"ORG"} or first[1] > end or \
            s.words[first[0] - 1].lower() not in marks:
        return None
    return first if first[2] != "ORG" else (first[0], first[1], "GPE")


def _bracket_dates(s: Sentence, person: tuple[int, int], opening: int,
                   close: int) -> list[LifeDate]:
    """The life dates one bracket after a person's name holds (see `life_dates`)."""
    pieces = _pieces(s, opening + 1, close, _PIECE_ENDS)
    clauses = _pieces(s, opening + 1, close, frozenset({";"}))
    out: list[LifeDate] = []
    i = 0
    while i < len(pieces):
        first = pieces[i][0]
        life = _bracketed(s, first - 1, close)  # the rest of the bracket is a life
        if life is not None:
            dash, born, died = life
            return out + [LifeDate(person, LIFE_START, s.char_span(opening, opening + 1), born),
                          LifeDate(person, LIFE_END, dash, died)]
        key = _LIFE_WORDS.get(s.words[first].lower())
        if key is not None:  # "born 6 June 1939", "born Gro Harlem, 20 April 1939"
            clause_end = next(b for a, b in clauses if a <= first <= b)
            clause_end = next((a for a, _ in pieces if first < a < clause_end
                               and s.words[a].lower() in _LIFE_WORDS), clause_end)
            date = _dated(s, first + 1, clause_end)
            word = s.char_span(first, first + 1)
            if date is not None:
                out.append(LifeDate(person, key, word, s.char_span(*date)))
            place = _placed(s, date[1] if date is not None else first + 1, clause_end,
                            _PLACE_MARKS if date is not None else _PLACE_MARKS - {","})
            if place is not None:
                out.append(LifeDate(person, PLACE_KEYS[key], word, s.char_span(*place[:2]),
                                    place[2]))
            after = date[1] if date is not None else clause_end
            i = next((j for j, (a, _) in enumerate(pieces) if a >= after), len(pieces))
            continue
        if pieces[i][0] < pieces[i][1] and not glosses_a_name(s.span_text(*pieces[i])):
            break  # an empty piece is passed too: "(; born 1965)", a gloss taken out
        i += 1
    return out


def life_dates(s: Sentence) -> list[LifeDate]:
    """Each person's life dates that the sentence writes in brackets right after their name
    (see the module docstring), in the order of the names."""
    if "(" not in s.text:
        return []
    found: list[LifeDate] = []
    for start, end, label in sorted(s.entities):
        if label != "PERSON":
            continue
        opening = after_honours(s.words, end)  # "Leonard Spath FRS (20 October 1882 – ..."
        while opening < len(s) and opens_bracket(s.words[opening]):
            close = bracket_close(s.words, opening, _LONGEST_BRACKET)
            if close is None or close == opening + 1:
                break
            dates = _bracket_dates(s, (start, end), opening, close)
            found.extend(dates)
            if dates or not only_glosses(s.words[opening + 1:close]):
                break
            opening = close + 1  # "Trent John Baalke (/ˈbɑːlkiː/ BAHL-kee) (born ..."
    return found


def _tokens(s: Sentence, span: TextSpan) -> tuple[int, int]:
    """The token range that holds a character span."""
    inside = [t for t, (a, b) in enumerate(s.offsets) if a < span.end and b > span.start]
    return inside[0], inside[-1] + 1


def life_readings(s: Sentence, mention: Mention) -> tuple[Mention, ...]:
    """The sentence's bracketed life dates (`life_dates`) as readings of one of its mentions:
    the person, the opening bracket and the date of birth (key `LIFE_START`); the person, the
    dash and the date of death (key `LIFE_END`). Like a chain of places
    (`mamakg.mapping.places.place_readings`), these are facts of the sentence that every
    mention of it carries; the Map stage keeps each once."""
    out = []
    for life in life_dates(s):
        rel, tail = _tokens(s, life.relation), _tokens(s, life.date)
        found = reading(s, mention, (life.person, "PERSON"), list(range(*rel)), [],
                        (tail[0], tail[1], life.label), key=life.key)
        if found.tail.text != life.date.text:  # a year inside "1929–2014"
            found = evolve(found, tail=life.date, tail_key=squash(life.date.text),
                           tail_node=None)
        if found.relation.text != life.relation.text:
            found = evolve(found, relation=life.relation)
        out.append(found)
    return tuple(out)


def _event_person(s: Sentence, noun: int) -> tuple[int, int] | None:
    """The person an event noun is said of: its possessor ("Miller's death", "his death") or
    its "of" object ("the death of Scott Carpenter"), a ``PERSON`` entity or "his" / "her"."""
    for t in range(len(s)):
        if s.heads[t] != noun or t == noun:
            continue
        if s.deps[t] == "prep" and s.lemmas[t] == "of":
            held = [c for c in range(len(s)) if s.heads[c] == t and s.deps[c] == "pobj"]
            if not held:
                continue
            t = held[0]
        elif s.deps[t] != "poss":
            continue
        if s.words[t].lower() in _PERSON_POSSESSIVES:
            return t, t + 1
        entity = entity_at(s, t)
        if entity is not None and entity[2] == "PERSON":
            return entity[0], entity[1]
    return None


def event_readings(s: Sentence, mention: Mention) -> tuple[Mention, ...]:
    """The births and deaths the sentence writes with a noun (see the module docstring), as
    readings of one of its mentions: the person, the noun (key: the noun and its
    preposition, "death in") and the date or place. Facts of the sentence, like
    `life_readings`."""
    if not s.heads or not any(lemma in EVENT_NOUNS for lemma in s.lemmas):
        return ()
    out = []
    for noun in range(len(s)):
        if s.lemmas[noun] not in EVENT_NOUNS or s.pos[noun] != "NOUN":
            continue
        person = _event_person(s, noun)
        if person is None:
            continue
        holders = (noun, *range(*person))
        for prep, (start, end, label) in dates_and_places(s, holders):
            if start < person[1] and person[0] < end:
                continue
            out.append(reading(s, mention, (person, span_type(s, *person)), [noun],
                               [noun, prep], (start, end, label)))
    return tuple(out)
