"""Shared pieces of the commands: loading a model with clean errors, output formats, exit codes."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterator, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand

from .._escape import json_safe, terminal, visible
from ..errors import ArchkitError, LoadError, Problem, UsageError, ValidationError

if TYPE_CHECKING:
    from ..model import System

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

MODEL_HELP = (
    "The model: a .py file defining a System (file.py or file.py:variable), a .yaml/.json file, or module:attr."
)


class _Command(TyperCommand):
    """A command whose help shows no type for flags: ``--strict`` takes no value, so no ``<bool>``."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for p in params:  # typer's options (its own copy of click): a flag is an option with is_flag
            if getattr(p, "is_flag", False) and p.metavar is None:
                p.metavar = ""
        return params


class App(typer.Typer):
    """The typer application class of archkit's command groups (commands as :class:`_Command`)."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


class Format(str, Enum):
    """Output format of reporting commands."""

    text = "text"
    json = "json"


class _PipeConsole(Console):
    """A console that, writing to a pipe or file, never splits a word across lines.

    A terminal has a width and rich fits tables into it, folding or cutting words that do not fit.
    A pipe has none (rich assumes 80 columns, or ``COLUMNS``): there every table column is given at
    least the width of its longest word, and a table or text whose words need more than the width
    is printed wider, so cells wrap between words only and nothing is cut.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        need = self._width_needed(objects) if not self.is_terminal and kwargs.get("width") is None else 0
        if need <= self.width:
            super().print(*objects, **kwargs)
            return
        saved = self._width  # rich caps print(width=) at the console's width, so widen the console itself
        self.width = need
        try:
            super().print(*objects, **kwargs)
        finally:
            self._width = saved

    def _width_needed(self, objects: tuple[Any, ...]) -> int:
        from rich.measure import Measurement

        # a table can be printed only once rich.table is imported: a command that prints none never imports it
        tables = sys.modules.get("rich.table")
        options = self.options.update_width(1 << 16)  # measure unclamped: what the words need
        need = 0
        for o in objects:
            if tables is not None and isinstance(o, tables.Table):
                for column in o.columns:  # rich shrinks columns below their longest word unless told
                    least = o._measure_column(self, options, column).minimum - o.padding[1] - o.padding[3]
                    column.min_width = max(column.min_width or 0, least)
                need = max(need, self._table_width(o, max(self.width, Measurement.get(self, options, o).minimum)))
            elif isinstance(o, (str, Text)):
                text = self.render_str(o) if isinstance(o, str) else o
                need = max(need, Measurement.get(self, options, text).minimum)
        return need

    def _table_width(self, table: Any, width: int) -> int:
        """The least width, from ``width`` up, at which rich lays the table out without cropping it.

        Rich may lay a table out wider than asked when columns have a least width; at the table's
        natural width it never does, so a binary search between the two finds the least that fits.
        """
        from rich.measure import Measurement
        from rich.segment import Segment

        def fits(w: int) -> bool:
            lines = Segment.split_lines(self.render(table, self.options.update_width(w)))
            return max((Segment.get_line_length(line) for line in lines), default=0) <= w

        natural = Measurement.get(self, self.options.update_width(1 << 16), table).maximum
        if width >= natural or fits(width):
            return width
        lo, hi = width, natural  # fits(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if fits(mid):
                hi = mid
            else:
                lo = mid
        return hi


def stdout() -> Console:
    """The console for a command's report: on a terminal its width; piped, words are never split.

    Model text in markup goes through ``terminal()``; ``:name:`` is never an emoji.
    """
    return _PipeConsole(highlight=False, soft_wrap=False, emoji=False)


def stderr() -> Console:
    """The console for messages (model text in markup goes through ``terminal()``)."""
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def _positive(value: float | None) -> float | None:
    """Typer callback: a finite number above zero (the range check allows its lower end)."""
    value = finite(value)
    if value is not None and value <= 0:
        raise typer.BadParameter(f"{value:g} is not above 0")
    return value


def users_option() -> Any:
    """``--users``: the same option on every command that analyses."""
    from .._limits import MAX_COUNT

    return typer.Option(
        None,
        "--users",
        min=1,
        max=MAX_COUNT,
        help="Number of users for cost and capacity (default: the model's users).",
    )


def usage_hours_option() -> Any:
    """``--usage-hours``: the same option on every command that analyses."""
    return typer.Option(
        None,
        "--usage-hours",
        min=0.0,
        max=24.0,
        callback=_positive,
        help="Hours of use per user per day, for daily and monthly volumes and costs (default: the "
        "model's usage_hours_per_day, else 24: around the clock).",
    )


def peak_share_option() -> Any:
    """``--peak-share``: the same option on every command that analyses."""
    return typer.Option(
        None,
        "--peak-share",
        min=0.0,
        max=1.0,
        callback=_positive,
        help="Fraction of the users active at once in the busiest hour, e.g. 0.05, for loads and "
        "capacity (default: the model's peak_active_share, else 1: every user at once).",
    )


def analysis_options(users: int | None, usage_hours: float | None, peak_share: float | None, **more: Any) -> Any:
    """The :class:`archkit.analysis.Options` of the three options above (and any other field)."""
    from ..analysis import Options

    return Options(users=users, usage_hours_per_day=usage_hours, peak_active_share=peak_share, **more)


