"""Shared fixtures: the bundled seed page, temporary stores and a searcher over the seed."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder

from bot.app import build_application
from bot.settings import Settings
from retrieval.ingesting import ingest
from retrieval.searching import Searcher, load_searcher

from .botkit import RecordingRequest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_e4a181130212ea15.txt"
# Benchmark data lives beside the repository (shared/bench) and is never committed.
CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_trial.json"
ADMIN, RESIDENT = 1, 1001
TOKEN = "123456:TEST-TOKEN-never-logged"


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


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED, folder / SEED.name)
    ingest([folder], folder / "news.db")
    return folder / "news.db"


@pytest.fixture(scope="session")
def searcher(seed_db: Path) -> Searcher:
    return load_searcher(seed_db)


@asynccontextmanager
async def running_app(data_dir: Path, db_path: Path, request: RecordingRequest,
                      configure: Callable[[ApplicationBuilder], ApplicationBuilder] = lambda b: b):
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
        chat = update.effective_chat.id
        return [params for _, params in request.calls[before:] if params.get("chat_id", chat) == chat]

    application.send = send  # type: ignore[attr-defined]
    try:
        yield application
    finally:
        await application.post_shutdown(application)
        await application.shutdown()


@pytest.fixture
async def bot_app(data_dir: Path, db_path: Path):
    """The bot over a copy of the seed page, with a recording BaseRequest (see running_app)."""
    async with running_app(data_dir, db_path, RecordingRequest()) as application:
        yield application


@pytest.fixture(scope="session")
def cmrc_path() -> Path:
    """The CMRC2018 trial file; CI always has it (shared/ is laid beside the clone), so it never skips there."""
    import os

    if not CMRC.exists():
        if os.environ.get("CI"):
            pytest.fail(f"benchmark data missing in CI: {CMRC}")
        pytest.skip(f"benchmark data not found at {CMRC}")
    return CMRC
