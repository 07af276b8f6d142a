"""What node a head or tail chunk stands for (mamakg.mapping.arguments.node_span), the facts
read between the entities inside one chunk (chunk_readings), kinds agreed per document
(mamakg.mapping.facts.agreed_kinds), on hand-made sentences."""

from __future__ import annotations

import dataclasses

from mamakg.filters import to_mention
from mamakg.mapping.annotate import annotate
from mamakg.mapping.arguments import (
    GROUP_OF_PERSON,
    PLACE_IN_PLACE,
    chunk_readings,
    node_room,
    node_span,
)
from mamakg.mapping.facts import agreed_kinds
from mamakg.mapping.semantic import KindMapper, MapQuery
from mamakg.types import Candidate, Mention

from helpers import sentence


def parsed(words, pos, heads, deps, entities=(), chunks=()):
    s = sentence(words, pos, deps=deps, chunks=chunks)
    return dataclasses.replace(s, heads=tuple(heads), entities=tuple(entities))


def text(s, span):
    return None if span is None else " ".join(s.words[span[0]:span[1]])


def wodehouse():
    # "by British comic writer P. G. Wodehouse": Wodehouse heads the chunk
    return parsed(["by", "British", "comic", "writer", "P.", "G.", "Wodehouse"],
                  ["ADP", "ADJ", "ADJ", "NOUN", "PROPN", "PROPN", "PROPN"],
                  [0, 6, 3, 6, 6, 6, 0],
                  ["ROOT", "amod", "amod", "compound", "compound", "compound", "pobj"],
                  [(1, 2, "NORP"), (4, 7, "PERSON")])


def test_the_name_in_an_apposition_of_role_and_name_is_the_node():
    s = wodehouse()
    assert text(s, node_span(s, 1, 7)) == "P. G. Wodehouse"
    # "Mexican pop group RBD", the name in apposition to the root noun
    rbd = parsed(["Mexican", "pop", "group", "RBD"], ["ADJ", "NOUN", "NOUN", "PROPN"],
                 [2, 2, 2, 2], ["amod", "compound", "ROOT", "appos"],
                 [(0, 1, "NORP"), (3, 4, "ORG")])
    assert text(rbd, node_span(rbd, 0, 4)) == "RBD"


def test_a_name_before_a_noun_is_the_node_only_before_a_noun_for_its_kind():
    # "a fellow NASA astronaut": the chunk names an astronaut, not NASA (None: the chunk,
    # without its article, is the node)
    nasa = parsed(["a", "fellow", "NASA", "astronaut"], ["DET", "ADJ", "PROPN", "NOUN"],
                  [3, 3, 3, 3], ["det", "amod", "compound", "ROOT"], [(2, 3, "ORG")])
    assert node_span(nasa, 0, 4) is None
    # "the Ford company": a company is what Ford is
    ford = parsed(["the", "Ford", "company"], ["DET", "PROPN", "NOUN"], [2, 2, 2],
                  ["det", "compound", "ROOT"], [(1, 2, "ORG")])
    assert text(ford, node_span(ford, 0, 3)) == "Ford"
    # before a word of another entity, which the chunk cuts ("near Lithuania - October 16,
    # 1947"), the name stays the node
    month = parsed(["Lithuania", "-", "October", "16"], ["PROPN", "PUNCT", "PROPN", "NUM"],
                   [2, 2, 2, 2], ["compound", "punct", "ROOT", "nummod"],
                   [(0, 1, "GPE"), (2, 4, "DATE")])
    assert text(month, node_span(month, 0, 3)) == "Lithuania"
    no_date = dataclasses.replace(month, entities=((0, 1, "GPE"),))  # a month all the same
    assert text(no_date, node_span(no_date, 0, 3)) == "Lithuania"
    # a title written with capitals is no entity: "a United States Representative"
    title = parsed(["a", "United", "States", "Representative"], ["DET", "PROPN", "PROPN", "PROPN"],
                   [3, 2, 3, 3], ["det", "compound", "compound", "ROOT"], [(1, 3, "GPE")])
    assert node_span(title, 0, 4) is None


def test_a_date_inside_a_chunk_is_split_off():
    vienna = parsed(["Vienna", "on", "7", "November", "1878"],
                    ["PROPN", "ADP", "NUM", "PROPN", "NUM"],
                    [0, 0, 3, 1, 3], ["ROOT", "prep", "nummod", "pobj", "nummod"],
                    [(0, 1, "GPE"), (2, 5, "DATE")])
    assert text(vienna, node_span(vienna, 0, 5)) == "Vienna"
    company = parsed(["the", "company", "from", "1992", "to", "2006"],
                     ["DET", "NOUN", "ADP", "NUM", "ADP", "NUM"],
                     [1, 1, 1, 2, 2, 4], ["det", "ROOT", "prep", "pobj", "prep", "pobj"],
                     [(3, 6, "DATE")])
    assert text(company, node_span(company, 0, 6)) == "company"
    # a date chunk with a place after it: the node is the date (a value), the place a reading
    born = parsed(["13", "March", "1963", "in", "Medias"], ["NUM", "PROPN", "NUM", "ADP", "PROPN"],
                  [1, 1, 1, 1, 3], ["nummod", "ROOT", "nummod", "prep", "pobj"],
                  [(0, 3, "DATE"), (4, 5, "GPE")])
    assert text(born, node_span(born, 0, 5)) == "13 March 1963"


