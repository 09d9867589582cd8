"""The CLI reference, generated from the typer application so that it cannot drift."""

from __future__ import annotations

from typing import Any

try:  # typer 0.2x ships its own copy of click; older versions use click itself
    import typer._click as click
except ImportError:  # pragma: no cover - depends on the installed typer
    import click  # type: ignore[no-redef]

from . import Section
from .text import cell, table


def _commands(group: Any, prefix: str, ctx: Any) -> list[tuple[str, Any, Any]]:
    out = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        sub = click.Context(cmd, info_name=name, parent=ctx)
        if hasattr(cmd, "list_commands"):
            out += _commands(cmd, f"{prefix} {name}", sub)
        else:
            out.append((f"{prefix} {name}", cmd, sub))
    return out


def _type_text(p: Any) -> str:
    """The type of a parameter: the choices of an enumeration, else the type's name."""
    import enum
    import typing

    annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if annotation is None:
        annotation = getattr(getattr(p, "type", None), "name", "text")
        return cell(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args:
        annotation = args[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    return cell(getattr(annotation, "__name__", str(annotation)))


def _default_text(p: Any) -> str:
    d = p.default
    if d is None or d is False or d == () or d == []:
        return ""
    return cell(getattr(d, "value", d))


def _param_row(p: Any, ctx: Any) -> list[str]:
    if p.param_type_name == "argument":
        name = f"`{(p.metavar or p.name).upper()}`"
        kind = _type_text(p) + (" (required)" if p.required else "")
        return [name, kind, "", cell(getattr(p, "help", None) or "")]
    name = ", ".join(f"`{o}`" for o in [*p.opts, *getattr(p, "secondary_opts", [])])
    kind = "flag" if getattr(p, "is_flag", False) else _type_text(p)
    return [name, kind, "" if getattr(p, "is_flag", False) else _default_text(p), cell(p.help or "")]


def command_markdown(path: str, cmd: Any, ctx: Any) -> str:
    usage = " ".join(cmd.collect_usage_pieces(ctx))
    out = [f"## `{path.strip()}`\n", f"```\n{path.strip()} {usage}\n```\n", cell(cmd.help or "").split("\n\n")[0] + "\n"]
    rows = [_param_row(p, ctx) for p in cmd.get_params(ctx) if p.name != "help"]
    if rows:
        out.append(table(["parameter", "type", "default", "meaning"], rows))
    return "\n".join(out)


def section() -> Section:
    import typer

    from archkit.cli import app

    root = typer.main.get_command(app)
    ctx = click.Context(root, info_name="archkit")
    s = Section("CLI reference", "reference/cli.md")
    parts = ["# Command-line reference\n",
             "Generated from the `archkit` command itself (`archkit COMMAND --help` prints the same). "
             "Exit codes, JSON shapes and examples are in [the command guide](../cli.md).\n",
             cell(root.help or "") + "\n"]
    for path, cmd, sub in _commands(root, "archkit", ctx):
        parts.append(command_markdown(path, cmd, sub))
    s.pages["reference/cli.md"] = "\n".join(parts)
    return s
