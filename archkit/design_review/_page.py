"""The design review as one self-contained HTML page (Jinja2 templates in ``templates/``).

The page holds everything inline: CSS, the diagrams (graphviz SVG), the charts (matplotlib SVG,
see :mod:`.charts`). It needs no network and no JavaScript to be read; its Content-Security-Policy
forbids every request. It reads the review's sections through their JSON forms, so the page shows
exactly what ``archkit review --format json`` reports. SVG drawings are inserted as markup because
their makers (graphviz from archkit's escaped DOT, matplotlib) escape the text inside them.

Every value a template prints goes through :func:`archkit._escape.html` (the templates' ``finalize``)
unless it is markup the templates built themselves. Verdicts are badges that read without colour: a symbol and the word, on a coloured ground.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError
from ._svg import inline_svg

if TYPE_CHECKING:  # pragma: no cover
    from . import Review
    from ._memo import FigureMemo

__all__ = ["to_html", "page_parts", "render_template", "badge_class", "TONES"]

# verdict or status -> tone of its badge (good, risk, bad, neutral)
TONES: dict[str, str] = {
    "meets": "good",
    "ok": "good",
    "fits": "good",
    "planned": "good",
    "not required": "good",
    "yes": "good",
    "Pareto": "good",
    "recommended": "good",
    "found": "good",
    "at risk": "risk",
    "warning": "risk",
    "dominated": "risk",
    "violates": "bad",
    "over": "bad",
    "under": "bad",
    "down": "bad",
    "error": "bad",
    "infeasible": "bad",
    "no": "bad",
}
SYMBOLS = {"good": "\u2714", "risk": "\u26a0", "bad": "\u2716", "neutral": "\u2022"}


def badge_class(verdict: str) -> str:
    """The tone of a verdict's badge: good, risk, bad or neutral."""
    return TONES.get(verdict, "neutral")


@lru_cache(maxsize=1)
def _environment() -> Any:
    try:
        import jinja2
    except ImportError:
        raise MissingDependencyError("jinja2", "report", "the HTML report") from None
    from markupsafe import Markup

    from .._escape import html

    # Every printed value: markup built by the templates passes; anything else is text for HTML.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("archkit.design_review", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda v: v if hasattr(v, "__html__") else Markup(html(str(v))),
    )
    env.filters["tone"] = badge_class
    env.globals["symbol"] = lambda v: SYMBOLS[badge_class(v)]
    env.filters["anchor"] = anchor
    return env


def render_template(name: str, **context: Any) -> str:
    """Render one of the review's templates with HTML autoescaping."""
    return _environment().get_template(name).render(**context)


def anchor(*parts: Any) -> str:
    """An HTML id made of letters, digits and dashes from any text (model names included)."""
    text = "-".join(str(p) for p in parts if p is not None and p != "")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


@dataclass
class _Ids:
    """Gives each anchor once: a second 'x' becomes 'x-2'; every anchor starts with ``prefix``."""

    used: set[str]
    prefix: str = ""

    def __call__(self, *parts: Any) -> str:
        base = self.prefix + anchor(*parts)
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base}-{n}"
        self.used.add(name)
        return name


def page_parts(
    review: "Review", *, charts: bool = True, memo: "FigureMemo | None" = None, id_prefix: str = ""
) -> dict[str, Any]:
    """The template context of a review: its sections' data, drawings and charts, and the table of contents.

    With a ``memo``, a chart whose inputs were drawn before is taken from it; ``id_prefix`` starts
    every anchor and chart id (notebook outputs share one document). Sections are visited in page
    order, so anchors and table-of-contents entries come out in the order the page shows them.
    """
    return _Page(review, charts, memo, id_prefix).context()


def _part(variants: list[dict[str, Any]], key: str) -> list[Any]:
    return [(v["variant"], v[key]) for v in variants]


def _flow_part(variants: list[dict[str, Any]], flow: str) -> list[Any]:
    return [(v["variant"], [f for f in v["latency"]["flows"] if f["flow"] == flow]) for v in variants]


