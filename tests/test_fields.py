"""The kept fields: every document's paragraph as the store holds it, read without SQLite."""

from __future__ import annotations

import json
import shutil
import threading
import zlib

import numpy as np
import pytest

from retrieval import keeping
from retrieval.answering import answer
from retrieval.fields import Fields, FieldsMismatch
from retrieval.indexing import Rows
from retrieval.paragraphs import StoredParagraphs
from retrieval.store import Store
from retrieval.tokenizing import normalize_titles

from .conftest import answers
from .test_library import NEW_PAGE


def test_fields_give_every_paragraph_and_article_exactly_as_the_store_does(library, db_path):
    _, searcher = library.refresh()
    fields, rows = searcher.paragraphs.fields, searcher.paragraphs.rows
    assert fields is not None and len(fields) == len(rows) == 32
    with Store(db_path) as store:
        stored = {row_id: paragraph for row_id, (paragraph, _) in store.paragraphs_by_id(rows.ids.tolist()).items()}
        asked = [*sorted({paragraph.article_id for paragraph in stored.values()}), "no such article"]
        for terms, excluding in (([], []), (["平湖"], []), (["平湖", "天气"], [1, 2, 3]), (["没有的词"], [])):
            assert searcher.paragraphs.articles(asked, terms, excluding) == store.article_paragraphs(
                asked, terms, excluding)
    assert [fields.paragraph(doc, row_id) for doc, row_id in enumerate(rows.ids.tolist())] == [
        stored[row_id] for row_id in rows.ids.tolist()]
    assert all(fields.paragraph(doc, 0).plain_titles == normalize_titles(p.headline, p.subheadline) != ""
               and stored[p.id].plain_titles == "" for doc, p in enumerate(stored[i] for i in rows.ids.tolist()))
    weather = next(p for p in stored.values() if p.kind == "weather")
    assert weather.date is None and weather.subheadline == ""  # an undated article: None, not ""


def test_fields_of_other_documents_than_the_stores_are_refused(library, db_path):
    _, searcher = library.refresh()
    ids = searcher.paragraphs.rows.ids
    with Store(db_path) as store:
        for wrong in (ids[:-1], np.append(ids, ids.max() + 1), ids + 1):
            with pytest.raises(FieldsMismatch):
                Fields.build(wrong, store.paragraph_rows(), store.article_rows())


def test_a_start_reads_the_kept_fields_and_answers_as_the_store_does(library, db_path, monkeypatch):
    _, built = library.refresh()
    clean = answers(built)
    monkeypatch.setattr(Fields, "build", lambda *a: pytest.fail("built the fields again"))
    kept = library.load()
    assert kept.paragraphs.fields is not None and answers(kept) == clean
    kept.paragraphs.fields = None  # the store alone
    assert answers(kept) == clean


def test_an_extended_searcher_serves_from_the_store_until_its_fields_are_built(library, data_dir, monkeypatch):
    _, first = library.refresh()
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    building, build = threading.Event(), Fields.build

    def held_back(*args: object) -> Fields:
        building.wait(60)
        return build(*args)

    monkeypatch.setattr(Fields, "build", held_back)
    _, extended = library.refresh(first)
    assert extended.paragraphs.fields is None  # the thread is still building: the store answers
    assert answer(extended, "独山港镇口袋公园").passages[0].paragraph.date == "2025-12-19"
    building.set()
    library.fielding.join(timeout=60)
    fields = extended.paragraphs.fields
    assert fields is not None and len(fields) == 33
    newest = fields.paragraph(32, int(extended.paragraphs.rows.ids[32]))
    assert (newest.headline, newest.date) == ("独山港镇新建五座口袋公园", "2025-12-19")
    assert keeping.read_fields(library._folder(extended.state), 33) is not None  # kept for the next start


def test_fields_are_never_built_for_a_state_the_store_has_left(library):
    _, first = library.refresh()
    paragraphs = StoredParagraphs(library.db_path, first.paragraphs.rows, "another state")
    library._add_fields(paragraphs)
    assert paragraphs.fields is None
    rows = first.paragraphs.rows
    with pytest.raises(ValueError, match="fields of 32 documents for 31 rows"):
        StoredParagraphs(library.db_path, Rows(rows.ids[:31], rows.checks[:31], rows.answerable[:31]), "",
                         first.paragraphs.fields)


def test_fields_that_cannot_be_built_leave_the_store_serving_with_a_warning(library, monkeypatch, caplog):
    _, built = library.refresh()
    clean = answers(built)
    for folder in library.db_path.parent.glob("news.db.index/*/fields"):
        shutil.rmtree(folder)

    def mismatch(*args: object) -> Fields:
        raise FieldsMismatch("two article ids share a 64-bit key")

    monkeypatch.setattr(Fields, "build", mismatch)
    searcher = library.load()
    assert searcher.paragraphs.fields is None and answers(searcher) == clean
    assert "were not built: two article ids share a 64-bit key" in caplog.text


def test_kept_fields_of_another_size_than_the_index_are_dropped(library, caplog):
    _, searcher = library.refresh()
    folder = library._folder(searcher.state)
    assert keeping.read_fields(folder, 31) is None and not (folder / keeping.FIELDS).exists()
    assert "fields of 32 documents for an index of 31" in caplog.text
    assert library.load().paragraphs.fields is not None  # built and kept again
    assert keeping.read_fields(folder, 32) is not None


def test_kept_fields_of_another_layout_are_dropped(library, caplog):
    _, searcher = library.refresh()
    manifest = library._folder(searcher.state) / keeping.FIELDS / "manifest.json"
    written = json.loads(manifest.read_text("utf-8"))
    written["body"]["layout"]["article_fields"] = written["body"]["layout"]["article_fields"][:-1]
    written["crc32"] = zlib.crc32(json.dumps(written["body"], sort_keys=True).encode())
    manifest.write_text(json.dumps(written), "utf-8")
    assert keeping.read_fields(manifest.parent.parent, 32) is None and "kept in another layout" in caplog.text
