"""A missing input makes exactly the results that need it unknown, naming it; nothing else changes."""

from __future__ import annotations

from typing import Any

import archkit
from archkit.analysis import Options, analyze_all


def _without(example, where: str, ident: str, field: str) -> archkit.model.System:
    data = archkit.io.to_data(example)
    for el in data[where]:
        if el.get("id") == ident:
            el.pop(field)
            break
    else:  # pragma: no cover - the test names an element that exists
        raise AssertionError(ident)
    return archkit.io.load_data(data)


def _diff(a: Any, b: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            _diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append((path, a, b))


def _check_only_affected(before: dict, after: dict, needle: str) -> list[str]:
    """Every difference is an estimate turned unknown naming ``needle``, a verdict turned 'unknown',
    the dropped input leaving an inputs list, or the missing-inputs list gaining ``needle``."""
    changes: list[tuple[str, Any, Any]] = []
    _diff(before, after, "", changes)
    changed_estimates: set[str] = set()
    for path, a, b in changes:
        leaf = path.rsplit(".", 1)[-1]
        parent = path.rsplit(".", 1)[0]
        if leaf in ("known", "best", "typical", "worst", "text", "missing"):
            changed_estimates.add(parent)
        elif leaf.startswith("inputs"):
            changed_estimates.add(parent)
        elif leaf in ("verdict", "offline_verdict") or parent.endswith(".verdicts") and leaf in (
                "latency", "offline", "links", "resources", "capacity"):
            assert b == "unknown", (path, a, b)
        elif parent.endswith(".verdicts") and (leaf == "feasible" or leaf.startswith("violations")):
            pass  # a violation turned unknown is no longer a violation (the summary follows the verdicts above)
        elif leaf.startswith("missing_inputs"):
            assert needle in after_lookup(after, parent + "." + leaf.split("[")[0]), path
        elif leaf.startswith("caveats"):
            assert all(needle in c for c in after_lookup(after, parent + ".caveats") if c not in a), path
        elif leaf in ("breaking_connector", "bottleneck"):
            assert b is None, path
        else:
            raise AssertionError(f"unexpected change at {path}: {a!r} -> {b!r}")
    for p in changed_estimates:
        est = after_lookup(after, p)
        old = after_lookup(before, p)
        if est["known"]:
            # a known estimate may only lose the dropped input from its list
            assert (est["best"], est["worst"]) == (old["best"], old["worst"]), p
            continue
        assert old["known"] or needle not in old["missing"], p
        assert needle in est["missing"], (p, est["missing"])
    return sorted(changed_estimates)


def after_lookup(data: Any, path: str) -> Any:
    import re

    cur = data
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        key, idx = part
        cur = cur[int(idx)] if idx else cur[key]
    return cur


def test_dropping_a_link_bandwidth_changes_only_what_uses_it(example) -> None:
    before = analyze_all(example, options=Options()).to_dict()
    changed = _without(example, "links", "glasses-phone-wifi", "bandwidth")
    after = analyze_all(changed, options=Options()).to_dict()
    needle = "declare bandwidth on link 'glasses-phone-wifi'"
    touched = _check_only_affected(before, after, needle)
    assert touched, "dropping the bandwidth changed nothing"
    # the overlay latency is unknown wherever the frame selector talks to the phone over Wi-Fi
    for v in after["variants"]:
        (ov,) = [f for f in v["latency"]["flows"] if f["flow"] == "overlay"]
        if v["variant"] in ("all-on-glasses", "phone-bluetooth-only"):
            assert ov["total"]["known"], v["variant"]  # no Wi-Fi on the path
        else:
            assert not ov["total"]["known"] and needle in ov["total"]["missing"], v["variant"]
            assert ov["verdict"] == "unknown"
        assert needle in v["missing_inputs"] or v["variant"] == "phone-bluetooth-only"
    # the Bluetooth link, the cellular link and the cost are untouched
    assert all(".links.links[0]" not in p and ".links.links[1]" not in p for p in touched if ".links." in p)
    assert not any(".cost." in p for p in touched)


def test_dropping_an_inference_time_changes_only_where_the_model_runs_there(example) -> None:
    before = analyze_all(example).to_dict()
    data = archkit.io.to_data(example)
    (ocr,) = [c for c in data["components"] if c["id"] == "ocr"]
    del ocr["model"]["inference_time"]["wearable"]
    after = analyze_all(archkit.io.load_data(data)).to_dict()
    needle = "declare model.inference_time for node kind 'wearable' (or node 'glasses') on component 'ocr'"
    touched = _check_only_affected(before, after, needle)
    assert touched and all(p.startswith(".variants[4]") for p in touched), touched  # all-on-glasses only
    assert after["variants"][4]["variant"] == "all-on-glasses"
    assert after["variants"][4]["latency"]["flows"][0]["verdict"] == "unknown"


def test_no_users_makes_user_counts_unknown_not_zero(example) -> None:
    data = archkit.io.to_data(example)
    data.pop("users")
    s = archkit.io.load_data(data)
    vr = analyze_all(s, ["all-on-phone"]).variants[0]
    (ocr,) = [m for m in vr.updates.models if m.model == "ocr"]
    assert not ocr.copies.known and "declare users on the system (or pass --users)" in ocr.copies.missing
    assert not vr.cost.per_user.known
    # per-device figures do not need the number of users
    assert vr.latency.flows[0].total.known
    # and --users fills it in
    vr = analyze_all(s, ["all-on-phone"], Options(users=1000)).variants[0]
    assert [m for m in vr.updates.models if m.model == "ocr"][0].copies.best == 1000
