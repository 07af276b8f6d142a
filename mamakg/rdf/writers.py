"""Write a build's result in each output format, atomically.

Every writer produces the same bytes for the same facts: RDF is written from sorted triples by
our own Turtle / N-Triples writers (rdflib's serializers iterate sets whose order changes with
Python's hash seed), JSON-LD is sorted, GraphML nodes and edges go in in fact order.

Ours are also the faster: they stream the triples from the facts, while rdflib's serializers
need an rdflib `Graph` built first. On 5,654 facts (205,475 triples; `python
benchmarks/writers.py`, docs/performance.md) N-Triples took 3.2-4.0 s against 10.8-13.4 s
through rdflib (8.5-10.7 s of it building the graph; the same 27.7 MB, the same triples),
Turtle 4.6-5.5 s against 22.1-29.9 s (the same triples). N-Triples and Turtle are now written
from text (`mamakg.rdf.graph.nt_triples`: no rdflib node per triple, the same bytes): on 9,029
facts (351,970 lines; `python benchmarks/writing.py GRAPH.nt --repeat 3`, on a busy 2-core
machine) N-Triples took 3.2-4.0 CPU seconds against 8.5-13.4 s from rdflib nodes, Turtle
3.1-3.7 s against 13.1-14.5 s.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import errno
import functools
import heapq
import io
import itertools
import json
import mmap
import os
import pickle
import re
import stat
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from rdflib import RDF

from mamakg.config import OutputFormat
from mamakg.output import atomic_output, streams
from mamakg.packed import PackedFacts
from mamakg.rdf.graph import (
    NODES,
    STATEMENTS,
    Triple,
    fact_blocks,
    fact_lines,
    gc_paused,
    nt_term,
    nt_triples,
    to_networkx,
    to_rdf,
)
from mamakg.rdf.vocab import IRIs
from mamakg.scale.processes import long_lived_heap
from mamakg.types import Fact, Mention, RunInfo

__all__ = ["fact_record", "render", "render_parts", "turtle", "turtle_blocks", "turtle_text_blocks",
           "write_graph"]


_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
"""Local names written as prefixed names; anything else is written as a full <IRI>."""


def turtle(graph: Iterable[Triple], base: str) -> str:
    """Turtle with subjects, predicates and objects in sorted order (rdf:type first)."""
    return "".join(turtle_blocks(graph, base))


def turtle_blocks(graph: Iterable[Triple], base: str) -> Iterator[str]:
    """`turtle` in pieces: the prefixes, then one block per subject."""
    term = functools.cache(nt_term)  # terms recur: write each once
    return turtle_text_blocks(((term(s), term(p), term(o)) for s, p, o in graph), base)


def _text(term: str) -> str:
    """What ``str()`` gives of the rdflib node of an IRI or blank node in N-Triples syntax."""
    return term[1:-1] if term.startswith("<") else term[2:] if term.startswith("_:") else term


def turtle_text_blocks(graph: Iterable[tuple[str, str, str]], base: str) -> Iterator[str]:
    """`turtle_blocks` of triples whose terms are in N-Triples syntax (`nt_term`;
    `mamakg.rdf.graph.nt_triples`)."""
    text = _TurtleText(base)
    yield text.header()
    for _, block in text.blocks(graph):
        yield block


class _TurtleText:
    """Turtle from triples in N-Triples syntax: the prefixes, then one block per subject in
    the order of the subjects' IRIs, rdf:type first, each term written once."""

    def __init__(self, base: str) -> None:
        names = {**IRIs(base).prefixes(), "rdf": str(RDF),
                 "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
        self.prefixes = sorted(names.items())
        self.by_length = sorted(self.prefixes, key=lambda pn: -len(pn[1]))
        self.a = nt_term(RDF.type)
        self.term = functools.cache(self._term)  # terms recur: write each once
        self.order = functools.cache(self._order)  # a few predicates, each in every block

    def _term(self, t: str) -> str:
        if t.startswith("<"):
            iri = t[1:-1]
            for prefix, ns in self.by_length:
                local = iri[len(ns):]
                if iri.startswith(ns) and _SAFE_LOCAL.match(local):
                    return f"{prefix}:{local}"
        return t

    def _order(self, p: str) -> tuple[bool, str]:
        return (p != self.a, _text(p))

    def header(self) -> str:
        return "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in self.prefixes) + "\n"

    def blocks(self, graph: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str]]:
        """(the subject's IRI, its block) of each subject of the triples, in that order."""
        term, order, a = self.term, self.order, self.a
        by_subject: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set))
        with gc_paused():
            for s, p, o in graph:
                by_subject[s][p].add(term(o))
        for s in sorted(by_subject, key=_text):
            preds = by_subject.pop(s)  # written: let it go
            parts = []
            for p in sorted(preds, key=order):
                verb = "a" if p == a else term(p)
                parts.append(f"    {verb} " + ",\n        ".join(sorted(preds[p])))
            yield _text(s), term(s) + "\n" + " ;\n".join(parts) + " .\n\n"


