"""Page files admins send to the bot: checked before anything is saved, saved without overwriting."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from retrieval.errors import BadInput
from retrieval.ingesting import SUFFIXES, read_file

_SAFE_NAME = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff.\-]{0,99}$")


class UploadRefused(Exception):
    """An uploaded file is not a page file the bot accepts; the message says why, in Chinese."""


def check_upload(name: str | None, size: int | None, max_bytes: int) -> str:
    """The file name to save an upload under; raises UploadRefused for a bad name, type or size.

    Checked before anything is downloaded; the content is checked by ``check_content``.
    """
    if not name or "/" in name or "\\" in name or name.startswith(".") or not _SAFE_NAME.match(name):
        raise UploadRefused("文件名不合规（只能用字母、数字、汉字、点和连字符，不能以点开头）")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise UploadRefused("只接受 .txt 或 .jsonl 文件")
    if size is None or size > max_bytes:
        raise UploadRefused(f"文件太大（上限 {max_bytes // 1024} KB）")
    return name


def check_content(name: str, content: bytes) -> None:
    """Refuse an upload that ingest could not read (empty, binary, undecodable, no articles) before
    saving it: ingest's own check of a file."""
    try:
        read_file(name, content)
    except BadInput as error:
        raise UploadRefused(str(error)) from error


def save_upload(data_dir: Path, name: str, content: bytes) -> tuple[Path, bool]:
    """Save an uploaded page under ``name`` in the data dir; returns (path, whether it is new content).

    The same content already under that name is not written twice; different content under
    a taken name gets the next free name (page-2.txt) instead of overwriting it. The file is
    written under a hidden name (ingest skips those) and linked into place whole, so neither a
    concurrent upload nor a running reload sees it half-written.
    """
    partial = data_dir / f".upload-{secrets.token_hex(8)}"
    partial.write_bytes(content)
    try:
        stem, suffix = Path(name).stem, Path(name).suffix
        for number in range(1, 1000):
            target = data_dir / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(partial, target)  # fails if the name is taken, atomically
                return target, True
            except FileExistsError:
                if target.read_bytes() == content:
                    return target, False
        raise UploadRefused("同名文件太多")
    finally:
        partial.unlink(missing_ok=True)
