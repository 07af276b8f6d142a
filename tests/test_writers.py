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
