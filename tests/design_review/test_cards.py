"""Model cards: Hugging Face format that huggingface_hub loads, Mitchell sections, FactSheet, service levels."""

from __future__ import annotations

import json

from archkit.cards import FACTSHEET_QUESTIONS, MITCHELL_SECTIONS
from archkit.cli import app

EX = "examples/ar_translation/system.py"


def test_cards_load_in_huggingface_hub_and_are_complete(runner, tmp_path):
    from huggingface_hub import ModelCard

    r = runner.invoke(app, ["card", EX, "-o", str(tmp_path)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    for model, library, licence in (("ocr", "tesseract", "apache-2.0"), ("translator", "apertium", "gpl-3.0")):
        card = ModelCard.load(tmp_path / f"{model}.md")
        assert card.data.library_name == library and card.data.license == licence
        assert card.data.to_dict()["archkit"]["component"] == model
        for _id, title, _fields in MITCHELL_SECTIONS:
            assert f"\n## {title}\n" in card.text
        assert "Undeclared" not in card.text  # the example's two cards are complete
        assert "## Inference interface" in card.text and "latency of flow 'overlay'" in card.text


def test_undeclared_sections_are_marked_and_linted(runner, in_tmp):
    (in_tmp / "m.py").write_text(
        "from archkit import System, Node, Model\n"
        "with System('s') as s:\n"
        "    with Node('phone', kind='mobile'):\n"
        "        Model('m', task='t', accuracy={'top-1': '0.9'})\n")
    r = runner.invoke(app, ["card", "m.py", "--format", "json"], catch_exceptions=False)
    (card,) = json.loads(r.stdout)
    marked = {s["title"]: s["undeclared"] for s in card["sections"]}
    assert set(marked) == {t for _i, t, _f in MITCHELL_SECTIONS}
    assert marked["Factors"] == "declare model.factors on 'm'" and marked["Quantitative analyses"] is None
    assert len(card["factsheet"]) == len(FACTSHEET_QUESTIONS) and not card["complete"]
    r = runner.invoke(app, ["lint", "m.py", "--format", "json"], catch_exceptions=False)
    lint = json.loads(r.stdout)
    found = [f for f in lint["findings"] if f["rule"] == "model-documentation"]
    assert found and "declare model.evaluation_data on 'm'" in found[0]["message"]
    undecided = [u for u in lint["unknown"] if u["rule"] == "model-documentation"]
    assert undecided and "model.factors" in undecided[0]["message"] and "on 'm'" in undecided[0]["message"]
