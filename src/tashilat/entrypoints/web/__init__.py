"""Server-rendered Persian web pages: RTL, Jalali dates, Persian digits by
default, a Persian/English switch, light progressive enhancement with htmx, everything
(the Vazirmatn font included) served by the app itself.

Layout:

* ``preferences`` — language and digits, kept in cookies; ``formatting`` — values shown in
  the person's language and digits (``Fmt``); ``forms`` — forms as typed and their field
  parsers; ``sessions`` — the signed-in person (an HttpOnly session cookie holding an API
  token), CSRF and the page dependencies; ``rendering`` — templates, errors rendered as
  pages and the ``WebRoute`` every page router uses;
* ``menu`` — the menu registry: page modules add their own entries;
* ``svg`` — small inline charts drawn on the server;
* ``pages/`` — one module per page group, each with its own ``router``: ``citizen``,
  ``citizen_schedule`` and ``citizen_afford`` (calculators), ``citizen_strategies`` (deposit
  strategies side by side), ``citizen_plan_print`` (the printable plan),
  ``citizen_transfer`` (the privilege transfer explained and checked), ``policy`` (the
  policy browser), ``session`` (login), ``staff``, ``staff_accounts``, ``staff_loans`` and
  ``staff_reports`` (bank staff), ``customer`` (an account holder's own pages),
  ``employment_check`` (the citizen's employment-loan check), ``employment`` and
  ``employment_application`` (the employment-loan pipeline for agency and bank staff) and
  ``employment_reports`` (the allocation dashboard and reports). Pages do not import each
  other: what a group shares is in its ``*_common`` module.

**Adding an area** (the employment-loan pipeline and allocation dashboard, for one): write
``pages/<area>.py`` with ``router = APIRouter(prefix=..., route_class=WebRoute)``, register
its menu entries with ``menu.add(MenuItem(..., section="staff", roles=...))`` (or
``section="public"`` for a citizens' page), put its templates under ``templates/<area>/``
extending ``base.html`` and using ``_macros.html``, and append the module to ``PAGES``
below. Use the ``StaffPage``/``PublicPage`` dependencies for access and ``CheckedForm``
for CSRF-checked posts; nothing else needs to change.
"""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter
from starlette.routing import Route

from tashilat.entrypoints.web import assets
from tashilat.entrypoints.web.pages import (
    analyst,
    citizen,
    citizen_afford,
    citizen_plan_print,
    citizen_schedule,
    citizen_strategies,
    citizen_target,
    citizen_transfer,
    customer,
    employment,
    employment_application,
    employment_check,
    employment_reports,
    policy,
    policy_admin,
    session,
    staff,
    staff_accounts,
    staff_loans,
    staff_reports,
)
from tashilat.entrypoints.web.rendering import WebRoute

PAGES: tuple[ModuleType, ...] = (
    citizen,
    citizen_target,
    citizen_schedule,
    citizen_afford,
    citizen_plan_print,
    citizen_strategies,
    citizen_transfer,
    policy,
    policy_admin,
    session,
    staff,
    staff_accounts,
    staff_loans,
    staff_reports,
    customer,
    employment_check,
    employment,
    employment_application,
    employment_reports,
    analyst,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
for _module in PAGES:
    router.include_router(_module.router, include_in_schema=False)
router.routes.append(Route("/static/{path:path}", assets.serve, methods=["GET", "HEAD"]))
