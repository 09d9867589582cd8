"""The AR glasses' two engines: Tesseract OCR and Apertium translation, both kept warm.

Neither engine starts a process per request:

* :class:`TesseractOcr` holds one ``tesserocr.PyTessBaseAPI`` for its whole life. The API object is
  not thread-safe, so every call takes a lock. Each read has a time budget (Tesseract's own
  cancellation): an image that holds more text than a sign, or noise that keeps the recogniser
  busy, is refused after ``time_budget_ms`` instead of holding the engine for seconds.
* :class:`ApertiumTranslator` starts Apertium's null-flush pipeline once and keeps it open. Apertium's
  own ``-z`` wrapper cannot be used for this (its deformatter drops the NUL bytes and its gawk
  filters hold records back), so the pipeline is generated with ``apertium-wblank-mode -z`` and
  this class does the deformatter's job: it escapes Apertium's reserved characters, frames each
  request with a NUL byte, reads up to the NUL that closes the reply and unescapes it. One
  request is in flight at a time (a lock); a reply that does not come within the timeout
  restarts the pipeline. The pipeline script is passed to ``bash -c``, so nothing is written
  to disk.

Debian packages: ``tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng apertium apertium-eng-spa``.
Python packages: ``tesserocr pillow`` (``pip install 'archkit[serve]'``).
"""

from __future__ import annotations

import io
import os
import re
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

__all__ = [
    "TESSDATA",
    "APERTIUM_MODES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "TIME_BUDGET_MS",
    "ImageRejected",
    "ImageTooLarge",
    "TooMuchText",
    "EngineError",
    "decode_image",
    "decoded",
    "open_image",
    "TesseractOcr",
    "ApertiumTranslator",
]

TESSDATA = Path(os.environ.get("TESSDATA_PREFIX", "/usr/share/tesseract-ocr/5/tessdata/"))
APERTIUM_MODES = Path("/usr/share/apertium/modes")

#: Largest image accepted, in pixels: four times the glasses' 1280x720 frame. Tesseract's layout
#: analysis cannot be cancelled and grows with the text on the page (about 2 s for a 12 Mpx page
#: of small print on one core), so the pixel bound is what keeps the time budget honest.
MAX_PIXELS = 4_000_000
#: Longest image side accepted, in pixels (Tesseract cannot lay out a 100000x100 strip).
MAX_SIDE = 8_000
#: Time Tesseract may spend on one image; a sign's text line takes about 20-60 ms.
TIME_BUDGET_MS = 1_000

_RESERVED = re.compile(r"([\[\]^$/\\<>@{}])")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_LANG_FOR_PAIR = {"spa": "spa", "eng": "eng"}


class ImageRejected(ValueError):
    """The bytes are not an image this engine will read (undecodable, or Tesseract refuses it)."""


class ImageTooLarge(ImageRejected):
    """The image has more pixels, or a longer side, than this engine reads."""


class TooMuchText(ImageRejected):
    """Reading the image would take longer than the time budget of one request."""


class EngineError(RuntimeError):
    """An engine is missing, misconfigured or stopped answering."""


def open_image(data: bytes, *, max_pixels: int = MAX_PIXELS, max_side: int = MAX_SIDE) -> Any:
    """Open PNG/JPEG bytes as a Pillow image whose pixels are not decoded yet (see :func:`decoded`).

    The size is checked from the header, so a decompression bomb (a small file that expands to a
    huge bitmap) is refused without using its memory, and a step that only checks the image does
    not pay for decoding it.

    Raises:
        ImageTooLarge: more than ``max_pixels`` pixels, or a side longer than ``max_side``.
        ImageRejected: the data is not a PNG/JPEG image.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
    except UnidentifiedImageError:
        raise ImageRejected("the data is not a PNG or JPEG image") from None
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"the image is too large to decode: {exc}") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"the image has {width}x{height} = {width * height} pixels, more than the {max_pixels} allowed"
        )
    if max(width, height) > max_side:
        raise ImageTooLarge(f"the image is {width}x{height} pixels; no side may be longer than {max_side}")
    return image


def decoded(image: Any) -> Any:
    """The pixels of an image from :func:`open_image`, as an 8-bit greyscale Pillow image.

    Raises:
        ImageRejected: the data is truncated or corrupt.
    """
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
        raise ImageRejected(f"the image cannot be decoded: {exc}") from None
    return image.convert("L")


def decode_image(data: bytes, *, max_pixels: int = MAX_PIXELS, max_side: int = MAX_SIDE) -> Any:
    """Decode PNG/JPEG bytes into an 8-bit greyscale Pillow image (:func:`open_image`, then :func:`decoded`).

    Raises:
        ImageTooLarge: more than ``max_pixels`` pixels, or a side longer than ``max_side``.
        ImageRejected: the data is not a decodable PNG/JPEG.
    """
    return decoded(open_image(data, max_pixels=max_pixels, max_side=max_side))


class TesseractOcr:
    """Tesseract OCR with one persistent ``PyTessBaseAPI``.

    Args:
        lang: Tesseract language code(s), e.g. ``"spa"`` or ``"spa+eng"``.
        tessdata: folder with the ``*.traineddata`` files; set explicitly because tesserocr's
            default is the current directory.
        psm: page segmentation mode; 6 reads one uniform block of text, which suits signs.
        time_budget_ms: milliseconds one image may take; longer reads are cancelled.

    Raises:
        EngineError: tesserocr is not installed or the language data is missing.
    """

    def __init__(self, lang: str = "spa", tessdata: str | Path = TESSDATA, psm: int = 6,
                 time_budget_ms: int = TIME_BUDGET_MS) -> None:
        try:
            import tesserocr
        except ImportError:
            raise EngineError("tesserocr is not installed: pip install 'archkit[serve]'") from None
        folder = Path(tessdata)
        for code in lang.split("+"):
            if not (folder / f"{code}.traineddata").exists():
                raise EngineError(
                    f"no Tesseract data for {code!r} in {folder}: apt-get install tesseract-ocr-{code}"
                )
        self.lang = lang
        self.time_budget_ms = int(time_budget_ms)
        self._lock = threading.Lock()
        self._api = tesserocr.PyTessBaseAPI(path=str(folder).rstrip("/") + "/", lang=lang, psm=psm)

    def read_image(self, image: Any) -> str:
        """Return the text Tesseract reads in a decoded Pillow image, stripped, lines kept.

        Raises:
            TooMuchText: recognition did not finish within the time budget.
            ImageRejected: Tesseract refused the image.
        """
        with self._lock:
            try:
                self._api.SetImage(image)
                done = self._api.Recognize(timeout=self.time_budget_ms)
            except RuntimeError as exc:  # tesserocr's way of saying Tesseract failed on this image
                raise ImageRejected(f"Tesseract cannot read this image: {exc}") from None
            if not done:
                self._api.Clear()
                raise TooMuchText(f"reading the image takes longer than the {self.time_budget_ms} ms allowed "
                                  f"per request; send a crop of the sign's text")
            text = self._api.GetUTF8Text()
        lines = [" ".join(line.split()) for line in text.splitlines()]
        return "\n".join(line for line in lines if line)

    def read(self, data: bytes) -> str:
        """Decode PNG/JPEG bytes and return the recognised text.

        Raises:
            ImageRejected: the bytes are not an image this engine will read.
        """
        return self.read_image(decode_image(data))

    def close(self) -> None:
        """Release Tesseract's memory."""
        with self._lock:
            self._api.End()


