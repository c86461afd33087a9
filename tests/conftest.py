"""Shared fixtures: the bundled seed page, temporary stores, a searcher over the seed, the bot."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.app import build_application
from bot.settings import Settings
from retrieval.answering import answer
from retrieval.library import Library
from retrieval.searching import Searcher
from testkit.botkit import RecordingRequest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_e4a181130212ea15.txt"
# Benchmark data lives beside the repository (shared/bench) and is never committed.
CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_trial.json"
ADMIN, RESIDENT = 1, 1001
TOKEN = "123456:TEST-TOKEN-never-logged"

# The fuzz tests run a few hundred cases; `--hypothesis-profile=volume` runs ten thousand. Hypothesis
# loads its "ci" profile by itself where CI is set: the same, repeatable.
settings.register_profile("default", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, database=None)
settings.register_profile("volume", parent=settings.get_profile("default"), max_examples=10_000)


SEED_HEADLINES = ["市委常委会召开扩大会议", "地企携手聚力 资本产业深融", "“职教出海” 彰显平湖担当",
                  "时空廉书寄初心 结对帮带续薪火", "我市打造青年人才“引育留”新生态",
                  "嘉兴市交通学校(嘉兴交通技工学校)", "天气预报"]


def headlines(db: Path, source: str | None = None) -> list[str]:
    """The stored headlines, in page order (of one source file, if named)."""
    with sqlite3.connect(db) as conn:
        where = "WHERE source = ?" if source else ""
        return [r[0] for r in conn.execute(f"SELECT headline FROM articles {where} ORDER BY position",
                                           [source] if source else [])]


def dump(db: Path) -> dict[str, list[tuple]]:
    """Everything a reader sees, to compare databases exactly."""
    with sqlite3.connect(db) as conn:
        return {
            "articles": conn.execute("SELECT id, source, kind, headline, subheadline, byline, page, section, date, "
                                     "position FROM articles ORDER BY id").fetchall(),
            "paragraphs": conn.execute("SELECT article_id, position, text FROM paragraphs "
                                       "ORDER BY article_id, position").fetchall(),
            "sources": conn.execute("SELECT name, sha256, size, status, error, encoding FROM sources "
                                    "ORDER BY name").fetchall(),
        }


def answers(searcher: Searcher, questions: tuple[str, ...] = ("顾亚萍是谁", "平湖经开区和谁签了战略合作协议?",
                                                             "明天天气怎么样")) -> list[list[tuple[str, str]]]:
    """What a searcher tells residents: each question's passages, headline and text."""
    return [[(h.paragraph.headline, h.paragraph.text) for h in answer(searcher, q).passages] for q in questions]


def need_in_ci(what: str, present: bool) -> None:
    """Skip a test on a developer machine that lacks ``what``; fail in CI, where everything must run."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing, and CI must run every test")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir holding a copy of the seed page."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
def library(data_dir: Path, db_path: Path) -> Library:
    """A library over a copy of the seed page, nothing ingested yet."""
    return Library(data_dir, db_path)


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The seed page ingested once for the session's read-only tests."""
    folder = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED, folder / SEED.name)
    library = Library(folder, folder / "news.db")
    library.refresh()
    return library


@pytest.fixture(scope="session")
def searcher(seed_library: Library) -> Searcher:
    return seed_library.load()


@asynccontextmanager
async def running_app(data_dir: Path, db_path: Path, request: RecordingRequest,
                      configure: Callable[[ApplicationBuilder], ApplicationBuilder] = lambda b: b
                      ) -> AsyncIterator[Application]:
    """The real Application over ``data_dir``, talking to ``request``, initialised as run_polling would.

    It gets ``send(update_dict)``, which processes one update and returns the Bot API calls
    made meanwhile for that update's chat (other updates may be running concurrently).
    """
    settings = Settings(newsbot_data_dir=data_dir, newsbot_db_path=db_path, newsbot_admin_ids=frozenset({ADMIN}),
                        newsbot_rate_limit=5, telegram_bot_token=TOKEN, _env_file=None)
    builder = configure(ApplicationBuilder().token(TOKEN).request(request).get_updates_request(RecordingRequest()))
    application = build_application(settings, builder=builder)
    await application.initialize()
    await application.post_init(application)
    application.recorder = request  # type: ignore[attr-defined]

    async def send(data: dict) -> list[dict]:
        before = len(request.calls)
        update = Update.de_json(data, application.bot)
        await application.process_update(update)
        if update.effective_chat is None:  # an inline query: its answer names no chat
            return [params for _, params in request.calls[before:]]
        chat = update.effective_chat.id
        return [params for _, params in request.calls[before:] if params.get("chat_id", chat) == chat]

    application.send = send  # type: ignore[attr-defined]
    try:
        yield application
    finally:
        await application.post_shutdown(application)
        await application.shutdown()


@pytest.fixture
async def bot_app(data_dir: Path, db_path: Path) -> AsyncIterator[Application]:
    """The bot over a copy of the seed page, with a recording BaseRequest (see running_app)."""
    async with running_app(data_dir, db_path, RecordingRequest()) as application:
        yield application


@pytest.fixture(scope="session")
def cmrc_path() -> Path:
    """The CMRC2018 trial file; CI always has it (shared/ is laid beside the clone), so it never skips there."""
    need_in_ci(f"benchmark data at {CMRC}", CMRC.exists())
    return CMRC
