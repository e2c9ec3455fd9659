"""Failed-login throttling for :mod:`tashilat.services.auth` (the API and the web pages
share it)."""

from __future__ import annotations

import time as _time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Failed logins counted per username and per client address in a moving window (the
    ``limits`` library). Once either count reaches its limit, every login for that username
    or from that address is refused, the right password included, until the window has
    moved on. Counters live in ``storage_uri``: ``memory://`` is per process."""

    def __init__(
        self,
        per_user: str = "5/minute",
        per_address: str = "30/minute",
        storage_uri: str = "memory://",
    ) -> None:
        self.per_user: RateLimitItem = parse(per_user)
        self.per_address: RateLimitItem = parse(per_address)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def _keys(self, username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        keys = [(self.per_user, "login-user", username)]
        if address:
            keys.append((self.per_address, "login-address", address))
        return keys

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until a login may be tried again, or None when it may be tried now."""
        waits = []
        for item, scope, key in self._keys(username, address):
            if not self._limiter.test(item, scope, key):
                reset = self._limiter.get_window_stats(item, scope, key).reset_time
                waits.append(max(1, int(reset - _time.time()) + 1))
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        for item, scope, key in self._keys(username, address):
            self._limiter.hit(item, scope, key)
