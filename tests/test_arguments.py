"""What heads and tails are (NER types, pronouns) and the readings between the named entities
inside noun chunks (mamakg.mapping.arguments), on hand-made sentences."""

from __future__ import annotations

import dataclasses

from mamakg.filters import to_mention
from mamakg.mapping.annotate import annotate
from mamakg.mapping.arguments import (
    entity_core,
    listed_role_readings,
    narrow_readings,
    span_type,
    tail_cores,
)
from mamakg.types import Candidate

from helpers import sentence


def annotated(candidate, score=None, clause=False):
    """The mention of a candidate as the pipeline makes it: `to_mention`, then `annotate`."""
    return annotate(to_mention(candidate, score=score), candidate, clause=clause)


def kinsey(copula):
    """'Kinsey, a zoologist at Indiana University' (an apposition), or with `copula` 'Kinsey
    was a zoologist at Indiana University', parsed."""
    second, pos, lemma, deps = ("was", "AUX", "be", ["nsubj", "ROOT", "det", "attr"]) if copula \
        else (",", "PUNCT", ",", ["ROOT", "punct", "det", "appos"])
    k = sentence(["Kinsey", second, "a", "zoologist", "at", "Indiana", "University"],
                 ["PROPN", pos, "DET", "NOUN", "ADP", "PROPN", "PROPN"],
                 deps=[*deps, "prep", "compound", "pobj"],
                 lemmas=["kinsey", lemma, "a", "zoologist", "at", "indiana", "university"],
                 chunks=[(0, 1), (2, 4), (5, 7)])
    heads = (1, 1, 3, 1, 3, 6, 4) if copula else (0, 0, 3, 0, 3, 6, 4)
    return dataclasses.replace(k, heads=heads, entities=((0, 1, "PERSON"), (5, 7, "ORG")))


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


def test_a_nationality_before_a_work_or_organization_is_no_value():
    # "Deltora Quest is a Japanese anime series based on ...": the series is Japanese
    s = sentence(["Deltora", "Quest", "is", "a", "Japanese", "anime", "series", "based", "on"],
                 ["PROPN", "PROPN", "AUX", "DET", "ADJ", "NOUN", "NOUN", "VERB", "ADP"],
                 lemmas=["deltora", "quest", "be", "a", "japanese", "anime", "series", "base",
                         "on"], chunks=[(0, 2), (3, 7)])
    s = dataclasses.replace(s, heads=(1, 2, 2, 6, 6, 6, 2, 6, 7),
                            entities=((0, 2, "PERSON"), (4, 5, "NORP")))
    assert tail_cores(s, 3, 7) == []
    # a noun the tagger made a verb of goes on with the phrase: "a Danish team handball
    # player" is a person's nationality
    team = sentence(["is", "a", "Danish", "team", "handball", "player"],
                    ["AUX", "DET", "ADJ", "NOUN", "VERB", "NOUN"], chunks=[(1, 4)])
    team = dataclasses.replace(team, heads=(0, 3, 3, 0, 3, 4),
                               entities=((2, 3, "NORP"),))
    assert tail_cores(team, 1, 4) == [(2, 3, "NORP")]
    # nor is a work one of several words before a person's noun: "a Latvian opera, song and
    # concert soprano"
    opera = sentence(["is", "a", "Latvian", "opera", ",", "song", "and", "concert", "soprano"],
                     ["AUX", "DET", "ADJ", "NOUN", "PUNCT", "NOUN", "CCONJ", "NOUN", "NOUN"],
                     chunks=[(1, 4)])
    opera = dataclasses.replace(opera, heads=(0, 3, 3, 0, 3, 3, 5, 8, 5),
                                entities=((2, 3, "NORP"),))
    assert tail_cores(opera, 1, 4) == [(2, 3, "NORP")]


