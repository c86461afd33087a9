"""The kept index: written whole, read back exactly, dropped and rebuilt when damaged."""

from __future__ import annotations

from retrieval import keeping


def test_the_index_is_kept_beside_the_database_one_state_at_a_time(library, data_dir, db_path):
    library.refresh()
    kept = sorted(db_path.parent.glob("news.db.index/*/manifest.json"))
    assert len(kept) == 1 and not list(db_path.parent.rglob("*.partial"))
    (data_dir / "2025-12-19.txt").write_text("新标题\n\n本报讯 新内容。\n", encoding="utf-8")
    library.refresh()
    library.load()  # a new start, rebuilding nothing
    now_kept = sorted(db_path.parent.glob("news.db.index/*/manifest.json"))
    assert len(now_kept) == 1 and now_kept != kept  # the old state is gone
    assert len(list(db_path.parent.glob("news.db.index/segments/*"))) == 1  # and so are its segments


def test_a_damaged_manifest_is_rebuilt(library, db_path):
    library.refresh()
    kept, = db_path.parent.glob("news.db.index/*/manifest.json")
    kept.write_bytes(b"not an index")
    assert keeping.read(kept.parent) is None
    searcher = library.load()
    assert searcher.search("顾亚萍是谁", 1)[0].paragraph.headline == "时空廉书寄初心 结对帮带续薪火"
    assert kept.read_bytes() != b"not an index"


def test_keep_names_the_segments_so_an_extension_writes_only_its_new_one(library, data_dir, db_path):
    _, first = library.refresh()
    assert all(segment.name for segment in first.index.segments)
    names = {segment.name for segment in first.index.segments}
    (data_dir / "2025-12-19.txt").write_text("新标题\n\n本报讯 新内容。\n", encoding="utf-8")
    _, extended = library.refresh(first)
    assert names < {segment.name for segment in extended.index.segments}


def test_an_unwritable_folder_costs_only_a_rebuild(library, db_path, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(keeping, "_write", refuse)
    _, searcher = library.refresh()
    assert len(searcher) == 32 and "could not keep the index" in caplog.text
