"""Entities end to end on Re-DocRED dev: build the 500 documents with ``mamakg build``, score
the graph with ``mamakg eval docred`` (shared/data/SCORING.md section 4.2, strict name match)
and write docs/entities.md.

Each row is one ``(name, build options)`` pair (`ROWS`, then `ABLATIONS`: the default with one
component switched). Every figure in the report comes from the commands listed with it, run
here as subprocesses ($DATA = the shared data folder, $OUT = --out):

    mamakg eval docred $DATA/redocred-dev/dev_revised.json --write-docs    > $OUT/.../docs.jsonl
    mamakg build $OUT/.../docs.jsonl --format jsonl -o $OUT/redocred_<row>.jsonl OPTIONS
    mamakg eval docred $DATA/redocred-dev/dev_revised.json $OUT/redocred_<row>.jsonl --json

Usage::

    python benchmarks/redocred.py                          # 500 documents (~20 min on 2 cores)
    python benchmarks/redocred.py --limit 50 --out /tmp/r --doc /tmp/r/entities.md
    python benchmarks/redocred.py --from-results $OUT/redocred_results.json   # report only
    python benchmarks/redocred.py --no-ablations --with-results $SMALL/redocred_results.json
        # the shipped rows on all documents, and an earlier run's section (the ablations
        # on the first documents) beside them

With --limit N only the first N documents are built and the gold is cut to them (written under
$OUT/inputs). The per-node and per-fact rows of each build are kept in
$OUT/redocred_<row>_records.jsonl (``--records``) for reading. benchmarks/quality.py runs the
same rows and puts the same section into docs/quality.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import DEFAULT_DATA, ROOT, Paths, _git_commit, _mamakg, _speed, _write  # noqa: E402

ROWS: list[tuple[str, list[str]]] = [
    ("default", ["--preset", "default"]),
]
"""(name, build options): what ships."""

ABLATIONS: list[tuple[str, list[str]]] = [
    ("default, --no-resolve-names", ["--no-resolve-names"]),
    ("default, --no-resolve-descriptions", ["--no-resolve-descriptions"]),
    ("default, --no-scope-common-nouns", ["--no-scope-common-nouns"]),
    ("default, --no-entity-boundaries", ["--no-entity-boundaries"]),
    ("default, --no-chunk-facts", ["--no-chunk-facts"]),
    ("default, --no-agree-kinds", ["--no-agree-kinds"]),
    ("default, --no-whole-names", ["--no-whole-names"]),
]
"""(name, options on top of ``--preset default``): one entity component switched off per row,
e.g. ``("default, --no-chunk-facts", ["--no-chunk-facts"])``."""




def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", name).strip("_")


def inputs(paths: Paths, limit: int | None) -> tuple[Path, Path, int]:
    """(gold, documents, n_documents): the gold (cut to the first `limit` documents) and the
    build input that ``mamakg eval docred --write-docs`` writes from it."""
    gold = paths.data / "redocred-dev" / "dev_revised.json"
    n = len(json.loads(gold.read_text(encoding="utf-8")))
    if limit is not None and limit < n:
        docs = json.loads(gold.read_text(encoding="utf-8"))[:limit]
        gold = paths.out / "inputs" / "redocred_gold.json"
        gold.parent.mkdir(parents=True, exist_ok=True)
        gold.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        n = limit
    out, _, cmd, _ = _mamakg(["eval", "docred", gold, "--write-docs"], paths)
    docs_file = _write(paths.out / "inputs" / "redocred_docs.jsonl", out.splitlines())
    return gold, docs_file, n


def run_row(paths: Paths, gold: Path, docs: Path, name: str,
            options: list[str]) -> dict[str, object]:
    """Build one row's graph and score it."""
    slug = _slug(name)
    graph = paths.out / f"redocred_{slug}.jsonl"
    records = paths.out / f"redocred_{slug}_records.jsonl"
    _, err, build_cmd, secs = _mamakg(["build", docs, "--format", "jsonl", "-o", graph,
                                       "--force", *options], paths)
    out, _, eval_cmd, _ = _mamakg(["eval", "docred", gold, graph, "--json", "--records",
                                   records, "--force"], paths)
    return {"config": name, **json.loads(out), "commands": [build_cmd, eval_cmd],
            "speed": _speed(err), "seconds": round(secs, 1)}


def run_all(paths: Paths, limit: int | None, ablations: bool = True) -> dict[str, object]:
    gold, docs, n = inputs(paths, limit)
    docs_cmd = (f"mamakg eval docred {paths.show(gold)} --write-docs > {paths.show(docs)}")
    rows = [run_row(paths, gold, docs, name, options) for name, options in
            ROWS + [(n_, ["--preset", "default", *o]) for n_, o in (ABLATIONS if ablations
                                                                    else [])]]
    return {"n_documents": n, "limit": limit, "docs_command": docs_cmd, "rows": rows}


def _pct(x: object) -> str:
    return f"{100 * float(x):.1f}"  # type: ignore[arg-type]


