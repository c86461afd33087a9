"""Where hits' paragraphs come from: memory, or the store, checked against the text indexed."""

from __future__ import annotations

import pytest

from retrieval.errors import StoreError
from retrieval.models import Paragraph
from retrieval.paragraphs import MemoryParagraphs
from retrieval.store import Store


def test_a_searcher_whose_database_is_gone_says_so_instead_of_finding_nothing(library, db_path):
    _, searcher = library.refresh()
    for path in db_path.parent.glob("news.db*"):
        if path.is_file():
            path.unlink()
    with pytest.raises(StoreError, match="is gone"):
        searcher.search("顾亚萍是谁", 1)
    assert not db_path.exists()


def test_a_row_that_now_holds_another_text_is_never_shown(library, db_path):
    import sqlite3

    _, searcher = library.refresh()
    hit, = searcher.search("顾亚萍是谁", 1)
    with sqlite3.connect(db_path) as conn:  # as an ingest changes a paragraph: its generation moves with it
        conn.execute("UPDATE paragraphs SET text = 'x', token_key = ? WHERE id = ?", ["0" * 40, hit.paragraph.id])
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    assert all(h.paragraph.id != hit.paragraph.id for h in searcher.search("顾亚萍是谁", 5))


def test_while_the_store_holds_the_searchers_state_hits_are_read_from_the_kept_fields(library, db_path, monkeypatch):
    import sqlite3

    _, searcher = library.refresh()
    from_store = [(h.paragraph, h.score) for h in searcher.search("顾亚萍是谁", 5)]
    top = searcher.paragraphs.articles([from_store[0][0].article_id], ["顾亚萍"])
    assert searcher.paragraphs.fields is not None
    monkeypatch.setattr(Store, "paragraphs_by_id", lambda *a: pytest.fail("read a hit from SQLite"))
    monkeypatch.setattr(Store, "article_paragraphs", lambda *a: pytest.fail("read an article from SQLite"))
    assert [(h.paragraph, h.score) for h in searcher.search("顾亚萍是谁", 5)] == from_store
    assert searcher.paragraphs.articles([from_store[0][0].article_id], ["顾亚萍"]) == top
    with sqlite3.connect(db_path) as conn:  # another connection commits, but the state stays: still the fields
        conn.execute("INSERT INTO meta (key, value) VALUES ('other', '1')")
    assert [(h.paragraph, h.score) for h in searcher.search("顾亚萍是谁", 5)] == from_store
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    with pytest.raises(pytest.fail.Exception, match="read a hit from SQLite"):
        searcher.search("顾亚萍是谁", 5)


def test_memory_paragraphs_list_the_newest_news_first_and_never_adverts():
    def paragraph(article, kind, date):
        return Paragraph(id=0, article_id=article, position=0, text="。", headline=article, kind=kind, date=date)

    source = MemoryParagraphs([paragraph("old", "news", "2025-01-01"), paragraph("ad", "advert", "2025-12-01"),
                               paragraph("new", "commentary", "2025-06-01")])
    facts = source.facts()
    assert facts.latest == (("new", "2025-06-01"), ("old", "2025-01-01")) and facts.articles == 3
    assert source.answerable.tolist() == [True, False, True]


def test_an_articles_paragraphs_holding_a_term_come_in_order_but_those_already_held(library):
    """The store and memory agree: an answer asks for the paragraphs of its top articles holding a
    question term, less the hits it holds (judged already)."""
    _, stored = library.refresh()
    memory = MemoryParagraphs(library.in_memory()[0])
    article = "000_e4a181130212ea15.txt#1"
    for source in (stored.paragraphs, memory):
        holding = source.articles([article, "no such article"], ["战略"])  # 1: 金融是…; 2: 资本赋能…协议
        assert list(holding) == [article] and [p.position for p in holding[article]] == [0, 1]
        first = holding[article][0].id
        assert [p.position for p in source.articles([article], ["战略", "协议"], {first})[article]] == [1, 2]
        assert source.articles([article], ["战略"], {p.id for p in holding[article]}) == {}
        assert [p.position for p in source.articles([article], (), {first})[article]] == [1, 2]
