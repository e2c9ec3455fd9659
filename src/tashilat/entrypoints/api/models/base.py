"""The building blocks of the API's response models: the base class, paging, reasons and
warnings, the RFC 9457 problem, and models derived from the domain's dataclasses.

Handlers return plain JSON-ready dicts; FastAPI validates each against the operation's
``response_model`` and documents it in ``/openapi.json``. The models never rename a field,
and they let through any field they do not name (``extra="allow"``), so a model can only
add documentation, never drop part of an answer.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, create_model

from tashilat.domain.decision import Reason, Warning

T = TypeVar("T")


class Out(BaseModel):
    """A JSON object the API answers with. Fields not named here still go through."""

    model_config = ConfigDict(extra="allow")


class Page(Out, Generic[T]):
    """One page of a list: ``items`` from ``offset``, at most ``limit`` of ``total``."""

    items: list[T]
    total: int = Field(description="How many items there are in all")
    offset: int
    limit: int


class Items(Out, Generic[T]):
    """A whole list, not paged."""

    items: list[T]


class ReasonOut(Out):
    """One condition checked, passed or failed, explained in Persian and English."""

    code: str
    passed: bool
    message_fa: str
    message_en: str
    parameter: str | None
    reference: str | None


class WarningOut(Out):
    """A figure that shaped the answer is not a published one (or was corrected)."""

    code: str
    message_fa: str
    message_en: str
    parameter: str
    status: str = Field(description="seed | sourced | corrected | assumed | illustrative")
    source: str | None


class Envelope(Out):
    """What every rule's answer carries besides its figures."""

    outcome: str
    as_of: str = Field(description="Jalali YYYY/MM/DD: the date the rules were read for")
    policy_hash: str
    reasons: list[ReasonOut]
    warnings: list[WarningOut]


class ErrorOut(Out):
    """An error in Persian and English, inside an otherwise successful answer."""

    code: str
    message_fa: str
    message_en: str
    field: str | None = None


# -- problems (RFC 9457) ------------------------------------------------------------------------


class FieldError(Out):
    field: str
    message_en: str
    type: str


class Problem(Out):
    """An RFC 9457 problem detail, with the message in Persian and English. Validation
    problems list each bad field in ``errors``; others may name the ``field``."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="A stable machine-readable code, e.g. money.invalid")
    message_fa: str
    message_en: str
    instance: str | None = None
    field: str | None = None
    errors: list[FieldError] | None = None


PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_TEXT = {
    400: "The request cannot be carried out.",
    401: "Log in first (a Bearer token), or the token has expired.",
    403: "The caller's role may not do this.",
    404: "No such record, or not visible to the caller.",
    409: "Conflicts with the record's state or another request.",
    413: "The request body is larger than the accepted maximum.",
    422: "An input is not valid; the problem names the field, in Persian and English.",
    429: "Too many failed attempts; wait the seconds the Retry-After header gives.",
    503: "The database is briefly unreachable; nothing was done; retry after Retry-After.",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for an operation: each status answered with a problem document."""
    return {
        s: {
            "description": _PROBLEM_TEXT[s],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
        }
        for s in statuses
    }


PUBLIC_PROBLEMS = problems(400, 422)
ACTOR_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 422, 503)


def with_problem_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the ``Problem`` model to an OpenAPI document's components."""
    full = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = full.pop("$defs", {})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(defs)
    components["Problem"] = full
    return schema


# -- models derived from the domain's dataclasses ------------------------------------------------

_DERIVED: dict[type, type[BaseModel]] = {}
_NAMES: set[str] = set()


def _model_name(cls: type) -> str:
    name = f"{cls.__name__}Out"
    if name in _NAMES:
        name = f"{cls.__module__.rsplit('.', 1)[-1].title()}{cls.__name__}Out"
    _NAMES.add(name)
    return name


def _json_type(tp: Any) -> Any:
    """The JSON-side type of a dataclass field as ``serialize.jsonable`` writes it: dates
    as Jalali strings, Decimals as strings, enums as their values, tuples as lists."""
    if tp is Any or tp is None or tp is type(None):
        return tp
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        mapped = tuple(_json_type(a) for a in args)
        return typing.Union[mapped]  # noqa: UP007 - built from a tuple of types
    if origin is typing.Literal:
        return tp
    if origin in (tuple,) and len(args) == 2 and args[1] is Ellipsis:
        return list[_json_type(args[0])]  # type: ignore[misc]
    if origin is tuple:
        return list[Any]
    if origin in (list, Sequence, set, frozenset):
        return list[_json_type(args[0]) if args else Any]  # type: ignore[misc]
    if origin in (dict, Mapping):
        return dict[str, _json_type(args[1]) if len(args) == 2 else Any]  # type: ignore[misc]
    if tp is Reason:
        return ReasonOut
    if tp is Warning:
        return WarningOut
    if tp is bool or tp is int or tp is str:
        return tp
    if tp is float:
        return int | float
    if tp is Decimal or tp is date:
        return str
    if isinstance(tp, type) and issubclass(tp, Enum):
        return str if all(isinstance(m.value, str) for m in tp) else Any
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return derived(tp)
    return Any


def _fields(cls: type, last: Sequence[str] = ()) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    names = [n for n in names if n not in last] + [n for n in names if n in last]
    return {n: (_json_type(hints.get(n, Any)), ...) for n in names}


def derived(cls: type) -> type[BaseModel]:
    """A response model with the fields of the dataclass ``cls``, as ``jsonable`` writes
    them."""
    if cls not in _DERIVED:
        _DERIVED[cls] = create_model(
            _model_name(cls),
            __base__=Out,
            __doc__=(cls.__doc__ or "").strip() or None,
            **_fields(cls),
        )
    return _DERIVED[cls]


def decision(
    cls: type,
    *,
    name: str | None = None,
    first: Mapping[str, Any] | None = None,
    last: Sequence[str] = (),
    after: Mapping[str, Any] | None = None,
) -> type[BaseModel]:
    """The answer of a rule whose value is the dataclass ``cls``: ``first`` fields, its
    fields (``last`` ones moved to the end, as the answer writes them), then ``outcome``,
    ``as_of``, ``policy_hash``, ``reasons`` and ``warnings``, then ``after`` fields. Extra
    fields are given as ``name: type`` or ``name: (type, default)``."""
    envelope = {n: (f.annotation, f) for n, f in Envelope.model_fields.items()}
    return create_model(  # type: ignore[call-overload, no-any-return]
        name or f"{cls.__name__}Decision",
        __base__=Out,
        __doc__=(cls.__doc__ or "").strip() or None,
        **_spec(first),
        **_fields(cls, last),
        **envelope,
        **_spec(after),
    )


def _spec(extra: Mapping[str, Any] | None) -> dict[str, Any]:
    return {n: t if isinstance(t, tuple) else (t, ...) for n, t in (extra or {}).items()}


def document_problems(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document carry the ``Problem`` schema the operations'
    error responses refer to."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        return with_problem_schema(generate())

    app.openapi = openapi  # type: ignore[method-assign]
