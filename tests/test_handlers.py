"""Handlers through the real python-telegram-bot Application, with a recording BaseRequest."""

from __future__ import annotations

import logging

import pytest

from bot import formatting
from testkit.botkit import (
    BOT_USER,
    RecordingRequest,
    callback_update,
    inline_update,
    message_update,
    telegram_html_problems,
)

from .conftest import ADMIN, RESIDENT, TOKEN

NEW_PAGE = ("独山港镇新建五座口袋公园\n\n■本报记者 赵丽\n\n"
            "本报讯 今年以来，独山港镇利用边角地新建口袋公园五座，居民出门即可休闲健身。\n")


@pytest.fixture
def bot(bot_app):
    return bot_app


def only_reply(calls: list[dict]) -> str:
    texts = [call["text"] for call in calls if "text" in call]
    assert len(texts) == 1, calls
    assert telegram_html_problems(texts[0]) == []
    return texts[0]


async def test_private_question_gets_the_passage_with_bold_headline(bot):
    calls = await bot.send(message_update("平湖经开区和谁签了战略合作协议?", RESIDENT))
    text = only_reply(calls)
    assert text.startswith("<b>地企携手聚力 资本产业深融</b>\n第6版 评论\n")
    assert "《<u>战略合作协议</u>》" in text
    assert calls[0]["parse_mode"] == "HTML"


async def test_off_topic_question_says_no_answer_and_offers_headlines(bot):
    text = only_reply(await bot.send(message_update("杭州亚运会什么时候开幕", RESIDENT)))
    assert text.startswith(formatting.NO_ANSWER)
    assert "• 市委常委会召开扩大会议" in text


async def test_group_message_is_ignored_unless_the_bot_is_addressed(bot):
    assert await bot.send(message_update("明天天气怎么样", RESIDENT, chat_type="group")) == []
    mention = only_reply(await bot.send(message_update("@pinghu_news_bot 明天天气怎么样", RESIDENT, "supergroup")))
    assert mention.startswith("这份天气预报来自日期不明的报纸：\n<b>天气预报</b>")
    reply = only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT, "group", reply_to_bot=True)))
    assert reply.startswith("<b>时空廉书寄初心 结对帮带续薪火</b>")


async def test_ask_command_works_in_groups_and_explains_itself_when_empty(bot):
    text = only_reply(await bot.send(message_update("/ask 今天最高气温多少度", RESIDENT, "group")))
    assert text.startswith("这份天气预报来自日期不明的报纸：\n<b>天气预报</b>") and "<u>最高气温</u>" in text
    assert only_reply(await bot.send(message_update("/ask", RESIDENT, "group"))) == formatting.ASK_USAGE


async def test_start_lists_three_examples_from_the_corpus(bot):
    text = only_reply(await bot.send(message_update("/start", RESIDENT)))
    assert text.endswith("可以这样问：\n• 明天天气怎么样？\n• 市委常委会召开扩大会议讲了什么？\n"
                         "• 地企携手聚力 资本产业深融讲了什么？")


async def test_latest_lists_headlines(bot):
    text = only_reply(await bot.send(message_update("/latest", RESIDENT)))
    assert text.splitlines()[:3] == ["最新报道：", "• 市委常委会召开扩大会议", "• 地企携手聚力 资本产业深融"]


async def test_more_button_pages_further_answers_and_rejects_forged_or_stale_data(bot):
    calls = await bot.send(message_update("平湖高质量发展", RESIDENT))
    only_reply(calls)
    rows = calls[0]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["全文 1", "全文 2", "全文 3"]
    assert [[b["text"] for b in row] for row in rows[1:]] == [["更多结果"], ["👍 有用", "👎 没用"]]
    button = rows[1][0]
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)
    more = await bot.send(callback_update(button["callback_data"], RESIDENT))
    assert more[0] == {"callback_query_id": more[0]["callback_query_id"]}  # answered, silently
    assert telegram_html_problems(more[1]["text"]) == [] and more[1]["text"].startswith("<b>")
    forged = await bot.send(callback_update("more:../../etc:99", RESIDENT))
    assert forged[0]["text"] == formatting.STALE and len(forged) == 1
    unknown = await bot.send(callback_update("more:deadbeef:0", RESIDENT))
    assert unknown[0]["text"] == formatting.STALE


