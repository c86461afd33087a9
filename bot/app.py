"""Wiring: the Application with its handlers, the corpus loaded in post_init, long polling."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from retrieval import kernel, tokenizing
from retrieval.library import Library
from retrieval.searching import Searcher

from . import handlers
from .botdata import CONTEXT_TYPES, BotData
from .feedback import Feedback
from .following import Following
from .ratelimit import RateLimiter
from .results import MoreResults
from .service import NewsService
from .settings import Settings

log = logging.getLogger(__name__)

INLINE_QUERIES_PER_QUESTION = 6  # inline queries a question may cost, typed a few characters at a time


# Telegram's 429 answers carry retry_after: wait that long and try again, a few times.
RETRIES_AFTER_429 = 3


def rate_limiter() -> AIORateLimiter:
    """Telegram's flood limits for outgoing messages, retrying after a 429."""
    return AIORateLimiter(max_retries=RETRIES_AFTER_429)


def build_application(settings: Settings, searcher: Searcher | None = None,
                      builder: ApplicationBuilder | None = None) -> Application:
    """The bot: handlers wired, the news service in bot_data, its corpus (``searcher``, or the
    database's) loaded in post_init."""
    service = NewsService(Library(settings.newsbot_data_dir, settings.newsbot_db_path))

    async def post_init(application: Application) -> None:
        # The scoring kernel compiles (or loads from numba's cache) on the other core while the corpus
        # and jieba's dictionary load, so the first question waits for none of them.
        warming = asyncio.create_task(asyncio.to_thread(kernel.warm_up))
        if searcher is not None:
            service.serve(searcher)
        else:
            await asyncio.to_thread(service.load)
        await asyncio.to_thread(tokenizing.warm_up)
        await warming
        await set_commands(application.bot, settings)
        await handlers.send_digests(application.bot, data)  # days a restart's ingest brought in
        log.info("serving %d paragraphs", len(service.searcher) if service.searcher else 0)

    async def post_shutdown(application: Application) -> None:
        service.close()
        data.following.close()
        data.feedback.close()

    builder = builder or ApplicationBuilder().token(settings.token or "").rate_limiter(rate_limiter())
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    application = (builder.context_types(CONTEXT_TYPES).concurrent_updates(True).post_init(post_init)
                   .post_shutdown(post_shutdown).build())
    data: BotData = application.bot_data
    data.settings, data.service, data.results = settings, service, MoreResults()
    data.limiter = RateLimiter(settings.newsbot_rate_limit)
    # Telegram sends an inline query as the user types: several per question, so a looser limit of its own.
    data.inline_limiter = RateLimiter(settings.newsbot_rate_limit * INLINE_QUERIES_PER_QUESTION)
    data.following, data.feedback = Following(settings.newsbot_db_path), Feedback(settings.newsbot_db_path)

    application.add_handler(CommandHandler(["start", "help"], handlers.on_start))
    application.add_handler(CommandHandler("latest", handlers.on_latest))
    application.add_handler(CommandHandler("ask", handlers.on_ask))
    application.add_handler(CommandHandler("reload", handlers.on_reload))
    application.add_handler(CommandHandler("stats", handlers.on_stats))
    application.add_handler(CommandHandler("subscribe", handlers.on_subscribe))
    application.add_handler(CommandHandler("unsubscribe", handlers.on_unsubscribe))
    application.add_handler(CallbackQueryHandler(handlers.on_more, pattern=handlers.MORE))
    application.add_handler(CallbackQueryHandler(handlers.on_full, pattern=handlers.FULL))
    application.add_handler(CallbackQueryHandler(handlers.on_vote, pattern=handlers.VOTE))
    application.add_handler(CallbackQueryHandler(handlers.on_follow_button, pattern=handlers.FOLLOW))
    application.add_handler(InlineQueryHandler(handlers.on_inline))
    application.add_handler(CallbackQueryHandler(handlers.on_stale_button))
    application.add_handler(MessageHandler(filters.Document.ALL & ~filters.COMMAND, handlers.on_document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.on_text))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, handlers.on_unknown_command))
    application.add_error_handler(handlers.on_error)
    return application


# The menu Telegram shows: residents' commands for everyone, the admin commands only in admins' chats.
COMMANDS = [("start", "开始使用"), ("latest", "最新报道标题"), ("subscribe", "订阅每天的新报纸标题"),
            ("unsubscribe", "取消订阅"), ("ask", "提问（群里用）"), ("help", "使用说明")]
ADMIN_COMMANDS = [("reload", "重新加载报纸文件"), ("stats", "使用统计和反馈")]


async def set_commands(bot: Bot, settings: Settings) -> None:
    """Set the command menu; a failure only loses the menu, so it is logged, not raised."""
    menus = [(COMMANDS, None)] + [(COMMANDS + ADMIN_COMMANDS, BotCommandScopeChat(admin))  # a private chat's
                                  for admin in sorted(settings.newsbot_admin_ids)]  # id is its user's id
    for commands, scope in menus:
        try:
            await bot.set_my_commands([BotCommand(*command) for command in commands], scope=scope)
        except TelegramError as error:  # e.g. an admin who never opened a chat with the bot
            log.warning("could not set a command menu: %s", error)


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
