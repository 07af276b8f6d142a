"""The corpus-level Map stage (mamakg.mapping.facts.collect_facts) on hand-made mentions:
pronouns resolved or left out and counted, readings kept only where they map, dates as
literal values, graded confidence, the mapping's evidence on the relation."""

from __future__ import annotations

import numpy as np
import pytest

from mamakg.config import Config
from mamakg.mapping.facts import collect_facts
from mamakg.mapping.semantic import SemanticMapper
from mamakg.mapping.vectors import build_property_vectors
from mamakg.rdf.vocab import IRIs
from mamakg.result import Summary
from mamakg.store import MentionStore
from mamakg.types import Mention, TextSpan

ROWS = [
    {"pid": "P19", "label": "place of birth", "description": "", "aliases": "born in",
     "datatype": "WikibaseItem", "usage_count": "1000"},
    {"pid": "P569", "label": "date of birth", "description": "", "aliases": "born on",
     "datatype": "Time", "usage_count": "1000"},
    {"pid": "P27", "label": "country of citizenship", "description": "",
     "aliases": "nationality", "datatype": "WikibaseItem", "usage_count": "1000"},
]
VECTORS = {"place of birth": [1, 0, 0], "born in": [1, 0, 0], "date of birth": [0.9, 0.1, 0],
           "born on": [0.9, 0.1, 0], "born": [0.95, 0.05, 0], "country of citizenship": [0, 1, 0],
           "nationality": [0, 1, 0], "likes": [0, 0, 1], "is": [0, 0.2, 1],
           "native of": [1, 0, 0], "a native of": [1, 0, 0]}


def embed(texts):
    rows = np.array([VECTORS.get(t, [0.1, 0.1, 1]) for t in texts], dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def mapper():
    return SemanticMapper(build_property_vectors(embed, "fake", ROWS), embed,
                          rows=ROWS, min_score=0.5)


def m(doc, index, head, rel, tail, keys, types, **kw):
    text = f"{head} {rel} {tail}"
    a, b = len(head) + 1, len(head) + len(rel) + 2
    return Mention(doc, index, text, 0, TextSpan(head, 0, len(head)),
                   TextSpan(rel, a, a + len(rel)), TextSpan(tail, b, b + len(tail)),
                   *keys, score=1.0, head_type=types[0], tail_type=types[1],
                   degree=kw.pop("degree", 0.3), **kw)


@pytest.fixture
def collected():
    reading = m("d", 1, "Ann Lee", "is", "American", ("ann lee", "be", "american"),
                ("PERSON", "NORP"), derived=True)
    mentions = [
        m("d", 0, "Ann Lee", "born", "4 May 1961", ("ann lee", "bear", "4 may 1961"),
          ("PERSON", "DATE")),
        m("d", 1, "She", "likes", "an American chemist", ("she", "like", "american chemist"),
          ("PRON", ""), readings=(reading,)),
        m("d", 2, "He", "was born in", "Paris", ("he", "bear in", "paris"), ("PRON", "GPE"),
          degree=0.05),
        m("e", 0, "I", "likes", "Paris", ("i", "like", "paris"), ("PRON", "GPE")),
        m("e", 1, "1961", "is", "a year", ("1961", "be", "year"), ("DATE", "")),
    ]
    summary, left_out = Summary(), []
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, Config.preset("default"), summary, dropped=left_out,
                              mappers=mapper())
    return facts, summary, left_out


def test_pronouns_resolve_or_leave_the_graph(collected):
    facts, summary, left_out = collected
    heads = {f.head.key for f in facts}
    assert heads == {"ann lee"}  # "She" and "He" (no other person: Ann Lee) resolve to her
    assert summary.dropped["unresolved_pronoun"] == 1  # "I"
    assert summary.dropped["value_head"] == 1  # "1961 is a year"
    assert [x.head.text for x in left_out] == ["I", "1961"]
    resolved = next(f for f in facts if f.relation.key == "bear in")
    assert resolved.mentions[0].head.text == "He"  # the text stays as written
    assert resolved.head.label == "Ann Lee"  # the label comes from the named mentions


