"""Dataflow view: what travels where and how much, under one placement.

Components sit in their deployment nodes as in the deployment view. Each connector is labelled
with payload x rate (bytes per event times events per second: the link-load analysis'
:func:`~archkit.analysis.connector_traffic`), each network link with the load the link-load
analysis finds on it, coloured by its utilisation (pale blue, dark blue, magenta; light grey when
unknown). The connectors of each flow are coloured by the flow's latency verdict (green, amber,
red; a connector in several flows takes the worst) and the other connectors are plain: one colour
means one thing in the view. Every figure comes from :mod:`archkit.analysis`; nothing is computed here.
"""

from __future__ import annotations

from ..model import Connector, Link, System
from . import _style as st
from ._build import Canvas, connector_line, deployment, legend, rank_of
from ._deployment import placement_title
from ._graph import LegendEntry, View
from ._overlay import VERDICT_ORDER, Overlay, analysis_overlay
from ._traffic import fmt_range

__all__ = ["dataflow_view", "payload_label"]

NO_FLOW_COLOUR = "#333333"  # the plain line colour of the connector styles in the legend


def payload_label(c: Connector) -> str:
    """'2.76 MB x 30 /s\\n= 82.9 MB/s' for a connector (what is unknown is said so)."""
    if c.request_size is None or c.rate is None:
        missing = " and ".join(x for x, v in (("size", c.request_size), ("rate", c.rate)) if v is None)
        return f"{missing} not declared"
    from ..analysis import connector_traffic

    size = str(c.request_size)
    if c.synchronous and c.response_size is not None:
        size = f"({size} + {c.response_size} back)"
    share = f" x {c.share:.3g}" if c.share is not None and c.share != 1 else ""
    t = connector_traffic(c).total
    if not t.known:
        return f"{size} x {c.rate}{share}\n= unknown ({'; '.join(t.missing)})"
    best, _, worst = t.values()
    return f"{size} x {c.rate}{share}\n= {fmt_range(best / 8, worst / 8)}"


def _worst(verdicts: list[str]) -> str:
    return max(verdicts, key=lambda v: VERDICT_ORDER.index(v) if v in VERDICT_ORDER else 2)


def dataflow_view(system: System, variant: str | None = None, overlay: Overlay | None = None) -> View:
    """The dataflow view of a placement.

    Args:
        system: the model.
        variant: a variant name, or None for the base placement.
        overlay: analysis results (:func:`archkit.views._overlay.analysis_overlay`; computed when not
            given): flow verdicts colour the connectors of each flow, and link loads come from the
            link-load analysis (per link instance, over all users at peak).
    """
    canvas = Canvas(links_coloured=True)
    if overlay is None:
        overlay = analysis_overlay(system, variant)
    verdicts = dict(overlay.verdicts)
    analysed = overlay.links
    down = system.links_down_for(variant)

    def link_colour(lk: Link) -> str:
        a = analysed.get(lk.id)
        return st.utilisation_colour(a.utilisation if a is not None else None)

    def link_extra(lk: Link) -> str:
        if lk.id in down:
            return ""
        a = analysed.get(lk.id)
        if a is None or a.utilisation is None:
            return f"load {a.load_text if a is not None else 'unknown'}, utilisation unknown"
        return f"load {a.load_text}\n= {a.utilisation * 100:.3g} % of bandwidth, worst case ({a.verdict})"

    boxes = deployment(canvas, system, variant, link_colour=link_colour, link_extra=link_extra)
    rank = rank_of(system, system.placement_for(variant))
    flow_of: dict[str, list[str]] = {}
    for f in system.flows:
        for step in f.steps:
            flow_of.setdefault(step, []).append(f.id)
    seen_verdicts: set[str] = set()
    for e in sorted(system.connectors, key=lambda e: (e.source, e.target, e.id)):
        if e.source not in boxes or e.target not in boxes:
            continue
        colour = None
        pen = None
        if verdicts:  # colours are verdicts; a connector in no flow is drawn plain, not by purpose
            colour = NO_FLOW_COLOUR
        if verdicts and e.id in flow_of:
            got = [verdicts.get(f, "unknown") for f in flow_of[e.id]]
            v = _worst(got)
            colour = st.VERDICT_COLOURS.get(v, st.UNKNOWN_COLOUR)
            seen_verdicts.add(v)
            pen = max(st.connector_style(e.kind).penwidth, 2.0)
        connector_line(
            canvas,
            e,
            f"e:{e.id}",
            boxes[e.source],
            boxes[e.target],
            label=payload_label(e),
            colour=colour,
            penwidth=pen,
            constraint=rank[e.source] <= rank[e.target],
        )
    extra = [
        LegendEntry(
            "note",
            "connector label: bytes per event x events per second = traffic "
            "(best..worst case; sync calls add the response)",
        )
    ]
    if system.links:
        for bound, colour, text in st.UTILISATION_BANDS:
            extra.append(LegendEntry("colour", f"link colour: {text}", colour=colour))
        extra.append(
            LegendEntry(
                "colour",
                "link colour: utilisation unknown (no bandwidth or traffic)",
                colour=st.UNKNOWN_UTILISATION_COLOUR,
            )
        )
    for v in VERDICT_ORDER:
        if v in seen_verdicts:
            extra.append(
                LegendEntry(
                    "colour",
                    f"thick connector in this colour: part of a flow whose latency verdict is '{v}'",
                    colour=st.VERDICT_COLOURS[v],
                )
            )
    notes = [placement_title(system, variant), "flows: " + ", ".join(f"{f} {verdicts[f]}" for f in sorted(verdicts))]
    name = "dataflow" if variant is None else f"dataflow@{variant}"
    return View(
        name,
        f"{system.name}: dataflow view",
        canvas.boxes,
        canvas.groups,
        canvas.lines,
        legend(canvas, extra=extra),
        notes,
    )
