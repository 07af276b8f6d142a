"""Dates and numbers as literal values (mamakg.mapping.values)."""

from __future__ import annotations

import pytest

from mamakg.mapping.values import is_value, value_literal


@pytest.mark.parametrize("text, expected", [
    ("1961", True), ("4 August 1961", True), ("August 4, 1961", True), ("1,200", True),
    ("1900–1980", True), ("the 1960s", True), ("Route 66", False), ("November", False),
    ("3 children", False)])
def test_is_value(text, expected):
    assert is_value(text) is expected


@pytest.mark.parametrize("text, datatype, expected", [
    ("August 4, 1961", "Time", ("date", "1961-08-04")),
    ("4 Aug. 1961", "Time", ("date", "1961-08-04")),
    ("1961-08-04", "Time", ("date", "1961-08-04")),
    ("May 1890", "Time", ("gYearMonth", "1890-05")),
    ("1961", "Time", ("gYear", "1961")),
    ("4.25", "Quantity", ("decimal", "4.25")),
    ("12,000", "Quantity", ("decimal", "12000")),
    ("1961 and 1962", "Time", None),
    ("40 August 1961", "Time", None),
    ("1961", "WikibaseItem", None),
])
def test_value_literal(text, datatype, expected):
    assert value_literal(text, datatype) == expected
