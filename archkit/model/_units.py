"""Unit expressions read by a small grammar that never evaluates anything.

A unit such as ``Mbit/s``, ``USD/GB``, ``/fortnight``, ``/(14 d)``, ``kW h`` or ``kg*m^2/s^3`` is
read as a product of unit names and plain decimal numbers, joined by ``*``, ``·``, ``/`` or a
space, with parentheses and small integer exponents on unit names::

    unit    := [ "/" | "per " ] expr          a leading "/" or "per" divides by everything after it
    expr    := term { ("*" | "·" | "/" | " ") term }      left to right: a/b*c is (a/b)*c
    term    := NAME [ ("^" | "**") INT | SUPERSCRIPT ] | NUMBER | "(" unit ")"
    NAME    := a letter, µ, $, % or ° then letters, digits or _   (at most 32 characters;
               "per" is "/")
    NUMBER  := digits [ "." digits ]          (at most 12 digits each side; no exponent)
    INT     := an integer from -4 to 4

The text is at most :data:`MAX_UNIT_CHARS` characters and nests at most :data:`MAX_DEPTH`
parentheses deep, so reading it takes time in proportion to its length, whatever it holds. Each
unit name is looked up on its own (archkit's table, then pint's registry by name only); the
result is a factor and a signature of base units, and the signature alone says which archkit
dimension a unit belongs to: bit and byte are units of information (not pure numbers, as pint
treats them), so a rate (``1 /fortnight``) and a bandwidth (``3 Mbit/s``) can never be confused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Final

from ..errors import ArchkitError

__all__ = ["MAX_UNIT_CHARS", "MAX_DEPTH", "UnitSyntaxError", "UnknownUnitError", "Unit", "read_unit", "signature_of"]

MAX_UNIT_CHARS: Final = 64
MAX_DEPTH: Final = 3
MAX_NAME_CHARS: Final = 32
MAX_EXPONENT: Final = 4

Signature = tuple[tuple[str, int], ...]


class UnitSyntaxError(ArchkitError, ValueError):
    """The unit text does not follow the grammar (the message says where)."""


class UnknownUnitError(ArchkitError, ValueError):
    """A unit name is not known to archkit or pint."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as a factor times a product of base units (``signature``: sorted (base, exponent) pairs)."""

    factor: float
    signature: Signature

    def times(self, other: "Unit", power: int = 1) -> "Unit":
        dims: dict[str, int] = dict(self.signature)
        for base, exp in other.signature:
            dims[base] = dims.get(base, 0) + exp * power
        factor = self.factor * other.factor**power
        if not math.isfinite(factor) or factor == 0:
            raise UnitSyntaxError("the unit's size is out of range")
        return Unit(factor, tuple(sorted((b, e) for b, e in dims.items() if e)))

    def power(self, n: int) -> "Unit":
        return Unit(1.0, ()).times(self, n)


ONE: Final = Unit(1.0, ())

