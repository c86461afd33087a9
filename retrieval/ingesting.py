"""Ingest page files and JSON Lines into the store: idempotent, incremental, atomic, kind to bad input.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "page.txt").write_text("标题\\n\\n本报讯 内容。", encoding="utf-8")
>>> report = ingest([folder], folder / "news.db")
>>> report.count("new"), report.articles, report.paragraphs
(1, 1, 1)
>>> ingest([folder], folder / "news.db").count("unchanged")
1
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import tokenizing
from .errors import BadInput, BadLine
from .jsonl import parse_jsonl
from .models import Article
from .pages import PARSER_VERSION, parse_page
from .store import Store, text_key, titles

SUFFIXES = (".txt", ".jsonl")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")  # what path_text escapes
# Meta key: every stored text's normalised form is cached beside its tokens (see _normalize_missing).
PLAIN_CACHED = "plain_cached"
# Texts to tokenize before worker processes pay for their start-up (about a second each).
PARALLEL_FROM = 5_000
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileReport:
    """What became of one file: new, changed, unchanged, removed or failed (with the reason)."""

    path: str
    status: str
    reason: str = ""
    encoding: str = ""
    articles: int = 0
    bad_lines: tuple[BadLine, ...] = ()
    source_path: str = ""  # the file's resolved path, as the store keys it
    warnings: tuple[tuple[str, str], ...] = ()  # (headline, warning code) where the parser was unsure


@dataclass(frozen=True)
class IngestReport:
    """The outcome of one ingest run, with the store's totals after it."""

    files: tuple[FileReport, ...]
    articles: int
    paragraphs: int
    tokenized: int
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for report in self.files if report.status == status)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it; raises BadInput for empty, binary or undecodable data."""
    if not data.strip():
        raise BadInput("empty file")
    if b"\x00" in data:
        raise BadInput("binary file (NUL bytes)")
    for encoding in ENCODINGS:
        if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            continue  # utf-8 would keep the BOM as text
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > len(text) // 100:
            raise BadInput("binary file (control characters)")
        return text, encoding
    raise BadInput(f"not text in {', '.join(ENCODINGS)}")


@dataclass(frozen=True)
class ReadFile:
    """What one file holds, as ingest reads it: its articles, the JSON lines it skipped, its encoding."""

    articles: tuple[Article, ...]
    bad_lines: tuple[BadLine, ...]
    encoding: str


def read_file(name: str, data: bytes) -> ReadFile:
    """Decode and parse one file (by its suffix); raises BadInput when it holds no article.

    The one check of a file: ingest and the bot's uploads both use it.
    """
    text, encoding = decode(data)
    try:
        if name.lower().endswith(".jsonl"):
            articles, bad_lines = parse_jsonl(text, name)
        else:
            articles, bad_lines = parse_page(text, name), []
    except Exception as error:  # one file's fault never stops the run; the log keeps its traceback
        log.warning("cannot parse %s", name, exc_info=True)
        raise BadInput(f"cannot parse ({type(error).__name__}: {error})") from error
    if not articles:
        raise BadInput("no articles found" + (f" ({len(bad_lines)} bad lines)" if bad_lines else ""))
    return ReadFile(tuple(articles), tuple(bad_lines), encoding)


def path_text(path: str | Path) -> str:
    """A file's path as text SQLite can store and a person can read, losslessly: bytes that are not
    UTF-8 (names from a zip made on Windows) become ``\\xNN``, and a backslash ``\\\\``.

    >>> path_text(os.fsdecode(b"/data/\\xd5\\xfe.txt")), path_text("/data/页.txt")
    ('/data/\\\\xd5\\\\xfe.txt', '/data/页.txt')
    >>> path_from_text(path_text(os.fsdecode(b"a\\\\b\\xff"))) == Path(os.fsdecode(b"a\\\\b\\xff"))
    True
    """
    return "".join("\\\\" if char == "\\" else f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff"
                   else char for char in os.fspath(path))


def path_from_text(text: str) -> Path:
    """The path ``path_text`` wrote as ``text``."""
    return Path(_ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(0xDC00 + int(m.group(1)[1:], 16)), text))


def discover(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Path], list[FileReport]]:
    """(file, display name) pairs under ``paths``, the folders searched, and reports for missing paths."""
    files: list[tuple[Path, str]] = []
    roots: list[Path] = []
    missing: list[FileReport] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            roots.append(root)
            for found in sorted(root.rglob("*")):
                relative = found.relative_to(root)
                if found.is_file() and found.suffix.lower() in SUFFIXES and not any(
                        part.startswith(".") for part in relative.parts):
                    files.append((found, path_text(relative.as_posix())))
        elif path.is_file():
            files.append((path.resolve(), path_text(path.name)))
        else:
            missing.append(FileReport(path_text(given), "failed", "not found"))
    return files, roots, missing


def ingest(paths: Sequence[str | Path], db_path: str | Path,
           tokenize: Callable[[str], list[str]] = tokenizing.tokenize,
           progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Bring the store in line with the files under ``paths`` in one transaction.

    Unchanged files (same sha256) are not parsed again; paragraph texts already
    tokenized are not tokenized again. A bad file is reported and skipped, and
    whatever it held before stays. ``progress(done, total)`` is called after each
    file. Raises StoreError if the database cannot be used (then nothing was written).
    """
    started = time.perf_counter()
    version = tokenizing.version()
    with Store(db_path) as store:
        files, roots, reports = discover(paths)
        seen: set[str] = set()
        new_texts: list[str] = []
        with store.transaction():
            known = store.sources()  # inside: another ingest may have committed since we opened
            for done, (path, name) in enumerate(files, start=1):
                key = path_text(path)
                seen.add(key)
                report, texts = _ingest_file(store, path, name, known.get(key))
                reports.append(report)
                new_texts.extend(texts)
                if progress:
                    progress(done, len(files))
            for key, row in known.items():
                path = path_from_text(key)
                if key not in seen and any(path.is_relative_to(root) for root in roots) and not path.exists():
                    store.remove_source(key)
                    reports.append(FileReport(row["name"], "removed", articles=row["articles"] or 0))
            tokenized = _tokenize_new(store, new_texts, version, tokenize)
            _normalize_missing(store)
            store.fill_plain()
            if any(report.status in ("changed", "removed") for report in reports):
                store.prune_tokens()  # only replaced or removed articles leave tokens unused
        counts = store.counts()
    return IngestReport(tuple(reports), counts["articles"], counts["paragraphs"], tokenized,
                        time.perf_counter() - started)


