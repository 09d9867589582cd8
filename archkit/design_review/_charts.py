"""Charts of the design review, drawn with matplotlib into SVG text when the report is built.

Every chart reads the documented JSON forms (``archkit.analysis/1`` for one variant,
``archkit.alternatives/1`` for a comparison), so what it shows is what the analyses computed:
nothing is re-derived here. Each function returns a :class:`Chart` (SVG text plus a short text
alternative) or None when there is nothing to draw.

The SVG keeps text as text (``svg.fonttype: none``), so names are searchable and selectable; text
from the model is never read as mathtext (``text.parse_math: False``); the SVG carries no date, so
the same model gives the same bytes; and every ``id`` in it is prefixed with the chart's own id, so
several charts can sit inline in one HTML page. Parts of stacked bars carry hatch patterns as well
as colours, so a chart reads in black and white too.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any, Iterator, cast

from ..errors import MissingDependencyError
from ._svg import inline_svg

__all__ = ["Chart", "latency_chart", "links_chart", "cost_chart", "pareto_chart", "pareto_pairs"]

# Colour-blind-safe palette (Okabe & Ito), each with a hatch so that it also reads without colour.
PARTS = (
    ("link_latency", "link latency", "#0072B2", ""),
    ("transfer", "transfer", "#E69F00", "//"),
    ("processing", "processing", "#009E73", ".."),
    ("queueing", "queueing", "#CC79A7", "xx"),
)
GOOD, RISK, BAD, GREY = "#009E73", "#E69F00", "#D55E00", "#999999"
WIDTH = 7.5  # inches: fits an A4 page and a notebook cell


@dataclass(frozen=True)
class Chart:
    """One drawn chart: an id (for anchors), a title, the SVG text and a text alternative."""

    id: str
    title: str
    svg: str
    alt: str


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingDependencyError("matplotlib", "report", "the report's charts") from None
    return matplotlib


class _Figure:
    """A matplotlib Figure drawn with the report's settings, saved as SVG text with prefixed ids."""

    def __init__(self, chart_id: str, height: float) -> None:
        self.mpl = _matplotlib()
        from matplotlib.figure import Figure

        self.chart_id = chart_id
        self.rc = {
            "svg.fonttype": "none",
            "svg.hashsalt": chart_id,
            "text.parse_math": False,
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "hatch.linewidth": 0.6,
        }
        with self.mpl.rc_context(self.rc):
            self.fig = Figure(figsize=(WIDTH, height))
            self.ax = self.fig.add_subplot()

    def svg(self) -> str:
        buf = io.StringIO()
        with self.mpl.rc_context(self.rc):
            self._fit()
            self.fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return buf.getvalue()

    def _fit(self) -> None:
        """Margins that just hold the tick labels, axis labels and a legend above the axes.

        Measured from the texts alone (matplotlib's constrained layout measures every artist and
        takes about as long as drawing the chart twice).
        """
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.font_manager import FontProperties

        fig, ax = self.fig, self.ax
        dpi = fig.dpi
        renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), dpi)

        def size(texts: list[str], points: float) -> tuple[float, float]:
            prop = FontProperties(size=points)
            dims = [renderer.get_text_width_height_descent(t, prop, ismath=False) for t in texts if t]
            return max((w for w, _, _ in dims), default=0.0), max((h for _, h, _ in dims), default=0.0)

        def labels(axis: Any) -> tuple[list[str], float]:
            ticks = axis.get_majorticklabels()
            fixed = [t.get_text() for t in ticks]
            points = float(ticks[0].get_fontsize() if ticks else self.mpl.rcParams["font.size"])
            if any(fixed):
                return fixed, points
            return axis.get_major_formatter().format_ticks(axis.get_majorticklocs()), points

        pt = dpi / 72.0
        pad = 6.0
        y_texts, y_points = labels(ax.yaxis)
        x_texts, x_points = labels(ax.xaxis)
        left = size(y_texts, y_points)[0] + 8 * pt + pad
        if ax.get_ylabel():
            left += size([ax.get_ylabel()], float(ax.yaxis.label.get_fontsize()))[1] + 5 * pt
        bottom = size(x_texts, x_points)[1] + 8 * pt + pad
        if ax.get_xlabel():
            bottom += size([ax.get_xlabel()], float(ax.xaxis.label.get_fontsize()))[1] + 5 * pt
        top = pad
        legend = ax.get_legend()
        if legend is not None and legend.get_bbox_to_anchor().y0 >= ax.bbox.y1 - 1:
            top += legend.get_window_extent(renderer).height + 4 * pt
        width, height = fig.bbox.width, fig.bbox.height
        right = 1 - 14 / width
        fig.subplots_adjust(
            left=min(left / width, 0.6), right=right, bottom=min(bottom / height, 0.5), top=max(1 - top / height, 0.55)
        )
        # notes written right of the bars may run past the edge: narrow the axes until they fit (a
        # note starts at a data point, which moves with the axes' width, and keeps its own width)
        x0 = ax.bbox.x0
        scale = 1.0
        for t in ax.texts:
            box = t.get_window_extent(renderer)
            text_width = box.width * 1.1  # browsers' fonts run a little wider than matplotlib measures
            if box.x0 + text_width > width - pad and box.x0 > x0:
                scale = min(scale, (width - pad - x0 - text_width) / (box.x0 - x0))
        if scale < 1.0:
            left_edge = ax.get_position().x0
            fig.subplots_adjust(right=left_edge + max(scale, 0.3) * (right - left_edge))