def test_a_name_or_date_that_ner_cut_short_is_the_whole_written_name():
    # NER's PERSON is "Khan" alone: the proper nouns before it belong to the name
    khan = parsed(["Sher", "Akbar", "Khan"], ["PROPN"] * 3, [2, 2, 2],
                  ["compound", "compound", "ROOT"], [(2, 3, "PERSON")])
    assert node_span(khan, 0, 3) is None
    # a nickname in brackets or quotes inside it; NER's pieces of one name are one name
    korsec = parsed(["Robert", "(", "Bob", ")", "Korsec"],
                    ["PROPN", "PUNCT", "PROPN", "PUNCT", "PROPN"], [4, 2, 4, 2, 4],
                    ["compound", "punct", "appos", "punct", "ROOT"],
                    [(0, 3, "PERSON"), (4, 5, "ORG")])
    assert node_span(korsec, 0, 5) is None
    # NER's entity starts at the nickname; a lone month word read as a date
    cricket = parsed(["Virginia", '"', "Cricket", '"', "Franche", "Jones"],
                     ["PROPN", "PUNCT", "PROPN", "PUNCT", "PROPN", "PROPN"], [5, 5, 5, 5, 5, 5],
                     ["compound", "punct", "compound", "punct", "compound", "ROOT"],
                     [(0, 1, "GPE"), (2, 6, "WORK_OF_ART")])
    assert node_span(cricket, 0, 6) is None
    august = parsed(["Mark", "August", "Stoermer"], ["PROPN"] * 3, [2, 2, 2],
                    ["compound", "compound", "ROOT"],
                    [(0, 1, "PERSON"), (1, 2, "DATE"), (2, 3, "PERSON")])
    assert node_span(august, 0, 3) is None
    # after it too, over name particles; not over "and" to another name
    esch = parsed(["Carl", "Joachim", "von", "der", "Esch"],
                  ["PROPN", "PROPN", "PROPN", "PROPN", "PROPN"], [4, 4, 4, 4, 4],
                  ["compound"] * 4 + ["ROOT"], [(0, 4, "PERSON")])
    assert node_span(esch, 0, 5) is None
    yusuf = parsed(["Yusuf", "ibn", "Is", "-", "haq", "ibn", "Ibrahim"],
                   ["PROPN", "PROPN", "PROPN", "PUNCT", "PROPN", "PROPN", "PROPN"],
                   [6, 6, 4, 4, 6, 6, 6], ["compound"] * 6 + ["ROOT"], [(5, 7, "PERSON")])
    assert node_span(yusuf, 0, 7) is None
    two = parsed(["Ann", "Lee", "and", "Bob", "Kay"], ["PROPN", "PROPN", "CCONJ", "PROPN", "PROPN"],
                 [1, 1, 1, 4, 1], ["compound", "ROOT", "cc", "compound", "conj"],
                 [(0, 2, "PERSON"), (3, 5, "PERSON")])
    assert text(two, node_span(two, 0, 5)) == "Ann Lee"
    # a place and the place it lies in: the first is the node ("Reno, in Nevada")
    reno = parsed(["Reno", ",", "Nevada"], ["PROPN", "PUNCT", "PROPN"], [2, 2, 2],
                  ["npadvmod", "punct", "ROOT"], [(0, 1, "GPE"), (2, 3, "GPE")])
    assert text(reno, node_span(reno, 0, 3)) == "Reno"
    # but not over a title or a nationality, whatever their tag
    title = parsed(["Ukrainian", "President", "Viktor", "Yanukovych"],
                   ["ADJ", "PROPN", "PROPN", "PROPN"], [3, 3, 3, 3],
                   ["amod", "compound", "compound", "ROOT"], [(0, 1, "NORP"), (2, 4, "PERSON")])
    assert text(title, node_span(title, 0, 4)) == "Viktor Yanukovych"
    meyer = parsed(["Dr.", "Meyer"], ["PROPN", "PROPN"], [1, 1], ["compound", "ROOT"],
                   [(1, 2, "PERSON")])
    assert text(meyer, node_span(meyer, 0, 2)) == "Meyer"
    # the day before a date's month: NER read "13" as a number of its own
    day = parsed(["13", "September", "1980", "in", "Dublin"],
                 ["NUM", "PROPN", "NUM", "ADP", "PROPN"], [1, 1, 1, 1, 3],
                 ["nummod", "ROOT", "nummod", "prep", "pobj"],
                 [(0, 1, "CARDINAL"), (1, 3, "DATE"), (4, 5, "GPE")])
    assert text(day, node_span(day, 0, 5)) == "13 September 1980"


