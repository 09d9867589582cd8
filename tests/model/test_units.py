"""Units: the unit decides the dimension; unit text is read by a grammar that never evaluates."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archkit.model._units import MAX_UNIT_CHARS, UnitSyntaxError, UnknownUnitError, read_unit
from archkit.model._quantity import DIMENSIONS, MAX_COUNT, MAX_TEXT_CHARS, QuantityError, parse_quantity


@pytest.mark.parametrize("text,dim,canonical", [
    ("1 /fortnight", "rate", 1 / (14 * 86400)),
    ("1 /(14 d)", "rate", 1 / (14 * 86400)),
    ("1 /14 d", "rate", 1 / (14 * 86400)),
    ("1 per fortnight", "rate", 1 / (14 * 86400)),
    ("2 Hz", "rate", 2.0),
    ("3 /min", "rate", 0.05),
    ("12 /year", "rate", 12 / (365.25 * 86400)),
    ("1 /(30 d)", "rate", 1 / (30 * 86400)),
    ("3 Mbit/s", "bandwidth", 3e6),
    ("1 MB/s", "bandwidth", 8e6),
    ("2 gigabit/minute", "bandwidth", 2e9 / 60),
    ("3 fortnight", "duration", 3 * 14 * 86400),
    ("2 ks", "duration", 2000.0),
    ("1 year", "duration", 365.25 * 86400),
    ("5 USD per GB", "money_per_data", 5e-9),
    ("10 kW h", "energy", 3.6e7),
    ("2 kg*m^2/s^3", "power", 2.0),
    ("2 kg·m²/s³", "power", 2.0),
    ("4000 mAh at 3.85 V", "energy", 4000 * 3.85 * 3.6),
    ("3000..4000 mAh @ 3.7 V", "energy", 3000 * 3.7 * 3.6),
])
def test_the_unit_decides_the_dimension(text, dim, canonical):
    q = parse_quantity(text, dim)
    assert math.isclose(q.lo, canonical, rel_tol=1e-12)
    # and only that dimension accepts it, whatever order the dimensions are tried in
    for other in DIMENSIONS:
        if other != dim:
            with pytest.raises(QuantityError) as info:
                parse_quantity(text, other)
            assert info.value.code == "dimension"


def test_every_time_unit_pint_knows_works_in_rates_and_durations():
    import pint

    ureg = pint.UnitRegistry()
    second = ureg.second.dimensionality
    names = sorted(n for n in ureg._units if n.isidentifier() and getattr(ureg, n).dimensionality == second)
    assert {"second", "minute", "hour", "day", "week", "fortnight", "year", "month", "century"} <= set(names)
    for name in names:
        seconds = float(ureg.Quantity(1, name).to("second").magnitude)
        if not DIMENSIONS["duration"].smallest <= seconds <= DIMENSIONS["duration"].largest:
            continue  # e.g. planck_time: beyond the documented bounds
        assert math.isclose(parse_quantity(f"1 {name}", "duration").lo, seconds, rel_tol=1e-12), name
        assert math.isclose(parse_quantity(f"1 /{name}", "rate").lo, 1 / seconds, rel_tol=1e-12), name
        assert math.isclose(parse_quantity(f"1 per {name}", "rate").lo, 1 / seconds, rel_tol=1e-12), name


def test_a_battery_in_mah_gets_the_conversion():
    with pytest.raises(QuantityError) as info:
        parse_quantity("4000 mAh", "energy")
    assert "Wh = mAh x V / 1000" in info.value.hint
    assert "4000 mAh at 3.85 V" in info.value.hint
    with pytest.raises(QuantityError, match="not a charge at a voltage"):
        parse_quantity("4000 mAh at 3 W", "energy")


@pytest.mark.parametrize("text", [
    "1 ms*9**9**9", "1 ms*9**9**7", "1 ms^99", "1 (((((ms)))))", "1 ms*" + "s*" * 40, "1 ms**2**2",
    "1 __import__", "1 ms; import os", "1 ms)", "1 (ms", "1 ms*", "1 1e9 ms", "1 9999999999999 ms",
])
def test_unit_text_is_never_evaluated(text):
    start = time.perf_counter()
    with pytest.raises(QuantityError) as info:
        parse_quantity(text, "duration")
    assert info.value.code in ("unit", "syntax")
    assert info.value.hint
    assert time.perf_counter() - start < 5  # a generous bound: an evaluated 9**9**9 never returns


@given(st.text(alphabet="0123456789.*/^()+- msdhBbitUSDW²³⁻·per", max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_unit_text_reads_or_fails_cleanly(text):
    try:
        unit = read_unit(text)
    except (UnitSyntaxError, UnknownUnitError):
        return
    assert math.isfinite(unit.factor) and unit.factor > 0
    assert len(text) <= MAX_UNIT_CHARS


@given(st.sampled_from(sorted(DIMENSIONS)), st.sampled_from(["1e400", "1e308", "1e-300", "9" * 400, "1e30"]))
def test_values_are_finite_and_within_bounds(dim, number):
    unit = DIMENSIONS[dim].example.split(" ", 1)[1]
    with pytest.raises(QuantityError) as info:
        parse_quantity(f"{number} {unit}", dim)
    assert info.value.code in ("syntax", "range")


def test_text_length_is_bounded():
    with pytest.raises(QuantityError, match=f"at most {MAX_TEXT_CHARS}"):
        parse_quantity("1" + " " * MAX_TEXT_CHARS + "ms", "duration")


@pytest.mark.parametrize("field,value", [
    ("users", 10**400), ("users", MAX_COUNT + 1), ("count", 10**13), ("per_user", float("inf")),
    ("cpu_cores", float("nan")), ("cpu_cores", 1e300), ("replicas", 10**13),
])
def test_counts_and_numbers_are_bounded(field, value):
    from archkit.errors import ValidationError
    from archkit.io import load_data

    raw = {"name": "s", "nodes": [{"id": "n", "kind": "cloud"}], "components": [{"id": "c", "kind": "ui"}],
           "placement": {"c": "n"}}
    if field == "users":
        raw["users"] = value
    elif field == "replicas":
        raw["components"][0][field] = value
    else:
        raw["nodes"][0][field] = value
    with pytest.raises(ValidationError) as info:
        load_data(raw, "t.yaml")
    assert any(field in str(p.location) for p in info.value.problems)


def test_users_option_is_bounded(runner, example_path):
    from archkit.cli._app import app

    for value in (str(10**400), str(MAX_COUNT + 1), "0"):
        result = runner.invoke(app, ["analyze", str(example_path), "--users", value])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    for value in ("nan", "inf"):
        result = runner.invoke(app, ["analyze", str(example_path), "--usage-hours", value])
        assert result.exit_code == 2, result.output
