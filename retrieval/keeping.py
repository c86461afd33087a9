"""The index of a store state, kept on disk beside the database: a start maps it instead of building it.

Layout, beside ``news.db``::

    news.db.index/<state>/           manifest.json, vocabulary_keys.npy, df.npy, ids.npy, checks.npy, answerable.npy
    news.db.index/<state>/fields/    manifest.json, strings.npy, spans.npy, … (retrieval.fields: what answers show)
    news.db.index/segments/<name>/   segment.json, keys.npy, indptr.npy, docs.npy, tf.npy, lengths.npy

States share their segments: the state written after a day was added writes only the new segments.
A folder is written under a hidden name and renamed into place, so a reader sees all of it or none.
Every array's size, CRC-32, dtype and shape are recorded (a segment's in its segment.json, whose
own CRC the state's manifest records), and the manifest records a CRC of itself. Reading checks all
of it: a file deleted, emptied, truncated or garbled, or a parameter edited, drops the state with
one warning, and the caller builds it again from the store. The store is the truth; a kept index
is a cache that may be thrown away at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import tokenizing
from .fields import ARTICLE_FIELDS, Fields
from .indexing import HEAD_WEIGHT, BM25Index, Rows, Segment

FORMAT = 8  # of kept index folders: 8 drops the tf groups the compiled kernel does not need
CHUNK = 1 << 24  # bytes read at a time when checking a file
FIELDS = "fields"  # the folder of a state's kept fields

log = logging.getLogger(__name__)


class DamagedIndex(Exception):
    """A kept index folder is not exactly what was written: it is dropped and built again."""


def folder_for(db_path: str | Path, state: str, k1: float, b: float) -> Path:
    """Where the index of this store state, tokenizer and parameters is kept."""
    return Path(db_path).with_name(f"{Path(db_path).name}.index") / _key(state, k1, b)


def read(folder: Path, k1: float, b: float) -> tuple[BM25Index, Rows] | None:
    """The index kept in ``folder`` with its rows, checked whole; None when there is none, or when it
    is damaged (then it is dropped, and the caller builds it again)."""
    if not folder.is_dir():
        return None
    try:
        return _read(folder, k1, b)
    except Exception as error:  # noqa: BLE001 - whatever is wrong with a cache, the answer is to rebuild it
        log.warning("kept index %s is damaged (%s: %s); dropping it and rebuilding from the store",
                    folder.name, type(error).__name__, error)
        shutil.rmtree(folder, ignore_errors=True)
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


def read_fields(folder: Path, documents: int) -> Fields | None:
    """The fields of the ``documents`` of the state kept in ``folder``, checked whole; None when there
    are none, or when they are damaged (then they are dropped, and the caller builds them again)."""
    path = folder / FIELDS
    if not path.is_dir():
        return None
    try:
        manifest = _manifest(path / "manifest.json")
        if manifest.get("layout") != _fields_layout():
            raise DamagedIndex(f"kept in another layout: {manifest.get('layout')}")
        arrays, checks = _arrays(path, manifest)
        _run(checks)
        fields = Fields(**arrays)
        if len(fields) != documents:
            raise DamagedIndex(f"fields of {len(fields)} documents for an index of {documents}")
        return fields
    except Exception as error:  # noqa: BLE001 - as in read(): a damaged cache is rebuilt
        log.warning("kept fields %s are damaged (%s: %s); dropping them and rebuilding from the store",
                    folder.name, type(error).__name__, error)
        shutil.rmtree(path, ignore_errors=True)
        return None


def keep_fields(fields: Fields, folder: Path) -> None:
    """Keep ``fields`` in the state's ``folder`` (kept already) for the next start; a folder that
    cannot be written costs that start a rebuild of them, nothing more."""
    partial = folder / f".{FIELDS}.partial"
    try:
        shutil.rmtree(partial, ignore_errors=True)
        _save(partial, "manifest.json", {array: getattr(fields, array) for array in Fields.ARRAYS},
              {"layout": _fields_layout()})
        os.replace(partial, folder / FIELDS)
    except OSError as error:
        log.warning("could not keep the fields in %s: %s", folder, error)


def _fields_layout() -> dict[str, list[str]]:
    """What kept fields hold, recorded with them: fields kept by a version that held other arrays or
    article fields are built again."""
    return {"arrays": list(Fields.ARRAYS), "article_fields": list(ARTICLE_FIELDS)}


def _key(state: str, k1: float, b: float) -> str:
    return hashlib.sha1(f"{state}:{tokenizing.version()}:{k1}:{b}:{HEAD_WEIGHT}".encode()).hexdigest()[:16]


def _write(index: BM25Index, rows: Rows, folder: Path) -> BM25Index:
    shelf = folder.parent / "segments"
    segments, segment_checks = [], {}
    for segment in index.segments:
        if not segment.name or not (shelf / segment.name / "segment.json").is_file():
            name = secrets.token_hex(8)
            partial = shelf / f".{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            _save(partial, "segment.json", {array: getattr(segment, array) for array in Segment.ARRAYS}, {})
            os.replace(partial, shelf / name)
            segment = replace(segment, name=name)
        segments.append(segment)
        segment_checks[segment.name] = _crc(shelf / segment.name / "segment.json")
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    arrays = {"vocabulary_keys": index.vocabulary_keys, "df": index.df} | {a: getattr(rows, a) for a in Rows.ARRAYS}
    facts = {"k1": index.k1, "b": index.b, "epsilon": index.epsilon, "size": index.size,
             "tokenizer": tokenizing.version(), "head_weight": HEAD_WEIGHT,
             "segments": [[segment.name, segment_checks[segment.name]] for segment in segments]}
    _save(partial, "manifest.json", arrays, facts)
    os.replace(partial, folder)
    return BM25Index.from_segments(segments, index.k1, index.b, index.epsilon, (index.vocabulary_keys, index.df))


def _save(folder: Path, manifest: str, arrays: dict[str, np.ndarray], facts: dict[str, Any]) -> None:
    """Write the arrays, then the manifest that describes them (with its own CRC), into ``folder``."""
    folder.mkdir(parents=True)
    files = {}
    for name, values in arrays.items():
        np.save(folder / f"{name}.npy", values)
        path = folder / f"{name}.npy"
        files[name] = {"bytes": path.stat().st_size, "crc32": _crc(path), "dtype": values.dtype.str,
                       "shape": list(values.shape)}
    body = {"format": FORMAT, **facts, "files": files}
    text = json.dumps(body, sort_keys=True)
    (folder / manifest).write_text(json.dumps({"crc32": zlib.crc32(text.encode()), "body": body}), "utf-8")


def _read(folder: Path, k1: float, b: float) -> tuple[BM25Index, Rows]:
    manifest = _manifest(folder / "manifest.json")
    expected = {"k1": k1, "b": b, "epsilon": 0.25, "tokenizer": tokenizing.version(), "head_weight": HEAD_WEIGHT}
    for name, value in expected.items():
        if manifest.get(name) != value:
            raise DamagedIndex(f"{name} is {manifest.get(name)!r}, not {value!r}")
    shelf = folder.parent / "segments"
    checks: list[Callable[[], None]] = []
    segments = []
    for name, crc in manifest["segments"]:
        if _crc(shelf / name / "segment.json") != crc:
            raise DamagedIndex(f"segment {name}: its description changed")
        arrays, segment_checks = _arrays(shelf / name, _manifest(shelf / name / "segment.json"))
        segments.append(_segment(name, arrays))
        checks += segment_checks
    arrays, state_checks = _arrays(folder, manifest)
    _run(checks + state_checks)  # the CRCs of every array, on both cores (zlib lets go of the GIL)
    index = BM25Index.from_segments(segments, k1, b, 0.25, (arrays["vocabulary_keys"], arrays["df"]))
    rows = Rows(*(np.asarray(arrays[name]) for name in Rows.ARRAYS))
    if index.size != manifest["size"] or len(rows) != index.size or len(arrays["df"]) != len(index.vocabulary_keys):
        raise DamagedIndex("its parts disagree on their sizes")
    return index, rows


def _manifest(path: Path) -> dict[str, Any]:
    """A manifest's body, after checking its own CRC and format."""
    written = json.loads(path.read_text("utf-8"))
    body = written["body"]
    if zlib.crc32(json.dumps(body, sort_keys=True).encode()) != written["crc32"]:
        raise DamagedIndex(f"{path.name} was changed")
    if body.get("format") != FORMAT:
        raise DamagedIndex(f"{path.name} is not of format {FORMAT}")
    return body


