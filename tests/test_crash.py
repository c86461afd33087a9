"""Crash-safe ingest: SIGKILL at random points never corrupts the store or the kept index, and never
leaves anything but the corpus before the run or the whole corpus after it."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.answering import answer
from retrieval.library import Library

from .conftest import dump

KILLS = 20
NEW_PAGES = 60


def newsbot(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("newsbot")), *args]


def wal_state(db: Path) -> tuple[int, int]:
    """Size and modification time of the database's write-ahead log: they change once an ingest writes."""
    try:
        stat = db.with_name(db.name + "-wal").stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_size, stat.st_mtime_ns)


def add_pages(data: Path, seed_text: str) -> None:
    """Pages whose every paragraph is new text, so an ingest has real tokenizing and writing to do."""
    for number in range(NEW_PAGES):
        text = seed_text.replace("。", f"，第{number}版补记。").replace("本报讯", f"本报讯（{number}）")
        (data / f"2025-12-{number % 28 + 1:02d}-p{number}.txt").write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_sigkill_during_ingest_keeps_the_previous_corpus_intact(data_dir, tmp_path, seed_text):
    db = tmp_path / "news.db"
    subprocess.run(newsbot("ingest", str(data_dir), "--db", str(db)), check=True, capture_output=True)
    before = dump(db)
    add_pages(data_dir, seed_text)

    # How long a whole ingest of the new pages takes, on a copy, to aim the kills inside it.
    trial = tmp_path / "trial.db"
    shutil.copy(db, trial)
    started = time.monotonic()
    subprocess.run(newsbot("ingest", str(data_dir), "--db", str(trial)), check=True, capture_output=True)
    duration = time.monotonic() - started
    after = dump(trial)

    def restore() -> None:
        """The old corpus again, to aim the next kill at the same run."""
        # A database is deleted with its write-ahead log and shared memory: left beside a new file of
        # the same name (the killed process never removed them, and the test's own searcher may still
        # hold them open), SQLite takes them for the new file's and refuses it ("disk I/O error").
        for suffix in ("", "-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        subprocess.run(newsbot("ingest", str(data_dir / "000_e4a181130212ea15.txt"), "--db", str(db)),
                       check=True, capture_output=True)

    rng = random.Random(20251218)
    kills = 0
    while kills < KILLS:
        wal_before = wal_state(db)
        process = subprocess.Popen(newsbot("ingest", str(data_dir), "--db", str(db)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if kills % 2:  # every other kill lands inside the write transaction: once the WAL changes
            while process.poll() is None and wal_state(db) == wal_before:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.3 * duration))
        else:  # anywhere, start-up included
            time.sleep(rng.uniform(0.0, 0.85 * duration))
        if process.poll() is not None:  # finished first: put the old corpus back and aim again
            process.wait()
            restore()
            continue
        process.kill()
        process.wait()
        kills += 1
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        state = dump(db)
        assert state in (before, after), f"kill {kills} left a corpus that is neither the old nor the new one"
        # Killed while keeping the index, or before: the next start answers all the same.
        top = answer(Library(data_dir, db).load(), "平湖经开区和谁签了战略合作协议?").passages[0]
        assert top.paragraph.headline == "地企携手聚力 资本产业深融"
        if state == after:  # the kill came after the commit, while the index was being kept
            restore()

    result = subprocess.run(newsbot("ingest", str(data_dir), "--db", str(db)), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"files: {NEW_PAGES} new, 0 changed, 1 unchanged, 0 removed, 0 failed" in result.stdout
    assert len(dump(db)["articles"]) == 7 * (NEW_PAGES + 1)
