"""Response hardening shared by the API and the web pages: no caching of answers, and the
API documentation served from the package under the pages' Content-Security-Policy.

* ``NoStoreMiddleware`` marks every answer ``Cache-Control: no-store`` except the static
  assets (stylesheets, scripts, fonts, the documentation's Swagger UI files). Staff pages,
  a customer's own pages and the API's data routes carry names, national ids and balances;
  a browser must not keep them, so after logging out the Back button cannot show them again.
* ``docs_router`` serves ``/docs`` (Swagger UI) with its scripts and stylesheet from the
  ``fastapi-offline`` package and its start-up script from this module, so the page works
  without the internet and needs no inline script (``script-src 'self'``).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tashilat.entrypoints.web.core import SECURITY_HEADERS

NO_STORE = "no-store"
# Paths whose answers are the same for everyone and hold no personal data.
CACHEABLE_PREFIXES = ("/static/", "/docs/assets/")

SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"


class NoStoreMiddleware:
    """Adds ``Cache-Control: no-store`` to every HTTP answer outside ``CACHEABLE_PREFIXES``
    that does not set its own ``Cache-Control``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", NO_STORE.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_no_store)


_DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} — API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""

_START_JS = """"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout"
  });
})();
"""


def docs_router(title: str, openapi_url: str = "/openapi.json") -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        html = _DOCS_HTML.format(title=title, openapi_url=openapi_url)
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    @router.get("/docs/start.js")
    async def start_js() -> Response:
        return Response(
            _START_JS,
            media_type="application/javascript",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    router.mount("/docs/assets", StaticFiles(directory=SWAGGER_ASSETS), name="docs-assets")
    return router
