"""Quantities with units that may be ranges: ``"40..200 ms"``, ``"3 Mbit/s"``, ``"10 USD/GB"``.

A :class:`Quantity` is stored in one canonical SI unit per dimension (seconds, bytes, bit/s, 1/s,
USD, USD/byte, USD/s, joules, watts) as a best case ``lo``, a worst case ``hi`` and an optional
typical value ``typ``. Text is read with a table of common units and, for anything else, with the
unit grammar of :mod:`archkit.model._units` (unit names from pint's registry, looked up one by
one; nothing is ever evaluated). The unit alone decides the dimension: ``1 /fortnight`` is a rate,
``3 Mbit/s`` a bandwidth. A value of the wrong dimension is a validation error that names the
expected kind of unit.

Written forms: ``"40 ms"``, ``"40..200 ms"`` (best..worst), ``"40..80..200 ms"`` (best..typical..worst);
a charge at a voltage is an energy: ``"4000 mAh at 3.85 V"``.

Bounds: the text is at most :data:`MAX_TEXT_CHARS` characters; every value is finite, not negative,
and either 0 or between the dimension's ``smallest`` and ``largest`` (in its canonical unit, see
DIMENSIONS and docs/security.md), so that no analysis meets an infinity or a NaN.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from .._limits import MAX_COUNT  # counts, users, replicas, cores and GPUs (shared with the CLI)
from ..errors import ArchkitError

__all__ = [
    "display_quantity",
    "MAX_COUNT",
    "MAX_TEXT_CHARS",
    "DIMENSIONS",
    "Dimension",
    "Quantity",
    "QuantityError",
    "parse_quantity",
    "format_quantity",
    "Duration",
    "DataSize",
    "Bandwidth",
    "Rate",
    "Money",
    "CostPerData",
    "CostPerTime",
    "Energy",
    "Power",
]


@dataclass(frozen=True)
class Dimension:
    """A physical dimension archkit knows, with its canonical unit and the units used for display."""

    name: str
    label: str
    canonical: str
    pint_unit: str
    # (unit text, factor to canonical), largest first: used to print values readably
    display: tuple[tuple[str, float], ...]
    example: str
    # non-zero values lie between these (canonical unit): far beyond any real system, small enough
    # that products and quotients of a few of them stay finite
    smallest: float = 1e-12
    largest: float = 1e15


DIMENSIONS: Final[dict[str, Dimension]] = {
    d.name: d
    for d in (
        Dimension(
            "duration",
            "a duration",
            "s",
            "second",
            (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3), ("us", 1e-6)),
            "40..200 ms",
            1e-12,
            1e12,
        ),
        Dimension(
            "data",
            "a data size",
            "B",
            "byte",
            (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)),
            "2.7 MB",
            1e-6,
            1e21,
        ),
        Dimension(
            "bandwidth",
            "a bandwidth",
            "bit/s",
            "bit/second",
            (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3), ("bit/s", 1.0)),
            "3 Mbit/s",
            1e-6,
            1e18,
        ),
        Dimension(
            "rate",
            "a rate",
            "/s",
            "1/second",
            (("/s", 1.0), ("/min", 1 / 60), ("/h", 1 / 3600), ("/day", 1 / 86400), ("/week", 1 / 604800)),
            "30 /s",
            1e-12,
            1e12,
        ),
        Dimension("money", "an amount of money", "USD", "USD", (("USD", 1.0),), "1200 USD"),
        Dimension(
            "money_per_data",
            "a price per data volume",
            "USD/B",
            "USD/byte",
            (("USD/GB", 1e-9), ("USD/MB", 1e-6), ("USD/B", 1.0)),
            "10 USD/GB",
            1e-21,
            1e9,
        ),
        Dimension(
            "money_per_time",
            "a price per time",
            "USD/s",
            "USD/second",
            (("USD/h", 1 / 3600), ("USD/s", 1.0)),
            "0.40 USD/h",
            1e-15,
            1e12,
        ),
        Dimension("energy", "an energy", "J", "joule", (("kWh", 3.6e6), ("Wh", 3600.0), ("J", 1.0)), "3.5 Wh"),
        Dimension("power", "a power", "W", "watt", (("kW", 1e3), ("W", 1.0), ("mW", 1e-3)), "2.5 W", 1e-12, 1e12),
    )
}

# Exact factors for the units people write most; anything else goes through pint.
_TABLE: Final[dict[str, tuple[str, float]]] = {}


def _add(dim: str, factor: float, *names: str) -> None:
    for n in names:
        _TABLE[n] = (dim, factor)


_add("duration", 1.0, "s", "sec", "second", "seconds")
_add("duration", 1e-3, "ms", "msec", "millisecond", "milliseconds")
_add("duration", 1e-6, "us", "µs", "microsecond", "microseconds")
_add("duration", 60.0, "min", "minute", "minutes")
_add("duration", 3600.0, "h", "hour", "hours")
_add("duration", 86400.0, "d", "day", "days")
_add("duration", 7 * 86400.0, "week", "weeks")
for _p, _f in (("", 1.0), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)):
    _add("data", _f, f"{_p}B", f"{_p}byte", f"{_p}bytes")
    _add("bandwidth", _f, f"{_p}bit/s", f"{_p}bps", f"{_p}b/s")
    _add("bandwidth", _f * 8, f"{_p}B/s")
_add("data", 1e3, "KB")
for _p, _f in (("Ki", 2.0**10), ("Mi", 2.0**20), ("Gi", 2.0**30), ("Ti", 2.0**40)):
    _add("data", _f, f"{_p}B")
    _add("bandwidth", _f * 8, f"{_p}B/s")
_add("rate", 1.0, "/s", "Hz", "1/s", "per second", "/second")
_add("rate", 1 / 60, "/min", "1/min", "per minute", "/minute")
_add("rate", 1 / 3600, "/h", "1/h", "per hour", "/hour")
_add("rate", 1 / 86400, "/day", "1/day", "per day", "/d")
_add("rate", 1 / (7 * 86400), "/week", "per week")
_add("rate", 1e3, "kHz")
_add("money", 1.0, "USD", "$")
for _name, _f in (("GB", 1e-9), ("MB", 1e-6), ("TB", 1e-12), ("kB", 1e-3), ("B", 1.0), ("GiB", 2.0**-30)):
    _add("money_per_data", _f, f"USD/{_name}", f"$/{_name}")
_add("money_per_time", 1 / 3600, "USD/h", "USD/hour", "$/h", "$/hour")
_add("money_per_time", 1.0, "USD/s")
_add("money_per_time", 1 / 86400, "USD/day")
_add("energy", 1.0, "J")
_add("energy", 3600.0, "Wh")
_add("energy", 3.6, "mWh")
_add("energy", 3.6e6, "kWh")
_add("power", 1.0, "W")
_add("power", 1e-3, "mW")
_add("power", 1e3, "kW")

MAX_TEXT_CHARS: Final = 200
_NUM = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE_RE = re.compile(
    rf"^\s*(?P<a>{_NUM})(?:\s*\.\.\s*(?P<b>{_NUM}))?(?:\s*\.\.\s*(?P<c>{_NUM}))?\s*(?P<unit>\S.*?)?\s*$"
)


class QuantityError(ArchkitError, ValueError):
    """A quantity could not be read; ``code`` is one of syntax, unit, dimension, order, negative, range."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


