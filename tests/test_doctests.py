"""The examples in the docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["retrieval.pages", "retrieval.jsonl", "retrieval.store", "retrieval.ingesting", "retrieval.tokenizing",
           "retrieval.understanding", "retrieval.indexing", "retrieval.searching", "retrieval.answering",
           "retrieval.evaluating", "retrieval.evidence", "retrieval.kernel", "bot.formatting", "bot.ratelimit",
           "bot.results"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    monkeypatch.delenv("NEWSBOT_DB_PATH", raising=False)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
