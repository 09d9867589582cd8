"""The public names of archkit.views and archkit.export resolve; importing them stays light."""

from __future__ import annotations

import subprocess
import sys


def test_public_names_resolve():
    import archkit.export
    import archkit.views

    for mod in (archkit.views, archkit.export):
        for name in mod.__all__:
            assert getattr(mod, name) is not None, (mod.__name__, name)


def test_views_do_not_import_diagrams_until_the_icon_style_is_used():
    code = ("import sys, archkit.views, archkit.export; "
            "print(','.join(m for m in ('diagrams', 'ray', 'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_missing_diagrams_gives_the_install_hint(monkeypatch, ar):
    import pytest

    from archkit.errors import MissingDependencyError
    from archkit.views import build_view

    monkeypatch.setitem(sys.modules, "diagrams", None)  # as if not installed: importing it fails
    with pytest.raises(MissingDependencyError, match=r"pip install 'archkit\[diagrams\]'"):
        build_view(ar, "logical").render("svg", "icons")