@lru_cache(maxsize=1)
def _by_signature() -> dict[tuple[tuple[str, int], ...], tuple[str, float]]:
    """Each dimension's base-unit signature -> (dimension, factor of its canonical unit)."""
    from ._units import signature_of

    out = {}
    for dim in DIMENSIONS.values():
        ref = signature_of(dim.pint_unit)
        out[ref.signature] = (dim.name, ref.factor)
    return out


_CHARGE = (("ampere", 1), ("second", 1))
_UNIT_HINT = "use a unit such as ms, s, MB, Mbit/s, /s, USD/GB, USD/h, Wh or W"


@lru_cache(maxsize=4096)
def _unit_factor(unit: str) -> tuple[str, float]:
    """Return (dimension name, factor to canonical) for a unit text, or raise QuantityError."""
    hit = _TABLE.get(unit)
    if hit is not None:
        return hit
    from ._units import UnitSyntaxError, UnknownUnitError, read_unit

    try:
        u = read_unit(unit)
    except UnknownUnitError as exc:
        where = f" in '{unit}'" if exc.name != unit else ""
        raise QuantityError("unit", f"unknown unit '{exc.name}'{where}", _UNIT_HINT) from None
    except UnitSyntaxError as exc:
        raise QuantityError(
            "unit",
            f"cannot read the unit '{unit}': {exc}",
            "write unit names joined by *, / or a space, e.g. 'Mbit/s', '/(14 d)', 'kW h'",
        ) from None
    found = _by_signature().get(u.signature)
    if found is not None:
        dim, ref = found
        return dim, u.factor / ref
    if u.signature == _CHARGE:
        raise QuantityError(
            "unit",
            f"'{unit}' is an electric charge, not an energy",
            "a battery holds energy: Wh = mAh x V / 1000, e.g. 4000 mAh at 3.85 V is 15.4 Wh; "
            "write '15.4 Wh' or '4000 mAh at 3.85 V'",
        )
    raise QuantityError(
        "unit",
        f"'{unit}' is not a unit archkit measures with",
        "use a duration, data size, bandwidth, rate, price, energy or power unit",
    )


