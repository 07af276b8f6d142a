"""Map stage, life dates: when and where a person was born and died, as a text writes it
without a verb, read as derived readings of the sentence's mentions (with ``--chunk-facts``,
`mamakg.mapping.annotate`). Match finds no relation there, or none to the date: no verb joins
the person and the date.

- Dates in brackets right after a person's name (`life_readings`): "Arthur Kronfeld (January
  9, 1886 – October 16, 1941) was a psychiatrist", "Žarko Petan (1929–2014) was born in
  Ljubljana", how encyclopedias open a biography. The bracket is read when it holds exactly
  two dates (or years) joined by a dash, and the name before it is one the recognizer calls
  a person, ending right before the bracket or the post-nominal letters before it ("Leonard
  Spath FRS (20 October 1882 – 2 May 1957)"). The two dates must be `MIN_LIFE_YEARS` to
  `MAX_LIFE_YEARS` years apart: a shorter span after a name is a term or a time at a school
  ("Lynn Harrell (1986–1993)", "Notable alumni include Sue Townsend (1946–1950)"). What is
  not such a pair stays unread: "(born 1950)" is Match's ("born"), "(c. 1450 – 1520)" and
  "(1878–99)" are uncertain or cut short. The first date is the date of birth (P569, key
  `LIFE_START`), the second the date of death (P570, key `LIFE_END`).
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

from mamakg.english import after_honours
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
           "MIN_LIFE_YEARS", "Life", "event_readings", "life_dates", "life_readings"]

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
_LONGEST_BRACKET = 12
"""The most tokens inside the brackets that are read."""


class Life(NamedTuple):
    """A person's life dates written in brackets after their name (`life_dates`)."""

    person: tuple[int, int]
    """The name: a ``PERSON`` entity's token range."""
    opening: TextSpan
    """The opening bracket."""
    dash: TextSpan
    """The dash between the dates."""
    born: TextSpan
    """The date of birth."""
    died: TextSpan
    """The date of death."""


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
    """The dash, the date of birth and the date of death between the brackets at tokens
    `opening` and `close`, where they hold a life (`_a_life`): a date or year, a dash and a
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


def life_dates(s: Sentence) -> list[Life]:
    """Each person's life dates that the sentence writes in brackets right after their name
    (see the module docstring), in the order of the names."""
    if "(" not in s.text:
        return []
    lives = []
    for start, end, label in sorted(s.entities):
        opening = after_honours(s.words, end)  # "Leonard Spath FRS (20 October 1882 – ..."
        if label != "PERSON" or opening >= len(s) or s.words[opening] != "(":
            continue
        close = next((t for t in range(opening + 1,
                                       min(opening + 2 + _LONGEST_BRACKET, len(s)))
                      if s.words[t] in ("(", ")")), None)
        if close is None or s.words[close] != ")" or close == opening + 1:
            continue
        found = _bracketed(s, opening, close)
        if found is not None:
            lives.append(Life((start, end), s.char_span(opening, opening + 1), *found))
    return lives


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
        for key, relation, date in ((LIFE_START, life.opening, life.born),
                                    (LIFE_END, life.dash, life.died)):
            rel, tail = _tokens(s, relation), _tokens(s, date)
            found = reading(s, mention, (life.person, "PERSON"), list(range(*rel)), [],
                            (tail[0], tail[1], "DATE"), key=key)
            if found.tail.text != date.text:  # a year inside "1929–2014"
                found = evolve(found, tail=date, tail_key=squash(date.text), tail_node=None)
            if found.relation.text != relation.text:
                found = evolve(found, relation=relation)
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
