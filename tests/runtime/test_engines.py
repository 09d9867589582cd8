"""The AR example's real engines: Tesseract OCR and the persistent Apertium pipeline."""

from __future__ import annotations

import io
import os

import pytest

ar_engines = pytest.importorskip("ar_engines")
ar_signs = pytest.importorskip("ar_signs")


@pytest.fixture(scope="module")
def ocr():
    engine = ar_engines.TesseractOcr("spa")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def spa_eng():
    engine = ar_engines.ApertiumTranslator("spa-eng")
    yield engine
    engine.close()


@pytest.mark.parametrize("text", list(ar_signs.SIGNS))
def test_signs_are_read_and_translated(ocr, spa_eng, text):
    read = ocr.read(ar_signs.sign_png(text))
    assert read == text
    assert spa_eng.translate(read) == ar_signs.SIGNS[text]


def test_jpeg_and_two_lines(ocr, spa_eng):
    image = ar_signs.render_sign("Salida de emergencia\nPeligro: piso mojado", fmt="JPEG")
    read = ocr.read(image)
    assert read.splitlines() == ["Salida de emergencia", "Peligro: piso mojado"]
    assert spa_eng.translate(read).splitlines() == ["Start of emergency", "Danger: wet floor"]


def test_reserved_characters_survive_the_pipeline(spa_eng):
    out = spa_eng.translate("Peligro [x9] ^q7$ {k3} @w2 <z8> / \\ fin")
    assert out.startswith("Danger") and out.endswith("end")
    for piece in ("[x9]", "^q7$", "{k3}", "@w2", "<z8>", "/", "\\"):
        assert piece in out
    # requests stay separate: the next answer is not glued to the previous one
    assert spa_eng.translate("Solo efectivo") == "Only effective"


def test_reverse_direction():
    engine = ar_engines.ApertiumTranslator("eng-spa")
    try:
        assert engine.translate("Emergency exit") == "Salida de emergencia"
    finally:
        engine.close()


def test_dead_pipeline_is_restarted(spa_eng):
    pid = spa_eng._proc.pid
    os.killpg(pid, 9)
    spa_eng._proc.wait()
    assert spa_eng.translate("Prohibido fumar") == "Forbidden smoke"
    assert spa_eng._proc.pid != pid and spa_eng.restarts >= 1


def test_bad_images_are_rejected(ocr):
    from PIL import Image

    with pytest.raises(ar_engines.ImageRejected, match="not a PNG or JPEG"):
        ocr.read(b"hello")
    png = ar_signs.sign_png("Hola")
    with pytest.raises(ar_engines.ImageRejected, match="cannot be decoded"):
        ocr.read(png[: len(png) // 2])
    bomb = io.BytesIO()
    Image.new("L", (5000, 5000)).save(bomb, format="PNG")  # 25 Mpx in a few kB
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ar_engines.ImageRejected, match="pixels"):
        ocr.read(bomb.getvalue())


def test_missing_language_data_is_explained(tmp_path):
    with pytest.raises(ar_engines.EngineError, match="apt-get install tesseract-ocr-spa"):
        ar_engines.TesseractOcr("spa", tessdata=tmp_path)
    with pytest.raises(ar_engines.EngineError, match="no Apertium mode"):
        ar_engines.ApertiumTranslator("xxx-yyy")


def test_oversized_images_are_refused_before_decoding(ocr):
    with pytest.raises(ar_engines.ImageTooLarge, match="100000x100"):
        ocr.read(ar_signs.strip_png())
    with pytest.raises(ar_engines.ImageTooLarge, match="pixels"):
        ocr.read(ar_signs.dense_text_png())  # about 11.9 Mpx of small print


def test_reading_stops_at_the_time_budget():
    """A page of small print within the pixel bound: Tesseract is cancelled, the engine stays usable."""
    engine = ar_engines.TesseractOcr("spa", time_budget_ms=300)
    try:
        with pytest.raises(ar_engines.TooMuchText, match="300 ms"):
            engine.read(ar_signs.dense_text_png(2000, 2000))
        assert engine.read(ar_signs.sign_png("Solo efectivo")) == "Solo efectivo"
    finally:
        engine.close()


def test_the_pipeline_writes_no_files(tmp_path, monkeypatch):
    """Nothing is left in the temp folder (the replica may be killed without any clean-up)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    engine = ar_engines.ApertiumTranslator("spa-eng")
    try:
        assert engine.alive() and engine.translate("Solo efectivo") == "Only effective"
    finally:
        engine.close()
    assert not engine.alive()
    assert list(tmp_path.iterdir()) == []
