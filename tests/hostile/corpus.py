"""The hostile corpus: crafted model files, each with what archkit must make of it.

Every case is a file name and its bytes. ``valid`` says whether the model is valid (its hostile
text must then come out of every output as text) or must be refused (exit 1 or 2, with a message
that names the file). Classes: unsafe YAML tags, alias and merge bombs, deep nesting, junk and
encodings, duplicate keys, quantities built to hang or overflow, numbers out of bounds, structure
errors, injection through names in every output format, Python models that print, exit, loop or
fail, and JSON's own oddities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Case", "CASES", "INJECTIONS", "LOAD_ONLY", "REFUSED"]


@dataclass(frozen=True)
class Case:
    """One crafted file: ``valid`` models must pass cleanly and show ``values`` as text everywhere."""

    name: str
    filename: str
    data: bytes
    valid: bool = False
    values: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    # commands to run (labels of tests/hostile/worker.py); None: every command but the slow ones
    commands: tuple[str, ...] | None = None


# what a model whose loading is stopped by the time limit goes through (each command loads it again)
LOAD_ONLY = ("validate", "analyze-json", "render-svg")
# what a file that must be refused goes through: each reporting command and each kind of file output
REFUSED = ("validate", "validate-json", "analyze", "lint-sarif", "render-svg", "export-structurizr")


def base() -> dict[str, Any]:
    """A small valid model: two nodes, a link, three components, two connectors, a flow and a variant."""
    return {
        "name": "hostile",
        "description": "a small model",
        "users": 1000,
        "nodes": [
            {"id": "phone", "kind": "mobile", "name": "Phone", "cpu_cores": 4, "memory": "2 GB", "per_user": 1},
            {"id": "cloud", "kind": "cloud", "name": "Cloud", "cost_per_hour": "0.4 USD/h", "count": 2},
        ],
        "links": [{"id": "net", "ends": ["phone", "cloud"], "medium": "cellular", "bandwidth": "5..20 Mbit/s",
                   "latency": "30..100 ms", "cost_per_gb": "1 USD/GB"}],
        "components": [
            {"id": "app", "kind": "ui", "name": "App", "processing_time": "1 ms"},
            {"id": "model", "kind": "model", "name": "Model", "description": "a model",
             "model": {"task": "tagging", "size": "40 MB", "inference_time": {"cloud": "30..80 ms"}}},
            {"id": "store", "kind": "datastore", "name": "Store", "processing_time": "2 ms"},
        ],
        "connectors": [
            {"id": "call", "source": "app", "target": "model", "kind": "sync_call", "request_size": "300 kB",
             "response_size": "1 kB", "rate": "1 /s"},
            {"id": "save", "source": "model", "target": "store", "kind": "async_message", "request_size": "1 kB",
             "rate": "1 /s"},
        ],
        "placement": {"app": "phone", "model": "cloud", "store": "cloud"},
        "variants": [{"name": "on-phone", "description": "the model on the phone", "placement": {"model": "phone"}}],
        "flows": [{"id": "tag", "name": "Tag a photo", "steps": ["call"], "latency_budget": "500 ms"}],
    }


def _yaml(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _with(**changes: Any) -> dict[str, Any]:
    d = base()
    d.update(changes)
    return d


def _set(path: str, value: Any) -> dict[str, Any]:
    """The base model with one value replaced; ``path`` like 'nodes.0.count'."""
    d = base()
    *head, last = path.split(".")
    target: Any = d
    for part in head:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return d


def _text(text: str) -> bytes:
    return text.encode("utf-8")


# -- names that try to break out of each output format -----------------------------------------
INJECTIONS: dict[str, str] = {
    "rich-close": "[/]",
    "rich-bold": "x[/bold]y[bold]z",
    "rich-link": "[link=javascript:alert(1)]click[/link]",
    "ansi-clear": "a\x1b[2J\x1b[Hb",
    "ansi-title": "\x1b]0;owned\x07title",
    "ansi-csi-8bit": "c\x9b31mred",
    "bell-backspace": "ding\x07\x08\x08xx",
    "html-script": "<script>alert(1)</script>",
    "html-attr": '"><svg onload=alert(1)>',
    "html-entity": "&lt;b&gt; &amp; &#106;avascript:",
    "dot-html-label": "<<B>bold</B>>",
    "dot-escapes": "\\N \\G \\L \\\\ \\\"",
    "dot-quote": 'a" ];\nevil [label="x',
    "svg-link": "<a xlink:href=\"javascript:alert(7)\">x</a>",
    "mermaid-break": '"]\n  evil["x',
    "mermaid-entities": "#quot; #lt; #35; %% click x call alert()",
    "mermaid-markdown": "`**bold**` ~~s~~",
    "structurizr-cr": "name\r!include https://example.invalid/x.dsl",
    "structurizr-newline": "name\n!include x\n}",
    "structurizr-subst": "${NAME} !const X y",
    "line-separators": "a\u2028b\u2029c\x85d\x0bE\x0cF",
    "bidi": "abc\u202edcba\u2066x\u2069",
    "markdown": "# h\n- li\n| a | b |\n[x](javascript:y) ![i](x) <b>",
    "nul-and-controls": "n\x00u\x01l\x7f",
    "non-characters": "end\ufffe\uffff",
    "long": "Ω" * 1500,
    "emoji-codes": ":smile: :cross_mark: 😀 👨‍👩‍👧",
    "backslashes": "C:\\temp\\new\\x41 \\",
    "json-ish": '{"a": [1, 2]} \\u0000 \\" ',
}


def _injection_cases() -> list[Case]:
    out = []
    for key, value in INJECTIONS.items():
        d = base()
        d["name"] = f"sys {value}"
        d["description"] = f"desc {value}"
        d["nodes"][0]["name"] = f"node {value}"
        d["nodes"][1]["description"] = f"cloud {value}"
        d["components"][0]["name"] = f"comp {value}"
        d["components"][1]["description"] = f"model {value}"
        d["components"][1]["model"]["task"] = f"task {value}"
        d["flows"][0]["name"] = f"flow {value}"
        d["variants"][0]["description"] = f"variant {value}"
        d["links"][0]["description"] = f"link {value}"
        values = (f"sys {value}", f"node {value}", f"comp {value}")
        out.append(Case(f"inject-{key}", f"inject-{key}.yaml", _yaml(d), valid=True, values=values))
    # the same names declared through the Python DSL
    out.append(Case("inject-dsl", "inject-dsl.py", _text(
        "from archkit import System, Node, Component, Model, Link, Flow\n"
        f"EVIL = {INJECTIONS['rich-bold'] + INJECTIONS['html-script'] + INJECTIONS['ansi-clear']!r}\n"
        "with System('dsl ' + EVIL) as s:\n"
        "    with Node('phone', kind='mobile', name='node ' + EVIL):\n"
        "        app = Component('app', kind='ui', name='comp ' + EVIL)\n"
        "    with Node('cloud', kind='cloud', cost_per_hour='0.40 USD/h'):\n"
        "        m = Model('m', task='t', size='40 MB', inference_time={'cloud': '30..80 ms'})\n"
        "    Link('phone', 'cloud', medium='cellular', bandwidth='5..20 Mbit/s', latency='30..100 ms')\n"
        "    call = (app >> m).set(request_size='300 kB', response_size='1 kB', rate='1 /s')\n"
        "    Flow('f', steps=[call], latency_budget='500 ms', name='flow ' + EVIL)\n"
    ), valid=True, values=("dsl " + INJECTIONS["rich-bold"] + INJECTIONS["html-script"] + INJECTIONS["ansi-clear"],)))
    # Python strings can hold what no YAML file can: an unpaired surrogate
    lone = "sys lone \ud800 surrogate"
    out.append(Case("inject-surrogate-dsl", "inject-surrogate.py", _text(
        "from archkit.io import load_data\n"
        f"model = load_data({_with(name=lone)!r})\n"
    ), valid=True, values=(lone,)))
    return out


def _yaml_cases() -> list[Case]:
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    merge = ["b0: &b0 {k0: 1}"] + [f"b{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}], k{i}: {i}}}" for i in range(1, 40)]
    return [
        Case("tag-python-apply", "tag-apply.yaml", _text('name: !!python/object/apply:os.system ["touch pwned"]\n')),
        Case("tag-python-name", "tag-name.yaml", _text("name: !!python/name:os.system\n")),
        Case("tag-python-new", "tag-new.yaml", _text("name: !!python/object/new:subprocess.Popen [[touch, x]]\n")),
        Case("tag-python-module", "tag-module.yaml", _text("name: !!python/module:os\n")),
        Case("tag-python-tuple-key", "tag-tuple.yaml", _text("? !!python/tuple [a, b]\n: 1\n")),
        Case("tag-custom", "tag-custom.yaml", _text("name: x\ncomponents:\n  - !custom {id: a}\n")),
        Case("tag-local-global", "tag-global.yaml", _text("name: !<tag:evil.example,2024:x> y\n")),
        Case("tag-binary", "tag-binary.yaml", _text("name: !!binary aGVsbG8=\n")),
        Case("tag-set", "tag-set.yaml", _text("name: x\nproperties: !!set {a, b}\n")),
        Case("alias-bomb", "alias-bomb.yaml", _text("\n".join(bomb + ["name: x"]) + "\n")),
        Case("merge-bomb", "merge-bomb.yaml", _text("\n".join(merge + ["name: x"]) + "\n")),
        Case("alias-recursive", "alias-recursive.yaml", _text("a: &a [*a]\nname: x\n")),
        Case("alias-undefined", "alias-undefined.yaml", _text("name: *nothing\n")),
        Case("deep-yaml-flow", "deep-flow.yaml", _text("name: x\nproperties: " + "[" * 5000 + "]" * 5000 + "\n")),
        Case("deep-yaml-block", "deep-block.yaml", _text("name: x\nproperties:\n" + "".join(
            "  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "v\n")),
        Case("deep-yaml-maps", "deep-maps.yaml", _text("name: x\nproperties: " + "{a: " * 3000 + "1" + "}" * 3000)),
        Case("duplicate-top", "dup-top.yaml", _text("name: a\nname: b\n")),
        Case("duplicate-nested", "dup-nested.yaml", _text(
            "name: a\nnodes:\n  - id: n\n    kind: cloud\n    kind: edge\n")),
        Case("duplicate-merge", "dup-merge.yaml", _text("x: &x {name: a}\n<<: *x\nname: b\nname: c\n")),
        Case("complex-key", "complex-key.yaml", _text("? [a, b]\n: 1\nname: x\n")),
        Case("norway", "norway.yaml", _text("name: no\nnodes:\n  - {id: on, kind: cloud}\n")),
        Case("timestamp-name", "timestamp.yaml", _text("name: 2024-01-01\ndescription: 12:30:00\n")),
        Case("null-ids", "null-ids.yaml", _text("name: ~\nnodes:\n  - {id: ~, kind: ~}\n")),
        Case("numbers-as-ids", "number-ids.yaml", _yaml(_set("components.0.id", 12))),
        Case("scalar-document", "scalar.yaml", _text("just a string\n")),
        Case("list-document", "list.yaml", _text("- a\n- b\n")),
        Case("empty", "empty.yaml", b""),
        Case("only-comments", "comments.yaml", _text("# nothing\n# here\n")),
        Case("multi-document", "multi.yaml", _text("name: a\n---\nname: b\n")),
        Case("syntax-tabs", "tabs.yaml", _text("name: x\n\tnodes: []\n")),
        Case("syntax-unclosed", "unclosed.yaml", _text('name: "x\nnodes: [\n')),
        Case("huge-int-digits", "huge-int.yaml", _text("name: x\nusers: " + "9" * 5000 + "\n")),
        Case("huge-float-literal", "huge-float.yaml", _text("name: x\nusers: 1e99999\n")),
    ]


def _junk_cases() -> list[Case]:
    rnd = bytes((i * 7919 + 13) % 256 for i in range(4096))
    return [
        Case("binary-random", "random.yaml", rnd),
        Case("binary-nul", "nul.yaml", b"name: x\x00\x00\n"),
        Case("binary-png-header", "png.json", b"\x89PNG\r\n\x1a\n" + rnd[:200]),
        Case("latin-1", "latin1.yaml", "name: café\n".encode("latin-1")),
        Case("utf-16-bom", "utf16.yaml", "name: x\n".encode("utf-16")),
        Case("utf-8-bom-valid", "bom.yaml", b"\xef\xbb\xbf" + _yaml(base()), valid=True),
        Case("crlf-valid", "crlf.yaml", _yaml(base()).replace(b"\n", b"\r\n"), valid=True),
        Case("truncated", "truncated.json", _text(json.dumps(base())[:300])),
        Case("one-long-line", "long-line.yaml", b"name: " + b"x" * 200_000 + b"\n", valid=True),
        Case("too-large", "too-large.yaml", b"# " + b"x" * (65 * 2**20) + b"\n"),
        Case("json-with-comments", "comments.json", _text('{"name": "x" // no\n}')),
        Case("not-a-model-suffix", "model.txt", _text("name: x\n")),
        Case("directory-like", "folder.yaml", _text("")),  # replaced by a folder in the test
        Case("escaped-surrogate", "surrogate.yaml", _text('name: "\\ud800 \\udfff"\n')),
        Case("escaped-surrogate-json", "surrogate.json", _text(json.dumps(_with(name="lone \ud800 surrogate"))),
             valid=True, values=("lone \ud800 surrogate",)),
    ]


def _quantity_cases() -> list[Case]:
    return [
        Case("pint-exponent-tower", "pow-tower.yaml", _yaml(_set("components.0.processing_time", "1 ms*9**9**9"))),
        Case("pint-exponent-slow", "pow-slow.yaml", _yaml(_set("components.0.processing_time", "1 ms*9**9**7"))),
        Case("pint-exponent-caret", "pow-caret.yaml", _yaml(_set("links.0.latency", "1 ms^999999"))),
        Case("pint-eval-call", "eval-call.yaml", _yaml(_set("links.0.latency", "1 __import__('os')"))),
        Case("pint-long-unit", "long-unit.yaml", _yaml(_set("links.0.latency", "1 " + "ms*" * 5000 + "ms"))),
        Case("pint-deep-parens", "deep-parens.yaml", _yaml(_set("links.0.latency", "1 " + "(" * 500 + "ms" + ")" * 500))),
        Case("quantity-huge-number", "huge-number.yaml", _yaml(_set("links.0.latency", "1" + "0" * 400 + " ms"))),
        Case("quantity-inf", "inf-quantity.yaml", _yaml(_set("links.0.bandwidth", "1e999 Mbit/s"))),
        Case("quantity-tiny", "tiny-quantity.yaml", _yaml(_set("links.0.bandwidth", "1e-300 bit/s"))),
        Case("quantity-nan-text", "nan-quantity.yaml", _yaml(_set("links.0.latency", "nan ms"))),
        Case("quantity-negative", "negative.yaml", _yaml(_set("links.0.latency", "-5 ms"))),
        Case("quantity-reversed", "reversed.yaml", _yaml(_set("links.0.latency", "100..30 ms"))),
        Case("quantity-wrong-dim", "wrong-dim.yaml", _yaml(_set("connectors.0.rate", "3 Mbit/s"))),
        Case("quantity-battery-mah", "mah.yaml", _yaml(_set("nodes.0.battery", "4000 mAh"))),
        Case("quantity-not-text", "not-text.yaml", _yaml(_set("links.0.latency", [1, 2]))),
        Case("count-400-zeros", "count-zeros.yaml", _text(_yaml(base()).decode().replace("count: 2", "count: 1" + "0" * 400))),
        Case("count-float", "count-float.yaml", _yaml(_set("nodes.1.count", 2.5))),
        Case("users-huge", "users-huge.yaml", _yaml(_set("users", 10**13))),
        Case("users-negative", "users-negative.yaml", _yaml(_set("users", -5))),
        Case("per-user-inf", "per-user-inf.yaml", _text(_yaml(base()).decode().replace("per_user: 1", "per_user: .inf"))),
        Case("cpu-cores-inf", "cores-inf.yaml", _text(_yaml(base()).decode().replace("cpu_cores: 4", "cpu_cores: .inf"))),
        Case("cpu-cores-nan", "cores-nan.yaml", _text(_yaml(base()).decode().replace("cpu_cores: 4", "cpu_cores: .nan"))),
        Case("replicas-huge", "replicas-huge.yaml", _yaml(_set("components.1.replicas", 10**15))),
        Case("extremes-valid", "extremes.yaml", _yaml(_with(
            users=10**12,
            nodes=[{"id": "phone", "kind": "mobile", "per_user": 10**12, "cpu_cores": 10**12, "memory": "1e21 B"},
                   {"id": "cloud", "kind": "cloud", "cost_per_hour": "1e12 USD/s", "count": 10**12}],
            links=[{"id": "net", "ends": ["phone", "cloud"], "medium": "cellular", "bandwidth": "1e-6 bit/s",
                    "latency": "1e12 s", "cost_per_gb": "1e9 USD/B"}],
        )), valid=True),
        Case("json-nan", "nan.json", _text(json.dumps(base()).replace('"users": 1000', '"users": NaN'))),
        Case("json-infinity", "infinity.json", _text(json.dumps(base()).replace('"cpu_cores": 4', '"cpu_cores": Infinity'))),
        Case("json-huge-exponent", "exponent.json", _text(json.dumps(base()).replace('"cpu_cores": 4', '"cpu_cores": 1e999'))),
        Case("json-duplicate-keys", "dup.json", _text('{"name": "a", "name": "b"}')),
        Case("json-deep", "deep.json", _text('{"name": "x", "p": ' + "[" * 100000 + "]" * 100000 + "}")),
        Case("json-valid", "valid.json", _text(json.dumps(base())), valid=True),
    ]


def _structure_cases() -> list[Case]:
    return [
        Case("wrong-types", "wrong-types.yaml", _yaml(_with(nodes="phone", components={"a": 1}, flows=3))),
        Case("unknown-fields", "unknown-fields.yaml", _yaml(_set("nodes.0.kindd", "mobile"))),
        Case("missing-fields", "missing.yaml", _yaml(_with(nodes=[{"id": "x"}]))),
        Case("dangling", "dangling.yaml", _yaml(_set("connectors.0.target", "nowhere"))),
        Case("self-connector", "self.yaml", _yaml(_set("connectors.0.target", "app"))),
        Case("unknown-kind-markup", "kind-markup.yaml", _yaml(_set("components.0.kind", "[/]"))),
        Case("id-markup", "id-markup.yaml", _yaml(_set("components.0.id", "a[/bold]"))),
        Case("id-ansi", "id-ansi.yaml", _yaml(_set("components.0.id", "a\x1b[2J"))),
        Case("flow-unknown-step", "flow-step.yaml", _yaml(_set("flows.0.steps", ["nope", "[/]"]))),
        Case("variant-unknown-node", "variant-node.yaml", _yaml(_set("variants.0.placement", {"model": "<script>"}))),
        Case("many-problems", "many.yaml", _yaml(_with(
            components=[{"id": f"c{i}", "kind": "ui", "processing_time": "fast"} for i in range(300)]))),
    ]


def _python_cases() -> list[Case]:
    model = (
        "from archkit import System, Node, Component\n"
        "with System('s') as s:\n"
        "    with Node('n', kind='cloud'):\n"
        "        Component('c', kind='ui')\n"
    )
    return [
        Case("py-prints", "prints.py", _text("print('noise on stdout')\nimport os\nos.write(1, b'raw fd write')\n"
                                              + model), valid=True),
        Case("py-os-exit", "os-exit.py", _text("import os\nos._exit(0)\n")),
        Case("py-posix-exit", "posix-exit.py", _text("import posix\nposix._exit(3)\n")),
        Case("py-sys-exit", "sys-exit.py", _text("import sys\nsys.exit(0)\n")),
        Case("py-exit-builtin", "exit-builtin.py", _text("exit()\n")),
        Case("py-loop", "loop.py", _text("while True:\n    pass\n"), env={"ARCHKIT_LOAD_TIMEOUT": "1"}, commands=LOAD_ONLY),
        Case("py-loop-swallows", "loop-swallow.py", _text(
            "while True:\n    try:\n        pass\n    except BaseException:\n        pass\n"),
            env={"ARCHKIT_LOAD_TIMEOUT": "1"}, commands=LOAD_ONLY),
        Case("py-sleep", "sleep.py", _text("import time\ntime.sleep(3600)\n"), env={"ARCHKIT_LOAD_TIMEOUT": "1"}, commands=LOAD_ONLY),
        Case("py-raises", "raises.py", _text("raise ValueError('[/] \\x1b[2J')\n")),
        Case("py-recursion", "recursion.py", _text("def f():\n    return f()\nf()\n")),
        Case("py-syntax", "syntax.py", _text("def (:\n")),
        Case("py-no-system", "no-system.py", _text("x = 1\n")),
        Case("py-keyboard-interrupt-like", "sigint-like.py", _text("raise SystemExit('[bold]bye[/]')\n")),
        Case("py-binary", "binary.py", b"\x00\xff\xfe junk"),
    ]


CASES: list[Case] = _injection_cases() + _yaml_cases() + _junk_cases() + _quantity_cases() + _structure_cases() + \
    _python_cases()

assert len({c.name for c in CASES}) == len(CASES)
assert len({c.filename for c in CASES}) == len(CASES)
