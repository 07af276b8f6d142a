"""A person's life dates in brackets after their name (mamakg.mapping.lifespans), their
mapping (P569, P570) and how the Map stage keeps them, on hand-made sentences tokenized the
way spaCy's small English model tokenizes them."""

from __future__ import annotations

import dataclasses

from mamakg.config import Config
from mamakg.filters import to_mention
from mamakg.mapping.annotate import annotate
from mamakg.mapping.lifespans import (
    LIFE_END,
    LIFE_START,
    PLACE_KEYS,
    event_readings,
    life_dates,
    life_readings,
)
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
    """(the name's first word, date of birth, date of death) of each person with dates."""
    found = {}
    for date in life_dates(s):
        born, died = found.get(date.person, (None, None))
        if date.key == LIFE_START:
            born = date.date.text
        else:
            died = date.date.text
        found[date.person] = born, died
    return [(s.words[person[0]], *dates) for person, dates in found.items()]


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
    # uncertain, one date without "born", a year cut short, no closing bracket, a name's
    # pronunciation before the bracket
    for text in ("Ann Lee ( c. 1450 – 1520 ) wrote .", "Ann Lee ( 1950 ) wrote .",
                 "Ann Lee ( 1878–99 ) wrote .", "Ann Lee ( 1900 – 1970 wrote .",
                 "Ann Lee /ˈæn/ ( 1900 – 1970 ) wrote ."):
        assert lives(parsed(text, [(0, 2, "PERSON")])) == [], text
    # a bracket whose first piece glosses nothing (a pseudonym is another name, no gloss)
    assert lives(parsed("Ann Lee ( Stary ; 1900 – 1970 ) wrote .", [(0, 2, "PERSON")])) == []
    # a life of more than MAX_LIFE_YEARS years is none
    assert lives(parsed("Ann Lee ( 1700 – 1900 ) wrote .", [(0, 2, "PERSON")])) == []


def test_the_name_may_be_glossed_before_its_dates():
    # "Jovan Cvijić (Serbian Cyrillic: Јован Цвијић, [jɔ̌ʋan tsʋǐːjitɕ]; 12 October 1865 – 16
    # January 1927)"
    s = parsed("Jovan Cvijić ( Serbian Cyrillic : Јован Цвијић , [ jɔ̌ʋan tsʋǐːjitɕ ] ; 12 "
               "October 1865 – 16 January 1927 ) was a geographer .",
               [(0, 2, "PERSON"), (14, 17, "DATE"), (18, 21, "DATE")])
    assert lives(s) == [("Jovan", "12 October 1865", "16 January 1927")]
    # "Louis Andriessen ([luˈi ˈɑndrisə(n)]; born 6 June 1939)": a bracket in the gloss
    s = parsed("Louis Andriessen ( [ luˈi ˈɑndrisə(n ) ] ; born 6 June 1939 ) is a composer .",
               [(0, 2, "PERSON"), (10, 13, "DATE")])
    assert lives(s) == [("Louis", "6 June 1939", None)]
    m = mention_of(s, (0, 2), (17, 18), (14, 15))
    assert read(life_readings(s, m)) == [
        ("Louis Andriessen", "born", LIFE_START, "6 June 1939", "6 june 1939")]
    # a pronunciation in a bracket of its own, then the birth
    s = parsed("Trent Baalke ( /ˈbɑːlkiː/ BAHL-kee ) ( born February 14 , 1964 ) is a manager .",
               [(0, 2, "PERSON"), (8, 12, "DATE")])
    assert lives(s) == [("Trent", "February 14 , 1964", None)]


