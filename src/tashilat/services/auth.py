"""Users, roles, passwords, tokens, and who may do what."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tashilat.domain.errors import InvalidInput
from tashilat.services.errors import (
    Conflict,
    Forbidden,
    TooManyAttempts,
    Unauthenticated,
    not_found,
)
from tashilat.services.login_throttle import LoginThrottle
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.auth import UserRecord

_hasher = PasswordHasher()

# What each role may do. Branch scoping is applied on top for officers and supervisors,
# ownership for customers.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "users.manage",
            "branches.manage",
            "customers.read",
            "customers.write",
            "accounts.read",
            "accounts.write",
            "loans.read",
            "loans.request",
            "loans.approve",
            "loans.disburse",
            "loans.repay",
            "business_date.advance",
            "audit.read",
            "employment.manage",
            "employment.read",
            "employment.submit",
            "employment.introduce",
            "employment.approve",
            "employment.disburse",
            "employment.repay",
            "employment.reject",
            "policy.read",
            "forecast.run",
        }
    ),
    # Four eyes on the policy: an editor proposes changes, a different approver decides.
    "policy_editor": frozenset({"policy.read", "policy.propose"}),
    "policy_approver": frozenset({"policy.read", "policy.approve"}),
    "analyst": frozenset({"forecast.run"}),  # the fund's forecasts; no person's records
    "agency_officer": frozenset(
        {"employment.read", "employment.submit", "employment.introduce", "employment.reject"}
    ),
    "bank_officer": frozenset(
        {"employment.read", "employment.approve", "employment.repay", "employment.reject"}
    ),
    "supervisor": frozenset(
        {
            "customers.read",
            "customers.write",
            "accounts.read",
            "accounts.write",
            "loans.read",
            "loans.request",
            "loans.approve",
            "loans.disburse",
            "loans.repay",
            "business_date.advance",
            "employment.read",
            "employment.disburse",
        }
    ),
    "officer": frozenset(
        {
            "customers.read",
            "customers.write",
            "accounts.read",
            "accounts.write",
            "loans.read",
            "loans.request",
            "loans.repay",
        }
    ),
    "auditor": frozenset(
        {
            "customers.read",
            "accounts.read",
            "loans.read",
            "audit.read",
            "employment.read",
            "policy.read",
        }
    ),
    "customer": frozenset({"accounts.read", "loans.read", "customers.read", "employment.submit"}),
}
ROLES = tuple(PERMISSIONS)


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: str
    branch_id: int | None = None
    customer_id: int | None = None
    agency_id: int | None = None
    bank_id: int | None = None

    @property
    def bank_wide(self) -> bool:
        return self.role in ("admin", "auditor")


SYSTEM = Actor(user_id=0, username="system", role="admin")


def require(actor: Actor, permission: str) -> None:
    if permission not in PERMISSIONS.get(actor.role, frozenset()):
        raise Forbidden(
            "auth.forbidden",
            f"نقش «{actor.role}» اجازه این کار ({permission}) را ندارد.",
            f"Role '{actor.role}' may not do this ({permission}).",
        )


def require_branch(actor: Actor, branch_id: int) -> None:
    """Officers and supervisors act only within their branch."""
    if actor.bank_wide or actor.role == "customer":
        return
    if actor.branch_id != branch_id:
        raise Forbidden(
            "auth.other_branch",
            "این پرونده به شعبه دیگری تعلق دارد.",
            "This record belongs to another branch.",
        )


def require_owner(actor: Actor, customer_id: int) -> None:
    if actor.role == "customer" and actor.customer_id != customer_id:
        raise Forbidden(
            "auth.not_owner",
            "شما تنها به حساب‌های خود دسترسی دارید.",
            "Customers may see only their own accounts.",
        )


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput(
            "password.too_short",
            "گذرواژه باید دست‌کم ۸ نویسه باشد.",
            "The password must be at least 8 characters.",
            field="password",
        )
    return _hasher.hash(password)


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    branch_code: str | None = None,
    customer_national_id: str | None = None,
    agency_code: str | None = None,
    bank_code: str | None = None,
    request_id: str = "",
) -> UserRecord:
    require(actor, "users.manage")
    username = username.strip().lower()
    if role not in ROLES:
        raise InvalidInput(
            "user.role",
            f"نقش «{role}» ناشناخته است ({'، '.join(ROLES)}).",
            f"Unknown role '{role}' ({', '.join(ROLES)}).",
            field="role",
        )
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(
            "user.username",
            "نام کاربری تنها حروف لاتین، رقم، نقطه و _ است.",
            "A username is letters, digits, dots and underscores.",
            field="username",
        )
    with uow:
        if uow.users.by_username(username) is not None:
            raise Conflict(
                "user.exists", f"کاربر «{username}» وجود دارد.", f"User '{username}' exists."
            )
        branch_id = customer_id = None
        if role in ("officer", "supervisor"):
            if not branch_code:
                raise InvalidInput(
                    "user.branch_required",
                    "کارمند شعبه باید شعبه داشته باشد.",
                    "Branch staff need a branch.",
                    field="branch",
                )
            branch_id = uow.users.branch_id(branch_code)
            if branch_id is None:
                raise not_found("branch", "شعبه", branch_code)
        if role == "customer":
            cust = (
                uow.customers.by_national_id(customer_national_id)
                if customer_national_id is not None
                else None
            )
            if cust is None:
                raise not_found("customer", "مشتری", customer_national_id)
            customer_id = cust.id
        agency_id = bank_id = None
        if role == "agency_officer" or agency_code:
            agency_id = uow.users.agency_id(agency_code)
            if agency_id is None:
                raise not_found("agency", "دستگاه حمایتی", agency_code)
        if role == "bank_officer" or bank_code:
            bank_id = uow.users.bank_id(bank_code)
            if bank_id is None:
                raise not_found("bank", "بانک عامل", bank_code)
        user = uow.users.add(
            username=username,
            password_hash=hash_password(password),
            role=role,
            branch_id=branch_id,
            customer_id=customer_id,
            agency_id=agency_id,
            bank_id=bank_id,
            created_at=datetime.now(UTC),
        )
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="users.create",
            target=f"user:{username}",
            request_id=request_id,
            outcome="ok",
            detail=role,
        )
        uow.commit()
        return user


def _loggable(text: str, limit: int) -> str:
    """``text`` as it may be stored in the audit log: no NUL (PostgreSQL text refuses it),
    at most ``limit`` characters."""
    return text.replace("\x00", "\ufffd")[:limit]


def _is_username(name: str) -> bool:
    return bool(name) and name.replace("_", "").replace(".", "").isalnum()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit_alone(
    uow: UnitOfWork,
    *,
    user_id: int | None,
    username: str,
    action: str,
    outcome: str,
    detail: str = "",
    request_id: str = "",
) -> None:
    """One audit row in its own transaction."""
    with uow:
        uow.audit(
            user_id=user_id,
            username=username,
            action=action,
            target=f"user:{username}" if username else "",
            request_id=request_id,
            outcome=outcome,
            detail=detail,
        )
        uow.commit()


def login(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    hours: int,
    now: datetime,
    address: str = "",
    throttle: LoginThrottle | None = None,
    request_id: str = "",
) -> str:
    """A fresh bearer token for a valid username and password.

    Every refusal is audited: a wrong username or password as ``auth.login_failed``, a login
    refused by the throttle as ``auth.throttled`` (``TooManyAttempts``, 429, with the seconds
    to wait). ``address`` is the client's network address, ``detail`` of the audit row."""
    name = _loggable(username.strip().lower(), 100)
    if throttle is not None:
        wait = throttle.retry_after(name, address)
        if wait is not None:
            _audit_alone(
                uow,
                user_id=None,
                username=name,
                action="auth.throttled",
                outcome="refused",
                detail=address,
                request_id=request_id,
            )
            raise TooManyAttempts(
                "auth.throttled",
                f"تلاش‌های ناموفق ورود زیاد بوده است؛ {wait} ثانیه دیگر دوباره بکوشید.",
                f"Too many failed logins; try again in {wait} seconds.",
                retry_after=wait,
            )
    bad = Unauthenticated(
        "auth.bad_credentials",
        "نام کاربری یا گذرواژه نادرست است.",
        "Wrong username or password.",
    )
    with uow:
        # A name no account can have is not looked up (it may hold bytes the database
        # refuses); it fails like an unknown name.
        user = uow.users.by_username(name) if _is_username(name) else None
        ok = False
        if user is None or not user.active:
            _hasher.hash("timing equaliser")  # same cost whether or not the user exists
        else:
            try:
                ok = _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        if not ok or user is None:
            uow.audit(
                user_id=user.id if user is not None else None,
                username=name,
                action="auth.login_failed",
                target=f"user:{name}",
                request_id=request_id,
                outcome="refused",
                detail=address,
            )
            uow.commit()
            if throttle is not None:
                throttle.failed(name, address)
            raise bad
        token = secrets.token_urlsafe(32)
        uow.users.add_token(
            token_hash=_token_hash(token), user_id=user.id, expires_at=now + timedelta(hours=hours)
        )
        uow.audit(
            user_id=user.id,
            username=user.username,
            action="auth.login",
            target=f"user:{user.username}",
            request_id=request_id,
            outcome="ok",
            detail=address,
        )
        uow.commit()
        return token


