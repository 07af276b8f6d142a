"""Relation mapping by meaning (mamakg.mapping.semantic, mamakg.mapping.vectors), on tiny
hand-made vectors; one test uses the shipped vectors and the bundled model."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest

from mamakg.mapping.properties import value_kinds
from mamakg.mapping.semantic import MapQuery, SemanticMapper, kind_of
from mamakg.mapping.vectors import (
    PROPERTY_GRID,
    QUERY_GRID,
    PropertyVectors,
    build_property_vectors,
    candidate_rows,
    cosines,
    on_grid,
)

ROWS = [
    {"pid": "P19", "label": "place of birth", "description": "where born", "aliases": "born in",
     "datatype": "WikibaseItem", "usage_count": "1000"},
    {"pid": "P569", "label": "date of birth", "description": "when born", "aliases": "born on",
     "datatype": "Time", "usage_count": "1000"},
    {"pid": "P26", "label": "spouse", "description": "husband or wife", "aliases": "married to",
     "datatype": "WikibaseItem", "usage_count": "100"},
]
AXES = {"birth": 0, "marriage": 1, "other": 2}
TEXTS = {  # each text's meaning as a direction
    "place of birth": [1, 0, 0.2], "born in": [1, 0, 0], "place of birth: where born": [1, 0, .3],
    "date of birth": [1, 0, 0.3], "born on": [1, 0, 0.1], "date of birth: when born": [1, 0, .3],
    "spouse": [0, 1, 0], "married to": [0, 1, 0.1], "spouse: husband or wife": [0, 1, 0.2],
    "born at": [1, 0, 0.05], "wed": [0.1, 1, 0], "likes": [0.3, 0.3, 1],
}


def embed(texts):
    rows = np.array([TEXTS.get(t, [0.1, 0.1, 1]) for t in texts], dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def mapper():
    vectors = build_property_vectors(embed, "fake", ROWS)
    return SemanticMapper(vectors, embed, rows=ROWS, min_score=0.5)


def test_meaning_and_value_type_pick_the_property(mapper):
    place, date, wed = mapper.map([MapQuery("bear at", "was born at", "person", "place"),
                                   MapQuery("bear at", "was born at", "person", "date"),
                                   MapQuery("wed", "wed", "person", "person")])
    assert (place.pid, place.method) == ("P19", "embedding")
    assert date.pid == "P569"  # a date tail: only time-valued properties take part
    assert wed.pid == "P26"
    assert place.evidence[0] == ("phrase", "born at")
    assert "cosine" in place.evidence[1][1]


def test_a_date_value_needs_a_year_a_day_or_a_century(mapper):
    from mamakg.mapping.mapper import MapChain
    from mamakg.mapping.properties import PropertyIndex

    chain = MapChain([mapper], PropertyIndex(ROWS))
    query = MapQuery("bear on", "was born on", "person", "date")
    assert chain.relation(query, "Ann", "2 September 1961")[0].pid == "P569"
    assert chain.relation(query, "Ann", "June 5")[0].pid == "P569"
    # an age, a time of day or a month alone, which the recognizer calls dates, are none
    for tail in ("the age of 81", "8:38 a.m.", "September"):
        relation, _ = chain.relation(query, "Ann", tail)
        assert relation.pid is None and relation.label == "was born on"


def test_a_person_or_place_valued_property_takes_a_name(mapper):
    from mamakg.mapping.mapper import MapChain
    from mamakg.mapping.properties import PropertyIndex

    rows = [dict(row, description="place where the person was born") if row["pid"] == "P19"
            else row for row in ROWS]
    chain = MapChain([mapper], PropertyIndex(rows))
    query = MapQuery("bear in", "born in", "person", "place")
    assert chain.relation(query, "Ann", "Kettering")[0].pid == "P19"
    assert chain.relation(query, "Ann", "東京")[0].pid == "P19"  # a script without case
    # a common noun is no place of birth ("was born in a small town"), nor anyone's
    relation, _ = chain.relation(query, "Ann", "small town")
    assert relation.pid is None and relation.label == "born in"


def _answering(pid, score, method, inverse=False):
    """A chain of one mapper that answers `pid` to every query."""
    from mamakg.mapping.mapper import MapChain, Mapping

    class Fixed:
        def prepare(self, queries, compare=True):
            pass

        def map(self, queries):
            return [Mapping(pid, score, method, inverse=inverse) for _ in queries]

    return MapChain([Fixed()])


def test_no_person_is_the_subject_of_a_property_of_works():
    from mamakg.mapping.mapper import MapMethod

    def chain(pid, inverse=False, method=MapMethod.EMBEDDING):
        return _answering(pid, 0.9, method, inverse)

    played = MapQuery("play in", "played in", "person", "organization")
    relation, _ = chain("P840").relation(played, "Fred Barakat", "Eastern League")
    assert relation.pid is None and relation.label == "played in"  # no narrative location
    # nor is one anything's intended public, nor an edition of a work
    designed = MapQuery("design for", "designed for", "person", "organization")
    assert chain("P2360").relation(designed, "C.W. Dickey", "Halekulani Hotel")[0].pid is None
    edition = MapQuery("be edition of", "was an edition of", "person", "work")
    assert chain("P629").relation(edition, "Geraint Bowen", "Gwssanaeth")[0].pid is None
    directed = MapQuery("direct by", "directed by", "work", "person")
    assert chain("P57").relation(directed, "Ocean Waves", "Tomomi Mochizuki")[0].pid == "P57"
    # read backwards the subject is the tail: "Mochizuki directed Ocean Waves"
    active = MapQuery("direct", "directed", "person", "work")
    relation, inverse = chain("P57", inverse=True).relation(active, "Mochizuki", "Ocean Waves")
    assert (relation.pid, inverse) == ("P57", True)
    both = MapQuery("direct", "directed", "person", "person")
    assert chain("P57", inverse=True).relation(both, "Mochizuki", "Ann")[0].pid is None
    # a property of people stays; the knowledge base's own choice stands
    assert chain("P108").relation(played, "Fred Barakat", "Eastern League")[0].pid == "P108"
    distant = chain("P840", method=MapMethod.DISTANT)
    assert distant.relation(played, "Fred Barakat", "Eastern League")[0].pid == "P840"


def test_a_leader_of_an_organization_is_its_value_not_its_subject():
    from mamakg.mapping.mapper import MapMethod

    def chain(pid, inverse=False):
        return _answering(pid, 0.9, MapMethod.EMBEDDING, inverse)

    # "Eugenio Garza was chairman of the board of the Monterrey Institute"
    query = MapQuery("be chairman of board of", "was chairman of the board of", "person",
                     "organization")
    relation, inverse = chain("P3320").relation(query, "Eugenio Garza", "Monterrey Institute")
    assert (relation.pid, inverse) == ("P3320", True)
    assert any(why == "direction" for why, _ in relation.evidence)
    # read backwards already, it reads forwards: "Sunrun's founder Lynn Jurich"
    founder = MapQuery("found", "founded", "organization", "person")
    relation, inverse = chain("P112", inverse=True).relation(founder, "Sunrun", "Lynn Jurich")
    assert (relation.pid, inverse) == ("P112", False)
    # an organization's own leader, a person's place, and a person as the other end stand
    led = MapQuery("be lead by", "is led by", "organization", "person")
    assert chain("P488").relation(led, "Acme", "Ann")[1] is False
    place = MapQuery("be head of", "was head of", "person", "place")
    assert chain("P6").relation(place, "Ann", "Oslo")[1] is False
    assert chain("P3320").relation(dataclasses.replace(query, tail_kind="person"), "Ann",
                                   "Bob")[1] is False
    # "by" says which end is the founder, whatever the recognizer called either end
    by = MapQuery("found by", "was founded by", "person", "organization")
    assert chain("P112").relation(by, "Bob's Coins", "Robert Korsec")[1] is False


def test_a_territory_that_names_a_body_of_water_is_read_as_water():
    from mamakg.mapping.mapper import MapMethod

    chain = _answering("P131", 1.0, MapMethod.KIND)  # "located in", as a place reading does
    query = MapQuery(", in", ",", "place", "place")
    bay, _ = chain.relation(query, "Angel Island", "San Francisco Bay")
    assert (bay.pid, bay.pid_label) == ("P206", "located in or next to body of water")
    assert "body of water" in bay.evidence[-1][1]
    for land in ("Marin County", "Lake County"):
        assert chain.relation(query, "San Rafael", land)[0].pid == "P131"


def test_a_membership_of_a_political_party_is_read_as_party_membership():
    """Wikidata states membership of a party with member of political party (P102), not
    member of (P463)."""
    from mamakg.mapping.mapper import MapMethod

    chain = _answering("P463", 0.9, MapMethod.EMBEDDING)  # "member of"
    query = MapQuery("be member of", "is a member of", "person", "organization")
    for party in ("the Labour Party", "Communist Party of China"):
        found, _ = chain.relation(query, "Robinson", party)
        assert (found.pid, found.pid_label) == ("P102", "member of political party")
        assert "political party" in found.evidence[-1][1]
    for other in ("the Royal Society", "the Tea Party movement"):
        assert chain.relation(query, "Robinson", other)[0].pid == "P463"
    assert chain.relation(query, "Robinson", "a search party")[0].pid != "P102"


def test_a_child_of_someone_is_their_child_whichever_parent_they_are():
    """Wikidata gives father and mother both the aliases "son of", "daughter of": the phrase
    says whose child the head is, not the parent's sex."""
    from mamakg.mapping.mapper import MapMethod

    query = MapQuery("be son of", "was a son of", "person", "person")
    for parent in ("P22", "P25"):
        chain = _answering(parent, 1.0, MapMethod.ALIAS)
        found, inverse = chain.relation(query, "Jérôme Bonaparte", "Elizabeth Patterson")
        assert (found.pid, found.pid_label, inverse) == ("P40", "child", True)
        assert "child" in found.evidence[-1][1]
    father = MapQuery("be father of", "is the father of", "person", "person")
    found, inverse = _answering("P22", 1.0, MapMethod.EMBEDDING, inverse=True).relation(
        father, "Christopher Bateman", "Ray Bateman")
    assert (found.pid, inverse) == ("P22", True)  # a parent's own noun stays as it maps
    found, inverse = _answering("P22", 1.0, MapMethod.DISTANT).relation(
        query, "Jérôme Bonaparte", "Elizabeth Patterson")
    assert (found.pid, inverse) == ("P22", False)  # the knowledge base's own choice stands


