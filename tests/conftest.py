"""Shared fixtures: the bundled seed page, temporary stores and a searcher over the seed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.ingesting import ingest
from retrieval.searching import Searcher, load_searcher

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_e4a181130212ea15.txt"
# Benchmark data lives beside the repository (shared/bench) and is never committed.
CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_trial.json"


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


@pytest.fixture(scope="session")
def cmrc_path() -> Path:
    """The CMRC2018 trial file; CI always has it (shared/ is laid beside the clone), so it never skips there."""
    import os

    if not CMRC.exists():
        if os.environ.get("CI"):
            pytest.fail(f"benchmark data missing in CI: {CMRC}")
        pytest.skip(f"benchmark data not found at {CMRC}")
    return CMRC