class _Page:
    """Builds :func:`page_parts`' context one section at a time."""

    def __init__(self, review: "Review", charts: bool, memo: "FigureMemo | None", id_prefix: str) -> None:
        self.review = review
        self.charts = charts
        self.memo = memo
        self.id_prefix = id_prefix
        self.ids = _Ids({"top", "contents"}, id_prefix)
        self.sections = {s.id: s for s in review.sections}
        self.ctx: dict[str, Any] = {"review": review.to_dict(), "sections": self.sections, "toc": []}
        self.figures: dict[str, str] = {}

    def context(self) -> dict[str, Any]:
        diagrams = self.sections.get("diagrams")
        if diagrams is not None:
            for spec, svg in diagrams.figures.items():
                self.figures[spec] = inline_svg(svg, self.ids("view", spec))
        self.ctx["overview"] = self._overview()
        self.ctx["analyses"], self.ctx["variants"], self.ctx["assumptions"] = self._analyses()
        self.ctx["alternatives"] = self._alternatives()
        self.ctx["lint"], cited = self._lint()
        self.ctx["cards"] = self._cards()
        self.ctx["diagrams"] = self._diagrams()
        self.ctx["deployment"] = self._deployment()
        assumptions = self.ctx["assumptions"]
        if assumptions is not None:
            self.toc(assumptions["id"], "Assumptions and missing inputs", "warning" if assumptions["missing"] else "ok")
        self.ctx["catalog"] = (
            {"id": self.toc(self.ids("catalog"), "Catalog entries cited"), "entries": cited} if cited else None
        )
        self.ctx["skipped"] = [s for s in self.review.sections if s.status == "skipped"]
        return self.ctx

    def toc(self, anchor_id: str, title: str, status: str | None = None, level: int = 1) -> str:
        self.ctx["toc"].append({"id": anchor_id, "title": title, "status": status, "level": level})
        return anchor_id

    def chart(self, make: Any, reads: Any, *args: Any) -> Any:
        """Draw a chart, or take it from the memo when the part of the data it ``reads`` is unchanged."""
        if self.memo is None:
            return make(*args)
        from ._memo import content_key

        return self.memo.get_or_make(content_key("chart", make.__name__, args[0], reads), lambda: make(*args))

    def _overview(self) -> dict[str, Any] | None:
        s = self.sections.get("overview")
        if s is None:
            return None
        return {
            "id": self.toc(self.ids("overview"), s.title, s.status),
            "s": s,
            "deployment": self.figures.get("deployment"),
        }

    def _analyses(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None]:
        s = self.sections.get("analyses")
        if s is None:
            return None, [], None
        from . import _charts as ch

        ids = self.ids
        data = s.data
        item: dict[str, Any] = {"id": self.toc(ids("analyses"), s.title, s.status), "s": s, "charts": []}
        variants = data.get("variants", [])
        if self.charts and variants:
            for flow, budget in _budgets(self.sections).items():
                item["charts"].append(
                    self.chart(
                        ch.latency_chart,
                        [flow, budget, _flow_part(variants, flow)],
                        ids("chart-latency", flow),
                        flow,
                        variants,
                        budget,
                    )
                )
            item["charts"] += [
                self.chart(ch.links_chart, _part(variants, "links"), ids("chart-links"), variants),
                self.chart(ch.cost_chart, _part(variants, "cost"), ids("chart-cost"), variants),
            ]
            item["charts"] = [c for c in item["charts"] if c is not None]
        rows = []
        for v in variants:
            name = v["variant"] or "base"
            vid = ids("variant", name)
            self.toc(vid, name, _variant_status(v), 2)
            rows.append({"id": vid, "name": name, "v": v, "verdicts": _verdicts(v)})
        assumptions = {"id": ids("assumptions"), "assumptions": data.get("assumptions", {}), "missing": _missing(data)}
        return item, rows, assumptions

    def _alternatives(self) -> dict[str, Any] | None:
        s = self.sections.get("alternatives")
        if s is None:
            return None
        from . import _charts as ch

        exp = s.data
        item: dict[str, Any] = {
            "id": self.toc(self.ids("alternatives"), s.title, s.status),
            "s": s,
            "exp": exp,
            "charts": [],
            "rows": _alternative_rows(exp),
        }
        if self.charts and exp.get("criteria"):
            for x_key, y_key in ch.pareto_pairs(exp):
                drawn = self.chart(
                    ch.pareto_chart, [exp, x_key, y_key], self.ids("pareto", x_key, y_key), exp, x_key, y_key
                )
                if drawn is not None:
                    item["charts"].append(drawn)
        return item

    def _lint(self) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
        s = self.sections.get("lint")
        if s is None:
            return None, {}
        item = {"id": self.toc(self.ids("lint"), "Patterns and lint findings", s.status), "s": s}
        rules = [f["rule"] for f in s.data.get("findings", [])] + [p["id"] for p in s.data.get("patterns", [])]
        return item, _catalog_entries(rules, self.id_prefix)

    def _cards(self) -> dict[str, Any] | None:
        s = self.sections.get("cards")
        if s is None:
            return None
        return {
            "id": self.toc(self.ids("cards"), s.title, s.status),
            "s": s,
            "entries": [dict(c, anchor=self.ids("card", c["component"])) for c in s.data.get("cards", [])],
        }

    def _diagrams(self) -> dict[str, Any] | None:
        s = self.sections.get("diagrams")
        if s is None:
            return None
        views = [
            dict(v, anchor=self.ids("diagram", v["view"]), svg=self.figures.get(v["view"])) for v in s.data["views"]
        ]
        return {"id": self.toc(self.ids("diagrams"), s.title, s.status), "s": s, "views": views}

    def _deployment(self) -> dict[str, Any] | None:
        s = self.sections.get("deployment")
        if s is None:
            return None
        return {
            "id": self.toc(self.ids("deployment"), "Deployment plan", s.status),
            "s": s,
            "variants": [
                dict(v, anchor=self.ids("deploy", v["variant"] or "base")) for v in s.data.get("variants", [])
            ],
        }


