"""Baseline (b) of bench_serve.py: the "easy" way to put OCR + translation behind HTTP.

A Flask handler that decodes the upload, runs ``pytesseract`` (which starts a tesseract process
per call) and then starts a new ``apertium -u spa-eng`` process per request. Run under gunicorn
with one sync worker per core: ``gunicorn -w 2 -b 127.0.0.1:PORT easy_app:app``.
"""

from __future__ import annotations

import io
import subprocess

import pytesseract
from flask import Flask, jsonify, request
from PIL import Image

app = Flask(__name__)


@app.post("/translate")
def translate():
    """OCR the posted image, translate the text, answer JSON."""
    image = Image.open(io.BytesIO(request.get_data()))
    text = pytesseract.image_to_string(image, lang="spa", config="--psm 6").strip()
    done = subprocess.run(["apertium", "-u", "spa-eng"], input=text, capture_output=True, text=True, timeout=30)
    return jsonify(text=text, translation=done.stdout.strip())
