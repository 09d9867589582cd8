"""The elements of an architecture: components, connectors, deployment nodes and network links.

Every element is a pydantic model with ``extra="forbid"`` (a misspelt field is an error, not a
silent no-op) and remembers where it was declared (``element.location``), so that every message
about it can point at a DSL line or a YAML key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from ..errors import Location
from ._kinds import ComponentKind, ConnectorKind, LinkMedium, NodeKind, Purpose, Sensitivity
from ._quantity import MAX_COUNT, Bandwidth, CostPerData, CostPerTime, DataSize, Duration, Energy, Power, Rate

__all__ = [
    "Location",
    "Element",
    "Suppression",
    "Autoscaling",
    "DataField",
    "ModelInfo",
    "Component",
    "Connector",
    "Node",
    "Link",
    "ID_PATTERN",
    "RESPONSIBILITIES",
    "Responsibility",
]


# The defaults of list and mapping fields. Plain functions, not ``list`` and ``dict``: pydantic reads a
# default factory's signature, which for a built-in type Python parses from text (and the first time
# compiles its tokenizer for), a cost every command would pay when the model's validators are built.
def new_list() -> list[Any]:
    """A new empty list."""
    return []


def new_dict() -> dict[Any, Any]:
    """A new empty mapping."""
    return {}


_COUNT_RANGE = re.compile(r"^\s*(\d{1,13})\s*\.\.\s*(\d{1,13})\s*$")
ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.\-]*$"
CONNECTOR_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.\->#]*$"

PropertyValue = str | int | float | bool | list[str]

Responsibility = Literal["ingest", "clean", "encode", "train", "evaluate", "infer", "report", "business_logic"]
"""The jobs a component can declare that it does (``Component.responsibilities``)."""
RESPONSIBILITIES: tuple[str, ...] = (
    "ingest",
    "clean",
    "encode",
    "train",
    "evaluate",
    "infer",
    "report",
    "business_logic",
)


class Element(BaseModel):
    """Base of every model object: no unknown fields, and a source location kept on the side."""

    # no infinities or NaN in any float field: every analysis gets finite numbers
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=False,
        use_attribute_docstrings=False,
        allow_inf_nan=False,
        defer_build=True,
    )

    _location: Location | None = PrivateAttr(default=None)
    # Validation leaves the private part unset (None) until a location is attached, instead of calling
    # pydantic's post-init hook on every element (and every nested one) only to store the default: on a
    # large model that hook costs a third of the validation. ``location`` and ``at`` allow for None.

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.__pydantic_post_init__ = None

    @property
    def location(self) -> Location | None:
        """Where this element was declared (DSL file:line, or file and key path), when known."""
        private = self.__pydantic_private__
        return private.get("_location") if private else None

    def at(self, location: Location | None) -> Self:
        """Attach a source location and return self."""
        private = self.__pydantic_private__
        if private is None:
            object.__setattr__(self, "__pydantic_private__", {"_location": location})
        else:
            private["_location"] = location
        return self

    def with_fields(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated like a new element; the location is kept.

        Elements are immutable: this (or ``model_copy(update=...)``, which does not validate) is how
        a changed element is made. Put it in a system with :meth:`System.with_element`.
        """
        return type(self).model_validate({**dict(self), **changes}).at(self.location)

    def __eq__(self, other: object) -> bool:
        # Equality is about content: where an element was declared does not change what it is.
        if type(self) is not type(other):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]


Element.__pydantic_post_init__ = None


class Suppression(Element):
    """A lint rule switched off for one element, with the reason why (mandatory)."""

    rule: str = Field(description="Id of the lint rule to suppress, e.g. 'undeclared-consumers'.", min_length=1)
    reason: str = Field(description="Why the finding does not apply here; kept in reports.", min_length=3)


class Autoscaling(Element):
    """Bounds for the number of replicas of a component."""

    min_replicas: int = Field(1, ge=0, le=MAX_COUNT, description="Fewest replicas kept running.")
    max_replicas: int = Field(1, ge=1, le=MAX_COUNT, description="Most replicas started under load.")
    target_utilization: float | None = Field(
        None, gt=0, le=1, description="Utilisation (0..1] the autoscaler aims for; default 0.7 in capacity planning."
    )


