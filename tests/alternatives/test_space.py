"""Alternative spaces: decisions, components kept together, nodes that cannot hold a component, indexing."""

import numpy as np
import pytest

from archkit.errors import UsageError
from archkit.alternatives import declared_space, generated_space, parse_vary, resolve_spec


def test_parse_vary():
    assert parse_vary(["ocr=glasses, phone,cloud", "a+b=x"]) == {"ocr": ["glasses", "phone", "cloud"], "a+b": ["x"]}
    for bad in (["ocr"], ["=phone"], ["ocr="]):
        with pytest.raises(UsageError, match="COMPONENT=node1,node2"):
            parse_vary(bad)
    with pytest.raises(UsageError, match="twice"):
        parse_vary(["ocr=a", "ocr=b"])


def test_index_and_placement_round_trip(example):
    sp = generated_space(example, {"ocr": ["glasses", "phone", "cloud"], "translator": ["phone", "cloud"]})
    assert sp.size == 6
    for i in range(sp.size):
        pl = sp.placement(i)
        assert sp.index_of(pl) == i
        assert pl["camera"] == example.placement["camera"]
    assert np.array_equal(sp.digits(0, 6), sp.digits_of(np.arange(6)))
    assert sp.name(5) == "ocr=cloud, translator=cloud"


def test_components_kept_together_share_a_node(example):
    sp = generated_space(example, {"ocr": ["glasses", "phone", "cloud"], "translator": ["phone", "cloud"]},
                         together=[["ocr", "translator"]])
    assert sp.size == 2 and sp.decisions[0].components == ("ocr", "translator")
    assert [sp.placement(i)["ocr"] for i in range(2)] == ["phone", "cloud"]
    assert all(sp.placement(i)["ocr"] == sp.placement(i)["translator"] for i in range(2))
    sp = generated_space(example, {"ocr+translator": ["glasses", "cloud"]})
    assert sp.size == 2


def test_a_partner_that_does_not_move_pins_the_group(example):
    sp = generated_space(example, {"ocr": ["glasses", "phone", "cloud"]}, together=[["ocr", "overlay"]])
    assert [d.nodes for d in sp.decisions] == [("glasses",)]


def test_nodes_that_cannot_hold_a_component_are_left_out(example):
    ocr = example.component("ocr")
    big = example.with_element(ocr.with_fields(model=ocr.model.with_fields(memory="3 GB")))
    assert example.component("ocr").model.memory != big.component("ocr").model.memory
    sp = generated_space(big, {"ocr": ["glasses", "phone", "cloud"]})
    assert sp.decisions[0].nodes == ("phone", "cloud")
    (ex,) = sp.exclusions
    assert ex.component == "ocr" and ex.node == "glasses" and "memory" in ex.reason
    with pytest.raises(UsageError, match="no node can hold ocr"):
        generated_space(big, {"ocr": ["glasses"]})


def test_unknown_names_have_suggestions(example):
    with pytest.raises(UsageError, match="did you mean 'translator'"):
        generated_space(example, {"translater": ["phone"]})
    with pytest.raises(UsageError, match="did you mean 'phone'"):
        generated_space(example, {"ocr": ["phnoe"]})
    with pytest.raises(UsageError, match="did you mean 'all-on-phone'"):
        declared_space(example, ["all-on-phnoe"])


def test_every_unreadable_requirement_is_reported_at_once(example):
    with pytest.raises(UsageError) as e:
        resolve_spec(example, ["latncy(overlay) <= 1 s", "offline(overly)"], ["minimze cost"])
    msg = str(e.value)
    assert "latency" in msg and "overlay" in msg and "minimize" in msg


def test_model_requirements_apply_unless_ignored(example):
    reqs, objs = resolve_spec(example)
    assert [r.key for r in reqs] == ["latency(overlay)"] and [o.key for o in objs] == ["cost"]
    reqs, objs = resolve_spec(example, use_model=False)
    assert reqs == [] and objs == []


def test_public_names_of_explore_resolve():
    import archkit.alternatives as ex

    for name in ex.__all__:
        assert getattr(ex, name) is not None, name


def test_import_archkit_does_not_load_the_explorer():
    import subprocess
    import sys

    code = "import sys, archkit; print('archkit.alternatives' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False"
