"""The house rules that a reader can check with grep: no hidden state, no hidden imports, frozen models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import archkit

SOURCE = Path(archkit.__file__).parent
FILES = sorted(SOURCE.rglob("*.py"))


# identity used inside one function call over objects alive for that call, not as a cache
LOCAL_IDENTITY = {"io/_safe_yaml.py"}  # counting a YAML document's nodes, aliases once


def _hits(pattern: str, allowed: set[str] = frozenset()) -> list[str]:
    rx = re.compile(pattern)
    return [f"{p.relative_to(SOURCE.parent)}:{i}: {line.strip()}" for p in FILES
            if str(p.relative_to(SOURCE)) not in allowed
            for i, line in enumerate(p.read_text().splitlines(), 1) if rx.search(line)]


@pytest.mark.parametrize("what, pattern", [
    ("caches keyed by object identity", r"(?<![\w.])id\("),
    ("a forget() the caller must know about", r"\bforget\("),
    ("state popped out of another object's __dict__", r"__dict__\.pop"),
    ("our own modules imported by name at run time", r"import_module\(\s*[\"'f]+archkit"),
    ("attributes bolted onto the analyses' graphs", r"_analysis_(memo|incoming|channels)"),
])
def test_none_of(what, pattern):
    found = _hits(pattern, LOCAL_IDENTITY if "identity" in what else set())
    assert not found, f"{what}:\n" + "\n".join(found)


def test_the_model_is_frozen(example):
    from pydantic import ValidationError as PydanticError

    with pytest.raises(PydanticError, match="frozen"):
        example.users = 1
    with pytest.raises(PydanticError, match="frozen"):
        example.component("ocr").replicas = 3


def test_changes_make_validated_copies(example):
    from pydantic import ValidationError as PydanticError

    ocr = example.component("ocr")
    faster = ocr.with_fields(processing_time="5..10 ms")
    assert str(faster.processing_time) == "5..10 ms" and faster.location == ocr.location
    changed = example.with_element(faster)
    assert changed.component("ocr") == faster and example.component("ocr") == ocr
    with pytest.raises(PydanticError):
        ocr.with_fields(replicaz=2)  # a misspelt field is an error, as in a new element
    with pytest.raises(KeyError):
        example.with_element(faster.with_fields(id="nope"))


def test_the_model_does_not_import_the_views():
    files = [*(SOURCE / "model").rglob("*.py"), SOURCE / "_dsl.py"]
    hits = [p for p in files if re.search(r"from \.+views|archkit\.views", p.read_text())]
    assert not hits