def test_mapping_literals_and_readings(collected):
    facts, _, _ = collected
    by_relation = {f.relation.key: f for f in facts}
    born = by_relation["bear"]
    assert born.relation.pid == "P569"
    assert (born.tail.datatype, born.tail.value) == ("date", "1961-05-04")
    assert born.relation.evidence and born.relation.evidence[0] == ("phrase", "born")
    assert by_relation["bear in"].relation.pid == "P19"
    assert by_relation["like"].relation.pid is None  # open, kept: a Match-stage mention
    # the reading "Ann Lee | is | American" maps to nothing here, so it is not a fact
    assert "be" not in by_relation


def test_confidence_is_graded(collected):
    facts, _, _ = collected
    scores = [f.score for f in facts]
    assert len(set(scores)) == len(scores)
    by_relation = {f.relation.key: f for f in facts}
    # a mapped fact between named arguments above an open one with a common-noun tail
    assert by_relation["bear"].score > by_relation["like"].score


def test_paper_settings_keep_pronouns_and_values():
    mentions = [m("d", 0, "He", "likes", "1961", ("he", "like", "1961"), ("PRON", "DATE"))]
    summary = Summary()
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, Config(), summary)
    assert [f.head.key for f in facts] == ["he"] and not facts[0].tail.is_literal
    assert facts[0].score == 1.0


@pytest.mark.real_model
def test_real_build_resolves_maps_and_types(nlp, real_lm):
    from mamakg.pipeline import build
    from mamakg.types import Document

    text = ("Ann Lee is an American chemist. She was born in Paris on 4 May 1961. "
            "She founded Acme Labs in 1990.")
    result = build([Document("d", text)], Config.preset("default", device="cpu"), nlp=nlp,
                   lm=real_lm)
    keys = {key for f in result.facts for key in (f.head.key, f.tail.key)}
    assert not keys & {"she", "he", "it"}
    mapped = {f.relation.pid for f in result.facts if f.relation.pid}
    assert "P19" in mapped  # "was born in" Paris
    assert all(f.tail.is_literal for f in result.facts if f.tail.label[:1].isdigit())
    assert len({f.score for f in result.facts}) == len(result.facts)


def test_a_reading_two_mentions_share_counts_once():
    # two Match mentions of one sentence that both carry "Ann Lee | born in | Paris"
    reading = m("d", 0, "Ann Lee", "born in", "Paris", ("ann lee", "bear in", "paris"),
                ("PERSON", "GPE"), derived=True)
    mentions = [
        m("d", 0, "Ann Lee", "likes", "a town like Paris", ("ann lee", "like", "town"),
          ("PERSON", ""), readings=(reading,)),
        m("d", 0, "the film", "likes", "Paris", ("film", "like", "paris"), ("", "GPE"),
          readings=(reading,)),
    ]
    summary = Summary()
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, Config.preset("default"), summary, mappers=mapper())
    (born,) = [f for f in facts if f.relation.pid == "P19"]
    assert len(born.mentions) == 1  # not two: the same words of the same sentence
    # each Match mention stays an open fact: its reading carries the mapping
    assert sorted(f.relation.key for f in facts if f.relation.pid is None) == ["like", "like"]


def test_common_nouns_are_nodes_of_their_document_and_class_values_are_shared():
    rows = [*ROWS, {"pid": "P106", "label": "occupation", "description":
                    "occupation of a person", "aliases": "works as", "datatype":
                    "WikibaseItem", "usage_count": "1000"}]
    VECTORS.update({"occupation": [0, 0.6, 0.8], "works as": [0, 0.6, 0.8]})
    chain = SemanticMapper(build_property_vectors(embed, "fake", rows), embed, rows=rows,
                           min_score=0.5)
    mentions = [
        m("d1", 0, "Ann Lee", "works as", "a songwriter", ("ann lee", "work as", "songwriter"),
          ("PERSON", "")),
        m("d1", 1, "Her father", "likes", "Paris", ("father", "like", "paris"), ("", "GPE")),
        m("d1", 2, "Ann Lee", "likes", "+", ("ann lee", "like", "+"), ("PERSON", "")),
        m("d2", 0, "Bob Day", "works as", "a songwriter", ("bob day", "work as", "songwriter"),
          ("PERSON", "")),
        m("d2", 1, "Her father", "likes", "Paris", ("father", "like", "paris"), ("", "GPE")),
        m("d2", 2, "Bob Day", "likes", "8/9", ("bob day", "like", "8/9"), ("PERSON", "")),
    ]
    summary = Summary()
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, Config.preset("default"), summary, mappers=chain)
    fathers = [f.head for f in facts if f.relation.key == "like" and f.head.label == "father"]
    assert len({e.key for e in fathers}) == 2  # one father per document, labelled with its text
    assert len({IRIs().entity(e) for e in fathers}) == 2  # its own IRI in each document
    jobs = [f for f in facts if f.relation.pid == "P106"]
    assert {f.tail.key for f in jobs} == {"songwriter"}  # the class node, shared
    assert summary.dropped["no_word_argument"] == 1  # "+" is no node
    assert all(f.tail.is_literal for f in facts if f.tail.label == "8/9")
    off = Config.preset("default", scope_common_nouns=False)
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, off, Summary(), mappers=chain)
    assert len({f.head.key for f in facts if f.relation.key == "like"
                and f.head.label == "father"}) == 1


