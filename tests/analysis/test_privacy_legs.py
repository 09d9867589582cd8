"""Which personal data leaves a user's devices: one rule over both legs of a connector, and analyze,
compare, explore and lint count the same exits (a smart keyboard whose cloud model reads the typing
history kept on the phone)."""

from __future__ import annotations

import json

import pytest

from archkit.cli import app

KEYBOARD = """\
from archkit import System, Node, Component, Model, Link, Flow, Variant, connect
with System("keyboard", users=1000) as s:
    with Node("phone", kind="mobile", per_user=1):
        keys = Component("keyboard", kind="ui", data_sensitivity="personal")
        history = Component("history", kind="datastore", data_sensitivity="personal")
    with Node("cloud", kind="cloud", count=2, cost_per_hour="0.5 USD/h"):
        lm = Model("lm", task="next word", inference_time={"cloud": "5..10 ms", "mobile": "20..40 ms"})
    Link("phone", "cloud", medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms")
    suggest = (keys >> lm).set(request_size="1 kB", response_size="200 B", rate="1 /s")
    read = connect(lm, history, op="read", request_size="100 B", response_size="50 kB", rate="1 /day")
    Flow("suggest", steps=[suggest], latency_budget="300 ms")
    Variant("on-device", lm="phone")
"""

BOTH_LEGS = {("keyboard->lm", "request"), ("lm->history", "response")}


@pytest.fixture
def model(tmp_path):
    f = tmp_path / "keyboard.py"
    f.write_text(KEYBOARD)
    return str(f)


def run(runner, *args):
    r = runner.invoke(app, list(args), catch_exceptions=False)
    return r


def leaving(exits):
    return {(x["connector"], x["leg"]) for x in exits if x["personal"] and x["leaves_user_devices"]}


def test_analyze_counts_the_read_response_as_personal_data_leaving_the_phone(runner, model):
    data = json.loads(run(runner, "analyze", model, "--all-variants", "--format", "json").stdout)
    by = {v["variant"]: v["privacy"]["data_leaving_devices"] for v in data["variants"]}
    assert leaving(by[None]) == BOTH_LEGS
    read = next(x for x in by[None] if x["connector"] == "lm->history")
    assert (read["source"], read["source_node"], read["target"], read["target_node"]) == (
        "history", "phone", "lm", "cloud")  # the data goes from the phone's store to the cloud model
    assert read["sensitivity_from"] == "response from 'history' (inherited)"
    assert leaving(by["on-device"]) == set()


def test_compare_and_explore_count_the_same_exits(runner, model):
    exp = json.loads(run(runner, "compare", model, "--format", "json").stdout)
    rows = {r["name"]: r for r in exp["alternatives"] + exp["dominated"] + exp["infeasible"]}
    assert rows["on-device"]["values"]["personal_data"] == 0
    base = json.loads(run(runner, "explore", model, "--vary", "lm=phone,cloud", "--format", "json").stdout)
    values = {r["placement"]["lm"]: r["values"]["personal_data"]
              for r in base["alternatives"] + base["dominated"] + base["infeasible"]}
    assert values == {"phone": 0, "cloud": 2}  # two connectors: the typed text, and the history read back


def test_lint_finds_both_exits_and_none_on_the_device(runner, model):
    data = json.loads(run(runner, "lint", model, "--format", "json").stdout)
    found = [f for f in data["findings"] if f["rule"] == "privacy-locality"]
    assert {f["elements"][0]["id"] for f in found} == {"keyboard->lm", "lm->history"}
    assert all(f["placements"] == ["base"] for f in found), found
    assert any("'history' on 'phone' goes to 'lm' on 'cloud'" in f["message"] and "response" in f["message"]
               for f in found)
