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


HOSTILE_PAGES = {
    "spaces.txt": "标题\n\n本报讯 正文" + " " * 2000 + "结束。\n",
    "header.txt": "第1" + " " * 1000 + "\n\n标题\n\n本报讯 正文。\n",
    "names.txt": "标题\n\n" + "\u3000\u3000".join(f"记者{chr(0x4E00 + i)}某" for i in range(30))
                 + "x\n\n本报讯 正文。\n",
    "tiny-lines.txt": "标题\n\n" + "字\n" * 100_000,
    "tiny-lines-after-a-body.txt": "标题\n\n本报讯 正文。\n\n" + "字\n\n" * 100_000,
    "unpunctuated.txt": "\n".join(f"第{i}行没有标点的一句话" for i in range(40_000)),
}


def test_files_built_to_stall_the_parser_are_ingested_beside_the_good_page(data_dir, db_path):
    """Each once stalled ingest for minutes; the child's timeout only guards the run against a hang."""
    import subprocess
    import sys

    for name, text in HOSTILE_PAGES.items():
        (data_dir / name).write_text(text, encoding="utf-8")
    newsbot = Path(sys.executable).with_name("newsbot")
    result = subprocess.run([str(newsbot), "ingest", str(data_dir), "--db", str(db_path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # Lines without a single sentence are headline material only: reported, not stored.
    assert "files: 5 new, 0 changed, 0 unchanged, 0 removed, 2 failed" in result.stdout
    assert "failed: tiny-lines.txt: no articles found" in result.stdout
    assert headlines(db_path, "spaces.txt") == ["标题"]
    assert headlines(db_path, "000_e4a181130212ea15.txt") == SEED_HEADLINES


def test_deeply_nested_json_and_huge_numbers_are_bad_lines_not_a_crash(tmp_path, db_path):
    lines = ["[" * 5000 + "]" * 5000, '{"headline": "长", "text": "' + "1" * 10 + '", "n": ' + "9" * 5000 + "}",
             json.dumps({"headline": "好标题", "text": "新埭镇开展消防演练。"}, ensure_ascii=False)]
    (tmp_path / "odd.jsonl").write_text("\n".join(lines), encoding="utf-8")
    file, = ingest([tmp_path / "odd.jsonl"], db_path).files
    assert (file.status, file.articles) == ("new", 1)
    assert [(bad.line, bad.reason[:14]) for bad in file.bad_lines] == [(1, "not JSON (nest"), (2, "not JSON (Exce")]


def test_a_parser_failure_fails_its_file_with_the_reason_and_the_run_goes_on(data_dir, db_path, monkeypatch, caplog):
    from retrieval import ingesting as module

    real = module.parse_page

    def fragile(text: str, source: str):
        if source == "bad.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, source)

    monkeypatch.setattr(module, "parse_page", fragile)
    (data_dir / "bad.txt").write_text("标题\n\n本报讯 正文。\n", encoding="utf-8")
    report = ingest([data_dir], db_path)
    assert {(f.path, f.status) for f in report.files} == {("bad.txt", "failed"), ("000_e4a181130212ea15.txt", "new")}
    assert "cannot parse (RecursionError" in next(f.reason for f in report.files if f.path == "bad.txt")
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)


def test_a_file_name_that_is_not_utf8_is_stored_readably_and_removed_when_gone(tmp_path, db_path):
    import os

    folder = tmp_path / "zip"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"\xd5\xfe\xb8\xae.txt")  # GBK bytes, as zips from Windows hold
    with open(raw, "wb") as handle:
        handle.write("标题\n\n本报讯 正文。\n".encode())
    report = ingest([folder], db_path)
    assert [(f.path, f.status) for f in report.files] == [("\\xd5\\xfe\\xb8\\xae.txt", "new")]
    assert headlines(db_path, "\\xd5\\xfe\\xb8\\xae.txt") == ["标题"]
    os.remove(raw)
    assert [(f.path, f.status) for f in ingest([folder], db_path).files] == [("\\xd5\\xfe\\xb8\\xae.txt", "removed")]


def test_the_same_file_name_in_two_folders_keeps_both(tmp_path, db_path):
    for folder, title in (("a", "甲地新闻"), ("b", "乙地新闻")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(f"{title}\n\n本报讯 正文。\n", encoding="utf-8")
    report = ingest([tmp_path / "a", tmp_path / "b"], db_path)
    assert [f.status for f in report.files] == ["new", "new"]
    with sqlite3.connect(db_path) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY source_path")]
    assert ids[0] == "page.txt#0" and ids[1].startswith("page.txt@") and ids[1].endswith("#0")


def test_a_json_line_whose_id_another_file_holds_is_skipped_alone(tmp_path, db_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "same", "headline": "甲", "text": "一。"}), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join([json.dumps({"id": "same", "headline": "乙", "text": "二。"}),
                                                 json.dumps({"id": "other", "headline": "丙", "text": "三。"})]),
                                      encoding="utf-8")
    a, b = ingest([tmp_path], db_path).files
    assert (a.status, b.status, b.articles) == ("new", "new", 1)
    assert [str(bad) for bad in b.bad_lines] == ["b.jsonl: article id 'same' is already used by a.jsonl: skipped"]


def test_each_paragraphs_normalised_text_is_cached_and_filled_in_for_older_databases(data_dir, db_path):
    from retrieval.store import Store
    from retrieval.tokenizing import normalize

    ingest([data_dir], db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tokens SET plain = NULL")  # as a database from before the cache
        conn.execute("UPDATE paragraphs SET plain = NULL")
        conn.execute("DELETE FROM meta WHERE key = 'plain_cached'")
    ingest([data_dir], db_path)  # nothing changed, and yet the cache is filled once, and copied to the rows
    with Store(db_path) as store:
        assert store.texts_without_plain() == []
        paragraphs = [p for _, (p, _) in store.paragraphs_by_id(list(range(1, 40))).items()]
    assert paragraphs and all(p.plain == normalize(p.text) for p in paragraphs)


def test_a_new_tokenizer_version_normalises_every_paragraph_anew(data_dir, db_path):
    from retrieval.ingesting import tokenize_missing
    from retrieval.store import Store

    ingest([data_dir], db_path)
    with sqlite3.connect(db_path) as conn:  # what an older normalisation left on the rows
        conn.execute("UPDATE paragraphs SET plain = 'stale'")
    with Store(db_path) as store:
        assert tokenize_missing(store, version="next") > 0
        stale = store.db.execute("SELECT count(*) FROM paragraphs WHERE plain = 'stale'").fetchone()[0]
    assert stale == 0
