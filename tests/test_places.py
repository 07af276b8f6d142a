"""Facts of places in places and of countries read from the sentence
(mamakg.mapping.places), their mapping (P131, P17) and how the Map stage keeps them, on
hand-made sentences parsed the way spaCy's small English model parses them."""

from __future__ import annotations

import dataclasses

from mamakg.config import Config
from mamakg.filters import to_mention
from mamakg.mapping.annotate import SentenceReadings, annotate
from mamakg.mapping.places import (
    PLACE_IN_COUNTRY,
    PLACE_IN_PLACE,
    countries,
    is_country,
    place_chains,
    place_readings,
)
from mamakg.mapping.resolve import resolve_mentions
from mamakg.mapping.semantic import KindMapper, MapQuery
from mamakg.types import Candidate

from helpers import sentence


def parsed(text, pos, heads, deps, entities, chunks=()):
    s = sentence(text.split(), pos.split(), deps=deps.split(), chunks=chunks)
    return dataclasses.replace(s, heads=tuple(heads), entities=tuple(entities))


def calgary():
    # "He was born in Calgary, Alberta, Canada, and moved to Paris": spaCy makes Alberta and
    # Canada conjuncts of Calgary, as in a list
    return parsed("He was born in Calgary , Alberta , Canada , and moved to Paris .",
                  "PRON AUX VERB ADP PROPN PUNCT PROPN PUNCT PROPN PUNCT CCONJ VERB ADP PROPN "
                  "PUNCT", [2, 2, 2, 2, 3, 4, 4, 6, 6, 2, 2, 2, 11, 12, 2],
                  "nsubjpass auxpass ROOT prep pobj punct conj punct conj punct cc conj prep "
                  "pobj punct", [(4, 5, "GPE"), (6, 7, "GPE"), (8, 9, "GPE"), (13, 14, "GPE")],
                  chunks=[(0, 1), (4, 5), (6, 7), (8, 9), (13, 14)])


def names(s, chains):
    return [[" ".join(s.words[e[0]:e[1]]) for e in chain] for chain in chains]


def read(readings):
    return sorted((r.head.text, r.relation.text, r.relation_key, r.tail.text) for r in readings)


def test_the_shipped_table_knows_the_states_by_their_other_names():
    assert all(is_country(n) for n in ("United States", "the United States", "U.S.", "USA",
                                       "UK", "Britain", "Czechia", "Côte d'Ivoire"))
    assert not any(is_country(n) for n in ("Texas", "England", "Paris", "Georgia"))
    assert len(set(countries().values())) == 194  # 195, less Georgia


def test_a_chain_of_places_each_in_the_next_up_to_a_country():
    s = calgary()
    assert names(s, place_chains(s)) == [["Calgary", "Alberta", "Canada"]]
    m = to_mention(Candidate(s, head=(0, 1), tail=(13, 14), relation=(11, 12), score=0.4,
                             path=()))
    # the mention joins neither place: the facts are the sentence's
    assert read(place_readings(s, m)) == [
        ("Alberta", ",", PLACE_IN_PLACE, "Canada"), ("Alberta", ",", PLACE_IN_COUNTRY, "Canada"),
        ("Calgary", ",", PLACE_IN_PLACE, "Alberta"),
        ("Calgary", ", Alberta ,", PLACE_IN_COUNTRY, "Canada")]
    assert all(r.derived and not r.readings for r in place_readings(s, m))


def test_lists_of_places_and_countries_are_no_chains():
    paris = parsed("offices in Paris , London and Berlin .",
                   "NOUN ADP PROPN PUNCT PROPN CCONJ PROPN PUNCT", [0, 0, 1, 2, 2, 4, 4, 0],
                   "ROOT prep pobj punct conj cc conj punct",
                   [(2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "GPE")])
    assert place_chains(paris) == []
    # a list of names that runs on past the places: "the 76ers, San Antonio Spurs, Kansas
    # City Kings, Los Angeles Lakers and Orlando Magic"
    teams = parsed("the Spurs , Kansas City , Lakers and Magic",
                   "DET PROPN PUNCT PROPN PROPN PUNCT PROPN CCONJ PROPN",
                   [1, 1, 1, 4, 1, 4, 4, 6, 6], "det ROOT punct compound conj punct conj cc conj",
                   [(0, 2, "ORG"), (3, 5, "GPE"), (6, 7, "ORG"), (8, 9, "ORG")])
    assert place_chains(teams) == []
    # a country lies in no place
    states = parsed("France , Germany , and Italy", "PROPN PUNCT PROPN PUNCT CCONJ PROPN",
                    [0, 0, 0, 2, 2, 2], "ROOT punct conj punct cc conj",
                    [(0, 1, "GPE"), (2, 3, "GPE"), (5, 6, "GPE")])
    assert place_chains(states) == []
    # two chains joined by "and": Georgia, the state, is no country
    two = parsed("Atlanta , Georgia and Houston , Texas",
                 "PROPN PUNCT PROPN CCONJ PROPN PUNCT PROPN", [0, 0, 0, 2, 2, 4, 0],
                 "ROOT punct conj cc conj punct appos",
                 [(0, 1, "GPE"), (2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "GPE")])
    assert names(two, place_chains(two)) == [["Atlanta", "Georgia"], ["Houston", "Texas"]]
    m = to_mention(Candidate(two, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4,
                             path=()))
    assert {r.relation_key for r in place_readings(two, m)} == {PLACE_IN_PLACE}


