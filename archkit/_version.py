"""The version of archkit (one place, read by the package and by the output formats that record it)."""

__version__ = "0.1.0"
