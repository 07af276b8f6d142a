"""Map stage, values: heads and tails that are dates, years or numbers are literal values of
the graph, not entity nodes ("1961" is no thing one can say more about).

`value_literal` gives the typed literal of such a text on a time- or quantity-valued property
(``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``, ``xsd:decimal``); on an open relation the value
is a plain literal of its text.
"""

from __future__ import annotations

import functools
import re

from mamakg.english import ARTICLES, MONTH_NUMBERS, MONTHS

__all__ = ["is_value", "value_literal"]

_DAYS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^(\d{3,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_DECADE = re.compile(r"^'?\d{1,3}0s$")
_SPLIT = re.compile(r"[\s,]+")
_DATE_PUNCT = frozenset(",.-–—/()")


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.strip()) if w]


def _month(word: str) -> int | None:
    return MONTH_NUMBERS.get(word.lower().rstrip("."))


@functools.lru_cache(maxsize=1 << 16)  # asked of every head and tail, again per group
def is_value(text: str) -> bool:
    """Whether a head or tail text is only a number, a date or a time: digits, month names and
    date punctuation, or digits and any punctuation, with at least one digit.

    >>> is_value("1961"), is_value("16 November 1991"), is_value("4.25"), is_value("1990s")
    (True, True, True, True)
    >>> is_value("1961 election"), is_value("November"), is_value("the 1960s")
    (False, False, True)
    >>> is_value("1:59.17"), is_value("8/9"), is_value("+")
    (True, True, False)
    """
    if not any(c.isdigit() for c in text):
        return False
    if not any(c.isalpha() for c in text):  # "1:59.17", "8/9": digits and punctuation
        return True
    words = text.replace("–", " ").replace("—", " ").split()
    if len(words) > 1 and words[0].lower() in ARTICLES:  # "the 1960s"
        words = words[1:]
    for word in words:
        word = word.strip("".join(_DATE_PUNCT))
        if not word:
            continue
        if word.lower().rstrip(".") in MONTHS:
            continue
        if _DAYS.match(word) or _NUMBER.match(word) or _ISO.match(word) or _DECADE.match(word):
            continue
        return False
    return True


def _date(text: str) -> tuple[str, str] | None:
    words = _words(text)
    iso = _ISO.match(text.strip())
    if iso:
        return "date", iso.group(0)
    months = [i for i, w in enumerate(words) if _month(w)]
    years = [i for i, w in enumerate(words) if _YEAR.match(w)]
    if len(years) != 1 or len(months) > 1:
        return None
    year = int(words[years[0]])
    if not months:
        return ("gYear", f"{year:04d}") if len(words) == 1 else None
    month = _month(words[months[0]]) or 0
    days = [int(m.group(1)) for i, w in enumerate(words)
            if i not in years and i not in months and (m := _DAYS.match(w))]
    if len(words) == 2:
        return "gYearMonth", f"{year:04d}-{month:02d}"
    if len(words) == 3 and len(days) == 1 and 1 <= days[0] <= 31:
        return "date", f"{year:04d}-{month:02d}-{days[0]:02d}"
    return None


def value_literal(text: str, datatype: str) -> tuple[str, str] | None:
    """(XML Schema datatype, lexical form) of a value text on a property of this Wikidata
    datatype (``Time`` or ``Quantity``); None when the text does not parse as one.

    >>> value_literal("August 4, 1961", "Time"), value_literal("4 August 1961", "Time")
    (('date', '1961-08-04'), ('date', '1961-08-04'))
    >>> value_literal("1961", "Time"), value_literal("May 1890", "Time")
    (('gYear', '1961'), ('gYearMonth', '1890-05'))
    >>> value_literal("1,200", "Quantity"), value_literal("the 1960s", "Time")
    (('decimal', '1200'), None)
    """
    if datatype == "Time":
        return _date(text)
    if datatype == "Quantity":
        words = _words(text.replace(",", ""))
        if len(words) == 1 and _NUMBER.match(words[0]):
            return "decimal", words[0].lstrip("+")
    return None
