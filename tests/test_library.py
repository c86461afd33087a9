"""The corpus lifecycle: open fills an empty store, refresh ingests then extends, loads or builds."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval import indexing
from retrieval import library as library_module
from retrieval.answering import answer
from retrieval.library import Library

from .conftest import answers

NEW_PAGE = "独山港镇新建五座口袋公园\n\n■本报记者 赵丽\n\n本报讯 今年以来，独山港镇利用边角地新建口袋公园五座。\n"


def no_build(*args, **kwargs):
    raise AssertionError("built an index from the stored tokens")


def test_open_fills_an_empty_store_from_the_data_dir_once(library):
    report, searcher = library.open()
    assert (report.count("new"), len(searcher)) == (1, 32)
    again, _ = library.open()
    assert again is None


def test_an_unchanged_corpus_is_neither_tokenized_nor_indexed_again(library, monkeypatch):
    import jieba

    _, first = library.refresh()
    monkeypatch.setattr(jieba.Tokenizer, "cut", lambda *a, **k: pytest.fail("tokenized again"))
    monkeypatch.setattr(library_module, "build", no_build)
    report, again = library.refresh(first)
    assert (report.count("unchanged"), report.tokenized) == (1, 0) and again is first
    assert len(library.load()) == 32  # from the kept index


def test_a_refresh_that_adds_pages_extends_the_index_in_service(library, data_dir, monkeypatch):
    _, first = library.refresh()
    monkeypatch.setattr(library_module, "build", no_build)
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    report, extended = library.refresh(first)
    assert report.count("new") == 1 and len(extended) == 33 and len(first) == 32
    assert answer(extended, "独山港镇口袋公园").passages[0].paragraph.date == "2025-12-19"
    assert answer(extended, "顾亚萍是谁").passages[0].paragraph.headline == "时空廉书寄初心 结对帮带续薪火"
    # The extended state is kept: the next start maps it, no build.
    assert len(library.load()) == 33


def test_a_changed_page_loads_the_new_state_whole(library, data_dir, seed_text):
    _, first = library.refresh()
    seed = next(data_dir.glob("000_*.txt"))
    seed.write_text(seed_text.split("地企携手聚力")[0], encoding="utf-8")
    report, changed = library.refresh(first)
    assert report.count("changed") == 1 and len(changed) == 4 and changed.state != first.state


def test_a_store_changed_by_another_ingest_is_loaded_not_extended(library, data_dir, monkeypatch):
    _, first = library.refresh()
    (data_dir / "2025-12-19.txt").write_text(NEW_PAGE, encoding="utf-8")
    Library(data_dir, library.db_path).refresh()  # `newsbot ingest` in a shell meanwhile
    monkeypatch.setattr(indexing, "extend", lambda *a: pytest.fail("extended a searcher of another state"))
    report, searcher = library.refresh(first)
    assert report.count("unchanged") == 2 and len(searcher) == 33


def test_the_kept_index_answers_exactly_like_the_one_built(library, monkeypatch):
    _, built = library.refresh()
    monkeypatch.setattr(library_module, "build", no_build)
    kept = library.load()
    query = ("平湖", "经开区", "战略", "合作")
    assert np.array_equal(kept.index.scores(query), built.index.scores(query))
    assert kept.search("顾亚萍是谁", 1)[0].paragraph == built.search("顾亚萍是谁", 1)[0].paragraph


def test_a_store_with_nothing_in_it_serves_nothing(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "empty.txt").write_bytes(b"")
    report, searcher = Library(tmp_path / "data", tmp_path / "news.db").refresh()
    assert report.count("failed") == 1 and searcher is None


def test_in_memory_gives_paragraphs_with_their_index_tokens_in_index_order(library):
    _, searcher = library.refresh()
    paragraphs, documents = library.in_memory()
    assert [p.id for p in paragraphs] == searcher.paragraphs.rows.ids.tolist()
    assert len(documents) == 32 and "战略" in documents[4]


def clean_answers(data_dir, tmp_path):
    """The answers of a store built afresh from the same files."""
    return answers(Library(data_dir, tmp_path / "clean" / "news.db").open()[1])


@pytest.mark.parametrize("moves", ["out and back", "changed and changed back", "database deleted"])
def test_the_kept_index_never_answers_from_a_state_the_store_has_left(library, data_dir, db_path, tmp_path, moves):
    seed = next(data_dir.glob("000_*.txt"))
    text = seed.read_text(encoding="utf-8")
    library.refresh()
    if moves == "out and back":
        seed.rename(tmp_path / seed.name)
        library.refresh()
        (tmp_path / seed.name).rename(seed)
    elif moves == "changed and changed back":
        seed.write_text(text.replace("顾亚萍", "顾某"), encoding="utf-8")
        library.refresh()
        seed.write_text(text, encoding="utf-8")
    else:
        for file in db_path.parent.glob("news.db*"):
            if file.is_file():
                file.unlink()  # the index folder beside it stays
    library.refresh()
    assert answers(library.load()) == clean_answers(data_dir, tmp_path)
    assert answers(library.load())[0][0][0] == "时空廉书寄初心 结对帮带续薪火"
