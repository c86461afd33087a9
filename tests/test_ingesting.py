"""Ingestion into a real SQLite file: idempotent, incremental, atomic and kind to bad input."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from retrieval import ingesting
from retrieval.errors import BadInput
from retrieval.ingesting import decode, ingest, read_file

from .conftest import SEED_HEADLINES, dump, headlines


def test_first_ingest_stores_the_seed(data_dir, db_path):
    report = ingest([data_dir], db_path)
    assert (report.count("new"), report.articles, report.paragraphs) == (1, 7, 32)
    assert headlines(db_path) == SEED_HEADLINES
    assert dump(db_path)["sources"][0][3:] == ("ok", "", "utf-8")


def test_reingesting_the_same_files_changes_nothing_and_tokenizes_nothing(data_dir, db_path, monkeypatch):
    ingest([data_dir], db_path)
    before = dump(db_path)

    def must_not_run(*args, **kwargs):
        raise AssertionError("an unchanged file was parsed or tokenized again")

    monkeypatch.setattr(ingesting, "read_file", must_not_run)
    report = ingest([data_dir], db_path, tokenize=must_not_run)
    assert (report.count("unchanged"), report.tokenized) == (1, 0)
    assert dump(db_path) == before


def test_a_file_untouched_since_its_ingest_is_not_even_read_again(data_dir, db_path, monkeypatch):
    seed = data_dir / "000_e4a181130212ea15.txt"
    os.utime(seed, ns=(time.time_ns() - 10**10,) * 2)  # written ten seconds ago: its time can be trusted
    ingest([data_dir], db_path)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self.name} again"))
    assert ingest([data_dir], db_path).count("unchanged") == 1


def test_a_file_written_just_now_is_hashed_again_even_at_the_same_size_and_time(data_dir, db_path):
    seed = data_dir / "000_e4a181130212ea15.txt"
    ingest([data_dir], db_path)
    stat = seed.stat()
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("平湖", "嘉兴", 1), encoding="utf-8")  # same size in UTF-8
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ingest([data_dir], db_path).count("changed") == 1


def test_changed_file_replaces_only_its_own_articles_and_reuses_cached_tokens(data_dir, db_path, seed_text):
    (data_dir / "other.txt").write_text("乍浦镇举办渔民文化节\n\n本报讯 昨天，文化节开幕。\n", encoding="utf-8")
    ingest([data_dir], db_path)
    seed = data_dir / "000_e4a181130212ea15.txt"
    seed.write_text(seed_text.split("地企携手聚力")[0], encoding="utf-8")  # keep only the first article
    tokenized: list[str] = []
    report = ingest([data_dir], db_path, tokenize=lambda text: tokenized.append(text) or text.split())
    assert (report.count("changed"), report.count("unchanged")) == (1, 1)
    assert headlines(db_path, seed.name) == ["市委常委会召开扩大会议"]
    assert headlines(db_path, "other.txt") == ["乍浦镇举办渔民文化节"]
    # The last paragraph of the first article now ends the file; the rest were tokenized before.
    assert tokenized == []


def test_removed_file_takes_its_articles_with_it(data_dir, db_path):
    (data_dir / "other.txt").write_text("乍浦镇举办渔民文化节\n\n本报讯 昨天，文化节开幕。\n", encoding="utf-8")
    ingest([data_dir], db_path)
    (data_dir / "other.txt").unlink()
    report = ingest([data_dir], db_path)
    assert [(f.path, f.status) for f in report.files if f.status == "removed"] == [("other.txt", "removed")]
    assert headlines(db_path) == SEED_HEADLINES


def test_bad_files_are_reported_and_skipped_and_the_rest_loads(data_dir, db_path, seed_text):
    (data_dir / "empty.txt").write_bytes(b"")
    (data_dir / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (data_dir / "garbage.txt").write_bytes(b"\xff\xfe\xfa\xff\x81 ")
    (data_dir / "bom.txt").write_bytes("\ufeff".encode() + "新埭镇开展消防演练\n\n本报讯 昨天开展演练。".encode())
    (data_dir / "gbk-copy.txt").write_bytes(seed_text.encode("gb18030"))
    report = ingest([data_dir], db_path)
    failed = {f.path: f.reason for f in report.files if f.status == "failed"}
    assert failed == {"empty.txt": "empty file", "blob.txt": "binary file (NUL bytes)",
                      "garbage.txt": "not text in utf-8, utf-8-sig, gb18030"}
    encodings = {f.path: f.encoding for f in report.files if f.status == "new"}
    assert encodings == {"000_e4a181130212ea15.txt": "utf-8", "bom.txt": "utf-8-sig", "gbk-copy.txt": "gb18030"}
    assert headlines(db_path, "gbk-copy.txt") == headlines(db_path, "000_e4a181130212ea15.txt")
    assert headlines(db_path, "bom.txt") == ["新埭镇开展消防演练"]


def test_a_file_that_turns_bad_keeps_what_it_held(data_dir, db_path):
    ingest([data_dir], db_path)
    (data_dir / "000_e4a181130212ea15.txt").write_bytes(b"\x00\x01binary now")
    report = ingest([data_dir], db_path)
    assert [(f.status, f.reason) for f in report.files] == [("failed", "binary file (NUL bytes)")]
    assert headlines(db_path) == SEED_HEADLINES


def test_jsonl_bad_lines_are_reported_and_good_lines_load(tmp_path, db_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join([
        json.dumps({"id": "x1", "headline": "甲", "paragraphs": ["一。", "二"]}, ensure_ascii=False),
        "not json at all",
        json.dumps({"text": "no headline"}),
    ]), encoding="utf-8")
    report = ingest([corpus], db_path)
    file, = report.files
    assert (file.status, file.articles) == ("new", 1)
    assert [(b.line, b.reason.split(" (")[0]) for b in file.bad_lines] == [(2, "not JSON"), (3, "no headline")]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT text FROM paragraphs ORDER BY position").fetchall() == [("一。",), ("二",)]


def test_a_failure_in_the_middle_of_a_run_leaves_the_database_as_it_was(data_dir, db_path):
    ingest([data_dir], db_path)
    before = dump(db_path)
    (data_dir / "new.txt").write_text("新标题\n\n本报讯 新内容。\n", encoding="utf-8")
    (data_dir / "000_e4a181130212ea15.txt").write_text("改了\n\n本报讯 改动。\n", encoding="utf-8")

    def explode(text: str) -> list[str]:
        raise RuntimeError("tokenizer crashed")

    with pytest.raises(RuntimeError):
        ingest([data_dir], db_path, tokenize=explode)
    assert dump(db_path) == before


def test_same_article_id_in_two_files_fails_the_second_file(tmp_path, db_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "same", "headline": "甲", "text": "一。"}), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "same", "headline": "乙", "text": "二。"}), encoding="utf-8")
    report = ingest([tmp_path], db_path)
    assert [(f.path, f.status) for f in report.files] == [("a.jsonl", "new"), ("b.jsonl", "failed")]
    assert "already used by a.jsonl" in report.files[1].reason


def test_decode_rejects_control_character_soup():
    with pytest.raises(BadInput, match="control characters"):
        decode(bytes(range(1, 32)) * 10)


def test_a_new_parser_version_parses_unchanged_files_again(data_dir, db_path, monkeypatch):
    from retrieval import pages

    ingest([data_dir], db_path)
    assert ingest([data_dir], db_path).count("unchanged") == 1
    monkeypatch.setattr(ingesting, "PARSER_VERSION", pages.PARSER_VERSION + "-next")
    report = ingest([data_dir], db_path)
    assert (report.count("changed"), report.tokenized) == (1, 0)  # parsed again, tokens still cached
    assert headlines(db_path) == SEED_HEADLINES


def test_read_file_is_the_one_check_of_a_file():
    read = read_file("p.txt", "标题\n\n本报讯 内容。".encode("gb18030"))
    assert (read.encoding, [a.headline for a in read.articles], read.bad_lines) == ("gb18030", ["标题"], ())
    with pytest.raises(BadInput, match="no articles found"):
        read_file("x.jsonl", b'{"text": "no headline"}\n')
