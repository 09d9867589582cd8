"""Quantities read by people show no float tails; files keep the exact value."""

import archkit
from archkit import Component, Node, System, connect
from archkit.io import to_yaml
from archkit.model import Quantity


def test_a_computed_value_shows_four_significant_digits_and_a_declared_one_as_written():
    assert str(Quantity.parse("1 /(3 d)", "rate")) == "2.333 /week"
    assert repr(Quantity.parse("1 /(3 d)", "rate")) == "Quantity('2.333333333333333 /week')"
    assert str(Quantity.parse("2.7648 MB", "data")) == "2.7648 MB"
    assert str(Quantity.parse("3.123456 ms", "duration")) == "3.123456 ms"
    assert str(Quantity.parse("0.07142857142857144 /day", "rate")) == "0.5 /week"


def test_labels_and_tables_show_the_short_text_and_the_file_the_exact_one(tmp_path):
    with System("labels") as s:
        with Node("phone", kind="mobile"):
            a = Component("a", kind="ui")
            b = Component("b", kind="datastore")
        connect(a, b, request_size="1 kB", rate="1 /(3 d)")
    model = s.build()
    from archkit.views import build_view

    dot = build_view(model, "dataflow").dot()
    assert "2.333 /week" in dot and "2.3333333" not in dot
    text = to_yaml(model)
    assert "2.333333333333333 /week" in text
    assert archkit.loads(text, "m.yaml") == model
