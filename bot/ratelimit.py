"""Per-user question rate limits, kept in memory (nothing about users is stored)."""

from __future__ import annotations

import time
from collections import deque

FORGET_FROM = 10_000  # users the rate limiter tracks before it drops the idle ones


class RateLimiter:
    """At most ``limit`` events per user in any ``window`` seconds (a sliding window).

    >>> limiter = RateLimiter(2, 60.0)
    >>> [limiter.allow(7, now=t) for t in (0.0, 1.0, 2.0, 61.5)]
    [True, True, False, True]
    """

    def __init__(self, limit: int, window: float = 60.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit, self.window = limit, window
        self._events: dict[int, deque[float]] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if len(self._events) > FORGET_FROM:  # forget users with nothing in the window, now and then
            self._events = {u: e for u, e in self._events.items() if e and e[-1] > now - self.window}
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True