def test_a_name_that_says_whose_role_is_no_value():
    # "co-founded by Starbucks CEO Howard Schultz": founded by Schultz, not by Starbucks
    s = sentence(["founded", "by", "Starbucks", "CEO", "Howard", "Schultz"],
                 ["VERB", "ADP", "PROPN", "PROPN", "PROPN", "PROPN"], chunks=[(2, 6)])
    s = dataclasses.replace(s, heads=(0, 0, 3, 5, 5, 1),
                            entities=((2, 3, "ORG"), (4, 6, "PERSON")))
    assert tail_cores(s, 2, 6) == [(4, 6, "PERSON")]
    # a name right before the phrase's own is none ("headquartered in Tulsa Oklahoma",
    # "worked at Henry Ford's River Rouge Plant")
    tulsa = sentence(["in", "Tulsa", "Oklahoma"], ["ADP", "PROPN", "PROPN"], chunks=[(1, 3)])
    tulsa = dataclasses.replace(tulsa, heads=(0, 2, 0),
                                entities=((1, 2, "GPE"), (2, 3, "GPE")))
    assert tail_cores(tulsa, 1, 3) == [(1, 2, "GPE"), (2, 3, "GPE")]
    # nor one joined to it by a particle of names ("married Dawud ibn Urwah ibn Mas'ud")
    ibn = sentence(["married", "Dawud", "ibn", "Urwah", "ibn", "Masud"],
                   ["VERB", "PROPN", "PROPN", "PROPN", "PROPN", "PROPN"], chunks=[(1, 6)])
    ibn = dataclasses.replace(ibn, heads=(0, 5, 5, 5, 5, 0),
                              entities=((1, 4, "PERSON"), (5, 6, "PERSON")))
    assert tail_cores(ibn, 1, 6) == [(1, 4, "PERSON"), (5, 6, "PERSON")]


def test_readings_between_entities():
    s = obama()
    candidate = Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=())
    m = annotated(candidate, score=1.0)
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
    assert annotated(candidate).readings == ()
    both_whole = Candidate(s, head=(0, 1), tail=(6, 7), relation=(1, 2, 3, 4, 5), score=0.4,
                           path=())
    assert narrow_readings(s, annotated(both_whole), (0, 1), (6, 7), (1, 2, 3, 4, 5)) == ()


def test_mention_record_round_trip_with_readings():
    from mamakg.types import Mention

    s = obama()
    m = annotated(Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=()),
                  score=1.0)
    assert Mention.from_json(m.to_json()) == m


def professor():
    """'He was professor of mathematics at MIT', parsed: Match reads 'mathematics | at | MIT'."""
    s = sentence(["He", "was", "professor", "of", "mathematics", "at", "MIT"],
                 ["PRON", "AUX", "NOUN", "ADP", "NOUN", "ADP", "PROPN"],
                 deps=["nsubj", "ROOT", "attr", "prep", "pobj", "prep", "pobj"],
                 lemmas=["he", "be", "professor", "of", "mathematic", "at", "mit"],
                 chunks=[(0, 1), (4, 5), (6, 7)])
    return dataclasses.replace(s, heads=(1, 1, 1, 2, 3, 2, 5), entities=((6, 7, "ORG"),))


def test_clause_readings_join_a_tail_to_the_subject_of_its_clause():
    s = professor()
    candidate = Candidate(s, head=(4, 5), tail=(6, 7), relation=(5,), score=0.4, path=())
    assert annotated(candidate).readings == ()  # off unless asked for
    m = annotated(candidate, clause=True)
    got = [(r.head.text, r.head_type, r.relation.text, r.relation_key, r.tail.text, r.tail_type)
           for r in m.readings]
    # the relation's text runs from the predicate to the tail; its key keeps the path's words
    assert got == [("He", "PRON", "was professor of mathematics at", "be professor at", "MIT",
                    "ORG")]
    for r in m.readings:
        for span in (r.head, r.relation, r.tail):
            assert r.sentence[span.start:span.end] == span.text


def test_clause_readings_through_a_possessor_and_an_apposition():
    # "his wife Christina": the possessor is the subject of the relation noun
    s = sentence(["Bob", "met", "his", "wife", "Christina"],
                 ["PROPN", "VERB", "PRON", "NOUN", "PROPN"],
                 deps=["nsubj", "ROOT", "poss", "dobj", "appos"],
                 lemmas=["bob", "meet", "his", "wife", "christina"], chunks=[(0, 1), (2, 5)])
    s = dataclasses.replace(s, heads=(1, 1, 3, 1, 3),
                            entities=((0, 1, "PERSON"), (4, 5, "PERSON")))
    candidate = Candidate(s, head=(0, 1), tail=(2, 5), relation=(1,), score=0.4, path=())
    got = [(r.head.text, r.relation.text, r.tail.text)
           for r in annotated(candidate, clause=True).readings]
    assert ("his", "wife", "Christina") in got
    # "Kinsey, a zoologist at Indiana University": the noun an appositive stands beside
    k = kinsey(copula=False)
    candidate = Candidate(k, head=(2, 4), tail=(5, 7), relation=(4,), score=0.4, path=())
    got = [(r.head.text, r.relation.text, r.relation_key, r.tail.text)
           for r in annotated(candidate, clause=True).readings]
    assert got == [("Kinsey", "zoologist at", "zoologist at", "Indiana University")]


