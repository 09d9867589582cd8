"""Loading a model defined in Python: a ``.py`` file or an importable ``module:attr``.

The file is the user's own code and runs as such, in this process, with the user's rights; what
comes out of it is a DSL :class:`archkit.System` or a model :class:`archkit.model.System`. An
exception raised by the file is reported as one problem at the file's own line, not as a
traceback. Running it is guarded against accidents that would corrupt a command's output or
stop it (see :func:`guarded`):

* what the code prints goes to a buffer (also what child processes write to file descriptor 1),
  and comes back as a warning on stderr: machine output on stdout stays valid;
* ``sys.exit()``, ``exit()``, ``os._exit()`` are refused as a load error at the line that called them;
* it runs for at most :data:`LOAD_TIMEOUT` seconds (``ARCHKIT_LOAD_TIMEOUT`` overrides; the limit
  needs the main thread, and code stuck inside one C call is only stopped when the call returns).

These guards are no sandbox: the code can still do anything the user can (docs/security.md).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import runpy
import signal
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Iterator
from typing import Any

from ..errors import ArchkitError, LoadError, Problem
from ..model import Location
from ..model import System as ModelSystem

__all__ = ["load_python_file", "load_module_attr", "find_system", "guarded", "LOAD_TIMEOUT", "ModelOutputWarning"]

LOAD_TIMEOUT = 60.0  # seconds a model's code may run while loading


class ModelOutputWarning(UserWarning):
    """A model's code printed while it was loaded (the text is in the message)."""


class _Refused(BaseException):
    """Raised in the model's code instead of ending the process (BaseException: ``except Exception`` keeps out)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _timeout() -> float:
    raw = os.environ.get("ARCHKIT_LOAD_TIMEOUT")
    if not raw:
        return LOAD_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        return LOAD_TIMEOUT
    return value if 0 < value < 1e6 else LOAD_TIMEOUT


@contextlib.contextmanager
def _captured_stdout() -> Iterator[io.StringIO]:
    """Send what is printed to a buffer: Python's sys.stdout and, when it is a real file, descriptor 1."""
    buf = io.StringIO()
    saved_fd = None
    spool = None
    try:
        sys.stdout.flush()
        if sys.stdout.fileno() == 1:
            spool = tempfile.TemporaryFile()
            saved_fd = os.dup(1)
            os.dup2(spool.fileno(), 1)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        saved_fd = None  # no descriptor behind sys.stdout (a test runner, a notebook): Python level only
    try:
        with contextlib.redirect_stdout(buf):
            yield buf
    finally:
        if saved_fd is not None and spool is not None:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            os.dup2(saved_fd, 1)
            os.close(saved_fd)
            spool.seek(0)
            buf.write(spool.read().decode("utf-8", "replace"))
            spool.close()


@contextlib.contextmanager
def _no_exit() -> Iterator[None]:
    """Make ``os._exit`` raise instead of ending the process (sys.exit raises SystemExit anyway)."""
    import posix

    def refuse(code: int = 0) -> None:
        raise _Refused(f"os._exit({code})")

    saved = os._exit, posix._exit
    os._exit = refuse  # type: ignore[assignment]
    posix._exit = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit, posix._exit = saved


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the model's code after ``seconds`` (only in the main thread, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _Refused(f"running longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    # again every second after that, in case the code catches the first interruption and carries on
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def guarded(source: str) -> Iterator[None]:
    """Run a model's code with its output captured, exits refused and a time limit.

    What the code printed is reported as a :class:`ModelOutputWarning` (the CLI shows it on
    stderr) once it has run, whether it succeeded or not.
    """
    out: io.StringIO | None = None
    try:
        with _captured_stdout() as out, _no_exit(), _time_limit(_timeout()):
            yield
    finally:
        printed = out.getvalue() if out is not None else ""
        if printed:
            lines = printed.rstrip("\n").splitlines()
            shown = "\n".join(lines[:20]) + (f"\n... ({len(lines) - 20} more lines)" if len(lines) > 20 else "")
            warnings.warn(
                ModelOutputWarning(f"{source} printed while it was loaded (kept off stdout):\n{shown}"), stacklevel=3
            )


def _is_system(x: Any) -> bool:
    from .._dsl import System as DslSystem

    return isinstance(x, (DslSystem, ModelSystem))