class DataField(Element):
    """One input or output of a model: its name, type, unit and meaning (for model documentation)."""

    name: str = Field(description="Name of the field.")
    type: str = Field(description="Data type, e.g. 'image/png', 'string', 'float32[300]'.")
    unit: str | None = Field(None, description="Unit or encoding, e.g. 'pixels', 'ISO 639-1 code'.")
    meaning: str | None = Field(None, description="What the value means.")


class ModelInfo(Element):
    """What a machine-learned model is and how it behaves: the raw material for model cards."""

    task: str | None = Field(None, description="What the model predicts, e.g. 'optical character recognition'.")
    framework: str | None = Field(None, description="Library or runtime, e.g. 'tesseract', 'onnxruntime'.")
    inputs: list[DataField] = Field(default_factory=new_list, description="Inputs with types, units and meaning.")
    outputs: list[DataField] = Field(default_factory=new_list, description="Outputs with types, units and meaning.")
    size: DataSize | None = Field(None, description="Size of the model artifact on disk, e.g. '15 MB'.")
    memory: DataSize | None = Field(None, description="Memory needed to hold the loaded model, e.g. '200 MB'.")
    inference_time: dict[str, Duration] = Field(
        default_factory=new_dict,
        description="Time for one prediction, per node kind or node id, e.g. {'mobile': '80..200 ms', 'cloud': '20 ms'}.",
    )
    update_period: Duration | None = Field(None, description="How often a new version is released, e.g. '30 d'.")
    requires_gpu: bool = Field(False, description="Whether inference needs a GPU.")
    accuracy: dict[str, str] = Field(
        default_factory=new_dict,
        description="Accuracy figures by metric or data slice, e.g. {'character accuracy': '0.995'}.",
    )
    training_data: str | None = Field(None, description="What the model was trained on.")
    evaluation_data: str | None = Field(None, description="What the model was evaluated on.")
    intended_use: str | None = Field(None, description="The use the model was built for.")
    out_of_scope_use: str | None = Field(None, description="Uses the model is not meant for.")
    limitations: list[str] = Field(default_factory=new_list, description="Known conditions that degrade the model.")
    ethical_considerations: list[str] = Field(
        default_factory=new_list, description="Fairness, safety, privacy concerns."
    )
    license: str | None = Field(None, description="License of the model artifact.")
    ip_sensitive: bool | None = Field(None, description="Whether the model itself is intellectual property to protect.")
    architecture: str | None = Field(
        None, description="Model type and algorithm, e.g. 'LSTM line recogniser' (model card: model details)."
    )
    references: list[str] = Field(
        default_factory=new_list, description="Papers, pages or citations with more about the model (model details)."
    )
    contact: str | None = Field(None, description="Where to send questions or comments about the model.")
    domain: str | None = Field(None, description="The domain the model is meant for, e.g. 'street signs' (FactSheet).")
    factors: list[str] = Field(
        default_factory=new_list,
        description="Groups, instruments and environments that change how the model performs (model card: factors).",
    )
    metrics: list[str] = Field(
        default_factory=new_list,
        description="Performance measures used and why, decision thresholds (model card: metrics).",
    )
    recommendations: list[str] = Field(
        default_factory=new_list, description="Advice to users of the model (model card: caveats and recommendations)."
    )
    robustness: list[str] = Field(
        default_factory=new_list,
        description="How the model was checked against shifted or adversarial input (FactSheet).",
    )
    test_conditions: str | None = Field(
        None, description="Under which conditions the model was tested: hardware, data, settings (FactSheet)."
    )


