"""The built-in detectors, one module per category; importing this package registers them all."""

from . import (  # noqa: F401
    antipatterns,
    checks,
    composition,
    data,
    dependencies,
    documentation,
    fit,
    integration,
    operations,
    placement,
    serving,
    training,
)