def _finish(fig: _Figure, title: str, alt: str) -> Chart:
    from .._escape import html

    return Chart(fig.chart_id, title, inline_svg(fig.svg(), fig.chart_id, html(title), "chart"), alt)


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def _ms(estimate: dict[str, Any] | None, which: str = "typical") -> float | None:
    if not estimate or not estimate.get("known") or not _finite(estimate.get(which)):
        return None
    return float(estimate[which]) * 1e3


def _steps_part(step: dict[str, Any], part: str) -> dict[str, Any] | None:
    value = step.get(part)
    if part == "queueing" and isinstance(value, dict):
        return value.get("wait")
    return value


def _name(variant: dict[str, Any]) -> str:
    return variant["variant"] or "base"


def latency_chart(chart_id: str, flow: str, variants: list[dict[str, Any]], budget: float | None) -> Chart | None:
    """One flow in every variant: a stacked bar of its typical latency by part (link latency,
    transfer, processing, queueing, summed over its steps), the best..worst range and the budget.

    Args:
        chart_id: id of the chart (prefix of every id inside it).
        flow: the flow's id.
        variants: the variants of the analysis JSON form (``archkit.analysis/1``).
        budget: the flow's latency budget in seconds (None: no budget).
    """
    if budget is not None and not _finite(budget):
        budget = None  # an unbounded budget draws no line
    rows = []
    for v in variants:
        f = next((x for x in v["latency"]["flows"] if x["flow"] == flow), None)
        if f is not None:
            rows.append((_name(v), f))
    if not rows:
        return None
    fig = _Figure(chart_id, 1.0 + 0.5 * len(rows))
    ax = fig.ax
    ys = list(range(len(rows)))[::-1]
    lefts = [0.0] * len(rows)
    for key, name, colour, hatch in PARTS:
        widths = [sum(_ms(_steps_part(step, key)) or 0.0 for step in f["steps"]) for _, f in rows]
        ax.barh(
            ys, widths, left=lefts, color=colour, hatch=hatch, edgecolor="white", linewidth=0.4, label=name, height=0.5
        )
        lefts = [a + b for a, b in zip(lefts, widths)]
    alt_parts = []
    top = max([_ms(f["total"], "worst") or 0.0 for _, f in rows] + [budget * 1e3 if budget else 0.0])
    for y, (name, f) in zip(ys, rows):
        lo, hi = _ms(f["total"], "best"), _ms(f["total"], "worst")
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [y + 0.33, y + 0.33], color="#333333", linewidth=1.1, marker="|", markersize=6)
        text = f"{f['verdict']}: {f['total'].get('text', 'unknown')}"
        ax.annotate(
            text,
            (max(lefts[len(rows) - 1 - y], hi or 0.0), y),
            fontsize=7.5,
            xytext=(4, -3),
            textcoords="offset points",
            va="center",
        )
        alt_parts.append(f"{name}: {text}")
    if budget is not None:
        ax.axvline(budget * 1e3, color=BAD, linestyle="--", linewidth=1.2)
        ax.annotate(
            f"budget {budget * 1e3:g} ms",
            (budget * 1e3, len(rows) - 0.5),
            fontsize=7.5,
            color=BAD,
            xytext=(3, 0),
            textcoords="offset points",
        )
    ax.set_yticks(ys, labels=[name for name, _ in rows])
    ax.set_xlim(0, top * 1.45 or 1.0)
    ax.set_xlabel("typical latency by part, ms (line: best..worst case" + ("; dashed: budget)" if budget else ")"))
    ax.set_ylim(-0.6, len(rows) - 0.2)
    ax.legend(loc="lower left", fontsize=7.5, ncols=4, frameon=False, bbox_to_anchor=(0, 1))
    return _finish(fig, f"Latency breakdown of flow {flow}", "; ".join(alt_parts))