def _sorted_jsonld(graph: Any) -> str:
    data = json.loads(graph.serialize(format="json-ld", auto_compact=False))
    nodes = data if isinstance(data, list) else data.get("@graph", [data])

    def key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    for node in nodes:
        for prop, values in node.items():
            if isinstance(values, list):
                node[prop] = sorted(values, key=key)
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def fact_record(fact: Fact, iris: IRIs) -> dict[str, Any]:
    """Every field of a fact as plain JSON (one line of the ``jsonl`` output)."""
    rel = fact.relation

    def entity(e: Any) -> dict[str, Any]:
        out = {"label": e.label, "key": e.key, "qid": e.qid,
               "iri": None if e.is_literal else str(iris.entity(e)),
               "link_score": e.link_score}
        if e.kind:
            out["kind"] = e.kind
        if e.aliases:
            out["aliases"] = list(e.aliases)
        if e.is_literal:
            out.update(datatype=e.datatype, value=e.value)
        return out

    relation: dict[str, Any] = {"label": rel.label, "key": rel.key, "pid": rel.pid,
                "pid_label": rel.pid_label, "iri": str(iris.relation(rel)),
                "map_score": rel.map_score, "map_method": rel.map_method}
    if rel.evidence:
        relation["evidence"] = [list(e) for e in rel.evidence]
    return {
        "id": str(iris.fact(fact)),
        "head": entity(fact.head),
        "relation": relation,
        "tail": entity(fact.tail),
        "status": fact.status.value,
        "score": fact.score,
        "support": fact.support,
        "mentions": [m.to_record(keys=False) for m in fact.mentions],
    }


def _carb_lines(facts: Sequence[Fact], documents: dict[str, str],
                left_out: Sequence[Mention] = ()) -> str:
    """``input line TAB score TAB relation TAB head TAB tail``, one line per mention the Match
    stage made (also those the Map stage left out of the graph, not the readings it derived)."""
    order = {doc_id: i for i, doc_id in enumerate(documents)}
    rows = []
    read = itertools.chain((m for fact in facts for m in fact.mentions), left_out)
    for m in read:
        if m.derived:
            continue
        line = documents.get(m.doc_id, m.sentence)
        rows.append(((order.get(m.doc_id, len(order)), m.sent_index, -m.score, m.head.start,
                      m.relation.start, m.tail.start),
                     "\t".join([line, f"{m.score:.6f}", m.relation.text, m.head.text,
                                m.tail.text])))
    rows.sort(key=lambda r: r[0])
    return "".join(text + "\n" for _, text in rows)


def render(facts: Sequence[Fact], run: RunInfo, fmt: OutputFormat, base: str,
           documents: dict[str, str] | None = None, left_out: Sequence[Mention] = ()) -> bytes:
    """The bytes of the facts in a format."""
    with long_lived_heap():  # the facts: no garbage, walked by no pass here or in a writer
        return b"".join(render_parts(facts, run, fmt, base, documents, left_out))


PART_LINES = 10_000
"""N-Triples lines (from writer processes: subjects' blocks of lines) per part of
`render_parts` unless told."""


