import importlib
import subprocess
import sys

import archkit


def test_every_public_name_resolves():
    for name in archkit.__all__:
        assert getattr(archkit, name) is not None, name
    for name in archkit.model.__all__:
        assert getattr(archkit.model, name) is not None, name


def test_import_is_light():
    # the core must not pull in heavy optional parts
    code = "import sys, archkit; print(','.join(m for m in ('ray', 'fastapi', 'diagrams', 'pint', 'tesserocr') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_errors_module_documents_hierarchy():
    errors = importlib.import_module("archkit.errors")
    for cls in ("ValidationError", "LoadError", "UsageError", "MissingDependencyError"):
        assert cls in errors.__doc__
        assert issubclass(getattr(errors, cls), errors.ArchkitError)
