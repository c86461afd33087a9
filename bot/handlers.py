"""Telegram handlers: thin wiring between updates, the Corpus and the pure formatting functions."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import NetworkError
from telegram.ext import ContextTypes

from retrieval.errors import RetrievalError
from retrieval.models import Hit

from . import formatting
from .corpus import Corpus, CorpusNotReady, ReloadBusy, UploadRefused, check_content, check_upload, save_upload
from .settings import Settings

log = logging.getLogger(__name__)

PAGE = 3  # passages per message
MORE = re.compile(r"^more:([0-9a-f]{8}):(\d{1,2})$")


def corpus_of(context: ContextTypes.DEFAULT_TYPE) -> Corpus:
    return context.bot_data["corpus"]


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


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


async def reply_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer one question: rate limit, search off the event loop, log, reply in HTML."""
    user = update.effective_user
    if user is not None and not context.bot_data["limiter"].allow(user.id):
        await update.effective_message.reply_text(formatting.RATE_LIMITED)
        return
    corpus = corpus_of(context)
    try:
        result, generation = await asyncio.to_thread(corpus.ask, question, user.id if user else None)
    except CorpusNotReady:
        await update.effective_message.reply_text(formatting.NOTHING_YET)
        return
    markup = None
    if result.more:
        markup = more_button(context.bot_data["pages"].put(result.more, generation), 0)
    latest = corpus.searcher.latest(3) if corpus.searcher and result.status == "none" else []
    await update.effective_message.reply_text(formatting.render(result, html=True, latest=latest),
                                              parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, with three questions the current corpus answers."""
    searcher = corpus_of(context).searcher
    latest = searcher.latest(3) if searcher else []
    has_weather = searcher is not None and "weather" in searcher.kinds
    examples = formatting.example_questions(latest, has_weather)
    await update.effective_message.reply_text(formatting.welcome(examples, html=True), parse_mode=ParseMode.HTML)


async def on_latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/latest: the newest headlines with their dates."""
    searcher = corpus_of(context).searcher
    text = formatting.render_headlines(searcher.latest(10) if searcher else [], html=True)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    question = " ".join(context.args or []).strip()
    if not question:
        await update.effective_message.reply_text(formatting.ASK_USAGE)
        return
    await reply_answer(update, context, question)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: every one in private chats; in groups only those addressed to the bot."""
    message = update.effective_message
    if update.effective_chat.type == ChatType.PRIVATE:
        await reply_answer(update, context, message.text or "")
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is not None:
        await reply_answer(update, context, question)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command in a private chat: point to /help (in groups it may be another bot's)."""
    await update.effective_message.reply_text(formatting.UNKNOWN_COMMAND)


async def on_more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 更多结果 button: the next page of passages, or a polite word if they are gone."""
    query = update.callback_query
    match = MORE.match(query.data or "")
    corpus = corpus_of(context)
    hits = context.bot_data["pages"].get(match.group(1), corpus.generation) if match else None
    offset = int(match.group(2)) if match else 0
    if not hits or offset >= len(hits):
        await query.answer(formatting.STALE if not hits else formatting.NO_MORE)
        return
    await query.answer()
    page: tuple[Hit, ...] = hits[offset:offset + PAGE]
    markup = more_button(match.group(1), offset + PAGE) if offset + PAGE < len(hits) else None
    await query.message.reply_text(formatting.render_hits(page, html=True), parse_mode=ParseMode.HTML,
                                   reply_markup=markup)


async def refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True (after a polite refusal, logged) when the sender is not an admin; checked on every call."""
    user = update.effective_user
    if settings_of(context).is_admin(user.id if user else None):
        return False
    log.warning("refused admin command from user %s in chat %s",
                user.id if user else None, update.effective_chat.id if update.effective_chat else None)
    await update.effective_message.reply_text(formatting.NOT_ADMIN)
    return True


async def run_reload(update: Update, context: ContextTypes.DEFAULT_TYPE, note: str = "") -> None:
    """Re-ingest off the event loop and report; a failure keeps the old corpus and says why."""
    corpus = corpus_of(context)
    try:
        report = await asyncio.to_thread(corpus.reload)
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


async def on_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): re-ingest the data dir and swap the new index in."""
    if await refuse_non_admin(update, context):
        return
    await run_reload(update, context)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): corpus size, last reload, questions and what went unanswered."""
    if await refuse_non_admin(update, context):
        return
    stats = await asyncio.to_thread(corpus_of(context).stats)
    await update.effective_message.reply_text(formatting.render_stats(stats, html=True), parse_mode=ParseMode.HTML)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page file sent by an admin: checked, saved into the data dir (never over another file), ingested."""
    if await refuse_non_admin(update, context):
        return
    document = update.effective_message.document
    settings = settings_of(context)
    try:
        name = check_upload(document.file_name, document.file_size, settings.newsbot_max_upload_kb * 1024)
        content = bytes(await (await document.get_file()).download_as_bytearray())
        check_upload(name, len(content), settings.newsbot_max_upload_kb * 1024)  # the size it really has
        await asyncio.to_thread(check_content, name, content)
    except UploadRefused as refusal:
        await update.effective_message.reply_text(formatting.UPLOAD_REFUSED + str(refusal))
        return
    path, _ = await asyncio.to_thread(save_upload, settings.newsbot_data_dir, name, content)
    log.info("admin %s uploaded %s as %s", update.effective_user.id, name, path.name)
    await run_reload(update, context, formatting.saved_as(name, path.name, html=True))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every unexpected error with its traceback; tell the user, in Chinese, without details."""
    if update is None and isinstance(context.error, NetworkError):
        # Polling failed: python-telegram-bot retries with backoff; one line per attempt is enough.
        log.warning("Bot API unreachable, polling again with backoff: %s", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(formatting.ERROR)
