"""Every snippet of the README and docs/ runs as written, through the CLI like a reader would run it.

Each Python or YAML model snippet is written to a file and checked with ``archkit validate`` and
``archkit analyze``; running a Python snippet also runs its own asserts.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```(python|yaml)\n(.*?)```", re.S)
SUFFIX = {"python": ".py", "yaml": ".yaml"}


def snippets():
    for doc in DOCS:
        text = doc.read_text()
        for m in BLOCK.finditer(text):
            lang, code = m.group(1), m.group(2)
            if not code.strip() or code.splitlines()[0].startswith("# not run"):
                continue
            if lang == "yaml" and not code.startswith("name:"):
                continue  # not a model file (a config or an output)
            line = text.count("\n", 0, m.start()) + 1
            yield pytest.param(lang, code, id=f"{doc.name}:{line}")


def test_every_readme_and_docs_model_snippet_is_collected():
    ids = [p.id for p in snippets()]
    assert any(i.startswith("README.md:") for i in ids)
    assert any(i.startswith("model.md:") for i in ids) and len(ids) >= 10


def defines_a_system(code: str) -> bool:
    import archkit
    from archkit.model import System

    namespace: dict = {}
    exec(compile(code, "<doc>", "exec"), namespace)
    return any(isinstance(v, (archkit.System, System)) for v in namespace.values())


@pytest.mark.parametrize("lang,code", list(snippets()))
def test_doc_snippet_validates_and_analyzes_through_the_cli(lang, code, runner, tmp_path, monkeypatch):
    from archkit.cli import app

    monkeypatch.chdir(tmp_path)
    if lang == "python" and not defines_a_system(code):
        exec(compile(code, "<doc>", "exec"), {})  # a fragment (a class, an API call): it runs
        return
    path = tmp_path / f"snippet{SUFFIX[lang]}"
    path.write_text(code)
    validate = runner.invoke(app, ["validate", str(path)], catch_exceptions=False)
    assert validate.exit_code == 0, validate.output
    assert validate.stdout.startswith("valid:"), validate.output
    analyze = runner.invoke(app, ["analyze", str(path), "--all-variants", "--format", "json"],
                            catch_exceptions=False)
    assert analyze.exit_code == 0, analyze.output
    assert '"variants"' in analyze.stdout


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


def test_model_doc_names_every_field_of_the_system_and_the_node():
    from archkit.model import Node, System

    text = (ROOT / "docs" / "model.md").read_text()
    lists = {"components", "connectors", "nodes", "links", "variants", "flows", "flags"}  # "the lists above"
    for cls in (System, Node):
        for name in set(cls.model_fields) - lists:
            assert f"`{name}`" in text, f"docs/model.md does not mention {cls.__name__}.{name}"
