"""What every analysis shares: estimates with ranges or "unknown", the options, and the assumptions.

An :class:`Estimate` is a best case, a typical value and a worst case in one unit, together with
the inputs it was computed from. When an input is missing it is *unknown*: it carries no numbers,
only the list of what to declare (``"declare bandwidth on link 'glasses-phone'"``). Arithmetic on
estimates propagates both: adding a known and an unknown estimate gives an unknown one that lists
the missing inputs of both. Nothing missing is ever taken as zero.

The typical value is the declared typical value (``"40..80..200 ms"``) or, when none was declared,
the middle of the range; sums of typical values are typical values of sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Final, Iterable, Literal

from ..model import Component, Connector, Node, Quantity, System
from ..model import format_quantity as _format_quantity

__all__ = [
    "Estimate",
    "Options",
    "Verdict",
    "Point",
    "HOURS_PER_MONTH",
    "DAYS_PER_MONTH",
    "SECONDS_PER_DAY",
    "DEFAULT_TARGET_UTILISATION",
    "ASSUMPTIONS",
    "devices",
    "device_ratio",
    "connector_instances",
    "connector_rate",
    "message_bits",
    "replica_memory",
    "replica_storage",
    "quantity_estimate",
    "input_text",
    "missing_text",
    "format_value",
    "budget_verdict",
]

HOURS_PER_MONTH: Final[float] = 730.0
"""Hours in a month for monthly costs and volumes (8760 h / 12)."""
DAYS_PER_MONTH: Final[float] = HOURS_PER_MONTH / 24.0
SECONDS_PER_DAY: Final[float] = 86400.0
DEFAULT_TARGET_UTILISATION: Final[float] = 0.7
"""Utilisation capacity planning aims for when a component declares no autoscaling target."""

ASSUMPTIONS: Final[dict[str, str]] = {
    "month": "a month has 730 hours (8760 h / 12), i.e. 30.42 days",
    "typical": "the typical value is the declared typical value, else the middle of the declared range",
    "rates": "a connector's rate is per instance of its more numerous end: per source device, or per target "
    "device when a server pushes to many devices; share scales it",
    "flow-start": "a flow's latency starts when its first step's source sends; the source's own work is not counted",
    "same-node": "a connector between components on the same node takes no network time",
    "sync-legs": "a synchronous call (sync_call, in_process) crosses its route twice: the request out, "
    "the response back; other connectors cross it once",
    "store-and-forward": "on a route of several links, each link transfers the whole payload in turn",
    "queueing": "waiting time at a component is that of an M/M/c queue (Poisson arrivals, exponential "
    "service with the declared mean, c servers); it is included only where the arrival rate "
    "and the processing time are known",
    "servers": "a component's servers are its declared replicas (autoscaling: max_replicas); on a user's device "
    "one per device; on a fleet node without declared replicas, as many as the capacity plan needs "
    "at the target utilisation with the worst-case processing time",
    "target-utilisation": "capacity planning aims at 70 % utilisation unless autoscaling declares its own target",
    "usage-hours": "volumes per day use the declared (peak) rates for the usage hours per day (default 24, i.e. "
    "around the clock; set --usage-hours or system property usage_hours_per_day); user activity "
    "only, scheduled transfers (model artifacts, training, control) run all day",
    "memory": "a replica needs its component memory plus its model's memory; storage likewise adds the model size",
    "devices": "a node with per_user stands for users x per_user devices; other nodes for their count",
    "peak": "loads (arrival rates, link loads, capacity, flow demand) count the devices active at peak: "
    "users x peak_active_share x per_user; copies, volumes and costs count every user's devices",
}

Verdict = Literal["meets", "at risk", "violates", "unknown", "no budget"]

Point = Literal["best", "typical", "worst"]
"""A point of a range: the best case, the typical value or the worst case."""


# ------------------------------------------------------------------------------------------------
# estimates
# ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def format_quantity(q: Quantity) -> str:
    """Canonical text of a quantity (cached: the same values recur across thousands of elements)."""
    return _format_quantity(q)


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    if not b:
        return a
    if not a:
        return b
    return tuple(dict.fromkeys(a + b))


class _Joined:
    """The inputs of an estimate computed from others, not yet merged: its parts in order, each a
    tuple of texts or another _Joined. Merging (in order, each text once) waits until the inputs
    are read: analyses of large models combine millions of estimates and show a few of them."""

    __slots__ = ("parts", "flat")

    def __init__(self, parts: tuple[Any, ...] | list[Any]) -> None:
        self.parts = parts
        self.flat: tuple[str, ...] | None = None

    def texts(self) -> tuple[str, ...]:
        """Every text of every part, in order, each once (depth first, without recursion)."""
        if self.flat is not None:
            return self.flat
        out: dict[str, None] = {}
        expanded: set[_Joined] = set()
        stack: list[Any] = [self]
        while stack:
            x = stack.pop()
            if type(x) is _Joined:
                if x.flat is not None:
                    out.update(dict.fromkeys(x.flat))
                elif x not in expanded:  # a part met again adds nothing: its texts are all in already
                    expanded.add(x)
                    stack.extend(reversed(x.parts))
            else:
                out.update(dict.fromkeys(x))
        self.flat = tuple(out)
        return self.flat


def _join(a: Any, b: Any) -> Any:
    """The inputs of an estimate computed from estimates with inputs ``a`` and ``b`` (see _Joined)."""
    if not b:
        return a
    if not a:
        return b
    return _Joined((a, b))


class Estimate:
    """A value as best case .. typical .. worst case in one unit, or unknown with what to declare.

    ``inputs`` names the declared values it was computed from ("link 'bt' latency = 40..200 ms");
    ``missing`` is empty for a known estimate and otherwise lists what to declare, in the form
    "declare X on Y". Infinite bounds stand for unbounded values (an overloaded queue).
    Treat it as immutable: every operation returns a new estimate. (It is a plain class with
    slots rather than a frozen dataclass because analyses build millions; the inputs of a computed
    estimate are merged when first read.)
    """

    __slots__ = ("best", "typical", "worst", "unit", "_inputs", "missing")

    def __init__(
        self,
        best: float | None,
        typical: float | None,
        worst: float | None,
        unit: str,
        inputs: Any = (),
        missing: tuple[str, ...] = (),
    ) -> None:
        self.best = best
        self.typical = typical
        self.worst = worst
        self.unit = unit
        self._inputs = inputs
        self.missing = missing

    @property
    def inputs(self) -> tuple[str, ...]:
        """The declared values it was computed from, in order, each once."""
        ins = self._inputs
        if type(ins) is _Joined:
            ins = self._inputs = ins.texts()
        return ins  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        o: Estimate = other
        return (self.best, self.typical, self.worst, self.unit, self.inputs, self.missing) == (
            o.best,
            o.typical,
            o.worst,
            o.unit,
            o.inputs,
            o.missing,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Estimate(best={self.best!r}, typical={self.typical!r}, worst={self.worst!r}, unit={self.unit!r}, "
            f"inputs={self.inputs!r}, missing={self.missing!r})"
        )

    def with_values(self, best: float, typical: float, worst: float, unit: str | None = None) -> "Estimate":
        """Other numbers (and unit) computed from this estimate: the same inputs and missing."""
        return Estimate(best, typical, worst, self.unit if unit is None else unit, self._inputs, self.missing)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def exact(cls, value: float, unit: str, inputs: Iterable[str] = ()) -> "Estimate":
        """A known value without a range."""
        return cls(value, value, value, unit, tuple(inputs))

    @classmethod
    def zero(cls, unit: str) -> "Estimate":
        """Zero, known (for sums that start empty, never for a missing input)."""
        return cls(0.0, 0.0, 0.0, unit)

    @classmethod
    def unknown(cls, unit: str, *missing: str, inputs: Iterable[str] = ()) -> "Estimate":
        """An unknown value: ``missing`` says what to declare."""
        return cls(None, None, None, unit, tuple(inputs), tuple(dict.fromkeys(missing)))

    @classmethod
    def of(cls, q: Quantity | None, unit: str, input_name: str, missing: str) -> "Estimate":
        """The estimate of a declared quantity, or unknown with ``missing`` when it is None."""
        if q is None:
            return cls.unknown(unit, missing)
        return cls(q.lo, q.mid, q.hi, unit, (f"{input_name} = {format_quantity(q)}",))

    # -- state ---------------------------------------------------------------------------------
    @property
    def known(self) -> bool:
        """True when nothing is missing."""
        return not self.missing

    def at(self, point: Point) -> float | None:
        """The best, typical or worst value; None when unknown."""
        if not self.known:
            return None
        return self.best if point == "best" else self.worst if point == "worst" else self.typical

    def values(self) -> tuple[float, float, float]:
        """(best, typical, worst); only for known estimates."""
        assert self.best is not None and self.typical is not None and self.worst is not None
        return self.best, self.typical, self.worst

    # -- arithmetic ----------------------------------------------------------------------------
    # The three operations below are written out rather than built on one helper: analyses of large
    # models make millions of them, and a call per value costs more than the arithmetic.
    def __add__(self, other: "Estimate") -> "Estimate":
        unit = self.unit
        if unit != other.unit:
            raise ValueError(f"cannot add {unit} to {other.unit}")
        a, b = self._inputs, other._inputs
        ins = a if not b else b if not a else _Joined((a, b))
        if self.missing or other.missing:
            return Estimate(None, None, None, unit, ins, _merge(self.missing, other.missing))
        return Estimate(
            self.best + other.best,  # type: ignore[operator]
            self.typical + other.typical,  # type: ignore[operator]
            self.worst + other.worst,  # type: ignore[operator]
            unit,
            ins,
        )

    def times(self, other: "Estimate", unit: str) -> "Estimate":
        """Product of two non-negative estimates (best x best, worst x worst)."""
        a, b = self._inputs, other._inputs
        ins = a if not b else b if not a else _Joined((a, b))
        if self.missing or other.missing:
            return Estimate(None, None, None, unit, ins, _merge(self.missing, other.missing))
        sb, st, sw, ob, ot, ow = self.best, self.typical, self.worst, other.best, other.typical, other.worst
        return Estimate(
            0.0 if sb == 0 or ob == 0 else sb * ob,  # type: ignore[operator]
            0.0 if st == 0 or ot == 0 else st * ot,  # type: ignore[operator]
            0.0 if sw == 0 or ow == 0 else sw * ow,  # type: ignore[operator]
            unit,
            ins,
        )

    def per(self, other: "Estimate", unit: str) -> "Estimate":
        """Quotient of non-negative estimates: best = best / worst divisor, worst = worst / best divisor."""
        a, b = self._inputs, other._inputs
        ins = a if not b else b if not a else _Joined((a, b))
        if self.missing or other.missing:
            return Estimate(None, None, None, unit, ins, _merge(self.missing, other.missing))
        return Estimate(
            _div(self.best, other.worst),  # type: ignore[arg-type]
            _div(self.typical, other.typical),  # type: ignore[arg-type]
            _div(self.worst, other.best),  # type: ignore[arg-type]
            unit,
            ins,
        )

    def scale(self, k: float, unit: str | None = None, inputs: Iterable[str] = ()) -> "Estimate":
        """This estimate times a known non-negative number."""
        u = unit or self.unit
        ins = _join(self._inputs, tuple(inputs))
        if not self.known:
            return Estimate(None, None, None, u, ins, self.missing)
        return Estimate(_mul(self.best, k), _mul(self.typical, k), _mul(self.worst, k), u, ins)  # type: ignore[arg-type]

    def with_inputs(self, inputs: Iterable[str]) -> "Estimate":
        """The same estimate, with more inputs listed."""
        return Estimate(
            self.best, self.typical, self.worst, self.unit, _join(self._inputs, tuple(inputs)), self.missing
        )

    def as_unit(self, unit: str) -> "Estimate":
        """The same numbers under another unit name (no conversion)."""
        return Estimate(self.best, self.typical, self.worst, unit, self._inputs, self.missing)

    def _combine(
        self,
        other: "Estimate",
        fb: Callable[[float, float], float],
        ft: Callable[[float, float], float],
        fw: Callable[[float, float], float],
        unit: str,
        swap: bool = False,
    ) -> "Estimate":
        ins = _join(self._inputs, other._inputs)
        if self.missing or other.missing:
            return Estimate(None, None, None, unit, ins, _merge(self.missing, other.missing))
        sb, st, sw = self.values()
        ob, ot, ow = other.values()
        if swap:
            return Estimate(fb(sb, ow), ft(st, ot), fw(sw, ob), unit, ins)
        return Estimate(fb(sb, ob), ft(st, ot), fw(sw, ow), unit, ins)

    @staticmethod
    def total(items: Iterable["Estimate"], unit: str, keep_inputs: bool = True) -> "Estimate":
        """Sum of estimates (zero when there are none), in one pass.

        With ``keep_inputs=False`` the sum lists no inputs (for totals over thousands of parts
        whose parts are reported one by one).
        """
        b = t = w = 0.0
        parts: list[Any] = []
        miss: list[str] = []
        for e in items:
            if e.unit != unit:
                raise ValueError(f"cannot add {e.unit} to {unit}")
            if keep_inputs and e._inputs:
                parts.append(e._inputs)
            if e.missing:
                miss.extend(e.missing)
            elif not miss:
                b += e.best  # type: ignore[operator]
                t += e.typical  # type: ignore[operator]
                w += e.worst  # type: ignore[operator]
        inputs = _Joined(parts) if parts else ()
        if miss:
            return Estimate(None, None, None, unit, inputs, tuple(dict.fromkeys(miss)))
        return Estimate(b, t, w, unit, inputs)

    # -- output --------------------------------------------------------------------------------
    def text(self) -> str:
        """Readable form: '91..288 ms (typ 160 ms)', or 'unknown'."""
        if not self.known:
            return "unknown"
        b, t, w = self.values()
        if b == w:
            return format_value(b, self.unit)
        return f"{format_value(b, self.unit)} .. {format_value(w, self.unit)} (typ {format_value(t, self.unit)})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (docs/analyses.md): numbers in ``unit``; infinite bounds as the string 'inf'."""
        return {
            "known": self.known,
            "unit": self.unit,
            "best": _json_num(self.best),
            "typical": _json_num(self.typical),
            "worst": _json_num(self.worst),
            "text": self.text(),
            "inputs": list(self.inputs),
            "missing": list(self.missing),
        }


