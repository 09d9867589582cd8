"""Links down in a variant: the deployed flow fails exactly where the availability analysis says it does.

The plan of each placement variant with the intermittent links down is run in this process (each
deployment a runner, calls between them direct, as ``archkit calibrate`` runs them): where
``analyze`` says the overlay flow works offline it answers, elsewhere it stops with
:class:`~archkit.runtime.LinkDown` naming a link the analysis names (the deployment answers that
with 503 and the link; ``bench/bench_verify.py`` checks it over HTTP).
"""

from __future__ import annotations

import pytest

from archkit.analysis import availability
from archkit.io import load_data, to_data
from archkit.runtime import LinkDown
from archkit.runtime._plan import build_plan

from .conftest import EXAMPLE_MODEL
from .test_devices import run_in_process

ar_signs = pytest.importorskip("ar_signs")
pytest.importorskip("tesserocr")


def test_each_variant_offline_fails_where_the_analysis_says_and_names_its_link(example_system):
    intermittent = sorted(lk.id for lk in example_system.links if lk.intermittent)
    data = to_data(example_system)
    names = []
    for variant in example_system.variants:
        if not variant.links_down:
            data["variants"].append({"name": f"{variant.name}-offline", "placement": dict(variant.placement),
                                     "links_down": intermittent})
            names.append(f"{variant.name}-offline")
    system = load_data(data)
    image = ar_signs.sign_png("Solo efectivo")
    outcomes = {}
    for name in names:
        (flow,) = [f for f in availability(system, name).flows if f.flow == "overlay"]
        plan = build_plan(system, name, model_path=EXAMPLE_MODEL, cpus=2, emulate_links=False)
        try:
            answer = run_in_process(plan, image, "image/png")
        except LinkDown as exc:
            assert not flow.works_offline, name
            assert any(exc.link in b for b in flow.offline_breaks), (name, exc.link, flow.offline_breaks)
            outcomes[name] = exc.link
        else:
            assert flow.works_offline, name
            assert answer["translation"] == "Only effective"
            outcomes[name] = "answered"
    assert outcomes == {"all-on-phone-offline": "answered", "ocr-in-cloud-offline": "phone-cloud",
                        "translation-in-cloud-offline": "phone-cloud", "all-in-cloud-offline": "phone-cloud",
                        "all-on-glasses-offline": "answered"}