def test_a_pronunciation_is_no_node_and_the_birth_is_the_names():
    from mamakg.types import Drop

    # "Lars Ulrich (/ˈʌlrɪk/ UL-rik; born 26 December 1963) is a drummer": Match reads the
    # birth from the pronunciation
    s = parsed("Lars Ulrich ( /ˈʌlrɪk/ UL-rik ; born 26 December 1963 ) is a drummer .",
               [(0, 2, "PERSON"), (7, 10, "DATE")])
    s = dataclasses.replace(s, chunks=((0, 2), (3, 5), (12, 14)))
    candidate = Candidate(s, head=(3, 5), tail=(7, 10), relation=(6,), score=0.4, path=())
    m = annotate(to_mention(candidate), candidate, chunk_facts=True)
    done = resolve_mentions([m], Config.preset("default"))
    assert [why for _, why in done.dropped] == [Drop.NO_WORD]
    assert [(x.head_label, x.relation_key, x.tail_label) for x in done.mentions] == [
        ("Lars Ulrich", LIFE_START, "26 December 1963")]
    # a pronunciation for a relation, and the relation "pronounced", state no fact either
    dassault = parsed("Dassault Group [daˈso] owns GIMD", [(0, 2, "ORG"), (4, 5, "ORG")])
    dassault = dataclasses.replace(dassault, chunks=((0, 2), (4, 5)))
    said = mention_of(dassault, (0, 2), (4, 5), (2,))
    sen = parsed("Amartya Sen ( pronounced :o ) is an economist", [(0, 2, "PERSON")])
    sen = dataclasses.replace(sen, chunks=((0, 2), (4, 5)),
                              lemmas=tuple(w.lower() for w in sen.words[:3]) + (
                                  "pronounce",) + tuple(w.lower() for w in sen.words[4:]))
    pronounced = mention_of(sen, (0, 2), (4, 5), (3,))
    assert pronounced.relation_key == "pronounce"
    done = resolve_mentions([said, pronounced], Config.preset("default"))
    assert [why for _, why in done.dropped] == [Drop.NO_WORD] * 2


def test_a_bracket_whose_gloss_was_taken_out_still_holds_the_birth():
    # "Joyce Mina Godenzi (; born 1965)": spaCy keeps "(;" one token; "( ; born" is read too
    s = parsed("Joyce Mina Godenzi (; born 1965 ) is a former actress .",
               [(0, 3, "PERSON"), (5, 6, "DATE")])
    assert lives(s) == [("Joyce", "1965", None)]
    s = parsed("Joyce Mina Godenzi ( ; born 1965 ) is a former actress .",
               [(0, 3, "PERSON"), (6, 7, "DATE")])
    assert lives(s) == [("Joyce", "1965", None)]


def test_the_place_after_born_or_died_in_the_bracket_is_the_place_of_birth_or_death():
    def places(s):
        return [(d.key, d.date.text, d.label) for d in life_dates(s) if d.key in PLACE_KEYS.values()]

    s = parsed("Alan Edelman ( born June 1963 , Brooklyn , New York ) is a mathematician .",
               [(0, 2, "PERSON"), (4, 6, "DATE"), (7, 8, "GPE"), (9, 11, "GPE")])
    assert places(s) == [("birth in", "Brooklyn", "GPE")]
    # the recognizer's organization after "in" is the place the bracket says it is; a death
    s = parsed("Heinz Koelle ( born 22 July 1925 in Danzig , died 20 February 2011 in Berlin ) "
               "was an engineer .", [(0, 2, "PERSON"), (4, 7, "DATE"), (8, 9, "ORG"),
                                     (11, 14, "DATE"), (15, 16, "GPE")])
    assert places(s) == [("birth in", "Danzig", "GPE"), ("death in", "Berlin", "GPE")]
    # a name before the date is no place, nor a place after a comma without a date
    s = parsed("Gro Brundtland ( born Gro Harlem , 20 April 1939 ) is a politician .",
               [(0, 2, "PERSON"), (4, 6, "GPE"), (7, 10, "DATE")])
    assert places(s) == []
    mapper = KindMapper(lambda texts: [], known=("P19", "P20"))
    born, died = mapper.map([MapQuery("birth in", "born", "person", "place"),
                             MapQuery("death in", "died", "person", "place")])
    assert (born.pid, died.pid) == ("P19", "P20")