# Units whose meaning archkit fixes itself: information and money, which pint treats as pure
# numbers or does not know. Factors are to the base units bit and USD.
_OWN: Final[dict[str, Unit]] = {
    "bit": Unit(1.0, (("bit", 1),)),
    "bits": Unit(1.0, (("bit", 1),)),
    "b": Unit(1.0, (("bit", 1),)),
    "B": Unit(8.0, (("bit", 1),)),
    "byte": Unit(8.0, (("bit", 1),)),
    "bytes": Unit(8.0, (("bit", 1),)),
    "octet": Unit(8.0, (("bit", 1),)),
    "bps": Unit(1.0, (("bit", 1), ("second", -1))),
    "USD": Unit(1.0, (("USD", 1),)),
    "$": Unit(1.0, (("USD", 1),)),
    "dollar": Unit(1.0, (("USD", 1),)),
}
for _prefix, _f in (("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15)):
    _OWN[f"{_prefix}bit"] = Unit(_f, (("bit", 1),))
    _OWN[f"{_prefix}b"] = Unit(_f, (("bit", 1),))
    _OWN[f"{_prefix}B"] = Unit(_f * 8, (("bit", 1),))
    _OWN[f"{_prefix}byte"] = Unit(_f * 8, (("bit", 1),))
    _OWN[f"{_prefix}bps"] = Unit(_f, (("bit", 1), ("second", -1)))
for _prefix, _f in (("Ki", 2.0**10), ("Mi", 2.0**20), ("Gi", 2.0**30), ("Ti", 2.0**40), ("Pi", 2.0**50)):
    _OWN[f"{_prefix}B"] = Unit(_f * 8, (("bit", 1),))
    _OWN[f"{_prefix}bit"] = Unit(_f, (("bit", 1),))
del _OWN["Kb"], _OWN["Kbps"]  # not a common spelling; leave it to pint (kilobarn...) rather than guess

_TOKEN: Final = re.compile(
    r"\s*(?:(?P<num>\d{1,12}(?:\.\d{1,12})?(?![\d.]))"
    r"|(?P<name>[A-Za-zµμΩ°$%][A-Za-z0-9_µμΩ°]*)"
    r"|(?P<pow>\^|\*\*)\s*(?P<exp>[+-]?\d+)"
    r"|(?P<sup>[⁻]?[¹²³⁴])"
    r"|(?P<op>[*·/()]))"
)
_SUPERSCRIPT: Final = {"¹": 1, "²": 2, "³": 3, "⁴": 4}


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise UnitSyntaxError(f"unexpected '{text[pos:].strip()[:1]}' at position {pos + 1}")
        if m.group("num") is not None:
            tok = ("num", m.group("num"))
        elif m.group("name") is not None:
            if len(m.group("name")) > MAX_NAME_CHARS:
                raise UnitSyntaxError(f"unit name '{m.group('name')[:12]}...' is too long")
            tok = ("op", "/") if m.group("name") == "per" else ("name", m.group("name"))
        elif m.group("pow") is not None:
            tok = ("exp", m.group("exp"))
        elif m.group("sup") is not None:
            sup = m.group("sup")
            tok = ("exp", str(-_SUPERSCRIPT[sup[-1]] if sup.startswith("⁻") else _SUPERSCRIPT[sup]))
        else:
            tok = ("op", m.group("op"))
        # two terms side by side ("kW h", "14 d", "2(...)") multiply
        if (
            out
            and (out[-1][0] in ("name", "num", "exp") or out[-1] == ("op", ")"))
            and (tok[0] in ("name", "num") or tok == ("op", "("))
        ):
            out.append(("op", "*"))
        out.append(tok)
        pos = m.end()
    return out


class _Reader:
    """Recursive descent over the tokens; ``lookup`` turns a unit name into a Unit."""

    def __init__(self, tokens: list[tuple[str, str]], lookup: Callable[[str], Unit]) -> None:
        self.tokens = tokens
        self.i = 0
        self.lookup = lookup

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def unit(self, depth: int) -> Unit:
        tok = self.peek()
        if tok == ("op", "/"):
            self.take()
            return ONE.times(self.expr(depth), -1)
        return self.expr(depth)

    def expr(self, depth: int) -> Unit:
        value = self.term(depth)
        while True:
            tok = self.peek()
            if tok is None or tok == ("op", ")"):
                return value
            if tok[0] != "op" or tok[1] == "(":  # pragma: no cover - the tokenizer puts '*' between terms
                raise UnitSyntaxError(f"expected an operator before '{tok[1]}'")
            self.take()
            op = tok[1]
            value = value.times(self.term(depth), -1 if op == "/" else 1)

    def term(self, depth: int) -> Unit:
        if self.peek() is None:
            raise UnitSyntaxError("the unit ends where a unit name was expected")
        kind, text = self.take()
        if kind == "num":
            n = float(text)
            if n <= 0:
                raise UnitSyntaxError(f"'{text}' in a unit must be greater than 0")
            if self.peek() is not None and self.peek()[0] == "exp":  # type: ignore[index]
                raise UnitSyntaxError("exponents apply to unit names only, not to numbers")
            return Unit(n, ())
        if kind == "name":
            unit = self.lookup(text)
            if self.peek() is not None and self.peek()[0] == "exp":  # type: ignore[index]
                exp = int(self.take()[1])
                if not 0 < abs(exp) <= MAX_EXPONENT:
                    raise UnitSyntaxError(f"exponent {exp} of '{text}' is not one of ±1..±{MAX_EXPONENT}")
                unit = unit.power(exp)
            return unit
        if (kind, text) == ("op", "("):
            if depth >= MAX_DEPTH:
                raise UnitSyntaxError(f"parentheses nest more than {MAX_DEPTH} deep")
            inner = self.unit(depth + 1)
            if self.peek() != ("op", ")"):
                raise UnitSyntaxError("a '(' is not closed")
            self.take()
            if self.peek() is not None and self.peek()[0] == "exp":  # type: ignore[index]
                raise UnitSyntaxError("exponents apply to unit names only, not to parentheses")
            return inner
        if kind == "exp":
            raise UnitSyntaxError("an exponent must follow a unit name")
        raise UnitSyntaxError(f"unexpected '{text}'")


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("USD = [currency] = dollar")
    return ureg


@lru_cache(maxsize=2048)
def _lookup(name: str) -> Unit:
    """A unit name on its own: archkit's table, then pint's registry (a name, never an expression)."""
    own = _OWN.get(name)
    if own is not None:
        return own
    ureg = _registry()
    import pint

    try:
        factor, root = ureg.get_root_units(name)
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError, TypeError):
        raise UnknownUnitError(name) from None
    sig: dict[str, int] = {}
    for base, exp in ureg.Quantity(1, root).unit_items():
        if not float(exp).is_integer():
            raise UnknownUnitError(name)
        sig[base] = int(exp)
    factor = float(factor)
    if not math.isfinite(factor) or factor <= 0:
        raise UnknownUnitError(name)
    return Unit(factor, tuple(sorted(sig.items())))


def read_unit(text: str) -> Unit:
    """Read a unit expression (see the module docstring) into a factor and a base-unit signature.

    Raises:
        UnitSyntaxError: the text is too long, nests too deep or does not follow the grammar.
        UnknownUnitError: a unit name is not known.
    """
    if len(text) > MAX_UNIT_CHARS:
        raise UnitSyntaxError(f"the unit is longer than {MAX_UNIT_CHARS} characters")
    tokens = _tokens(text)
    if not tokens:
        raise UnitSyntaxError("no unit")
    reader = _Reader(tokens, _lookup)
    unit = reader.unit(0)
    if reader.peek() is not None:
        raise UnitSyntaxError(f"unexpected '{reader.peek()[1]}'")  # type: ignore[index]
    return unit


@lru_cache(maxsize=64)
def signature_of(text: str) -> Unit:
    """The Unit of a reference unit text (for archkit's own dimensions)."""
    return read_unit(text)
