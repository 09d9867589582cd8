"""Package layout that pyproject.toml cannot express on its own.

The catalog entries live in the top-level ``patterns/`` folder (easy to find and review) and ship
inside the wheel as the package ``archkit._patterns``; editable installs map it the same way.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["archkit", "archkit.*"]), "archkit._patterns"],
    package_dir={"archkit._patterns": "patterns"},
)
