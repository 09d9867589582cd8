import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archkit.model import DIMENSIONS, QuantityError, format_quantity, parse_quantity


@pytest.mark.parametrize("text,dim,lo,hi", [
    ("40..200 ms", "duration", 0.04, 0.2),
    ("3 Mbit/s", "bandwidth", 3e6, 3e6),
    ("54 Mbit/s", "bandwidth", 54e6, 54e6),
    ("2.7 MB", "data", 2.7e6, 2.7e6),
    ("2 GiB", "data", 2**31, 2**31),
    ("10 USD/GB", "money_per_data", 1e-8, 1e-8),
    ("0.40 USD/h", "money_per_time", 0.4 / 3600, 0.4 / 3600),
    ("30 /s", "rate", 30, 30),
    ("10 /day", "rate", 10 / 86400, 10 / 86400),
    ("2.1 Wh", "energy", 2.1 * 3600, 2.1 * 3600),
    ("1.5 W", "power", 1.5, 1.5),
    ("3 MB/s", "bandwidth", 24e6, 24e6),
])
def test_parse_canonical_si(text, dim, lo, hi):
    q = parse_quantity(text, dim)
    assert math.isclose(q.lo, lo) and math.isclose(q.hi, hi)
    assert q.dim == dim


def test_typical_value_and_mid():
    q = parse_quantity("40..80..200 ms", "duration")
    assert (q.lo, q.typ, q.hi) == (0.04, 0.08, 0.2)
    assert q.mid == 0.08
    assert parse_quantity("40..200 ms", "duration").mid == pytest.approx(0.12)


def test_units_outside_the_table_go_through_pint():
    q = parse_quantity("1 fortnight", "duration")
    assert q.lo == 14 * 86400
    assert parse_quantity("3 megabit/second", "bandwidth").lo == 3e6


@pytest.mark.parametrize("text,dim,code", [
    ("3 ms", "bandwidth", "dimension"),
    ("200..40 ms", "duration", "order"),
    ("-3 ms", "duration", "negative"),
    ("3", "duration", "syntax"),
    ("fast", "duration", "syntax"),
    ("3 furlongs", "data", "unit"),
    ("3 blorbs", "data", "unit"),
])
def test_bad_quantities_have_codes_and_hints(text, dim, code):
    with pytest.raises(QuantityError) as info:
        parse_quantity(text, dim)
    assert info.value.code == code
    assert info.value.hint


def test_bare_numbers_are_refused():
    with pytest.raises(QuantityError, match="no unit"):
        parse_quantity(40, "duration")


def test_formatting_is_readable():
    assert format_quantity(parse_quantity("40..200 ms", "duration")) == "40..200 ms"
    assert format_quantity(parse_quantity("2764800 B", "data")) == "2.7648 MB"
    assert format_quantity(parse_quantity("0.40 USD/h", "money_per_time")) == "0.4 USD/h"
    assert format_quantity(parse_quantity("0 ms", "duration")) == "0 ms"


units = st.sampled_from([(d, u) for d in DIMENSIONS.values() for u, _ in d.display])
# 0, or within the bounds every dimension accepts (see DIMENSIONS' smallest and largest)
numbers = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False))


@given(units, numbers, numbers)
def test_text_round_trip_is_exact(unit, a, b):
    dim, u = unit
    lo, hi = sorted((a, b))
    q = parse_quantity(f"{lo!r}..{hi!r} {u}", dim.name)
    again = parse_quantity(format_quantity(q), dim.name)
    assert again == q
