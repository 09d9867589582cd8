"""Quantities with units that may be ranges: ``"40..200 ms"``, ``"3 Mbit/s"``, ``"10 USD/GB"``.

A :class:`Quantity` is stored in one canonical SI unit per dimension (seconds, bytes, bit/s, 1/s,
USD, USD/byte, USD/s, joules, watts) as a best case ``lo``, a worst case ``hi`` and an optional
typical value ``typ``. Text is parsed with a table of common units and, for anything else, with
pint; a value of the wrong dimension is a validation error that names the expected kind of unit.

Written forms: ``"40 ms"``, ``"40..200 ms"`` (best..worst), ``"40..80..200 ms"`` (best..typical..worst).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
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


DIMENSIONS: Final[dict[str, Dimension]] = {
    d.name: d
    for d in (
        Dimension("duration", "a duration", "s", "second",
                  (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3), ("us", 1e-6)), "40..200 ms"),
        Dimension("data", "a data size", "B", "byte",
                  (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)), "2.7 MB"),
        Dimension("bandwidth", "a bandwidth", "bit/s", "bit/second",
                  (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3), ("bit/s", 1.0)), "3 Mbit/s"),
        Dimension("rate", "a rate", "/s", "1/second",
                  (("/s", 1.0), ("/min", 1 / 60), ("/h", 1 / 3600), ("/day", 1 / 86400)), "30 /s"),
        Dimension("money", "an amount of money", "USD", "USD",
                  (("USD", 1.0),), "1200 USD"),
        Dimension("money_per_data", "a price per data volume", "USD/B", "USD/byte",
                  (("USD/GB", 1e-9), ("USD/MB", 1e-6), ("USD/B", 1.0)), "10 USD/GB"),
        Dimension("money_per_time", "a price per time", "USD/s", "USD/second",
                  (("USD/h", 1 / 3600), ("USD/s", 1.0)), "0.40 USD/h"),
        Dimension("energy", "an energy", "J", "joule",
                  (("kWh", 3.6e6), ("Wh", 3600.0), ("J", 1.0)), "3.5 Wh"),
        Dimension("power", "a power", "W", "watt",
                  (("kW", 1e3), ("W", 1.0), ("mW", 1e-3)), "2.5 W"),
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

_NUM = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE_RE = re.compile(
    rf"^\s*(?P<a>{_NUM})(?:\s*\.\.\s*(?P<b>{_NUM}))?(?:\s*\.\.\s*(?P<c>{_NUM}))?\s*(?P<unit>\S.*?)?\s*$"
)


class QuantityError(ValueError):
    """A quantity could not be read; ``code`` is one of syntax, unit, dimension, order, negative."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("USD = [currency] = dollar")
    return ureg


@lru_cache(maxsize=4096)
def _unit_factor(unit: str) -> tuple[str, float]:
    """Return (dimension name, factor to canonical) for a unit text, or raise QuantityError."""
    hit = _TABLE.get(unit)
    if hit is not None:
        return hit
    try:
        import pint  # noqa: F401  (lazy: only for units outside the table)
    except ImportError:  # pragma: no cover - pint is a core dependency
        raise QuantityError("unit", f"unknown unit '{unit}'", "use one of: ms, s, MB, Mbit/s, /s, USD/GB, USD/h, Wh, W")
    ureg = _registry()
    text = unit[1:] if unit.startswith("/") else unit
    try:
        q = ureg.parse_expression(text)
        if unit.startswith("/"):
            q = 1 / q
    except Exception:
        raise QuantityError(
            "unit", f"unknown unit '{unit}'", "use a unit such as ms, s, MB, Mbit/s, /s, USD/GB, USD/h, Wh or W"
        ) from None
    if not hasattr(q, "dimensionality"):
        raise QuantityError("unit", f"'{unit}' is not a unit", "write a number followed by a unit, e.g. '40 ms'")
    for dim in DIMENSIONS.values():
        ref = ureg.parse_expression(dim.pint_unit)
        if q.dimensionality == ref.dimensionality:
            return dim.name, float(q.to(ref.units).magnitude) / float(ref.magnitude)
    raise QuantityError("unit", f"'{unit}' is not a unit archkit measures with", "use a duration, data size, "
                        "bandwidth, rate, price, energy or power unit")


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
                "dimension", f"{value} is {DIMENSIONS[value.dim].label}, but {want.label} is expected",
                f"give {want.label}, e.g. '{want.example}'")
        return value
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise QuantityError("syntax", f"{value!r} has no unit", f"write {want.label} with its unit, e.g. '{want.example}'")
    if not isinstance(value, str):
        raise QuantityError("syntax", f"expected text such as '{want.example}', got {type(value).__name__}",
                            f"write {want.label} as text with a unit, e.g. '{want.example}'")
    return _parse_text(value, dim)


@lru_cache(maxsize=65536)
def _parse_text(text: str, dim: str) -> "Quantity":
    want = DIMENSIONS[dim]
    m = _RANGE_RE.match(text)
    if not m:
        raise QuantityError("syntax", f"cannot read '{text}' as {want.label}",
                            f"write a number or a range with a unit, e.g. '{want.example}'")
    unit = m.group("unit")
    if not unit:
        raise QuantityError("syntax", f"'{text}' has no unit", f"add a unit, e.g. '{want.example}'")
    got, factor = _unit_factor(unit.strip())
    if got != dim:
        raise QuantityError("dimension", f"'{text}' is {DIMENSIONS[got].label}, but {want.label} is expected",
                            f"give {want.label}, e.g. '{want.example}'")
    nums = [_num(g) for g in (m.group("a"), m.group("b"), m.group("c")) if g is not None]
    vals = [n * factor for n in nums]
    if any(not math.isfinite(v) for v in vals):
        raise QuantityError("syntax", f"'{text}' is not a finite number", f"e.g. '{want.example}'")
    if any(v < 0 for v in vals):
        raise QuantityError("negative", f"'{text}' is negative", f"{want.label} cannot be negative")
    if len(vals) == 1:
        return Quantity(vals[0], vals[0], None, dim)
    if len(vals) == 2:
        lo, hi, typ = vals[0], vals[1], None
    else:
        lo, typ, hi = vals
    if lo > hi or (typ is not None and not lo <= typ <= hi):
        raise QuantityError("order", f"in '{text}' the best case is greater than the worst case",
                            "write best..worst (or best..typical..worst) in increasing order")
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
        return format_quantity(self)

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

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
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
