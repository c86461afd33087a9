"""What every handler of one Application shares, typed: ``context.bot_data`` is a BotData."""

from __future__ import annotations

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from .feedback import Feedback
from .following import Following
from .ratelimit import RateLimiter
from .results import MoreResults
from .service import NewsService
from .settings import Settings


class BotData:
    """The Application's shared state; python-telegram-bot makes it empty, ``build_application`` fills it."""

    settings: Settings
    service: NewsService
    results: MoreResults
    limiter: RateLimiter
    inline_limiter: RateLimiter
    following: Following
    feedback: Feedback


Context = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