def test_a_kind_of_place_in_a_place_lies_in_it(mapper):
    village, state, person = mapper.map([
        MapQuery("be village in", "is a village in", "person", "place"),  # NER: a person
        MapQuery("be country in", "is a sovereign country in", "place", "place"),
        MapQuery("be village in", "is a village in", "place", "person")])
    assert (village.pid, village.method) == ("P131", "kind")
    assert state.pid != "P131"  # a sovereign state lies on a continent, in no territory
    assert person.pid != "P131"


def test_a_native_of_a_place_was_born_there(mapper):
    of, noun, plants, organization = mapper.map([
        MapQuery("be native of", "is a native of", "person", "place"),
        MapQuery("be native", "native", "person", "place"),  # "is a Tampa native"
        MapQuery("be native to", "is native to", "", "place"),  # a species' range
        MapQuery("be native of", "is a native of", "organization", "place")])
    assert (of.pid, of.method) == ("P19", "kind")
    assert (noun.pid, noun.method) == ("P19", "kind")
    assert plants.pid != "P19" and organization.pid != "P19"


def test_exact_alias_counts_as_a_perfect_match(mapper):
    (found,) = mapper.map([MapQuery("bear in", "born in", "person", "place")])
    assert (found.pid, found.method) == ("P19", "alias")


def test_abstains_below_the_threshold_and_scores_are_probabilities(mapper):
    (vague,) = mapper.map([MapQuery("like", "likes", "person", "person")])
    assert vague.pid is None and 0 < vague.score < 0.5
    assert vague.method == "none"


def test_kinds():
    assert kind_of("PERSON") == "person"
    assert kind_of("CARDINAL", "1961") == "date"
    assert kind_of("") == ""


