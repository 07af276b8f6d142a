"""The command line: thin click commands that parse, validate, build a `Config` and call the
library. Data goes to stdout (or -o), people-talk to stderr.

Exit codes: 0 success, 1 runtime failure (one line says why), 2 usage error, 130 interrupted.
A traceback is shown only with --debug or MAMAKG_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from mamakg import __version__
from mamakg.config import (
    Confidence,
    Config,
    Device,
    DType,
    HeadReduce,
    OutputFormat,
    PairMode,
    Preset,
    RelationSpan,
)
from mamakg.errors import MamakgError, UsageError

__all__ = ["cli", "main"]

COMMAND_MODULES: list[str] = ["mamakg.cli_kb", "mamakg.cli_eval", "mamakg.cli_inspect"]
"""Modules that add commands to `cli` when imported (each calls ``cli.add_command``)."""


def _choice(enum_type: Any) -> click.Choice:
    return click.Choice([m.value for m in enum_type], case_sensitive=False)


def _say(ctx: click.Context, message: str) -> None:
    if not ctx.obj.get("quiet"):
        click.echo(message, err=True)


class _Group(click.Group):
    """A group that turns library errors into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        def debug() -> bool:
            return bool((ctx.obj or {}).get("debug")) or os.environ.get("MAMAKG_DEBUG") == "1"

        try:
            return super().invoke(ctx)
        except MamakgError as err:
            if debug():
                raise
            click.echo(f"mamakg: error: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("mamakg: interrupted; no output was written", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            ctx.exit(1)
        except Exception as err:  # noqa: BLE001 - the last line of defence
            if debug():
                raise
            click.echo(f"mamakg: error: {type(err).__name__}: {err} (rerun with --debug for the "
                       "traceback)", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "auto_envvar_prefix": "MAMAKG"})
@click.version_option(__version__, "--version", prog_name="mamakg")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logs on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, debug: bool) -> None:
    """Turn a text corpus into a knowledge graph with the MAMA method (Match and Map,
    "Language Models are Open Knowledge Graphs", Wang, Liu & Song 2020).

    \b
    Examples:
      mamakg build corpus.txt -o graph.ttl
      mamakg build docs/ --format jsonl -o - | head
    """
    ctx.ensure_object(dict)
    ctx.obj.update(quiet=quiet, verbose=verbose, debug=debug or ctx.obj.get("debug", False))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="mamakg: %(levelname)s: %(message)s", stream=sys.stderr)


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


@cli.command(epilog=BUILD_EXAMPLES)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file; '-' writes to stdout.")
@click.option("-f", "--format", "fmt", type=_choice(OutputFormat), default=None,
              help="Output format (default: from the output's extension, else ttl).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file (with "
              "--workdir: also start over a work folder built from other inputs or settings).")
@click.option("--input-format", type=click.Choice(["txt", "jsonl"]), default=None,
              help="Read inputs as this format (default: from the extension; stdin is txt).")
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
              help="spaCy worker processes; more than 1 only pays where cores sit idle while "
                   "the model runs, e.g. on a GPU machine [1].")
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
def build(ctx: click.Context, inputs: tuple[str, ...], output: str, fmt: str | None,
          force: bool, input_format: str | None, preset: str, no_path: bool,
          workdir: str | None, append: bool, shard_docs: int | None, engine: str,
          ray_address: str | None, num_gpus: int, **options: Any) -> None:
    """Build a knowledge graph from INPUT files (.txt: one document per line; .jsonl with
    'text' and optional 'id'; folders of them; .gz of either; '-' for stdin)."""
    from mamakg.reader import expand_inputs

    out_format = OutputFormat(fmt) if fmt else OutputFormat.from_path(output)
    if output != "-" and os.path.exists(output) and not force:
        raise UsageError(f"{output} exists: pass --force to overwrite it")
    if options.get("entities") and not os.path.isfile(options["entities"]):
        raise UsageError(f"--entities {options['entities']}: no such file")
    if options.get("kb") and not os.path.isfile(options["kb"]):
        raise UsageError(f"--kb {options['kb']}: no such file; build one with 'mamakg kb build'")
    if options.get("kb") and options.get("entities"):
        raise UsageError("pass --kb or --entities, not both (add the table to the knowledge "
                         "base with 'mamakg kb import')")
    expand_inputs(inputs)  # fail fast on missing inputs, before loading models
    config = Config.preset(preset, **options)
    if no_path:
        config = config.replace(store_path=False)
    if workdir is None:
        if append or shard_docs is not None or engine != "local" or ray_address or num_gpus:
            raise UsageError("--append, --shard-docs, --engine, --ray-address and --num-gpus "
                             "need --workdir")
        build_to(ctx, config, inputs, input_format, output, out_format, force)
        return
    if out_format is OutputFormat.CARB:
        raise UsageError("--format carb needs the whole input in one run: drop --workdir")
    _build_workdir_to(ctx, config, inputs, input_format, output, out_format, force,
                      dict(workdir=workdir, append=append, shard_docs=shard_docs,
                           engine=engine, ray_address=ray_address, num_gpus=num_gpus))


