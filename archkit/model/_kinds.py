"""The vocabularies of kinds (component, connector, node, link medium, purpose), open to extension.

Kinds are plain strings checked against a registry, so a team can add its own
(``register_component_kind("vector_index")``) or write a private one with the ``x-`` prefix
(``kind: x-rules-engine``) without patching archkit. An unknown kind is an error with a
"did you mean" suggestion.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "COMPONENT_KINDS",
    "CONNECTOR_KINDS",
    "NODE_KINDS",
    "LINK_MEDIA",
    "PURPOSES",
    "SENSITIVITIES",
    "register_component_kind",
    "register_node_kind",
    "suggest",
    "ComponentKind",
    "ConnectorKind",
    "NodeKind",
    "LinkMedium",
    "Purpose",
    "Sensitivity",
]

COMPONENT_KINDS: dict[str, str] = {
    "model": "a machine-learned model that makes predictions",
    "feature_encoder": "turns raw inputs into the features a model consumes",
    "business_logic": "ordinary application code that uses predictions",
    "adapter": "glue code that converts data between a model package's format and the code that uses it",
    "datastore": "a database or file store",
    "feature_store": "a shared, versioned store of features and feature code",
    "cache": "a cache of inputs, features or predictions",
    "ui": "what the user sees or touches",
    "sensor": "a source of raw input such as a camera or microphone",
    "gateway": "an entry point that routes requests",
    "queue": "a message queue or log",
    "batch_job": "a scheduled job over data at rest",
    "training_pipeline": "the pipeline that trains models",
    "model_registry": "stores versioned model artifacts",
    "telemetry": "collects and ships telemetry",
    "monitor": "watches telemetry and alerts",
    "safeguard": "non-ML rules that check or bound a model's output",
    "external": "a system outside this design",
}
CONNECTOR_KINDS: dict[str, str] = {
    "sync_call": "a request that waits for its response",
    "async_message": "a message sent without waiting",
    "stream": "a continuous stream of data",
    "batch_transfer": "bulk data moved on a schedule",
    "in_process": "a call inside one process",
}
NODE_KINDS: dict[str, str] = {
    "cloud": "rented servers in a data centre",
    "on_prem": "own servers",
    "edge": "servers or gateways near the users",
    "mobile": "a phone or tablet",
    "wearable": "a device worn by the user, such as glasses or a watch",
    "embedded": "a device with a fixed purpose, such as a car or a camera",
}
LINK_MEDIA: dict[str, str] = {
    "bluetooth": "Bluetooth",
    "wifi": "Wi-Fi",
    "cellular": "cellular data",
    "lan": "a local network",
    "internet": "the public internet",
    "bus": "a bus inside a device",
}
PURPOSES: dict[str, str] = {
    "serving": "carries requests and predictions",
    "training": "carries data used for training",
    "telemetry": "carries telemetry",
    "model_artifact": "carries model files",
    "control": "carries configuration or control",
    "feedback": "carries user feedback or labels",
}
SENSITIVITIES: dict[str, str] = {
    "public": "may be published",
    "internal": "stays inside the organisation",
    "personal": "personal data about users",
    "sensitive": "special categories of personal data, or secrets",
}


def register_component_kind(name: str, description: str) -> None:
    """Add a component kind to the vocabulary for this process."""
    COMPONENT_KINDS[name] = description


def register_node_kind(name: str, description: str) -> None:
    """Add a node kind to the vocabulary for this process."""
    NODE_KINDS[name] = description


def suggest(value: str, choices: Any) -> str | None:
    """The closest known choice to ``value``, if one is close enough."""
    options = [str(c) for c in choices]
    got = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if got:
        return got[0]
    low = value.lower().replace("-", "_").replace(" ", "_")
    for c in options:
        if c == low or c.startswith(low) or low.startswith(c):
            return c
    return None


class _KindAnnotation:
    def __init__(self, what: str, vocabulary: dict[str, str], open_: bool) -> None:
        self.what = what
        self.vocabulary = vocabulary
        self.open = open_

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        what, vocab, open_ = self.what, self.vocabulary, self.open

        def validate(value: Any) -> str:
            if not isinstance(value, str):
                raise PydanticCustomError(
                    "unknown_kind",
                    "{message}",
                    {
                        "message": f"{what} must be text, got {type(value).__name__}",
                        "hint": f"use one of: {', '.join(vocab)}",
                    },
                )
            if value in vocab or (open_ and value.startswith("x-") and len(value) > 2):
                return value
            close = suggest(value, vocab)
            hint = f"did you mean '{close}'?" if close else f"use one of: {', '.join(vocab)}"
            if open_:
                hint += " (a kind of your own can be registered, or written with the 'x-' prefix)"
            raise PydanticCustomError(
                "unknown_kind", "{message}", {"message": f"unknown {what} '{value}'", "hint": hint}
            )

        return core_schema.no_info_plain_validator_function(validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        enum = {"type": "string", "enum": list(self.vocabulary)}
        if self.open:
            return {"anyOf": [enum, {"type": "string", "pattern": "^x-.+"}]}
        return enum


ComponentKind = Annotated[str, _KindAnnotation("component kind", COMPONENT_KINDS, True)]
ConnectorKind = Annotated[str, _KindAnnotation("connector kind", CONNECTOR_KINDS, False)]
NodeKind = Annotated[str, _KindAnnotation("node kind", NODE_KINDS, True)]
LinkMedium = Annotated[str, _KindAnnotation("link medium", LINK_MEDIA, True)]
Purpose = Annotated[str, _KindAnnotation("connector purpose", PURPOSES, False)]
Sensitivity = Annotated[str, _KindAnnotation("data sensitivity", SENSITIVITIES, False)]
