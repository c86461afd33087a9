"""Uploaded page files: names checked, content checked by ingest's own reader, never overwriting."""

from __future__ import annotations

import pytest

from bot.uploads import UploadRefused, check_content, check_upload, save_upload


@pytest.mark.parametrize("name", ["../x.txt", "a/b.txt", ".env.txt", "x.py", "", None, "a b.txt"])
def test_bad_upload_names_are_refused(name):
    with pytest.raises(UploadRefused):
        check_upload(name, 100, 1000)


def test_a_good_name_within_the_size_is_kept_and_a_large_file_refused():
    assert check_upload("2025-12-19_第6版.txt", 100, 1000) == "2025-12-19_第6版.txt"
    with pytest.raises(UploadRefused, match="文件太大"):
        check_upload("p.txt", 1001, 1000)


def test_saving_never_overwrites_another_file(tmp_path):
    first, new = save_upload(tmp_path, "p.txt", b"one")
    again, new_again = save_upload(tmp_path, "p.txt", b"one")
    other, _ = save_upload(tmp_path, "p.txt", b"two")
    assert (first.name, new, again.name, new_again, other.name) == ("p.txt", True, "p.txt", False, "p-2.txt")
    assert (tmp_path / "p.txt").read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p-2.txt", "p.txt"]  # no partial file left


@pytest.mark.parametrize(("content", "reason"), [(b"", "empty file"), (b"\x00bin", "binary file (NUL bytes)"),
                                                  ("只有一行没有标点".encode(), "no articles found")])
def test_content_ingest_could_not_read_is_refused_with_its_reason(content, reason):
    with pytest.raises(UploadRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_content("p.txt", content)
