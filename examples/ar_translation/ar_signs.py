"""Render sign images with known Spanish text, for tests, benchmarks and demos.

The glasses' camera is played by these images: dark text on a light board, one or two lines,
drawn with DejaVu Sans (Debian package ``fonts-dejavu-core``). Because the text is known, the
OCR result and its translation can be checked exactly.
"""

from __future__ import annotations

import io
from pathlib import Path

__all__ = ["SIGNS", "FONT_PATH", "render_sign", "sign_png", "write_signs", "strip_png", "dense_text_png"]

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

#: Spanish sign texts with the English that Apertium's spa-eng pair gives for them.
SIGNS: dict[str, str] = {
    "Solo efectivo": "Only effective",
    "Peligro: piso mojado": "Danger: wet floor",
    "Prohibido fumar": "Forbidden smoke",
    "Salida de emergencia": "Start of emergency",
    "Cerrado por obras": "Closed by works",
    "Abierto todos los días": "Opened every day",
}


def render_sign(text: str, *, font_size: int = 40, margin: int = 24, fmt: str = "PNG") -> bytes:
    """Draw ``text`` (newlines make lines) as a sign and return the encoded image bytes.

    Args:
        text: the sign's text.
        font_size: pixel size of the DejaVu Sans font.
        margin: blank border around the text, in pixels.
        fmt: a Pillow format name such as ``"PNG"`` or ``"JPEG"``.

    Raises:
        FileNotFoundError: the DejaVu font is not installed (``apt-get install fonts-dejavu-core``).
    """
    from PIL import Image, ImageDraw, ImageFont

    if not FONT_PATH.exists():
        raise FileNotFoundError(f"{FONT_PATH} is missing: install it with 'apt-get install fonts-dejavu-core'")
    font = ImageFont.truetype(str(FONT_PATH), font_size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox((0, 0), text, font=font, spacing=font_size // 3)
    size = (right - left + 2 * margin, bottom - top + 2 * margin)
    image = Image.new("L", size, color=235)
    ImageDraw.Draw(image).multiline_text(
        (margin - left, margin - top), text, font=font, fill=20, spacing=font_size // 3
    )
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def sign_png(text: str) -> bytes:
    """Return a PNG of ``text`` drawn as a sign with the default size."""
    return render_sign(text)


def strip_png(width: int = 100_000, height: int = 100) -> bytes:
    """A blank strip far wider than any camera frame (100000x100 by default): a few kB of PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), color=235).save(buffer, format="PNG")
    return buffer.getvalue()


def dense_text_png(width: int = 4000, height: int = 2980, font_size: int = 14) -> bytes:
    """A page packed edge to edge with small text (about 11.9 Mpx by default): hard work for OCR.

    Sign-like phrases are repeated in rows as tightly as the font allows, so a recogniser finds
    tens of thousands of words where a sign has a few.
    """
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT_PATH), font_size)
    image = Image.new("L", (width, height), color=235)
    draw = ImageDraw.Draw(image)
    line = " ".join(SIGNS) + " "
    row = (line * (width // (font_size * len(line) // 3) + 2))
    step = font_size + 2
    for index, y in enumerate(range(0, height - step, step)):
        draw.text((-(index * 37 % 200), y), row, font=font, fill=20)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_signs(folder: str | Path, texts: list[str] | None = None) -> list[Path]:
    """Write one PNG per sign text into ``folder`` and return the paths, in the order given.

    Args:
        folder: target directory, created when missing.
        texts: the texts to draw; all of :data:`SIGNS` when omitted.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, text in enumerate(texts if texts is not None else list(SIGNS)):
        path = out / f"sign-{index:02d}.png"
        path.write_bytes(sign_png(text))
        paths.append(path)
    return paths


if __name__ == "__main__":  # python ar_signs.py DIR: write the sign images for `archkit load --images DIR`
    import sys

    for written in write_signs(sys.argv[1] if len(sys.argv) > 1 else "signs"):
        print(written)
