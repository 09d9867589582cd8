"""A Python model file: which system it defines."""

import pytest

import archkit
from archkit.errors import LoadError

BUILDER_AND_BUILT = """\
from archkit import System, Node, Component
with System("one") as s:
    with Node("phone", kind="mobile"):
        Component("app", kind="ui")
model = s.build()
"""


def test_a_builder_and_the_system_it_built_are_one_system(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(BUILDER_AND_BUILT)
    assert archkit.load(f).name == "one"


def test_two_builders_are_two_systems_even_when_one_is_built(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(BUILDER_AND_BUILT + "with System('two') as t:\n    pass\n")
    with pytest.raises(LoadError) as info:
        archkit.load(f)
    problem = info.value.problems[0]
    assert problem.code == "AK009" and "model, t" in problem.message


def test_a_system_built_from_another_builder_is_not_merged(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(BUILDER_AND_BUILT + "with System('one') as t:\n    pass\n")
    with pytest.raises(LoadError) as info:
        archkit.load(f)
    assert "model, t" in info.value.problems[0].message
