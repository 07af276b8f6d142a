"""``mamakg eval``: score predictions against three benchmarks' gold (CaRB, BenchIE,
KnowledgeNet); the protocols are in each command's help and `mamakg.evaluate`'s modules.

Thin commands over `mamakg.evaluate`: tables (or one JSON object with --json) on stdout.
"""

from __future__ import annotations

import json

import click

from mamakg.cli.common import Group, format_table
from mamakg.evaluate.files import read_lines

__all__ = ["eval_group"]

EVAL_EXAMPLES = """
\b
Examples:
  mamakg build dev_sentences.txt --format carb -o pred.tsv
  mamakg eval carb --gold dev_gold.tsv pred.tsv
  mamakg eval benchie --gold benchie_gold_dev.txt pred.tsv --json
  mamakg build passages.jsonl --format jsonl -o facts.jsonl
  mamakg eval knowledgenet --gold knowledgenet_folds123.jsonl facts.jsonl --mode label
"""


def _emit(as_json: bool, data: dict[str, object], text: str) -> None:
    click.echo(json.dumps(data, sort_keys=True) if as_json else text)


@click.group("eval", cls=Group, epilog=EVAL_EXAMPLES)
def eval_group() -> None:
    """Score predictions against benchmark gold, with each benchmark's usual protocol:

    \b
    carb          open extractions against CaRB (Bhardwaj et al. 2019): lenient token
                  matching of each pair, precision and recall at every confidence
                  threshold, area under the PR curve and the best-F1 point
    benchie       triples against BenchIE fact synsets (Gashteovski et al. 2022): exact
                  match with any variant of a gold triple's [optional] words
    knowledgenet  mapped facts against KnowledgeNet passages (Mesquita et al. 2019): only
                  its 15 properties count; facts match by label, span overlap ("Text F1"),
                  exact span or Wikidata item ("Link F1")
    docred        a whole graph against Re-DocRED / DocRED documents (Tan et al. 2022): its
                  nodes against the annotated entity mentions, entities split over nodes,
                  mapped facts against the triples over DocRED's 96 properties (strict names)

    The gold files come with each benchmark; the scores of mamakg's own builds, and the
    commands that give them, are in the project's docs/quality.md."""


@eval_group.command("carb", epilog=EVAL_EXAMPLES)
@click.option("--gold", required=True, help="CaRB gold TSV (sentence, relation, args).")
@click.argument("pred")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def carb_command(gold: str, pred: str, as_json: bool) -> None:
    """Score CaRB-format predictions PRED (sentence, confidence, relation, args; '-' = stdin):
    AUC and the best-F1 point (an oracle threshold chosen on the scored set)."""
    from mamakg.evaluate import carb

    result = carb.score(carb.parse_gold(read_lines(gold), gold),
                        carb.parse_predictions(read_lines(pred), pred))
    d = result.to_dict()
    threshold = "-" if result.threshold is None else f"{result.threshold:.5f}"
    text = format_table([
        ("CaRB", "value"),
        ("AUC", f"{d['auc']:.3f}"),
        ("P (best F1)", f"{d['precision']:.3f}"),
        ("R (best F1)", f"{d['recall']:.3f}"),
        ("F1 (best)", f"{d['f1']:.3f}"),
        ("threshold", threshold),
        ("gold sentences", str(result.n_gold_sentences)),
        ("gold tuples", str(result.n_gold)),
        ("predictions", f"{result.n_predictions} ({result.n_scored_predictions} in gold "
                        "sentences)"),
    ])
    _emit(as_json, d, text)