def test_articles_and_possessives_go_and_names_keep_of():
    genet = parsed(["Jean", "Genet", "'s"], ["PROPN", "PROPN", "PART"], [1, 1, 1],
                   ["compound", "ROOT", "case"], [(0, 2, "PERSON")])
    assert text(genet, node_span(genet, 0, 3)) == "Jean Genet"
    toronto = parsed(["the", "University", "of", "Toronto"], ["DET", "PROPN", "ADP", "PROPN"],
                     [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], [(1, 4, "ORG")])
    assert node_span(toronto, 0, 4) is None  # the chunk is the name (its key drops "the")
    he = parsed(["He"], ["PRON"], [0], ["ROOT"])
    assert node_span(he, 0, 1) is None


def test_a_tail_extended_over_a_preposition_is_cut_to_its_first_entity():
    haakon = parsed(["King", "Haakon", "VII", "of", "Norway", "by", "Carl", "Anton", "Larsen"],
                    ["PROPN"] * 3 + ["ADP", "PROPN", "ADP"] + ["PROPN"] * 3,
                    [2, 2, 2, 2, 3, 2, 8, 8, 5],
                    ["compound", "compound", "ROOT", "prep", "pobj", "prep", "compound",
                     "compound", "pobj"],
                    [(1, 3, "PERSON"), (4, 5, "GPE"), (6, 9, "PERSON")])
    assert text(haakon, node_span(haakon, 0, 9)) == "Haakon VII"
    # a common noun's prepositional tail goes; "of" stays; "the city of X" is X
    cancer = parsed(["cancer", "in", "Coral", "Gables"], ["NOUN", "ADP", "PROPN", "PROPN"],
                    [0, 0, 3, 1], ["ROOT", "prep", "compound", "pobj"], [(2, 4, "GPE")])
    assert text(cancer, node_span(cancer, 0, 4)) == "cancer"
    houston = parsed(["the", "city", "of", "Houston"], ["DET", "NOUN", "ADP", "PROPN"],
                     [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], [(3, 4, "GPE")])
    assert text(houston, node_span(houston, 0, 4)) == "Houston"
    racer = parsed(["a", "German", "skeleton", "racer"], ["DET", "ADJ", "NOUN", "NOUN"],
                   [3, 3, 3, 3], ["det", "amod", "compound", "ROOT"], [(1, 2, "NORP")])
    assert text(racer, node_span(racer, 0, 4)) == "skeleton racer"  # German: a reading
    year = parsed(["McNamara", "'s", "best", "year"], ["PROPN", "PART", "ADJ", "NOUN"],
                  [3, 0, 3, 3], ["poss", "case", "amod", "ROOT"], [(0, 1, "PERSON")])
    assert text(year, node_span(year, 0, 4)) == "best year"
    member = parsed(["a", "member", "of", "the", "Senate"], ["DET", "NOUN", "ADP", "DET", "PROPN"],
                    [1, 1, 1, 4, 2], ["det", "ROOT", "prep", "det", "pobj"], [(3, 5, "ORG")])
    assert node_span(member, 0, 5) is None  # a member is not the Senate: the chunk stays


def test_annotate_keys_the_node_and_keeps_the_chunk():
    s = parsed(["Ann", "met", "British", "comic", "writer", "P.", "G.", "Wodehouse"],
               ["PROPN", "VERB", "ADJ", "ADJ", "NOUN", "PROPN", "PROPN", "PROPN"],
               [1, 1, 7, 4, 7, 7, 7, 1],
               ["nsubj", "ROOT", "amod", "amod", "compound", "compound", "compound", "dobj"],
               [(0, 1, "PERSON"), (2, 3, "NORP"), (5, 8, "PERSON")], chunks=[(0, 1), (2, 8)])
    candidate = Candidate(s, head=(0, 1), tail=(2, 8), relation=(1,), score=0.4, path=())
    plain = annotate(to_mention(candidate), candidate)
    m = annotate(to_mention(candidate), candidate, boundaries=True)
    assert plain.tail_key == "british comic writer p. g. wodehouse" and plain.tail_node is None
    assert m.tail.text == plain.tail.text  # the open relation's text keeps the chunk
    assert (m.tail_node.text, m.tail_key, m.tail_type) == ("P. G. Wodehouse",
                                                           "p. g. wodehouse", "PERSON")
    assert m.head_node is None and m.head_key == "ann"
    assert Mention.from_json(m.to_json()) == m
    # the nationality before the name is a reading of its own
    read = annotate(to_mention(candidate), candidate, boundaries=True, chunk_facts=True)
    inner = [r for r in read.readings if r.relation_key == GROUP_OF_PERSON]
    assert [(r.head.text, r.relation.text, r.tail.text, r.derived) for r in inner] == [
        ("P. G. Wodehouse", "comic writer", "British", True)]


