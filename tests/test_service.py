"""The news service: one searcher in service at a time, swapped whole by a reload."""

from __future__ import annotations

import pytest

from bot.service import CorpusNotReady, NewsService, ReloadBusy
from retrieval.errors import EmptyCorpus
from retrieval.library import Library
from retrieval.models import Status


def test_a_question_before_any_corpus_is_not_ready(tmp_path):
    (tmp_path / "data").mkdir()
    service = NewsService(Library(tmp_path / "data", tmp_path / "news.db"))
    assert service.load() is None and service.searcher is None
    with pytest.raises(CorpusNotReady):
        service.ask("顾亚萍是谁")
    service.close()


def test_each_reload_serves_a_new_generation_and_answers_from_it(library, data_dir):
    service = NewsService(library)
    assert service.load().count("new") == 1
    first = service.generation
    page = "新埭镇开展消防演练\n\n本报讯 昨天，新埭镇开展消防演练。\n"
    (data_dir / "2025-12-19.txt").write_text(page, encoding="utf-8")
    assert service.reload().count("new") == 1
    result, generation = service.ask("新埭镇消防演练")
    assert generation == first + 1 and result.status is Status.ANSWERED
    assert service.loaded_at is not None
    service.close()


def test_a_reload_while_one_runs_is_refused(library):
    service = NewsService(library)
    service.load()
    service._reload_lock.acquire()
    try:
        with pytest.raises(ReloadBusy):
            service.reload()
    finally:
        service._reload_lock.release()
    service.close()


def test_a_reload_that_leaves_nothing_keeps_the_corpus_in_service(library, data_dir):
    service = NewsService(library)
    service.load()
    serving = service.searcher
    for page in data_dir.iterdir():
        page.unlink()
    with pytest.raises(EmptyCorpus):
        service.reload()
    assert service.searcher is serving
    service.close()


def test_greetings_are_answered_but_not_logged(library):
    service = NewsService(library)
    service.load()
    assert service.ask("你好")[0].status is Status.GREETING
    service.ask("比特币价格")
    stats = service.questions.stats()
    service.close()
    assert (stats.total, stats.missed) == (1, ("比特币价格",))
