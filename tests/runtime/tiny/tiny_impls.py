"""Implementations of the tiny test system (archkit's implementation protocol)."""

from archkit.runtime import BadInput


class Entry:
    """Accepts UTF-8 text; refuses anything else as the client's error."""

    accepts = ("text/plain",)
    max_body_bytes = 1000

    def __call__(self, payload):
        try:
            return {"text": payload["body"].decode("utf-8")}
        except UnicodeDecodeError:
            raise BadInput("the body is not UTF-8 text", 422) from None


class Upper:
    """Upper-cases the text and adds a configured suffix."""

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix

    async def __call__(self, payload):
        return {"upper": payload["text"].upper() + self.suffix}


class Count:
    """Counts the letters of the upper-cased text."""

    def __call__(self, payload):
        return {"letters": sum(ch.isalpha() for ch in payload["upper"])}