def _ingest_file(store: Store, path: Path, name: str, known: dict | None) -> tuple[FileReport, list[str]]:
    """Store one file's articles; returns its report and the texts it added."""
    key = path_text(path)
    try:
        stat = path.stat()
        current = bool(known) and known["status"] == "ok" and known.get("parser") == PARSER_VERSION
        if current and (known["size"], known.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns):
            # Same size and modification time as when it was hashed: not even read (2,500 files at 1M paragraphs).
            return FileReport(name, "unchanged", encoding=known["encoding"], articles=known["articles"] or 0), []
        data = path.read_bytes()
    except OSError as error:
        store.mark_failed(key, name, f"cannot read: {error.strerror or error}")
        return FileReport(name, "failed", f"cannot read: {error.strerror or error}"), []
    sha256 = hashlib.sha256(data).hexdigest()
    mtime_ns = _settled_mtime(stat)
    if current and known["sha256"] == sha256:
        if known.get("mtime_ns") != mtime_ns:
            store.set_source_mtime(key, mtime_ns)
        return FileReport(name, "unchanged", encoding=known["encoding"], articles=known["articles"] or 0), []
    try:
        read = read_file(name, data)
        articles, skipped = _unique_ids(store, key, name, read.articles)
        if not articles:
            raise BadInput(f"no articles left: {skipped[0].reason}")
    except BadInput as error:
        store.mark_failed(key, name, str(error))
        return FileReport(name, "failed", str(error)), []
    status = "changed" if known and known["sha256"] else "new"
    count, _ = store.replace_source(key, name, sha256, PARSER_VERSION, len(data), mtime_ns, read.encoding, articles)
    texts = [text for article in articles
             for text in (titles(article.headline, article.subheadline, article.kicker), *article.paragraphs)]
    warnings = tuple((article.headline, code) for article in articles for code in article.warnings)
    return FileReport(name, status, encoding=read.encoding, articles=count, bad_lines=read.bad_lines + skipped,
                      source_path=key, warnings=warnings), texts


