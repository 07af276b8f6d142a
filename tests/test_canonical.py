"""Canonical open schema: relation phrases grouped into canonical open relations."""

import json

import pytest
from click.testing import CliRunner

from mamakg.cli import cli
from mamakg.mapping.canonical import OpenRelation, canonical_key, canonicalize


@pytest.mark.parametrize("phrase,key", [
    ("was born in", "bear in"),
    ("born in", "bear in"),
    ("bear in", "bear in"),  # a relation key, lemmatized by spaCy
    ("be bear in", "bear in"),
    ("was later born in", "bear in"),
    ("has been married to", "marry to"),
    ("is a member of", "member of"),
    ("be member of", "member of"),
    ("is not a member of", "not member of"),  # negation stays
    ("is the capital of", "capital of"),
    ("located in", "locate in"),
    ("is", "be"),  # nothing else left: the auxiliary stays
    ("of the", "of"),
    ("  Wrote , ", "write"),
])
def test_canonical_key(phrase, key):
    assert canonical_key(phrase) == key


def test_prepositions_keep_relations_apart():
    assert canonical_key("died in") != canonical_key("died on")
    assert canonical_key("works for") != canonical_key("works with")


def test_canonicalize_groups_members_with_counts():
    groups = canonicalize({"bear in": 5, "be bear in": 2, "was born in": 1, "marry": 3,
                           "be marry": 3, "member of": 1})
    assert groups == [
        OpenRelation("bear in", "bear in", (("bear in", 5), ("be bear in", 2),
                                            ("was born in", 1)), 8),
        OpenRelation("marry", "marry", (("marry", 3), ("be marry", 3)), 6),
        OpenRelation("member of", "member of", (("member of", 1),), 1),
    ]


def test_canonicalize_accepts_pairs_and_sums_repeats():
    groups = canonicalize([("born in", 1), ("born in", 2), ("bear in", 1)])
    assert [(g.key, g.label, g.count) for g in groups] == [("bear in", "born in", 4)]
    assert canonicalize([]) == []


def test_open_relation_needs_members():
    with pytest.raises(ValueError):
        OpenRelation("x", "x", (), 0)


def _record(key, pid=None, support=1):
    return json.dumps({"relation": {"key": key, "pid": pid}, "support": support})


def test_cli_canon(tmp_path):
    facts = tmp_path / "g.jsonl"
    facts.write_text("\n".join([_record("bear in", support=2), _record("be bear in"),
                                _record("marry", pid="P26"), ""]) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "canon", str(facts)])
    assert result.exit_code == 0, result.output
    assert [json.loads(x) for x in result.stdout.splitlines()] == [
        {"key": "bear in", "count": 3, "members": {"bear in": 2, "be bear in": 1}}]
    with_mapped = runner.invoke(cli, ["kb", "canon", "--all", "-"], input=facts.read_text())
    assert len(with_mapped.stdout.splitlines()) == 2
    (tmp_path / "bad.jsonl").write_text("{}\n")
    bad = runner.invoke(cli, ["kb", "canon", str(tmp_path / "bad.jsonl")])
    assert bad.exit_code == 1 and "bad.jsonl:1" in bad.stderr