def render_parts(facts: Sequence[Fact], run: RunInfo, fmt: OutputFormat, base: str,
                 documents: dict[str, str] | None = None,
                 left_out: Sequence[Mention] = (), *,
                 part_lines: int = PART_LINES, workers: int | None = None,
                 spool: str | None = None) -> Iterator[bytes]:
    """`render` in parts: RDF formats come a block at a time (N-Triples: `part_lines` lines;
    from writer processes, N-Triples and Turtle: at most `PART_BYTES` of their merged text),
    so the text of the whole graph is never held a second and third time (joined, then
    encoded).
    `documents` (id -> text) gives the CaRB format its input lines.
    N-Triples and Turtle are made by `workers` forked processes (default:
    `writer_processes`; 0: in this process), the same bytes either way; they write their
    parts to files in a temporary folder made in `spool` (default: the system's temporary
    folder), removed before this ends."""
    if workers is None:
        workers = writer_processes(len(facts)) if fmt in (OutputFormat.NT,
                                                          OutputFormat.TTL) else 0
    if fmt is OutputFormat.JSONL:
        iris = IRIs(base)
        yield "".join(
            json.dumps(fact_record(f, iris), ensure_ascii=False, sort_keys=True) + "\n"
            for f in facts
        ).encode("utf-8")
    elif fmt is OutputFormat.CARB:
        yield _carb_lines(facts, documents or {}, left_out).encode("utf-8")
    elif fmt is OutputFormat.GRAPHML:
        import networkx as nx

        buffer = io.BytesIO()
        nx.write_graphml(to_networkx(facts, run, base), buffer)
        yield buffer.getvalue()
    elif fmt is OutputFormat.JSONLD:
        yield _sorted_jsonld(to_rdf(facts, run, base)).encode("utf-8")
    elif fmt is OutputFormat.NT and workers:
        yield from _in_workers(facts, run, base, fmt, workers, spool=spool)
    elif fmt is OutputFormat.NT:
        text = fact_lines(facts, run, base)
        for begin in range(0, len(text), part_lines):
            yield "".join(text[begin : begin + part_lines]).encode("utf-8")
    elif workers:
        yield _TurtleText(base).header().encode("utf-8")
        yield from _in_workers(facts, run, base, fmt, workers, spool=spool)
    else:
        for block in turtle_text_blocks(nt_triples(facts, run, base), base):
            yield block.encode("utf-8")


PARALLEL_FACTS = 4000
"""Fewer facts than this are written in one process: starting worker processes would cost
more than it saves."""


def writer_processes(n_facts: int) -> int:
    """How many worker processes write a graph of `n_facts` facts as N-Triples or Turtle:
    none below `PARALLEL_FACTS` or where processes cannot be forked (they inherit the
    facts), else every core."""
    import multiprocessing

    from mamakg.config import available_cores

    if n_facts < PARALLEL_FACTS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return available_cores()


_WRITING: list[tuple[Sequence[Fact], RunInfo, str, OutputFormat]] = []
"""A writer process's facts, run record, base IRI and format (inherited, not sent)."""


def _init_writer(facts: Sequence[Fact], run: RunInfo, base: str, fmt: OutputFormat) -> None:
    _WRITING[:] = [(facts, run, base, fmt)]