def test_in_joins_a_school_to_its_town():
    school = parsed("studied at Lakefield College School in Lakefield , Ontario .",
                    "VERB ADP PROPN PROPN PROPN ADP PROPN PUNCT PROPN PUNCT",
                    [0, 0, 4, 4, 1, 4, 5, 6, 6, 0],
                    "ROOT prep compound compound pobj prep pobj punct appos punct",
                    [(2, 5, "ORG"), (6, 7, "GPE"), (8, 9, "GPE")])
    assert names(school, place_chains(school)) == [
        ["Lakefield College School", "Lakefield", "Ontario"]]
    # no other word between, nor a date
    born = parsed("born in Lyon near Paris in 1990", "VERB ADP PROPN ADP PROPN ADP NUM",
                  [0, 0, 1, 0, 3, 0, 5], "ROOT prep pobj prep pobj prep pobj",
                  [(2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "DATE")])
    assert place_chains(born) == []


def test_place_facts_map_to_located_in_and_country():
    mapper = KindMapper(lambda texts: None, known=("P131", "P17"))
    located, country, person = mapper.map([
        MapQuery(PLACE_IN_PLACE, ",", "place", "place"),
        MapQuery(PLACE_IN_COUNTRY, ", Alberta ,", "organization", "place"),
        MapQuery(PLACE_IN_COUNTRY, ",", "person", "place")])
    assert (located.pid, country.pid, country.method) == ("P131", "P17", "kind")
    assert person.pid is None


def test_annotate_reads_the_chains_with_chunk_facts_only():
    s = calgary()
    candidate = Candidate(s, head=(0, 1), tail=(13, 14), relation=(11, 12), score=0.4, path=())
    plain = annotate(to_mention(candidate), candidate, clause=True, boundaries=True)
    assert plain.readings == ()
    m = annotate(to_mention(candidate), candidate, clause=True, boundaries=True,
                 chunk_facts=True)
    assert read(m.readings) == read(place_readings(s, to_mention(candidate)))


def test_the_mentions_of_a_sentence_share_its_readings_each_with_its_own_score():
    s = calgary()
    first = Candidate(s, head=(0, 1), tail=(13, 14), relation=(11, 12), score=0.4, path=())
    second = Candidate(s, head=(0, 1), tail=(4, 5), relation=(1, 2, 3), score=0.7, path=())
    third = Candidate(s, head=(0, 1), tail=(6, 7), relation=(1, 2, 3, 4, 5), score=0.4, path=())
    shared = SentenceReadings()
    found = [annotate(to_mention(c), c, clause=True, boundaries=True, chunk_facts=True,
                      read=shared) for c in (first, second, third)]
    alone = [annotate(to_mention(c), c, clause=True, boundaries=True, chunk_facts=True)
             for c in (first, second, third)]
    assert found == alone
    assert [{r.score for r in m.readings} for m in found] == [{0.4}, {0.7}, {0.4}]
    # Calgary in Alberta, Calgary in Canada, Alberta in Canada as a place and as its country
    assert len(found[0].readings) == 4


def test_chains_listed_one_after_another_are_each_read():
    # "educated at Lakefield College School in Lakefield, Ontario, McGill University in
    # Montreal, Quebec, and at INSEAD"
    s = parsed("at School in Lakefield , Ontario , McGill in Montreal , Quebec , and at INSEAD",
               "ADP PROPN ADP PROPN PUNCT PROPN PUNCT PROPN ADP PROPN PUNCT PROPN PUNCT CCONJ "
               "ADP PROPN", [0, 0, 1, 2, 3, 3, 1, 1, 7, 8, 9, 9, 7, 0, 0, 14],
               "ROOT pobj prep pobj punct appos punct conj prep pobj punct appos punct cc "
               "conj pobj", [(1, 2, "ORG"), (3, 4, "GPE"), (5, 6, "GPE"), (7, 8, "ORG"),
                             (9, 10, "GPE"), (11, 12, "GPE"), (15, 16, "ORG")])
    assert names(s, place_chains(s)) == [["School", "Lakefield", "Ontario"],
                                         ["McGill", "Montreal", "Quebec"]]