async def test_non_admin_reload_is_refused_and_logged(bot, caplog):
    with caplog.at_level(logging.INFO):
        text = only_reply(await bot.send(message_update("/reload", RESIDENT)))
    assert text == formatting.NOT_ADMIN
    assert "refused an admin command from a non-admin in a private chat" in caplog.text
    assert str(RESIDENT) not in caplog.text  # no raw ids in the log at INFO


async def test_admin_reload_reports_and_serves_the_new_page_by_extending_the_index(bot, data_dir, monkeypatch):
    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt the whole index for an added page")

    assert only_reply(await bot.send(message_update("独山港镇口袋公园", RESIDENT))).startswith(formatting.NO_ANSWER)
    monkeypatch.setattr("retrieval.library.build", no_rebuild)
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    report = only_reply(await bot.send(message_update("/reload", ADMIN, "group")))
    assert report.startswith("文件：新增 1，更新 0，未变 1，移除 0，失败 0\n文章 8 篇，段落 33 段")
    text = only_reply(await bot.send(message_update("独山港镇口袋公园", RESIDENT)))
    assert text.startswith("<b>独山港镇新建五座口袋公园</b>\n2025-12-19\n")
    assert only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT))).startswith("<b>时空廉书寄初心")
    assert only_reply(await bot.send(message_update("/reload", ADMIN))).startswith("文件：新增 0，更新 0，未变 2")


async def test_failed_reload_keeps_the_old_corpus_and_says_why(bot, db_path, monkeypatch):
    from retrieval.errors import StoreError

    def broken(*args, **kwargs):
        raise StoreError("cannot open database: disk I/O error")

    monkeypatch.setattr("retrieval.library.ingest", broken)
    text = only_reply(await bot.send(message_update("/reload", ADMIN)))
    assert text == formatting.RELOAD_FAILED + "cannot open database: disk I/O error"
    assert only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT))).startswith("<b>时空廉书寄初心")


async def test_second_reload_while_one_runs_is_refused(bot):
    service = bot.bot_data.service
    service._reload_lock.acquire()  # as a running reload holds it
    try:
        assert only_reply(await bot.send(message_update("/reload", ADMIN))) == formatting.RELOAD_BUSY
    finally:
        service._reload_lock.release()


async def test_stats_show_corpus_questions_and_unanswered(bot):
    await bot.send(message_update("顾亚萍是谁", RESIDENT))
    await bot.send(message_update("比特币价格", RESIDENT))
    await bot.send(message_update("你好", RESIDENT))  # greetings are not questions
    text = only_reply(await bot.send(message_update("/stats", ADMIN)))
    lines = text.splitlines()
    assert lines[0] == "收录：文章 7 篇，段落 32 段"
    assert lines[2] == "提问：今天 2 个，累计 2 个，未能回答 50%"
    assert lines[3:] == ["最近未能回答的问题：", "• 比特币价格", "订阅：0 人", "本周反馈：👍 0，👎 0"]
    assert only_reply(await bot.send(message_update("/stats", RESIDENT))) == formatting.NOT_ADMIN


async def test_question_log_keeps_the_question_and_no_user(bot, db_path):
    import sqlite3

    await bot.send(message_update("顾亚萍是谁", RESIDENT))
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT user_hash, text, answered, top_article FROM questions").fetchone()
    assert row == (None, "顾亚萍是谁", 1, "000_e4a181130212ea15.txt#3")


async def test_rate_limit_answers_politely_after_the_limit(bot):
    for _ in range(5):
        only_reply(await bot.send(message_update("明天天气怎么样", RESIDENT + 1)))
    assert only_reply(await bot.send(message_update("明天天气怎么样", RESIDENT + 1))) == formatting.RATE_LIMITED
    reply = only_reply(await bot.send(message_update("明天天气怎么样", RESIDENT + 2)))
    assert reply.startswith("这份天气预报来自日期不明的报纸：\n<b>天气预报</b>")


