"""Ray Serve's own floor for bench_serve.py: the example's engines in a hand-written Ray Serve app.

No archkit in the request path: a local head started as archkit starts one (loopback, token
authentication, the same Serve settings), Serve's direct ingress (every ingress replica serves HTTP
on its own port; the load generator spreads its connections over them, so there is no edge at all),
and the least code Serve needs:

* ``fused``: one deployment, 2 replicas, each holding a Tesseract engine and an Apertium pipeline;
  ``__call__`` reads the body and runs OCR then translation in one worker thread.
* ``declared``: an ingress deployment (1 replica) that calls an OCR deployment (2 replicas) and then a
  translation deployment (1 replica) through DeploymentHandles, as the declared all-in-cloud
  variant is deployed.

Resources as archkit's plan gives the same variants (fractional CPUs on the 2-core head).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ray import serve
from starlette.requests import Request

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ar_translation"


def _engines():
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    import ar_engines

    return ar_engines


@serve.deployment(num_replicas=2, max_ongoing_requests=4, ray_actor_options={"num_cpus": 0.75})
class Fused:
    def __init__(self) -> None:
        engines = _engines()
        self.ocr = engines.TesseractOcr("spa")
        self.mt = engines.ApertiumTranslator("spa-eng")

    def _work(self, body: bytes) -> dict:
        text = self.ocr.read(body)
        return {"text": text, "translation": self.mt.translate(text)}

    async def __call__(self, request: Request) -> dict:
        return await asyncio.to_thread(self._work, await request.body())


@serve.deployment(num_replicas=2, ray_actor_options={"num_cpus": 0.5})
class Ocr:
    def __init__(self) -> None:
        self.ocr = _engines().TesseractOcr("spa")

    async def __call__(self, body: bytes) -> str:
        return await asyncio.to_thread(self.ocr.read, body)


@serve.deployment(num_replicas=1, ray_actor_options={"num_cpus": 0.25})
class Translate:
    def __init__(self) -> None:
        self.mt = _engines().ApertiumTranslator("spa-eng")

    async def __call__(self, text: str) -> str:
        return await asyncio.to_thread(self.mt.translate, text)


@serve.deployment(num_replicas=1, max_ongoing_requests=4, ray_actor_options={"num_cpus": 0.5})
class Ingress:
    def __init__(self, ocr, translate) -> None:
        self.ocr, self.translate = ocr, translate

    async def __call__(self, request: Request) -> dict:
        text = await self.ocr.remote(await request.body())
        return {"text": text, "translation": await self.translate.remote(text)}


def app(kind: str):
    """The bound application of ``kind`` ("fused" or "declared")."""
    if kind == "fused":
        return Fused.bind()
    return Ingress.bind(Ocr.bind(), Translate.bind())
