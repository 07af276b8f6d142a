"""``mamakg build``: a thin command over `mamakg.Builder` (check the inputs and the output
first, then load the models, build, write, report)."""

from __future__ import annotations

import time
from typing import Any

import click

from mamakg.cli.common import Command, progress, say
from mamakg.config import (
    Confidence,
    Device,
    DType,
    HeadReduce,
    OutputFormat,
    PairMode,
    Preset,
    RelationSpan,
)
from mamakg.errors import UsageError
from mamakg.output import check_output, streams

__all__ = ["build_command"]


def _choice(enum_type: Any) -> click.Choice:
    return click.Choice([m.value for m in enum_type], case_sensitive=False)


BUILD_EXAMPLES = """
\b
Examples:
  mamakg build corpora/demo.txt -o demo.ttl
  mamakg build corpus.jsonl.gz -o facts.jsonl --min-relation-pairs 3
  cat notes.txt | mamakg build - --format nt -o -
  mamakg build texts/ -o graph.graphml --model bert-base-cased --device cuda --dtype bf16
  mamakg build sentences.txt --format carb -o carb.tsv --preset paper
  mamakg build wiki/ --workdir work/ -o wiki.nt          # rerun to resume
  mamakg build more.txt --workdir work/ --append -o wiki.nt --force
  mamakg build wiki/ --workdir work/ --engine ray --ray-address auto --num-gpus 8 -o wiki.nt
"""


@click.command("build", cls=Command, epilog=BUILD_EXAMPLES)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file; '-' writes to stdout.")
@click.option("-f", "--format", "fmt", type=_choice(OutputFormat), default=None,
              help="Output format (default: from the output's extension; ttl on stdout).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file (with "
              "--workdir: also start over a work folder built from other inputs or settings).")
@click.option("--input-format", type=click.Choice(["txt", "jsonl"]), default=None,
              help="Read inputs as this format (default: from the extension; stdin is txt).")
@click.option("--text-field", default="text", show_default=True,
              help="JSONL inputs: the field that holds a document's text.")
@click.option("--id-field", default=None,
              help="JSONL inputs: the field that holds a document's id [id, else documentId, "
                   "else FILE:LINE].")
@click.option("--preset", type=_choice(Preset), default="default", show_default=True,
              help="Starting settings; the options below override them.")
@click.option("--model", default=None,
              help="Hugging Face model id, model folder, or .gguf file (default: bundled "
                   "all-MiniLM-L6-v2).")
@click.option("--spacy-model", default=None,
              help="spaCy pipeline name or path (default: en_core_web_sm).")
@click.option("--device", type=_choice(Device), default=None, help="auto (default), cpu, cuda.")
@click.option("--dtype", type=_choice(DType), default=None, help="fp32 (default), bf16, fp16.")
@click.option("--batch-size", type=int, default=None, help="Sentences per forward pass [32].")
@click.option("--parse-processes", type=int, default=None,
              help="spaCy worker processes; 0: in the build's own process [auto: with the "
                   "model on a GPU, two thirds of the cores but one; on a CPU, one from the "
                   "start, then as many as keep pace with the model once the first window is "
                   "timed (at most every core but one; 0 where the model costs more)].")
@click.option("--match-processes", type=int, default=None,
              help="Worker processes for Match and the sentence filters; 0: in the build's own "
                   "process [auto: with the model on a GPU, the cores left after spaCy's and "
                   "the model's (none with 3 cores or fewer); on a CPU, none of their own: "
                   "spaCy's workers match while they have nothing to parse].")
@click.option("--layer", type=int, default=None, help="Attention layer; -1 = last [-1].")
@click.option("--head-reduce", type=_choice(HeadReduce), default=None,
              help="Combine heads by mean (paper) or max [mean].")
@click.option("--beam-size", type=int, default=None, help="Beam size [6].")
@click.option("--beams-per-pair", type=int, default=None, help="Paths kept per chunk pair [1].")
@click.option("--pairs", type=_choice(PairMode), default=None,
              help="Chunk pairs searched: all (paper) or consecutive [default: consecutive].")
@click.option("--relation-span", type=_choice(RelationSpan), default=None,
              help="contiguous (paper: drop paths with gaps), first-last (the path's first to "
                   "last token) or gap (every token between head and tail) [default: gap].")
@click.option("--relation-edges/--no-relation-edges", default=None,
              help="Trim punctuation/conjunctions at relation ends, run on over prepositions "
                   "[default: on; paper: off].")
