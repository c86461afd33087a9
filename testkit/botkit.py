"""Test helpers for the bot: a recording BaseRequest, update builders and a Telegram-HTML check."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "平湖新闻问答", "username": "pinghu_news_bot"}
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                 "span", "blockquote", "tg-emoji"}
_ids = itertools.count(1)


class RecordingRequest(BaseRequest):
    """Answers the Bot API like Telegram would and records every call (python-telegram-bot's own approach)."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files = files or {}
        self.too_many: dict[str, int] = {}  # endpoint -> retry_after for its next call (a 429 once)
        self.blocked: set[int] = set()  # chats whose user blocked the bot: sending there is Forbidden

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.files[url.rsplit("/", 1)[-1]]
        endpoint = url.rsplit("/", 1)[-1]
        params = {k: _decode(v) for k, v in (request_data.json_parameters if request_data else {}).items()}
        self.calls.append((endpoint, params))
        retry_after = self.too_many.pop(endpoint, None)
        if retry_after is not None:
            return 429, json.dumps({"ok": False, "error_code": 429, "parameters": {"retry_after": retry_after},
                                    "description": f"Too Many Requests: retry after {retry_after}"}).encode()
        if endpoint.startswith("send") and params.get("chat_id") in self.blocked:
            return 403, json.dumps({"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"}).encode()
        result: Any = True
        if endpoint == "getMe":
            result = BOT_USER
        elif endpoint in ("sendMessage", "editMessageText"):
            result = {"message_id": next(_ids), "date": 0, "chat": {"id": params["chat_id"], "type": "private"},
                      "from": BOT_USER, "text": params.get("text", "")}
        elif endpoint == "getFile":
            result = {"file_id": params["file_id"], "file_unique_id": "u", "file_path": params["file_id"]}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, endpoint: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == endpoint]


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except (json.JSONDecodeError, TypeError):
        return value


def user(user_id: int = 1001) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "居民"}


def message_update(text: str, user_id: int = 1001, chat_type: str = "private", chat_id: int | None = None,
                   reply_to_bot: bool = False, document: dict | None = None) -> dict[str, Any]:
    """An Update as Telegram sends it; a leading /command gets its bot_command entity."""
    chat = {"id": chat_id if chat_id is not None else (user_id if chat_type == "private" else -100500),
            "type": chat_type}
    message: dict[str, Any] = {"message_id": next(_ids), "date": 0, "chat": chat, "from": user(user_id)}
    if document:
        message["document"] = document
    else:
        message["text"] = text
        entities = []
        command = re.match(r"^/\w+(@\w+)?", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": len(command.group(0))})
        for mention in re.finditer(r"@\w+", text):
            if not command or mention.start() >= command.end():
                entities.append({"type": "mention", "offset": mention.start(), "length": len(mention.group(0))})
        if entities:
            message["entities"] = entities
    if reply_to_bot:
        message["reply_to_message"] = {"message_id": next(_ids), "date": 0, "chat": chat, "from": BOT_USER,
                                       "text": "上一条回答"}
    return {"update_id": next(_ids), "message": message}


def callback_update(data: str, user_id: int = 1001) -> dict[str, Any]:
    message = {"message_id": next(_ids), "date": 0, "chat": {"id": user_id, "type": "private"}, "from": BOT_USER,
               "text": "回答"}
    return {"update_id": next(_ids), "callback_query": {"id": str(next(_ids)), "from": user(user_id),
                                                         "chat_instance": "ci", "data": data, "message": message}}


def inline_update(query: str, user_id: int = 1001) -> dict[str, Any]:
    """An inline query, as Telegram sends one when a user types ``@bot query`` in any chat."""
    return {"update_id": next(_ids), "inline_query": {"id": str(next(_ids)), "from": user(user_id), "query": query,
                                                      "offset": "", "chat_type": "sender"}}


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


def telegram_html_problems(text: str) -> list[str]:
    """Why ``text`` would not parse as Telegram HTML (empty when it would), length included."""
    problems = []
    if len(text) > 4096:
        problems.append(f"{len(text)} characters > 4096")
    tags = "|".join(map(re.escape, TELEGRAM_TAGS))
    bare = re.sub(rf"</?(?:{tags})(?:\s[^<>]*)?>", "", text)
    if "<" in bare or ">" in bare:
        problems.append("unescaped < or > outside a tag")
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        problems.append("unescaped &")
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    problems += checker.errors + [f"unclosed <{tag}>" for tag in checker.stack]
    return problems