def actor_named(uow: UnitOfWork, username: str) -> Actor:
    """The active user ``username``, for operators acting at the command line (they hold
    the database's credentials already)."""
    with uow:
        user = uow.users.by_username(username)
    if user is None or not user.active:
        raise not_found("user", "کاربر", username)
    return actor_of(user)


def authenticate(uow: UnitOfWork, token: str, *, now: datetime) -> Actor:
    with uow:
        row = uow.users.by_token(_token_hash(token))
        if row is None:
            raise Unauthenticated(
                "auth.invalid_token",
                "توکن نامعتبر است؛ دوباره وارد شوید.",
                "Invalid token; log in again.",
            )
        user, expires = row
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires < now or not user.active:
            raise Unauthenticated(
                "auth.expired_token",
                "نشست منقضی شده است؛ دوباره وارد شوید.",
                "Session expired; log in again.",
            )
        return actor_of(user)


class UserFields(Protocol):
    """What an actor is made from: a user's record (or anything with its fields)."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def branch_id(self) -> int | None: ...
    @property
    def customer_id(self) -> int | None: ...
    @property
    def agency_id(self) -> int | None: ...
    @property
    def bank_id(self) -> int | None: ...


def actor_of(user: UserFields) -> Actor:
    return Actor(
        user.id,
        user.username,
        user.role,
        user.branch_id,
        user.customer_id,
        user.agency_id,
        user.bank_id,
    )


def audit_rejected_token(
    uow: UnitOfWork, *, code: str, path: str, address: str = "", request_id: str = ""
) -> None:
    """Record a request refused for want of a valid token (401): what was asked, from where,
    and why (``code``: no token, unknown or revoked token, expired session)."""
    with uow:
        uow.audit(
            user_id=None,
            username="",
            action="auth.rejected",
            target=_loggable(path, 200),
            request_id=request_id,
            outcome="refused",
            detail=_loggable(f"{code} {address}".strip(), 300),
        )
        uow.commit()


def logout(uow: UnitOfWork, token: str, *, request_id: str = "") -> None:
    """Revoke a token: its row is deleted, so the next request that shows it is refused on
    every server process (unless a token cache is configured, see ``Settings``). The logout
    is audited under the token's owner."""
    with uow:
        found = uow.users.by_token(_token_hash(token))
        uow.users.delete_token(_token_hash(token))
        if found is not None:
            user = found[0]
            uow.audit(
                user_id=user.id,
                username=user.username,
                action="auth.logout",
                target=f"user:{user.username}",
                request_id=request_id,
                outcome="ok",
            )
        uow.commit()


def list_users(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int
) -> tuple[list[UserRecord], int]:
    require(actor, "users.manage")
    with uow:
        return uow.users.page(offset=offset, limit=limit)
