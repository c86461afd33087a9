"""Wiring: the Application with its handlers, the corpus loaded in post_init, long polling."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from retrieval.searching import Searcher

from . import handlers
from .corpus import Corpus, RateLimiter, ResultPages
from .settings import Settings

log = logging.getLogger(__name__)


# Telegram's 429 answers carry retry_after: wait that long and try again, a few times.
RETRIES_AFTER_429 = 3


def rate_limiter() -> AIORateLimiter:
    """Telegram's flood limits for outgoing messages, retrying after a 429."""
    return AIORateLimiter(max_retries=RETRIES_AFTER_429)


def build_application(settings: Settings, searcher: Searcher | None = None,
                      builder: ApplicationBuilder | None = None) -> Application:
    """The bot: handlers wired, the corpus (``searcher``, or the database's) in bot_data after post_init."""
    corpus = Corpus(settings)

    async def post_init(application: Application) -> None:
        if searcher is not None:
            corpus.serve(searcher)
        else:
            await asyncio.to_thread(corpus.load)
        log.info("serving %d paragraphs", len(corpus.searcher) if corpus.searcher else 0)

    async def post_shutdown(application: Application) -> None:
        corpus.close()

    builder = builder or ApplicationBuilder().token(settings.token or "").rate_limiter(rate_limiter())
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = builder.concurrent_updates(True).post_init(post_init).post_shutdown(post_shutdown).build()
    application.bot_data.update(settings=settings, corpus=corpus, pages=ResultPages(),
                                limiter=RateLimiter(settings.newsbot_rate_limit))

    application.add_handler(CommandHandler(["start", "help"], handlers.on_start))
    application.add_handler(CommandHandler("latest", handlers.on_latest))
    application.add_handler(CommandHandler("ask", handlers.on_ask))
    application.add_handler(CommandHandler("reload", handlers.on_reload))
    application.add_handler(CommandHandler("stats", handlers.on_stats))
    application.add_handler(CallbackQueryHandler(handlers.on_more))
    application.add_handler(MessageHandler(filters.Document.ALL & ~filters.COMMAND, handlers.on_document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.on_text))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, handlers.on_unknown_command))
    application.add_error_handler(handlers.on_error)
    return application


class RedactingFormatter(logging.Formatter):
    """Formats records with every secret replaced, tracebacks included."""

    def __init__(self, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Log to stderr; Bot API URLs contain the token, so it is redacted from every line."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # httpx logs every request URL at INFO: noise, and a token leak wherever another formatter is used.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def run(settings: Settings) -> None:
    """Long polling until interrupted."""
    configure_logging(settings.newsbot_log_level, (settings.token or "",))
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
