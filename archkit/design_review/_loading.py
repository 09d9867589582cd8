"""Loading a model again and again, or in two versions, in one process.

A ``.py`` model runs afresh on every load, but the modules it imports stay in ``sys.modules``:
an edited sibling module would not be read again, and the old and new versions of a project
compared by ``archkit diff`` would share one copy of it. :func:`load_fresh` loads a model and then
forgets every module the load imported from the model's project (the git work tree that holds it,
else its folder), archkit and installed packages excepted, and says which files those were
(``archkit watch`` watches them). :func:`checkout` extracts a folder as it was at a git revision
into a temporary folder, without touching the work tree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchkitError, Location, UsageError
from ..model import System

__all__ = ["Loaded", "load_fresh", "project_root", "imports_from", "Checkout", "checkout"]


@dataclass(frozen=True)
class Loaded:
    """A loaded model and the files it was read from (the model file first, then imported modules)."""

    system: System
    files: tuple[Path, ...]


def _model_file(spec: str) -> Path | None:
    path = spec.rsplit(":", 1)[0] if spec.count(":") and not os.path.exists(spec) else spec
    return Path(path).resolve() if os.path.isfile(path) else None


def project_root(spec: str) -> Path:
    """The project a model belongs to: the git work tree holding its file, else the file's folder
    (the current folder for ``module:attr``)."""
    file = _model_file(spec)
    start = file.parent if file is not None else Path.cwd().resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _installed_roots() -> list[Path]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        with contextlib.suppress(KeyError):
            roots.add(sysconfig.get_paths()[key])
    return [Path(r).resolve() for r in roots if r]


def _own_file(name: str, module: object, root: Path, installed: list[Path]) -> Path | None:
    """The file of a module the model imported from its project, or None for anything else."""
    if name == "archkit" or name.startswith("archkit."):
        return None
    file = getattr(module, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    if not path.is_relative_to(root) or any(path.is_relative_to(r) for r in installed):
        return None
    if "site-packages" in path.parts or "dist-packages" in path.parts:
        return None
    return path


@contextlib.contextmanager
def imports_from(root: Path) -> Iterator[list[Path]]:
    """Collect (into the yielded list) and forget, on exit, the modules imported inside the block
    from files under ``root``."""
    before = set(sys.modules)
    found: list[Path] = []
    try:
        yield found
    finally:
        installed = _installed_roots()
        for name in [n for n in list(sys.modules) if n not in before]:
            path = _own_file(name, sys.modules.get(name), root, installed)
            if path is not None:
                found.append(path)
                sys.modules.pop(name, None)
        found.sort()


def load_fresh(spec: str, root: Path | None = None) -> Loaded:
    """Load and validate a model as its files are now (see the module docstring).

    Raises:
        LoadError, ValidationError: as :func:`archkit.io.load`; the files read so far are in the
            error's ``files`` attribute.
    """
    from ..io import load

    root = root or project_root(spec)
    file = _model_file(spec)
    with imports_from(root) as found:
        try:
            system = load(spec)
        except ArchkitError as exc:
            exc.files = tuple([file] if file else []) + tuple(found)  # type: ignore[attr-defined]
            raise
    return Loaded(system, tuple([file] if file else []) + tuple(found))


# ----------------------------------------------------------------------------------------------
# a folder at a git revision


@dataclass(frozen=True)
class Checkout:
    """A model's folder extracted at a revision: ``spec`` loads the copy; paths inside it read as ``label``."""

    spec: str
    folder: Path
    label: str
    revision: str

    def relabel(self) -> dict[str, str]:
        """Path prefixes of the copy (absolute, and relative to the current folder) -> ``REF:``."""
        out = {str(self.folder) + os.sep: self.label}
        with contextlib.suppress(ValueError):
            out[os.path.relpath(self.folder) + os.sep] = self.label
        return out

    def relocate(self, exc: ArchkitError) -> ArchkitError:
        """The same error with the copy's paths shown as ``REF:path`` in every problem's location."""
        problems = getattr(exc, "problems", None)
        if not problems:
            return exc
        prefix = str(self.folder) + os.sep

        def where(loc: Location | None) -> Location | None:
            if loc is None or not loc.file or not loc.file.startswith(prefix):
                return loc
            return dataclasses.replace(loc, file=self.label + loc.file[len(prefix) :])

        fixed = [
            dataclasses.replace(p, location=where(p.location), related=tuple(where(r) for r in p.related))
            for p in problems
        ]
        return type(exc)(fixed, f"{self.label}{_relative_spec(exc, prefix)}")


def _relative_spec(exc: ArchkitError, prefix: str) -> str:
    source = getattr(exc, "source", None) or ""
    return source[len(prefix) :] if source.startswith(prefix) else source


def _git(args: list[str], cwd: Path, what: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise UsageError(f"{what} needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{what}: git did not answer within 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"{what}: {message[-1] if message else 'git failed'}")
    return done.stdout


@contextlib.contextmanager
def checkout(spec: str, ref: str) -> Iterator[Checkout]:
    """The folder of a model file as it was at a git revision, in a temporary folder removed on exit.

    The model's folder (with everything under it: the modules a ``.py`` model imports) is taken
    from ``git archive`` of the revision; the work tree, the index and HEAD are not touched. The
    archive is extracted with the tar ``data`` filter: no absolute paths, no links leading out of
    the folder, no device files.

    Raises:
        UsageError: not a model file in a git work tree, an unknown revision, or the file did not
            exist at that revision.
    """
    model, _, attr = spec.partition(":") if not os.path.exists(spec) and ":" in spec else (spec, "", "")
    path = Path(model)
    if not path.is_file():
        raise UsageError(f"--against needs a model file in a git work tree; '{spec}' is not a file")
    what = f"reading '{model}' at '{ref}'"
    folder = path.resolve().parent
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder, what).decode().strip()).resolve()
    except UsageError:
        raise UsageError(
            f"'{model}' is not inside a git work tree; --against compares a model file with "
            f"itself at a git revision (or give two files: archkit diff OLD NEW)"
        ) from None
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"'{ref}' is not a git revision (names starting with '-' are refused)")
    try:
        revision = (
            _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top, what)
            .decode()
            .strip()
        )
    except UsageError:
        raise UsageError(
            f"'{ref}' is not a commit of the repository at '{top}'; give a branch, tag or commit (e.g. HEAD~1, main)"
        ) from None
    rel_folder = folder.relative_to(top).as_posix()
    rel_file = path.resolve().relative_to(top).as_posix()
    listed = _git(["ls-tree", "--name-only", "-z", revision, "--", rel_file], top, what)
    if not listed.strip(b"\0"):
        raise UsageError(f"'{rel_file}' did not exist at '{ref}' ({revision[:12]}); give a revision that has it")
    with tempfile.TemporaryDirectory(prefix="archkit-ref-") as tmp:
        root = Path(tmp).resolve()
        args = ["archive", "--format=tar", revision, "--"] + ([rel_folder] if rel_folder != "." else ["."])
        proc = subprocess.Popen(["git", *args], cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert proc.stdout is not None
            with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                archive.extractall(root, filter="data")
        except (tarfile.TarError, OSError) as exc:
            proc.kill()
            raise UsageError(f"{what}: cannot extract the revision's files: {exc}") from None
        finally:
            err = proc.stderr.read() if proc.stderr is not None else b""
            proc.wait(timeout=120)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        if proc.returncode != 0:
            raise UsageError(f"{what}: git archive failed: {err.decode('utf-8', 'replace').strip()}")
        copy = root / rel_file
        yield Checkout(str(copy) + (f":{attr}" if attr else ""), root, f"{ref}:", revision)
