"""Files archkit writes and the small text files it reads for a command (baselines, configurations).

Written files appear whole or not at all (a temporary file in the same folder, then a rename) and
get the mode any new file of the user's gets: 0666 less the umask, or the mode of the file they
replace. Read files are bounded in size and must be UTF-8 text; every failure is a
:class:`~archkit.errors.UsageError` that names the file and says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

from ..errors import UsageError

__all__ = ["write_atomic", "read_user_text", "os_error_text", "MAX_TEXT_BYTES"]

MAX_TEXT_BYTES = 16 * 2**20  # baselines and configurations; models have their own bound (io.safe_yaml)


def _umask() -> int:
    # the umask can only be read by setting it; set it back at once (archkit writes from one thread)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write a file so that it is either complete or untouched: a temporary file, then a rename.

    The file gets the mode of the file it replaces, or else ``0666`` less the process's umask (what
    ``open(path, "w")`` would give), not the ``0600`` of a temporary file.

    Raises:
        OSError: the folder cannot be created or written, or ``path`` is a folder.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    os.makedirs(folder, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=".archkit-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            # UTF-8; an unpaired surrogate (possible in text from Python) is written as its \udXXX escape
            fh.write(text.encode("utf-8", "backslashreplace") if isinstance(text, str) else text)
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def os_error_text(exc: OSError) -> str:
    """What went wrong with a path, and what to do, for a message."""
    if isinstance(exc, IsADirectoryError):
        return "it is a folder; give a file name"
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is a file, not a folder"
    if isinstance(exc, FileExistsError):
        return "a file of that name is in the way; give a folder"
    if isinstance(exc, PermissionError):
        return "permission denied; choose a place you can write to"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return exc.strerror or str(exc)


def read_user_text(path: str | os.PathLike[str], what: str, *, limit: int = MAX_TEXT_BYTES) -> str:
    """The text of a small file given on the command line (a baseline, a configuration).

    Raises:
        UsageError: the file is missing, a folder, unreadable, larger than ``limit`` or not UTF-8 text.
    """
    p = os.fspath(path)
    try:
        if os.path.isdir(p):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), p)
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} '{p}': {os_error_text(exc)}") from None
    if len(data) > limit:
        raise UsageError(f"{what} '{p}' is larger than {limit // 2**20} MiB; is this the file you meant?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{what} '{p}' is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "is this the file you meant?"
        ) from None
