"""The built-in detectors, one module per category; importing this package registers them all."""

from . import antipatterns, checks, composition, data, fit, integration, operations, placement, serving, training  # noqa: F401