def section(results: dict, heading: str = "##") -> list[str]:
    """The Re-DocRED section: two tables (nodes, facts) and the commands, as markdown lines."""
    rows = results["rows"]
    out = [
        f"{heading} Re-DocRED dev: entities end to end",
        "",
        f"{results['n_documents']} Wikipedia documents (sentences detokenised and joined), "
        "built as one corpus and scored per document by `mamakg eval docred` "
        "(SCORING.md 4.2, strict name match).",
        "A *node* is a (document, entity node) pair: every node that heads or tails a fact "
        "with a mention in that document. *Exact*: its label or one of its head/tail texts "
        "there equals a gold mention name (normalised); *overlap*: none does but one holds a "
        "gold name or lies inside one (whole words); *name-like*: a capital letter or a digit "
        "in the label. *Split*: of the gold entities some node names exactly, the share named "
        "by two or more nodes of the document.",
        "",
        "| config | nodes | exact | overlap only | unmatched | name-like nodes | exact "
        "| overlap only | unmatched | split |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a, nl = r["nodes"], r["name_like"]
        out.append(f"| {r['config']} | {a['nodes']} | {_pct(a['exact_share'])} | "
                   f"{_pct(a['overlap_share'])} | {_pct(a['unmatched_share'])} | "
                   f"{nl['nodes']} | {_pct(nl['exact_share'])} | {_pct(nl['overlap_share'])} | "
                   f"{_pct(nl['unmatched_share'])} | {_pct(r['split_share'])} |")
    out += [
        "",
        "Mapped facts count per (document, fact). Those on one of DocRED's 96 properties are "
        "resolved to gold entities by name, deduplicated per document (inverse properties "
        "read in the gold's direction) and scored: P all = true positives over every "
        "prediction, P restricted = over the predictions whose head and tail both name "
        "annotated entities; R over the gold triples.",
        "",
        "| config | mapped facts: 96 properties / others | predictions: between entities / "
        "not | TP | P all | P restricted | R |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(f"| {r['config']} | {r['facts_in_schema']} / {r['facts_other']} | "
                   f"{r['predictions']} / {r['unresolved']} | {r['tp']} | "
                   f"{_pct(r['precision_all'])} | {_pct(r['precision_restricted'])} | "
                   f"{_pct(r['recall'])} ({r['gold_found']} of {r['gold']}) |")
    out += ["", "Commands ($DATA = the shared data folder, $OUT = the runner's folder):", "",
            "```sh", results["docs_command"]]
    for r in rows:
        out.extend(r["commands"])
    out += ["```", ""]
    return out


def _also(results: dict | None) -> list[str]:
    """The section of an earlier run (``--with-results``), headed by its command and scope."""
    if results is None:
        return []
    scope = ("all documents" if results["limit"] is None
             else f"the first {results['limit']} documents")
    return ["", f"## The same on {scope}",
            "",
            f"- run: `python benchmarks/redocred.py {' '.join(results['argv'])}`, "
            f"{results['finished']}, {results['seconds'] / 60:.1f} min, commit "
            f"{results['commit']}",
            "", *section(results, heading="###")]


def report(results: dict, argv: list[str], also: dict | None = None) -> str:
    from mamakg import __version__

    scope = ("all documents" if results["limit"] is None
             else f"--limit {results['limit']}: the first {results['limit']} documents")
    return "\n".join([
        "# Entities",
        "",
        "Produced by `python benchmarks/redocred.py` — do not edit by hand; rerun it.",
        "",
        f"- run: `python benchmarks/redocred.py {' '.join(argv)}` ({scope}), "
        f"{results['finished']}, {results['seconds'] / 60:.1f} min",
        f"- mamakg {__version__}, commit {results['commit']}, bundled all-MiniLM-L6-v2 + "
        "en_core_web_sm, no GPU",
        "- per-node and per-fact rows of each build: `$OUT/redocred_<config>_records.jsonl` "
        "(`mamakg eval docred ... --records`)",
        "",
        *section(results),
        *_also(also),
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N documents.")
    parser.add_argument("--out", default=None,
                        help="Folder for inputs, graphs and records (default: a temp folder).")
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="The shared evaluation data folder [../shared/data].")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "entities.md"),
                        help="The report to write [docs/entities.md].")
    parser.add_argument("--from-results", default=None, metavar="RESULTS_JSON",
                        help="Only write the report again from an earlier run's results.")
    parser.add_argument("--no-ablations", action="store_true",
                        help="Build only the shipped rows (ROWS), not the ablations.")
    parser.add_argument("--with-results", default=None, metavar="RESULTS_JSON",
                        help="Add an earlier run's section to the report (e.g. the ablations "
                             "on the first documents beside a full run without them).")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    also = (json.loads(Path(args.with_results).read_text(encoding="utf-8"))
            if args.with_results else None)
    if args.from_results:
        results = json.loads(Path(args.from_results).read_text(encoding="utf-8"))
        Path(args.doc).write_text(report(results, results["argv"], also), encoding="utf-8")
        print(f"redocred: wrote {args.doc} from {args.from_results}", file=sys.stderr)
        return
    data = Path(args.data).resolve()
    if not (data / "redocred-dev" / "dev_revised.json").is_file():
        parser.error(f"{data} holds no redocred-dev/dev_revised.json")
    out = (Path(args.out) if args.out else
           Path(tempfile.mkdtemp(prefix="mamakg-redocred-"))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    paths = Paths(data, out)
    started = time.perf_counter()
    results = run_all(paths, args.limit, ablations=not args.no_ablations)
    results.update(argv=argv, seconds=time.perf_counter() - started, commit=_git_commit(),
                   finished=f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    path = out / "redocred_results.json"
    path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    Path(args.doc).write_text(report(results, argv, also), encoding="utf-8")
    print(f"redocred: wrote {args.doc} and {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