class Component(Element):
    """A piece of the system: a model, a feature encoder, business logic, a store, a sensor, ..."""

    id: str = Field(pattern=ID_PATTERN, description="Unique identifier, used in references.")
    name: str | None = Field(None, description="Human-readable name; defaults to the id.")
    kind: ComponentKind = Field(description="What sort of component this is (model, ui, datastore, ...).")
    description: str | None = Field(None, description="What the component does.")
    owner: str | None = Field(None, description="Team or person responsible.")
    version: str | None = Field(None, description="Version of the component.")
    language: str | None = Field(None, description="Implementation language, e.g. 'python', 'kotlin'.")
    stateless: bool | None = Field(None, description="Whether requests can go to any replica.")
    replicas: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="Fixed number of replicas (server-side components)."
    )
    autoscaling: Autoscaling | None = Field(None, description="Replica bounds when the component autoscales.")
    processing_time: Duration | None = Field(
        None, description="Time to handle one request on any node, e.g. '2..5 ms'. Models use model.inference_time."
    )
    processing_time_on: dict[str, Duration] = Field(
        default_factory=new_dict, description="Processing time per node kind or node id, overriding processing_time."
    )
    cpus: float | None = Field(None, gt=0, le=MAX_COUNT, description="CPU cores one replica uses (may be fractional).")
    memory: DataSize | None = Field(None, description="Memory one replica needs, e.g. '300 MB'.")
    storage: DataSize | None = Field(None, description="Disk one replica needs (code, data; models add model.size).")
    gpus: float = Field(0, ge=0, le=MAX_COUNT, description="GPUs one replica needs.")
    data_sensitivity: Sensitivity | None = Field(
        None, description="Most sensitive data the component handles: public, internal, personal or sensitive."
    )
    implementation: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.]*$",
        description="Python class that implements it, as 'module:Class' (used by archkit deploy).",
    )
    config: dict[str, PropertyValue] = Field(
        default_factory=new_dict, description="Settings passed to the implementation when it is deployed."
    )
    model: ModelInfo | None = Field(None, description="Model metadata; expected when kind is 'model'.")
    status: Literal["production", "experimental", "deprecated"] | None = Field(
        None, description="Lifecycle state: production, experimental or deprecated."
    )
    origin: Literal["engineered", "prototype", "notebook", "generated", "third_party"] | None = Field(
        None, description="How the code came about (a notebook export reads differently from engineered code)."
    )
    lines_of_code: int | None = Field(
        None, ge=0, description="Size of the component's own code in lines, e.g. 2400 (glue against ML code)."
    )
    responsibilities: list[Responsibility] = Field(
        default_factory=new_list,
        description="The jobs the component does, from: ingest, clean, encode, train, evaluate, infer, report, "
        "business_logic (three or more in one component is a big script).",
    )
    corrects: list[str] = Field(
        default_factory=new_list,
        description="Ids of models whose output this model adjusts for a similar problem (a correction on top of them).",
    )
    influences: list[str] = Field(
        default_factory=new_list,
        description="Ids of components whose data this component's outputs change through the world, e.g. the "
        "click log shaped by what a recommender shows.",
    )
    feedback_loop: str | None = Field(
        None,
        description="How a known feedback loop through this model's outputs is kept in check, e.g. "
        "'5 % of slates are random'; declaring it acknowledges the loop.",
    )
    properties: dict[str, PropertyValue] = Field(
        default_factory=new_dict,
        description="Further attributes for plug-ins and checks, e.g. {'aggregation': 'vote'}.",
    )
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @property
    def label(self) -> str:
        """The name if set, else the id."""
        return self.name or self.id