def test_a_noun_that_relates_to_a_name_goes_into_the_relation():
    # "Ann was a member of the Senate": the node is the Senate, the relation "was a member of"
    s = parsed(["Ann", "was", "a", "member", "of", "the", "Senate"],
               ["PROPN", "AUX", "DET", "NOUN", "ADP", "DET", "PROPN"],
               [1, 1, 3, 1, 3, 6, 4], ["nsubj", "ROOT", "det", "attr", "prep", "det", "pobj"],
               [(0, 1, "PERSON"), (5, 7, "ORG")], chunks=[(0, 1), (2, 7)])
    candidate = Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=())
    m = annotate(to_mention(candidate), candidate, boundaries=True)
    assert (m.relation.text, m.tail.text) == ("was", "a member of the Senate")  # for CaRB
    assert (m.relation_node.text, m.relation_label, m.relation_key) == (
        "was a member of", "was a member of", "was member of")
    assert m.relation_pos == ("AUX", "DET", "NOUN", "ADP")
    assert (m.tail_node.text, m.tail_key, m.tail_type) == ("Senate", "senate", "ORG")
    assert not [r for r in m.readings if r.fact_key == m.fact_key]  # no reading repeats it
    assert Mention.from_json(m.to_json()) == m
    plain = annotate(to_mention(candidate), candidate)
    assert plain.relation_node is None and plain.tail_key == "member of the senate"

    def relation_of(words, pos, heads, deps, entities):
        n = len(words)
        s = parsed(["Ann", "was", *words], ["PROPN", "AUX", *pos], [1, 1, *heads],
                   ["nsubj", "ROOT", *deps], [(0, 1, "PERSON"), *entities],
                   chunks=[(0, 1), (2, n + 2)])
        c = Candidate(s, head=(0, 1), tail=(2, n + 2), relation=(1,), score=0.4, path=())
        m = annotate(to_mention(c), c, boundaries=True)
        return m.relation_label, m.tail_key

    # "of" and a name that ends the chunk, after nouns written in lower case: a value, a
    # nationality, a name the chunk goes on past, or a title are no such noun and name
    assert relation_of(["the", "eldest", "son", "of", "Paul", "Smith"],
                       ["DET", "ADJ", "NOUN", "ADP", "PROPN", "PROPN"], [4, 4, 1, 4, 7, 5],
                       ["det", "amod", "attr", "prep", "compound", "pobj"],
                       [(6, 8, "PERSON")]) == ("was the eldest son of", "paul smith")
    # past the words of a role the name holds, lower case or a nationality
    assert relation_of(["the", "daughter", "of", "former", "actor", "Paul", "Smith"],
                       ["DET", "NOUN", "ADP", "ADJ", "NOUN", "PROPN", "PROPN"],
                       [4, 1, 4, 6, 8, 8, 5], ["det", "attr", "prep", "amod", "compound",
                                               "compound", "pobj"],
                       [(7, 9, "PERSON")]) == ("was the daughter of", "paul smith")
    assert relation_of(["the", "wife", "of", "the", "American", "actor", "Tom", "Karyo"],
                       ["DET", "NOUN", "ADP", "DET", "ADJ", "NOUN", "PROPN", "PROPN"],
                       [4, 1, 4, 9, 9, 9, 9, 5], ["det", "attr", "prep", "det", "amod",
                                                  "compound", "compound", "pobj"],
                       [(6, 7, "NORP"), (8, 10, "PERSON")]) == ("was the wife of", "tom karyo")
    assert relation_of(["a", "town", "of", "2,218"], ["DET", "NOUN", "ADP", "NUM"],
                       [3, 1, 3, 4], ["det", "attr", "prep", "pobj"],
                       [(5, 6, "CARDINAL")]) == ("was", "town of 2,218")
    assert relation_of(["a", "friend", "of", "Americans"], ["DET", "NOUN", "ADP", "PROPN"],
                       [3, 1, 3, 4], ["det", "attr", "prep", "pobj"],
                       [(5, 6, "NORP")]) == ("was", "friend of americans")
    assert relation_of(["a", "fan", "of", "Rome", "'s", "team"],
                       ["DET", "NOUN", "ADP", "PROPN", "PART", "NOUN"], [3, 1, 3, 7, 5, 4],
                       ["det", "attr", "prep", "poss", "case", "pobj"],
                       [(5, 6, "GPE")])[0] == "was"
    assert relation_of(["President", "of", "Chile"], ["PROPN", "ADP", "PROPN"], [1, 2, 3],
                       ["attr", "prep", "pobj"], [(4, 5, "GPE")]) == ("was", "president of chile")