def _written(task: tuple[list[int] | None, str]) -> list[str]:
    """A writer process's task (`share`, `path`): the N-Triples or Turtle block of each
    subject (its sorted lines; `fact_blocks`, `_TurtleText.blocks`), encoded, written to the
    file `path` in the subjects' order, of the graph's shared nodes (`share` None: `NODES`)
    or of the statements of the facts at these indices (`STATEMENTS`); the subjects and where
    each one's block ends go to `path`'s index (`_index_path`). Returns a sample of the
    subjects (`SAMPLES` of them, evenly spaced, the first included), from which the build's
    process cuts the merge into ranges (`_cuts`). Nothing large goes back through the pool."""
    share, path = task
    facts, run, base, fmt = _WRITING[0]
    if share is None:  # the nodes read no mentions: packed facts unpack their bare halves
        chosen = facts.bare() if isinstance(facts, PackedFacts) else facts
    else:
        chosen = [facts[i] for i in share]
    part = NODES if share is None else STATEMENTS
    blocks = (fact_blocks(chosen, run, base, part) if fmt is OutputFormat.NT
              else _TurtleText(base).blocks(nt_triples(chosen, run, base, part)))
    subjects: list[str] = []
    ends = array.array("q")
    end = 0
    with open(path, "wb", buffering=WRITE_BUFFER) as handle:
        for subject, block in blocks:
            end += handle.write(block.encode("utf-8"))
            subjects.append(subject)
            ends.append(end)
    with open(_index_path(path), "wb") as handle:
        pickle.dump((subjects, ends), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return subjects[::max(len(subjects) // SAMPLES, 1)]


WRITE_BUFFER = 1 << 20
"""Bytes a writer process gathers before each write to its part's file."""
SAMPLES = 256
"""Subjects each writer process's part hands back to place the merge's cuts (`_cuts`)."""
PART_BYTES = 8 << 20
"""Bytes per part of `render_parts` from the writer processes' merged files."""


def _index_path(path: str) -> str:
    return path + ".index"


def _shares(facts: Sequence[Fact], n: int) -> list[list[int]]:
    """The facts' indices in `n` runs of about equal size, facts of one statement (the same
    keys: one statement IRI, `IRIs.fact`) in the run of the first: no two runs describe one
    subject. Keyed by the keys themselves: no IRI is hashed here. Packed facts are read
    without unpickling, and a run the Map stage's workers packed goes whole to the share of
    its first fact (each writer process unpacks its own runs)."""
    size = max(-(-len(facts) // n), 1)
    shares: list[list[int]] = [[] for _ in range(n)]
    first: dict[tuple[str, str, str], int] = {}
    if isinstance(facts, PackedFacts):
        keys = facts.keys()
        begins: dict[int, int] = {}
        at: Sequence[int] = [begins.setdefault(run, i) for i, run in enumerate(facts.runs())]
    else:
        keys = [(fact.head.key, fact.relation.key, fact.tail.key) for fact in facts]
        at = range(len(facts))
    for i, key in enumerate(keys):
        shares[first.setdefault(key, at[i] // size)].append(i)
    return [share for share in shares if share]


def _cuts(samples: Iterable[list[str]], n: int) -> list[str]:
    """At most `n - 1` subjects, in order, that cut the graph's subjects into `n` ranges of
    about equal size, from evenly spaced samples of each part's."""
    pooled = sorted(itertools.chain.from_iterable(samples))
    return sorted({pooled[len(pooled) * k // n] for k in range(1, n)} - {pooled[0]}) \
        if pooled else []


def _merged(task: tuple[str | None, str | None, list[str], str]) -> int:
    """A writer process's merge task (`low`, `high`, `parts`, `path`): the blocks of the
    parts' subjects from `low` (None: the first) to before `high` (None: to the last), in
    the subjects' order (the parts describe different subjects: their blocks merged by
    subject are the lines of the whole graph in order), written to the file `path`; returns
    its size in bytes."""
    low, high, parts, path = task
    runs = []
    for part in parts:
        with open(_index_path(part), "rb") as handle:
            subjects, ends = pickle.load(handle)
        first = 0 if low is None else bisect.bisect_left(subjects, low)
        stop = len(subjects) if high is None else bisect.bisect_left(subjects, high)
        if first < stop:
            runs.append((part, subjects, ends, first, stop))
    size = 0
    with contextlib.ExitStack() as opened, open(path, "wb", buffering=WRITE_BUFFER) as out:
        texts = []
        for part, _, _, _, _ in runs:
            with open(part, "rb") as handle:
                texts.append(opened.enter_context(
                    mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)))
        merged = heapq.merge(*(zip(itertools.islice(subjects, first, stop),
                                   itertools.repeat(p), range(first, stop))
                               for p, (_, subjects, _, first, stop) in enumerate(runs)))
        for _, p, i in merged:
            ends = runs[p][2]
            size += out.write(texts[p][ends[i - 1] if i else 0 : ends[i]])
    return size


@contextlib.contextmanager
def _merged_files(facts: Sequence[Fact], run: RunInfo, base: str, fmt: OutputFormat,
                  workers: int, *, spool: str | None = None) -> Iterator[list[tuple[str, int]]]:
    """The N-Triples or Turtle blocks of the graph's subjects, in order, in files (path,
    size in bytes; none empty) that follow one another, made by `workers` forked processes:
    one task makes the shared nodes' part, the others each a run of facts' statements
    (`_shares`), each into its own file in a temporary folder made in `spool`; the parts
    describe different subjects, so merging their blocks by subject gives what one process
    writes. The writer processes merge them too, a range of subjects each (`_cuts`,
    `_merged`). The folder is removed when the block ends."""
    from mamakg.scale.processes import Workers

    shares: list[list[int] | None] = [None, *_shares(facts, 2 * workers)]
    with tempfile.TemporaryDirectory(prefix=".mamakg-parts-", dir=spool) as folder:
        tasks = [(share, os.path.join(folder, f"part-{i}")) for i, share in enumerate(shares)]
        with Workers(workers, _init_writer, (facts, run, base, fmt)) as pool:
            cuts = _cuts(pool.map(_written, tasks, ahead=len(tasks)), 2 * workers)
            bounds = [None, *cuts, None]
            paths = [path for _, path in tasks]
            merges = [(low, high, paths, os.path.join(folder, f"merged-{i}"))
                      for i, (low, high) in enumerate(zip(bounds, bounds[1:]))]
            sizes = list(pool.map(_merged, merges, ahead=len(merges)))
        yield [(path, size) for (_, _, _, path), size in zip(merges, sizes) if size]


def _in_workers(facts: Sequence[Fact], run: RunInfo, base: str, fmt: OutputFormat,
                workers: int, *, spool: str | None = None) -> Iterator[bytes]:
    """The blocks of `_merged_files`, encoded, in order, in parts of at most `PART_BYTES`:
    this process reads the files mapped into memory, holding none of them whole."""
    with _merged_files(facts, run, base, fmt, workers, spool=spool) as files:
        for path, size in files:
            with open(path, "rb") as handle, \
                    mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                for begin in range(0, size, PART_BYTES):
                    yield mapped[begin : begin + PART_BYTES]


_NO_KERNEL_COPY = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP,
                             errno.EPERM})
"""``os.copy_file_range``'s refusals where the file systems or the kernel do not copy
(`_copied` then copies through this process)."""


def _copied(files: Iterable[tuple[str, int]], handle: IO[bytes]) -> None:
    """The files' bytes appended to `handle` (a file), in order, by the kernel
    (``os.copy_file_range``): they pass through no buffer of this process. Where the kernel
    refuses (`_NO_KERNEL_COPY`), the rest goes through this process, `WRITE_BUFFER` bytes
    at a time."""
    handle.flush()
    out = handle.fileno()
    kernel = True
    for path, size in files:
        with open(path, "rb", buffering=0) as source:
            left = size
            while left:
                if kernel:
                    try:
                        copied = os.copy_file_range(source.fileno(), out, left)
                    except OSError as err:
                        if err.errno not in _NO_KERNEL_COPY:
                            raise
                        kernel = False
                        handle.seek(0, os.SEEK_END)  # past what the kernel copied
                        continue
                else:
                    block = source.read(min(left, WRITE_BUFFER))
                    copied = len(block)
                    if copied:
                        handle.write(block)
                if not copied:
                    raise OSError(f"{path}: ended {left} bytes short of its {size}")
                left -= copied
    handle.seek(0, os.SEEK_END)  # flushes what was written here; after the kernel's copies


def _copies_files(handle: IO[bytes]) -> bool:
    """Whether `_copied` can append to `handle`: a regular file, on a system that has
    ``os.copy_file_range`` (Linux)."""
    if not hasattr(os, "copy_file_range"):
        return False
    try:
        return stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (AttributeError, OSError, io.UnsupportedOperation):
        return False


def write_graph(facts: Sequence[Fact], run: RunInfo, path: str, fmt: OutputFormat, base: str,
                *, force: bool = False, documents: dict[str, str] | None = None,
                left_out: Sequence[Mention] = (), part_lines: int = PART_LINES) -> None:
    """Render and write atomically to `path` (a stream, ``-`` = stdout or a device or pipe
    (`output.streams`): rendered whole first, so a failure writes nothing there either);
    `part_lines`: see `render_parts`. The garbage collector is set as in a build
    (`long_lived_heap`): the facts, the models and the rest are no garbage, and neither
    this process nor a writer process walks them."""
    if streams(path):
        data = render(facts, run, fmt, base, documents, left_out)
        with atomic_output(path, force=force) as handle:
            handle.write(data)
        return
    spool = os.path.dirname(os.path.abspath(path))
    workers = writer_processes(len(facts)) if fmt in (OutputFormat.NT, OutputFormat.TTL) else 0
    with long_lived_heap(), atomic_output(path, force=force) as handle:
        if workers and _copies_files(handle):  # the writer processes' files, copied whole
            if fmt is OutputFormat.TTL:
                handle.write(_TurtleText(base).header().encode("utf-8"))
            with _merged_files(facts, run, base, fmt, workers, spool=spool) as files:
                _copied(files, handle)
            return
        for part in render_parts(facts, run, fmt, base, documents, left_out,
                                 part_lines=part_lines, workers=workers, spool=spool):
            handle.write(part)
