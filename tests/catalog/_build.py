"""Small builders of test systems for the catalog tests."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from archkit import Component, Link, Model, Node, System, connect

__all__ = ["build", "two_tier", "Component", "Model", "Node", "Link", "connect", "System"]


def build(declare: Callable[[], object], name: str = "t"):
    """Run ``declare`` inside a fresh System and return the validated model."""
    with System(name) as s:
        declare()
    return s.build()


@contextmanager
def two_tier() -> Iterator[tuple[Node, Node]]:
    """A phone and a cloud node joined by a cellular link."""
    phone = Node("phone", kind="mobile", memory="4 GB")
    cloud = Node("cloud", kind="cloud", memory="32 GB")
    Link(phone, cloud, medium="cellular", bandwidth="10 Mbit/s", latency="50 ms")
    yield phone, cloud
