"""Catalog entries shipped as data: one Markdown file per pattern, anti-pattern or check.

Installed as the package ``archkit._patterns`` (see setup.py); read with importlib.resources.
"""
