"""``mamakg kb``: build and inspect the offline knowledge base used by ``build --kb``.

Thin commands over `mamakg.mapping.kb` and `mamakg.mapping.canonical`; data on stdout,
people-talk on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from mamakg.cli.common import Group, progress, say
from mamakg.errors import MamakgError, UsageError
from mamakg.output import check_output

__all__ = ["kb_group"]

KB_EXAMPLES = """
\b
Examples:
  mamakg kb build latest-all.json.gz -o wikidata.kb --min-sitelinks 5
  mamakg kb build latest-all.json.bz2 -o people.kb --types Q5 --no-statements
  mamakg kb import my_aliases.tsv -o wikidata.kb
  mamakg kb lookup wikidata.kb "Marie Curie"
  mamakg build corpus.txt --kb wikidata.kb -o graph.jsonl
  mamakg kb canon graph.jsonl
"""


@click.group("kb", cls=Group, epilog=KB_EXAMPLES)
def kb_group() -> None:
    """Build and query the offline Wikidata knowledge base (entity linking and relation
    mapping by distant supervision for 'mamakg build --kb')."""


@kb_group.command("build", epilog=KB_EXAMPLES)
@click.argument("dump")
@click.option("-o", "--output", required=True, help="The knowledge base file to write.")
@click.option("--lang", default="en", show_default=True, help="Language of labels and aliases.")
@click.option("--min-sitelinks", type=int, default=0, show_default=True,
              help="Keep only items with at least this many sitelinks.")
@click.option("--types", default=None,
              help="Keep only items that are instances (P31) of these Q-ids, e.g. Q5,Q515.")
@click.option("--no-statements", is_flag=True,
              help="Do not keep statements (no coherence, no distant supervision; smaller).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def build_command(dump: str, output: str, lang: str, min_sitelinks: int,
                  types: str | None, no_statements: bool, force: bool) -> None:
    """Index a Wikidata JSON DUMP (latest-all.json, .gz or .bz2) into a knowledge base."""
    from mamakg.mapping.kb import build_kb

    if not os.path.isfile(dump):
        raise UsageError(f"{dump}: no such dump file")
    check_output(output, force=force, stream=False)  # a database: a file
    if min_sitelinks < 0:
        raise UsageError("--min-sitelinks must not be negative")
    wanted = None
    if types is not None:
        wanted = [t.strip() for t in types.split(",") if t.strip()]
        bad = [t for t in wanted if not (t[:1] == "Q" and t[1:].isdigit())]
        if bad or not wanted:
            raise UsageError(f"--types {types!r}: expected Q-ids separated by commas, e.g. Q5,Q515")
    with progress(" entities", "mamakg kb build") as update:
        seen = [0]

        def report(n_entities: int, n_items: int) -> None:
            if update is not None:
                update(n_entities - seen[0])
                seen[0] = n_entities

        counts = build_kb(dump, output, lang=lang, min_sitelinks=min_sitelinks, types=wanted,
                          keep_statements=not no_statements, progress=report)
    say("read {entities} entities; kept {items} items, {aliases} aliases, "
              "{properties} properties, {statements} statements".format(**counts))
    say(f"wrote {output}")


@kb_group.command("import", epilog=KB_EXAMPLES)
@click.argument("tsv")
@click.option("-o", "--output", required=True,
              help="The knowledge base to add to (created when missing).")
def import_command(tsv: str, output: str) -> None:
    """Add a user's alias table to a knowledge base: TSV with mention, Q-id and prior
    (a header line is optional; the prior defaults to 1)."""
    from mamakg.mapping.kb import import_aliases

    if not os.path.isfile(tsv):
        raise UsageError(f"{tsv}: no such alias table")
    if not os.path.exists(output):
        check_output(output)  # a new knowledge base: its folder must take a file
    elif not os.access(output, os.W_OK):
        raise UsageError(f"{output}: not writable")
    n = import_aliases(tsv, output)
    say(f"imported {n} aliases into {output}")


@kb_group.command("lookup", epilog=KB_EXAMPLES)
@click.argument("kb")
@click.argument("mention")
@click.option("--min-link-score", type=float, default=0.0, show_default=True,
              help="Hide candidates below this prior.")
def lookup_command(kb: str, mention: str, min_link_score: float) -> None:
    """Show the candidate items of a MENTION in KB (TSV: qid, label, prior)."""
    from mamakg.mapping.entities import KBLinker
    from mamakg.normalize import squash

    linker = KBLinker.open(kb, min_link_score)
    try:
        for c in linker.candidates(squash(mention)):
            if c.prior >= min_link_score:
                click.echo(f"{c.qid}\t{c.label}\t{c.prior:.4f}")
    finally:
        linker.close()


@kb_group.command("canon", epilog=KB_EXAMPLES)
@click.argument("facts", default="-")
@click.option("--all", "include_mapped", is_flag=True,
              help="Also group relations mapped to a Wikidata property.")
def canon_command(facts: str, include_mapped: bool) -> None:
    """Group the open relations of a 'build --format jsonl' output (FACTS, '-' = stdin) into
    canonical open relations; prints one JSON object per canonical relation."""
    from mamakg.mapping.canonical import canonicalize

    counts: dict[str, int] = {}
    handle: Any = sys.stdin if facts == "-" else None
    try:
        if handle is None:
            handle = open(facts, encoding="utf-8")
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                relation = record["relation"]
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise MamakgError(f"{facts}:{number}: not a mamakg jsonl fact ({err})") from err
            if relation.get("pid") and not include_mapped:
                continue
            key = relation.get("key") or ""
            counts[key] = counts.get(key, 0) + int(record.get("support") or 1)
    except OSError as err:
        raise MamakgError(f"{facts}: cannot read ({err.strerror})") from err
    finally:
        if handle is not None and handle is not sys.stdin:
            handle.close()
    for group in canonicalize(counts):
        click.echo(json.dumps({"key": group.key, "count": group.count,
                               "members": dict(group.members)}, ensure_ascii=False))