def test_readings_inside_one_chunk():
    s = parsed(["Fort", "Bend", "in", "Houston", ",", "Texas"],
               ["PROPN", "PROPN", "ADP", "PROPN", "PUNCT", "PROPN"],
               [1, 1, 1, 2, 3, 3], ["compound", "ROOT", "prep", "pobj", "punct", "appos"],
               [(0, 2, "FAC"), (3, 4, "GPE"), (5, 6, "GPE")], chunks=[(0, 2), (3, 6)])
    m = to_mention(Candidate(s, head=(0, 2), tail=(3, 6), relation=(2,), score=0.4, path=()))
    got = chunk_readings(s, m, (0, 2), (3, 6))
    assert [(r.head.text, r.relation.text, r.relation_key, r.tail.text) for r in got] == [
        ("Houston", ",", PLACE_IN_PLACE, "Texas")]
    lyon = parsed(["Lyon", "in", "the", "Rhone", "region"],
                  ["PROPN", "ADP", "DET", "PROPN", "NOUN"], [0, 0, 4, 4, 1],
                  ["ROOT", "prep", "det", "compound", "pobj"], [(0, 1, "GPE"), (2, 4, "LOC")])
    assert [(r.head.text, r.relation.text, r.tail.text) for r in
            chunk_readings(lyon, m, (0, 5), (0, 5))] == [("Lyon", "in", "the Rhone")]
    # no reading without role words between a nationality and a name, nor over a preposition
    s2 = parsed(["American", "Bob", "Smith"], ["ADJ", "PROPN", "PROPN"], [2, 2, 2],
                ["amod", "compound", "ROOT"], [(0, 1, "NORP"), (1, 3, "PERSON")])
    assert chunk_readings(s2, m, (0, 3), (0, 3)) == ()


def test_a_nationality_before_a_band_or_a_team_is_no_persons_citizenship():
    # the recognizer took the band, or the club ("the French side Lens"), for a person
    def read(role):
        words = ["He", "met", "the", "American", *role, "Wicked", "Wisdom"]
        n = len(words)
        s = parsed(words, ["PRON", "VERB", "DET", "ADJ", *(["NOUN"] * len(role)), "PROPN",
                           "PROPN"],
                   [1, 1, *([n - 1] * (n - 3)), n - 1],
                   ["nsubj", "ROOT", "det", "amod", *(["compound"] * len(role)), "compound",
                    "dobj"], [(3, 4, "NORP"), (n - 2, n, "PERSON")], chunks=[(0, 1), (2, n)])
        m = to_mention(Candidate(s, head=(0, 1), tail=(2, n), relation=(1,), score=0.4,
                                 path=()))
        return [(r.head.text, r.relation_key, r.tail.text)
                for r in chunk_readings(s, m, (0, 1), (2, n))]

    for role in (["heavy", "metal", "band"], ["side"], ["football", "club"]):
        assert read(role) == [], role
    # a person's role keeps the reading
    assert read(["heavy", "metal", "singer"]) == [("Wicked Wisdom", GROUP_OF_PERSON, "American")]


def test_a_place_in_a_place_maps_to_located_in():
    mapper = KindMapper(lambda texts: None, known=("P131",))
    found, person = mapper.map([MapQuery(PLACE_IN_PLACE, ",", "place", "place"),
                                MapQuery(PLACE_IN_PLACE, ",", "person", "place")])
    assert (found.pid, found.method) == ("P131", "kind")
    assert person.pid is None


def test_kinds_agree_within_a_document_only():
    s = sentence(["Lyon", "is", "in", "France"], ["PROPN", "AUX", "ADP", "PROPN"])

    def m(doc, head_kind, head="Lyon"):
        spans = [s.char_span(0, 1), s.char_span(1, 3), s.char_span(3, 4)]
        return Mention(doc, 0, s.text, 0, *spans, head.lower(), "be in", "france", 1.0,
                       head_type=head_kind, tail_type="GPE")

    doc = [m("a", "GPE"), m("a", "ORG"), m("a", "GPE"), m("a", "PRON", head="it")]
    assert [x.head_type for x in agreed_kinds(doc)] == ["GPE", "GPE", "GPE", "PRON"]
    assert [x.head_type for x in agreed_kinds([m("b", "ORG")])] == ["ORG"]