def test_a_fact_between_one_entity_and_itself_maps_to_no_property():
    mentions = [
        m("d", 0, "Lee", "was born in", "Lee", ("ann lee", "bear in", "ann lee"),
          ("PERSON", "GPE")),
        m("d", 1, "Ann Lee", "was born in", "Paris", ("ann lee", "bear in", "paris"),
          ("PERSON", "GPE")),
    ]
    unresolved = Config.preset("default", resolve_names=False, resolve_pronouns=False,
                               resolve_descriptions=False)
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, unresolved, Summary(), mappers=mapper())
    found = {(f.head.key, f.tail.key): f.relation.pid for f in facts}
    assert found == {("ann lee", "ann lee"): None, ("ann lee", "paris"): "P19"}
    # resolving names, a mention that links a node to itself is no fact at all
    summary = Summary()
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, Config.preset("default"), summary, mappers=mapper())
    assert [(f.head.key, f.tail.key) for f in facts] == [("ann lee", "paris")]
    assert summary.dropped["self_loop"] == 1


def test_a_nationality_valued_on_country_of_citizenship_is_the_country():
    mentions = [m("d", 0, "Ann Lee", "nationality", "American",
                  ("ann lee", "nationality", "american"), ("PERSON", "NORP")),
                m("e", 0, "Bo Li", "nationality", "Texan", ("bo li", "nationality", "texan"),
                  ("PERSON", "NORP"))]
    for config, tails in ((Config.preset("default"), {"United States", "Texan"}),
                          (Config.preset("default", resolve_names=False),
                           {"American", "Texan"})):
        with MentionStore() as store:
            store.add(mentions)
            facts = collect_facts(store, config, Summary(), mappers=mapper())
        assert {f.relation.pid for f in facts} == {"P27"}
        assert {f.tail.label for f in facts} == tails  # no country is "Texan"'s
        if config.resolve_names:
            country = next(f.tail for f in facts if f.head.key == "ann lee")
            assert (country.key, country.kind) == ("united states", "GPE")


def test_a_mention_whose_relation_reads_into_its_tail_maps_itself():
    # "Ann Lee was a native of Paris in 1961": the annotate step moved "a native of" into the
    # relation (Mention.relation_node) and made Paris the node; a date reading rides along
    sentence = "Ann Lee was a native of Paris in 1961"
    date = Mention("d", 0, sentence, 0, TextSpan("Ann Lee", 0, 7), TextSpan("was", 8, 11),
                   TextSpan("1961", 33, 37), "ann lee", "be in", "1961", 1.0,
                   head_type="PERSON", tail_type="DATE", derived=True)
    native = Mention("d", 0, sentence, 0, TextSpan("Ann Lee", 0, 7), TextSpan("was", 8, 11),
                     TextSpan("a native of Paris in 1961", 12, 37), "ann lee", "be native of",
                     "paris", 1.0, head_type="PERSON", tail_type="GPE", degree=0.3,
                     tail_node=TextSpan("Paris", 24, 29),
                     relation_node=TextSpan("was a native of", 8, 23), readings=(date,))
    with MentionStore() as store:
        store.add([native])
        facts = collect_facts(store, Config.preset("default"), Summary(), mappers=mapper())
    (fact,) = [f for f in facts if f.tail.label == "Paris"]
    assert (fact.head.label, fact.relation.pid, fact.relation.label) == (
        "Ann Lee", "P19", "was a native of")
    assert fact.mentions[0].relation.text == "was"  # the CaRB output reads the Match stage's
    assert not [f for f in facts if f.relation.pid is None and f.tail.label == "Paris"]