@click.option("--extend-tail/--no-extend-tail", default=None,
              help="Extend the tail over the 'preposition + noun chunk' pairs that follow it "
                   "[default: on; paper: off].")
@click.option("--number-entities/--no-number-entities", default=None,
              help="Numbers and dates outside noun chunks are entities too "
                   "[default: on; paper: off].")
@click.option("--verb-subject/--no-verb-subject", default=None,
              help="The head is the subject of the relation's verb, through appositions, "
                   "coordination and relative pronouns [default: on; paper: off].")
@click.option("--copula-relations/--no-copula-relations", default=None,
              help="A lone copula ('is') may be a relation [default: on; paper: off].")
@click.option("--drop-self-loops/--keep-self-loops", default=None,
              help="Drop facts whose head and tail are the same entity [off].")
@click.option("--confidence", type=_choice(Confidence), default=None,
              help="Mention score: sum (paper), mean, tiered [default: tiered].")
@click.option("--constant-attention", is_flag=True, default=None,
              help="Ablation only: uniform attention instead of the model's.")
@click.option("--min-score", type=float, default=None, help="Minimum matching degree [0.005].")
@click.option("--min-relation-pairs", type=int, default=None,
              help="A relation needs this many distinct (head, tail) pairs in the corpus [1].")
@click.option("--max-relation-len", type=int, default=None, help="Longest relation, tokens [8].")
@click.option("--max-tokens", type=int, default=None,
              help="Cut sentences longer than this many tokens [128].")
@click.option("--entities", type=click.Path(), default=None,
              help="TSV of mention, Q-id, prior for entity linking.")
@click.option("--min-map-score", type=float, default=None,
              help="Minimum score to map a relation to a Wikidata property [0.5].")
@click.option("--kb", type=click.Path(), default=None,
              help="Knowledge base from 'mamakg kb build' for entity linking and relation "
                   "mapping by distant supervision.")
@click.option("--min-link-score", type=float, default=None,
              help="Minimum score to link an entity to a knowledge-base item [0.5].")
@click.option("--semantic-map/--no-semantic-map", default=None,
              help="Map relations to Wikidata properties by meaning (sentence embeddings, "
                   "head and tail kinds), not only by exact label or alias "
                   "[default: on; paper: off].")
@click.option("--resolve-pronouns/--no-resolve-pronouns", default=None,
              help="Resolve pronouns within their document; leave the rest out of the graph "
                   "[default: on; paper: off].")
@click.option("--resolve-names/--no-resolve-names", default=None,
              help="One node per name within a document: a partial name, an acronym or "
                   "another spelling joins the name introduced before "
                   "[default: on; paper: off].")
@click.option("--resolve-descriptions/--no-resolve-descriptions", default=None,
              help="Resolve 'the company', 'the city' to the one named entity of that kind "
                   "before it in the document [default: on; paper: off].")
@click.option("--scope-common-nouns/--no-scope-common-nouns", default=None,
              help="A common noun ('his father') is a node of its document only; a class "
                   "value ('songwriter' as occupation) is shared [default: on; paper: off].")
@click.option("--whole-names/--no-whole-names", default=None,
              help="A relation that cuts a name running on into its head or tail, or is a "
                   "name alone, states no fact in the graph, only the readings made of it do "
                   "('Born in Aigburth, Liverpool, he': no 'Aigburth | Liverpool | he') "
                   "[default: on; paper: off].")
@click.option("--entity-readings/--no-entity-readings", default=None,
              help="Also read facts between the named entities inside noun chunks, kept "
                   "where they map to a property [default: on; paper: off].")
@click.option("--clause-readings/--no-clause-readings", default=None,
              help="Also read the entities of each mention's chunks with the subject of "
                   "their clause, found by syntax, and the dates and places a verb with no "
                   "object takes besides its tail ('died in Munich in 1975': 1975) and the "
                   "name after the 'of' that roles joined by 'and' share ('was President & "
                   "CEO of Sabex': Sabex) with the mention's head, and anywhere in the "
                   "sentence a name beside a possessed noun with its possessor ('Dan and his "
                   "wife Carol': Dan, Carol), kept where they map to a property "
                   "[default: on; paper: off].")
@click.option("--entity-boundaries/--no-entity-boundaries", default=None,
              help="A head or tail node is the entity inside its noun chunk (no article, "
                   "date or prepositional tail); the open relation keeps the chunk "
                   "[default: on; paper: off].")
