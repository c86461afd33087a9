"""Where hits' paragraphs come from: memory, or the store, checked against the text indexed."""

from __future__ import annotations

import pytest

from retrieval.errors import StoreError
from retrieval.models import Paragraph
from retrieval.paragraphs import MemoryParagraphs


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
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE paragraphs SET text = 'x', token_key = ? WHERE id = ?", ["0" * 40, hit.paragraph.id])
    assert all(h.paragraph.id != hit.paragraph.id for h in searcher.search("顾亚萍是谁", 5))


def test_memory_paragraphs_list_the_newest_news_first_and_never_adverts():
    def paragraph(article, kind, date):
        return Paragraph(id=0, article_id=article, position=0, text="。", headline=article, kind=kind, date=date)

    source = MemoryParagraphs([paragraph("old", "news", "2025-01-01"), paragraph("ad", "advert", "2025-12-01"),
                               paragraph("new", "commentary", "2025-06-01")])
    facts = source.facts()
    assert facts.latest == (("new", "2025-06-01"), ("old", "2025-01-01")) and facts.articles == 3
    assert source.answerable.tolist() == [True, False, True]
