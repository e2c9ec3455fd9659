"""The outermost layer of the HTTP application: refuses what no handler should see, and turns
an unexpected exception into a 500 problem that closes the connection.

* A body larger than :data:`MAX_BODY_BYTES` is refused with 413 before it is read whole.
* A control character (NUL included) in the path, a query parameter, a form field or a JSON
  string is refused with 422 naming the field: some databases cannot store NUL at all, and no
  person types one.
* An exception no handler turned into an answer becomes a 500 problem with
  ``Connection: close`` (the server's state for this connection is unknown, so a keep-alive
  client must open a new one rather than find its next request failing). It is logged with
  its type and request id only: an exception's text can quote personal data.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tashilat.domain.text import has_control_chars

log = logging.getLogger("tashilat.api")

# One request body at most: generous for every form and JSON body the API takes (the largest
# are batch uploads of a few hundred rows), small enough that a flood of large bodies cannot
# exhaust the server's memory.
MAX_BODY_BYTES = 1_000_000

PROBLEM = "application/problem+json"
TYPE_BASE = "https://tashilat.example/problems/"


def _problem_body(status: int, code: str, title: str, fa: str, en: str, **extra: Any) -> bytes:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": en,
        "code": code,
        "message_fa": fa,
        "message_en": en,
    }
    body.update(extra)
    return json.dumps(body, ensure_ascii=False).encode()


async def _send_problem(send: Send, status: int, body: bytes, *, close: bool = False) -> None:
    headers = [
        (b"content-type", PROBLEM.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON document (keys too) with the dotted path to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            yield sub, str(k)
            yield from _json_strings(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _json_strings(v, f"{path}.{i}" if path else str(i))


def control_char_field(content_type: str, body: bytes) -> str | None:
    """The name of the first field of ``body`` that holds a control character, if any."""
    if not body:
        return None
    if "json" in content_type or not content_type.strip():
        if b"\\u00" not in body:
            # a JSON string can carry a control character only escaped (\u0000 ... \u009f);
            # a raw one makes the document malformed, which the framework answers itself
            return None
        try:
            doc = json.loads(body)
        except ValueError:
            return None  # malformed JSON: the framework answers that itself
        for path, s in _json_strings(doc):
            if has_control_chars(s):
                return path or "body"
        return None
    if "x-www-form-urlencoded" in content_type:
        text = body.decode("latin-1")
        for k, v in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
            if has_control_chars(k) or has_control_chars(v):
                return k
        return None
    if "multipart/" in content_type:
        return "body" if b"\x00" in body else None
    return None


def query_control_char_field(query_string: bytes) -> str | None:
    text = query_string.decode("latin-1")
    for k, v in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
        if has_control_chars(k) or has_control_chars(v):
            return k
    return None


def _invalid_field(field: str) -> bytes:
    return _problem_body(
        422,
        "request.control_character",
        "Unprocessable request",
        f"فیلد «{field}» نویسه‌ای نامعتبر (نویسه کنترلی) دارد.",
        f"The field '{field}' contains an invalid (control) character.",
        field=field,
    )


class RequestGuard:
    """Pure ASGI middleware (it buffers the body at most once, bounded, and replays it)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int = MAX_BODY_BYTES,
        on_error: Callable[[Scope, Exception], Awaitable[None]] | None = None,
        error_page: Callable[[Scope], Response | None] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.on_error = on_error
        # A browser gets the 500 as an HTML page (``None``: answer with the JSON problem).
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if has_control_chars(path):
            await _send_problem(send, 422, _invalid_field("path"))
            return
        field = query_control_char_field(scope.get("query_string", b""))
        if field is not None:
            await _send_problem(send, 422, _invalid_field(field))
            return

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        too_large = _problem_body(
            413,
            "request.too_large",
            "Content too large",
            f"حجم درخواست از سقف پذیرفتنی ({self.max_body:,} بایت) بیشتر است.",
            f"The request body is larger than the accepted maximum ({self.max_body:,} bytes).",
            max_bytes=self.max_body,
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await _send_problem(send, 413, too_large, close=True)
            return

        chunks: list[bytes] = []
        size = 0
        read_body = scope.get("method", "GET") in ("POST", "PUT", "PATCH", "DELETE")
        if read_body:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _send_problem(send, 413, too_large, close=True)
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
        body = b"".join(chunks)
        field = control_char_field(headers.get("content-type", ""), body)
        if field is not None:
            await _send_problem(send, 422, _invalid_field(field))
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, replay if read_body else receive, watch)
        except Exception as exc:
            state = scope.get("state") or {}
            # The type and the frames, not the message: a database error's message can
            # quote the values of the row (a national ID in a unique-key violation).
            log.error(
                "unhandled %s on %s %s (request %s)\n%s",
                type(exc).__name__,
                scope.get("method"),
                path,
                state.get("request_id", "") if isinstance(state, dict) else "",
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if self.on_error is not None:
                try:
                    await self.on_error(scope, exc)
                except Exception as audit_exc:  # logged; the 500 is still answered
                    log.error("could not record the failure: %s", type(audit_exc).__name__)
            if started:
                raise
            page = self.error_page(scope) if self.error_page is not None else None
            if page is not None:
                page.headers["connection"] = "close"
                await page(scope, receive, send)
                return
            await _send_problem(
                send,
                500,
                _problem_body(
                    500,
                    "server.error",
                    "Internal error",
                    "خطای داخلی سامانه.",
                    "Internal server error.",
                    instance=path,
                ),
                close=True,
            )
