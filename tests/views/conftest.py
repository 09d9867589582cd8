"""Fixtures for view tests: the AR example, parsed drawings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

SVG_NS = {"svg": "http://www.w3.org/2000/svg"}


def dot_json(dot: str) -> dict:
    """Let graphviz parse and lay out DOT text and return its JSON description."""
    from archkit.views._render import run_dot

    return json.loads(run_dot(dot, "json"))


def svg_titles(svg: bytes, cls: str) -> list[str]:
    """Titles of the SVG groups of one class ('node', 'cluster', 'edge')."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == cls:
            t = g.find("svg:title", SVG_NS)
            out.append(t.text if t is not None else "")
    return out


def svg_text(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


@pytest.fixture(scope="session")
def ar():
    import archkit
    from pathlib import Path

    return archkit.load(Path(__file__).resolve().parents[2] / "examples" / "ar_translation" / "system.py")
