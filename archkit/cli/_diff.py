"""`archkit diff`: the review of a change between two versions of a model."""

from __future__ import annotations

from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from .._limits import MAX_COUNT
from ._common import EXIT_OK, EXIT_PROBLEMS, MODEL_HELP, Format, emit_json, fail, stdout, write_output


class DiffFormat(str, Enum):
    """Output format of a diff."""

    text = "text"
    json = "json"
    markdown = "markdown"


def diff_cmd(
    old: str = typer.Argument(
        ..., help="The model before the change (with --against: the model, as it is now). " + MODEL_HELP
    ),
    new: Optional[str] = typer.Argument(None, help="The model after the change (leave out with --against)."),
    against: Optional[str] = typer.Option(
        None,
        "--against",
        metavar="GIT_REF",
        help="Compare the model file with itself as it was at this git revision (branch, tag, commit); "
        "the work tree is not touched.",
    ),
    format: DiffFormat = typer.Option(
        DiffFormat.text,
        "--format",
        "-f",
        help="text, json (schema archkit.diff/1) or markdown (a pull-request comment).",
    ),
    users: Optional[int] = typer.Option(
        None, "--users", min=1, max=MAX_COUNT, help="Users for cost and capacity (default: each model's)."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the json or markdown into a file."),
) -> None:
    """What a change moved: elements added, removed and changed, every analysis and alternative, lint.

    Exit 1 when a verdict got worse (a flow over its budget, a link overloaded, personal data leaving
    the devices, an alternative no longer feasible, a new lint warning or error), 0 otherwise.
    """
    from ..design_review import checkout, diff_models, load_fresh
    from ..errors import ArchkitError, UsageError

    fmt = Format.json if format == DiffFormat.json else Format.text
    if (against is None) == (new is None):
        fail(
            UsageError(
                "give two models (archkit diff OLD NEW) or one model and a revision "
                "(archkit diff MODEL --against GIT_REF)"
            ),
            fmt,
        )
    if output is not None and format == DiffFormat.text:
        fail(UsageError("--output writes the json or markdown form; add --format json or --format markdown"), fmt)
    con = stdout()
    with ExitStack() as stack:
        status = stack.enter_context(con.status("loading the models...")) if format == DiffFormat.text else None
        relabel: dict[str, str] = {}
        if against is not None:
            try:
                copy = stack.enter_context(checkout(old, against))
            except ArchkitError as exc:
                fail(exc, fmt, old)
            old_spec, old_source, new_spec = copy.spec, f"{against}:{_relative(copy)}", old
            relabel = copy.relabel()
            old_system = _load(lambda: load_fresh(old_spec).system, fmt, old_source, copy.relocate)
        else:
            assert new is not None
            old_spec, old_source, new_spec = old, old, new
            old_system = _load(lambda: load_fresh(old_spec).system, fmt, old_source)
        new_system = _load(lambda: load_fresh(new_spec).system, fmt, new_spec)
        progress = (lambda what: status.update(what)) if status is not None else None
        try:
            result = diff_models(
                old_system,
                new_system,
                old_source=old_source,
                new_source=new_spec,
                users=users,
                progress=progress,
                relabel=relabel,
            )
        except ArchkitError as exc:
            fail(exc, fmt)
    _emit(result, format, output, fmt)
    raise typer.Exit(EXIT_PROBLEMS if result.worse else EXIT_OK)


def _relative(copy: Any) -> str:
    return copy.spec[len(str(copy.folder)) + 1 :]


def _load(fn: Any, fmt: Format, source: str, relocate: Any = None) -> Any:
    import warnings

    from ..errors import ArchkitError
    from ..io import ModelOutputWarning
    from ._common import _show_warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelOutputWarning)
        try:
            return fn()
        except ArchkitError as exc:
            _show_warnings(caught)
            fail(relocate(exc) if relocate is not None else exc, fmt, source)
        finally:
            _show_warnings(caught)


def _emit(result: Any, format: DiffFormat, output: Path | None, fmt: Format) -> None:
    import json

    from .._escape import json_safe
    from ..design_review import diff_markdown, diff_renderables

    if format == DiffFormat.json:
        if output is not None:
            write_output(
                output,
                json_safe(json.dumps(result.to_dict(), indent=2, ensure_ascii=False)) + "\n",
                fmt,
                what="the diff",
            )
        else:
            emit_json(result.to_dict())
    elif format == DiffFormat.markdown:
        text = diff_markdown(result)
        if output is not None:
            write_output(output, text, fmt, what="the diff")
        else:
            typer.echo(text, nl=False)
    else:
        con = stdout()
        for r in diff_renderables(result):
            con.print(r)