def test_a_wait_for_worker_processes_counts_only_its_idle_seconds(monkeypatch):
    """What the build's process does while it waits (receiving results) is its work: the
    budget's serial part counts it (`benchmarks/throughput.py`). The clocks are made up, so
    that a busy machine (another process on the core) cannot change what is counted."""
    import types

    from mamakg.mapping import facts as facts_module

    clock = {"wall": 100.0, "cpu": 10.0}
    monkeypatch.setattr(facts_module, "time", types.SimpleNamespace(
        perf_counter=lambda: clock["wall"], process_time=lambda: clock["cpu"]))
    timings: dict[str, float] = {}
    with facts_module._waiting(timings):  # asleep: 0.3 s of wall time, no CPU time
        clock["wall"] += 0.3
    assert timings["collect_waiting"] == pytest.approx(0.3)
    with facts_module._waiting(timings):  # at work: as much CPU time as wall time
        clock["wall"] += 0.5
        clock["cpu"] += 0.5
    assert timings["collect_waiting"] == pytest.approx(0.3)
    with facts_module._waiting(timings):  # half of it at work: the other half counts
        clock["wall"] += 0.4
        clock["cpu"] += 0.2
    assert timings["collect_waiting"] == pytest.approx(0.5)
    with facts_module._waiting(timings):  # threads of this process at work beside it: more
        clock["wall"] += 0.1  # CPU time than wall time, which counts as no waiting
        clock["cpu"] += 0.3
    assert timings["collect_waiting"] == pytest.approx(0.5)


def test_a_group_is_no_subject_of_a_schema_fact():
    """"an *American* chemist who was awarded the Nobel Prize" says nothing of Americans: a
    nationality, religion or party (NER's NORP) is a fact's value, never its subject."""
    from mamakg.mapping.facts import _head_side
    from mamakg.types import Entity

    assert _head_side(Entity("american", "American", kind="NORP")) == ("group", False)
    assert _head_side(Entity("peter agre", "Peter Agre", kind="PERSON")) == ("person", True)
    # a date or a number is a value: "the years following Dom Pedro's death" follow no one
    assert _head_side(Entity("years", "years", kind="DATE")) == ("date", False)
    assert _head_side(Entity("three", "three", kind="CARDINAL")) == ("number", False)


def _collected(rows, texts, mentions):
    """The facts the mentions give, mapped by meaning over the property `rows`, each text
    embedded in its direction in `texts` (any other in [0.1, 0.1, 1])."""

    def embed_texts(items):
        rows_ = np.array([texts.get(t, [0.1, 0.1, 1]) for t in items], dtype=np.float32)
        return rows_ / np.linalg.norm(rows_, axis=1, keepdims=True)

    chain = SemanticMapper(build_property_vectors(embed_texts, "fake", rows), embed_texts,
                           rows=rows, min_score=0.5)
    with MentionStore() as store:
        store.add(mentions)
        return collect_facts(store, Config.preset("default"), Summary(), mappers=chain)


def _mapped(rows, texts, mentions):
    """(head, tail) labels -> P-id (None: open) of the facts (`_collected`)."""
    return {(f.head.label, f.tail.label): f.relation.pid
            for f in _collected(rows, texts, mentions)}


def test_an_active_verb_mapped_to_its_doer_reads_backwards_but_no_common_noun_heads_it():
    rows = [*ROWS, {"pid": "P1346", "label": "winner", "description": "", "aliases": "",
                    "datatype": "WikibaseItem", "usage_count": "1000"}]
    texts = dict(VECTORS, winner=[0.2, 0.2, -1], won=[0.2, 0.2, -1])
    mentions = [m("d", 0, "Bo Day", "won", "Davis Cup", ("bo day", "win", "davis cup"),
                  ("PERSON", "EVENT")),
                m("d", 1, "Bo Day", "won", "the trophy", ("bo day", "win", "trophy"),
                  ("PERSON", ""))]
    facts = _collected(rows, texts, mentions)
    found = {(f.head.label, f.relation.pid, f.tail.label) for f in facts}
    assert ("Davis Cup", "P1346", "Bo Day") in found  # the cup's winner is Bo Day
    assert ("Bo Day", "P1346", "Davis Cup") not in found
    # "the trophy's winner" would put a common noun at the head of a schema fact: open
    assert ("Bo Day", None, "trophy") in found and not any(
        f.head.label == "trophy" for f in facts)