def test_dates_numbers_amounts_and_nationalities_leave_a_common_nouns_node():
    film = parsed(["a", "1936", "British", "film"], ["DET", "NUM", "ADJ", "NOUN"], [3, 3, 3, 3],
                  ["det", "nummod", "amod", "ROOT"], [(1, 2, "DATE"), (2, 3, "NORP")])
    assert text(film, node_span(film, 0, 4)) == "film"
    fans = parsed(["over", "10,000", "fans"], ["ADP", "NUM", "NOUN"], [1, 2, 2],
                  ["quantmod", "nummod", "ROOT"], [(0, 2, "CARDINAL")])
    assert text(fans, node_span(fans, 0, 3)) == "fans"
    # NER swept the noun into the number: only the number's words go
    accidents = parsed(["More", "than", "900", "motorcycle", "accidents"],
                       ["ADJ", "ADP", "NUM", "NOUN", "NOUN"], [2, 2, 4, 4, 4],
                       ["amod", "quantmod", "nummod", "compound", "ROOT"], [(0, 4, "CARDINAL")])
    assert text(accidents, node_span(accidents, 0, 5)) == "motorcycle accidents"
    tiers = parsed(["Serbian", "3rd", "tiers"], ["ADJ", "ADJ", "NOUN"], [2, 2, 2],
                   ["amod", "amod", "ROOT"], [(0, 1, "NORP")])  # no ORDINAL from NER
    assert text(tiers, node_span(tiers, 0, 3)) == "tiers"
    farm = parsed(["a", "288", "MW", "wind", "farm"], ["DET", "NUM", "PROPN", "NOUN", "NOUN"],
                  [4, 2, 4, 4, 4], ["det", "nummod", "nmod", "compound", "ROOT"])
    assert text(farm, node_span(farm, 0, 5)) == "wind farm"  # the unit the number counts
    tracks = parsed(["Several", "tracks"], ["ADJ", "NOUN"], [1, 1], ["amod", "ROOT"])
    assert text(tracks, node_span(tracks, 0, 2)) == "tracks"
    # a nationality after adjectives, and a country read as one
    maker = parsed(["a", "major", "Turkish", "weapons", "manufacturer"],
                   ["DET", "ADJ", "ADJ", "NOUN", "NOUN"], [4, 4, 4, 4, 4],
                   ["det", "amod", "amod", "compound", "ROOT"], [(2, 3, "NORP")])
    assert text(maker, node_span(maker, 0, 5)) == "weapons manufacturer"
    charts = parsed(["the", "U.S.", "country", "charts"], ["DET", "PROPN", "NOUN", "NOUN"],
                    [3, 2, 3, 3], ["det", "compound", "compound", "ROOT"], [(1, 2, "GPE")])
    assert text(charts, node_span(charts, 0, 4)) == "country charts"
    # a name NER missed (its root a proper noun) keeps its words: the chunk is the node
    league = parsed(["the", "Norwegian", "Premier", "League"], ["DET", "ADJ", "PROPN", "PROPN"],
                    [3, 3, 3, 3], ["det", "amod", "compound", "ROOT"], [(1, 2, "NORP")])
    assert node_span(league, 0, 4) is None
    census = parsed(["the", "1970", "Census"], ["DET", "NUM", "PROPN"], [2, 2, 2],
                    ["det", "nummod", "ROOT"], [(1, 2, "DATE")])
    assert node_span(census, 0, 3) is None


def test_a_persons_node_leaves_out_titles_ner_took_in():
    king = parsed(["King", "Prajadhipok"], ["PROPN", "PROPN"], [1, 1], ["compound", "ROOT"],
                  [(0, 2, "PERSON")])
    assert text(king, node_span(king, 0, 2)) == "Prajadhipok"
    saint = parsed(["St.", "Aspren"], ["PROPN", "PROPN"], [1, 1], ["compound", "ROOT"],
                   [(0, 2, "PERSON")])
    assert node_span(saint, 0, 2) is None  # a saint's name keeps "St."
    alone = parsed(["the", "King"], ["DET", "PROPN"], [1, 1], ["det", "ROOT"], [(1, 2, "PERSON")])
    assert node_span(alone, 0, 2) is None  # nothing but the title: it stays


def test_a_readings_node_leaves_out_what_ner_ran_past():
    # NER's person takes the possessive ending, or a bracket it does not close and an acronym
    for words, pos, heads, deps, person in [
            (["British", "writer", "Ann", "Lee", "'s"], ["ADJ", "NOUN", "PROPN", "PROPN", "PART"],
             [1, 3, 3, 3, 3], ["amod", "compound", "compound", "ROOT", "case"], (2, 5)),
            (["British", "writer", "Ann", "Lee", "(", "AL"],
             ["ADJ", "NOUN", "PROPN", "PROPN", "PUNCT", "PROPN"], [1, 3, 3, 3, 3, 3],
             ["amod", "compound", "compound", "ROOT", "punct", "appos"], (2, 6)),
            (["British", "writer", "King", "Ann", "Lee"], ["ADJ", "NOUN", "PROPN", "PROPN",
                                                          "PROPN"],
             [1, 4, 4, 4, 4], ["amod", "compound", "compound", "compound", "ROOT"], (2, 5))]:
        n = len(words) + 2  # "He met ..."
        s = parsed(["He", "met", *words], ["PRON", "VERB", *pos], [1, 1, *(h + 2 for h in heads)],
                   ["nsubj", "ROOT", *deps], [(2, 3, "NORP"), (person[0] + 2, person[1] + 2,
                                                               "PERSON")],
                   chunks=[(0, 1), (2, n)])
        m = to_mention(Candidate(s, head=(0, 1), tail=(2, n), relation=(1,), score=0.4,
                                 path=()))
        got, = chunk_readings(s, m, (0, 1), (2, n))
        assert got.head.text == " ".join(words[person[0]:person[1]])  # the text stays NER's
        assert (got.head_label, got.head_key) == ("Ann Lee", "ann lee")