def _unique_ids(store: Store, key: str, name: str, articles: Sequence[Article]
                ) -> tuple[list[Article], tuple[BadLine, ...]]:
    """The articles with ids no other file uses: ids are unique per file, not per name.

    Ids made from the file's name (``page.txt#3``) that another file of that name already holds
    (the same name in two folders) take a tag of this file's path (``page.txt@1f2e3d#3``); an id a
    JSON line gave itself that another file holds is skipped and reported.
    """
    if not _taken(store, key, [a.id for a in articles]):
        return list(articles), ()
    made, tagged = f"{name}#", f"{name}@{hashlib.sha1(key.encode()).hexdigest()[:6]}#"
    renamed = [replace(a, id=tagged + a.id.removeprefix(made)) if a.id.startswith(made) else a for a in articles]
    taken = _taken(store, key, [a.id for a in renamed])
    skipped = tuple(BadLine(name, None, f"article id {a.id!r} is already used by {taken[a.id]}: skipped")
                    for a in renamed if a.id in taken)
    return [a for a in renamed if a.id not in taken], skipped


def _taken(store: Store, key: str, ids: list[str]) -> dict[str, str]:
    """Which of these ids another file holds, and that file's name."""
    return {aid: owner.rsplit("/", 1)[-1] for aid, owner in store.article_owners(ids).items() if owner != key}


def _settled_mtime(stat: os.stat_result) -> int | None:
    """The file's modification time, if it is old enough to trust: a file written twice within one
    timestamp tick, at the same size, would otherwise look unchanged (git's "racy" files)."""
    return stat.st_mtime_ns if time.time_ns() - stat.st_mtime_ns > 2_000_000_000 else None


def _tokenize_new(store: Store, texts: list[str], version: str, tokenize: Callable[[str], list[str]]) -> int:
    """Tokenize the texts the cache does not hold yet; returns how many were tokenized."""
    keyed = {text_key(text): text for text in texts}
    cached = store.cached_keys(list(keyed), version)
    missing = [key for key in keyed if key not in cached]
    tokenized = tokenize_all([keyed[key] for key in missing], tokenize)
    store.add_tokens(((key, tokens, plain) for key, (tokens, plain) in zip(missing, tokenized, strict=True)), version)
    return len(missing)


def _joined(text: str) -> tuple[str, str]:
    return " ".join(tokenizing.tokenize(text)), tokenizing.normalize(text)


def tokenize_all(texts: list[str], tokenize: Callable[[str], list[str]] = tokenizing.tokenize
                 ) -> Iterator[tuple[str, str]]:
    """The space-joined tokens of each text, and the text normalised (what answers compare question
    words with, cached so no question normalises it again), in order; big batches are spread over
    every core.

    Tokenizing is nearly all of an ingest's work, and jieba holds the GIL, so big batches go
    to worker processes (spawned: forking a process with threads, like the bot, can deadlock).
    Spawned workers import the calling script again: a script that ingests needs the usual
    ``if __name__ == "__main__":`` guard (the ``newsbot`` command and the benchmarks have it).
    """
    workers = os.cpu_count() or 1
    if len(texts) < PARALLEL_FROM or tokenize is not tokenizing.tokenize or workers < 2:
        yield from ((" ".join(tokenize(text)), tokenizing.normalize(text)) for text in texts)
        return
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(_joined, texts, chunksize=256)


def _normalize_missing(store: Store) -> None:
    """Cache the normalised text of paragraphs tokenized before it was cached beside their tokens
    (an upgrade: once, then a read that finds nothing)."""
    if store.get_meta(PLAIN_CACHED) is not None:  # the scan joins every paragraph: once is enough
        return
    missing = store.texts_without_plain()
    if missing:
        store.add_plain((key, tokenizing.normalize(text)) for key, text in missing)
    store.set_meta(PLAIN_CACHED, "1")


def tokenize_missing(store: Store, version: str | None = None) -> int:
    """Tokenize every stored text whose tokens are not cached for this tokenizer version (after an upgrade)."""
    version = version or tokenizing.version()
    if not store.texts_without_tokens(version):  # the usual case: a read, no write lock
        return 0
    with store.transaction():
        missing = store.texts_without_tokens(version)
        tokenized = tokenize_all([text for _, text in missing])
        store.add_tokens(((key, tokens, plain) for (key, _), (tokens, plain) in zip(missing, tokenized, strict=True)),
                         version)
        store.fill_plain(every=True)
    return len(missing)