async def test_admin_uploads_a_page_file_and_it_is_answerable(bot, data_dir):
    bot.recorder.files["doc-1"] = NEW_PAGE.encode()
    document = {"file_id": "doc-1", "file_unique_id": "u1", "file_name": "2025-12-19.txt",
                "file_size": len(NEW_PAGE.encode())}
    text = only_reply(await bot.send(message_update("", ADMIN, document=document)))
    assert text.startswith("已保存 2025-12-19.txt。\n文件：新增 1")
    assert (data_dir / "2025-12-19.txt").read_text(encoding="utf-8") == NEW_PAGE
    # The same name with other content is saved beside it, never over it.
    bot.recorder.files["doc-2"] = NEW_PAGE.replace("五座", "六座").encode()
    text = only_reply(await bot.send(message_update("", ADMIN, document=dict(document, file_id="doc-2"))))
    assert text.startswith("已有同名的不同文件，新文件另存为 2025-12-19-2.txt。")
    assert (data_dir / "2025-12-19.txt").read_text(encoding="utf-8") == NEW_PAGE


@pytest.mark.parametrize(("name", "size", "reason"), [
    ("../../etc/passwd.txt", 10, "文件名不合规"), (".hidden.txt", 10, "文件名不合规"),
    ("run.sh", 10, "只接受 .txt 或 .jsonl 文件"), ("big.txt", 10 * 1024 * 1024, "文件太大"),
])
async def test_bad_uploads_are_refused_with_the_reason(bot, data_dir, name, size, reason):
    document = {"file_id": "x", "file_unique_id": "u", "file_name": name, "file_size": size}
    text = only_reply(await bot.send(message_update("", ADMIN, document=document)))
    assert text.startswith(formatting.UPLOAD_REFUSED + reason)
    assert sorted(p.name for p in data_dir.iterdir()) == ["000_e4a181130212ea15.txt"]


async def test_resident_upload_is_refused(bot, data_dir):
    document = {"file_id": "x", "file_unique_id": "u", "file_name": "page.txt", "file_size": 10}
    assert only_reply(await bot.send(message_update("", RESIDENT, document=document))) == formatting.NOT_ADMIN


async def test_unexpected_error_is_logged_with_traceback_and_the_user_told_politely(bot, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.bot_data.service, "ask", boom)
    with caplog.at_level(logging.ERROR):
        text = only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT)))
    assert text == formatting.ERROR
    record = next(r for r in caplog.records if r.exc_info)
    assert "index exploded" in str(record.exc_info[1])
    assert TOKEN not in caplog.text


async def test_the_first_question_does_not_wait_for_jiebas_dictionary(data_dir, db_path, monkeypatch):
    from retrieval import tokenizing
    from retrieval.ingesting import ingest

    from .conftest import running_app

    ingest([data_dir], db_path)  # a start that ingests nothing
    monkeypatch.setattr(tokenizing, "_tokenizer", None)  # as in a fresh process
    async with running_app(data_dir, db_path, RecordingRequest()):
        assert tokenizing._tokenizer is not None  # loaded at start, beside the corpus and the kernel


async def test_bot_identity_comes_from_get_me(bot):
    assert bot.bot.username == BOT_USER["username"]


async def test_residents_are_answered_from_the_old_corpus_while_a_reload_runs(bot, data_dir, monkeypatch):
    import asyncio
    import threading

    from retrieval import library as library_module

    started, release = threading.Event(), threading.Event()
    real_ingest = library_module.ingest

    def slow_ingest(*args, **kwargs):
        started.set()
        release.wait(10)
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr("retrieval.library.ingest", slow_ingest)
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    reload = asyncio.create_task(bot.send(message_update("/reload", ADMIN)))
    assert await asyncio.to_thread(started.wait, 10)
    during = only_reply(await bot.send(message_update("独山港镇口袋公园", RESIDENT)))
    release.set()
    report = only_reply(await reload)
    after = only_reply(await bot.send(message_update("独山港镇口袋公园", RESIDENT)))
    assert during.startswith(formatting.NO_ANSWER)  # the old corpus, whole
    assert report.startswith("文件：新增 1")
    assert after.startswith("<b>独山港镇新建五座口袋公园</b>")


async def test_unknown_command_points_to_help_in_private_and_is_silent_in_groups(bot):
    assert only_reply(await bot.send(message_update("/nonsense", RESIDENT))) == formatting.UNKNOWN_COMMAND
    assert await bot.send(message_update("/nonsense", RESIDENT, "group")) == []