class ApertiumTranslator:
    """A persistent Apertium pipeline for one language pair (``spa-eng`` or ``eng-spa``).

    Args:
        pair: the Apertium mode, as listed in ``/usr/share/apertium/modes``.
        timeout: seconds to wait for a reply before the pipeline is restarted.

    Raises:
        EngineError: Apertium or the language pair is not installed.
    """

    def __init__(self, pair: str = "spa-eng", timeout: float = 10.0) -> None:
        mode = APERTIUM_MODES / f"{pair}.mode"
        if not mode.exists():
            raise EngineError(f"no Apertium mode {pair!r} in {APERTIUM_MODES}: apt-get install apertium-eng-spa")
        generator = shutil.which("apertium-wblank-mode")
        if generator is None:
            raise EngineError("apertium-wblank-mode is missing: apt-get install apertium")
        self._script = subprocess.run([generator, "-z", str(mode)], check=True, capture_output=True,
                                      text=True).stdout
        self.pair = pair
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._start()
        self.translate("Hola.")  # loads the dictionaries now, not on the first real request

    def _start(self) -> None:
        # "-n" (the script's $1) plays the role of `apertium -u`: no marks on unknown words.
        self._proc = subprocess.Popen(
            ["bash", "-c", self._script, f"apertium-{self.pair}", "-n"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, 15)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=2)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def _exchange(self, payload: bytes) -> bytes:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            raise EngineError(f"the Apertium {self.pair} pipeline is not running")
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(payload)
        proc.stdin.flush()
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + self.timeout
        reply = bytearray()
        while True:
            end = reply.find(b"\0")
            if end >= 0:
                return bytes(reply[:end])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"Apertium {self.pair} gave no reply within {self.timeout} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EngineError(f"the Apertium {self.pair} pipeline closed its output")
                reply += chunk

    def translate(self, text: str) -> str:
        """Translate ``text`` (lines are kept) and return the translation, stripped.

        A pipeline that times out or dies is restarted once and the request retried.

        Raises:
            EngineError: the pipeline failed twice in a row.
        """
        if not text.strip():
            return ""
        clean = text.replace("\0", " ")
        payload = _RESERVED.sub(r"\\\1", clean).encode("utf-8") + b" \0"
        with self._lock:
            for attempt in (1, 2):
                try:
                    raw = self._exchange(payload)
                    break
                except (TimeoutError, EngineError, BrokenPipeError, OSError) as exc:
                    self._stop()
                    self._start()
                    self.restarts += 1
                    if attempt == 2:
                        raise EngineError(f"Apertium {self.pair} failed twice: {exc}") from exc
        out = _ESCAPED.sub(r"\1", raw.decode("utf-8", errors="replace"))
        return "\n".join(" ".join(line.split()) for line in out.splitlines() if line.strip())

    def alive(self) -> bool:
        """Whether the pipeline runs (a dead one is restarted by the next :meth:`translate`)."""
        proc = self._proc
        return proc is not None and proc.poll() is None

    def close(self) -> None:
        """Stop the pipeline."""
        with self._lock:
            self._stop()

    def __del__(self) -> None:  # best effort: a replica that is torn down leaves no pipeline behind
        try:
            self._stop()
        except Exception:
            pass
