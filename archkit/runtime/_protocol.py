"""What a component implementation looks like to ``archkit deploy``, and the errors it may raise.

An implementation is a plain Python class named in the model as ``"module:Class"``::

    class Ocr:
        def __init__(self, **config): ...                 # the component's ``config`` as keywords
        def __call__(self, payload: dict) -> dict: ...    # or ``async def``

Each step of a flow receives the payload built so far (a dict of named values) and returns a
dict of new or changed values, which is merged into the payload and handed to the next step.
The HTTP ingress starts the payload as ``{"body": <request bytes>, "content_type": <type>}`` and
answers with the final payload as JSON (byte values left out) plus ``timings``. Keys that start
with an underscore hold in-process values (a decoded image, say): steps in the same deployment
see them, but they are not sent to another deployment nor returned to the client.

The entry component's class may declare what the ingress accepts::

    accepts = ("image/png", "image/jpeg")   # anything else -> HTTP 415
    max_body_bytes = 8_000_000              # larger bodies -> HTTP 413

Plain (non-async) ``__call__`` methods run in a worker thread, so they may block; an
implementation that holds one engine per replica must guard it with a lock.
"""

from __future__ import annotations

from ..errors import ArchkitError

__all__ = ["BadInput", "LinkDown", "DEFAULT_MAX_BODY_BYTES"]

#: Request body limit when the entry component does not declare ``max_body_bytes``.
DEFAULT_MAX_BODY_BYTES = 10_000_000


class BadInput(ArchkitError, ValueError):
    """The request is the client's mistake; the ingress answers with ``status`` (4xx), not 500.

    Args:
        message: what is wrong with the input, said so the client can fix it.
        status: the HTTP status to answer with (400-499; 422 by default).
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status if 400 <= status < 500 else 422

    def __reduce__(self):  # keeps ``status`` when Ray pickles the error between replicas
        return (BadInput, (self.message, self.status))


class LinkDown(ArchkitError, ConnectionError):
    """A call had to cross a declared link that is down in the deployed variant.

    Args:
        link: id of the link that is down.
        connector: id of the connector whose call needed it.
        variant: the deployed variant, if any.
    """

    def __init__(self, link: str, connector: str, variant: str | None = None) -> None:
        where = f" in variant {variant!r}" if variant else ""
        super().__init__(f"link {link!r} is down{where}: the call over connector {connector!r} cannot reach its target")
        self.link = link
        self.connector = connector
        self.variant = variant

    def __reduce__(self):
        return (LinkDown, (self.link, self.connector, self.variant))
