"""Map stage, life dates: the dates of birth and death that a text writes in brackets right
after a person's name ("Arthur Kronfeld (January 9, 1886 – October 16, 1941) was a
psychiatrist", "Žarko Petan (1929–2014) was born in Ljubljana"), read as derived readings of
the sentence's mentions (`life_readings`; with ``--chunk-facts``, `mamakg.mapping.annotate`).

It is how encyclopedias open a biography, yet Match finds no relation there: no word joins the
name and its dates. The bracket is read when it holds exactly two dates (or years) joined by
a dash, and the name before it is one the recognizer calls a person, ending right before the
bracket. The two dates must be `MIN_LIFE_YEARS` to `MAX_LIFE_YEARS` years apart: a shorter
span after a name is a term or a time at a school ("Lynn Harrell (1986–1993)", "Notable
alumni include Sue Townsend (1946–1950)"). What is not such a pair stays unread: "(born
1950)" is Match's ("born"), "(c. 1450 – 1520)" and "(1878–99)" are uncertain or cut short.

The first date is the person's date of birth (P569, key `LIFE_START`), the second the date of
death (P570, key `LIFE_END`): `mamakg.mapping.semantic.KindMapper` maps them.

Pure: works on `Sentence` columns, no spaCy.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mamakg.mapping.arguments import reading
from mamakg.mapping.values import value_literal
from mamakg.normalize import squash
from mamakg.types import Mention, Sentence, TextSpan, evolve

__all__ = ["LIFE_END", "LIFE_START", "Life", "MAX_LIFE_YEARS", "MIN_LIFE_YEARS", "life_dates",
           "life_readings"]

LIFE_START = "("
"""The relation key of a person's first bracketed date, the date of birth (`life_readings`)."""
LIFE_END = "–"
"""The relation key of a person's second bracketed date, the date of death."""

MIN_LIFE_YEARS = 20
"""The fewest years between the two dates of a life read in brackets."""
MAX_LIFE_YEARS = 120
"""The most years between them."""

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
        if label != "PERSON" or end >= len(s) or s.words[end] != "(":
            continue
        close = next((t for t in range(end + 1, min(end + 2 + _LONGEST_BRACKET, len(s)))
                      if s.words[t] in ("(", ")")), None)
        if close is None or s.words[close] != ")" or close == end + 1:
            continue
        found = _bracketed(s, end, close)
        if found is not None:
            lives.append(Life((start, end), s.char_span(end, end + 1), *found))
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