def test_a_name_ner_found_across_the_chunks_edge_is_the_node_within_its_room():
    # "recorded at [Studio] 92 in Canada": the chunker cut NER's "Studio 92" short
    studio = parsed(["recorded", "at", "Studio", "92", "in", "Canada"],
                    ["VERB", "ADP", "PROPN", "NUM", "ADP", "PROPN"], [0, 0, 1, 2, 0, 4],
                    ["ROOT", "prep", "pobj", "nummod", "prep", "pobj"],
                    [(2, 4, "ORG"), (5, 6, "GPE")])
    room = node_room(studio, (2, 3), (5, 6), (4,))
    assert room == (0, 4)  # up to the relation "in"
    assert text(studio, node_span(studio, 2, 3, room)) == "Studio 92"
    assert node_span(studio, 2, 3) is None  # no room: the chunk
    assert node_span(studio, 2, 3, (2, 3)) is None  # "92" is the relation's: the chunk
    # before it too, a title's capitalised determiner kept ('"Take [a Letter Miss Smith]"')
    letter = parsed(["Take", "a", "Letter", "Miss", "Smith"], ["VERB", "DET", "PROPN", "PROPN",
                    "PROPN"], [0, 4, 4, 4, 0], ["ROOT", "det", "compound", "compound", "dobj"],
                    [(0, 5, "WORK_OF_ART")])
    assert text(letter, node_span(letter, 1, 5, (0, 5))) == "Take a Letter Miss Smith"
    # not into words no name is written with, nor past a bracket it opens and leaves open
    week = parsed(["Billboard", "Hot", "100", "for", "a", "week"],
                  ["PROPN", "PROPN", "NUM", "ADP", "DET", "NOUN"], [1, 1, 1, 1, 5, 3],
                  ["compound", "ROOT", "nummod", "prep", "det", "pobj"], [(0, 6, "ORG")])
    assert node_span(week, 0, 3, (0, 6)) is None
    punjabi = parsed(["Gujranwala", "(", "Punjabi"], ["PROPN", "PUNCT", "PROPN"], [0, 0, 0],
                     ["ROOT", "punct", "appos"], [(0, 3, "ORG")])
    assert node_span(punjabi, 0, 1, (0, 3)) is None  # cut at the bracket: the chunk itself


def test_a_name_before_a_common_noun_is_no_part_of_its_node():
    abba = parsed(["the", "first", "ABBA", "album"], ["DET", "ADJ", "PROPN", "NOUN"],
                  [3, 3, 3, 3], ["det", "amod", "compound", "ROOT"], [(1, 2, "ORDINAL")])
    assert text(abba, node_span(abba, 0, 4)) == "album"
    android = parsed(["their", "Android", "device"], ["PRON", "ADJ", "NOUN"], [2, 2, 2],
                     ["poss", "amod", "ROOT"], [(1, 2, "ORG")])
    assert text(android, node_span(android, 0, 3)) == "device"
    mascot = parsed(["Its", '"', "Scoopy", "Bee", '"', "mascot"],
                    ["PRON", "PUNCT", "PROPN", "PROPN", "PUNCT", "NOUN"], [5, 5, 3, 5, 5, 5],
                    ["poss", "punct", "compound", "nmod", "punct", "ROOT"])
    assert text(mascot, node_span(mascot, 0, 6)) == "mascot"
    # a capitalised root is a name ("The Dragon Quest Series"); an adjective that starts the
    # sentence is none ("Critical reception")
    series = parsed(["The", "Dragon", "Quest", "Series"], ["DET", "PROPN", "PROPN", "PROPN"],
                    [3, 3, 3, 3], ["det", "compound", "compound", "ROOT"])
    assert node_span(series, 0, 4) is None
    critical = parsed(["Critical", "reception"], ["ADJ", "NOUN"], [1, 1], ["amod", "ROOT"])
    assert node_span(critical, 0, 2) is None


def test_a_title_cut_at_its_of_is_the_whole_title_unless_ner_named_a_part():
    mess = parsed(["Mess", "of", "Blues", "is", "an", "album"],
                  ["NOUN", "ADP", "PROPN", "AUX", "DET", "NOUN"], [3, 0, 1, 3, 5, 3],
                  ["nsubj", "prep", "pobj", "ROOT", "det", "attr"])
    assert text(mess, node_span(mess, 0, 1, node_room(mess, (0, 1), (4, 6), (3,)))) == \
        "Mess of Blues"
    day = parsed(["Tony", "Day", "of", "Cape", "Town", "won"],
                 ["PROPN", "PROPN", "ADP", "PROPN", "PROPN", "VERB"], [1, 5, 1, 4, 2, 5],
                 ["compound", "nsubj", "prep", "compound", "pobj", "ROOT"],
                 [(0, 2, "PERSON"), (3, 5, "GPE")])
    assert node_span(day, 0, 2, (0, 5)) is None