@click.option("--chunk-facts/--no-chunk-facts", default=None,
              help="Also read facts between the entities inside one noun chunk (a "
                   "nationality before a person, a place after a place), along a "
                   "sentence's chains of places ('Calgary, Alberta, Canada': located in, "
                   "country) and from a person's dates in brackets ('Ann Lee (1900–1970)': "
                   "date of birth, date of death), kept where they map to a property "
                   "[default: on; paper: off].")
@click.option("--agree-kinds/--no-agree-kinds", default=None,
              help="An entity's kind is the one most of its mentions in the document give "
                   "[default: on; paper: off].")
@click.option("--literal-values/--no-literal-values", default=None,
              help="Dates and numbers are literal values, not entity nodes "
                   "[default: on; paper: off].")
@click.option("--graded-confidence/--no-graded-confidence", default=None,
              help="Grade each fact's score from its mentions, mapping, support and "
                   "arguments; off: its best mention score [default: on; paper: off].")
@click.option("--base-iri", default=None, help="Namespace for minted IRIs.")
@click.option("--no-path", is_flag=True, help="Do not store attention paths (smaller output).")
@click.option("--workdir", type=click.Path(file_okay=False), default=None,
              help="Build in shards kept in this folder: rerun the same command to resume, "
                   "--append to add inputs (docs/scaling.md).")
@click.option("--append", is_flag=True, help="With --workdir: add these inputs to its graph.")
@click.option("--shard-docs", type=int, default=None,
              help="With --workdir: documents per shard [1000].")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="With --workdir: run shards here or on Ray actors.")
@click.option("--ray-address", default=None,
              help="With --engine ray: cluster address ('auto': this machine's cluster); "
                   "default: start a local Ray instance.")
@click.option("--num-gpus", type=int, default=0, show_default=True,
              help="With --engine ray: this many language-model actors with one GPU each, "
                   "parsing and matching on CPU actors; 0: one actor per CPU does all.")
@click.pass_context
def build_command(ctx: click.Context, inputs: tuple[str, ...], output: str, fmt: str | None,
                  force: bool, input_format: str | None, text_field: str, id_field: str | None,
                  preset: str, no_path: bool, workdir: str | None, append: bool,
                  shard_docs: int | None, engine: str, ray_address: str | None, num_gpus: int,
                  **options: Any) -> None:
    """Build a knowledge graph from INPUT files (.txt: one document per line; .jsonl with
    'text' and optional 'id'; folders of them; .gz of either; '-' for stdin).

    The inputs are read once before any model loads, so a bad JSONL line or an empty corpus
    is found at once (stdin is copied to a temporary file for that)."""
    started = time.perf_counter()
    from mamakg.api import Builder

    out_format = OutputFormat.for_output(output, fmt)
    replace = force
    if workdir is not None and not streams(output):
        from mamakg.scale.workdir import wrote_output

        # rerunning a work-folder build replaces the output it wrote (unchanged since)
        replace = replace or wrote_output(workdir, output)
    check_output(output, force=replace)
    if workdir is not None and out_format is OutputFormat.CARB:
        raise UsageError("--format carb needs the whole input in one run: drop --workdir")
    if no_path:
        options["store_path"] = False
    # inputs (missing, binary) and model names are checked before any model loads; the
    # builder closes what it opened (the entity linker's database) when the build is done
    with Builder(preset=preset, **options) as builder, \
            progress(" sent", "mamakg build") as on_sentences:
        result = builder.build_files(
            inputs, input_format=input_format, text_field=text_field, id_field=id_field,
            keep_texts=out_format is OutputFormat.CARB, workdir=workdir, append=append,
            force=force, shard_docs=shard_docs, engine=engine, ray_address=ray_address,
            num_gpus=num_gpus, on_sentences=on_sentences)
    if result.summary.n_documents == 0:
        say("warning: the corpus has no documents; writing an empty graph")
    result.write(output, out_format, force=replace)
    if workdir is not None and not streams(output):
        from mamakg.scale.workdir import record_output

        record_output(workdir, output)
    result.summary.seconds = time.perf_counter() - started  # all of it: loading, writing
    for line in result.summary.lines():
        say(line)
    if workdir is not None:
        say(f"{workdir}: {result.summary.n_shards} shards, {result.summary.n_shards_built} "
            "built by this run")
    if output != "-":
        say(f"wrote {output} ({out_format.value})")
