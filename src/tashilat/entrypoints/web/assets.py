"""Static files with fingerprinted names: ``/static/css/app.3f2a9c1b7e.css``.

A file's address carries a hash of its content, so browsers may keep it for a year
(``immutable``): a changed file has a new address. Pages ask ``static_url`` for the address;
the style sheet's own references to the fonts are rewritten to their fingerprinted
addresses when it is served. A plain address (``/static/css/app.css``) still works, with
``no-cache`` so that it is revalidated.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

STATIC_DIR = Path(__file__).resolve().parent / "static"
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
_CSS_URL = re.compile(r"/static/([A-Za-z0-9_\-./]+)")


@dataclass(frozen=True)
class Asset:
    body: bytes
    digest: str
    media_type: str


def _media_type(path: str) -> str:
    if path.endswith(".woff2"):
        return "font/woff2"
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed.endswith("javascript"):
        return f"{guessed}; charset=utf-8"
    return guessed


@lru_cache(maxsize=1)
def _assets() -> dict[str, Asset]:
    """Every static file by its path under ``static/``, read once (they are small)."""
    raw: dict[str, bytes] = {}
    for file in sorted(STATIC_DIR.rglob("*")):
        if file.is_file():
            raw[file.relative_to(STATIC_DIR).as_posix()] = file.read_bytes()

    def digest(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()[:10]

    out = {p: Asset(b, digest(b), _media_type(p)) for p, b in raw.items() if not p.endswith(".css")}

    def rewrite(m: re.Match[str]) -> str:
        ref = m.group(1)
        return _fingerprinted(ref, out[ref].digest) if ref in out else m.group(0)

    for p, b in raw.items():
        if p.endswith(".css"):
            body = _CSS_URL.sub(rewrite, b.decode("utf-8")).encode("utf-8")
            out[p] = Asset(body, digest(body), _media_type(p))
    return out


def _fingerprinted(path: str, digest: str) -> str:
    stem, dot, ext = path.rpartition(".")
    return f"/static/{stem}.{digest}.{ext}" if dot else f"/static/{path}.{digest}"


def static_url(path: str) -> str:
    """The fingerprinted address of a static file (``css/app.css``)."""
    asset = _assets().get(path)
    return _fingerprinted(path, asset.digest) if asset else f"/static/{path}"


def serve(request: Request) -> Response:
    """``GET /static/<path>``: a fingerprinted address with the right hash is cached for a
    year; a plain one is revalidated; anything else is 404."""
    path = str(request.path_params.get("path", ""))
    assets = _assets()
    asset = assets.get(path)
    cache = REVALIDATE
    if asset is None:
        m = _FINGERPRINTED.match(path)
        if m:
            plain = m.group("stem") + m.group("ext")
            candidate = assets.get(plain)
            if candidate is not None and candidate.digest == m.group("hash"):
                asset, cache = candidate, LONG_CACHE
    if asset is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    etag = f'"{asset.digest}"'
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)
