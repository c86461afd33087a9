"""Telegram handlers: thin wiring between updates, the news service and the pure formatting functions."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import NetworkError

from retrieval.errors import RetrievalError
from retrieval.models import Hit, Status

from . import formatting
from .botdata import Context
from .service import CorpusNotReady, ReloadBusy
from .uploads import UploadRefused, check_content, check_upload, save_upload

log = logging.getLogger(__name__)

PAGE = 3  # passages per message
MORE = re.compile(r"^more:([0-9a-f]{8}):(\d{1,2})$")  # the 更多结果 button's data


def more_button(key: str, offset: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(formatting.MORE_BUTTON, callback_data=f"more:{key}:{offset}")]])


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot (a mention or a reply to it), else None."""
    text = message.text or ""
    mention = f"@{username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if value.lower() == mention or (entity.user is not None and entity.user.id == bot_id):
            return text.replace(value, " ").strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text.strip()
    return None


async def reply_answer(update: Update, context: Context, question: str) -> None:
    """Answer one question: rate limit, search off the event loop, log, reply in HTML."""
    user, data = update.effective_user, context.bot_data
    if user is not None and not data.limiter.allow(user.id):
        await update.effective_message.reply_text(formatting.RATE_LIMITED)
        return
    try:
        result, generation = await asyncio.to_thread(data.service.ask, question)
    except CorpusNotReady:
        await update.effective_message.reply_text(formatting.NOTHING_YET)
        return
    markup = more_button(data.results.put(result.more, generation), 0) if result.more else None
    searcher = data.service.searcher
    latest = searcher.facts.latest[:3] if searcher and result.status is Status.NONE else ()
    await update.effective_message.reply_text(formatting.render(result, html=True, latest=latest),
                                              parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does, with three questions the current corpus answers."""
    searcher = context.bot_data.service.searcher
    facts = searcher.facts if searcher else None
    examples = formatting.example_questions(facts.latest[:3] if facts else (), bool(facts and "weather" in facts.kinds))
    await update.effective_message.reply_text(formatting.welcome(examples, html=True), parse_mode=ParseMode.HTML)


async def on_latest(update: Update, context: Context) -> None:
    """/latest: the newest headlines with their dates."""
    searcher = context.bot_data.service.searcher
    text = formatting.render_headlines(searcher.facts.latest[:10] if searcher else (), html=True)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def on_ask(update: Update, context: Context) -> None:
    """/ask <question>, in any chat."""
    question = " ".join(context.args or []).strip()
    if not question:
        await update.effective_message.reply_text(formatting.ASK_USAGE)
        return
    await reply_answer(update, context, question)


async def on_text(update: Update, context: Context) -> None:
    """A text message: every one in private chats; in groups only those addressed to the bot."""
    message = update.effective_message
    if update.effective_chat.type == ChatType.PRIVATE:
        await reply_answer(update, context, message.text or "")
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is not None:
        await reply_answer(update, context, question)


async def on_unknown_command(update: Update, context: Context) -> None:
    """An unknown /command in a private chat: point to /help (in groups it may be another bot's)."""
    await update.effective_message.reply_text(formatting.UNKNOWN_COMMAND)


async def on_more(update: Update, context: Context) -> None:
    """The 更多结果 button: the next page of passages, or a polite word if they are gone."""
    query = update.callback_query
    key, offset = context.matches[0].group(1), int(context.matches[0].group(2))
    hits = context.bot_data.results.get(key, context.bot_data.service.generation)
    if not hits or offset >= len(hits):
        await query.answer(formatting.STALE if not hits else formatting.NO_MORE)
        return
    await query.answer()
    page: tuple[Hit, ...] = hits[offset:offset + PAGE]
    markup = more_button(key, offset + PAGE) if offset + PAGE < len(hits) else None
    searcher = context.bot_data.service.searcher
    today = searcher.today().isoformat() if searcher else ""
    await query.message.reply_text(formatting.render_hits(page, html=True, today=today), parse_mode=ParseMode.HTML,
                                   reply_markup=markup)


async def on_stale_button(update: Update, context: Context) -> None:
    """A button whose data no handler knows (an old version's, or forged): say it has expired."""
    await update.callback_query.answer(formatting.STALE)


async def refuse_non_admin(update: Update, context: Context) -> bool:
    """True (after a polite refusal, logged) when the sender is not an admin; checked on every call."""
    user = update.effective_user
    if context.bot_data.settings.is_admin(user.id if user else None):
        return False
    # No user or chat id in the log: an attempt is worth a line, an identity is not.
    log.warning("refused an admin command from a non-admin in a %s chat",
                update.effective_chat.type if update.effective_chat else "unknown")
    await update.effective_message.reply_text(formatting.NOT_ADMIN)
    return True


async def run_reload(update: Update, context: Context, note: str = "") -> None:
    """Re-ingest off the event loop and report; a failure keeps the old corpus and says why."""
    try:
        report = await asyncio.to_thread(context.bot_data.service.reload)
    except ReloadBusy:
        await update.effective_message.reply_text(formatting.RELOAD_BUSY)
        return
    except (RetrievalError, OSError) as error:  # StoreError and EmptyCorpus are RetrievalErrors
        log.warning("reload failed, old corpus kept: %s", error, exc_info=True)
        await update.effective_message.reply_text(formatting.RELOAD_FAILED + formatting.escape(str(error), True),
                                                  parse_mode=ParseMode.HTML)
        return
    await update.effective_message.reply_text(note + formatting.render_report(report, html=True),
                                              parse_mode=ParseMode.HTML)


async def on_reload(update: Update, context: Context) -> None:
    """/reload (admins): re-ingest the data dir and swap the new index in."""
    if await refuse_non_admin(update, context):
        return
    await run_reload(update, context)


async def on_stats(update: Update, context: Context) -> None:
    """/stats (admins): corpus size, last reload, questions and what went unanswered."""
    if await refuse_non_admin(update, context):
        return
    service = context.bot_data.service
    questions = await asyncio.to_thread(service.questions.stats)
    searcher = service.searcher
    stats = formatting.Stats(articles=searcher.facts.articles if searcher else 0,
                             paragraphs=len(searcher) if searcher else 0, loaded_at=service.loaded_at,
                             questions=questions)
    await update.effective_message.reply_text(formatting.render_stats(stats, html=True), parse_mode=ParseMode.HTML)


async def on_document(update: Update, context: Context) -> None:
    """A page file sent by an admin: checked, saved into the data dir (never over another file), ingested."""
    if await refuse_non_admin(update, context):
        return
    document = update.effective_message.document
    settings = context.bot_data.settings
    limit = settings.newsbot_max_upload_kb * 1024
    try:
        name = check_upload(document.file_name, document.file_size, limit)
        content = bytes(await (await document.get_file()).download_as_bytearray())
        check_upload(name, len(content), limit)  # the size it really has
        await asyncio.to_thread(check_content, name, content)
    except UploadRefused as refusal:
        await update.effective_message.reply_text(formatting.UPLOAD_REFUSED + str(refusal))
        return
    path, _ = await asyncio.to_thread(save_upload, settings.newsbot_data_dir, name, content)
    log.info("an admin uploaded %s as %s", name, path.name)
    await run_reload(update, context, formatting.saved_as(name, path.name, html=True))


async def on_error(update: object, context: Context) -> None:
    """Log every unexpected error with its traceback; tell the user, in Chinese, without details."""
    if update is None and isinstance(context.error, NetworkError):
        # Polling failed: python-telegram-bot retries with backoff; one line per attempt is enough.
        log.warning("Bot API unreachable, polling again with backoff: %s", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(formatting.ERROR)