def _arrays(folder: Path, manifest: dict[str, Any]) -> tuple[dict[str, np.ndarray], list[Callable[[], None]]]:
    """The arrays a manifest describes, memory-mapped, each checked for its size, dtype and shape; and
    the checks of their CRCs, still to run."""
    arrays, checks = {}, []
    for name, described in manifest["files"].items():
        path = folder / f"{name}.npy"
        if path.stat().st_size != described["bytes"]:
            raise DamagedIndex(f"{path.name} has {path.stat().st_size} bytes, not {described['bytes']}")
        # A plain ndarray view: np.memmap's indexing costs a microsecond a call.
        values = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        if values.dtype.str != described["dtype"] or list(values.shape) != described["shape"]:
            raise DamagedIndex(f"{path.name} holds {values.dtype.str} {values.shape}, not what was written")
        arrays[name] = values
        checks.append(lambda path=path, crc=described["crc32"]: _check_crc(path, crc))
    return arrays, checks


def _segment(name: str, arrays: dict[str, np.ndarray]) -> Segment:
    segment = Segment(**{array: arrays[array] for array in Segment.ARRAYS}, name=name)
    if (len(segment.indptr) != len(segment.keys) + 1
            or len(segment.docs) != len(segment.tf) or segment.indptr[-1] != len(segment.docs)):
        raise DamagedIndex(f"segment {name} is inconsistent")
    return segment


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def _check_crc(path: Path, expected: int) -> None:
    if _crc(path) != expected:
        raise DamagedIndex(f"{path.parent.name}/{path.name} was changed")


def _run(checks: list[Callable[[], None]]) -> None:
    """Run the checks on every core; the first failure is raised."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for done in [pool.submit(check) for check in checks]:
            done.result()


def _prune(folder: Path, index: BM25Index) -> None:
    """Drop every kept state but ``folder``, and the segments no longer used."""
    used = {segment.name for segment in index.segments}
    for other in folder.parent.iterdir():
        if other.name not in {folder.name, "segments"}:
            shutil.rmtree(other, ignore_errors=True)
    for segment in (folder.parent / "segments").iterdir():
        if segment.name not in used:
            shutil.rmtree(segment, ignore_errors=True)
