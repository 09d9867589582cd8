"""How the views write traffic figures: bytes and bits with a scaled unit, and best..worst ranges.

The figures themselves come from the analyses (:func:`archkit.analysis.connector_traffic`, the
link-load analysis); this module only formats them.
"""

from __future__ import annotations

__all__ = ["fmt_bytes", "fmt_bits", "fmt_range"]


def _sig(x: float) -> str:
    if x == 0:
        return "0"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _scaled(x: float, units: tuple[tuple[float, str], ...]) -> tuple[float, str]:
    for factor, unit in units:
        if x >= factor:
            return x / factor, unit
    return x / units[-1][0], units[-1][1]


_BYTES = ((1e9, "GB"), (1e6, "MB"), (1e3, "kB"), (1.0, "B"))
_BITS = ((1e9, "Gbit"), (1e6, "Mbit"), (1e3, "kbit"), (1.0, "bit"))


def fmt_bytes(x: float, per: str = "") -> str:
    """'82.9 MB' (3 significant figures), with an optional '/s' suffix."""
    v, u = _scaled(x, _BYTES)
    return f"{_sig(v)} {u}{per}"


def fmt_bits(x: float, per: str = "/s") -> str:
    """'663 Mbit/s' (3 significant figures)."""
    v, u = _scaled(x, _BITS)
    return f"{_sig(v)} {u}{per}"


def fmt_range(lo: float, hi: float, fmt=fmt_bytes, per: str = "/s") -> str:
    """A best..worst range in one unit, or a single value when both ends agree."""
    if lo == hi or hi == 0:
        return fmt(hi, per)
    v, u = _scaled(hi, _BYTES if fmt is fmt_bytes else _BITS)
    factor = hi / v
    return f"{_sig(lo / factor)}..{_sig(v)} {u}{per}"
