"""The N-Triples and Turtle outputs are written from text (`nt_triples`), not from rdflib
nodes: the same triples, byte for byte, as the rdflib terms of `rdf_triples` give."""

from __future__ import annotations

import dataclasses
import functools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamakg.config import OutputFormat
from mamakg.rdf.graph import (
    _escape,
    _lit,
    _NTermsText,
    fact_lines,
    nt_lines,
    nt_term,
    nt_triples,
    rdf_triples,
    value_term,
)
from mamakg.rdf.vocab import MK, IRIs
from mamakg.rdf.writers import render, turtle_blocks, turtle_text_blocks
from mamakg.types import Entity, Fact, Mention, PathStep, Relation, TextSpan

from graph_samples import BASE, MANIFEST, nasty_fact, sample_facts

SENTENCE = 'Ann "A." Lee\\ (born 4 May 1961, Zürich) is an\nAmerican chemist; 1,000 prizes.'


def _mention(head: str, rel: str, tail: str, keys: tuple[str, str, str], doc: str = "d.txt:1",
             **kw) -> Mention:
    h = SENTENCE.index(head)
    r = SENTENCE.index(rel, h + len(head))
    t = SENTENCE.index(tail, r + len(rel))
    kw.setdefault("score", 0.25)
    return Mention(doc, 0, SENTENCE, 7, TextSpan(head, h, h + len(head)),
                   TextSpan(rel, r, r + len(rel)), TextSpan(tail, t, t + len(tail)), *keys, **kw)


def rich_facts() -> list[Fact]:
    """Facts with every kind of term: linked and minted entities (two keys on one Q-id),
    mapped (with evidence) and open relations, typed values (a date with a time zone and a
    decimal rdflib normalizes), kinds, degrees, derived readings, odd floats and text."""
    ann = Entity("ann lee", 'Ann "A." Lee\\', "Q1", 0.875, kind="PERSON")
    lee = Entity("lee", "Lee", "Q1", 1 / 3, kind="PERSON")
    zurich = Entity("zürich", "Zürich", "Q72", 1e-7, kind="GPE")
    born = Relation("bear", "born", "P569", 0.93, "embedding", "date of birth",
                    (("phrase", "born"), ("matched", 'the "born on" of P569\n')))
    in_ = Relation("bear in", "born", "P19", 1.0, "label", None)
    date = Entity("4 may 1961", "4 May 1961", datatype="date", value="1961-05-04Z", kind="DATE")
    year = Entity("1961", "1961", datatype="gYear", value="1961")
    many = Entity("1,000", "1,000", datatype="decimal", value="1e3", kind="CARDINAL")
    chemist = Entity("american chemist", "American\nchemist")
    be = Relation("be", "is")
    path = (PathStep("Ann", 0.0), PathStep("born", 1 / 3), PathStep('"x"\n', -0.0))
    return [
        Fact(ann, born, date, 0.71, 2, (
            _mention('Ann "A." Lee\\', "born", "4 May 1961", ("ann lee", "bear", "4 may 1961"),
                     head_type="PERSON", tail_type="DATE", degree=0.1234567, path=path),
            _mention("Lee", "born", "4 May 1961", ("ann lee", "bear", "4 may 1961"),
                     doc="ü.txt:2", score=1e16))),
        Fact(lee, born, year, 2.5e-6, 1, (
            _mention("Lee", "born", "1961", ("lee", "bear", "1961"), derived=True),)),
        Fact(lee, in_, zurich, 0.5, 1, (
            _mention("Lee", "born", "Zürich", ("lee", "bear in", "zürich")),) * 2),
        Fact(ann, be, chemist, -0.0, 1, (
            _mention("Ann", "is", "an\nAmerican", ("ann lee", "be", "american chemist"),
                     score=0.0, degree=0.0),)),
        Fact(chemist, be, many, 1.0, 3, (
            _mention("chemist", "", "1,000", ("american chemist", "be", "1,000")),)),
    ]


def _by_rdflib(facts, fmt: OutputFormat) -> bytes:
    """The output as it was written before: from rdflib nodes."""
    if fmt is OutputFormat.NT:
        return "".join(nt_lines(rdf_triples(facts, MANIFEST, BASE))).encode("utf-8")
    return "".join(turtle_blocks(rdf_triples(facts, MANIFEST, BASE), BASE)).encode("utf-8")