def test_a_relation_across_a_bracket_states_no_fact_its_readings_stand():
    from mamakg.types import Drop

    # "Irene Harand (6 September 1900 - 3 February 1975) was an activist": Match reads
    # "Harand | 1975) was | activist" across the bracket
    s = parsed("Irene Harand ( 6 September 1900 - 3 February 1975 ) was an activist .",
               [(0, 2, "PERSON"), (3, 6, "DATE"), (7, 10, "DATE")])
    s = dataclasses.replace(s, chunks=((0, 2), (12, 14)))
    candidate = Candidate(s, head=(0, 2), tail=(12, 14), relation=(9, 10, 11), score=0.4,
                          path=())
    m = annotate(to_mention(candidate), candidate, chunk_facts=True)
    assert m.relation.text == "1975 ) was"
    done = resolve_mentions([m], Config.preset("default"))
    assert [why for _, why in done.dropped] == [Drop.BRACKET_RELATION]
    assert [(x.head_label, x.relation_key, x.tail_label) for x in done.mentions] == [
        ("Irene Harand", LIFE_START, "6 September 1900"),
        ("Irene Harand", LIFE_END, "3 February 1975")]
    assert [x.head_label for x in done.named] == ["Irene Harand"]  # its names still count
    # a bracket opened in the relation and closed before the tail is part of it
    s = parsed("Anna collaborated with ( and was signed by ) Shapeshifters .",
               [(0, 1, "PERSON"), (9, 10, "ORG")])
    s = dataclasses.replace(s, chunks=((0, 1), (9, 10)))
    kept = mention_of(s, (0, 1), (9, 10), tuple(range(1, 8)))
    done = resolve_mentions([kept], Config.preset("default"))
    assert done.dropped == () and [x.tail_label for x in done.mentions] == ["Shapeshifters"]
    # without whole names (the paper's build) the mention stands
    paper = resolve_mentions([m], Config.preset("default", whole_names=False))
    assert Drop.BRACKET_RELATION not in [why for _, why in paper.dropped]


def test_born_and_died_read_their_own_dates_past_other_words():
    # a birth name before the date; a birth and a death in one bracket
    s = parsed("Gro Brundtland ( born Gro Harlem , 20 April 1939 ) is a politician .",
               [(0, 2, "PERSON"), (7, 10, "DATE")])
    assert lives(s) == [("Gro", "20 April 1939", None)]
    s = parsed("György Sárosi ( born on 5 August 1912 as Stefanicsics György , died on 20 June "
               "1993 ) was a footballer .",
               [(0, 2, "PERSON"), (5, 8, "DATE"), (14, 17, "DATE")])
    assert lives(s) == [("György", "5 August 1912", "20 June 1993")]
    # the date of death is no date of birth where the birth's date was not found
    s = parsed("Alberto Camenzind ( born Lugano 7 June 1914 , died Astano 29 September 2004 ) "
               "was an architect .", [(0, 2, "PERSON"), (11, 14, "DATE")])
    assert lives(s) == [("Alberto", None, "29 September 2004")]
    # nor is a date cut short
    s = parsed("Alberto Camenzind ( died Astano 29 September 2004 ) was an architect .",
               [(0, 2, "PERSON"), (6, 8, "DATE")])
    assert lives(s) == []
    # a birth name alone, then the date after a semicolon
    s = parsed("Henry Kissinger ( born Heinz Kissinger ; Born May 27 , 1923 ) is a diplomat .",
               [(0, 2, "PERSON"), (8, 12, "DATE")])
    assert lives(s) == [("Henry", "May 27 , 1923", None)]


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


def deps_parsed(text, pos, heads, deps, entities, lemmas=None):
    words = text.split()
    s = sentence(words, pos.split(), deps=deps.split(), lemmas=lemmas)
    return dataclasses.replace(s, heads=tuple(heads), entities=tuple(entities))