def test_a_particular_thing_the_text_does_not_name_is_no_value_of_a_property():
    """"suffered a stroke" gives a class value; "married the painter" and "achieve this
    vision" point to one thing the text does not name, no Wikidata item: open facts. An
    instrument is a kind written with "the" ("plays the drums")."""
    rows = [*ROWS,
            {"pid": "P1050", "label": "medical condition", "description": "any state "
             "relevant to the health of an organism", "aliases": "suffered",
             "datatype": "WikibaseItem", "usage_count": "1000"},
            {"pid": "P1303", "label": "instrument", "description": "musical instrument "
             "that a person plays", "aliases": "plays", "datatype": "WikibaseItem",
             "usage_count": "1000"}]
    texts = dict(VECTORS, **{"medical condition": [0.3, 0, -1], "suffered": [0.3, 0, -1],
                             "instrument": [-1, 0.3, 0], "plays": [-1, 0.3, 0]})
    mentions = [
        m("d", 0, "Ann Lee", "suffered", "a stroke", ("ann lee", "suffer", "stroke"),
          ("PERSON", "")),
        m("e", 0, "Bo Day", "suffered", "the consequences", ("bo day", "suffer",
                                                             "consequence"), ("PERSON", "")),
        m("e", 1, "Bo Day", "suffered", "his brother's loss", ("bo day", "suffer", "loss"),
          ("PERSON", "")),
        m("f", 0, "Cy Ray", "plays", "the drums", ("cy ray", "play", "drum"), ("PERSON", "")),
    ]
    found = _mapped(rows, texts, mentions)
    assert found[("Ann Lee", "stroke")] == "P1050"
    assert found[("Bo Day", "consequences")] is None
    assert found[("Bo Day", "loss")] is None  # a named possessor's
    assert found[("Cy Ray", "drums")] == "P1303"


def test_a_place_after_a_name_in_the_relation_is_where_that_name_is():
    """"attended Ryerson University in Toronto": Toronto is where the university is, no
    school of Robyn's (an organization-valued property takes a place only because the
    recognizer confuses the two), so the fact stays open; without a name in the relation
    ("attended classes in Toronto", "studied with Jewish teachers in Brooklyn"), or on a
    property whose value is a place ("was born at Luster in Sogn": born in Sogn too), the
    mapping stands."""
    rows = [*ROWS, {"pid": "P69", "label": "educated at", "description": "educational "
                    "institution attended by subject", "aliases": "", "datatype":
                    "WikibaseItem", "usage_count": "1000"}]
    texts = dict(VECTORS, **{"educated at": [0.1, 0.1, 1],  # every other phrase's direction
                             "educated at: educational institution attended by subject":
                             [0.1, 0.1, 1], "born at luster in": [1, 0, 0]})
    mentions = [
        m("d", 0, "Robyn Lee", "attended Ryerson University in", "Toronto",
          ("robyn lee", "attend in", "toronto"), ("PERSON", "GPE")),
        m("e", 0, "Bo Day", "attended classes in", "Toronto",
          ("bo day", "attend class in", "toronto"), ("PERSON", "GPE")),
        m("f", 0, "Cy Ray", "was born at Luster in", "Sogn",
          ("cy ray", "bear at luster in", "sogn"), ("PERSON", "GPE")),
        m("g", 0, "Di Fox", "studied with Jewish teachers in", "Brooklyn",
          ("di fox", "study with teacher in", "brooklyn"), ("PERSON", "GPE"),
          relation_pos=("VERB", "ADP", "ADJ", "NOUN", "ADP")),
    ]
    found = _mapped(rows, texts, mentions)
    assert found[("Robyn Lee", "Toronto")] is None
    assert found[("Bo Day", "Toronto")] == "P69"
    assert found[("Cy Ray", "Sogn")] == "P19"
    assert found[("Di Fox", "Brooklyn")] == "P69"  # "Jewish" is no name (an adjective)


