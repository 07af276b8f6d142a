"""What heads and tails are (NER types, pronouns) and the readings between the named entities
inside noun chunks (mamakg.mapping.arguments), on hand-made sentences."""

from __future__ import annotations

import dataclasses

from helpers import sentence

from mamakg.filters import to_mention
from mamakg.mapping.arguments import entity_core, narrow_readings, span_type, tail_cores
from mamakg.types import Candidate


def obama():
    """'Obama is an American politician from Chicago' with NER labels and a parse."""
    s = sentence(["Obama", "is", "an", "American", "politician", "from", "Chicago"],
                 ["PROPN", "AUX", "DET", "ADJ", "NOUN", "ADP", "PROPN"],
                 deps=["nsubj", "ROOT", "det", "amod", "attr", "prep", "pobj"],
                 lemmas=["obama", "be", "an", "american", "politician", "from", "chicago"],
                 chunks=[(0, 1), (2, 5), (6, 7)])
    return dataclasses.replace(s, heads=(1, 1, 4, 4, 1, 4, 5),
                               entities=((0, 1, "PERSON"), (3, 4, "NORP"), (6, 7, "GPE")))


def test_span_types():
    s = obama()
    assert span_type(s, 0, 1) == "PERSON"
    assert span_type(s, 2, 5) == ""  # "an American politician": its root is no entity
    assert span_type(s, 6, 7) == "GPE"
    he = sentence(["He", "left", "in", "1961"], ["PRON", "VERB", "ADP", "NUM"],
                  chunks=[(0, 1), (3, 4)])
    assert span_type(he, 0, 1) == "PRON"
    assert span_type(he, 3, 4) == "NUM"  # a number NER left unlabelled


def test_entity_cores():
    s = obama()
    assert entity_core(s, 0, 1) is None  # the chunk is the entity
    assert entity_core(s, 2, 5) == (3, 4, "NORP")
    assert tail_cores(s, 2, 7) == [(3, 4, "NORP"), (6, 7, "GPE")]


def test_readings_between_entities():
    s = obama()
    candidate = Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=())
    m = to_mention(candidate, score=1.0)
    assert (m.head_type, m.tail_type, m.degree) == ("PERSON", "", 0.4)
    got = [(r.head.text, r.relation.text, r.relation_key, r.tail.text, r.tail_type, r.derived)
           for r in m.readings]
    assert got == [
        ("Obama", "is", "be", "American", "NORP", True),
        ("Obama", "is an American politician from", "be politician from", "Chicago", "GPE",
         True),
    ]
    # every reading's spans point at its own text
    for r in m.readings:
        for span in (r.head, r.relation, r.tail):
            assert r.sentence[span.start:span.end] == span.text


def test_no_readings_without_entities_or_when_chunks_are_entities():
    s = obama()
    plain = dataclasses.replace(s, entities=())
    candidate = Candidate(plain, head=(0, 1), tail=(2, 5), relation=(1,), score=0.4, path=())
    assert to_mention(candidate).readings == ()
    both_whole = Candidate(s, head=(0, 1), tail=(6, 7), relation=(1, 2, 3, 4, 5), score=0.4,
                           path=())
    assert narrow_readings(s, to_mention(both_whole), (0, 1), (6, 7), (1, 2, 3, 4, 5)) == ()


def test_mention_record_round_trip_with_readings():
    from mamakg.types import Mention

    s = obama()
    m = to_mention(Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=()),
                   score=1.0)
    assert Mention.from_json(m.to_json()) == m