_AT = re.compile(r"^(?P<unit>.+?)\s+(?:at|@)\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<volt>[A-Za-z]+)$")


def _unit_at(unit: str) -> tuple[str, float] | None:
    """``mAh at 3.85 V``: a charge at a voltage, read as the energy it holds (None if not of this form)."""
    m = _AT.match(unit)
    if m is None:
        return None
    from ._units import UnitSyntaxError, UnknownUnitError, read_unit

    try:
        charge, volt = read_unit(m.group("unit")), read_unit(m.group("volt"))
    except (UnitSyntaxError, UnknownUnitError):
        return None
    volts = float(m.group("value"))
    energy = charge.times(volt)
    found = _by_signature().get(energy.signature)
    if charge.signature != _CHARGE or found is None or found[0] != "energy" or not 0 < volts <= 1e6:
        raise QuantityError(
            "unit",
            f"'{unit}' is not a charge at a voltage",
            "write a battery as energy, e.g. '15.4 Wh', or as charge at a voltage, e.g. '4000 mAh at 3.85 V'",
        )
    return "energy", energy.factor * volts / found[1]


def _num(text: str) -> float:
    return float(text)


def parse_quantity(value: Any, dim: str) -> "Quantity":
    """Read ``value`` (text, a Quantity, or a mapping with min/typical/max/unit) as a quantity of ``dim``.

    Raises:
        QuantityError: with a code (syntax, unit, dimension, order, negative), a message and a hint.
    """
    want = DIMENSIONS[dim]
    if isinstance(value, Quantity):
        if value.dim != dim:
            raise QuantityError(
                "dimension",
                f"{value} is {DIMENSIONS[value.dim].label}, but {want.label} is expected",
                f"give {want.label}, e.g. '{want.example}'",
            )
        return value
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise QuantityError(
            "syntax", f"{value!r} has no unit", f"write {want.label} with its unit, e.g. '{want.example}'"
        )
    if not isinstance(value, str):
        raise QuantityError(
            "syntax",
            f"expected text such as '{want.example}', got {type(value).__name__}",
            f"write {want.label} as text with a unit, e.g. '{want.example}'",
        )
    return _parse_text(value, dim)


@lru_cache(maxsize=65536)
def _parse_text(text: str, dim: str) -> "Quantity":
    want = DIMENSIONS[dim]
    if len(text) > MAX_TEXT_CHARS:
        raise QuantityError(
            "syntax",
            f"the text is {len(text)} characters long; a quantity is at most {MAX_TEXT_CHARS}",
            f"write a number or a range with a unit, e.g. '{want.example}'",
        )
    m = _RANGE_RE.match(text)
    if not m:
        raise QuantityError(
            "syntax",
            f"cannot read '{text}' as {want.label}",
            f"write a number or a range with a unit, e.g. '{want.example}'",
        )
    unit = m.group("unit")
    if not unit:
        raise QuantityError("syntax", f"'{text}' has no unit", f"add a unit, e.g. '{want.example}'")
    unit = unit.strip()
    got, factor = _unit_at(unit) or _unit_factor(unit)
    if got != dim:
        raise QuantityError(
            "dimension",
            f"'{text}' is {DIMENSIONS[got].label}, but {want.label} is expected",
            f"give {want.label}, e.g. '{want.example}'",
        )
    nums = [_num(g) for g in (m.group("a"), m.group("b"), m.group("c")) if g is not None]
    vals = [n * factor for n in nums]
    if any(not math.isfinite(v) for v in vals):
        raise QuantityError("syntax", f"'{text}' is not a finite number", f"e.g. '{want.example}'")
    if any(v < 0 for v in vals):
        raise QuantityError("negative", f"'{text}' is negative", f"{want.label} cannot be negative")
    if any(v != 0 and not want.smallest <= v <= want.largest for v in vals):
        raise QuantityError(
            "range",
            f"'{text}' is out of range for {want.label}",
            f"{want.label} is 0 or between {want.smallest:g} and {want.largest:g} {want.canonical}",
        )
    if len(vals) == 1:
        return Quantity(vals[0], vals[0], None, dim)
    if len(vals) == 2:
        lo, hi, typ = vals[0], vals[1], None
    else:
        lo, typ, hi = vals
    if lo > hi or (typ is not None and not lo <= typ <= hi):
        raise QuantityError(
            "order",
            f"in '{text}' the best case is greater than the worst case",
            "write best..worst (or best..typical..worst) in increasing order",
        )
    return Quantity(lo, hi, typ, dim)


