"""write_graph streams RDF to the file in parts: the same bytes as `render`, and atomic."""

from __future__ import annotations

import pytest
from graph_samples import BASE, MANIFEST, sample_facts

from mamakg.config import OutputFormat
from mamakg.rdf import writers
from mamakg.rdf.writers import render, render_parts, write_graph


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


def test_a_large_graph_is_written_by_worker_processes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(writers, "PARALLEL_FACTS", 10)
    real = writers._in_workers
    monkeypatch.setattr(writers, "_in_workers", lambda *a, **k: calls.append(a[-1]) or real(*a, **k))
    facts = _many_facts()
    write_graph(facts, MANIFEST, str(tmp_path / "g.nt"), OutputFormat.NT, BASE)
    write_graph(facts[:5], MANIFEST, str(tmp_path / "small.nt"), OutputFormat.NT, BASE)
    assert len(calls) == 1 and calls[0] >= 1  # only the graph of 10 facts or more
    assert (tmp_path / "g.nt").read_bytes() == b"".join(
        render_parts(facts, MANIFEST, OutputFormat.NT, BASE, workers=0))


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
