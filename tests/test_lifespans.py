"""A person's life dates in brackets after their name (mamakg.mapping.lifespans), their
mapping (P569, P570) and how the Map stage keeps them, on hand-made sentences tokenized the
way spaCy's small English model tokenizes them."""

from __future__ import annotations

import dataclasses

from mamakg.config import Config
from mamakg.filters import to_mention
from mamakg.mapping.annotate import annotate
from mamakg.mapping.lifespans import LIFE_END, LIFE_START, life_dates, life_readings
from mamakg.mapping.resolve import resolve_mentions
from mamakg.mapping.semantic import KindMapper, MapQuery
from mamakg.types import Candidate

from helpers import sentence


def parsed(text, entities):
    words = text.split()
    s = sentence(words, ["PUNCT" if not w.isalnum() else "PROPN" for w in words])
    return dataclasses.replace(s, entities=tuple(entities))


def kronfeld():
    # "Arthur Kronfeld (January 9, 1886 – October 16, 1941) was a psychiatrist ."
    return parsed("Arthur Kronfeld ( January 9 , 1886 – October 16 , 1941 ) was a psychiatrist .",
                  [(0, 2, "PERSON"), (3, 7, "DATE"), (8, 12, "DATE")])


def lives(s):
    return [(s.words[life.person[0]], life.born.text, life.died.text) for life in life_dates(s)]


def read(readings):
    return sorted((r.head.text, r.relation.text, r.relation_key, r.tail.text, r.tail_key)
                  for r in readings)


def mention_of(s, head, tail, relation):
    return to_mention(Candidate(s, head=head, tail=tail, relation=relation, score=0.4, path=()))


def test_dates_in_brackets_after_a_person_are_their_birth_and_death():
    s = kronfeld()
    assert lives(s) == [("Arthur", "January 9 , 1886", "October 16 , 1941")]
    m = mention_of(s, (0, 2), (15, 16), (13, 14))
    assert read(life_readings(s, m)) == [
        ("Arthur Kronfeld", "(", LIFE_START, "January 9 , 1886", "january 9 , 1886"),
        ("Arthur Kronfeld", "–", LIFE_END, "October 16 , 1941", "october 16 , 1941")]
    assert all(r.derived and r.tail_type == "DATE" for r in life_readings(s, m))


def test_two_years_in_one_token_are_read_apart():
    s = parsed("Žarko Petan ( 1929–2014 ) was born in Ljubljana .", [(0, 2, "PERSON")])
    m = mention_of(s, (0, 2), (8, 9), (5, 6, 7))
    found = read(life_readings(s, m))
    assert found == [("Žarko Petan", "(", LIFE_START, "1929", "1929"),
                     ("Žarko Petan", "–", LIFE_END, "2014", "2014")]
    spans = {r.relation_key: r.tail for r in life_readings(s, m)}
    assert s.text[spans[LIFE_START].start:spans[LIFE_START].end] == "1929"
    assert s.text[spans[LIFE_END].start:spans[LIFE_END].end] == "2014"


def test_what_is_no_life_stays_unread():
    # a term or the years at a school: too short for a life
    assert lives(parsed("Lynn Harrell ( 1986 – 1993 ) held the chair .",
                        [(0, 2, "PERSON")])) == []
    # no person before the bracket; a person not right before it
    assert lives(parsed("Congress ( March 4 , 1849 – March 3 , 1911 ) met .",
                        [(0, 1, "ORG")])) == []
    assert lives(parsed("Friedrich Wilhelm , Count Brandenburg ( 1792 – 1850 ) led .",
                        [(0, 2, "PERSON"), (3, 5, "GPE")])) == []
    # uncertain, one date only, a year cut short, no closing bracket
    for text in ("Ann Lee ( c. 1450 – 1520 ) wrote .", "Ann Lee ( born 1950 ) wrote .",
                 "Ann Lee ( 1878–99 ) wrote .", "Ann Lee ( 1900 – 1970 wrote ."):
        assert lives(parsed(text, [(0, 2, "PERSON")])) == [], text
    # a life of more than MAX_LIFE_YEARS years is none
    assert lives(parsed("Ann Lee ( 1700 – 1900 ) wrote .", [(0, 2, "PERSON")])) == []


def test_the_dates_map_to_birth_and_death_when_the_tail_is_a_date():
    mapper = KindMapper(lambda texts: [], known=("P569", "P570"))
    born = MapQuery(LIFE_START, "(", "person", "date", tail_text="1929")
    died = MapQuery(LIFE_END, "–", "person", "date", tail_text="2014")
    odd = MapQuery(LIFE_END, "–", "person", "place", tail_text="Paris")
    group = MapQuery(LIFE_START, "(", "group", "date", tail_text="1929")
    found = mapper.map([born, died, odd, group])
    assert [m.pid if m else None for m in found] == ["P569", "P570", None, None]


def test_annotate_and_resolve_keep_the_life_dates_as_facts_of_the_sentence():
    s = kronfeld()
    candidate = Candidate(s, head=(0, 2), tail=(15, 16), relation=(13, 14), score=0.4,
                          path=())
    m = annotate(to_mention(candidate), candidate, chunk_facts=True)
    assert {LIFE_START, LIFE_END} <= {r.relation_key for r in m.readings}
    assert life_readings(s, m) and not any(
        r.relation_key in (LIFE_START, LIFE_END)
        for r in annotate(to_mention(candidate), candidate).readings)
    config = Config.preset("default")
    resolved = resolve_mentions([m], config)
    keys = [x.relation_key for x in resolved.mentions]
    assert keys.count(LIFE_START) == 1 and keys.count(LIFE_END) == 1
    # the mention itself stays open to be mapped: the life dates are no reading of it
    own = next(x for x in resolved.mentions if not x.derived)
    assert not any(r.relation_key in (LIFE_START, LIFE_END) for r in own.readings)
