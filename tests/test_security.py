"""SQL only with parameters; hostile text goes in and out of the store as plain data."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

from retrieval.library import Library
from retrieval.store import Store

from .conftest import ROOT

HOSTILE = "'); DROP TABLE articles; -- \" OR 1=1 <script>&amp;"


def test_sql_is_never_built_from_values():
    """The only f-strings that reach SQL interpolate the ``?`` placeholder lists, never data."""
    for path in sorted((ROOT / "retrieval").glob("*.py")) + sorted((ROOT / "bot").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and any(
                    word in ast.unparse(node).upper() for word in ("SELECT ", "DELETE ", "INSERT ", "UPDATE ")):
                names = {ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)}
                assert names <= {"marks"}, f"{path.name}: SQL built from {names}"


def test_only_the_store_module_speaks_sql():
    for path in sorted((ROOT / "retrieval").glob("*.py")) + sorted((ROOT / "bot").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert path.name == "store.py" or (".execute(" not in text and ".query(" not in text), path.name


def test_hostile_text_is_stored_and_searched_as_data(tmp_path: Path):
    corpus = tmp_path / "x.jsonl"
    rows = [{"id": HOSTILE, "headline": HOSTILE, "paragraphs": [HOSTILE + "平湖新闻。"]},
            {"headline": "嘉兴天气", "text": "今天多云。"}, {"headline": "乍浦文化节", "text": "昨天开幕。"}]
    corpus.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    library = Library(tmp_path, tmp_path / "n.db")
    _, searcher = library.refresh(paths=[corpus])
    with Store(tmp_path / "n.db") as store:
        store.log_questions([{"asked_at": "t", "user_hash": HOSTILE, "text": HOSTILE, "answered": 0,
                              "top_article": HOSTILE}])
    with sqlite3.connect(tmp_path / "n.db") as conn:
        assert conn.execute("SELECT id, headline FROM articles WHERE position = 0").fetchall() == [(HOSTILE, HOSTILE)]
        assert conn.execute("SELECT text FROM questions").fetchall() == [(HOSTILE,)]
    hit, = searcher.search(HOSTILE + "平湖", k=1)
    assert hit.paragraph.headline == HOSTILE