class Connector(Element):
    """A directed interaction between two components: source sends to (or calls) target."""

    id: str = Field(pattern=CONNECTOR_ID_PATTERN, description="Unique identifier; defaults to 'source->target'.")
    source: str = Field(description="Id of the component that sends or calls.")
    target: str = Field(description="Id of the component that receives or is called.")
    kind: ConnectorKind = Field(
        "sync_call", description="sync_call, async_message, stream, batch_transfer or in_process."
    )
    description: str | None = Field(None, description="What travels over it.")
    request_size: DataSize | None = Field(None, description="Bytes sent per request or message, e.g. '2.7 MB'.")
    response_size: DataSize | None = Field(None, description="Bytes returned per call (sync_call only), e.g. '1 kB'.")
    rate: Rate | None = Field(
        None, description="Requests or messages per time at peak, per source device, e.g. '2 /s'."
    )
    purpose: Purpose = Field(
        "serving", description="serving, training, telemetry, model_artifact, control or feedback."
    )
    op: Literal["invoke", "read", "write"] = Field(
        "invoke", description="invoke (default), read (data flows target->source) or write (source->target)."
    )
    consumers: list[str] = Field(
        default_factory=new_list, description="Components declared as consumers of what this connector carries."
    )
    conditional: bool = Field(False, description="Whether it is used only for some upstream events.")
    share: float | None = Field(None, gt=0, le=1, description="Fraction of the source's events that use it (0..1].")
    protocol: str | None = Field(None, description="Protocol or format, e.g. 'gRPC', 'HTTP/JSON'.")
    data_sensitivity: Sensitivity | None = Field(None, description="Sensitivity of what it carries, if known.")
    encrypted: bool | None = Field(None, description="Whether the payload is encrypted in transit.")
    properties: dict[str, PropertyValue] = Field(default_factory=new_dict, description="Further attributes.")
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @property
    def synchronous(self) -> bool:
        """True for calls whose caller waits (sync_call and in_process)."""
        return self.kind in ("sync_call", "in_process")

    @property
    def legs(self) -> tuple[tuple[str, str, str], ...]:
        """The ways data travels on this connector: ``(from component, to component, leg)`` per leg.

        The request leg carries the source's data to the target (for a read, the query). The
        response leg carries the target's data back to the source: on every read, and on a
        synchronous call that answers (purpose serving or training, or a declared response_size).
        """
        request = (self.source, self.target, "request")
        answers = self.op == "read" or (
            self.synchronous
            and self.op == "invoke"
            and (
                self.purpose in ("serving", "training")
                or (self.response_size is not None and self.response_size.hi > 0)
            )
        )
        return (request, (self.target, self.source, "response")) if answers else (request,)


class Node(Element):
    """A deployment node: a kind of machine or device that components run on."""

    id: str = Field(pattern=ID_PATTERN, description="Unique identifier, used in placements and links.")
    name: str | None = Field(None, description="Human-readable name; defaults to the id.")
    kind: NodeKind = Field(description="cloud, on_prem, edge, mobile, wearable or embedded.")
    description: str | None = Field(None, description="What the node is.")
    cpu_cores: float | None = Field(None, gt=0, le=MAX_COUNT, description="CPU cores available to components.")
    gpus: float = Field(0, ge=0, le=MAX_COUNT, description="GPUs available.")
    memory: DataSize | None = Field(None, description="Memory available to components, e.g. '2 GB'.")
    storage: DataSize | None = Field(None, description="Storage available, e.g. '16 GB'.")
    battery: Energy | None = Field(None, description="Battery capacity, e.g. '2.1 Wh'.")
    power: Power | None = Field(None, description="Power drawn while busy, for battery estimates, e.g. '1.5 W'.")
    count: Annotated[
        int,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
                    {"type": "string", "pattern": r"^\s*\d+\s*\.\.\s*\d+\s*$"},
                ]
            }
        ),
    ] = Field(
        1,
        ge=1,
        le=MAX_COUNT,
        description="How many of these nodes exist: a fixed fleet, e.g. 4; or 'min..max', e.g. '2..20', for a "
        "fleet that scales between min_count and count with the load.",
    )
    min_count: int | None = Field(
        None,
        ge=0,
        le=MAX_COUNT,
        description="The fewest nodes of a fleet that scales (count is the most); unset: the fleet is fixed at count. "
        "count: '2..20' sets both.",
    )
    per_user: float | None = Field(
        None,
        gt=0,
        le=MAX_COUNT,
        description="Devices per user; when set, the count follows the number of users (e.g. 1 phone each).",
    )
    cost_per_hour: CostPerTime | None = Field(None, description="Operating cost per node and hour, e.g. '0.40 USD/h'.")
    availability: float | None = Field(None, gt=0, le=1, description="Fraction of time the node is up (0..1].")
    properties: dict[str, PropertyValue] = Field(default_factory=new_dict, description="Further attributes.")
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @model_validator(mode="before")
    @classmethod
    def _count_range(cls, data: Any) -> Any:
        """``count: 'min..max'`` is short for ``min_count: min`` and ``count: max``."""
        if isinstance(data, dict) and isinstance(data.get("count"), str):
            m = _COUNT_RANGE.match(data["count"])
            if m is not None and "min_count" not in data:
                return {**data, "min_count": int(m.group(1)), "count": int(m.group(2))}
        return data

    @field_validator("min_count")
    @classmethod
    def _fewest_not_above_most(cls, v: int | None, info: Any) -> int | None:
        most = info.data.get("count")
        if v is not None and isinstance(most, int) and v > most:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "quantity_order",
                "{message}",
                {
                    "message": f"the fewest nodes ({v}) is more than the most ({most})",
                    "hint": "write count as 'min..max' with min at most max, e.g. '2..20'",
                },
            )
        return v

    @property
    def scales(self) -> bool:
        """True for a fleet that scales between ``min_count`` and ``count`` nodes."""
        return self.min_count is not None and self.per_user is None

    @property
    def fewest(self) -> int:
        """The fewest nodes running: ``min_count`` for a fleet that scales, else ``count``."""
        return self.min_count if self.scales else self.count  # type: ignore[return-value]

    @property
    def size_text(self) -> str:
        """The fleet's declared size: '4', or '2..20' for a fleet that scales."""
        return f"{self.min_count}..{self.count}" if self.scales else f"{self.count}"

    @property
    def label(self) -> str:
        """The name if set, else the id."""
        return self.name or self.id

    @property
    def client_side(self) -> bool:
        """True for user-side devices (mobile, wearable, embedded)."""
        return self.kind in ("mobile", "wearable", "embedded")

    @property
    def user_device(self) -> bool:
        """True for a user's own device: one per user (``per_user``) or a client-side kind.

        Data that leaves every user device on its way leaves the user's hands (the privacy analysis).
        """
        return self.per_user is not None or self.client_side