async def test_admin_is_the_numeric_id_never_the_username(bot):
    update = message_update("/reload", RESIDENT)
    update["message"]["from"]["username"] = "admin"  # whatever a resident calls themselves
    update["message"]["from"]["first_name"] = "管理员"
    assert only_reply(await bot.send(update)) == formatting.NOT_ADMIN
    in_group = message_update("/stats", RESIDENT, "supergroup")
    assert only_reply(await bot.send(in_group)) == formatting.NOT_ADMIN
    assert only_reply(await bot.send(message_update("/stats", ADMIN, "supergroup"))).startswith("收录：")


async def test_a_429_is_waited_out_for_its_retry_after_and_the_reply_still_arrives(data_dir, db_path):
    import time

    from bot.app import rate_limiter
    from testkit.botkit import RecordingRequest

    from .conftest import running_app

    request = RecordingRequest()
    async with running_app(data_dir, db_path, request, lambda b: b.rate_limiter(rate_limiter())) as app:
        request.too_many["sendMessage"] = 1
        started = time.monotonic()
        calls = await app.send(message_update("顾亚萍是谁", RESIDENT))
        waited = time.monotonic() - started
    sends = [params for params in calls if "text" in params]
    assert len(sends) == 2 and sends[0] == sends[1]  # refused once, then sent again unchanged
    assert waited >= 1.0  # not before Telegram's retry_after


async def test_bad_files_in_the_data_dir_are_reported_by_reload_and_nothing_is_lost(bot, data_dir, seed_text):
    (data_dir / "empty.txt").write_bytes(b"")
    (data_dir / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (data_dir / "garbage.txt").write_bytes(b"\xff\xfe\xfa\xff\x81 ")
    (data_dir / "copy-gb18030.txt").write_bytes(seed_text.encode("gb18030"))
    lines = '{"headline": "好标题", "text": "新埭镇开展消防演练。"}\nnot json\n{"text": "x"}\n'
    (data_dir / "lines.jsonl").write_text(lines, encoding="utf-8")
    report = only_reply(await bot.send(message_update("/reload", ADMIN)))
    assert report.splitlines() == [
        "文件：新增 2，更新 0，未变 1，移除 0，失败 3",
        "• blob.txt：binary file (NUL bytes)",
        "• empty.txt：empty file",
        "• garbage.txt：not text in utf-8, utf-8-sig, gb18030",
        "• 跳过 lines.jsonl:2: not JSON (Expecting value)",
        "• 跳过 lines.jsonl:3: no headline",
        report.splitlines()[-1],
    ]
    assert report.splitlines()[-1].startswith("文章 15 篇，段落 65 段")
    assert only_reply(await bot.send(message_update("新埭镇消防演练", RESIDENT))).startswith("<b>好标题</b>")
    assert only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT))).startswith("<b>时空廉书寄初心")


@pytest.mark.parametrize(("content", "reason"), [
    (b"\x00\x00binary", "binary file (NUL bytes)"),
    (b"   \n", "empty file"),
    (b"\xff\xfe\xfa\xff\x81 ", "not text in utf-8, utf-8-sig, gb18030"),
])
async def test_bad_uploaded_pages_are_refused_with_the_reason_and_not_saved(bot, data_dir, content, reason):
    bot.recorder.files["bad"] = content
    document = {"file_id": "bad", "file_unique_id": "u", "file_name": "page.txt", "file_size": len(content)}
    text = only_reply(await bot.send(message_update("", ADMIN, document=document)))
    assert text == formatting.UPLOAD_REFUSED + reason
    assert sorted(p.name for p in data_dir.iterdir()) == ["000_e4a181130212ea15.txt"]
    assert only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT))).startswith("<b>时空廉书寄初心")


async def test_uploaded_jsonl_with_bad_lines_loads_the_good_ones_and_reports_the_rest(bot, data_dir):
    content = '{"headline": "好标题", "text": "新埭镇开展消防演练。"}\n{broken\n'.encode()
    bot.recorder.files["j"] = content
    document = {"file_id": "j", "file_unique_id": "u", "file_name": "more.jsonl", "file_size": len(content)}
    text = only_reply(await bot.send(message_update("", ADMIN, document=document)))
    assert "• 跳过 more.jsonl:2: not JSON" in text and "文件：新增 1" in text