def _build_workdir_to(ctx: click.Context, config: Config, inputs: tuple[str, ...],
                      input_format: str | None, output: str, out_format: OutputFormat,
                      force: bool, options: dict[str, Any]) -> None:
    """`build --workdir`: shards in a folder (mamakg.workdir), then written as usual."""
    from mamakg.workdir import build_workdir
    from mamakg.writers import write_result

    with _progress(ctx) as on_sentences:
        result = build_workdir(inputs, config, models=lambda: _models(config),
                               input_format=input_format, force=force,
                               on_sentences=on_sentences, **options)
    write_result(result, output, out_format, config.base_iri, force=force)
    shards = result.manifest["workdir"]
    _report(ctx, result, output, out_format,
            f"{options['workdir']}: {shards['shards']} shards, {shards['built']} built by this run")


@contextlib.contextmanager
def _progress(ctx: click.Context) -> Iterator[Callable[[int], Any] | None]:
    """A sentence counter on stderr (only on a terminal, and not with -q)."""
    if ctx.obj.get("quiet") or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(unit=" sent", desc="mamakg build", file=sys.stderr, leave=False)
    try:
        yield bar.update
    finally:
        bar.close()


def _report(ctx: click.Context, result: Any, output: str, out_format: OutputFormat,
            *extra: str) -> None:
    """The end-of-run summary on stderr."""
    for line in (*result.summary.lines(), *extra):
        _say(ctx, "mamakg: " + line)
    if output != "-":
        _say(ctx, f"mamakg: wrote {output} ({out_format.value})")


def build_to(ctx: click.Context, config: Config, inputs: tuple[str, ...],
             input_format: str | None, output: str, out_format: OutputFormat,
             force: bool) -> None:
    from mamakg.pipeline import build as run_build
    from mamakg.reader import read_documents
    from mamakg.writers import write_result

    nlp, lm = _models(config)
    documents: dict[str, str] | None = {} if out_format is OutputFormat.CARB else None

    def docs() -> Any:
        for doc in read_documents(inputs, input_format):
            if documents is not None:
                documents[doc.doc_id] = doc.text
            yield doc

    with _progress(ctx) as on_sentences:
        result = run_build(docs(), config, nlp=nlp, lm=lm, on_sentences=on_sentences)
    if result.summary.n_documents == 0:
        _say(ctx, "mamakg: warning: the corpus has no documents; writing an empty graph")
    write_result(result, output, out_format, config.base_iri, force=force, documents=documents)
    _report(ctx, result, output, out_format)


_MODELS: dict[tuple[Any, ...], Any] = {}


def _models(config: Config) -> Any:
    """Models for a config, loaded once per process (tests and library callers build often)."""
    from mamakg.pipeline import load_models

    key = (config.model, config.spacy_model, config.device, config.dtype, config.layer,
           config.head_reduce, config.batch_size)
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = load_models(config)
    return _MODELS[key]


def _load_command_modules() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(argv: list[str] | None = None) -> None:
    """Entry point (``mamakg`` and ``python -m mamakg``)."""
    _load_command_modules()
    cli.main(args=argv, prog_name="mamakg")