def links_chart(chart_id: str, variants: list[dict[str, Any]]) -> Chart | None:
    """Every link in every variant: the worst-case utilisation of its busier direction against 100 %."""
    rows: list[tuple[str, dict[str, Any]]] = []
    for v in variants:
        by_link: dict[str, tuple[float, dict[str, Any]]] = {}
        for d in v["links"]["links"]:
            u = d.get("utilisation") or {}
            key = float(u["worst"]) if u.get("known") and _finite(u.get("worst")) else -1.0
            old = by_link.get(d["link"])
            if old is None or key > old[0]:
                by_link[d["link"]] = (key, d)
        rows += [(_name(v), d) for _, d in by_link.values()]
    if not rows:
        return None
    fig = _Figure(chart_id, 1.0 + 0.3 * len(rows))
    ax = fig.ax
    ys = list(range(len(rows)))[::-1]
    top = 100.0
    alt = []
    for y, (name, d) in zip(ys, rows):
        u = d.get("utilisation") or {}
        worst = float(u["worst"]) * 100 if u.get("known") and _finite(u.get("worst")) else None
        down = d.get("verdict") == "down"
        colour = GREY if worst is None or down else (BAD if worst > 100 else RISK if worst > 70 else GOOD)
        value = 0.0 if worst is None or down else worst
        top = max(top, value)
        ax.barh(
            [y],
            [value],
            color=colour,
            height=0.6,
            hatch="" if colour == GOOD else "//",
            edgecolor="white",
            linewidth=0.4,
        )
        note = "down" if down else ("unknown" if worst is None else f"{u.get('text')} ({d['verdict']})")
        ax.annotate(note, (value, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        alt.append(f"{name}, {d['link']} {d['from']}->{d['to']}: {note}")
    ax.axvline(100, color=BAD, linestyle="--", linewidth=1.2)
    ax.annotate("100 %", (100, len(rows) - 0.6), color=BAD, fontsize=7.5, xytext=(3, 0), textcoords="offset points")
    ax.set_xlim(0, top * 1.35)
    ax.set_ylim(-0.6, len(rows) - 0.3)
    ax.set_yticks(
        ys, labels=[f"{name} \u00b7 {d['link']} {d['from']}\u2192{d['to']}" for name, d in rows], fontsize=7.5
    )
    ax.set_xlabel("peak utilisation of the busier direction, worst case (% of bandwidth)")
    return _finish(fig, "Link utilisation per variant", "; ".join(alt))


def cost_chart(chart_id: str, variants: list[dict[str, Any]]) -> Chart | None:
    """The monthly cost of every variant, stacked by category (typical values), with the total."""
    if not any(v["cost"]["items"] for v in variants):
        return None
    categories = list(dict.fromkeys(i["category"] for v in variants for i in v["cost"]["items"]))
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    hatches = ["", "//", "..", "xx", "\\\\", "++", "oo"]
    fig = _Figure(chart_id, 1.0 + 0.45 * len(variants))
    ax = fig.ax
    ys = list(range(len(variants)))[::-1]
    lefts = [0.0] * len(variants)
    for k, cat in enumerate(categories):
        widths = [
            sum(
                float(i["monthly"]["typical"])
                for i in v["cost"]["items"]
                if i["category"] == cat and i["monthly"].get("known") and _finite(i["monthly"].get("typical"))
            )
            for v in variants
        ]
        ax.barh(
            ys,
            widths,
            left=lefts,
            color=palette[k % len(palette)],
            hatch=hatches[k % len(hatches)],
            edgecolor="white",
            linewidth=0.4,
            height=0.55,
            label=cat,
        )
        lefts = [a + b for a, b in zip(lefts, widths)]
    alt = []
    for y, v, left in zip(ys, variants, lefts):
        text = v["cost"]["total"].get("text", "unknown") if v["cost"]["total"].get("known") else "unknown"
        ax.annotate(
            text.replace(" (typ ", "\n(typ "),
            (left, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
        alt.append(f"{_name(v)}: {text}")
    ax.set_xlim(0, (max(lefts) or 1.0) * 1.4)
    ax.set_ylim(-0.6, len(variants) - 0.2)
    ax.set_yticks(ys, labels=[_name(v) for v in variants])
    ax.set_xlabel("USD per month (typical), by category")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.legend(loc="lower left", fontsize=7.5, ncols=min(4, len(categories)), frameon=False, bbox_to_anchor=(0, 1))
    _thousands(ax, y=False)
    return _finish(fig, "Monthly cost per variant", "; ".join(alt))


def _thousands(ax: Any, y: bool = True) -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}")
    ax.xaxis.set_major_formatter(fmt)
    if y:
        ax.yaxis.set_major_formatter(fmt)


def pareto_pairs(exploration: dict[str, Any]) -> list[tuple[str, str]]:
    """Pairs of criteria to plot: each requirement's key against each objective's key (at most
    three pairs), else the first flow's latency against cost."""
    keys = set(exploration["criteria"])
    req = list(dict.fromkeys(r["key"] for r in exploration["requirements"] if r["key"] in keys))
    obj = list(dict.fromkeys(o["key"] for o in exploration["objectives"] if o["key"] in keys))
    pairs = [(a, b) for a in req for b in obj if a != b]
    if not pairs:
        latency = next((k for k in exploration["criteria"] if k.startswith("latency(")), None)
        if latency and "cost" in keys:
            pairs = [(latency, "cost")]
    return pairs[:3]


def _rows(exploration: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from exploration["alternatives"]
    yield from exploration["dominated"]
    yield from exploration["infeasible"]


def pareto_chart(chart_id: str, exploration: dict[str, Any], x_key: str, y_key: str) -> Chart | None:
    """Every alternative on two criteria; the front of the pair highlighted, infeasible ones marked.

    The front is that of the two criteria shown, among the feasible alternatives (or among all of
    them, said so in the legend, when none is feasible), found with :func:`archkit.alternatives._pareto.nondominated`.
    """
    import numpy as np

    from ..alternatives import METRICS, better_sign, key_metric, nondominated

    rows = [r for r in _rows(exploration) if _finite(r["values"].get(x_key)) and _finite(r["values"].get(y_key))]
    if len(rows) < 2:
        return None
    scale = {
        k: (1e3, "ms")
        if key_metric(k)[0] in ("latency", "typical_latency")
        else (100.0, "%")
        if key_metric(k)[0] == "utilisation"
        else (1.0, METRICS[key_metric(k)[0]].unit)
        for k in (x_key, y_key)
    }
    xs = np.array([r["values"][x_key] for r in rows], dtype=float)
    ys = np.array([r["values"][y_key] for r in rows], dtype=float)
    feasible = np.array([bool(r["feasible"]) for r in rows])
    pool = feasible if feasible.any() else np.ones(len(rows), dtype=bool)
    F = np.column_stack([xs * better_sign(x_key), ys * better_sign(y_key)])
    front = np.zeros(len(rows), dtype=bool)
    idx = np.flatnonzero(pool)
    front[idx[nondominated(F[idx])]] = True
    recommended = (exploration.get("recommended") or {}).get("name")
    fig = _Figure(chart_id, 3.6)
    ax = fig.ax
    sx, sy = scale[x_key][0], scale[y_key][0]
    order = np.argsort(xs[front])
    ax.plot(
        xs[front][order] * sx,
        ys[front][order] * sy,
        color=GOOD,
        linewidth=1.5,
        zorder=1,
        drawstyle="steps-post" if better_sign(x_key) > 0 and better_sign(y_key) > 0 else "default",
    )
    front_label = "Pareto front" if feasible.any() else "front, ignoring the requirements"
    ax.scatter(
        xs[front & feasible] * sx,
        ys[front & feasible] * sy,
        s=60,
        color=GOOD,
        marker="o",
        label=front_label,
        zorder=3,
        edgecolors="black",
        linewidths=0.6,
    )
    ax.scatter(
        xs[~front & feasible] * sx,
        ys[~front & feasible] * sy,
        s=40,
        color="#56B4E9",
        marker="s",
        label="feasible, dominated",
        zorder=2,
    )
    ax.scatter(
        xs[~feasible & front] * sx,
        ys[~feasible & front] * sy,
        s=70,
        color=BAD,
        marker="X",
        label="infeasible (on the front ignoring requirements)" if not feasible.any() else "infeasible",
        zorder=3,
        edgecolors="black",
        linewidths=0.6,
    )
    ax.scatter(
        xs[~feasible & ~front] * sx,
        ys[~feasible & ~front] * sy,
        s=50,
        color=BAD,
        marker="x",
        label="infeasible",
        zorder=2,
    )
    alt = []
    for r, x, y, fr, ok in zip(rows, xs, ys, front, feasible):
        star = " \u2605 recommended" if r["name"] == recommended else ""
        ax.annotate(r["name"] + star, (x * sx, y * sy), xytext=(5, 4), textcoords="offset points", fontsize=7.5)
        state = ("Pareto" if fr else "dominated") if ok else "infeasible"
        alt.append(f"{r['name']}: {r['text'].get(x_key, x)}, {r['text'].get(y_key, y)} ({state}{star})")
    for r in exploration["requirements"]:
        value = r.get("value")
        if not isinstance(value, (int, float)):
            continue
        if r["key"] == x_key:
            ax.axvline(value * sx, color=BAD, linestyle="--", linewidth=1)
        elif r["key"] == y_key:
            ax.axhline(value * sy, color=BAD, linestyle="--", linewidth=1)
    ax.set_xlabel(f"{x_key} ({scale[x_key][1]}); {'lower' if better_sign(x_key) > 0 else 'higher'} is better")
    ax.set_ylabel(f"{y_key} ({scale[y_key][1]})")
    handles, labels = ax.get_legend_handles_labels()
    seen = {lab: h for h, lab in zip(handles, labels) if len(cast(Any, h).get_offsets())}  # scatter collections
    ax.legend(seen.values(), seen.keys(), fontsize=7.5, frameon=False, loc="best")
    _thousands(ax)
    ax.margins(x=0.25, y=0.15)
    title = f"Trade-off: {x_key} against {y_key}"
    return _finish(fig, title, "; ".join(alt))