def finite(value: float | None) -> float | None:
    """Typer callback: refuse nan and inf for a number option (range checks let NaN through)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def plain(value: Any) -> Text:
    """A table cell or tree label holding model text as written: never read as markup, controls visible."""
    return Text(visible(str(value)))


def cells(*values: Any) -> list[Text]:
    """Table cells holding model text (see :func:`plain`)."""
    return [plain(v) for v in values]


@contextmanager
def counting(
    description: str, total: int, *, show: bool = True, transient: bool = False
) -> Iterator[Callable[[int], None] | None]:
    """A rich bar of ``total`` steps on stdout; yields the callback that advances it by n (None when ``show`` is off)."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stdout(),
        transient=transient,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def emit_json(data: Any) -> None:
    """Write a JSON document to stdout: sorted keys? no - stable insertion order, 2-space indent."""
    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def print_problems(problems: list[Problem], headline: str, console: Console | None = None) -> None:
    con = console or stderr()
    con.print(f"[bold red]{terminal(headline)}[/]")
    for p in problems:
        where = str(p.location) if p.location is not None else "<model>"
        con.print(
            f"[cyan]{terminal(where)}[/]: [bold]{p.code}[/] [magenta]{terminal(p.name)}[/]: {terminal(p.message)}",
            markup=True,
            highlight=False,
        )
        if p.hint:
            con.print(f"    [dim]hint:[/] {terminal(p.hint)}", highlight=False)


def fail(exc: ArchkitError, fmt: Format = Format.text, spec: str | None = None) -> NoReturn:
    """Report an archkit error the way the format asks, and exit with the matching code."""
    code = EXIT_PROBLEMS
    if isinstance(exc, UsageError):
        code = EXIT_USAGE
    problems: list[Problem] = list(getattr(exc, "problems", []))
    if isinstance(exc, LoadError) and problems and all(p.name == "file-not-found" for p in problems):
        code = EXIT_USAGE
    if fmt == Format.json:
        emit_json(
            {
                "ok": False,
                "source": spec,
                "error": type(exc).__name__,
                "message": str(exc) if not problems else None,
                "problems": [p.to_dict() for p in problems],
            }
        )
    elif problems:
        n = len(problems)
        what = "problem" if n == 1 else "problems"
        head = (
            f"{spec}: {n} {what} reading the model"
            if isinstance(exc, LoadError)
            else f"{spec}: {n} {what} found in the model"
        )
        print_problems(problems, head)
    else:
        stderr().print(f"[bold red]error:[/] {terminal(str(exc))}", highlight=False)
    raise typer.Exit(code)


def write_output(
    path: Any, data: str | bytes, fmt: Format = Format.text, spec: str | None = None, what: str = "output"
) -> None:
    """Write a command's output file whole (or not at all); on failure say why and exit 2."""
    from ..io import os_error_text, write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        fail(UsageError(f"cannot write {what} '{path}': {os_error_text(exc)}"), fmt, spec)


def output_folder(path: Any, fmt: Format = Format.text, spec: str | None = None) -> None:
    """Create an output folder (and its parents) or exit 2 saying why it cannot be used."""
    import os

    from ..io import os_error_text

    try:
        os.makedirs(path, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(path))
    except OSError as exc:
        fail(UsageError(f"cannot write into folder '{path}': {os_error_text(exc)}"), fmt, spec)


def load_model(spec: str, fmt: Format = Format.text) -> System:
    """Load a model for a command; on failure print every problem and exit 1 (or 2 for a missing file)."""
    import warnings

    from ..io import ModelOutputWarning, load

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelOutputWarning)
        try:
            return load(spec)
        except ArchkitError as exc:
            _show_warnings(caught)
            caught.clear()
            fail(exc, fmt, spec)
        finally:
            _show_warnings(caught)


def _show_warnings(caught: list[Any]) -> None:
    """Print what a model's code printed while loading (as a warning on stderr); pass on other warnings."""
    import warnings

    from ..io import ModelOutputWarning

    for w in caught:
        if issubclass(w.category, ModelOutputWarning):
            stderr().print(f"[yellow]warning:[/] {terminal(str(w.message))}", highlight=False)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    caught.clear()


def check_variant(system: System, variant: str | None, fmt: Format = Format.text) -> None:
    """Exit 2 with a hint when a variant name is not declared."""
    if variant is None or variant in system.variant_names:
        return
    from ..model import suggest

    close = suggest(variant, system.variant_names)
    hint = f"did you mean '{close}'?" if close else f"declared variants: {', '.join(system.variant_names) or 'none'}"
    fail(UsageError(f"unknown variant '{variant}'; {hint}"), fmt)


__all__ = [
    "App",
    "users_option",
    "usage_hours_option",
    "peak_share_option",
    "analysis_options",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "MODEL_HELP",
    "Format",
    "stdout",
    "stderr",
    "emit_json",
    "plain",
    "finite",
    "cells",
    "terminal",
    "print_problems",
    "fail",
    "load_model",
    "check_variant",
    "ValidationError",
    "write_output",
    "output_folder",
]
