"""Telegram handlers: thin wiring between updates, the news service and the pure formatting functions."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, NetworkError, TelegramError

from retrieval import editions
from retrieval.errors import RetrievalError
from retrieval.models import DateRange, Edition, Hit, Status

from . import formatting
from .botdata import BotData, Context
from .service import CorpusNotReady, ReloadBusy
from .uploads import UploadRefused, check_content, check_upload, save_upload

log = logging.getLogger(__name__)

PAGE = 3  # passages per message
MORE = re.compile(r"^more:([0-9a-f]{8}):(\d{1,2})$")  # the 更多结果 button's data
FULL = re.compile(r"^full:(\d{1,18})$")  # a 全文 button: the row id of a paragraph of the article
VOTE = re.compile(r"^vote:([0-9a-f]{8}):([01])$")  # 👍 (1) or 👎 (0) on the answer under a key
FOLLOW = re.compile(r"^follow:([01])$")  # the subscribe (1) / unsubscribe (0) buttons of /start
INLINE_RESULTS = 5
DIGEST_DAYS = 3  # new days announced at most after one reload (the newest ones)


def answer_markup(hits: tuple[Hit, ...], key: str | None, more_at: int | None) -> InlineKeyboardMarkup:
    """A 全文 button per passage, then 更多结果 when there are further passages, then 👍/👎."""
    rows = [[InlineKeyboardButton(f"{formatting.FULL_BUTTON} {n}" if len(hits) > 1 else formatting.FULL_BUTTON,
                                  callback_data=f"full:{hit.paragraph.id}") for n, hit in enumerate(hits, start=1)]]
    if key is not None and more_at is not None:
        rows.append([InlineKeyboardButton(formatting.MORE_BUTTON, callback_data=f"more:{key}:{more_at}")])
    if key is not None:
        rows.append([InlineKeyboardButton(formatting.LIKE_BUTTON, callback_data=f"vote:{key}:1"),
                     InlineKeyboardButton(formatting.DISLIKE_BUTTON, callback_data=f"vote:{key}:0")])
    return InlineKeyboardMarkup([row for row in rows if row])


def edition_markup(edition: Edition) -> InlineKeyboardMarkup | None:
    """全文 buttons for the listed headlines, numbered as the list is, five to a row."""
    buttons = [InlineKeyboardButton(f"{formatting.FULL_BUTTON} {n}", callback_data=f"full:{item.paragraph_id}")
               for n, item in enumerate(edition.headlines[:formatting.EDITION_ITEMS], start=1)]
    return InlineKeyboardMarkup([buttons[i:i + 5] for i in range(0, len(buttons), 5)]) if buttons else None


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
    markup = None
    if result.passages:
        key = data.results.put(result, generation)
        markup = answer_markup(result.passages, key, 0 if result.more else None)
    elif result.status is Status.NEWS and result.edition is not None:
        markup = edition_markup(result.edition)
    searcher = data.service.searcher
    latest = searcher.facts.latest[:3] if searcher and result.status is Status.NONE else ()
    await update.effective_message.reply_text(formatting.render(result, html=True, latest=latest),
                                              parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does, with three questions the current corpus answers."""
    searcher = context.bot_data.service.searcher
    facts = searcher.facts if searcher else None
    examples = formatting.example_questions(facts.latest[:3] if facts else (), bool(facts and "weather" in facts.kinds))
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton(formatting.SUBSCRIBE_BUTTON, callback_data="follow:1"),
                                     InlineKeyboardButton(formatting.UNSUBSCRIBE_BUTTON, callback_data="follow:0")]])
    await update.effective_message.reply_text(formatting.welcome(examples, html=True), parse_mode=ParseMode.HTML,
                                              reply_markup=buttons)


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
    result = context.bot_data.results.get(key, context.bot_data.service.generation)
    hits = result.more if result is not None else ()
    if not hits or offset >= len(hits):
        await query.answer(formatting.STALE if result is None else formatting.NO_MORE)
        return
    await query.answer()
    page: tuple[Hit, ...] = hits[offset:offset + PAGE]
    markup = answer_markup(page, key if offset + PAGE < len(hits) else None, offset + PAGE)
    await query.message.reply_text(formatting.render_hits(page, html=True, today=result.today),
                                   parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_full(update: Update, context: Context) -> None:
    """A 全文 button: the whole article, in as many messages as it needs, in order."""
    query, service = update.callback_query, context.bot_data.service
    paragraphs = await asyncio.to_thread(service.article_of, int(context.matches[0].group(1)))
    if not paragraphs:
        await query.answer(formatting.ARTICLE_GONE)
        return
    await query.answer()
    for text in formatting.render_article(paragraphs, html=True):
        await query.message.reply_text(text, parse_mode=ParseMode.HTML)


async def on_vote(update: Update, context: Context) -> None:
    """👍/👎 under an answer: stored with the question and what was shown, then thanked."""
    query, data = update.callback_query, context.bot_data
    result = data.results.get(context.matches[0].group(1), data.service.generation)
    if result is None or query.from_user is None:
        await query.answer(formatting.STALE)
        return
    await asyncio.to_thread(data.feedback.vote, query.from_user.id, result, context.matches[0].group(2) == "1")
    await query.answer(formatting.THANKS)


async def on_subscribe(update: Update, context: Context) -> None:
    """/subscribe: this chat gets each new day's headlines once."""
    added = await asyncio.to_thread(context.bot_data.following.subscribe, update.effective_chat.id)
    await update.effective_message.reply_text(formatting.SUBSCRIBED if added else formatting.ALREADY_SUBSCRIBED)


async def on_unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe: no more daily headlines for this chat."""
    removed = await asyncio.to_thread(context.bot_data.following.unsubscribe, update.effective_chat.id)
    await update.effective_message.reply_text(formatting.UNSUBSCRIBED if removed else formatting.NOT_SUBSCRIBED)


async def on_follow_button(update: Update, context: Context) -> None:
    """The subscribe / unsubscribe buttons of /start, as the commands."""
    await update.callback_query.answer()
    if context.matches[0].group(1) == "1":
        await on_subscribe(update, context)
    else:
        await on_unsubscribe(update, context)


async def on_inline(update: Update, context: Context) -> None:
    """@bot 问题 in any chat: the answer's passages as results to send there (headline, sentence, source)."""
    query, data = update.inline_query, context.bot_data
    text = query.query.strip()
    if not text or not data.inline_limiter.allow(query.from_user.id):
        await query.answer([], cache_time=5, is_personal=True)
        return
    try:
        result, _ = await asyncio.to_thread(data.service.ask, text)
    except CorpusNotReady:
        result = None
    hits = (result.passages + result.more)[:INLINE_RESULTS] if result is not None else ()
    await query.answer([inline_result(hit, result.today) for hit in hits] if result else [], cache_time=60)


def inline_result(hit: Hit, today: str) -> InlineQueryResultArticle:
    """One inline result: the headline as its title, the best sentence as its description, the passage
    with where it ran as the message sent."""
    paragraph = hit.paragraph
    return InlineQueryResultArticle(
        id=str(paragraph.id), title=formatting.clip(paragraph.headline or paragraph.subheadline or "（无标题）", 64),
        description=formatting.clip(hit.sentence or paragraph.text, 100),
        input_message_content=InputTextMessageContent(formatting.render_hit(hit, html=True, today=today),
                                                      parse_mode=ParseMode.HTML))


async def send_digests(bot: Bot, data: BotData) -> None:
    """After a load or reload brought days not announced yet: each subscriber gets each new day's
    headlines once (through the rate limiter); a chat that blocked the bot is unsubscribed."""
    searcher = data.service.searcher
    if searcher is None:
        return
    new = await asyncio.to_thread(lambda: data.following.new_days(searcher.paragraphs.days()))
    chats = await asyncio.to_thread(data.following.chats) if new else []
    if not new:
        return
    await asyncio.to_thread(data.following.mark, new, len(chats))
    for day in new[-DIGEST_DAYS:]:
        edition = await asyncio.to_thread(editions.edition, searcher.paragraphs, DateRange(day, day))
        title = f"{formatting.DIGEST_TITLE}：{formatting.day_words(day, searcher.today().isoformat())}的报纸"
        text = formatting.render_edition(edition, html=True, title=title)
        for chat in chats:
            try:
                await bot.send_message(chat, text, parse_mode=ParseMode.HTML,
                                               reply_markup=edition_markup(edition))
            except Forbidden:  # blocked the bot or left the group: stop, do not retry forever
                await asyncio.to_thread(data.following.unsubscribe, chat)
            except TelegramError as error:
                log.warning("a digest could not be sent: %s", error)


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
    await send_digests(context.bot, context.bot_data)


async def on_reload(update: Update, context: Context) -> None:
    """/reload (admins): re-ingest the data dir and swap the new index in."""
    if await refuse_non_admin(update, context):
        return
    await run_reload(update, context)


async def on_stats(update: Update, context: Context) -> None:
    """/stats (admins): corpus size, last reload, questions, subscribers and this week's feedback."""
    if await refuse_non_admin(update, context):
        return
    data = context.bot_data
    service = data.service
    questions = await asyncio.to_thread(service.questions.stats)
    subscribers = len(await asyncio.to_thread(data.following.chats))
    votes, disliked = await asyncio.to_thread(data.feedback.week)
    searcher = service.searcher
    stats = formatting.Stats(articles=searcher.facts.articles if searcher else 0,
                             paragraphs=len(searcher) if searcher else 0, loaded_at=service.loaded_at,
                             questions=questions, subscribers=subscribers, votes=tuple(votes),
                             disliked=tuple(disliked))
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