def test_vectors_save_and_load():
    vectors = build_property_vectors(embed, "fake", ROWS)
    buffer = io.BytesIO()
    vectors.save(buffer)  # type: ignore[arg-type]
    buffer.seek(0)
    back = PropertyVectors.load(buffer)
    assert back.pids == vectors.pids and back.name_text == vectors.name_text
    assert np.allclose(back.names, vectors.names, atol=1e-3)
    assert back.check(ROWS) and not back.check(ROWS[:2])
    best, which = back.name_scores(embed(["married to"]))
    assert back.pids[int(best[0].argmax())] == "P26"
    assert back.name_text[int(which[0][int(best[0].argmax())])] == "married to"


def test_shipped_vectors_fit_the_shipped_table():
    vectors = PropertyVectors.bundled()
    assert vectors.check(), "rebuild with: python scripts/build_property_vectors.py"
    assert len(vectors) == len(candidate_rows())
    assert np.allclose(np.linalg.norm(vectors.names, axis=1), 1.0, atol=1e-2)


@pytest.mark.real_model
def test_bundled_model_maps_plain_phrases():
    from mamakg.attention import Embedder

    embedder = Embedder()
    mapper = SemanticMapper(PropertyVectors.bundled(), embedder.embed, min_score=0.5)
    got = mapper.map([MapQuery("marry", "married", "person", "person"),
                      MapQuery("be headquarter in", "is headquartered in", "organization",
                               "place"),
                      MapQuery("bear", "born", "person", "date")])
    assert [g.pid for g in got] == ["P26", "P159", "P569"]


def test_a_negated_phrase_and_a_bare_copula_map_to_no_property(mapper):
    negated, copula = mapper.map([MapQuery("not bear in", "was not born in", "person", "place"),
                                  MapQuery("be", "was", "person", "place")])
    assert negated.pid is None and ("negated", "a negated phrase states no property") in \
        negated.evidence
    assert copula.pid is None and copula.evidence[-1][0] == "copula"


def test_a_bare_have_maps_to_no_property():
    rows = ROWS + [{"pid": "P828", "label": "has cause", "description": "has cause",
                    "aliases": "", "datatype": "WikibaseItem", "usage_count": "100"}]
    # "had" reads as near "has cause" as an exact name: only the rule keeps it open
    mapper = _mapper_with(rows, {"had": [0, 0, 1], "has cause": [0, 0, 1]}, None)
    had, caused = mapper.map([MapQuery("have", "also had", "person", "person"),
                              MapQuery("have cause", "had cause", "event", "event")])
    assert had.pid is None and had.evidence[-1][0] == "light verb"
    assert caused.pid == "P828"
    mapper = _mapper_with(rows, {"also called": [0, 0, 1], "has cause": [0, 0, 1]}, None)
    called, = mapper.map([MapQuery("also call", "also called", "person", "person")])
    assert called.pid is None and called.evidence[-1][0] == "light verb"


def test_a_phrase_that_gives_another_name_maps_to_no_property(mapper):
    named, known_for = mapper.map([
        MapQuery("today know as", "is today known as", "organization", "organization"),
        MapQuery("know for", "is known for", "person", "")])
    assert named.pid is None and named.evidence[-1][0] == "name"
    assert known_for.evidence[-1][0] != "name"


