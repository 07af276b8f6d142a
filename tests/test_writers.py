"""write_graph streams RDF to the file in parts: the same bytes as `render`, and atomic."""

from __future__ import annotations

import os

import pytest

from mamakg.config import OutputFormat
from mamakg.rdf import writers
from mamakg.rdf.vocab import IRIs
from mamakg.rdf.writers import render, render_parts, write_graph

from graph_samples import BASE, MANIFEST, sample_facts


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_the_file_holds_the_bytes_render_gives(tmp_path, fmt):
    facts = sample_facts()
    path = tmp_path / f"g.{fmt.value}"
    write_graph(facts, MANIFEST, str(path), fmt, BASE, part_lines=7)  # many parts, small graph
    assert path.read_bytes() == render(facts, MANIFEST, fmt, BASE)
    if fmt in (OutputFormat.NT, OutputFormat.TTL):
        assert len(list(render_parts(facts, MANIFEST, fmt, BASE, part_lines=7))) > 3


def test_a_failure_while_streaming_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "g.nt"
    path.write_bytes(b"old graph\n")

    def failing(*args, **kwargs):
        yield b"<a> <b> <c> .\n"
        raise RuntimeError("disk gone")

    monkeypatch.setattr(writers, "render_parts", failing)
    with pytest.raises(RuntimeError):
        write_graph(sample_facts(), MANIFEST, str(path), OutputFormat.NT, BASE, force=True)
    assert path.read_bytes() == b"old graph\n"
    assert not list(tmp_path.glob(".*.tmp"))


def _many_facts():
    """The sample facts, each again with its entities' and relations' labels and kinds
    changed and a mention moved, and a copy of the first at the end (the same statement IRI
    twice, far apart: one writer process must describe it)."""
    import dataclasses

    facts = sample_facts()
    more = []
    for n, fact in enumerate(facts * 4):
        head = dataclasses.replace(fact.head, label=f"{fact.head.label} {n}", kind="PERSON")
        mentions = tuple(dataclasses.replace(m, sent_index=m.sent_index + n)
                         for m in fact.mentions)
        more.append(dataclasses.replace(fact, head=head, mentions=mentions))
    return [*facts, *more, dataclasses.replace(facts[0], mentions=more[3].mentions)]


@pytest.mark.parametrize("fmt", [OutputFormat.NT, OutputFormat.TTL])
def test_writer_processes_write_the_bytes_of_one_process(fmt):
    facts = _many_facts()
    one = b"".join(render_parts(facts, MANIFEST, fmt, BASE, workers=0))
    assert b"".join(render_parts(facts, MANIFEST, fmt, BASE, workers=2)) == one
    assert b"".join(render_parts(facts, MANIFEST, fmt, BASE, workers=3, part_lines=5)) == one


def test_the_merge_is_cut_into_ranges_of_about_equal_size():
    samples = [[f"<s{i:03d}>" for i in range(0, 300, 3)], [f"<s{i:03d}>" for i in range(1, 300, 3)],
               [f"<s{i:03d}>" for i in range(2, 300, 30)]]
    cuts = writers._cuts(samples, 4)
    assert cuts == sorted(cuts) and len(cuts) == 3
    pooled = sorted(s for sample in samples for s in sample)
    sizes = [sum(low <= s < high for s in pooled)
             for low, high in zip(["", *cuts], [*cuts, "~"])]
    assert max(sizes) - min(sizes) <= 2
    assert writers._cuts([[], []], 4) == [] and writers._cuts([["<a>"]], 4) == []


@pytest.mark.parametrize("fmt", [OutputFormat.NT, OutputFormat.TTL])
@pytest.mark.parametrize("copies", ["kernel", "refused", "read"])
def test_a_large_graph_is_written_by_worker_processes(tmp_path, monkeypatch, fmt, copies):
    """Their files copied into the graph's file by the kernel where it can (or through this
    process where the kernel refuses, after a first part), else read here: the bytes of one
    process either way, and no part file left beside the graph."""
    import errno

    calls = []
    monkeypatch.setattr(writers, "PARALLEL_FACTS", 10)
    real = writers._merged_files
    monkeypatch.setattr(writers, "_merged_files",
                        lambda *a, **k: calls.append(a[-1]) or real(*a, **k))
    if copies == "read":
        monkeypatch.setattr(writers, "_copies_files", lambda handle: False)
    elif not hasattr(os, "copy_file_range"):
        pytest.skip("no os.copy_file_range here")
    elif copies == "refused":  # the first call copies a few bytes, the next ones refuse
        kernel, asked = os.copy_file_range, []

        def refusing(source, out, count):
            asked.append(count)
            if len(asked) > 1:
                raise OSError(errno.EXDEV, "Invalid cross-device link")
            return kernel(source, out, min(count, 7))

        monkeypatch.setattr(writers.os, "copy_file_range", refusing, raising=False)
    copied = []
    real_copied = writers._copied
    monkeypatch.setattr(writers, "_copied", lambda *a: copied.append(1) or real_copied(*a))
    facts = _many_facts()
    write_graph(facts, MANIFEST, str(tmp_path / "g"), fmt, BASE)
    write_graph(facts[:5], MANIFEST, str(tmp_path / "small"), fmt, BASE)
    assert len(calls) == 1 and calls[0] >= 1  # only the graph of 10 facts or more
    assert copied == ([] if copies == "read" else [1])
    assert (tmp_path / "g").read_bytes() == b"".join(
        render_parts(facts, MANIFEST, fmt, BASE, workers=0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g", "small"]


def test_writer_processes_share_the_facts_one_statement_each_in_one_run():
    """Runs of about equal size, but a statement (one IRI) written by one process only."""
    import dataclasses

    first = sample_facts()[0]
    facts = [dataclasses.replace(first, head=dataclasses.replace(first.head, key=f"h{n}"))
             for n in range(40)]
    facts += [facts[3], facts[30], facts[3]]  # statements met again, far from the first
    shares = writers._shares(facts, 4)
    assert sorted(i for share in shares for i in share) == list(range(len(facts)))
    iris = IRIs(BASE)
    run_of: dict[str, int] = {}
    for n, share in enumerate(shares):
        for i in share:
            assert run_of.setdefault(iris.fact(facts[i]), n) == n
    assert [len(share) for share in shares] == [13, 11, 12, 7]


@pytest.mark.parametrize("fmt", [OutputFormat.NT, OutputFormat.TTL])
def test_writer_processes_leave_no_part_files(tmp_path, fmt, monkeypatch):
    """Writer processes write their parts (and merge them) in files in a temporary folder:
    gone once the graph is written, and when the reader stops early (a failed write)."""
    facts = _many_facts()
    whole = b"".join(render_parts(facts, MANIFEST, fmt, BASE, workers=2, spool=str(tmp_path)))
    assert whole == b"".join(render_parts(facts, MANIFEST, fmt, BASE, workers=0))
    assert not list(tmp_path.iterdir())
    monkeypatch.setattr(writers, "PART_BYTES", 100)
    parts = render_parts(facts, MANIFEST, fmt, BASE, workers=2, spool=str(tmp_path))
    assert whole.startswith(next(parts) + next(parts))
    assert list(tmp_path.iterdir())  # the parts, while they are read
    parts.close()
    assert not list(tmp_path.iterdir())