async def test_reload_while_another_process_holds_the_database_fails_politely(bot, db_path, monkeypatch):
    import sqlite3

    from retrieval import store as store_module

    monkeypatch.setattr(store_module, "WAIT", 0.2)  # don't wait 30 s here
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another ingest, say `newsbot ingest` in a shell
    try:
        text = only_reply(await bot.send(message_update("/reload", ADMIN)))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert text.startswith(formatting.RELOAD_FAILED + "cannot use database")
    assert "database is locked" in text
    assert only_reply(await bot.send(message_update("顾亚萍是谁", RESIDENT))).startswith("<b>时空廉书寄初心")


async def test_bot_starts_on_an_empty_data_dir_and_serves_the_first_uploaded_page(tmp_path):
    from testkit.botkit import RecordingRequest

    from .conftest import running_app

    empty = tmp_path / "empty"
    empty.mkdir()
    request = RecordingRequest()
    async with running_app(empty, tmp_path / "news.db", request) as app:
        assert only_reply(await app.send(message_update("顾亚萍是谁", RESIDENT))) == formatting.NOTHING_YET
        request.files["first"] = NEW_PAGE.encode()
        document = {"file_id": "first", "file_unique_id": "f", "file_name": "2025-12-19.txt",
                    "file_size": len(NEW_PAGE.encode())}
        assert "文件：新增 1" in only_reply(await app.send(message_update("", ADMIN, document=document)))
        answer = only_reply(await app.send(message_update("独山港镇口袋公园", RESIDENT)))
        assert answer.startswith("<b>独山港镇新建五座口袋公园</b>")


async def test_reload_serves_what_a_shell_ingest_added_to_the_store_meanwhile(bot, data_dir, db_path):
    from retrieval.library import Library

    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    Library(data_dir, db_path).refresh()  # `newsbot ingest` run by hand while the bot serves
    assert only_reply(await bot.send(message_update("/reload", ADMIN))).startswith("文件：新增 0，更新 0，未变 2")
    reply = only_reply(await bot.send(message_update("独山港镇口袋公园", RESIDENT)))
    assert reply.startswith("<b>独山港镇新建五座口袋公园")


LONG_PAGE = "独山港镇出台海塘保护规划\n\n■本报记者 赵丽\n\n" + "\n\n".join(
    f"第{n}段，独山港镇海塘保护规划要求沿线各村落实责任，" + "海塘巡查员每天记录潮位、堤身和护坡的变化。" * 16
    for n in range(1, 31)) + "\n"


async def test_news_questions_list_the_days_headlines_with_full_text_buttons(bot, data_dir):
    undated = (await bot.send(message_update("今天有什么新闻", RESIDENT)))[0]
    assert undated["text"].startswith("<b>日期不明的报纸（5篇）：</b>\n1. ")
    assert [b["text"] for b in undated["reply_markup"]["inline_keyboard"][0]] == [f"全文 {n}" for n in range(1, 6)]
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    await bot.send(message_update("/reload", ADMIN))
    newest = only_reply(await bot.send(message_update("最近有什么新闻", RESIDENT)))
    assert newest == "<b>12月19日的报纸（1篇）：</b>\n1. 独山港镇新建五座口袋公园"
    missing = only_reply(await bot.send(message_update("12月25日有什么新闻？", RESIDENT)))
    # 12月25日 without a year is the last one: a year before the newest paper (never a day to come).
    assert missing == "2024年12月25日的报纸还没有收录。最近的几期：12月19日。可以发送“12月19日有什么新闻”查看。"


async def test_full_text_arrives_in_order_in_messages_within_the_limit(bot, data_dir):
    (data_dir / "2025-12-20.txt").write_text(LONG_PAGE, encoding="utf-8")
    await bot.send(message_update("/reload", ADMIN))
    calls = await bot.send(message_update("独山港镇海塘保护规划", RESIDENT))
    full = calls[0]["reply_markup"]["inline_keyboard"][0][0]
    assert full["text"].startswith("全文")
    sent = [call["text"] for call in (await bot.send(callback_update(full["callback_data"], RESIDENT)))[1:]]
    assert len(sent) >= 3 and all(len(text) <= 4096 and telegram_html_problems(text) == [] for text in sent)
    assert sent[0].startswith("<b>独山港镇出台海塘保护规划</b>\n本报记者 赵丽\n2025-12-20\n\n第1段")
    whole = "\n\n".join(sent)
    assert [whole.index(f"第{n}段，") for n in range(1, 31)] == sorted(whole.index(f"第{n}段，") for n in range(1, 31))
    gone = await bot.send(callback_update("full:999999", RESIDENT))
    assert gone[0]["text"] == formatting.ARTICLE_GONE