def test_an_organization_is_no_place_unless_the_relation_says_where():
    """A property whose value is a place (residence, location of formation) takes a name the
    recognizer calls an organization only after a preposition of place, "to" or a comma
    ("lived in Coffeyville", "moved to Coffeyville": the recognizer's error); "moved from
    the Royal Observatory" and "formed Mascot Pictures" state no place and stay open. A
    place the recognizer calls one, and a property whose value may be an organization,
    are untouched."""
    rows = [*ROWS,
            {"pid": "P551", "label": "residence", "description": "the place where the person "
             "is or has been, resident", "aliases": "lived in|moved to|moved from",
             "datatype": "WikibaseItem", "usage_count": "1000"},
            {"pid": "P740", "label": "location of formation", "description": "location "
             "where a group or organization was formed", "aliases": "formed",
             "datatype": "WikibaseItem", "usage_count": "1000"},
            {"pid": "P108", "label": "employer", "description": "person or organization for "
             "which the subject works", "aliases": "worked for", "datatype": "WikibaseItem",
             "usage_count": "1000"}]
    texts = dict(VECTORS)
    for phrase in ("residence", "lived in", "moved to", "moved from"):
        texts[phrase] = [0.3, -1, 0]
    for phrase in ("location of formation", "formed"):
        texts[phrase] = [-1, 0.3, 0]
    for phrase in ("employer", "worked for"):
        texts[phrase] = [0, 0.3, -1]
    mentions = [
        m("d", 0, "Al Moss", "lived in", "Coffeyville", ("al moss", "live in", "coffeyville"),
          ("PERSON", "ORG")),
        m("e", 0, "Bo Day", "moved to", "Coffeyville", ("bo day", "move to", "coffeyville"),
          ("PERSON", "ORG")),
        m("f", 0, "Cy Ray", "moved from", "the Royal Observatory",
          ("cy ray", "move from", "royal observatory"), ("PERSON", "ORG")),
        m("g", 0, "Di Fox", "moved from", "Dohuk", ("di fox", "move from", "dohuk"),
          ("PERSON", "GPE")),
        m("h", 0, "Ed Wu", "formed", "Mascot Pictures", ("ed wu", "form", "mascot pictures"),
          ("PERSON", "ORG")),
        m("i", 0, "Fay Orr", "worked for", "Mascot Pictures",
          ("fay orr", "work for", "mascot pictures"), ("PERSON", "ORG")),
    ]
    found = _mapped(rows, texts, mentions)
    assert found[("Al Moss", "Coffeyville")] == "P551"
    assert found[("Bo Day", "Coffeyville")] == "P551"
    assert found[("Cy Ray", "Royal Observatory")] is None
    assert found[("Di Fox", "Dohuk")] == "P551"
    assert found[("Ed Wu", "Mascot Pictures")] is None
    assert found[("Fay Orr", "Mascot Pictures")] == "P108"


def test_a_location_in_an_administrative_entity_is_located_in_it():
    """P276's description: "In case of an administrative entity use P131": a thing located in
    a city lies in that administrative entity, in a country has that country; an event's
    location, a place near another, or a location the recognizer calls no GPE stay P276."""
    rows = [*ROWS,
            {"pid": "P276", "label": "location", "description": "location of the item",
             "aliases": "located in|located near", "datatype": "WikibaseItem",
             "usage_count": "1000"},
            {"pid": "P131", "label": "located in the administrative territorial entity",
             "description": "", "aliases": "", "datatype": "WikibaseItem",
             "usage_count": "1000"},
            {"pid": "P17", "label": "country", "description": "", "aliases": "",
             "datatype": "WikibaseItem", "usage_count": "1000"}]
    texts = dict(VECTORS, **{"located in": [0.5, 0.5, 0.7], "located near": [0.5, 0.5, 0.7],
                             "location": [0.5, 0.5, 0.7]})
    mentions = [
        m("d", 0, "Symphony Hall", "located in", "Boston",
          ("symphony hall", "locate in", "boston"), ("FAC", "GPE")),
        m("e", 0, "Clark Lake", "located in", "United States",
          ("clark lake", "locate in", "united states"), ("LOC", "GPE")),
        m("f", 0, "Chess Congress", "located in", "New York",
          ("chess congress", "locate in", "new york"), ("EVENT", "GPE")),
        m("g", 0, "Meramec Park", "located near", "Sullivan",
          ("meramec park", "locate near", "sullivan"), ("FAC", "GPE")),
        m("h", 0, "Elbow Cay", "located in", "Abaco Islands",
          ("elbow cay", "locate in", "abaco islands"), ("LOC", "LOC"))]
    found = _mapped(rows, texts, mentions)
    assert found[("Symphony Hall", "Boston")] == "P131"
    assert found[("Clark Lake", "United States")] == "P17"
    assert found[("Chess Congress", "New York")] == "P276"
    assert found[("Meramec Park", "Sullivan")] == "P276"
    assert found[("Elbow Cay", "Abaco Islands")] == "P276"


