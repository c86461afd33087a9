"""Per-user rate limits: a sliding window, and idle users forgotten."""

from __future__ import annotations

import pytest

from bot import ratelimit
from bot.ratelimit import RateLimiter


def test_rate_limiter_is_a_sliding_window_per_user():
    limiter = RateLimiter(2, 60)
    assert [limiter.allow(1, t) for t in (0, 10, 20, 59, 60.5, 70.5)] == [True, True, False, False, True, True]
    assert limiter.allow(2, 20)


def test_idle_users_are_forgotten_once_many_are_tracked(monkeypatch):
    monkeypatch.setattr(ratelimit, "FORGET_FROM", 3)
    limiter = RateLimiter(1, 60)
    for user in range(5):
        limiter.allow(user, now=0.0)
    limiter.allow(99, now=120.0)
    assert set(limiter._events) == {99}


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(0)
