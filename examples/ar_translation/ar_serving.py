"""The AR glasses' components as archkit deploys them (system.py names them "ar_serving:Class").

Each class follows archkit's implementation protocol (see ``archkit.runtime._protocol``): built
with the component's ``config`` as keywords, called with the flow's payload, returns new values.

* :class:`Camera` - the flow's entry on the glasses: accepts PNG/JPEG frames, refuses the rest.
* :class:`OCR` - reads the sign's text with Tesseract (one warm engine per replica).
* :class:`Translator` - translates it with Apertium (one warm pipeline per replica).

Spanish signs to English text is the default; ``OCR(lang="eng")`` with
``Translator(pair="eng-spa")`` runs the reverse direction.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:  # the engines module sits next to this file
    sys.path.insert(0, _HERE)

from archkit.runtime import BadInput

from ar_engines import (
    MAX_PIXELS,
    TIME_BUDGET_MS,
    ApertiumTranslator,
    ImageRejected,
    ImageTooLarge,
    TesseractOcr,
    decoded,
    open_image,
)

__all__ = ["Camera", "OCR", "Translator"]


def _refusal(exc: ImageRejected) -> BadInput:
    """The client's error for an image the engines refuse: 413 when too large, else 422."""
    return BadInput(str(exc), 413 if isinstance(exc, ImageTooLarge) else 422)


class Camera:
    """Receives a camera frame; checks it is an image small enough to process.

    Args:
        max_pixels: largest frame accepted, in pixels (decompression bombs are refused).
    """

    accepts = ("image/png", "image/jpeg")
    max_body_bytes = 8_000_000

    def __init__(self, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = int(max_pixels)

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return the frame's size as ``frame`` (and the opened image for steps in this replica).

        Only the image's header is read: its pixels are decoded by the step that reads them (the
        OCR step, here or in its own deployment), so no frame is decoded twice.

        Raises:
            BadInput: 413 when the image is too large, 422 when the body is not a PNG/JPEG image.
        """
        try:
            image = open_image(payload["body"], max_pixels=self.max_pixels)
        except ImageRejected as exc:
            raise _refusal(exc) from None
        width, height = image.size
        return {"frame": f"{width}x{height}", "_image": image}


class OCR:
    """Tesseract OCR of the frame in the payload's ``body``; adds ``text``.

    Args:
        lang: Tesseract language ("spa" for Spanish signs, "eng" for the reverse direction).
        psm: Tesseract page segmentation mode (6: one block of text).
        time_budget_ms: milliseconds Tesseract may spend on one image (422 beyond it).
    """

    def __init__(self, lang: str = "spa", psm: int = 6, time_budget_ms: int = TIME_BUDGET_MS) -> None:
        self.engine = TesseractOcr(lang=lang, psm=int(psm), time_budget_ms=int(time_budget_ms))

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return ``{"text": ...}``; raise :class:`BadInput` (413, 422) when the image cannot be read."""
        image = payload.get("_image")  # opened by the camera step when it runs in this replica
        try:
            if image is not None:
                return {"text": self.engine.read_image(decoded(image))}
            return {"text": self.engine.read(payload["body"])}
        except ImageRejected as exc:
            raise _refusal(exc) from None


class Translator:
    """Apertium translation of the payload's ``text``; adds ``translation``.

    Args:
        pair: Apertium mode, "spa-eng" (default) or "eng-spa".
        timeout: seconds before a silent pipeline is restarted.
    """

    def __init__(self, pair: str = "spa-eng", timeout: float = 10.0) -> None:
        self.translator = ApertiumTranslator(pair=pair, timeout=float(timeout))

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return ``{"translation": ...}`` for the payload's ``text``."""
        return {"translation": self.translator.translate(str(payload.get("text", "")))}

    def check_health(self) -> None:
        """Raise when the pipeline is down and cannot be restarted (Serve then replaces the replica)."""
        if not self.translator.alive():
            self.translator.translate("Hola.")  # restarts it, or raises EngineError