def to_html(review: "Review", *, charts: bool = True, live: str | None = None, memo: "FigureMemo | None" = None) -> str:
    """The review as one self-contained HTML page.

    Args:
        review: a finished review (run with ``options={"figures": True}`` to get the diagrams inline).
        charts: draw the charts (needs matplotlib).
        live: for ``archkit watch`` only: a small script that reloads the page when the report changes.
            The report itself has no script and its Content-Security-Policy allows none.
        memo: charts drawn before, by their inputs (``archkit watch`` keeps one while it runs).
    """
    ctx = page_parts(review, charts=charts, memo=memo)
    return render_template("page.html.j2", live=live, **ctx)


def _budgets(sections: dict[str, Any]) -> dict[str, float | None]:
    """Latency budget per flow in seconds, from the overview's flows (e.g. '200 ms'), else the analyses'."""
    from ..model import parse_quantity

    out: dict[str, float | None] = {}
    ov = sections.get("overview")
    for f in ov.data.get("flows", []) if ov is not None else []:
        budget = f.get("latency_budget")
        out[f["id"]] = parse_quantity(budget, "duration").hi if budget else None
    if ov is None and "analyses" in sections:  # an analysis report alone: the budgets its flows name
        for v in sections["analyses"].data.get("variants", []):
            for f in v["latency"]["flows"]:
                if f["flow"] not in out:
                    out[f["flow"]] = parse_quantity(f["budget"], "duration").hi if f.get("budget") else None
    return out


def _rank(verdict: str) -> int:
    from ..analysis import VERDICT_ORDER

    return VERDICT_ORDER.index(verdict) if verdict in VERDICT_ORDER else 0


