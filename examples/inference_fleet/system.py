"""Inference fleet: a capacity plan for many models with very different rates, on two server types.

A social network's data centres answer trillions of inferences a day for a handful of services
whose capacity needs differ by two orders of magnitude; some need dual-socket servers with much
memory, others fit on cheap single-socket machines. The capacity plan asks: how many replicas does
each service need, within which autoscaling bounds, on which server type, and what does the
headroom between the load and the bounds cost? The variants move services between server types.

Sources (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645),
    slide "Capacity planning (Facebook example)", after K. Hazelwood et al., "Applied machine
    learning at Facebook: a datacenter infrastructure perspective", HPCA 2018: the relative
    capacity of each service (News Feed 100x; Facer, Lumos and Search 10x; Language Translation,
    Sigma and Speech Recognition 1x), the server type (dual-socket or single-socket CPU) and memory
    (high or low) of each; "trillions of inferences per day"; a preference for cheap single-CPU
    machines where possible.
"""

import math

from archkit import Component, Flow, Link, Model, Node, System, Variant, connect

# Relative capacity [K], and an assumed time per inference on one core. One unit of relative
# capacity is taken as 1,000 busy cores (assumed), which makes the fleet answer about a trillion
# inferences a day, the lower end of the lecture's "trillions" [K].
CORES_PER_UNIT = 1000
SERVICES = {
    # id: (name, relative capacity [K], server type [K], memory [K], time per inference (assumed))
    "news_feed": ("News Feed ranking", 100, "dual_socket", "high", 0.010),
    "facer": ("Facer (face recognition)", 10, "single_socket", "low", 0.050),
    "lumos": ("Lumos (image understanding)", 10, "single_socket", "low", 0.100),
    "search": ("Search", 10, "dual_socket", "high", 0.020),
    "translation": ("Language translation", 1, "dual_socket", "high", 0.100),
    "sigma": ("Sigma (anomaly and spam detection)", 1, "dual_socket", "high", 0.005),
    "speech": ("Speech recognition", 1, "dual_socket", "high", 0.500),
}
MEMORY = {"high": "2 GB", "low": "0.5 GB"}  # assumed memory per replica for "high" and "low" [K]
WEB_SERVERS = 10_000  # assumed front-end servers; each connector's rate is per front-end server
BOUND_UTILISATION = 0.6  # assumed: autoscaling may add replicas until the load is 60 % of them

with System(
    "Inference fleet",
    description="Front-end servers -> seven model services on dual- and single-socket server fleets.",
    version="1.0",
    users=1_000_000_000,  # assumed: a billion users, for the cost per user
    requirements=["latency(feed) <= 100 ms"],  # assumed budget of the feed ranking call
    objectives=["minimize cost"],
) as system:
    with Node("cloud_ops", kind="cloud", name="Operations", cpu_cores=32, memory="128 GB", storage="20 TB", count=2,
              cost_per_hour="1.00 USD/h", availability=0.999):  # assumed
        pass
    with Node("web", kind="cloud", name="Front-end servers", cpu_cores=40, memory="128 GB",
              count=WEB_SERVERS, availability=0.999,  # assumed
              cost_per_hour="0 USD/h"):  # priced in the web tier's own plan, not in this one
        web = Component("frontend", kind="business_logic", name="Front end",
                        description="Builds pages and calls the model services", cpus=1, memory="1 GB",
                        replicas=WEB_SERVERS, processing_time="1..3 ms")  # assumed
    with Node("dual_socket", kind="cloud", name="Dual-socket servers",
              cpu_cores=40, memory="256 GB", storage="2 TB",  # assumed: 2 x 20 cores, "high" memory [K]
              cost_per_hour="2.00 USD/h",  # assumed
              count=4800,  # assumed: sized for the autoscaling bounds below
              availability=0.999):  # assumed
        pass
    with Node("single_socket", kind="cloud", name="Single-socket servers",
              cpu_cores=20, memory="32 GB", storage="500 GB",  # assumed: 20 cores, "low" memory [K]
              cost_per_hour="0.80 USD/h",  # assumed: the cheap machines preferred where possible [K]
              count=1700,  # assumed: sized for the autoscaling bounds below
              availability=0.999):  # assumed
        pass

    for fleet in ("dual_socket", "single_socket", "cloud_ops"):
        Link("web", fleet, medium="lan", bandwidth="25 Gbit/s", latency="0.1..0.5 ms",  # assumed data centre network
             availability=0.9999)  # assumed

    registry = Component("model_registry", kind="model_registry", name="Model registry", node="cloud_ops",
                         cpus=2, memory="16 GB", storage="10 TB", replicas=2, processing_time="5..20 ms")  # assumed
    calls = {}
    for sid, (name, relative, server, memory, seconds) in SERVICES.items():
        busy = relative * CORES_PER_UNIT  # busy cores at peak
        per_second = busy / seconds  # inferences per second, fleet-wide
        model = Model(
            sid, name=name, node=server, task=name.lower(), framework="pytorch",
            outputs=[{"name": "prediction", "type": "json", "meaning": f"the {name} service's answer"}],
            size="1 GB" if memory == "high" else "100 MB", memory=MEMORY[memory],  # assumed
            inference_time={"cloud": f"{seconds * 1000 * 0.8:g}..{seconds * 1000 * 1.2:g} ms"},  # assumed +-20 %
            update_period="1 d",  # assumed
            intended_use=f"{name} for the social network's products", owner=f"{sid} team", version="2026.12",
            stateless=True, cpus=1, language="c++",
            autoscaling={"min_replicas": math.ceil(busy / 0.9), "max_replicas": math.ceil(busy / BOUND_UTILISATION),
                         })  # assumed bounds; capacity planning aims at 70 % unless told otherwise
        (registry >> model).set(kind="batch_transfer", purpose="model_artifact",
                                request_size=model.fields["model"]["size"], rate="1 /day")
        calls[sid] = connect(web, model, "sync_call", request_size="5 kB", response_size="1 kB",
                             rate=f"{per_second / WEB_SERVERS:g} /s")
    telemetry = Component("telemetry", kind="telemetry", name="Inference telemetry", node="cloud_ops", cpus=8,
                          memory="32 GB", replicas=4, processing_time="0.05..0.1 ms")  # assumed per batched event
    (web >> telemetry).set(kind="async_message", purpose="telemetry", request_size="100 kB", rate="1 /s",
                           description="Batched per-call logs: service, model version, latency")  # assumed

    Flow("feed", name="page -> News Feed ranking", steps=[calls["news_feed"]], latency_budget="100 ms",
         rate=calls["news_feed"].fields["rate"])
    Flow("speech", name="voice clip -> transcript", steps=[calls["speech"]], latency_budget="2 s",  # assumed
         rate=calls["speech"].fields["rate"])

    Variant("as-published", {}, description="Each service on the server type of the capacity table [K]")
    Variant("all-dual-socket", {"facer": "dual_socket", "lumos": "dual_socket"},
            description="One server type for everything")
    Variant("feed-on-single-socket", {"news_feed": "single_socket"},
            description="The largest service on the cheap machines")