def _exact_text(v: float, factor: float) -> str:
    """Shortest decimal text t with float(t) * factor == v (so that text round-trips exactly)."""
    x = v / factor
    for digits in range(0, 16):
        r = round(x, digits)
        if r * factor == v or float(repr(r)) * factor == v:
            t = repr(r)
            return t[:-2] if t.endswith(".0") else t
    t = repr(x)
    return t[:-2] if t.endswith(".0") else t


def format_quantity(q: "Quantity") -> str:
    """Canonical text of a quantity: the display unit that gives the shortest exact numbers."""
    dim = DIMENSIONS[q.dim]
    vals = [q.lo] if q.lo == q.hi and q.typ is None else [v for v in (q.lo, q.typ, q.hi) if v is not None]
    if not any(vals):
        return f"{'..'.join('0' for _ in vals)} {dim.example.split(' ', 1)[1]}"
    best: tuple[tuple[int, int, int], str] | None = None
    for index, (unit, factor) in enumerate(dim.display):
        texts = [_exact_text(v, factor) for v in vals]
        if not all(float(t) * factor == v for t, v in zip(texts, vals)):
            continue
        small = any(0 < abs(v / factor) < 1 for v in vals)
        score = (sum(len(t) for t in texts) + (2 if small else 0), index, 0)
        if best is None or score < best[0]:
            best = (score, f"{'..'.join(texts)} {unit}")
    if best is not None:
        return best[1]
    return f"{'..'.join(repr(v) for v in vals)} {dim.canonical}"


_LONG_NUMBER = re.compile(r"\d*\.\d{8,}(?:e-?\d+)?")


@lru_cache(maxsize=4096)
def display_quantity(q: "Quantity") -> str:
    """The quantity for people: its canonical text, with the float tails of computed values cut.

    What a model declares reads as written ('2.7648 MB', '0.5 /week'); a value that is the result of
    a division ('1 /(3 d)' is 2.333333333333333 /week, eight or more decimals) shows four significant
    digits: '2.333 /week'.
    Files keep the exact text (:func:`format_quantity`), so a model still reads back equal.
    """
    text = format_quantity(q)
    return _LONG_NUMBER.sub(lambda m: f"{float(m.group()):.4g}", text)


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount with a unit, possibly a range: ``lo`` (best case) .. ``hi`` (worst case), in SI units.

    ``typ`` is the typical value when one was given. ``dim`` names the dimension (see DIMENSIONS).
    """

    lo: float
    hi: float
    typ: float | None
    dim: str

    @classmethod
    def parse(cls, text: str, dim: str) -> "Quantity":
        """Parse text such as ``"40..200 ms"`` as a quantity of dimension ``dim``."""
        return parse_quantity(text, dim)

    @property
    def mid(self) -> float:
        """The typical value if given, else the middle of the range."""
        return self.typ if self.typ is not None else (self.lo + self.hi) / 2

    @property
    def is_range(self) -> bool:
        """True when best and worst case differ."""
        return self.lo != self.hi

    def __str__(self) -> str:
        return display_quantity(self)

    def __repr__(self) -> str:
        return f"Quantity({format_quantity(self)!r})"


class _QuantityAnnotation:
    """Pydantic glue: accept text/Quantity for one dimension, serialise to canonical text."""

    def __init__(self, dim: str) -> None:
        self.dim = dim

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        dim = self.dim

        def validate(value: Any) -> Quantity:
            try:
                return parse_quantity(value, dim)
            except QuantityError as exc:
                raise PydanticCustomError(
                    f"quantity_{exc.code}", "{message}", {"message": exc.message, "hint": exc.hint}
                ) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(format_quantity, when_used="always"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        d = DIMENSIONS[self.dim]
        units = sorted({u for u, (dn, _) in _TABLE.items() if dn == self.dim and " " not in u})
        return {
            "type": "string",
            "pattern": rf"^\s*{_NUM}(\s*\.\.\s*{_NUM}){{0,2}}\s*\S.*$",
            "examples": [d.example],
            "description": f"{d.label[0].upper()}{d.label[1:]} with a unit, or a range best..worst "
            f"(or best..typical..worst), e.g. '{d.example}'. Common units: {', '.join(units)}.",
        }


from typing import Annotated  # noqa: E402

Duration = Annotated[Quantity, _QuantityAnnotation("duration")]
DataSize = Annotated[Quantity, _QuantityAnnotation("data")]
Bandwidth = Annotated[Quantity, _QuantityAnnotation("bandwidth")]
Rate = Annotated[Quantity, _QuantityAnnotation("rate")]
Money = Annotated[Quantity, _QuantityAnnotation("money")]
CostPerData = Annotated[Quantity, _QuantityAnnotation("money_per_data")]
CostPerTime = Annotated[Quantity, _QuantityAnnotation("money_per_time")]
Energy = Annotated[Quantity, _QuantityAnnotation("energy")]
Power = Annotated[Quantity, _QuantityAnnotation("power")]