def test_a_date_after_a_verbs_object_is_no_date_of_the_head():
    """"Jeff Nelson founded Dischord in 1980": 1980 is Dischord's founding, no date of
    Nelson's; "was born in Paris in 1950" (a name after a preposition) and "(was) born
    Christopher Cohran on ..." (the head's own name) date the head."""
    rows = [*ROWS, {"pid": "P571", "label": "inception", "description": "date or point in "
                    "time when the subject came into existence", "aliases": "founded in",
                    "datatype": "Time", "usage_count": "1000"}]
    texts = dict(VECTORS, **{"inception": [0, -1, 0.2], "founded in": [0, -1, 0.2],
                             "founded dischord in": [0, -1, 0.2],
                             "born in paris in": [0.9, 0.1, 0],
                             "born christopher cohran on": [0.9, 0.1, 0],
                             "born richard hayles on": [0.9, 0.1, 0]})
    mentions = [
        m("d", 0, "Jeff Nelson", "founded Dischord in", "1980",
          ("jeff nelson", "found in", "1980"), ("PERSON", "DATE"),
          relation_pos=("VERB", "PROPN", "ADP")),
        m("e", 0, "Ann Lee", "was born in Paris in", "1950",
          ("ann lee", "bear in in", "1950"), ("PERSON", "DATE"),
          relation_pos=("AUX", "VERB", "ADP", "PROPN", "ADP")),
        m("f", 0, "Chris Cohran", "was born Christopher Cohran on", "January 23, 1989",
          ("chris cohran", "bear on", "january 23 , 1989"), ("PERSON", "DATE"),
          relation_pos=("AUX", "VERB", "PROPN", "PROPN", "ADP")),
        m("g", 0, "Rick Towers", "born Richard Hayles on", "8 August 1979",
          ("rick towers", "bear on", "8 august 1979"), ("PERSON", "DATE"),
          relation_pos=("VERB", "PROPN", "PROPN", "ADP")),
    ]
    found = _mapped(rows, texts, mentions)
    assert found[("Jeff Nelson", "1980")] is None
    assert found[("Ann Lee", "1950")] == "P569"
    assert found[("Chris Cohran", "January 23, 1989")] == "P569"
    assert found[("Rick Towers", "8 August 1979")] == "P569"


def test_a_participle_after_a_comma_is_said_of_the_clauses_subject():
    """"he headed for Melbourne, [Victoria], eventually settling in Prahran": English says the
    participle clause of the subject ("he"), not of the noun before the comma, so the fact
    stays open; with no comma, a head that opens the sentence (the subject itself), or a
    participle of what the noun holds ("a board, consisting of parents"), the mapping
    stands."""
    rows = [*ROWS, {"pid": "P551", "label": "residence", "description": "", "aliases":
                    "settled in", "datatype": "WikibaseItem", "usage_count": "1000"}]
    texts = dict(VECTORS, **{"residence": [0, 0.5, -1], "settled in": [0, 0.5, -1],
                             "eventually settling in": [0, 0.5, -1],
                             "settling in": [0, 0.5, -1], "consisting of": [0, 0.5, -1]})

    def comma(doc, head, rel, tail, keys, pos, before="He went to "):
        text = f"{before}{head}, {rel} {tail}"
        h = len(before)
        a = h + len(head) + 2
        b = a + len(rel) + 1
        return Mention(doc, 0, text, 40, TextSpan(head, h, h + len(head)),
                       TextSpan(rel, a, a + len(rel)), TextSpan(tail, b, b + len(tail)),
                       *keys, score=1.0, head_type="GPE", tail_type="GPE", degree=0.3,
                       relation_pos=pos)

    mentions = [
        comma("d", "Victoria", "eventually settling in", "Prahran",
              ("victoria", "settle in", "prahran"), ("ADV", "VERB", "ADP")),
        m("e", 0, "Ann Lee", "settling in", "Prahran", ("ann lee", "settle in", "prahran"),
          ("PERSON", "GPE"), relation_pos=("VERB", "ADP")),
        comma("f", "Bo Day", "settling in", "Kew", ("bo day", "settle in", "kew"),
              ("NOUN", "ADP")),  # no participle: the tagger read a noun
        comma("g", "Cy Ray", "consisting of", "Sogn", ("cy ray", "consist of", "sogn"),
              ("VERB", "ADP")),
        comma("h", "Di Fox", "settling in", "Luster", ("di fox", "settle in", "luster"),
              ("VERB", "ADP"), before=""),  # the head opens the sentence: its subject
    ]
    found = _mapped(rows, texts, mentions)
    assert found[("Victoria", "Prahran")] is None
    assert found[("Ann Lee", "Prahran")] == "P551"
    assert found[("Bo Day", "Kew")] == "P551"
    assert found[("Cy Ray", "Sogn")] == "P551"
    assert found[("Di Fox", "Luster")] == "P551"