def _mul(x: float, y: float) -> float:
    if x == 0 or y == 0:
        return 0.0
    return x * y


def _div(x: float, y: float) -> float:
    if y == 0:
        return 0.0 if x == 0 else math.inf
    return x / y


def _json_num(v: float | None) -> float | str | None:
    if v is None:
        return None
    if math.isinf(v):
        return "inf"
    return round(v, 12) if v != int(v) else float(v)


# ------------------------------------------------------------------------------------------------
# options
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Settings every analysis takes; each default is an assumption reported with the results.

    Args:
        users: number of users (default: the system's ``users``); per-user devices scale with it.
        target_utilisation: utilisation capacity planning aims for (default 0.7), unless a
            component's autoscaling declares its own.
        hours_per_month: hours in a month for monthly figures (default 730).
        usage_hours_per_day: hours per day at the declared rates for user-driven traffic
            (default: the system property ``usage_hours_per_day``, else 24).
        peak_active_share: fraction of the users active at once at peak (default: the system's
            ``peak_active_share``, else 1: every user at once).
    """

    users: int | None = None
    target_utilisation: float = DEFAULT_TARGET_UTILISATION
    hours_per_month: float = HOURS_PER_MONTH
    usage_hours_per_day: float | None = None
    peak_active_share: float | None = None

    def users_for(self, system: System) -> int | None:
        """Users to assume: the option, else the system's declaration, else None (unknown)."""
        return self.users if self.users is not None else system.users

    def peak_users_for(self, system: System) -> float | None:
        """Users active at once at peak: users x the system's peak_active_share (all users when unset)."""
        u = self.users_for(system)
        if u is None:
            return None
        share = self.peak_share(system)
        return u * share if share is not None else float(u)

    def peak_share(self, system: System) -> float | None:
        """Fraction of the users active at once at peak: the option, else the system's, else None (all)."""
        return self.peak_active_share if self.peak_active_share is not None else system.peak_active_share

    def usage_hours(self, system: System) -> float:
        """Hours of use per day for user-driven traffic."""
        if self.usage_hours_per_day is not None:
            return self.usage_hours_per_day
        if system.usage_hours_per_day is not None:
            return system.usage_hours_per_day
        return 24.0

    def basis(self, system: System) -> str:
        """One line with the figures daily and monthly volumes and costs rest on, and where each comes from."""
        users = self.users_for(system)
        who = ("from --users" if self.users is not None else "declared") if users else "users not declared"
        hours = self.usage_hours(system)
        h_from = (
            "from --usage-hours"
            if self.usage_hours_per_day is not None
            else "declared"
            if system.usage_hours_per_day is not None
            else "not declared: around the clock"
        )
        share = self.peak_share(system)
        s_from = "from --peak-share" if self.peak_active_share is not None else "declared"
        peak = (
            f"{share:.3g} of them active at once at peak ({s_from})"
            if share is not None
            else "every user active at once at peak (peak_active_share not declared)"
        )
        return (f"assumes {users:,} users ({who}), " if users else "assumes an unknown number of users, ") + (
            f"{hours:g} h of use per user a day ({h_from}), {peak}, a month of {self.hours_per_month:g} h"
        )

    def assumptions(self, system: System) -> dict[str, str]:
        """The assumptions in force, with the values of the options filled in."""
        out = dict(ASSUMPTIONS)
        out["users"] = (
            (
                f"{self.users_for(system)} users"
                + (" (from --users)" if self.users is not None else " (declared on the system)")
            )
            if self.users_for(system)
            else "number of users not declared"
        )
        out["target-utilisation"] = ASSUMPTIONS["target-utilisation"].replace("70 %", f"{self.target_utilisation:.0%}")
        share = self.peak_share(system)
        where = "from --peak-share" if self.peak_active_share is not None else "declared"
        out["peak-active-share"] = (
            f"{share:g} of the users are active at once at peak ({where}): server-side "
            f"load and shared links see {self.peak_users_for(system) or 0:g} active users"
            if share is not None
            else "peak_active_share not declared: every user is taken as active at once (worst case)"
        )
        out["usage-hours-value"] = f"{self.usage_hours(system):g} hours of use per user per day" + (
            " (from --usage-hours)"
            if self.usage_hours_per_day is not None
            else " (declared)"
            if system.usage_hours_per_day is not None
            else " (usage_hours_per_day not declared: around the clock, a worst case)"
        )
        if self.hours_per_month != HOURS_PER_MONTH:
            out["month"] = f"a month has {self.hours_per_month:g} hours"
        return out


# ------------------------------------------------------------------------------------------------
# helpers shared by the analyses
# ------------------------------------------------------------------------------------------------


def input_text(kind: str, ident: str, name: str, value: Any) -> str:
    """How an input is named in results: "link 'bt' latency = 40..200 ms"."""
    v = format_quantity(value) if isinstance(value, Quantity) else value
    return f"{kind} '{ident}' {name} = {v}"


def missing_text(field_name: str, kind: str, ident: str) -> str:
    """How a missing input is named: "declare bandwidth on link 'bt'"."""
    return f"declare {field_name} on {kind} '{ident}'"


def quantity_estimate(q: Quantity | None, kind: str, ident: str, name: str, unit: str) -> Estimate:
    """Estimate of a declared quantity of an element, or unknown naming the field to declare."""
    if q is None:
        return Estimate.unknown(unit, missing_text(name, kind, ident))
    return Estimate(q.lo, q.mid, q.hi, unit, (input_text(kind, ident, name, q),))


USERS_MISSING = "declare users on the system (or pass --users)"


def devices(node: Node, users: float | None) -> Estimate:
    """How many instances of a node exist: users x per_user for per-user devices, else its count."""
    return _devices(node.id, node.per_user, node.count, users)


# The estimates below are built from the values in their arguments alone (never from an object's
# identity), so equal arguments give an equal estimate; analyses of large models ask for the same
# few thousands of them again and again.
@lru_cache(maxsize=65536)
def _devices(node_id: str, per_user: float | None, count: int, users: float | None) -> Estimate:
    if per_user is not None:
        if users is None:
            return Estimate.unknown("devices", USERS_MISSING)
        return Estimate.exact(
            users * per_user,
            "devices",
            (f"users = {users:g}", input_text("node", node_id, "per_user", per_user)),
        )
    return Estimate.exact(float(count), "devices", (input_text("node", node_id, "count", count),) if count != 1 else ())


def device_ratio(a: Node, b: Node, users: float | None) -> Estimate:
    """devices(a) / devices(b); for two per-user nodes the number of users cancels out."""
    if a.per_user is not None and b.per_user is not None:
        return Estimate.exact(a.per_user / b.per_user, "1")
    return _device_ratio(a.id, a.per_user, a.count, b.id, b.per_user, b.count, users)


@lru_cache(maxsize=65536)
def _device_ratio(
    a: str, a_per_user: float | None, a_count: int, b: str, b_per_user: float | None, b_count: int, users: float | None
) -> Estimate:
    return _devices(a, a_per_user, a_count, users).per(_devices(b, b_per_user, b_count, users), "1")


def connector_instances(source: Node, target: Node, users: float | None) -> Estimate:
    """How many copies of a connector run: instances of its more numerous end (see ASSUMPTIONS['rates'])."""
    da, db = devices(source, users), devices(target, users)
    return da._combine(db, max, max, max, "devices")


def connector_rate(c: Connector) -> Estimate:
    """Messages per second of one instance of a connector: rate x share (share defaults to 1)."""
    return _connector_rate(c.id, c.rate, c.share)


@lru_cache(maxsize=65536)
def _connector_rate(cid: str, rate: Quantity | None, share: float | None) -> Estimate:
    r = quantity_estimate(rate, "connector", cid, "rate", "1/s")
    if share is not None and share != 1:
        r = r.scale(share, inputs=(input_text("connector", cid, "share", f"{share:g}"),))
    return r


def message_bits(c: Connector, field_name: str) -> Estimate:
    """Bits of one message of a connector: ``request_size`` or ``response_size`` x 8 (unknown if not declared)."""
    q = getattr(c, field_name)
    if q is None:
        return Estimate.unknown("bit", missing_text(field_name, "connector", c.id))
    return Estimate(q.lo * 8, q.mid * 8, q.hi * 8, "bit", (input_text("connector", c.id, field_name, q),))


# -- the same values, computed once per analysis context -----------------------------------------
# These depend only on the elements named, never on the placement; the contexts of a system's
# placements keep each in their shared memo (``g.shared``), so analyses build each estimate once.


def rate_in(g: Any, c: Connector) -> Estimate:
    """:func:`connector_rate` of ``c``, once per context."""
    key = ("rate", c.id)
    hit: Estimate | None = g.shared.get(key)
    if hit is None:
        hit = g.shared[key] = connector_rate(c)
    return hit


def devices_in(g: Any, node: Node, users: float | None) -> Estimate:
    """:func:`devices` of ``node`` for ``users``, once per context."""
    key = ("devices", node.id, users)
    hit: Estimate | None = g.shared.get(key)
    if hit is None:
        hit = g.shared[key] = devices(node, users)
    return hit


def instances_in(g: Any, source: Node, target: Node, users: float | None) -> Estimate:
    """:func:`connector_instances` of two nodes for ``users``, once per context."""
    key = ("instances", source.id, target.id, users)
    hit: Estimate | None = g.shared.get(key)
    if hit is None:
        da, db = devices_in(g, source, users), devices_in(g, target, users)
        hit = g.shared[key] = da._combine(db, max, max, max, "devices")
    return hit


def replica_memory(c: Component) -> Estimate:
    """Memory one replica needs: component memory plus model memory, whichever are declared."""
    parts = []
    if c.memory is not None:
        parts.append(quantity_estimate(c.memory, "component", c.id, "memory", "B"))
    if c.model is not None and c.model.memory is not None:
        parts.append(quantity_estimate(c.model.memory, "model", c.id, "memory", "B"))
    if not parts:
        return Estimate.unknown("B", missing_text("memory", "component", c.id))
    return Estimate.total(parts, "B")


def replica_storage(c: Component) -> Estimate | None:
    """Storage one replica needs: component storage plus model size; None when neither is declared."""
    parts = []
    if c.storage is not None:
        parts.append(quantity_estimate(c.storage, "component", c.id, "storage", "B"))
    if c.model is not None and c.model.size is not None:
        parts.append(quantity_estimate(c.model.size, "model", c.id, "size", "B"))
    if not parts:
        return None
    return Estimate.total(parts, "B")


def budget_verdict(value: Estimate, budget: Quantity | None) -> Verdict:
    """meets (worst case within budget), at risk (only worst case over), violates (best case over)."""
    if budget is None:
        return "no budget"
    if not value.known:
        return "unknown"
    b, _, w = value.values()
    if b > budget.hi:
        return "violates"
    if w > budget.hi:
        return "at risk"
    return "meets"


_DISPLAY: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "s": (("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3), ("us", 1e-6)),
    "B": (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)),
    "B/day": (("TB/day", 1e12), ("GB/day", 1e9), ("MB/day", 1e6), ("kB/day", 1e3), ("B/day", 1.0)),
    "B/month": (("TB/month", 1e12), ("GB/month", 1e9), ("MB/month", 1e6), ("kB/month", 1e3), ("B/month", 1.0)),
    "bit/s": (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3), ("bit/s", 1.0)),
    "J": (("kWh", 3.6e6), ("Wh", 3600.0), ("J", 1.0)),
}