def test_a_birth_or_death_said_with_its_noun_has_its_date_or_place():
    # "After Miller 's death in 2007 , scientists examined the vials ."
    miller = deps_parsed(
        "After Miller 's death in 2007 , scientists examined the vials .",
        "ADP PROPN PART NOUN ADP NUM PUNCT NOUN VERB DET NOUN PUNCT",
        [8, 3, 1, 0, 3, 4, 8, 8, 8, 10, 8, 8],
        "prep poss case pobj prep pobj punct nsubj ROOT det dobj punct",
        [(1, 2, "PERSON"), (5, 6, "DATE")])
    m = mention_of(miller, (7, 8), (9, 11), (8,))
    assert read(event_readings(miller, m)) == [("Miller", "death", "death in", "2007", "2007")]
    # "the death of Scott Carpenter on October 10 , 2013": the "of" object, and "on"
    carpenter = deps_parsed(
        "With the death of Scott Carpenter on October 10 , 2013 , Glenn became senator .",
        "ADP DET NOUN ADP PROPN PROPN ADP PROPN NUM PUNCT NUM PUNCT PROPN VERB NOUN PUNCT",
        [13, 2, 0, 2, 5, 3, 2, 6, 7, 7, 7, 13, 13, 13, 13, 13],
        "prep det pobj prep compound pobj prep pobj nummod punct nummod punct nsubj ROOT "
        "attr punct", [(4, 6, "PERSON"), (7, 11, "DATE"), (12, 13, "PERSON")])
    m = mention_of(carpenter, (12, 13), (14, 15), (13,))
    assert [(r.head.text, r.relation_key, r.tail.text) for r in event_readings(carpenter, m)] \
        == [("Scott Carpenter", "death on", "October 10 , 2013")]
    # "her death in Vienna": a pronoun for the person (resolved later), a place
    vienna = deps_parsed("She wrote until her death in Vienna .",
                         "PRON VERB ADP PRON NOUN ADP PROPN PUNCT", [1, 1, 1, 4, 2, 4, 5, 1],
                         "nsubj ROOT prep poss pobj prep pobj punct",
                         [(6, 7, "GPE")], lemmas="she write until her death in vienna .".split())
    m = mention_of(vienna, (0, 1), (3, 5), (1, 2))
    assert [(r.head.text, r.head_type, r.relation_key, r.tail.text, r.tail_type)
            for r in event_readings(vienna, m)] == [("her", "PRON", "death in", "Vienna", "GPE")]


def test_an_event_noun_without_its_person_or_with_no_date_is_no_fact():
    # "gave birth to a son in 1990": no possessor, no "of" person
    birth = deps_parsed("She gave birth to a son in 1990 .",
                        "PRON VERB NOUN ADP DET NOUN ADP NUM PUNCT", [1, 1, 1, 2, 5, 3, 1, 6, 1],
                        "nsubj ROOT dobj prep det pobj prep pobj punct", [(7, 8, "DATE")])
    assert event_readings(birth, mention_of(birth, (0, 1), (4, 6), (1, 2, 3))) == ()
    # "the death of the king in battle": no person entity, no date or place
    battle = deps_parsed("He mourned the death of the king in battle .",
                         "PRON VERB DET NOUN ADP DET NOUN ADP NOUN PUNCT",
                         [1, 1, 3, 1, 3, 6, 4, 3, 7, 1],
                         "nsubj ROOT det dobj prep det pobj prep pobj punct", [])
    assert event_readings(battle, mention_of(battle, (0, 1), (2, 4), (1,))) == ()


def test_births_and_deaths_map_by_the_kind_of_their_tail():
    mapper = KindMapper(lambda texts: [], known=("P569", "P570", "P19", "P20"))
    found = mapper.map([MapQuery("death in", "death", "person", "date"),
                        MapQuery("birth in", "birth", "person", "place"),
                        MapQuery("death on", "death", "", "date"),
                        MapQuery("death in", "death", "organization", "date"),
                        MapQuery("death in", "death", "person", "person")])
    assert [m.pid if m else None for m in found] == ["P570", "P19", "P570", None, None]


def test_post_nominal_letters_between_the_name_and_its_dates_are_passed_over():
    s = parsed("Leonard Spath FRS ( 20 October 1882 – 2 March 1957 ) was a geologist .",
               [(0, 2, "PERSON"), (4, 7, "DATE"), (8, 11, "DATE")])
    assert lives(s) == [("Leonard", "20 October 1882", "2 March 1957")]
    m = mention_of(s, (0, 3), (14, 15), (12, 13))
    assert [r.head.text for r in life_readings(s, m)] == ["Leonard Spath"] * 2
    other = dataclasses.replace(s, words=("Leonard", "Spath", "FRIENDS", *s.words[3:]))
    assert lives(other) == []  # no such letters: the bracket is not right after the name