def test_a_group_read_before_a_person_is_labelled_by_its_key_not_by_the_role_words():
    """"the first novel by American [author] Paul Harding": the reading's relation text is
    the role words between the nationality and the name, which vary from one sentence to the
    next; the relation's label is "is" (Harding is American), however often "author"
    comes."""
    from mamakg.mapping.arguments import GROUP_OF_PERSON

    def read(doc, role, person):
        reading = m(doc, 0, person, role, "American", (person.lower(), GROUP_OF_PERSON,
                                                       "american"), ("PERSON", "NORP"),
                    derived=True)
        return m(doc, 0, "Tinkers", "is a novel by", f"American {role} {person}",
                 ("tinkers", "be novel by", f"american {role} {person.lower()}"),
                 ("WORK_OF_ART", "PERSON"), readings=(reading,))

    texts = dict(VECTORS, American=[0, 1, 0], american=[0, 1, 0])  # a nationality
    facts = _collected(ROWS, texts, [read("d", "author", "Paul Harding"),
                                     read("e", "author", "Ann Lee"),
                                     read("f", "writer", "Bo Day")])
    grouped = [f for f in facts if f.relation.key == GROUP_OF_PERSON]
    assert len(grouped) == 3 and {f.relation.pid for f in grouped} == {"P27"}
    assert {f.relation.label for f in grouped} == {GROUP_OF_PERSON}


def test_one_property_between_two_entities_is_one_fact_whatever_phrases_said_it():
    # "Ann Lee was born in Paris" and "Ann Lee, born in Paris": two phrases, one place of
    # birth; the facts of other properties and open relations stay apart
    mentions = [m("d", 0, "Ann Lee", "was born in", "Paris", ("ann lee", "bear in", "paris"),
                  ("PERSON", "GPE")),
                m("e", 0, "Ann Lee", "born in", "Paris", ("ann lee", "born in", "paris"),
                  ("PERSON", "GPE")),
                m("e", 1, "Ann Lee", "visited", "Paris", ("ann lee", "visit", "paris"),
                  ("PERSON", "GPE"))]
    config = Config.preset("default")
    with MentionStore() as store:
        store.add(mentions)
        facts = collect_facts(store, config, Summary(), mappers=mapper())
    found = [(f.relation.key, f.relation.pid, f.support) for f in facts]
    assert found == [("bear in", "P19", 2), ("visit", None, 1)]
    # its mentions keyed to the fact, as the graph read back keys them
    assert {x.relation_key for x in facts[0].mentions} == {"bear in"}
    assert [x.relation.text for x in facts[0].mentions] == ["was born in", "born in"]


def test_a_query_reads_a_places_name_only_where_the_relation_teaches_there():
    from mamakg.mapping.facts import _queries, _query_of
    from mamakg.types import Entity

    person, hall = ("person", True), ("place", "Broadway Arts Center")
    assert _query_of("teach at", "taught at", (), person, hall).tail_text == \
        "Broadway Arts Center"
    assert _query_of("live at", "lived at", (), person, hall).tail_text == ""
    # one query per relation, head and what is read of the tail: two places are one
    entities = {"ann": Entity("ann", "Ann", kind="PERSON"),
                "hall": Entity("hall", "Hall", kind="FAC"),
                "oslo": Entity("oslo", "Oslo", kind="GPE")}
    queries = _queries([("ann", "live in", "hall"), ("ann", "live in", "oslo")],
                       entities.__getitem__, {"live in": "lived in"}, {"live in": ()})
    assert len(queries) == 1 and queries[0].tail_text == ""