def _sig(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def format_value(v: float, unit: str) -> str:
    """A number with its unit, scaled to a readable prefix: 0.0912 s -> '91.2 ms'."""
    if math.isinf(v):
        return "unbounded"
    if unit == "ratio":
        return f"{v * 100:.1f} %"
    if unit == "1/s":  # a rare event reads per minute, hour or day, never as 6.61e-06 /s
        for name, per in (("/s", 1.0), ("/min", 60.0), ("/h", 3600.0), ("/day", 86400.0)):
            if abs(v) * per >= 0.1 or name == "/day" or v == 0:
                return f"{_sig(v * per)} {name}"
    if unit in ("USD", "USD/month", "USD/day"):
        return f"{v:.3g} {unit}" if 0 < abs(v) < 0.01 else f"{v:,.2f} {unit}"  # a cent's fraction is not 0
    scales = _DISPLAY.get(unit)
    if scales and 0 < abs(v) < scales[-1][1] * 1e-3:
        return f"0 {scales[-1][0]}"
    if scales:
        for name, f in scales:
            if abs(v) >= f * (1 - 1e-9):
                return f"{_sig(v / f)} {name}"
        return f"{_sig(v / scales[-1][1])} {scales[-1][0]}"
    if unit == "1":
        return _sig(v)
    number = _sig(v)
    return f"{number} {_SINGULAR.get(unit, unit) if number == '1' else unit}"


_SINGULAR: Final[dict[str, str]] = {
    "replicas": "replica",
    "cores": "core",
    "nodes": "node",
    "devices": "device",
    "servers": "server",
    "copies": "copy",
    "requests": "request",
}
"""Counted units read in the singular for exactly one: '1 node', '2 nodes'."""