@eval_group.command("benchie", epilog=EVAL_EXAMPLES)
@click.option("--gold", required=True, help="BenchIE gold fact synsets.")
@click.argument("pred")
@click.option("--pred-format", type=click.Choice(["auto", "benchie", "carb", "jsonl"]),
              default="auto", show_default=True,
              help="benchie: sent_id, subj, rel, obj; carb: mamakg --format carb (sentences "
                   "looked up in the gold); jsonl: mamakg facts, doc_id = sent_id.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def benchie_command(gold: str, pred: str, pred_format: str, as_json: bool) -> None:
    """Score predicted triples PRED ('-' = stdin) by exact match against BenchIE fact synsets."""
    from mamakg.evaluate import benchie

    gold_sentences = benchie.parse_gold(read_lines(gold), gold)
    triples = benchie.parse_predictions_any(read_lines(pred), gold_sentences, pred, pred_format)
    result = benchie.score(gold_sentences, triples)
    text = format_table([
        ("BenchIE", "value"),
        ("P", f"{result.precision:.4f}"),
        ("R", f"{result.recall:.4f}"),
        ("F1", f"{result.f1:.4f}"),
        ("clusters hit", f"{result.n_true_positives} of {result.n_clusters}"),
        ("false positives", str(result.n_false_positives)),
        ("predictions", f"{result.n_predictions} ({result.n_ignored} for unknown sentences)"),
    ])
    _emit(as_json, result.to_dict(), text)


@eval_group.command("knowledgenet", epilog=EVAL_EXAMPLES)
@click.option("--gold", required=True, help="KnowledgeNet passages JSONL.")
@click.argument("pred")
@click.option("--mode", "modes", multiple=True,
              type=click.Choice(["label", "span_overlap", "span_exact", "uri"]),
              help="How facts match (repeatable) [label and span_overlap].")
@click.option("--dates", type=click.Choice(["strict", "lenient"]), default="strict",
              show_default=True, help="Label mode: dates equal in every part, or same year.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def knowledgenet_command(gold: str, pred: str, modes: tuple[str, ...], dates: str,
                         as_json: bool) -> None:
    """Score mamakg JSONL facts PRED ('-' = stdin; built from passages whose id is the
    passageId) against KnowledgeNet: only facts mapped to its 15 properties count."""
    from mamakg.evaluate import knowledgenet as kn

    passages = kn.parse_gold(read_lines(gold), gold)
    predictions, counts = kn.predictions_from_facts(read_lines(pred), pred)
    results = [kn.score(passages, predictions, mode, dates)
               for mode in (modes or ("label", "span_overlap"))]
    data: dict[str, object] = {"predictions": counts.to_dict()}
    blocks = [f"KnowledgeNet: {counts.n_mentions} mentions, {counts.n_in_schema} mapped to its "
              f"properties, {counts.n_other_property} to other properties, {counts.n_open} open"]
    for r in results:
        data[r.mode.value] = r.to_dict()
        rows = [("property", "P", "R", "F1", "TP", "FP", "FN")]
        rows += [(p.name, f"{p.precision:.3f}", f"{p.recall:.3f}", f"{p.f1:.3f}",
                  str(p.n_true_positives), str(p.n_false_positives), str(p.n_false_negatives))
                 for p in r.per_property]
        rows.append(("micro", f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}",
                     str(r.n_true_positives), str(r.n_false_positives),
                     str(r.n_false_negatives)))
        blocks.append(
            f"\nmode {r.mode.value}: macro-F1 {r.macro_f1:.3f}; recall on non-pronoun subjects "
            f"{r.recall_no_pronoun:.3f} (of {r.n_gold_no_pronoun}); {r.n_predictions} "
            f"predictions, {r.n_unannotated} on unannotated properties (ignored)\n"
            + format_table(rows))
    _emit(as_json, data, "\n".join(blocks))



@eval_group.command("docred", epilog="""
\b
Examples:
  mamakg eval docred dev_revised.json --write-docs > docs.jsonl
  mamakg build docs.jsonl --format jsonl -o graph.jsonl
  mamakg eval docred dev_revised.json graph.jsonl
  mamakg eval docred dev_revised.json graph.ttl --json --records records.jsonl
""")
@click.argument("gold")
@click.argument("graph", required=False)
@click.option("--write-docs", is_flag=True,
              help="Print the gold's documents as JSONL input for mamakg build ({\"id\": "
                   "title, \"text\": sentences detokenised and joined}) and stop.")
@click.option("--records", default=None, metavar="PATH",
              help="Also write one JSON line per (document, node) and per (document, mapped "
                   "fact): its strings, match and gold entities.")
@click.option("--force", is_flag=True, help="Overwrite the --records file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def docred_command(gold: str, graph: str | None, write_docs: bool, records: str | None,
                   force: bool, as_json: bool) -> None:
    """Score a graph GRAPH (any file mamakg writes and reads back: jsonl, ttl, nt, ...) built
    from the documents of Re-DocRED / DocRED gold GOLD (JSON): how many of its nodes are the
    gold's entities, and the precision and recall of its facts mapped to DocRED's 96
    properties (strict name match). Document ids are the gold titles (--write-docs)."""
    from mamakg.errors import UsageError
    from mamakg.evaluate import docred
    from mamakg.output import atomic_output, check_output
    from mamakg.rdf.load import load_graph

    gold_docs = docred.parse_gold("\n".join(read_lines(gold)), gold)
    if write_docs:
        for d in docred.documents(gold_docs):
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    if graph is None:
        raise UsageError("give the GRAPH to score (or --write-docs)")
    if records:
        check_output(records, force=force)
    result = docred.score(gold_docs, load_graph(graph).facts)
    if records:
        with atomic_output(records, force=force) as handle:
            rows = [r.to_dict() for r in result.node_records]
            rows += [r.to_dict() for r in result.fact_records]
            for row in rows:
                handle.write((json.dumps(row, ensure_ascii=False) + "\n").encode())

    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    n, nl = result.nodes, result.name_like
    text = format_table([
        ("Re-DocRED", "all nodes", "name-like nodes"),
        ("nodes (document, node)", str(n.n_nodes), str(nl.n_nodes)),
        ("exact gold mention", pct(n.share(n.n_exact)), pct(nl.share(nl.n_exact))),
        ("overlap only", pct(n.share(n.n_overlap)), pct(nl.share(nl.n_overlap))),
        ("unmatched", pct(n.share(n.n_unmatched)), pct(nl.share(nl.n_unmatched))),
    ]) + "\n\n" + format_table([
        ("facts", "value"),
        ("split entities", f"{pct(result.split_share)} ({result.n_entities_split} of "
                           f"{result.n_entities_matched} matched)"),
        ("mapped facts in schema", str(result.n_facts_in_schema)),
        ("mapped facts outside", str(result.n_facts_other)),
        ("predictions", f"{result.n_predictions} between annotated entities, "
                        f"{result.n_unresolved} not"),
        ("precision (all)", pct(result.precision_all)),
        ("precision (restricted)", pct(result.precision_restricted)),
        ("recall", f"{pct(result.recall)} ({result.n_gold_found} of {result.n_gold})"),
        ("documents", f"{result.n_documents_with_facts} of {result.n_documents} with facts"),
    ])
    _emit(as_json, result.to_dict(), text)
