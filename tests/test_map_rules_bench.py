"""benchmarks/map_rules.py's count of the facts a rule changes, on hand-made outputs."""

import json
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from map_rules import RULES, changed  # noqa: E402

from mamakg.types import Entity, Mention, Relation, TextSpan  # noqa: E402


def _write(path, facts):
    path.write_text("".join(json.dumps({"head": {"key": h}, "relation": {"key": r, "pid": p},
                                        "tail": {"key": t}}) + "\n" for h, r, t, p in facts),
                    encoding="utf-8")
    return path


def test_changed_counts_facts_whose_property_differs(tmp_path):
    default = _write(tmp_path / "a.jsonl", [
        ("ann", "die at", "paris", "P20"),  # another property without the rule
        ("bob", "be", "cook", None),  # open in both
        ("cy", "bear in", "rome", "P19"),  # the same in both
        ("di", "die", "oslo", "P20"),  # open without the rule
        ("ed", "die", "cancer", None)])  # not in the other output at all: open either way
    other = _write(tmp_path / "b.jsonl", [
        ("ann", "die at", "paris", "P509"), ("bob", "be", "cook", None),
        ("cy", "bear in", "rome", "P19"), ("di", "die", "oslo", None),
        ("fay", "die of", "flu", "P509")])  # mapped only without the rule
    assert changed(default, other) == 3
    assert changed(default, default) == 0


def test_the_switches_turn_their_rules_off(monkeypatch):
    from mamakg.english import WHERE_PREPOSITIONS
    from mamakg.mapping import facts, properties, semantic

    for module, name in ((properties, "CAUSE_NOUNS"), (semantic, "_verb_before"),
                         (facts, "_administrative")):
        monkeypatch.setattr(module, name, getattr(module, name))  # set back after the test
    cause = "underlying or immediate cause of death"
    assert properties.value_kinds(cause) and semantic._verb_before("died at", WHERE_PREPOSITIONS)
    located = Relation("locate in", "located in", "P276")
    hall, boston = Entity("hall", "Symphony Hall", kind="FAC"), Entity("boston", "Boston",
                                                                         kind="GPE")
    assert facts._administrative(located, hall, boston).pid == "P131"
    monkeypatch.setattr(properties, "LANGUAGE_NOUNS", properties.LANGUAGE_NOUNS)
    monkeypatch.setattr(semantic.EmbeddingMapper, "__init__", semantic.EmbeddingMapper.__init__)
    language = "language in which a film was originally created"
    assert properties.value_kinds(language) == {"language"}
    monkeypatch.setattr(facts, "_organization_for_a_place", facts._organization_for_a_place)
    decca = Entity("decca", "Decca Records", kind="ORG")
    released = Mention("d", 0, "Blue Moon released on Decca Records", 0,
                       TextSpan("Blue Moon", 0, 9), TextSpan("released on", 10, 21),
                       TextSpan("Decca Records", 22, 35), "blue moon", "release on", "decca",
                       1.0, head_type="WORK_OF_ART", tail_type="ORG")
    assert facts._organization_for_a_place([released], "P291", decca)
    for rule in ("causes", "where-prepositions", "administrative-locations", "languages",
                 "organization-places"):
        RULES[rule]()
    assert not properties.value_kinds(cause) and not properties.value_kinds(language)
    assert not semantic._verb_before("died at", WHERE_PREPOSITIONS)
    assert facts._administrative(located, hall, boston).pid == "P276"
    assert not facts._organization_for_a_place([released], "P291", decca)


def test_the_switches_of_works_turn_their_rules_off(monkeypatch):
    from mamakg.mapping import mapper, resolve, semantic
    from mamakg.mapping.mapper import MapChain, MapMethod, Mapping, MapQuery

    monkeypatch.setattr(mapper, "WORK_PROPERTIES", mapper.WORK_PROPERTIES)
    monkeypatch.setattr(mapper, "LEADERS", mapper.LEADERS)
    monkeypatch.setattr(resolve, "WORK_NOUNS", resolve.WORK_NOUNS)
    monkeypatch.setattr(semantic, "names_a_native", semantic.names_a_native)

    class Director:
        def prepare(self, queries, compare=True):
            pass

        def map(self, queries):
            return [Mapping("P57", 0.9, MapMethod.EMBEDDING) for _ in queries]

    class Chair(Director):
        def map(self, queries):
            return [Mapping("P488", 0.9, MapMethod.EMBEDDING) for _ in queries]

    query = MapQuery("direct by", "directed by", "person", "person")
    film = Mention("d", 0, "Lyon is a film", 0, TextSpan("Lyon", 0, 4), TextSpan("is", 5, 7),
                   TextSpan("a film", 8, 14), "lyon", "be", "film@d", 1.0, head_type="PERSON")
    assert MapChain([Director()]).relation(query, "Lyon", "Ann")[0].pid is None
    assert resolve.agreed_kinds([film])[0].head_type == "WORK_OF_ART"
    chaired = MapQuery("chair", "chaired", "person", "organization")
    assert MapChain([Chair()]).relation(chaired, "Ann", "Acme")[1] is True
    native = MapQuery("be native of", "is a native of", "person", "place")
    assert semantic.KindMapper(lambda texts: [], known=("P19",)).map([native])[0].pid == "P19"
    for rule in ("work-subjects", "said-works", "leaders", "natives"):
        RULES[rule]()
    assert semantic.KindMapper(lambda texts: [], known=("P19",)).map([native])[0] is None
    assert MapChain([Director()]).relation(query, "Lyon", "Ann")[0].pid == "P57"
    assert MapChain([Chair()]).relation(chaired, "Ann", "Acme")[1] is False
    assert resolve.agreed_kinds([film])[0].head_type == "PERSON"
