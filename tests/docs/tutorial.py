"""The tutorial (docs/tutorial.md) as a list of steps: files to write and shell commands to run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
DEPLOY_HEADING = "## 8. Deploy it"
_BLOCK = re.compile(r'^```(?P<lang>\w+)(?: title="(?P<title>[^"]+)")?\n(?P<body>.*?)^```', re.S | re.M)
_EXITS = re.compile(r"\s+# exits (\d+)\b.*$")


@dataclass(frozen=True)
class Step:
    """Write ``text`` to ``file``, or run ``command`` and expect ``exit_code``."""

    section: str  # "before-deploy" or "deploy"
    file: str | None = None
    text: str | None = None
    command: str | None = None
    exit_code: int = 0


def steps() -> list[Step]:
    text = TUTORIAL.read_text()
    split = text.index(DEPLOY_HEADING)
    out = []
    for m in _BLOCK.finditer(text):
        section = "deploy" if m.start() > split else "before-deploy"
        if m.group("title"):
            out.append(Step(section, file=m.group("title"), text=m.group("body")))
        elif m.group("lang") == "console":
            for line in m.group("body").splitlines():
                if not line.startswith("$ "):
                    continue
                cmd = line[2:]
                code = 0
                e = _EXITS.search(cmd)
                if e:
                    code, cmd = int(e.group(1)), cmd[:e.start()]
                out.append(Step(section, command=cmd.strip(), exit_code=code))
    return out
