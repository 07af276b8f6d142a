"""What every command shares: the global flags, the error and exit-code convention, and the
ways of talking to people (stderr) and of printing data (stdout: tables or JSON).

Global flags (``-q/--quiet``, ``-v/--verbose``, ``--debug``) are accepted before and after the
subcommand alike (``mamakg -v build ...`` = ``mamakg build ... -v``): every command class
here adds them to its own options.

Exit codes: 0 success; 1 runtime failure (one line on stderr says why); 2 usage error (a bad
option or argument, a missing input, an output that exists without ``--force``); 130
interrupted. A traceback only with ``--debug`` or ``MAMAKG_DEBUG=1``. Every error is one
``mamakg: error: ...`` line; a mistyped command line (click's own errors: a missing argument,
an unknown option) adds a ``Try 'mamakg CMD -h' for help.`` line.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import click

from mamakg.errors import MamakgError

__all__ = ["Command", "Group", "RootGroup", "format_table", "json_option", "print_json",
           "print_table", "progress", "rich_console", "say", "settings"]

_KEY = "mamakg.settings"


def settings(ctx: click.Context | None = None) -> dict[str, Any]:
    """The global flags of this invocation: quiet, verbose (a count), debug."""
    ctx = ctx or click.get_current_context()
    return ctx.meta.setdefault(_KEY, {"quiet": False, "verbose": 0, "debug": False})


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler that writes to whatever sys.stderr is now (click's test runner swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class _Formatter(logging.Formatter):
    """``mamakg: message``; ``mamakg: warning: message`` for warnings; the logger's name too
    at DEBUG level (-vv)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.levelno >= logging.ERROR:
            return f"mamakg: error: {text}"
        if record.levelno >= logging.WARNING:
            return f"mamakg: warning: {text}"
        if record.levelno <= logging.DEBUG:
            return f"mamakg: [{record.name}] {text}"
        return f"mamakg: {text}"


_HANDLER = _Stderr()
_HANDLER.setFormatter(_Formatter("%(message)s"))


def _configure_logging(flags: dict[str, Any]) -> None:
    """The ``mamakg`` loggers: warnings by default, INFO with -v, DEBUG with -vv, errors
    only with -q."""
    logger = logging.getLogger("mamakg")
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)
        logger.propagate = False
    if flags["quiet"]:
        level = logging.ERROR
    else:
        level = {0: logging.WARNING, 1: logging.INFO}.get(flags["verbose"], logging.DEBUG)
    logger.setLevel(level)


def _flag(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if not value:
        return
    flags = settings(ctx)
    if param.name == "verbose":
        flags["verbose"] += int(value)
    else:
        flags[str(param.name)] = True
    _configure_logging(flags)


def _global_params() -> list[click.Parameter]:
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_flag,
                     help="No progress bar, no summary, only errors on stderr."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_flag,
                     help="Say more on stderr: models, settings, stage timings (-vv: debug)."),
        click.Option(["--debug"], is_flag=True, expose_value=False, callback=_flag,
                     help="Show the traceback of an error."),
    ]


class Command(click.Command):
    """A command that takes the global flags too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_params())


class Group(click.Group):
    """A group whose commands and subgroups take the global flags too."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_params())


Group.group_class = Group


class _CommandLineError(click.UsageError):
    """A click usage error, shown the way the tool shows its own errors."""

    def show(self, file: Any = None) -> None:
        out = sys.stderr if file is None else file
        message = self.format_message().strip().rstrip(".")
        click.echo(f"mamakg: error: {message[:1].lower()}{message[1:]}", file=out)
        if self.ctx is not None:
            option = self.ctx.help_option_names[0] if self.ctx.help_option_names else "--help"
            click.echo(f"Try '{self.ctx.command_path} {option}' for help.", file=out)


def _retold(err: click.UsageError) -> click.UsageError:
    """`err` as a `_CommandLineError` (a request for help, such as a group called without a
    command, stays as it is)."""
    if isinstance(err, _CommandLineError) or type(err).__name__ == "NoArgsIsHelpError":
        return err
    return _CommandLineError(err.format_message(), err.ctx)  # exit code 2, as click's


class RootGroup(Group):
    """The ``mamakg`` group: library errors become one line on stderr and an exit code;
    click's usage errors are shown in the same form."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:
            raise _retold(err) from None

    def invoke(self, ctx: click.Context) -> Any:
        _configure_logging(settings(ctx))

        def debug() -> bool:
            return bool(settings(ctx)["debug"]) or os.environ.get("MAMAKG_DEBUG") == "1"

        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            raise _retold(err) from None
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
        except BrokenProcessPool:
            if debug():
                raise
            click.echo("mamakg: error: a worker process ended abruptly (killed by a signal, "
                       "or by the system when memory ran out); no output was written "
                       "(--parse-processes and --match-processes set how many work)", err=True)
            ctx.exit(1)
        except Exception as err:  # noqa: BLE001 - the last line of defence
            if debug():
                raise
            click.echo(f"mamakg: error: {type(err).__name__}: {err} (rerun with --debug for the "
                       "traceback)", err=True)
            ctx.exit(1)


def say(message: str, ctx: click.Context | None = None) -> None:
    """People-talk: one line on stderr, prefixed ``mamakg: ``, unless --quiet."""
    if not settings(ctx)["quiet"]:
        click.echo("mamakg: " + message, err=True)


@contextlib.contextmanager
def progress(unit: str, desc: str,
             ctx: click.Context | None = None) -> Iterator[Callable[[int], Any] | None]:
    """A counter on stderr (only on a terminal, and not with -q); yields its update function,
    or None."""
    if settings(ctx)["quiet"] or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(unit=unit, desc=desc, file=sys.stderr, leave=False)
    try:
        yield bar.update
    finally:
        bar.close()


def json_option(help: str = "Print JSON instead of a table.") -> Callable[[Any], Any]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))


def rich_console() -> Any:
    """A rich Console when stdout is a terminal and rich is installed, else None."""
    if not sys.stdout.isatty():
        return None
    try:
        from rich.console import Console
    except ImportError:
        return None
    return Console()


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]],
                title: str | None = None) -> None:
    """A table on stdout: drawn with rich on a terminal, plain left-aligned columns (the last
    one not padded) when piped."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    console = rich_console()
    if console is not None:
        from rich.table import Table
        from rich.text import Text

        # Text(), not str: a label such as "[fʁidɛl]" must not be read as rich markup
        table = Table(title=Text(title) if title else None, show_lines=False)
        for name in columns:
            table.add_column(Text(name), overflow="fold")
        for row in cells:
            table.add_row(*(Text(v) for v in row))
        console.print(table)
        return
    if title:
        click.echo(f"{title}:")
    click.echo(format_table([list(columns)] + cells))


def format_table(rows: Sequence[Sequence[Any]]) -> str:
    """Rows (the first one the header) as plain left-aligned columns; the last column is not
    padded.

    >>> print(format_table([("name", "n"), ("Curie", 2), ("Warsaw", 10)]))
    name    n
    Curie   2
    Warsaw  10
    """
    table = [["" if v is None else str(v) for v in row] for row in rows]
    if not table:
        return ""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ("  ".join([c.ljust(w) for c, w in zip(r[:-1], widths[:-1], strict=True)] + r[-1:])
             for r in table)
    return "\n".join(line.rstrip() for line in lines)