class Link(Element):
    """A network link between two nodes. Bandwidth applies in both directions unless reverse is given."""

    id: str = Field(pattern=ID_PATTERN, description="Unique identifier; defaults to 'a--b' style '<a>-<b>'.")
    ends: tuple[str, str] = Field(description="The two node ids it joins, [a, b].")
    medium: LinkMedium = Field(description="bluetooth, wifi, cellular, lan, internet or bus.")
    description: str | None = Field(None, description="What the link is.")
    bandwidth: Bandwidth | None = Field(None, description="Throughput a->b (and b->a if no reverse), e.g. '3 Mbit/s'.")
    bandwidth_reverse: Bandwidth | None = Field(None, description="Throughput b->a when it differs.")
    latency: Duration | None = Field(None, description="One-way latency, e.g. '40..200 ms'.")
    cost_per_gb: CostPerData | None = Field(None, description="Price of data sent over it, e.g. '10 USD/GB'.")
    intermittent: bool = Field(False, description="Whether the link can be down (e.g. no cellular coverage).")
    availability: float | None = Field(None, gt=0, le=1, description="Fraction of time the link is up (0..1].")
    properties: dict[str, PropertyValue] = Field(default_factory=new_dict, description="Further attributes.")
    suppress: list[Suppression] = Field(
        default_factory=new_list, description="Lint rules switched off here, with reasons."
    )

    @field_validator("ends")
    @classmethod
    def _distinct(cls, v: tuple[str, str]) -> tuple[str, str]:
        if v[0] == v[1]:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "self_link",
                "{message}",
                {
                    "message": f"a link joins a node to itself ('{v[0]}')",
                    "hint": "a link joins two different nodes; components on one node need no link",
                },
            )
        return v

    def other(self, node: str) -> str:
        """The end that is not ``node``."""
        return self.ends[1] if node == self.ends[0] else self.ends[0]

    def bandwidth_field_from(self, node: str) -> str:
        """Which field gives the bandwidth leaving ``node``: 'bandwidth_reverse' from the second end
        when declared, else 'bandwidth'."""
        if node == self.ends[1] and self.bandwidth_reverse is not None:
            return "bandwidth_reverse"
        return "bandwidth"

    def bandwidth_from(self, node: str) -> Any:
        """Bandwidth in the direction leaving ``node``."""
        return getattr(self, self.bandwidth_field_from(node))