def _verdicts(v: dict[str, Any]) -> list[dict[str, str]]:
    """One line per quality of a variant: the verdict and the figure behind it."""
    out = []
    for f in v["latency"]["flows"]:
        out.append(
            {
                "quality": f"latency of {f['flow']}",
                "verdict": f["verdict"],
                "figure": f["total"].get("text", "unknown") + (f" (budget {f['budget']})" if f.get("budget") else ""),
            }
        )
    links = v["links"]["links"]
    if links:
        worst = max(links, key=lambda d: (_rank(d["verdict"]), (d.get("utilisation") or {}).get("worst") or 0))
        out.append(
            {
                "quality": "link load",
                "verdict": v["verdicts"]["links"],
                "figure": f"busiest: {worst['link']} {worst['from']}\u2192{worst['to']} "
                f"{(worst.get('utilisation') or {}).get('text', 'unknown')}",
            }
        )
    out.append(
        {
            "quality": "monthly cost",
            "verdict": "ok" if v["cost"]["total"].get("known") else "unknown",
            "figure": v["cost"]["total"].get("text", "unknown"),
        }
    )
    for f in v["availability"]["flows"]:
        out.append(
            {
                "quality": f"offline: {f['flow']}",
                "verdict": f["offline_verdict"],
                "figure": "works offline"
                if f.get("works_offline")
                else ("breaks: " + ", ".join(str(b) for b in f.get("offline_breaks", [])[:3]) or "needs a link"),
            }
        )
    out.append(
        {
            "quality": "resources",
            "verdict": v["verdicts"]["resources"],
            "figure": ", ".join(f"{n['node']} {n['verdict']}" for n in v["resources"]["nodes"]),
        }
    )
    out.append(
        {
            "quality": "capacity",
            "verdict": v["verdicts"]["capacity"],
            "figure": "; ".join(
                f"{f['flow']} ceiling {f['ceiling'].get('text', 'unknown')}" for f in v["capacity"]["flows"]
            ),
        }
    )
    leaving = [
        d for d in v["privacy"].get("data_leaving_devices", []) if d.get("personal") and d.get("leaves_user_devices")
    ]
    out.append(
        {
            "quality": "privacy",
            "verdict": "at risk" if leaving else "ok",
            "figure": (
                f"personal data leaves the user's devices over {len(leaving)} connector(s): "
                + ", ".join(d["connector"] for d in leaving)
            )
            if leaving
            else "no personal data leaves the user's devices",
        }
    )
    return out


def _variant_status(v: dict[str, Any]) -> str:
    verdicts = [x["verdict"] for x in _verdicts(v)]
    tone = [badge_class(x) for x in verdicts]
    return "error" if "bad" in tone else "warning" if "risk" in tone else "ok"


def _missing(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every missing input with the variants that miss it."""
    seen: dict[str, list[str]] = {}
    for v in data.get("variants", []):
        for m in v.get("missing_inputs", []):
            seen.setdefault(m, []).append(v["variant"] or "base")
    return [{"what": k, "variants": vs} for k, vs in seen.items()]


def _alternative_rows(exp: dict[str, Any]) -> list[dict[str, Any]]:
    rec = (exp.get("recommended") or {}).get("name")
    rows = []
    for r in exp.get("alternatives", []) + exp.get("dominated", []) + exp.get("infeasible", []):
        status = (
            "recommended"
            if r["name"] == rec
            else ("infeasible" if not r["feasible"] else "Pareto" if r["pareto"] else "dominated")
        )
        rows.append(dict(r, status=status))
    return rows


def _catalog_entries(ids: list[str], prefix: str = "") -> dict[str, dict[str, Any]]:
    """The catalog entries a report cites, by id, in first-cited order."""
    from ..catalog import default_catalog

    cat = default_catalog()
    out: dict[str, dict[str, Any]] = {}
    for entry_id in dict.fromkeys(ids):
        try:
            e = cat.get(entry_id)
        except KeyError:
            continue
        out[entry_id] = {
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "problem": e.problem,
            "solution": e.solution,
            "fix": e.fix,
            "anchor": prefix + "catalog-" + anchor(e.id),
        }
    return out
