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

from ar_engines import MAX_PIXELS, ApertiumTranslator, ImageRejected, TesseractOcr, decode_image

__all__ = ["Camera", "OCR", "Translator"]


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
        """Return the frame's size as ``frame`` (and the decoded image for steps in this replica).

        Raises:
            BadInput: 422 when the body is not a PNG/JPEG image this system will read.
        """
        try:
            image = decode_image(payload["body"], max_pixels=self.max_pixels)
        except ImageRejected as exc:
            raise BadInput(str(exc), 422) from None
        width, height = image.size
        return {"frame": f"{width}x{height}", "_image": image}


class OCR:
    """Tesseract OCR of the frame in the payload's ``body``; adds ``text``.

    Args:
        lang: Tesseract language ("spa" for Spanish signs, "eng" for the reverse direction).
        psm: Tesseract page segmentation mode (6: one block of text).
    """

    def __init__(self, lang: str = "spa", psm: int = 6) -> None:
        self.engine = TesseractOcr(lang=lang, psm=int(psm))

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return ``{"text": ...}``; raise :class:`BadInput` (422) when the image cannot be read."""
        image = payload.get("_image")  # decoded by the camera step when it runs in this replica
        if image is not None:
            return {"text": self.engine.read_image(image)}
        try:
            return {"text": self.engine.read(payload["body"])}
        except ImageRejected as exc:
            raise BadInput(str(exc), 422) from None


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
