"""Every Python example in the README and docs/ runs, and builds a valid model where it declares one."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks():
    for doc in DOCS:
        for i, m in enumerate(BLOCK.finditer(doc.read_text())):
            code = m.group(1)
            if "# not run" in code.splitlines()[0] if code.strip() else True:
                continue
            yield pytest.param(code, id=f"{doc.name}-{i}")


@pytest.mark.parametrize("code", list(blocks()))
def test_doc_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "<doc>", "exec"), namespace)
    import archkit

    for value in namespace.values():
        if isinstance(value, archkit.System):
            value.build()


def test_every_problem_code_is_documented():
    from archkit.errors import CODES

    text = (ROOT / "docs" / "errors.md").read_text()
    for code, name in CODES.items():
        assert f"| {code} | {name} |" in text, code


def test_yaml_example_in_model_doc_loads(tmp_path):
    import archkit

    text = (ROOT / "docs" / "model.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    m = archkit.loads(block, "doc.yaml")
    assert m.placement["tagger"] == "cloud"