@pytest.mark.parametrize("fmt", [OutputFormat.NT, OutputFormat.TTL])
@pytest.mark.parametrize("facts", [sample_facts, rich_facts])
def test_text_and_rdflib_write_the_same_bytes(facts, fmt):
    data = render(facts(), MANIFEST, fmt, BASE)
    assert data == _by_rdflib(facts(), fmt)
    assert len(data.splitlines()) > 60


def test_the_same_triples_one_by_one():
    term = functools.cache(nt_term)
    ours = list(nt_triples(rich_facts(), MANIFEST, BASE))
    theirs = [(term(s), term(p), term(o)) for s, p, o in rdf_triples(rich_facts(), MANIFEST, BASE)]
    assert ours == theirs


@settings(max_examples=60, deadline=None)
@given(st.lists(nasty_fact(), min_size=1, max_size=3))
def test_any_text_writes_the_same_bytes(facts):
    for fmt in (OutputFormat.NT, OutputFormat.TTL):
        assert render(facts, MANIFEST, fmt, BASE) == _by_rdflib(facts, fmt)


VALUES = [True, False, 0, -7, 10**20, 0.0, -0.0, 1.0, 0.5, 1e-5, 1e-7, 2.5e-6, 0.1234567, 1e16,
          1e22, -3.25, 123456789.0, math.inf, -math.inf, math.nan, "", "plain", 'a "q" \\ b',
          "line\nbreak\r\n", "tab\tnul\x00", "é\u0301 中 🙂 \u2028", "<x> {y}"]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_literal_is_written_as_rdflib_writes_it(value):
    assert _NTermsText().lit(value) == nt_term(_lit(value))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(), st.integers(), st.text(), st.booleans()))
def test_any_literal_is_written_as_rdflib_writes_it(value):
    assert _NTermsText().lit(value) == nt_term(_lit(value))


@pytest.mark.parametrize(("datatype", "value"), [
    ("date", "1961-05-04"), ("date", "1961-05-04Z"), ("date", "1961-02-30"), ("gYear", "1961"),
    ("gYear", "-0044"), ("gYearMonth", "1961-05"), ("decimal", "1e3"), ("decimal", "01"),
    ("decimal", "1.50"), ("decimal", "1,000"), ("string", 'say "x"\n')])
def test_a_value_is_written_as_rdflib_writes_it(datatype, value):
    entity = Entity(value, value, datatype=datatype, value=value)
    assert _NTermsText().value(entity) == nt_term(value_term(entity))


def test_turtle_of_rdflib_nodes_is_turtle_of_their_text():
    facts = rich_facts()
    text = "".join(turtle_text_blocks(nt_triples(facts, MANIFEST, BASE), BASE))
    assert text == "".join(turtle_blocks(rdf_triples(facts, MANIFEST, BASE), BASE))
    assert "\n    a mk:Fact,\n        rdf:Statement ;\n" in text


def test_fact_lines_are_sorted_and_unique():
    lines = fact_lines(rich_facts(), MANIFEST, BASE)
    assert lines == sorted(set(lines))
    assert all(line.endswith(" .\n") and line.count("\n") == 1 for line in lines)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_is_the_one_of_n_triples(text):
    table = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
    assert _escape(text) == text.translate(table)


def test_facts_of_one_statement_share_its_lines():
    """Two facts of the same keys are one statement (and the readings they share, one
    mention node): the text writer merges their lines, each once, as rdflib's graph does."""
    facts = rich_facts()
    twin = dataclasses.replace(facts[0], score=0.5, support=1, mentions=facts[0].mentions[:1])
    both = [*facts, twin]
    data = render(both, MANIFEST, OutputFormat.NT, BASE)
    assert data == _by_rdflib(both, OutputFormat.NT)
    text = data.decode("utf-8")
    statement = nt_term(IRIs(BASE).fact(twin))
    scores = [line for line in text.splitlines() if line.startswith(f"{statement} <{MK.score}>")]
    assert len(scores) == 2  # 0.71 and 0.5
    assert text.count(f"{statement} <{MK.mention}>") == 2  # the twin's reading is the first's