def test_a_mention_with_place_facts_is_still_mapped_by_itself():
    he = calgary()
    s = dataclasses.replace(he, words=("Ann", *he.words[1:]), text="Ann" + he.text[2:],
                            offsets=((0, 3), *((a + 1, b + 1) for a, b in he.offsets[1:])),
                            pos=("PROPN", *he.pos[1:]), entities=((0, 1, "PERSON"),
                                                                  *he.entities))
    candidate = Candidate(s, head=(0, 1), tail=(13, 14), relation=(11, 12), score=0.4, path=())
    m = annotate(to_mention(candidate), candidate, clause=True, boundaries=True,
                 chunk_facts=True)
    done = resolve_mentions([m], Config.preset("default"))
    own, *readings = done.mentions
    # no reading marks it as read by its readings (they state other facts of the sentence)
    assert (own.head.text, own.relation.text, own.readings) == ("Ann", "moved to", ())
    # "Alberta, Canada": one comma, two facts, both kept
    assert read(readings) == read(m.readings)


def flat(text, pos, entities):
    """A sentence whose parse the chains do not read (heads and dependencies left flat)."""
    n = len(text.split())
    return parsed(text, pos, [0] * n, " ".join(["dep"] * n), entities)


def test_a_list_that_runs_on_past_a_place_is_no_chain():
    # the recognizer found part of the list only, and it ends in "and others"
    runway = flat("for Dolce & Gabbana , Balenciaga , Dries van Noten , Givenchy , Prada and "
                  "others .", "ADP PROPN CCONJ PROPN PUNCT PROPN PUNCT PROPN PROPN PROPN PUNCT "
                  "PROPN PUNCT PROPN CCONJ NOUN PUNCT",
                  [(1, 4, "ORG"), (5, 6, "GPE"), (8, 10, "PERSON"), (11, 12, "ORG"),
                   (13, 14, "ORG")])
    assert place_chains(runway) == []
    # a name after a comma that no comma or "and" follows is the clause's subject
    born = flat("Born in Vienna , Austria , Ulrich began his career .",
                "VERB ADP PROPN PUNCT PROPN PUNCT PROPN VERB PRON NOUN PUNCT",
                [(2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "PERSON")])
    assert names(born, place_chains(born)) == [["Vienna", "Austria"]]
    frise = flat("Born in Scugog Island , Ontario , Frise moved to Toronto .",
                 "VERB ADP PROPN PROPN PUNCT PROPN PUNCT PROPN VERB ADP PROPN PUNCT",
                 [(2, 4, "LOC"), (5, 6, "GPE"), (10, 11, "GPE")])
    assert names(frise, place_chains(frise)) == [["Scugog Island", "Ontario"]]


def test_a_place_that_begins_a_longer_name_is_no_link_of_a_chain():
    papers = flat("including the El Paso Times , Fort Worth Star - Telegram )",
                  "VERB DET PROPN PROPN PROPN PUNCT PROPN PROPN PROPN PUNCT PROPN PUNCT",
                  [(1, 5, "ORG"), (6, 8, "GPE")])
    assert place_chains(papers) == []
    # a common noun or a postcode after the place leaves it a place
    area = flat("in the Houston , Texas area", "ADP DET PROPN PUNCT PROPN NOUN",
                [(2, 3, "GPE"), (4, 5, "GPE")])
    assert names(area, place_chains(area)) == [["Houston", "Texas"]]
    barnes = flat("in Barnes , London SW13 .", "ADP PROPN PUNCT PROPN PROPN PUNCT",
                  [(1, 2, "GPE"), (3, 4, "GPE")])
    assert names(barnes, place_chains(barnes)) == [["Barnes", "London"]]
    # nor does another place after it, without a comma
    casino = flat("at the Emerald Queen Casino in Tacoma Washington .",
                  "ADP DET PROPN PROPN PROPN ADP PROPN PROPN PUNCT",
                  [(1, 5, "ORG"), (6, 7, "GPE"), (7, 8, "GPE")])
    assert names(casino, place_chains(casino)) == [["the Emerald Queen Casino", "Tacoma"]]