def _mapper_with(rows, texts, default):
    """A mapper over `rows` whose embedding gives each text of `texts` its direction, and
    `default` (a direction, or the `TEXTS` fallback when None) to any other text."""

    def embed_texts(items):
        out = np.array([texts.get(t, TEXTS.get(t, [0.1, 0.1, 1]) if default is None else default)
                        for t in items], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return SemanticMapper(build_property_vectors(embed_texts, "fake", rows), embed_texts,
                          rows=rows, min_score=0.5)


def test_a_copula_between_a_person_and_a_group_reads_the_group():
    rows = ROWS + [
        {"pid": pid, "label": label, "description": label, "aliases": "",
         "datatype": "WikibaseItem", "usage_count": "100"}
        for pid, label in (("P27", "country of citizenship"), ("P102", "member of political party"),
                           ("P140", "religion or worldview"))]
    texts = {"nationality": [1, 0, 0], "political party": [0, 1, 0], "religion": [0, 0, 1],
             "Dutch": [1, 0.1, 0.1], "Republican": [0.1, 1, 0.2]}

    mapper = _mapper_with(rows, texts, [0.3, 0.3, 0.3])
    dutch, party, org = mapper.map([
        MapQuery("be", "was", "person", "group", "Dutch"),
        MapQuery("be", "is a", "person", "group", "Republican"),
        MapQuery("be", "is", "organization", "group", "Dutch")])
    assert (dutch.pid, dutch.method) == ("P27", "kind") and dutch.score > 0.9
    assert party.pid == "P102"
    assert org.pid is None  # only a person's group says citizenship, party or religion


def test_a_role_at_an_organization_reads_the_organization():
    rows = ROWS + [
        {"pid": pid, "label": label, "description": label, "aliases": "",
         "datatype": "WikibaseItem", "usage_count": "100"}
        for pid, label in (("P108", "employer"), ("P463", "member of"),
                           ("P102", "member of political party"), ("P54", "member of sports team"),
                           ("P69", "educated at"))]
    texts = {"company": [1, 0, 0], "political party": [0, 1, 0], "association": [0.5, 0.5, 0.7],
             "sports team": [0, 0, 1], "school": [0.2, 0.2, 0.2],
             "Kyoto University": [1, 0.1, 0.1], "Labour Party": [0.1, 1, 0.1],
             "Broadway Arts Center": [0, 0, 1]}

    mapper = _mapper_with(rows, texts, [0.3, 0.3, 0.3])
    joined, rejoined, entered = mapper.map([  # joining takes a place in the organization
        MapQuery("join", "joined", "person", "organization", "Labour Party"),
        MapQuery("rejoin", "later rejoined", "person", "organization", "Kyoto University"),
        MapQuery("enter", "entered", "person", "organization", "Labour Party")])
    assert (joined.pid, joined.method) == ("P102", "kind")
    assert (rejoined.pid, rejoined.method) == ("P108", "kind")
    assert entered.method != "kind"
    taught, teaching = mapper.map([  # who teaches at a school works there
        MapQuery("teach at", "taught at", "person", "organization", "Kyoto University"),
        MapQuery("begin teach at", "began teaching at", "person", "organization",
                 "Kyoto University")])
    assert (taught.pid, taught.method) == ("P108", "kind")
    assert (teaching.pid, teaching.method) == ("P108", "kind")
    # whatever kind of place the recognizer took the school for; and employment, whatever
    # the school's name is nearest ("Hollins", "Broadway Arts Center")
    building, town = mapper.map([
        MapQuery("teach at", "taught at", "person", "place", "Broadway Arts Center"),
        MapQuery("join faculty at", "joined the faculty at", "person", "place", "Labour Party")])
    assert (building.pid, building.method) == ("P108", "kind")
    assert (town.pid, town.method) == ("P108", "kind")
    assert mapper.map([MapQuery("live at", "lived at", "person", "place", "Labour Party")])[
        0].method != "kind"  # any other phrase of a place is read by its meaning
    joined_staff, member = mapper.map([  # so does one on its faculty, its teaching staff
        MapQuery("join faculty of", "joined the faculty of", "person", "organization",
                 "Kyoto University"),
        MapQuery("be faculty member at", "is a faculty member at", "person", "organization",
                 "Kyoto University")])
    assert (joined_staff.pid, joined_staff.method) == ("P108", "kind")
    assert (member.pid, member.method) == ("P108", "kind")
    prof, party, student, acted, company, who = mapper.map([
        MapQuery("be professor at", "was a professor at", "person", "organization",
                 "Kyoto University"),
        MapQuery("be politician", "politician", "person", "organization", "Labour Party"),
        MapQuery("be student at", "was a graduate student at", "person", "organization",
                 "Kyoto University"),
        MapQuery("act at", "acted at", "person", "organization", "Kyoto University"),
        MapQuery("be supplier for", "is a supplier for", "organization", "organization",
                 "Kyoto University"),
        MapQuery("be", "is", "person", "organization", "Kyoto University")])
    assert (prof.pid, prof.method) == ("P108", "kind")
    assert "'Kyoto University' is nearest 'company'" in dict(prof.evidence)["types"]
    assert party.pid == "P102"  # "a British [Labour Party] politician": the party's role
    assert (student.pid, student.score) == ("P69", 1.0)
    assert acted.method != "kind"  # a verb, not a role: mapped by meaning
    assert company.method != "kind"  # only a person holds a role
    assert who.pid is None  # "X is Acme" names no role


def test_a_role_is_told_from_a_verb_by_the_parse_where_asked():
    """By default a role is guessed from strings ("put" is its own lemma, so "was put at"
    reads as a role, and "professors" is not, so "was professors at" does not); with
    `role_by_pos` the parts of speech of the surface decide."""
    from mamakg.mapping.semantic import _kind_reading

    put = MapQuery("be put at", "was put at", "person", "organization", "Acme",
                   surface_pos=("AUX", "VERB", "ADP"))
    professors = MapQuery("be professor at", "were professors at", "person", "organization",
                          "Acme", surface_pos=("AUX", "NOUN", "ADP"))
    assert _kind_reading(put) and not _kind_reading(professors)  # the string guess
    assert not _kind_reading(put, by_pos=True) and _kind_reading(professors, by_pos=True)
    unknown = MapQuery("be put at", "was put at", "person", "organization", "Acme")
    assert _kind_reading(unknown, by_pos=True) == _kind_reading(unknown)  # no parse: the guess


def test_a_phrase_nearest_a_property_that_states_no_fact_stays_open():
    """A property Wikidata uses only to qualify another's statement ("acquisition
    transaction"), or one about the wiki itself ("stated in", a source), still competes, so
    that a phrase nearest it is nearest no other, but the relation stays open; a property
    that may also be a qualifier is stated as any other."""
    from mamakg.mapping.properties import PropertyIndex, states_no_fact

    rows = ROWS + [
        {"pid": "P1642", "label": "acquisition transaction", "description": "how the player "
         "was acquired; qualifier for P54 (member of sports team)", "aliases": "acquired",
         "datatype": "WikibaseItem", "usage_count": "40000"},
        {"pid": "P248", "label": "stated in", "description": "to be used in the references "
         "field to refer to the information document or database in which a claim is made",
         "aliases": "source", "datatype": "WikibaseItem", "usage_count": "40000"},
        {"pid": "P748", "label": "appointed by", "description": "who appointed the person to "
         "the office, can be used as a qualifier", "aliases": "", "datatype": "WikibaseItem",
         "usage_count": "3000"}]
    texts = {"acquired": [-1, -1, 1], "acquisition transaction": [-1, -1, 1],
             "acquisition transaction: how the player was acquired; qualifier for P54 (member "
             "of sports team)": [-1, -1, 1],
             "stated in": [-1, 1, -1], "source": [-1, 1, -1], "stated in: to be used in the "
             "references field to refer to the information document or database in which a "
             "claim is made": [-1, 1, -1],
             "appointed by": [1, -1, 0.1], "appointed by: who appointed the person to the "
             "office, can be used as a qualifier": [1, -1, 0.1]}
    assert [states_no_fact(r["label"], r["description"]) for r in rows[3:]] == [
        True, True, False]

    mapper = _mapper_with(rows, texts, None)
    acquired, stated, appointed = mapper.map([
        MapQuery("acquire", "acquired", "organization", "organization", "Bolt"),
        MapQuery("state in", "stated in", "person", "organization", "a memo"),
        MapQuery("appoint by", "appointed by", "person", "person", "Ann")])
    for found, pid in ((acquired, "P1642"), (stated, "P248")):
        assert found.pid is None and found.evidence[-1][0] == "no fact"
        assert pid in found.evidence[1][1]  # the nearest property, said in the evidence
    assert appointed.pid == "P748"
    index = PropertyIndex(rows)  # the string matcher leaves them open too
    assert index.match("acquired", "acquire") is None
    assert index.match("stated in", "state in") is None
    assert index.match("appointed by", "appoint by").pid == "P748"


def test_a_property_whose_value_is_a_person_takes_no_organization():
    rows = ROWS + [
        {"pid": "P1066", "label": "student of", "description": "person who has taught this person",
         "aliases": "professor", "datatype": "WikibaseItem", "usage_count": "100"}]
    texts = {"professor": [0, 0, 1], "student of": [0, 0.2, 1],
             "student of: person who has taught this person": [0, 0.2, 1]}

    mapper = _mapper_with(rows, texts, None)
    teacher, school, unknown = mapper.map([
        MapQuery("professor", "professor", "person", "person"),
        MapQuery("professor", "professor", "person", "organization", "MIT"),
        MapQuery("professor", "professor", "person", "")])
    assert teacher.pid == "P1066"
    assert school.pid is None  # a university is no one's teacher
    assert unknown.pid == "P1066"  # a tail of unknown kind excludes nothing


def test_a_student_is_a_person():
    # P802's description names its value by "student(s)": no university is a student
    rows = ROWS + [
        {"pid": "P802", "label": "student", "description": "notable student(s) of an individual",
         "aliases": "", "datatype": "WikibaseItem", "usage_count": "100"}]
    texts = {"student at": [0, 0, 1], "student": [0, 0, 1],
             "student: notable student(s) of an individual": [0, 0.2, 1]}
    assert value_kinds("notable student(s) of an individual") == {"person"}
    assert value_kinds("doctoral student(s) of a professor") == {"person"}

    mapper = _mapper_with(rows, texts, None)
    pupil, school = mapper.map([
        MapQuery("student at", "student at", "person", "person"),
        MapQuery("student at", "student at", "person", "organization", "MIT")])
    assert pupil.pid == "P802"
    assert school.pid is None


def test_an_inverse_phrase_checks_the_head_against_the_value():
    rows = ROWS + [
        {"pid": "P169", "label": "chief executive officer", "description": "person who leads "
         "the organization", "aliases": "CEO", "datatype": "WikibaseItem", "usage_count": "100"}]
    texts = {"the ceo of": [0, 0, 1], "CEO": [0, 0, 1], "chief executive officer": [0, 0.5, 1],
             "chief executive officer: person who leads the organization": [0, 0.2, 1]}

    mapper = _mapper_with(rows, texts, None)
    ceo, led = mapper.map([MapQuery("be ceo of", "is the CEO of", "person", "organization"),
                           MapQuery("ceo", "CEO", "person", "organization")])
    # Acme's CEO is Ann: the value is the head, a person, though the tail is an organization
    assert (ceo.pid, ceo.inverse) == ("P169", True)
    assert led.pid is None  # read from head to tail, its value would be an organization


KILLED_BY = {"pid": "P157", "label": "killed by", "description": "person who killed the subject",
             "aliases": "killer", "datatype": "WikibaseItem", "usage_count": "100"}


def test_an_agent_property_is_stated_with_by_or_by_an_active_verb():
    texts = {"killed": [0, 0, 1], "killed by": [0, 0, 1], "killed at": [0, 0, 1],
             "killer": [0, 0.1, 1], "killed by: person who killed the subject": [0, 0, 1]}
    mapper = _mapper_with(ROWS + [KILLED_BY], texts, None)
    active, agent, place, passive = mapper.map([
        MapQuery("kill", "killed", "person", "person"),  # Ann killed Bob: Bob killed by Ann
        MapQuery("kill by", "was killed by", "person", "person"),
        MapQuery("kill at", "was killed at", "person", "place"),  # at Bosworth: no killer
        MapQuery("kill", "was killed", "person", "person")])  # the tail is not the agent
    assert (active.pid, active.inverse) == ("P157", True)
    assert (agent.pid, agent.inverse) == ("P157", False)
    assert place.pid is None and passive.pid is None


def test_a_phrase_ending_in_by_matches_no_name_ending_in_another_preposition():
    rows = ROWS + [{"pid": "P1817", "label": "addressee", "description": "addressee",
                    "aliases": "sent to", "datatype": "WikibaseItem", "usage_count": "100"}]
    texts = {"sent to": [0, 0, 1], "sent by": [0, 0, 1], "addressee": [1, 1, 0]}
    mapper = _mapper_with(rows, texts, None)
    to, by = mapper.map([MapQuery("send to", "was sent to", "person", "person"),
                         MapQuery("send by", "was sent by", "person", "person")])
    assert to.pid == "P1817"
    assert by.pid is None  # the sender is no addressee, however alike the phrases read


def test_as_marks_a_role_and_a_verb_with_as_is_not_the_verb_alone():
    instrument = {"pid": "P1303", "label": "instrument", "description": "instrument",
                  "aliases": "plays", "datatype": "WikibaseItem", "usage_count": "100"}
    mapper = _mapper_with(ROWS + [instrument], {
        "plays as": [0, 0, 1], "plays": [0, 0, 1], "plays the": [0, 0, 1],
        "instrument": [0.5, 0.5, 0], "instrument: instrument": [0, 0, 1]}, None)
    role, played = mapper.map([MapQuery("play as", "plays as", "person", ""),  # a winger
                               MapQuery("play", "plays the", "person", "")])  # the guitar
    assert role.pid != "P1303"  # a winger is no instrument, however alike the phrases read
    assert played.pid == "P1303"
    birth_name = {"pid": "P1477", "label": "birth name", "description": "birth name",
                  "aliases": "born as", "datatype": "WikibaseItem", "usage_count": "100"}
    mapper = _mapper_with(ROWS + [birth_name], {
        "born at": [0.6, 0, 0.8], "born as": [0.6, 0, 0.8], "birth name": [0, 1, 0],
        "birth name: birth name": [0.6, 0, 0.8]}, None)
    born, = mapper.map([MapQuery("bear at", "was born at", "person", "place")])
    assert born.pid == "P19"  # "born at" reads as the name "born as" exactly, but is no role


def test_a_name_that_ends_in_for_needs_a_phrase_that_says_for():
    intended = {"pid": "P2360", "label": "intended public", "description": "intended public",
                "aliases": "created for", "datatype": "WikibaseItem", "usage_count": "100"}
    mapper = _mapper_with(ROWS + [intended], {
        "created": [0, 0, 1], "created for": [0, 0, 1], "intended public": [0.5, 0.5, 0],
        "intended public: intended public": [0.5, 0.5, 0]}, None)
    made, made_for = mapper.map([MapQuery("create", "created", "person", ""),
                                 MapQuery("create for", "created for", "organization", "")])
    assert made.pid != "P2360"  # what one creates is no one's audience
    assert made_for.pid == "P2360"


def test_a_cause_is_no_person_no_group_and_no_place():
    cause = {"pid": "P509", "label": "cause of death",
             "description": "underlying or immediate cause of death", "aliases": "died of",
             "datatype": "WikibaseItem", "usage_count": "100"}
    assert value_kinds(cause["description"]) == {"cause"}
    mapper = _mapper_with(ROWS + [cause], {
        "died": [0, 0, 1], "died of": [0, 0, 1], "cause of death": [0, 0, 1],
        "cause of death: underlying or immediate cause of death": [0, 0, 1]}, None)
    where, whom, what, battle = mapper.map([
        MapQuery("die", "died", "person", "place"),  # "died Stuttgart, 6 January 1913"
        MapQuery("die", "died", "person", "person"), MapQuery("die", "died", "person", ""),
        MapQuery("die", "died", "person", "event")])
    assert where.pid is None and whom.pid is None
    assert what.pid == battle.pid == "P509"


def test_a_language_is_the_value_of_language_properties_only():
    composer = {"pid": "P86", "label": "composer", "description": "person who wrote the music",
                "aliases": "music by", "datatype": "WikibaseItem", "usage_count": "100"}
    language = {"pid": "P407", "label": "language of work", "description": "language "
                "associated with this creative work", "aliases": "in language",
                "datatype": "WikibaseItem", "usage_count": "100"}
    assert value_kinds(language["description"]) == {"language"}
    mapper = _mapper_with(ROWS + [composer, language], {
        "a song by": [0, 0, 1], "music by": [0, 0, 1], "composer": [0, 0, 1],
        "composer: person who wrote the music": [0, 0, 1]}, None)
    by_band, by_person = mapper.map([
        MapQuery("be song by", "is a song by", "", "language"),  # "by English [band X]"
        MapQuery("be song by", "is a song by", "", "person")])
    assert by_band.pid != "P86"  # a language wrote no music, however near "music by" reads
    assert by_person.pid == "P86"


def test_one_verb_with_at_says_where_and_with_of_says_what_from():
    death = {"pid": "P20", "label": "place of death", "description": "where died",
             "aliases": "died in", "datatype": "WikibaseItem", "usage_count": "100"}
    cause = {"pid": "P509", "label": "cause of death", "description": "cause of death",
             "aliases": "died of", "datatype": "WikibaseItem", "usage_count": "100"}
    mapper = _mapper_with(ROWS + [death, cause], {
        "died at": [0, 0.6, 0.8], "died of": [0, 0.6, 0.8], "died in": [0, 0.5, 0.6],
        "place of death": [0, 1, 0], "cause of death": [0, 1, 0],
        "place of death: where died": [0, 1, 0], "cause of death: cause of death": [0, 1, 0]},
        None)
    at, of = mapper.map([MapQuery("die at", "died at", "person", "place"),
                         MapQuery("die of", "died of", "person", "")])
    assert at.pid == "P20"  # "died at" reads as the name "died of" exactly, but says where
    assert of.pid == "P509"

def test_a_hyphenated_noun_of_is_the_property_of_its_words():
    from mamakg.mapping.semantic import is_inverse

    assert is_inverse("the seventh secretary-general of", "secretary general",
                      "secretary general")
    assert not is_inverse("the seventh secretary-general", "secretary general",
                          "secretary general")


def test_the_embedder_runs_on_the_device_the_build_names():
    import torch

    from mamakg.attention import torch_device
    from mamakg.errors import MamakgError

    assert torch_device("cpu").type == "cpu"
    assert torch_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(MamakgError, match="no CUDA GPU"):
            torch_device("cuda")


def test_queries_compared_together_decide_as_one_at_a_time():
    queries = [MapQuery("bear at", "was born at", "person", "place"),
               MapQuery("bear at", "was born at", "person", "date"),
               MapQuery("bear at", "was born at", "organization", "place"),
               MapQuery("wed", "wed", "person", "person"),
               MapQuery("like", "likes", "person", "person")]
    vectors = build_property_vectors(embed, "fake", ROWS)
    together = SemanticMapper(vectors, embed, rows=ROWS, min_score=0.5)
    together.prepare(queries)  # every (phrase, head kind, tail kind) in one product
    embedding = together.mappers[1]
    assert len(embedding._in_context) == len(queries)  # each compared before any is mapped
    alone = SemanticMapper(vectors, embed, rows=ROWS, min_score=0.5)
    for q in queries:
        expected = alone.map([q])[0]
        found = together.map([q])[0]
        assert (found.pid, found.method, found.inverse) == \
            (expected.pid, expected.method, expected.inverse)
        assert found.score == pytest.approx(expected.score, abs=1e-4)


def test_the_inverse_test_over_all_properties_agrees_with_is_inverse_one_by_one():
    from mamakg.mapping.semantic import EmbeddingMapper, is_inverse

    vectors = PropertyVectors.bundled()
    mapper = EmbeddingMapper(vectors, embed)
    names = sorted({n.lower() for n in vectors.name_text})
    labels = sorted({label.lower() for label in mapper.labels})
    phrases = ["founded", "founded by", "was founded by the", "founder of", "the ceo of",
               "member of", "capital of", "of", " of", "is the head coach of",
               "the seventh secretary-general of", "vice-president of", "killed at",
               "a wholly owned subsidiary of", "the parent company to", "plays for",
               "located in the constellation of", "served as the president of",
               "served as chairperson and ceo of", "served as managing director of"]
    phrases += [n + " of" for n in names[::40]] + names[::97]  # "N of" for names of N
    phrases += [f"is a {label} {p}" for label in labels[::60] for p in ("of", "to", "for")]
    rng = np.random.default_rng(0)
    inverse = 0
    for phrase in phrases:
        which = rng.integers(0, len(vectors.name_text), size=len(vectors.pids))
        found = mapper._inverse_of(phrase, which)
        expected = [is_inverse(phrase, vectors.name_text[int(which[i])], mapper.labels[i])
                    for i in range(len(vectors.pids))]
        assert found.tolist() == expected, phrase
        inverse += sum(expected)
    assert inverse > 50  # both kinds of answer were asked
    members = [i for i, n in enumerate(vectors.name_text) if n.lower().endswith(" member")]
    assert members  # "board member", "cast member"...
    for phrase in ("served on the board of", "was in the cast of", "a board member of"):
        for i in members:  # every property's nearest name a "... member" name
            found = EmbeddingMapper(vectors, embed)._inverse_of(
                phrase, np.full(len(vectors.pids), i))
            name = vectors.name_text[i]
            assert found.tolist() == [is_inverse(phrase, name, label)
                                      for label in mapper.labels], (phrase, name)
    assert is_inverse("served on the board of", "board member", "board member")


def _name_scores_one_by_one(vectors: PropertyVectors, queries: np.ndarray):
    """The best cosine of each property's names and that name's index (the first of equal
    cosines), property by property: what `name_scores` computes at once."""
    sims = cosines(queries, on_grid(vectors.names, PROPERTY_GRID))
    best = np.full((len(queries), len(vectors.pids)), -1.0, dtype=np.float32)
    which = np.zeros((len(queries), len(vectors.pids)), dtype=np.int64)
    for p in range(len(vectors.pids)):
        mine = np.flatnonzero(vectors.name_owner == p)
        if len(mine):
            at = np.argmax(sims[:, mine], axis=1)
            best[:, p] = sims[np.arange(len(queries)), mine[at]]
            which[:, p] = mine[at]
    return best, which


@pytest.mark.parametrize("shuffled", [False, True])
def test_name_scores_are_those_of_each_property_alone(shuffled):
    rng = np.random.default_rng(7)
    owner = np.repeat(np.arange(5), [1, 3, 4, 2, 1])  # property 5 has no name
    names = rng.standard_normal((len(owner), 4)).astype(np.float32)
    names[2] = names[3]  # two names of property 1 equally near anything: the first counts
    names[6] = names[4]  # and of property 2
    if shuffled:  # names not stored property by property
        order = rng.permutation(len(owner))
        owner, names = owner[order], names[order]
    vectors = PropertyVectors(tuple(f"P{i}" for i in range(6)), names, owner,
                              tuple(f"n{i}" for i in range(len(owner))),
                              np.zeros((6, 4), dtype=np.float32), "fake", "")
    queries = rng.standard_normal((9, 4)).astype(np.float32)
    best, which = vectors.name_scores(queries)
    expected_best, expected_which = _name_scores_one_by_one(vectors, queries)
    assert np.array_equal(best, expected_best) and np.array_equal(which, expected_which)
    assert np.all(best[:, 5] == -1.0) and np.all(which[:, 5] == 0)
    shipped = PropertyVectors.bundled()
    queries = shipped.names[::97] + 0.01 * rng.standard_normal((49, shipped.names.shape[1]),
                                                                ).astype(np.float32)
    best, which = shipped.name_scores(queries)
    expected_best, expected_which = _name_scores_one_by_one(shipped, queries)
    assert np.array_equal(best, expected_best) and np.array_equal(which, expected_which)


def test_cosines_are_the_exact_sums_rounded_once():
    """Whatever order BLAS sums in, a cosine is the exact sum of its grid-rounded products,
    rounded to float32 once (math.fsum sums exactly)."""
    import math

    shipped = PropertyVectors.bundled()
    rng = np.random.default_rng(5)
    queries = rng.standard_normal((7, shipped.names.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    got = cosines(queries, on_grid(shipped.names, PROPERTY_GRID))
    q, n = on_grid(queries, QUERY_GRID), on_grid(shipped.names, PROPERTY_GRID)
    for i in range(len(queries)):
        for j in (0, 1, 977, len(n) - 1):
            assert got[i, j] == np.float32(math.fsum(q[i] * n[j]))


def test_a_phrase_scores_to_the_same_bits_alone_as_among_others():
    """A build compares phrases in batches of any size (the worker processes that group the
    facts compare their own share's): one alone gets the scores it gets among many."""
    shipped = PropertyVectors.bundled()
    rng = np.random.default_rng(3)
    queries = rng.standard_normal((40, shipped.names.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    best, which = shipped.name_scores(queries)
    for i in (0, 17, 39):
        alone_best, alone_which = shipped.name_scores(queries[i:i + 1])
        assert alone_best.shape == (1, len(shipped))
        assert np.array_equal(alone_best[0], best[i]) and np.array_equal(alone_which[0], which[i])
    few_best, _ = shipped.name_scores(queries[5:8])
    assert np.array_equal(few_best, best[5:8])


def test_phrases_embedded_first_and_compared_later_in_shares_compare_as_all_at_once():
    """`prepare` with `compare` false only embeds (in the build's process, with the model);
    a later `prepare` of any share of the queries compares them without embedding again, to
    the bits that preparing all at once gives."""
    from mamakg.mapping.semantic import EmbeddingMapper

    queries = [MapQuery("bear at", "was born at", "person", "place"),
               MapQuery("bear at", "was born at", "person", "date"),
               MapQuery("wed", "wed", "person", "person"),
               MapQuery("like", "likes", "person", "person"),
               MapQuery("bear in", "born in", "organization", "place")]
    vectors = PropertyVectors.bundled()
    rng = np.random.default_rng(5)
    table: dict[str, np.ndarray] = {}
    asked: list[str] = []

    def fake(texts):
        asked.extend(texts)
        rows = [table.setdefault(t, rng.standard_normal(vectors.names.shape[1]))
                for t in texts]
        rows = np.array(rows, dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    at_once = EmbeddingMapper(vectors, fake)
    at_once.prepare(queries)
    later = EmbeddingMapper(vectors, fake)
    asked.clear()
    later.prepare(queries, compare=False)
    assert asked and not later._sims and not later._in_context  # embedded, nothing compared
    asked.clear()
    for share in ([queries[3]], queries[:2], queries[2:]):
        later.prepare(share)
    assert not asked  # no text embedded again
    assert later._sims.keys() == at_once._sims.keys() and not later._vectors
    for phrase, arrays in at_once._sims.items():
        assert all(np.array_equal(a, b) for a, b in zip(arrays, later._sims[phrase]))
    assert later._in_context.keys() == at_once._in_context.keys()
    for where, sim in at_once._in_context.items():
        assert np.array_equal(sim, later._in_context[where])
    assert later.map(queries) == at_once.map(queries)


_MAPPER: list = []


def _kept_in_worker(_: int) -> tuple[dict, dict]:
    """What a worker's mapper holds once it keeps its comparison (`_keep_comparison`)."""
    import mamakg.mapping.facts as facts_module

    if facts_module._COMPARING:
        _MAPPER[:] = [facts_module._COMPARING[0].mapper]
    facts_module._keep_comparison()
    return _MAPPER[0]._sims, _MAPPER[0]._in_context


def test_worker_processes_compare_as_one_process_does(monkeypatch):
    """`_compare`: forked processes compare the phrases embedded and not yet compared, and
    the places of phrases compared before, into shared memory; the mapper then holds what
    preparing in one process gives, to the bit, and so does a worker's once it takes a
    range of facts to group."""
    import multiprocessing

    import mamakg.mapping.facts as facts_module
    from mamakg.mapping.mapper import MapChain
    from mamakg.mapping.semantic import EmbeddingMapper
    from mamakg.result import Summary
    from mamakg.scale.processes import Workers

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are forked")
    vectors = PropertyVectors.bundled()
    rng = np.random.default_rng(11)
    table: dict[str, np.ndarray] = {}

    def fake(texts):
        rows = np.array([table.setdefault(t, rng.standard_normal(vectors.names.shape[1]))
                         for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    before = [MapQuery("bear at", "was born at", "person", "place")]
    queries = [*before, MapQuery("bear at", "was born at", "organization", "date"),
               *(MapQuery(f"verb{i}", f"verbs {i} of", "person", kind)
                 for i in range(7) for kind in ("place", "person"))]
    one = EmbeddingMapper(vectors, fake)
    one.prepare(before)
    one.prepare(queries)
    apart = EmbeddingMapper(vectors, fake)
    apart.prepare(before)  # compared before: its phrase's new place is compared by a worker
    apart.prepare(queries, compare=False)
    monkeypatch.setattr(facts_module, "COMPARE_PHRASES", 2)  # several tasks
    summary = Summary()
    comparison = facts_module._comparison(MapChain([apart]), queries)
    assert comparison is not None and len(comparison.tasks) > 2
    with Workers(2, facts_module._init_worker, (None, None, set(), comparison)) as pool:
        facts_module._compare(pool, comparison, summary.timings)
        kept = list(pool.map(_kept_in_worker, [0, 1, 2, 3]))
    assert summary.timings["collect_workers"] > 0 and not apart._vectors
    for sims, in_context in kept:  # what a worker's mapper holds once it keeps them
        assert sims.keys() == one._sims.keys() and in_context.keys() == one._in_context.keys()
        for phrase, arrays in one._sims.items():
            assert all(np.array_equal(a, b) for a, b in zip(arrays, sims[phrase]))
    assert apart._sims.keys() == one._sims.keys()
    for phrase, arrays in one._sims.items():
        assert all(np.array_equal(a, b) for a, b in zip(arrays, apart._sims[phrase]))
    assert apart._in_context.keys() == one._in_context.keys()
    for where, sim in one._in_context.items():
        assert np.array_equal(sim, apart._in_context[where])


@pytest.mark.real_model
def test_a_text_embeds_to_the_same_bits_whatever_it_is_embedded_with():
    """Batches hold texts of one piece count (nothing padded): a text's vector is the same
    embedded alone, with a few others, or with many of other lengths, so a phrase maps alike
    whatever else a corpus holds."""
    from mamakg.attention import Embedder

    texts = ["was born in", "married", "is the chief executive officer of", "won",
             "studied physics at the University of", "was born in the town of", "plays for",
             "is a member of", "founded", "was educated at", "died in", "was awarded the"]
    together = Embedder().embed(texts)
    apart = Embedder()
    for begin in range(0, len(texts), 5):
        apart.embed(texts[::-1][begin:begin + 5])
    alone = [Embedder().embed([t])[0] for t in texts[:3]]
    assert np.array_equal(apart.embed(texts), together)
    assert all(np.array_equal(a, b) for a, b in zip(alone, together))
    norms = np.linalg.norm(together, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5) and len({v.tobytes() for v in together}) == 12



def test_unfit_names_are_the_rule_name_by_name():
    """`_unfit_names`, worked out for all names at once, says for each phrase and name what
    its docstring's rule says of the two."""
    from mamakg.english import WHERE_PREPOSITIONS, final_preposition
    from mamakg.mapping.semantic import EmbeddingMapper, _verb_before, _verb_stem

    mapper = EmbeddingMapper(PropertyVectors.bundled(), embed)
    phrases = ["sent by", "sent to", "served as", "plays as", "died at", "was graduated in",
               "created", "created for", "born", "as", "located in"]
    unfit = mapper._unfit_names(phrases)
    assert unfit.dtype == bool and unfit.shape == (len(phrases), len(mapper._name_ends))
    assert mapper._unfit_names([]).shape == (0, len(mapper._name_ends))
    for i, phrase in enumerate(phrases):
        end = final_preposition(phrase)
        verb = _verb_stem(phrase.split()[-2]) if phrase.endswith(" as") else ""
        where = _verb_before(phrase, WHERE_PREPOSITIONS)
        expected = [bool(end and name_end and ((end == "by") != (name_end == "by")
                                               or (end == "as") != (name_end == "as")))
                    or (name_end == "for" and end != "for")
                    or bool(verb and not name_end and name_verb == verb)
                    or bool(where and source == where)
                    for name_end, name_verb, source in zip(
                        mapper._name_ends, mapper._name_verbs, mapper._source_verbs)]
        assert unfit[i].tolist() == expected, phrase
    assert unfit.any(axis=1).all()  # each of these phrases has names it may not match
