"""End to end: `newsbot run` long-polls jehy's telegram-test-api (pinned 4.2.1); the test is the user.

Needs Node.js and npm: the fixture installs the pinned emulator from tests/e2e/package-lock.json.
Without Node the tests skip on a developer machine and fail in CI (CI=true), never skip there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from testkit.botkit import telegram_html_problems

from ..conftest import SEED, need_in_ci

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
TOKEN = "424242:e2e-secret-token-must-not-be-logged"
ADMIN, RESIDENT, OTHER = 1, 2001, 2002
NEW_PAGE = ("独山港镇新建五座口袋公园\n\n■本报记者 赵丽\n\n"
            "本报讯 今年以来，独山港镇利用边角地新建口袋公园五座，总面积达一万二千平方米。\n")


def _need(tool: str) -> str:
    path = shutil.which(tool)
    need_in_ci(f"{tool}, which the end-to-end tests need,", path is not None)
    return path


class Emulator:
    """The launcher as a subprocess; it can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.node, npm = _need("node"), _need("npm")
        if not (HERE / "node_modules" / "telegram-test-api").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300,
                           stdout=subprocess.DEVNULL)
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self, first_id: int = 1) -> None:
        env = dict(os.environ, FIRST_ID=str(first_id))
        self.process = subprocess.Popen([self.node, "launch_emulator.js", str(self.port)], cwd=HERE, env=env,
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()  # "READY <port>"
        assert line.startswith("READY "), line
        self.port = int(line.split()[1])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    server = Emulator()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def deployment(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`newsbot run` as a subprocess against the emulator, with a data dir holding the seed page."""
    home = tmp_path_factory.mktemp("deployment")
    data = home / "data"
    data.mkdir()
    shutil.copy(SEED, data / SEED.name)
    log_path = home / "newsbot.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{emulator.base}/bot", NEWSBOT_ADMIN_IDS=str(ADMIN),
               NEWSBOT_DATA_DIR=str(data), NEWSBOT_DB_PATH=str(home / "news.db"), NEWSBOT_LOG_LEVEL="DEBUG")
    newsbot = Path(sys.executable).with_name("newsbot")
    with log_path.open("w") as log:
        process = subprocess.Popen([str(newsbot), "run"], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "serving" not in log_path.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.1)
        yield {"base": emulator.base, "data": data, "log": log_path}
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert TOKEN not in log_path.read_text(), "the bot token appeared in the logs"


class User:
    """A Telegram user acting through the emulator's client API."""

    def __init__(self, base: str, user_id: int, chat_type: str = "private", chat_id: int | None = None) -> None:
        self.base, self.http = base, httpx.Client(timeout=10)
        self.user = {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"}
        self.chat = {"id": chat_id or user_id, "type": chat_type}

    def say(self, text: str) -> None:
        route = "/sendCommand" if text.startswith("/") else "/sendMessage"
        body = {"botToken": TOKEN, "from": self.user, "chat": self.chat, "text": text}
        if text.startswith("@"):  # Telegram marks mentions with an entity; the emulator leaves that to us
            body["entities"] = [{"type": "mention", "offset": 0, "length": len(text.split()[0])}]
        self.http.post(self.base + route, json=body).raise_for_status()

    def press(self, reply: dict, data: str) -> None:
        body = {"botToken": TOKEN, "from": self.user, "data": data,
                "message": {"message_id": reply["messageId"], "chat": self.chat}}
        self.http.post(self.base + "/sendCallback", json=body).raise_for_status()

    def replies(self, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """The bot's next ``count`` messages to this chat, each checked as Telegram HTML."""
        got: list[dict] = []
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            answer = self.http.post(self.base + "/getUpdates", json={"token": TOKEN, "chatId": self.chat["id"]})
            got += answer.json()["result"]
            time.sleep(0.05)
        assert len(got) >= count, f"waited {timeout}s for {count} replies, got {got}"
        for reply in got:
            assert telegram_html_problems(reply["message"]["text"]) == [], reply
        return got

    def ask(self, text: str) -> dict:
        self.say(text)
        reply, = self.replies(1)
        return reply["message"]


def test_resident_question_is_answered_with_the_right_headline(deployment):
    reply = User(deployment["base"], RESIDENT).ask("平湖经开区和谁签了战略合作协议?")
    assert reply["parse_mode"] == "HTML"
    assert reply["text"].startswith("<b>地企携手聚力 资本产业深融</b>\n第6版 评论\n")
    assert "嘉兴长三角创新投资集团" in reply["text"]


def test_off_topic_question_gets_no_answer(deployment):
    reply = User(deployment["base"], RESIDENT).ask("杭州亚运会什么时候开幕")
    assert reply["text"].startswith("抱歉，现有报道里没有找到能回答这个问题的内容。")


def test_more_results_button_pages_further_passages(deployment):
    user = User(deployment["base"], OTHER)
    user.say("平湖高质量发展")
    first, = user.replies(1)
    button = first["message"]["reply_markup"]["inline_keyboard"][1][0]
    assert button["text"] == "更多结果"
    user.press(first, button["callback_data"])
    more, = user.replies(1)
    assert more["message"]["text"].startswith("<b>")


def test_group_plain_message_is_ignored_but_a_mention_is_answered(deployment):
    group = User(deployment["base"], RESIDENT, chat_type="group", chat_id=-4242)
    group.say("明天天气怎么样")
    group.say("@TestNameBot 明天天气怎么样")
    reply, = group.replies(1)
    assert reply["message"]["text"].startswith("这份天气预报来自日期不明的报纸：\n<b>天气预报</b>")
    time.sleep(0.5)
    assert group.http.post(group.base + "/getUpdates", json={"token": TOKEN, "chatId": -4242}).json()["result"] == []


def test_reload_is_refused_to_residents_and_serves_new_pages_for_admins(deployment):
    resident, admin = User(deployment["base"], RESIDENT), User(deployment["base"], ADMIN)
    assert resident.ask("/reload")["text"] == "抱歉，这个命令只对管理员开放。"
    assert resident.ask("独山港镇口袋公园有多大")["text"].startswith("抱歉，现有报道里没有找到")
    (deployment["data"] / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    report = admin.ask("/reload")["text"]
    assert report.startswith("文件：新增 1，更新 0，未变 1，移除 0，失败 0")
    answer = resident.ask("独山港镇口袋公园有多大")["text"]
    assert answer.startswith("<b>独山港镇新建五座口袋公园</b>\n2025-12-19\n")
    assert "一万二千平方米" in answer


LONG_PAGE = "独山港镇出台海塘保护规划\n\n■本报记者 赵丽\n\n" + "\n\n".join(
    f"第{n}段，独山港镇海塘保护规划要求沿线各村落实责任，" + "海塘巡查员每天记录潮位、堤身和护坡的变化。" * 16
    for n in range(1, 31)) + "\n"


def test_a_subscriber_gets_the_new_days_headlines_after_an_admins_reload(deployment):
    follower, admin = User(deployment["base"], OTHER + 1), User(deployment["base"], ADMIN)
    assert follower.ask("/subscribe")["text"].startswith("已订阅")
    (deployment["data"] / "2025-12-20.txt").write_text(LONG_PAGE, encoding="utf-8")
    assert admin.ask("/reload")["text"].startswith("文件：新增 1")
    digest, = follower.replies(1)
    assert digest["message"]["text"] == "<b>新报纸到了：12月20日的报纸</b>\n1. 独山港镇出台海塘保护规划"
    assert digest["message"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "全文 1"


def test_the_full_text_of_a_long_article_arrives_in_order_within_the_limit(deployment):
    user = User(deployment["base"], OTHER + 2)
    user.say("独山港镇海塘保护规划")
    entry, = user.replies(1)
    full = entry["message"]["reply_markup"]["inline_keyboard"][0][0]
    assert full["text"].startswith("全文")
    user.press(entry, full["callback_data"])
    texts = [reply["message"]["text"] for reply in user.replies(3)]
    time.sleep(0.5)
    texts += [reply["message"]["text"] for reply in user.replies(0)]
    assert len(texts) >= 3 and all(len(text) <= 4096 for text in texts)
    assert texts[0].startswith("<b>独山港镇出台海塘保护规划</b>")
    whole = "\n\n".join(texts)
    places = [whole.index(f"第{n}段，") for n in range(1, 31)]
    assert places == sorted(places)


def test_an_inline_query_offers_answers_to_send_into_any_chat(deployment):
    http = httpx.Client(timeout=10)
    sent = http.post(deployment["base"] + "/sendInlineQuery", json={
        "botToken": TOKEN, "from": {"id": OTHER + 3, "is_bot": False, "first_name": "家人"}, "query": "顾亚萍是谁"})
    query_id = sent.json()["result"]["inline_query_id"]
    deadline, answer = time.monotonic() + 30, None
    while answer is None and time.monotonic() < deadline:
        answer = http.post(deployment["base"] + "/getInlineQueryAnswer",
                           json={"botToken": TOKEN, "inline_query_id": query_id}).json()["result"]
        time.sleep(0.05)
    assert answer is not None and answer["results"][0]["title"] == "时空廉书寄初心 结对帮带续薪火"
    message = answer["results"][0]["input_message_content"]["message_text"]
    assert message.startswith("<b>时空廉书寄初心 结对帮带续薪火</b>") and telegram_html_problems(message) == []


def test_a_thumbs_down_is_stored_and_shows_in_stats(deployment):
    user, admin = User(deployment["base"], OTHER + 4), User(deployment["base"], ADMIN)
    user.say("顾亚萍是谁")
    entry, = user.replies(1)
    down = entry["message"]["reply_markup"]["inline_keyboard"][-1][1]
    assert down["text"] == "👎 没用"
    user.press(entry, down["callback_data"])
    deadline, stats = time.monotonic() + 30, ""
    while "👎 1" not in stats and time.monotonic() < deadline:
        stats = admin.ask("/stats")["text"]
    assert "本周反馈：👍 0，👎 1（👎 占 100%）" in stats and "• 顾亚萍是谁 → 时空廉书寄初心" in stats


def test_bot_retries_while_the_api_is_down_and_answers_when_it_returns(deployment, emulator):
    """Runs last: it restarts the emulator under the running bot."""
    user = User(deployment["base"], RESIDENT)
    assert user.ask("顾亚萍是谁")["text"].startswith("<b>时空廉书寄初心")
    emulator.stop()
    time.sleep(3)  # the bot's long polls fail meanwhile
    emulator.start(first_id=1_000_000)  # Telegram's ids keep growing across the outage
    reply = User(deployment["base"], RESIDENT).ask("顾亚萍是谁")
    assert reply["text"].startswith("<b>时空廉书寄初心 结对帮带续薪火</b>")
    log = deployment["log"].read_text()
    assert "WARNING bot.handlers: Bot API unreachable, polling again with backoff" in log
