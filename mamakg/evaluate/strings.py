"""String rules shared by the scorers of mapped facts (SCORING.md section 4): `norm` and dates."""

from __future__ import annotations

import enum
import re
import unicodedata

from mamakg.english import MONTH_NUMBERS

__all__ = ["DateRule", "dates_equal", "norm", "parse_date"]

_ARTICLE = re.compile(r"^(?:the|a|an) ")
_NON_ALNUM = re.compile(r"[\W_]+")
_MONTHS = MONTH_NUMBERS


class DateRule(str, enum.Enum):
    STRICT = "strict"  # every part the gold gives (year, month, day) must be equal
    LENIENT = "lenient"  # the same year


def norm(text: str) -> str:
    """Canonical string form: NFKC, casefold, non-alphanumeric runs to one space, no article.

    >>> norm("The  Norwegian CargoNet-AS,")
    'norwegian cargonet as'
    """
    text = _NON_ALNUM.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return _ARTICLE.sub("", text, count=1)


def parse_date(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day), each None when the text does not give it.

    >>> parse_date("Monday, December 10, 2012"), parse_date("1950-03-07"), parse_date("May 2006")
    ((2012, 12, 10), (1950, 3, 7), (2006, 5, None))
    """
    if m := re.search(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b", text):
        return int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None
    words = norm(text).split()
    year = month = day = None
    for word in words:
        if word.isdigit() and len(word) in (3, 4) and year is None:
            year = int(word)
        elif word in _MONTHS and month is None:
            month = _MONTHS[word]
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", word) and day is None:
            value = int(re.match(r"\d+", word).group())  # type: ignore[union-attr]
            day = value if 1 <= value <= 31 else None
    return year, month, day if month is not None else None


def dates_equal(predicted: str, gold: str, rule: DateRule) -> bool:
    """Whether a predicted date agrees with a gold date; unparseable gold: equal `norm`."""
    g = parse_date(gold)
    if g[0] is None:
        return norm(predicted) == norm(gold)
    p = parse_date(predicted)
    if rule is DateRule.LENIENT:
        return p[0] == g[0]
    return all(gv is None or pv == gv for pv, gv in zip(p, g, strict=True))
