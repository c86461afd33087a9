"""The kept index: written whole, read back exactly, dropped and rebuilt when damaged."""

from __future__ import annotations

import shutil

from retrieval import keeping

from .conftest import answers


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
    assert keeping.read(kept.parent, 0.9, 0.3) is None
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


DAMAGE = {
    "deleted": lambda path: path.unlink(),
    "emptied": lambda path: path.write_bytes(b""),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
    "garbled in the middle": lambda path: _garble(path, len(path.read_bytes()) // 2),
    "garbled at the end": lambda path: _garble(path, len(path.read_bytes()) - 1),
    "garbled in the header": lambda path: _garble(path, 20),
}


def _garble(path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x5A
    path.write_bytes(bytes(data))


def test_any_damage_to_any_kept_file_is_caught_and_the_next_start_answers_as_a_clean_store(library, db_path, caplog):
    _, built = library.refresh()
    clean = answers(built)
    folder = db_path.parent / "news.db.index"
    files = sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
    # manifest, five state arrays, segment.json, five segment arrays, the fields' manifest and eleven arrays
    assert len(files) == 1 + 5 + 1 + 5 + 1 + 11
    backup = {path: (folder / path).read_bytes() for path in files}
    for path in files:
        for kind, damage in DAMAGE.items():
            damage(folder / path)
            caplog.clear()
            assert answers(library.load()) == clean, f"{path} {kind}"
            assert "damaged" in caplog.text, f"{path} {kind}"  # one warning, and rebuilt
            shutil.rmtree(folder)  # back to the undamaged index, kept again
            for name, data in backup.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)


def test_an_edited_parameter_in_the_manifest_is_caught(library, db_path):
    import json

    library.refresh()
    manifest, = db_path.parent.glob("news.db.index/*/manifest.json")
    written = json.loads(manifest.read_text("utf-8"))
    written["body"]["k1"] = 1.5
    manifest.write_text(json.dumps(written), "utf-8")
    assert keeping.read(manifest.parent, 0.9, 0.3) is None and not manifest.parent.exists()
