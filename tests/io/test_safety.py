"""Hostile or broken files get one clear problem and never run anything."""

import os

import pytest

import archkit
from archkit.errors import LoadError


def load_error(path):
    with pytest.raises(LoadError) as info:
        archkit.load(path)
    return info.value.problems


def test_python_object_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    f = tmp_path / "evil.yaml"
    f.write_text(f'name: !!python/object/apply:os.system ["touch {marker}"]\ncomponents: []\n')
    probs = load_error(f)
    assert probs[0].code == "AK002" and probs[0].location.line == 1
    assert "never constructs objects" in probs[0].message
    assert not marker.exists()


@pytest.mark.parametrize("payload", [
    "!!python/name:os.system\n",
    "name: !!python/object/new:subprocess.Popen [[touch, x]]\n",
    "name: x\ncomponents:\n  - !custom {id: a}\n",
    "? !!python/tuple [a, b]\n: 1\n",
])
def test_other_unsafe_tags(tmp_path, payload):
    f = tmp_path / "evil.yaml"
    f.write_text(payload)
    assert load_error(f)[0].code == "AK002"


def test_deep_nesting(tmp_path):
    f = tmp_path / "deep.yaml"
    f.write_text("name: x\nproperties: " + "[" * 5000 + "]" * 5000 + "\n")
    assert load_error(f)[0].code == "AK005"
    j = tmp_path / "deep.json"
    j.write_text('{"name": "x", "p": ' + "[" * 100000 + "]" * 100000 + "}")
    assert load_error(j)[0].code == "AK005"


def test_alias_bomb(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]")
    lines.append("name: x")
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(lines) + "\n")
    assert load_error(f)[0].code == "AK004"


def test_binary_junk(tmp_path):
    f = tmp_path / "junk.yaml"
    f.write_bytes(os.urandom(2048) + b"\x00\xff")
    assert load_error(f)[0].code == "AK006"


def test_not_utf8(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes("name: caf\xe9\n".encode("latin-1"))
    assert load_error(f)[0].code == "AK006"


def test_missing_file():
    assert load_error("does/not/exist.yaml")[0].code == "AK001"
    assert load_error("does/not/exist.py")[0].code == "AK001"


def test_syntax_error_has_a_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\ncomponents:\n  - id: a\n   kind: ui\n")
    p = load_error(f)[0]
    assert p.code == "AK003" and p.location.line in (3, 4)


def test_duplicate_keys(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("name: x\nname: y\n")
    p = load_error(f)[0]
    assert p.code == "AK003" and "twice" in p.message and p.location.line == 2


def test_empty_and_scalar_documents(tmp_path):
    f = tmp_path / "empty.yaml"
    f.write_text("")
    assert load_error(f)[0].code == "AK007"
    g = tmp_path / "scalar.yaml"
    g.write_text("just text\n")
    with pytest.raises(archkit.ValidationError):
        archkit.load(g)


def test_python_model_that_raises(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from archkit import System\nx = 1\nraise ValueError('oops')\n")
    p = load_error(f)[0]
    assert p.code == "AK008" and p.location.line == 3 and "oops" in p.message


def test_python_model_choice(tmp_path):
    f = tmp_path / "two.py"
    f.write_text("from archkit import System\na = System('a')\nb = System('b')\n")
    assert load_error(f)[0].code == "AK009"
    assert archkit.load(f"{f}:b").name == "b"
    assert load_error(f"{f}:c")[0].code == "AK009"


def test_module_attr(tmp_path, monkeypatch):
    (tmp_path / "mymodels.py").write_text("from archkit import System\nthing = System('via module')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert archkit.load("mymodels:thing").name == "via module"