def test_a_chunk_that_is_part_of_a_longer_name_is_not_cut_at_its_prepositions():
    # "Evaluating [Children on the Autism Spectrum]": NER's title runs back past the relation
    words = ["Autism", "Conversations", ":", "Evaluating", "Children", "on", "the", "Autism",
             "Spectrum"]
    book = parsed(words, ["PROPN", "NOUN", "PUNCT", "VERB", "NOUN", "ADP", "DET", "PROPN",
                          "PROPN"], [1, 1, 1, 1, 3, 4, 8, 8, 5],
                  ["compound", "ROOT", "punct", "acl", "dobj", "prep", "det", "compound",
                   "pobj"], [(0, 5, "WORK_OF_ART")])
    room = node_room(book, (4, 9), (0, 2), (3,))
    assert node_span(book, 4, 9, room) is None  # the chunk itself, not "Children"
    # a common noun's chunk is still cut there ("[company] from 1992")
    company = parsed(["the", "company", "from", "Lyon"], ["DET", "NOUN", "ADP", "PROPN"],
                     [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], [(3, 4, "GPE")])
    assert text(company, node_span(company, 0, 4, (0, 4))) == "company"


def test_a_word_written_with_hyphens_is_one_node():
    # "acted as the vice-president of ...": the chunk ends at the hyphen spaCy split off
    s = parsed(["acted", "as", "the", "vice", "-", "president", "of", "Austria"],
               ["VERB", "ADP", "DET", "NOUN", "NOUN", "NOUN", "ADP", "PROPN"],
               [0, 0, 3, 1, 1, 1, 5, 6], ["ROOT", "prep", "det", "pobj", "pobj", "pobj",
                                          "prep", "pobj"], [(7, 8, "GPE")])
    text_ = "acted as the vice-president of Austria"
    offsets = ((0, 5), (6, 8), (9, 12), (13, 17), (17, 18), (18, 27), (28, 30), (31, 38))
    s = dataclasses.replace(s, text=text_, offsets=offsets)
    room = node_room(s, (2, 4), (0, 0), (0, 1))
    assert s.char_span(*node_span(s, 2, 4, room)).text == "vice-president"
    assert node_span(s, 2, 4, (2, 4)) is None  # no room past the chunk: the chunk
    # words apart ("vice - president") are not one word
    apart = dataclasses.replace(s, text="acted as the vice - president of Austria",
                                offsets=((0, 5), (6, 8), (9, 12), (13, 17), (18, 19),
                                         (20, 29), (30, 32), (33, 40)))
    assert node_span(apart, 2, 4, room) is None  # "the vice": the chunk


def test_a_name_is_not_joined_to_the_word_its_hyphen_makes():
    # "the Belgrade-based club": Belgrade ends the node; "-based" is no part of the name
    s = parsed(["the", "Belgrade", "-", "based", "club"], ["DET", "PROPN", "PUNCT", "VERB",
               "NOUN"], [4, 3, 3, 4, 4], ["det", "npadvmod", "punct", "amod", "ROOT"],
               [(1, 2, "GPE")])
    s = dataclasses.replace(s, text="the Belgrade-based club",
                            offsets=((0, 3), (4, 12), (12, 13), (13, 18), (19, 23)))
    assert node_span(s, 0, 2, (0, 5)) is None  # the chunk: "Belgrade"


def test_a_generational_suffix_alone_is_the_name_before_it():
    # "Joseph Cooper Inman, [Jr.] (born 1947)": the chunker made "Jr." a chunk of its own
    inman = parsed(["Joseph", "Cooper", "Inman", ",", "Jr.", "(", "born", "1947", ")"],
                   ["PROPN", "PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT", "VERB", "NUM",
                    "PUNCT"], [2, 2, 6, 2, 2, 6, 6, 6, 6],
                   ["compound", "compound", "nsubj", "punct", "appos", "punct", "ROOT",
                    "npadvmod", "punct"], [(0, 3, "PERSON"), (7, 8, "DATE")])
    room = node_room(inman, (4, 5), (7, 8), (6,))
    assert text(inman, node_span(inman, 4, 5, room)) == "Joseph Cooper Inman , Jr."
    assert node_span(inman, 4, 5, (3, 5)) is None  # the name is the other chunk's: the chunk
    no_comma = parsed(["Pope", "John", "II"], ["PROPN", "PROPN", "PROPN"], [1, 1, 1],
                      ["compound", "ROOT", "appos"], [(0, 2, "PERSON")])
    assert node_span(no_comma, 2, 3, (0, 3)) is None


def test_a_clause_opened_by_where_is_not_said_of_the_place_it_modifies():
    from mamakg.normalize import clause_subject

    # "the United States where in 1986 Torres founded Estate": the parser took "Torres" for
    # the object of "in"; the clause says what happened in the place, not what the place did
    where = parsed(["States", "where", "in", "1986", "Torres", "founded", "Estate"],
                   ["PROPN", "SCONJ", "ADP", "NUM", "PROPN", "VERB", "PROPN"],
                   [0, 5, 5, 2, 2, 0, 5],
                   ["ROOT", "advmod", "prep", "pobj", "pobj", "relcl", "dobj"])
    assert clause_subject(where, 5, modified=True) == (None, 5)
    company = parsed(["company", "founded", "in", "1982"], ["NOUN", "VERB", "ADP", "NUM"],
                     [0, 0, 1, 2], ["ROOT", "acl", "prep", "pobj"])
    assert clause_subject(company, 1, modified=True) == (0, 1)  # "a company founded in 1982"