def test_no_clause_reading_without_a_named_or_pronoun_subject():
    s = professor()
    common = dataclasses.replace(s, words=("Bob",) + s.words[1:], pos=("NOUN",) + s.pos[1:])
    candidate = Candidate(common, head=(4, 5), tail=(6, 7), relation=(5,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()  # "Bob" is no entity here
    unparsed = dataclasses.replace(s, heads=())
    candidate = Candidate(unparsed, head=(4, 5), tail=(6, 7), relation=(5,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()


def test_a_role_noun_the_tail_modifies_is_the_relation():
    # "McGuire is a British Labour Party politician": the party modifies "politician"
    s = sentence(["McGuire", "is", "a", "British", "Labour", "Party", "politician"],
                 ["PROPN", "AUX", "DET", "ADJ", "PROPN", "PROPN", "NOUN"],
                 deps=["nsubj", "ROOT", "det", "amod", "compound", "compound", "attr"],
                 lemmas=["mcguire", "be", "a", "british", "labour", "party", "politician"],
                 chunks=[(0, 1), (2, 7)])
    s = dataclasses.replace(s, heads=(1, 1, 6, 6, 5, 6, 1), entities=(
        (0, 1, "PERSON"), (3, 4, "NORP"), (4, 6, "ORG")))
    candidate = Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=())
    narrow = [(r.relation.text, r.relation_key, r.tail.text)
              for r in annotated(candidate).readings]
    assert ("is a British", "be", "Labour Party") in narrow  # between the entities: a copula
    got = [(r.relation.text, r.relation_key, r.tail.text)
           for r in annotated(candidate, clause=True).readings]
    assert ("politician", "be politician", "Labour Party") in got  # the clause says more
    assert ("is a British", "be", "Labour Party") not in got


def test_a_name_before_someone_elses_noun_is_no_value():
    def tails(verb, prep, noun, label):
        """The tails of the readings of "Smith <verb> [<prep>] a Name <noun>"."""
        words = ["Smith", verb, *([prep] if prep else []), "a", "Name", noun]
        n = len(words)
        s = sentence(words, ["PROPN", "VERB", *(["ADP"] if prep else []), "DET", "PROPN", "NOUN"],
                     deps=["nsubj", "ROOT", *(["prep"] if prep else []), "det", "compound",
                           "pobj" if prep else "dobj"],
                     lemmas=[w.lower().removesuffix("ed") for w in words],
                     chunks=[(0, 1), (n - 3, n)])
        s = dataclasses.replace(s, heads=(1, 1, *([1] if prep else []), n - 1, n - 1, n - 4),
                                entities=((0, 1, "PERSON"), (n - 2, n - 1, label)))
        candidate = Candidate(s, head=(0, 1), tail=(n - 3, n), relation=tuple(range(1, n - 3)),
                              score=0.4, path=())
        return {r.tail.text for r in annotated(candidate, clause=True).readings}

    # "married a Hollywood actress", "married to a NASA astronaut": the name is the other's
    assert "Name" not in tails("married", None, "actress", "GPE")
    assert "Name" not in tails("married", "to", "astronaut", "ORG")
    # a noun that says what the subject is keeps its name: "worked as a NASA engineer"
    assert "Name" in tails("worked", "as", "engineer", "ORG")
    # so does a place that holds where the verb happened: "died in a Paris hospital"
    assert "Name" in tails("died", "in", "hospital", "GPE")
    assert "Name" not in tails("died", "in", "hospital", "ORG")
    # and a noun for the name's own kind, where the name is the node: "joined the Ford company",
    # "crosses the Loire river"
    assert "Name" in tails("joined", None, "company", "ORG")
    assert "Name" in tails("crosses", None, "river", "LOC")


def test_annotate_keeps_the_relation_parts_of_speech_for_the_store_only():
    from mamakg.types import Mention

    s = obama()
    m = annotated(Candidate(s, head=(0, 1), tail=(2, 7), relation=(1,), score=0.4, path=()))
    assert m.relation_pos == (s.pos[1],)
    assert Mention.from_json(m.to_json()) == m  # the store's encoding keeps it
    assert "relation_pos" not in m.to_record() and "relation_pos" not in m.to_record(keys=False)
    assert all(r.relation_pos and len(r.relation_pos) == len(r.relation.text.split())
               for r in m.readings)


def huber():
    """'Huber died in Munich in 1975 .', parsed: both prepositions hang on the verb."""
    s = sentence(["Huber", "died", "in", "Munich", "in", "1975", "."],
                 ["PROPN", "VERB", "ADP", "PROPN", "ADP", "NUM", "PUNCT"],
                 deps=["nsubj", "ROOT", "prep", "pobj", "prep", "pobj", "punct"],
                 lemmas=["huber", "die", "in", "munich", "in", "1975", "."],
                 chunks=[(0, 1), (3, 4), (5, 6)])
    return dataclasses.replace(s, heads=(1, 1, 1, 2, 1, 4, 1),
                               entities=((0, 1, "PERSON"), (3, 4, "GPE"), (5, 6, "DATE")))


def readings_of(m):
    return [(r.head.text, r.relation.text, r.relation_key, r.tail.text) for r in m.readings]


def test_a_reading_past_another_entity_leaves_out_the_preposition_that_brings_it_in():
    s = huber()
    # Match ran the tail on over "Munich in 1975": the date is read with the verb's own "in"
    candidate = Candidate(s, head=(0, 1), tail=(3, 6), relation=(1, 2), score=0.4, path=())
    assert ("Huber", "died in Munich in", "die in", "1975") in readings_of(annotated(candidate))


def test_a_verb_takes_a_date_or_place_besides_its_tail():
    s = huber()
    candidate = Candidate(s, head=(0, 1), tail=(3, 4), relation=(1, 2), score=0.4, path=())
    assert annotated(candidate).readings == ()  # with clause readings only
    assert readings_of(annotated(candidate, clause=True)) == [("Huber", "died", "die in", "1975")]
    # a date that is the mention's own tail is no second one
    dated = Candidate(s, head=(0, 1), tail=(5, 6), relation=(1, 2, 3, 4), score=0.4, path=())
    assert all(r.tail.text != "1975" for r in annotated(dated, clause=True).readings)


def test_a_reading_beside_the_tail_leaves_its_mention_to_be_mapped():
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_mentions

    s = huber()
    candidate = Candidate(s, head=(0, 1), tail=(3, 4), relation=(1, 2), score=0.4, path=())
    m = annotated(candidate, clause=True)
    done = resolve_mentions([m], Config.preset("default"))
    own, reading = done.mentions
    assert (own.tail.text, own.readings, reading.tail.text) == ("Munich", (), "1975")


def test_a_verb_with_an_object_gives_its_date_to_no_subject():
    # "Parton released the song in 1978": the date is the song's as much as hers
    s = sentence(["Parton", "released", "the", "song", "in", "1978"],
                 ["PROPN", "VERB", "DET", "NOUN", "ADP", "NUM"],
                 deps=["nsubj", "ROOT", "det", "dobj", "prep", "pobj"],
                 lemmas=["parton", "release", "the", "song", "in", "1978"],
                 chunks=[(0, 1), (2, 4), (5, 6)])
    s = dataclasses.replace(s, heads=(1, 1, 3, 1, 1, 4),
                            entities=((0, 1, "PERSON"), (5, 6, "DATE")))
    candidate = Candidate(s, head=(0, 1), tail=(2, 4), relation=(1,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()


def frechette(conjunct="CEO", after=("of", "Sabex")):
    """'Fréchette was President & CEO of Sabex', parsed as the tagger does: "of" on the first
    role, the second role a conjunct of it."""
    words = ["Fréchette", "was", "President", "&", conjunct, *after]
    s = sentence(words, ["PROPN", "AUX", "PROPN", "CCONJ", "PROPN", "ADP", "PROPN"][:len(words)],
                 deps=["nsubj", "ROOT", "attr", "cc", "conj", "prep", "pobj"][:len(words)],
                 lemmas=["fréchette", "be", *(w.lower() for w in words[2:])],
                 chunks=[(0, 1), (2, 3), (4, 5), (6, 7)])
    return dataclasses.replace(s, heads=(1, 1, 1, 2, 2, 2, 5)[:len(words)],
                               entities=((0, 1, "PERSON"), (6, 7, "ORG")))


def test_roles_joined_by_and_share_the_of_after_the_last():
    s = frechette()
    candidate = Candidate(s, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4, path=())
    assert annotated(candidate).readings == ()  # with clause readings only
    assert readings_of(annotated(candidate, clause=True)) == [
        ("Fréchette", "was President & CEO of", "be president & ceo of", "Sabex"),
        ("Fréchette", "CEO of", "ceo of", "Sabex")]
    # a name among the roles, or no name after the "of", or another word before it: none
    s = dataclasses.replace(frechette("Ford"), entities=((0, 1, "PERSON"), (4, 5, "ORG"),
                                                         (6, 7, "ORG")))
    candidate = Candidate(s, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()
    s = dataclasses.replace(frechette(), entities=((0, 1, "PERSON"),))
    candidate = Candidate(s, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()
    # "at" is no "of" that completes each role: the last role alone is held at the name
    # (`listed_role_readings`)
    s = frechette(after=("at", "Sabex"))
    candidate = Candidate(s, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4, path=())
    assert readings_of(annotated(candidate, clause=True)) == [
        ("Fréchette", "CEO at", "be ceo at", "Sabex")]
    # a role that says nothing of the head (no predicate noun): none
    s = dataclasses.replace(frechette(), deps=("nsubj", "ROOT", "dobj", "cc", "conj", "prep",
                                               "pobj"))
    candidate = Candidate(s, head=(0, 1), tail=(2, 3), relation=(1,), score=0.4, path=())
    assert annotated(candidate, clause=True).readings == ()


def dan():
    """'Dan and his wife Carol established the Fund', parsed: the wife is joined to Dan."""
    s = sentence(["Dan", "and", "his", "wife", "Carol", "established", "the", "Fund"],
                 ["PROPN", "CCONJ", "PRON", "NOUN", "PROPN", "VERB", "DET", "PROPN"],
                 deps=["nsubj", "cc", "poss", "conj", "appos", "ROOT", "det", "dobj"],
                 lemmas=["dan", "and", "his", "wife", "carol", "establish", "the", "fund"],
                 chunks=[(0, 1), (2, 5), (6, 8)])
    return dataclasses.replace(s, heads=(5, 0, 3, 0, 3, 5, 7, 5),
                               entities=((0, 1, "PERSON"), (4, 5, "PERSON"), (6, 8, "ORG")))


def test_a_possessed_noun_and_its_name_are_read_wherever_the_sentence_says_them():
    # Match joined Dan and the Fund; the wife's chunk is no mention's, yet its fact is read,
    # with Dan for "his": a possessive pronoun after "and" stands for the name before it
    s = dan()
    candidate = Candidate(s, head=(0, 1), tail=(6, 8), relation=(5,), score=0.4, path=())
    assert annotated(candidate).readings == ()  # with clause readings only
    assert ("Dan", "wife", "wife", "Carol") in readings_of(annotated(candidate, clause=True))
    # not joined by "and": the pronoun stays, for the resolver ("met his wife Carol")
    s = dataclasses.replace(dan(), deps=("nsubj", "cc", "poss", "dobj", "appos", "ROOT",
                                         "det", "dobj"))
    candidate = Candidate(s, head=(0, 1), tail=(6, 8), relation=(5,), score=0.4, path=())
    assert ("his", "wife", "wife", "Carol") in readings_of(annotated(candidate, clause=True))
    # a second name after the possessed noun's own is a list, not the wife
    s = sentence(["Nell", "and", "his", "brother", "Louis", ",", "Charles", "Lorensz"],
                 ["PROPN", "CCONJ", "PRON", "NOUN", "PROPN", "PUNCT", "PROPN", "PROPN"],
                 deps=["pobj", "cc", "poss", "conj", "appos", "punct", "compound", "appos"],
                 chunks=[(0, 1), (2, 5), (6, 8)])
    s = dataclasses.replace(s, heads=(0, 0, 3, 0, 3, 3, 7, 3), entities=(
        (0, 1, "PERSON"), (4, 5, "PERSON"), (6, 8, "PERSON")))
    candidate = Candidate(s, head=(0, 1), tail=(2, 5), relation=(1,), score=0.4, path=())
    got = [(h, t) for h, _, _, t in readings_of(annotated(candidate, clause=True))]
    assert ("Nell", "Louis") in got and ("Nell", "Charles Lorensz") not in got


def aigburth():
    """'Born in Aigburth , Liverpool , Parry played' with the names the recognizer found."""
    s = sentence(["Born", "in", "Aigburth", ",", "Liverpool", ",", "Parry", "played"],
                 ["VERB", "ADP", "PROPN", "PUNCT", "PROPN", "PUNCT", "PROPN", "VERB"],
                 deps=["advcl", "prep", "pobj", "punct", "appos", "punct", "nsubj", "ROOT"],
                 chunks=[(2, 3), (4, 5), (6, 7)])
    return dataclasses.replace(s, heads=(7, 0, 1, 2, 2, 7, 7, 7),
                               entities=((2, 3, "GPE"), (4, 5, "GPE"), (6, 7, "PERSON")))


def test_a_relation_that_cuts_a_name_states_no_fact_only_its_readings():
    from mamakg.config import Config
    from mamakg.mapping.arguments import cuts_a_name
    from mamakg.mapping.resolve import resolve_mentions
    from mamakg.types import Drop, Mention

    s = aigburth()
    through = annotated(Candidate(s, head=(2, 3), tail=(6, 7), relation=(4,), score=0.4,
                                  path=()))
    assert through.cuts_name  # "Aigburth | Liverpool | Parry": the relation is a name
    assert Mention.from_json(through.to_json()) == through  # the store keeps the mark
    assert "cuts_name" not in through.to_record()  # the graph's records do not
    # a name inside a longer relation is no cut; a name running on into the tail is one
    assert not cuts_a_name(s, (3, 4, 5))
    tail_cut = dataclasses.replace(s, entities=((2, 3, "GPE"), (4, 7, "PERSON")))
    assert cuts_a_name(tail_cut, (3, 4, 5))
    # a span the recognizer took over a lower-case verb is a clause, not a name
    clause = sentence(["Graeme", "founded", "Xanitos"], ["PROPN", "VERB", "PROPN"],
                      chunks=[(0, 1), (2, 3)])
    clause = dataclasses.replace(clause, entities=((0, 3, "WORK_OF_ART"),))
    assert not cuts_a_name(clause, (1,))

    from mamakg.types import TextSpan

    reading = dataclasses.replace(  # "Aigburth | , | Liverpool", as a place reading reads it
        through, relation=TextSpan(",", 17, 18), tail=TextSpan("Liverpool", 19, 28),
        relation_key=",", tail_key="liverpool", tail_type="GPE", derived=True,
        cuts_name=False, relation_pos=("PUNCT",))
    cut = dataclasses.replace(through, readings=(reading,))
    done = resolve_mentions([cut], Config.preset("default"))
    assert done.mentions == (reading,)  # only the reading stands
    assert [why for _, why in done.dropped] == [Drop.NAME_RELATION]
    kept = resolve_mentions([cut], Config.preset("default", whole_names=False))
    assert [m.relation.text for m in kept.mentions] == ["Liverpool", ","]
    assert kept.dropped == ()


def gillard():
    """'Frank Gillard CBE was a BBC executive' with the recognizer's names as the build keeps
    them (its "Frank Gillard CBE" cut before the letters: `mamakg.parse.honours_cut`)."""
    s = sentence(["Frank", "Gillard", "CBE", "was", "a", "BBC", "executive"],
                 ["PROPN", "PROPN", "PROPN", "AUX", "DET", "PROPN", "NOUN"],
                 deps=["compound", "compound", "nsubj", "ROOT", "det", "compound", "attr"],
                 lemmas=["frank", "gillard", "cbe", "be", "a", "bbc", "executive"],
                 chunks=[(0, 3), (4, 7)])
    return dataclasses.replace(s, heads=(2, 2, 3, 3, 6, 6, 3),
                               entities=((0, 2, "PERSON"), (5, 6, "ORG")))


def test_post_nominal_letters_are_no_part_of_a_name_and_stand_for_it_alone():
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_mentions
    from mamakg.parse import honours_cut
    from mamakg.types import Drop

    assert honours_cut([(0, 3, "PERSON"), (5, 6, "ORG")], list(gillard().words)) == \
        list(gillard().entities)
    s = gillard()
    c = Candidate(s, head=(0, 3), tail=(4, 7), relation=(3,), score=0.4, path=())
    m = annotate(to_mention(c), c, clause=True, boundaries=True)
    assert m.head_label == "Frank Gillard"  # the parser's root of the chunk is "CBE"
    # the clause's subject is the letters: the reading is said of the name they follow
    assert [(r.head_label, r.relation_key, r.tail_label) for r in m.readings] == [
        ("Frank Gillard", "be executive", "BBC")]

    # letters in a chunk of their own, after a comma, stand for the name before them
    knight = sentence(["Gowin", "Knight", ",", "FRS", ",", "was", "a", "physicist"],
                      ["PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT", "AUX", "DET", "NOUN"],
                      chunks=[(0, 2), (3, 4), (6, 8)])
    knight = dataclasses.replace(knight, entities=((0, 2, "PERSON"),))
    c = Candidate(knight, head=(3, 4), tail=(6, 8), relation=(5,), score=0.4, path=())
    letters = annotate(to_mention(c), c, boundaries=True)
    assert letters.head_label == "Gowin Knight"
    # where no name comes before them, they are no head at all
    bare = annotate(to_mention(c), c)
    assert bare.head_label == "FRS"
    done = resolve_mentions([bare, letters], Config.preset("default"))
    assert [why for _, why in done.dropped] == [Drop.NO_WORD]
    assert [x.head_label for x in done.mentions] == ["Gowin Knight"]

    # a reading's relation from the name opens after the letters ("Gowin Knight FRS (born")
    from mamakg.mapping.arguments import reading

    born = sentence(["Gowin", "Knight", "FRS", "(", "born", "1713", ")"],
                    ["PROPN", "PROPN", "PROPN", "PUNCT", "VERB", "NUM", "PUNCT"],
                    lemmas=["gowin", "knight", "frs", "(", "bear", "1713", ")"],
                    chunks=[(0, 3), (5, 6)])
    born = dataclasses.replace(born, entities=((0, 2, "PERSON"), (5, 6, "DATE")))
    m = to_mention(Candidate(born, head=(0, 3), tail=(5, 6), relation=(4,), score=0.4,
                             path=()))
    r = reading(born, m, ((0, 2), "PERSON"), [2, 3, 4], [2, 3, 4], (5, 6, "DATE"))
    assert (r.head.text, r.relation.text, r.relation_key) == ("Gowin Knight", "( born", "bear")


def reischauer():
    """'Reischauer was an American educator and professor at Harvard University', parsed as
    spaCy does: the "at" hangs on the list's first noun."""
    s = sentence(["Reischauer", "was", "an", "American", "educator", "and", "professor", "at",
                  "Harvard", "University"],
                 ["PROPN", "AUX", "DET", "ADJ", "NOUN", "CCONJ", "NOUN", "ADP", "PROPN", "PROPN"],
                 deps=["nsubj", "ROOT", "det", "amod", "attr", "cc", "conj", "prep", "compound",
                       "pobj"],
                 lemmas=["reischauer", "be", "an", "american", "educator", "and", "professor",
                         "at", "harvard", "university"],
                 chunks=[(0, 1), (2, 5), (8, 10)])
    return dataclasses.replace(s, heads=(1, 1, 4, 4, 1, 4, 4, 4, 9, 7), entities=(
        (0, 1, "PERSON"), (3, 4, "NORP"), (8, 10, "ORG")))


def test_a_role_listed_after_the_copulas_noun_is_held_at_the_name_its_preposition_takes():
    # Match read "Reischauer | was | an American educator"; the professor's school is no
    # mention's chunk, yet the sentence says he holds that role there
    s = reischauer()
    candidate = Candidate(s, head=(0, 1), tail=(2, 5), relation=(1,), score=0.4, path=())
    assert ("Reischauer", "professor at", "be professor at", "Harvard University") in \
        readings_of(annotated(candidate, clause=True))
    # the copula's own noun with the preposition is the mention's tail, not a listed role
    alone = kinsey(copula=True)
    m = to_mention(Candidate(alone, head=(0, 1), tail=(2, 4), relation=(1,), score=0.4, path=()))
    assert listed_role_readings(alone, m) == ()
    # no copula: "an educator and professor at Harvard University visited Reischauer"
    verb = dataclasses.replace(s, lemmas=(*s.lemmas[:1], "visit", *s.lemmas[2:]))
    m = to_mention(Candidate(verb, head=(0, 1), tail=(2, 5), relation=(1,), score=0.4, path=()))
    assert listed_role_readings(verb, m) == ()