async def test_subscribers_get_a_new_days_headlines_once_and_blocked_chats_are_dropped(bot, data_dir):
    assert only_reply(await bot.send(message_update("/subscribe", RESIDENT))) == formatting.SUBSCRIBED
    assert only_reply(await bot.send(message_update("/subscribe", RESIDENT))) == formatting.ALREADY_SUBSCRIBED
    await bot.send(message_update("/subscribe", RESIDENT + 7))
    bot.recorder.blocked.add(RESIDENT + 7)
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    await bot.send(message_update("/reload", ADMIN))
    digests = [call for call in bot.recorder.sent() if call["chat_id"] == RESIDENT]
    assert [call["text"] for call in digests[-1:]] == [
        "<b>新报纸到了：12月19日的报纸</b>\n1. 独山港镇新建五座口袋公园"]
    assert digests[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "全文 1"
    before = len(bot.recorder.sent())
    await bot.send(message_update("/reload", ADMIN))  # nothing new: nobody hears anything
    assert [call["chat_id"] for call in bot.recorder.sent()[before:]] == [ADMIN]
    stats = only_reply(await bot.send(message_update("/stats", ADMIN)))
    assert "订阅：1 人" in stats  # the chat that blocked the bot was unsubscribed
    assert only_reply(await bot.send(message_update("/unsubscribe", RESIDENT))) == formatting.UNSUBSCRIBED
    assert only_reply(await bot.send(message_update("/unsubscribe", RESIDENT))) == formatting.NOT_SUBSCRIBED


async def test_start_offers_subscribe_buttons_that_work_like_the_commands(bot):
    start = (await bot.send(message_update("/start", RESIDENT)))[0]
    buttons = start["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["订阅每日标题", "取消订阅"]
    pressed = await bot.send(callback_update(buttons[0]["callback_data"], RESIDENT))
    assert pressed[-1]["text"] == formatting.SUBSCRIBED


async def test_inline_query_offers_the_answers_passages(bot):
    calls = await bot.send(inline_update("顾亚萍是谁", RESIDENT))
    results = calls[0]["results"]
    assert results[0]["title"] == "时空廉书寄初心 结对帮带续薪火" and "顾亚萍" in results[0]["description"]
    message = results[0]["input_message_content"]["message_text"]
    assert message.startswith("<b>时空廉书寄初心 结对帮带续薪火</b>") and telegram_html_problems(message) == []
    assert (await bot.send(inline_update("", RESIDENT)))[0]["results"] == []


async def test_votes_are_stored_once_per_user_and_show_in_stats(bot, db_path):
    calls = await bot.send(message_update("比特币价格", RESIDENT))
    assert "reply_markup" not in calls[0]  # no answer, nothing to vote on
    calls = await bot.send(message_update("顾亚萍是谁", RESIDENT))
    down = calls[0]["reply_markup"]["inline_keyboard"][-1][1]["callback_data"]
    assert (await bot.send(callback_update(down, RESIDENT)))[0]["text"] == formatting.THANKS
    await bot.send(callback_update(down, RESIDENT))  # the same vote again counts once
    stats = only_reply(await bot.send(message_update("/stats", ADMIN)))
    assert "本周反馈：👍 0，👎 1（👎 占 100%）" in stats
    assert "• 顾亚萍是谁 → 时空廉书寄初心 结对帮带续薪火" in stats
    assert (await bot.send(callback_update("vote:deadbeef:1", RESIDENT)))[0]["text"] == formatting.STALE
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        hashes = [row[0] for row in conn.execute("SELECT user_hash FROM feedback")]
    assert len(hashes) == 1 and str(RESIDENT) not in hashes[0]


async def test_the_command_menu_is_set_with_admin_commands_only_for_admins(bot):
    menus = bot.recorder.sent("setMyCommands")
    everyone = [c["command"] for c in menus[0]["commands"]]
    assert everyone == ["start", "latest", "subscribe", "unsubscribe", "ask", "help"] and "scope" not in menus[0]
    assert menus[1]["scope"] == {"type": "chat", "chat_id": ADMIN}
    assert [c["command"] for c in menus[1]["commands"]][-2:] == ["reload", "stats"]
