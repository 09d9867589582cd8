"""Assumptions in plain sight: every command that analyses takes --users, --usage-hours and --peak-share,
says what it assumed next to the costs, and a summary column speaks for the flows that declare it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
KEYBOARD = str(ROOT / "examples" / "smart_keyboard" / "system.py")
AR = str(ROOT / "examples" / "ar_translation" / "system.py")
FIGURES = ["--users", "2000", "--usage-hours", "2", "--peak-share", "0.1"]


def run(runner, *args):
    r = runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})
    return r, " ".join(r.stdout.split())


def test_analyze_prints_the_basis_of_its_costs_under_the_cost_table(runner):
    _, text = run(runner, "analyze", KEYBOARD, "--no-breakdown")
    cost_part = text.split("Monthly cost (1,000,000 users)", 1)[1].split("Offline and availability", 1)[0]
    assert ("assumes 1,000,000 users (declared), 0.5 h of use per user a day (declared), 0.05 of them active at "
            "once at peak (declared), a month of 730 h") in cost_part
    _, text = run(runner, "analyze", KEYBOARD, "--no-breakdown", *FIGURES)
    assert ("assumes 2,000 users (from --users), 2 h of use per user a day (from --usage-hours), 0.1 of them "
            "active at once at peak (from --peak-share)") in text


def test_the_options_change_what_analyze_computes(runner):
    base = json.loads(run(runner, "analyze", KEYBOARD, "--format", "json")[0].stdout)
    moved = json.loads(run(runner, "analyze", KEYBOARD, "--format", "json", *FIGURES)[0].stdout)
    assert moved["users"] == 2000 and "from --peak-share" in moved["assumptions"]["peak-active-share"]
    assert "(from --usage-hours)" in moved["assumptions"]["usage-hours-value"]

    def telemetry_per_day(d):
        return d["variants"][0]["privacy"]["telemetry_bytes_per_day"]["typical"]

    # volumes scale with users x usage hours: 2,000 x 2 h against 1,000,000 x 0.5 h
    assert telemetry_per_day(moved) / telemetry_per_day(base) == pytest.approx(2000 * 2 / (1_000_000 * 0.5))

    def arrival(d, comp):
        return next(c for c in d["variants"][0]["capacity"]["components"] if c["component"] == comp)["arrival_rate"]

    # load at peak scales with users x peak share: 2,000 x 0.1 against 1,000,000 x 0.05
    assert arrival(moved, "telemetry")["typical"] / arrival(base, "telemetry")["typical"] == pytest.approx(
        2000 * 0.1 / (1_000_000 * 0.05))


@pytest.mark.parametrize("command", [["compare", KEYBOARD], ["explore", KEYBOARD, "--vary", "next_word=phone,cloud"],
                                     ["review", KEYBOARD]])
def test_compare_explore_and_review_take_the_same_options(runner, command):
    plain = run(runner, *command, "--format", "json")[0]
    given = run(runner, *command, "--format", "json", *FIGURES)[0]
    assert plain.exit_code == given.exit_code and plain.exit_code in (0, 1), given.output
    assert json.loads(plain.stdout) != json.loads(given.stdout)  # the figures reach the analyses


def test_bad_values_are_usage_errors(runner):
    for args in (["--usage-hours", "0"], ["--usage-hours", "25"], ["--peak-share", "1.5"], ["--peak-share", "nan"],
                 ["--users", "0"]):
        r = runner.invoke(app, ["analyze", KEYBOARD, *args])
        assert r.exit_code == 2, args


def test_the_review_states_the_basis_and_the_offline_column_speaks_for_the_offline_flows(runner, tmp_path):
    r, text = run(runner, "review", AR, "-o", str(tmp_path))
    assert "Costs and loads assumes 100,000 users (declared), 0.5 h of use per user a day (declared)" in text
    table = [line for line in (tmp_path / "review.md").read_text().splitlines() if line.startswith("| ")]
    columns = [c.strip() for c in next(line for line in table if "| offline |" in line).split("|")[1:-1]]
    row = [c.strip() for c in next(line for line in table if line.startswith("| all-on-phone |")).split("|")[1:-1]]
    # all-on-phone's overlay flow must work offline and does; the telemetry flow declares nothing about it
    assert row[columns.index("offline")] == "\u2714 meets"


def test_the_report_json_carries_the_variant_verdicts(runner):
    data = json.loads(run(runner, "analyze", KEYBOARD, "--all-variants", "--format", "json")[0].stdout)
    by_name = {v["variant"]: v["verdicts"] for v in data["variants"]}
    assert by_name["on-device"]["offline"] == "meets" and by_name["on-device"]["feasible"]
    assert by_name["cloud-prediction"]["offline"] == "violates" and not by_name["cloud-prediction"]["feasible"]
    assert any("must work offline" in why for why in by_name["cloud-prediction"]["violations"])


BASE_AND_VARIANTS = """\
from archkit import System, Node, Component, Model, Link, Flow, Variant
with System("moves") as s:
    with Node("phone", kind="mobile", per_user=1):
        app = Component("app", kind="ui")
        m = Model("m", task="t")
    with Node("cloud", kind="cloud"):
        pass
    Link("phone", "cloud", medium="wifi")
    Flow("ask", steps=[app >> m])
    Variant("in-cloud", m="cloud")
{same}
"""


@pytest.mark.parametrize("same,expected", [("", [None, "in-cloud"]),
                                           ("    Variant('as-is', m='phone')", ["in-cloud", "as-is"]),
                                           ("    Variant('as-is', links_down=['phone-cloud'])",
                                            [None, "in-cloud", "as-is"])])
def test_all_variants_includes_the_base_placement_once(runner, tmp_path, same, expected):
    f = tmp_path / "m.py"
    f.write_text(BASE_AND_VARIANTS.format(same=same))
    data = json.loads(run(runner, "analyze", str(f), "--all-variants", "--format", "json")[0].stdout)
    assert [v["variant"] for v in data["variants"]] == expected
