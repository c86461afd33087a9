"""The SQLite store: its schema, its upgrades, and errors that name the file."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict

import pytest

from retrieval import store as store_module
from retrieval.errors import StoreError
from retrieval.ingesting import ingest
from retrieval.models import Paragraph
from retrieval.store import Store
from retrieval.tokenizing import normalize

from .conftest import SEED_HEADLINES, headlines


def test_schema_has_the_documented_tables_and_columns(data_dir, db_path):
    ingest([data_dir], db_path)
    with sqlite3.connect(db_path) as conn:
        columns = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")}
                   for t in ("sources", "articles", "paragraphs")}
    assert {"path", "sha256", "size", "status", "error", "ingested_at"} <= columns["sources"]
    assert {"id", "source", "kind", "headline", "subheadline", "byline", "page", "section", "date",
            "position"} <= columns["articles"]
    assert {"id", "article_id", "position", "text"} <= columns["paragraphs"]


def test_a_database_from_before_the_parser_column_is_upgraded_in_place(data_dir, db_path):
    ingest([data_dir], db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("ALTER TABLE sources DROP COLUMN parser")
    report = ingest([data_dir], db_path)
    assert report.count("changed") == 1 and headlines(db_path) == SEED_HEADLINES


def test_a_database_that_cannot_be_opened_is_a_store_error_naming_it(tmp_path):
    (tmp_path / "a-folder.db").mkdir()
    with pytest.raises(StoreError, match=r"cannot open database .*a-folder\.db"):
        Store(tmp_path / "a-folder.db")


def test_sqlite_errors_inside_the_store_become_store_errors_and_it_closes(db_path):
    with pytest.raises(StoreError, match=r"cannot use database .*news\.db: no such table"), Store(db_path) as store:
        store.db.execute("SELECT * FROM nowhere")
    with pytest.raises(sqlite3.ProgrammingError):
        store.counts()  # closed


def test_a_write_waits_for_another_writer_only_as_long_as_wait(db_path, monkeypatch):
    monkeypatch.setattr(store_module, "WAIT", 0.1)
    Store(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="database is locked"), Store(db_path) as store, store.transaction():
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_question_log_rows_and_stats(db_path):
    with Store(db_path) as store:
        store.log_questions([{"asked_at": "2025-12-18T01:00:00+00:00", "user_hash": "h", "text": "问一",
                              "answered": 1, "top_article": "a"},
                             {"asked_at": "2025-12-19T01:00:00+00:00", "user_hash": "h", "text": "问二",
                              "answered": 0, "top_article": ""}])
        stats = store.question_stats(since="2025-12-19T00:00:00+00:00", latest=5)
    assert (stats.today, stats.total, stats.unanswered, stats.missed) == (1, 2, 1, ("问二",))


def test_a_database_from_before_paragraphs_kept_their_normalised_text_gains_it_on_open(data_dir, db_path):
    """Hits and an answer's article paragraphs read the normalised text on their own rows, never
    through the tokens cache."""
    ingest([data_dir], db_path)
    with sqlite3.connect(db_path) as conn:  # the layout before: the text only beside the tokens
        conn.execute("DROP INDEX paragraphs_unplain")
        conn.execute("ALTER TABLE paragraphs DROP COLUMN plain")
        conn.execute("CREATE INDEX tokens_plain ON tokens (key, plain)")
    with Store(db_path) as store:
        ids = [row[0] for row in store.db.execute("SELECT id FROM paragraphs LIMIT 3")]
        plans = [" ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql, ids))
                 for sql in (store_module._PARAGRAPHS_BY_ID.format(marks="?,?,?"),
                             store_module._ARTICLE_PARAGRAPHS.format(marks="?,?,?", holding=""))]
        found = store.paragraphs_by_id(ids)
        indexes = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        unplain = store.db.execute("SELECT count(*) FROM paragraphs WHERE plain IS NULL").fetchone()[0]
    assert all(" t " not in plan and "tokens" not in plan for plan in plans)
    assert sorted(found) == sorted(ids) and all(paragraph.plain == normalize(paragraph.text)
                                                for paragraph, _ in found.values())
    assert "tokens_plain" not in indexes and unplain == 0


def test_paragraphs_read_from_the_store_hold_every_field_as_the_constructor_sets_it(data_dir, db_path):
    """The store builds paragraphs without their ``__init__`` (models.assembled): each field is there."""
    ingest([data_dir], db_path)
    with Store(db_path) as store:
        ids = [row[0] for row in store.db.execute("SELECT id FROM paragraphs ORDER BY id LIMIT 40")]
        by_id = [paragraph for paragraph, _ in store.paragraphs_by_id(ids).values()]
        articles = sorted({paragraph.article_id for paragraph in by_id})
        of_articles = [p for ps in store.article_paragraphs(articles).values() for p in ps]
    for paragraph in by_id + of_articles:
        fields = asdict(paragraph)
        assert paragraph == Paragraph(**fields) and paragraph.plain == fields["plain"] != ""
        assert hash(paragraph) == hash(Paragraph(**fields)) and repr(paragraph) == repr(Paragraph(**fields))
    assert len(by_id) == len(ids) == 32 and {p.id for p in by_id} == {p.id for p in of_articles}
    weather = next(p for p in of_articles if p.kind == "weather")
    assert (weather.headline, weather.subheadline, weather.page, weather.byline) == ("天气预报", "", "6", "")
