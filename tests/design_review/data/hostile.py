"""A small system whose names try to break out of every output format of the review."""

from archkit import Component, Flow, Link, Model, Node, System, Variant

EVIL = '<script>alert(1)</script> & "quoted" \'single\' "]; end'

with System(f"Shop {EVIL}", description=f"Description {EVIL}", requirements=["latency(buy) <= 300 ms"],
            objectives=["minimize cost"], users=1000) as system:
    with Node("phone", kind="mobile", name=f"Phone {EVIL}", memory="4 GB", per_user=1):
        app = Component("app", kind="ui", name=f"App {EVIL}", processing_time="5 ms", memory="50 MB",
                        description=f"UI {EVIL}")
    with Node("cloud", kind="cloud", name=f"Cloud {EVIL}", cost_per_hour="0.5 USD/h", memory="16 GB", count=2):
        ranker = Model("ranker", name=f"Ranker {EVIL}", task=f"ranking {EVIL}", size="20 MB", memory="100 MB",
                       inference_time={"cloud": "10..30 ms", "mobile": "40..90 ms"},
                       intended_use=f"Use {EVIL}", limitations=[f"limit {EVIL}"], replicas=2)
    Link("phone", "cloud", medium="cellular", bandwidth="5..20 Mbit/s", latency="30..100 ms",
         cost_per_gb="5 USD/GB", description=f"Link {EVIL}")
    buy = (app >> ranker).set(request_size="2 kB", response_size="10 kB", rate="0.5 /s",
                              description=f"Call {EVIL}")
    Flow("buy", name=f"Buy {EVIL}", steps=[buy], latency_budget="300 ms")
    Variant("on-device", {"ranker": "phone"}, description=f"Variant {EVIL}")
