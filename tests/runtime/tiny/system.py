"""A two-node system for archkit's runtime tests: a text entry on a device, an upper-caser on a server."""

from archkit import Component, Flow, Link, Node, System, Variant

with System("Tiny text service", description="device -> server upper-casing") as system:
    with Node("device", kind="wearable"):
        entry = Component("entry", kind="sensor", implementation="tiny_impls:Entry")
    with Node("server", kind="cloud"):
        upper = Component("upper", kind="business_logic", implementation="tiny_impls:Upper",
                          config={"suffix": "!"}, cpus=4, replicas=5)
        count = Component("count", kind="business_logic", implementation="tiny_impls:Count")
    Link("device", "server", medium="cellular", bandwidth="1 Mbit/s", latency="50 ms")
    call = (entry >> upper).set(kind="sync_call", request_size="1 kB", response_size="1 kB")
    tally = (upper >> count).set(kind="in_process")
    Flow("shout", steps=[call, tally])
    Variant("local", {"upper": "device", "count": "device"}, description="everything on the device")
    Variant("remote", {}, description="upper-casing on the server")
    Variant("offline", {}, links_down=["device-server"], description="the cellular link is down")
