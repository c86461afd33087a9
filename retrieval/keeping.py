"""The index of a store state, kept on disk beside the database: a start maps it instead of building it.

Layout, beside ``news.db``::

    news.db.index/<state>/      manifest.json, vocabulary_keys.npy, df.npy, ids.npy, checks.npy, answerable.npy
    news.db.index/segments/<name>/   keys.npy, indptr.npy, tf_counts.npy, docs.npy, tf.npy, lengths.npy

States share their segments: the state written after a day was added writes only the new segments.
A folder is written under a hidden name and renamed into place, so a reader sees all of it or none.
The store is the truth; a kept index is a cache that may be dropped at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import tokenizing
from .indexing import COMMON_TF, HEAD_WEIGHT, BM25Index, Rows, Segment

FORMAT = 6  # of kept index folders

log = logging.getLogger(__name__)


def folder_for(db_path: str | Path, state: str, k1: float, b: float) -> Path:
    """Where the index of this store state, tokenizer and parameters is kept."""
    key = hashlib.sha1(f"{state}:{tokenizing.version()}:{k1}:{b}:{HEAD_WEIGHT}".encode()).hexdigest()[:16]
    return Path(db_path).with_name(f"{Path(db_path).name}.index") / key


def read(folder: Path) -> tuple[BM25Index, Rows] | None:
    """The index kept in ``folder`` with its rows, or None when there is none or it is damaged (then
    the caller builds it again)."""
    if not folder.is_dir():
        return None
    try:
        return _read(folder)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("index %s unreadable, rebuilding: %s", folder.name, error)
        return None


def keep(index: BM25Index, rows: Rows, folder: Path) -> BM25Index:
    """Keep the index in ``folder`` for the next start and drop those of other states.

    Returns the index with its segments named after their folders, so that keeping an extension of
    it writes only the new segments. A folder that cannot be written costs the next start a
    rebuild, nothing more.
    """
    try:
        shutil.rmtree(folder, ignore_errors=True)  # only a damaged copy can be there: it was not loaded
        kept = _write(index, rows, folder)
        _prune(folder, kept)
        return kept
    except OSError as error:
        log.warning("could not keep the index in %s: %s", folder, error)
        return index


def _write(index: BM25Index, rows: Rows, folder: Path) -> BM25Index:
    shelf = folder.parent / "segments"
    segments = []
    for segment in index.segments:
        if not segment.name or not (shelf / segment.name).is_dir():
            name = secrets.token_hex(8)
            partial = shelf / f".{name}.partial"
            _save_arrays(partial, {array: getattr(segment, array) for array in Segment.ARRAYS})
            os.replace(partial, shelf / name)
            segment = replace(segment, name=name)
        segments.append(segment)
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    arrays = {"vocabulary_keys": index.vocabulary_keys, "df": index.df}
    _save_arrays(partial, arrays | {array: getattr(rows, array) for array in Rows.ARRAYS})
    manifest = {"format": FORMAT, "k1": index.k1, "b": index.b, "epsilon": index.epsilon, "size": index.size,
                "segments": [segment.name for segment in segments]}
    (partial / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    os.replace(partial, folder)
    return BM25Index.from_segments(segments, index.k1, index.b, index.epsilon, (index.vocabulary_keys, index.df))


def _read(folder: Path) -> tuple[BM25Index, Rows]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{folder} is not an index of format {FORMAT}")
    segments = [_load_segment(folder.parent / "segments" / name) for name in manifest["segments"]]
    vocabulary = (_mapped(folder / "vocabulary_keys.npy"), _mapped(folder / "df.npy"))
    index = BM25Index.from_segments(segments, manifest["k1"], manifest["b"], manifest["epsilon"], vocabulary)
    rows = Rows(*(np.load(folder / f"{name}.npy") for name in Rows.ARRAYS))
    if index.size != manifest["size"] or len(rows) != index.size:
        raise ValueError(f"{folder} is inconsistent")
    return index, rows


def _load_segment(folder: Path) -> Segment:
    """A kept segment, memory-mapped: pages are read when a question touches them."""
    segment = Segment(**{name: _mapped(folder / f"{name}.npy") for name in Segment.ARRAYS}, name=folder.name)
    if (len(segment.indptr) != len(segment.keys) + 1 or segment.tf_counts.shape != (len(segment.keys), COMMON_TF)
            or len(segment.docs) != len(segment.tf)):
        raise ValueError(f"segment {folder.name} is inconsistent")
    return segment


def _save_arrays(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    folder.mkdir(parents=True)
    for name, values in arrays.items():
        np.save(folder / f"{name}.npy", values)


def _mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain ndarray: np.memmap's indexing costs a microsecond a call."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _prune(folder: Path, index: BM25Index) -> None:
    """Drop every kept state but ``folder``, and the segments no longer used."""
    used = {segment.name for segment in index.segments}
    for other in folder.parent.iterdir():
        if other.name not in {folder.name, "segments"}:
            shutil.rmtree(other, ignore_errors=True)
    for segment in (folder.parent / "segments").iterdir():
        if segment.name not in used:
            shutil.rmtree(segment, ignore_errors=True)
