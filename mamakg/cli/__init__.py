"""The command line: thin click commands over the library (`mamakg.api` and the inspect,
kb and evaluate modules). Data goes to stdout (or -o), people-talk to stderr; conventions in
`mamakg.cli.common`.

    build                         mamakg.cli.build
    show facts explain query      mamakg.cli.inspect
    export push view              mamakg.cli.inspect
    kb (build import lookup canon) mamakg.cli.kb
    eval (carb benchie knowledgenet) mamakg.cli.eval
"""

from __future__ import annotations

import click

from mamakg.cli.build import build_command
from mamakg.cli.common import RootGroup
from mamakg.cli.eval import eval_group
from mamakg.cli.inspect import (
    explain_command,
    export_command,
    facts_command,
    push_command,
    query_command,
    show_command,
    view_command,
)
from mamakg.cli.kb import kb_group
from mamakg.version import __version__

__all__ = ["cli", "main"]


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"],
                                               "auto_envvar_prefix": "MAMAKG"})
@click.version_option(__version__, "--version", prog_name="mamakg")
def cli() -> None:
    """Turn a text corpus into a knowledge graph with the MAMA method (Match and Map,
    "Language Models are Open Knowledge Graphs", Wang, Liu & Song 2020).

    \b
    Examples:
      mamakg build corpus.txt -o graph.ttl
      mamakg build docs/ --format jsonl -o - | head
      mamakg facts graph.ttl --limit 20
    """


for command in (build_command, show_command, facts_command, explain_command, query_command,
                export_command, push_command, view_command, kb_group, eval_group):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point (``mamakg`` and ``python -m mamakg``)."""
    cli.main(args=argv, prog_name="mamakg")
