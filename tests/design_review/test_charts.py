"""Charts of the report stay drawable when an analysis says a figure is unbounded (an overloaded queue)."""

from __future__ import annotations

import json
import math

from typer.testing import CliRunner

from archkit.cli import app

OVERLOADED = '''from archkit import Component, Flow, Link, Model, Node, System, Variant

with System("overloaded", users=1000, requirements=["latency(tag) <= 800 ms"], objectives=["minimize cost"]) as system:
    with Node("phone", kind="mobile", memory="4 GB", per_user=1):
        ui = Component("ui", kind="ui", processing_time="2 ms", memory="20 MB")
    with Node("cloud", kind="cloud", cost_per_hour="0.40 USD/h", memory="16 GB", cpu_cores=4):
        tagger = Model("tagger", task="tagging", size="40 MB", memory="200 MB", replicas=1,
                       inference_time={"cloud": "50 ms", "mobile": "200 ms"})
    Link("phone", "cloud", medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms", cost_per_gb="1 USD/GB")
    call = (ui >> tagger).set(request_size="30 kB", response_size="1 kB", rate="1 /s")
    Flow("tag", steps=[call], latency_budget="800 ms")
    Variant("in-cloud", {"tagger": "cloud"})
    Variant("on-phone", {"tagger": "phone"})
'''


def test_review_of_an_unbounded_latency_writes_every_chart(tmp_path):
    model = tmp_path / "system.py"
    model.write_text(OVERLOADED)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["review", str(model), "--format", "json", "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    analyses = next(s for s in data["sections"] if s["id"] == "analyses")["data"]
    in_cloud = next(v for v in analyses["variants"] if v["variant"] == "in-cloud")
    assert in_cloud["latency"]["flows"][0]["total"]["worst"] == "inf"  # the case the charts must survive
    html = (out / "index.html").read_text()
    for chart in ("chart-latency-tag", "chart-links", "chart-cost"):
        assert f'id="{chart}"' in html
    assert "in-cloud: violates: unbounded" in html  # the latency chart's text alternative


def test_charts_skip_non_finite_numbers():
    from archkit.design_review._charts import cost_chart, latency_chart, links_chart

    inf = {"known": True, "unit": "s", "best": math.inf, "typical": math.inf, "worst": math.nan, "text": "unbounded"}
    ok = {"known": True, "unit": "s", "best": 0.1, "typical": 0.2, "worst": 0.3, "text": "100 ms .. 300 ms"}
    step = {"link_latency": inf, "transfer": ok, "processing": ok, "queueing": {"wait": inf}}
    variants = [{"variant": name, "latency": {"flows": [{"flow": "f", "verdict": v, "total": t, "steps": [step]}]},
                 "links": {"links": [{"link": "l", "from": "a", "to": "b", "verdict": "over",
                                      "utilisation": dict(inf, unit="ratio")}]},
                 "cost": {"items": [{"category": "nodes", "monthly": dict(inf, unit="USD/month")}],
                          "total": dict(inf, unit="USD/month")}}
                for name, v, t in (("a", "violates", inf), ("b", "meets", ok))]
    latency = latency_chart("c1", "f", variants, math.inf)
    links = links_chart("c2", variants)
    cost = cost_chart("c3", variants)
    assert latency is not None and "<svg" in latency.svg and "a: violates: unbounded" in latency.alt
    assert links is not None and "a, l a->b: unknown" in links.alt
    assert cost is not None and "<svg" in cost.svg
