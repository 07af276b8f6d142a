"""Facts kept packed a run at a time (`mamakg.packed`): read as the list they stand for, in
any process, and written as the list is."""

from __future__ import annotations

import dataclasses
import marshal
import pickle

import pytest
from test_writers import _many_facts

import mamakg.rdf.writers as writers
from mamakg.config import OutputFormat
from mamakg.packed import FactPart, PackedFacts
from mamakg.rdf.writers import render_parts, write_graph

from graph_samples import BASE, MANIFEST, sample_facts
from helpers import OtherFloat


def _packed(facts, runs=3, joined=None):
    """`facts` packed in `runs` runs of about equal size, in order."""
    size = -(-len(facts) // runs)
    parts, order = [], []
    for p, begin in enumerate(range(0, len(facts), size)):
        run = facts[begin:begin + size]
        places = [(f.head.key, f.relation.key, f.relation.pid, f.tail.key) for f in run]
        parts.append(FactPart.of(places, [((f.head, f.relation, f.tail), f) for f in run]))
        order += [(p, j) for j in range(len(run))]
    return PackedFacts(parts, order, joined or {})


def test_packed_facts_read_as_their_list():
    facts = _many_facts()
    packed = _packed(facts)
    assert len(packed) == len(facts) and list(packed) == facts and packed == facts
    assert packed[0] == facts[0] and packed[-1] == facts[-1] and packed[2:5] == facts[2:5]
    assert packed.keys() == [(f.head.key, f.relation.key, f.tail.key) for f in facts]
    bare = packed.bare()
    assert [(f.head, f.relation, f.tail, f.score, f.support) for f in bare] == \
        [(f.head, f.relation, f.tail, f.score, f.support) for f in facts]
    assert all(f.mentions == () for f in bare)
    with pytest.raises(IndexError):
        packed[len(facts)]
    again = pickle.loads(pickle.dumps(packed))
    assert type(again) is list and again == facts  # elsewhere, the plain list
    assert packed != facts[1:] and packed != "facts"


def test_a_joined_fact_reads_in_place_of_its_first():
    facts = sample_facts()
    joined = dataclasses.replace(facts[1], support=facts[1].support + 7)
    packed = _packed(facts, runs=2, joined={1: joined})
    assert list(packed) == [facts[0], joined, *facts[2:]]
    assert packed.bare()[1].support == joined.support


def test_mentions_of_another_type_are_packed_as_a_pickle():
    """A run's mentions are packed as plain values; where one holds a value ``marshal``
    does not write, the run's mentions are pickled, and read back the same either way."""
    facts = _many_facts()
    odd = dataclasses.replace(facts[1].mentions[0], score=OtherFloat(0.5))
    changed = [facts[0], dataclasses.replace(facts[1], mentions=(odd,)), *facts[2:]]
    plain, pickled = _packed(facts, runs=1), _packed(changed, runs=1)
    assert plain._parts[0].mentions[:1] == b"M" and pickled._parts[0].mentions[:1] != b"M"
    assert list(plain) == facts and list(pickled) == changed
    assert type(pickled[1].mentions[0].score) is OtherFloat


def test_nothing_is_unpacked_to_read_where_facts_lie(monkeypatch):
    """Where each fact lies, and the writers' shares: a run whole in one share, but for a
    statement met again, which goes with its first."""
    first = sample_facts()[0]
    facts = [dataclasses.replace(first, head=dataclasses.replace(first.head, key=f"h{n}"))
             for n in range(40)]
    packed = _packed([*facts, facts[3], facts[30]])
    monkeypatch.setattr(pickle, "loads", None)  # any unpacking fails
    monkeypatch.setattr(marshal, "loads", None)
    assert len(packed.keys()) == len(packed)
    shares = writers._shares(packed, 2)
    assert sorted(i for share in shares for i in share) == list(range(len(packed)))
    share_of = {i: n for n, share in enumerate(shares) for i in share}
    keys, runs, seen = packed.keys(), packed.runs(), set()
    where: dict[int, set[int]] = {}
    for i, key in enumerate(keys):
        if key in seen:  # a statement met again: with its first
            assert share_of[i] == share_of[keys.index(key)]
            continue
        seen.add(key)
        where.setdefault(runs[i], set()).add(share_of[i])
    assert len(where) == 3 and all(len(shares) == 1 for shares in where.values())


@pytest.mark.parametrize("fmt", [OutputFormat.NT, OutputFormat.TTL])
def test_writer_processes_write_packed_facts_as_the_list(tmp_path, monkeypatch, fmt):
    """Forked from this process, each writer unpacks what it writes: the bytes of the
    list written by one process, and none of the facts unpacked here."""
    facts = _many_facts()
    packed = _packed(facts)
    monkeypatch.setattr(writers, "PARALLEL_FACTS", 10)
    write_graph(packed, MANIFEST, str(tmp_path / "g"), fmt, BASE)
    assert not packed._loaded and not packed._bare
    assert (tmp_path / "g").read_bytes() == b"".join(
        render_parts(facts, MANIFEST, fmt, BASE, workers=0))
    assert b"".join(render_parts(_packed(facts), MANIFEST, fmt, BASE, workers=0)) == \
        (tmp_path / "g").read_bytes()


def test_the_shared_nodes_part_reads_the_facts_without_their_mentions(tmp_path, monkeypatch):
    facts = _many_facts()
    packed = _packed(facts)
    writers._init_writer(packed, MANIFEST, BASE, OutputFormat.NT)
    monkeypatch.setattr(PackedFacts, "entry", None)  # a whole fact read fails
    writers._written((None, str(tmp_path / "nodes")))
    writers._init_writer(facts, MANIFEST, BASE, OutputFormat.NT)
    writers._written((None, str(tmp_path / "from-list")))
    assert (tmp_path / "nodes").read_bytes() == (tmp_path / "from-list").read_bytes()
    assert (tmp_path / "nodes").stat().st_size > 0