def _builders_merged(found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """One entry per system: a DSL builder and the model it built (``model = s.build()``) are one.

    A built model remembers where its builder was declared (its location, with the empty key path),
    so the builder is dropped in favour of the model it built.
    """
    from .._dsl import System as DslSystem

    built = {
        (v.name, v.location.file, v.location.line)
        for _, v in found
        if isinstance(v, ModelSystem) and v.location is not None
    }
    return [
        (k, v)
        for k, v in found
        if not (isinstance(v, DslSystem) and (v.name, v.location.file, v.location.line) in built)
    ]


def find_system(namespace: dict[str, Any], attr: str | None, source: str) -> Any:
    """Pick the system named ``attr``, or the only system in ``namespace``."""
    if attr:
        if attr not in namespace:
            names = sorted(k for k, v in namespace.items() if _is_system(v))
            raise LoadError(
                [
                    Problem.of(
                        "no-system",
                        f"'{source}' defines no variable '{attr}'",
                        f"systems defined there: {', '.join(names)}" if names else "define a System in it",
                        Location(source),
                    )
                ],
                source,
            )
        if not _is_system(namespace[attr]):
            raise LoadError(
                [
                    Problem.of(
                        "no-system",
                        f"'{attr}' in '{source}' is a {type(namespace[attr]).__name__}, not a System",
                        "point at a variable that holds an archkit System",
                        Location(source),
                    )
                ],
                source,
            )
        return namespace[attr]
    found: list[tuple[str, Any]] = []
    for k, v in namespace.items():
        if _is_system(v) and not k.startswith("_") and not any(v is seen for _, seen in found):
            found.append((k, v))
    found = _builders_merged(found)
    if len(found) == 1:
        return found[0][1]
    if not found:
        raise LoadError(
            [
                Problem.of(
                    "no-system",
                    f"'{source}' defines no System",
                    "declare one with 'with System(\"name\") as s:' at module level",
                    Location(source),
                )
            ],
            source,
        )
    names = sorted(k for k, _ in found)
    raise LoadError(
        [
            Problem.of(
                "no-system",
                f"'{source}' defines several systems: {', '.join(names)}",
                f"choose one, e.g. '{source}:{names[0]}'",
                Location(source),
            )
        ],
        source,
    )


def _user_frame(tb: Any, path: str) -> tuple[str, int | None]:
    want = os.path.abspath(path)
    line = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == want:
            line = frame.lineno
    return path, line


def load_python_file(path: str, attr: str | None = None) -> Any:
    """Run a Python model file and return the System it defines (DSL or model)."""
    if not os.path.isfile(path):
        raise LoadError(
            [
                Problem.of(
                    "file-not-found",
                    f"no such file: '{path}'",
                    "check the path (relative to the current directory)",
                    Location(path),
                )
            ],
            path,
        )
    folder = os.path.dirname(os.path.abspath(path))
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        with guarded(path):
            namespace = runpy.run_path(path, run_name="__archkit_model__")
    except ArchkitError:
        raise
    except SyntaxError as exc:
        raise LoadError(
            [
                Problem.of(
                    "syntax-error",
                    f"Python syntax error: {exc.msg}",
                    "fix the code at this line",
                    Location(path, exc.lineno),
                )
            ],
            path,
        ) from None
    except BaseException as exc:  # the user's code failed: say where, not how deep
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _code_error(exc, path) from None
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)
    return find_system(namespace, attr, path)


def _code_error(exc: BaseException, path: str) -> LoadError:
    file, line = _user_frame(exc.__traceback__, path)
    if isinstance(exc, _Refused) and exc.what.startswith("running longer"):
        message = f"the model file was stopped after {exc.what[len('running longer than ') :]}"
        hint = (
            "a model file should only declare the system; look for a loop that does not end here, or raise "
            "ARCHKIT_LOAD_TIMEOUT (seconds) for a model that is slow to build"
        )
    elif isinstance(exc, (_Refused, SystemExit)):
        call = exc.what if isinstance(exc, _Refused) else f"sys.exit({'' if exc.code is None else repr(exc.code)})"
        message = f"the model file called {call}, which would end archkit"
        hint = "remove the exit: a model file declares the system and returns; archkit decides the exit code"
    else:
        message = f"running the model file raised {type(exc).__name__}: {exc}"
        hint = "fix the code at this line; the model file must run on its own"
    return LoadError([Problem.of("model-code-error", message, hint, Location(file, line))], path)


def load_module_attr(spec: str) -> Any:
    """Import ``module:attr`` (or ``module`` holding one System) and return the System."""
    module_name, _, attr = spec.partition(":")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        with guarded(spec):
            module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LoadError(
            [
                Problem.of(
                    "file-not-found",
                    f"cannot import module '{module_name}': {exc}",
                    "check the module name and that it is on the Python path",
                    Location(spec),
                )
            ],
            spec,
        ) from None
    except ArchkitError:
        raise
    except (_Refused, SystemExit) as exc:
        raise _code_error(exc, spec) from None
    except Exception as exc:
        raise LoadError(
            [
                Problem.of(
                    "model-code-error",
                    f"importing '{module_name}' raised {type(exc).__name__}: {exc}",
                    "fix the module so that it imports on its own",
                    Location(spec),
                )
            ],
            spec,
        ) from None
    return find_system(vars(module), attr or None, spec)
