"""The SQLite store: every SQL statement of the project goes through this module (sqlite-utils).

Tables: ``sources`` (one row per ingested file), ``articles``, ``paragraphs``,
``tokens`` (the tokens cache, keyed by a hash of the text and tagged with the tokenizer version),
``questions`` (the bot's question log), ``meta``, and the bot's ``subscribers``, ``digests`` and
``feedback``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import StoreError
from .models import Article, CorpusFacts, Headline, Paragraph, QuestionStats, Vote, assembled

_SCHEMA: dict[str, tuple[dict[str, Any], str]] = {
    "sources": ({"path": str, "name": str, "sha256": str, "parser": str, "size": int, "mtime_ns": int,
                 "status": str, "error": str, "encoding": str, "articles": int, "ingested_at": str}, "path"),
    "articles": ({"id": str, "source": str, "source_path": str, "kind": str, "headline": str,
                  "subheadline": str, "kicker": str, "byline": str, "page": str, "section": str,
                  "date": str, "url": str, "position": int, "head_key": str, "warnings": str}, "id"),
    # ``plain``: the text normalised (tokenizing.normalize), copied from the tokens cache by ingest.
    "paragraphs": ({"id": int, "article_id": str, "position": int, "text": str, "token_key": str, "plain": str},
                   "id"),
    "tokens": ({"key": str, "version": str, "tokens": str, "plain": str}, "key"),
    "questions": ({"id": int, "asked_at": str, "user_hash": str, "text": str, "answered": int,
                   "top_article": str}, "id"),
    "meta": ({"key": str, "value": str}, "key"),
    # The bot's followers and what they were sent: a chat that asked for each new day's headlines,
    # the days whose headlines went out, and 👍/👎 on answers (by a keyed hash of the user).
    "subscribers": ({"chat_id": int, "since": str}, "chat_id"),
    "digests": ({"day": str, "sent_at": str, "chats": int}, "day"),
    "feedback": ({"id": int, "at": str, "user_hash": str, "question": str, "shown": str, "vote": int}, "id"),
}


WAIT = 30.0  # seconds a write waits for another connection's transaction (an ingest in a shell)

# A paragraph's normalised text sits on its own row: read through the tokens cache instead, every
# hit and every paragraph an answer looks at cost an index search by text hash (at 100k paragraphs,
# three rounds: 12 hits 0.17–0.25 → 0.10–0.17 ms, the paragraphs of five articles holding question
# words 0.39–0.48 → 0.16–0.26 ms).
_PARAGRAPH_FIELDS = ("SELECT p.id, p.article_id, p.position, p.text, a.headline, a.subheadline, a.kind, a.date, "
                     "a.page, a.section, a.source, a.byline, p.plain, ")
_FIELDS = 13  # columns of _PARAGRAPH_FIELDS; what a query adds comes after them
_PARAGRAPH_ORDER = " ORDER BY a.date IS NULL, a.date, a.source, a.position, p.position"
_WITH_TOKENS = (
    _PARAGRAPH_FIELDS + "t.tokens, h.tokens FROM paragraphs p JOIN articles a ON a.id = p.article_id"
    " LEFT JOIN tokens t ON t.key = p.token_key AND t.version = :v "
    "LEFT JOIN tokens h ON h.key = a.head_key AND h.version = :v")
_PARAGRAPHS_WITH_TOKENS = _WITH_TOKENS + _PARAGRAPH_ORDER
_PARAGRAPHS_BY_ID = (_PARAGRAPH_FIELDS + "p.token_key FROM paragraphs p JOIN articles a ON a.id = p.article_id"
                     " WHERE p.id IN ({marks})")
_ARTICLE_OF = (_PARAGRAPH_FIELDS + "p.token_key FROM paragraphs p JOIN articles a ON a.id = p.article_id"
               " WHERE p.article_id = (SELECT article_id FROM paragraphs WHERE id = ?) ORDER BY p.position")
_HEADLINES = ("SELECT a.id, a.headline, a.date, a.page, a.section, "
              "(SELECT MIN(p.id) FROM paragraphs p WHERE p.article_id = a.id) FROM articles a "
              "WHERE a.kind IN ('news', 'commentary') AND {day} ORDER BY a.source, a.position")
_ARTICLE_PARAGRAPHS = (_PARAGRAPH_FIELDS + "p.token_key FROM paragraphs p JOIN articles a ON a.id = p.article_id"
                       " WHERE p.article_id IN ({marks}){holding} ORDER BY p.article_id, p.position")
# A paragraph holding one of some terms (every paragraph whose normalised text is not cached yet).
_HOLDING = " AND (p.plain IS NULL OR {terms})"
# What an index needs of each paragraph, without its text: the sort spills far less at a million rows.
_INDEX_ROWS = ("SELECT p.id, p.token_key, a.kind, t.tokens, h.tokens FROM paragraphs p "
               "JOIN articles a ON a.id = p.article_id "
               "LEFT JOIN tokens t ON t.key = p.token_key AND t.version = :v "
               "LEFT JOIN tokens h ON h.key = a.head_key AND h.version = :v")


def _paragraph(row: tuple[Any, ...]) -> Paragraph:
    return assembled(Paragraph, {"id": row[0], "article_id": row[1], "position": row[2], "text": row[3],
                                 "headline": row[4], "subheadline": row[5] or "", "kind": row[6], "date": row[7],
                                 "page": row[8] or "", "section": row[9] or "", "source": row[10] or "",
                                 "byline": row[11] or "", "plain": row[12] or "", "plain_titles": ""})


def now() -> str:
    """The current UTC time as an ISO string, the one time format the store keeps."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def titles(headline: str, subheadline: str | None, kicker: str | None) -> str:
    """The text of an article's titles, indexed with each of its paragraphs."""
    return f"{headline} {subheadline or ''} {kicker or ''}"


def text_key(text: str) -> str:
    """The key of a text in the tokens cache (a hash of it); the cache row also records the tokenizer
    version. Paragraph rows keep it as ``token_key``, article rows their titles' as ``head_key``."""
    return hashlib.sha1(text.encode()).hexdigest()


class Store:
    """One SQLite file; as a context manager it closes itself and turns any ``sqlite3.Error`` raised
    inside into a StoreError naming the file.

    >>> with Store(":memory:") as store:
    ...     store.counts()
    {'articles': 0, 'paragraphs': 0}
    """

    def __init__(self, path: str | Path, shared: bool = False, timeout: float | None = None) -> None:
        """Open (and create) the store; ``shared`` allows use from several threads, one at a time.

        ``timeout`` is how long a write waits for another connection's write to finish (``WAIT``).
        """
        self.path = str(path)
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(sqlite3.connect(str(path), check_same_thread=not shared,
                                                            timeout=WAIT if timeout is None else timeout))
            # WAL lets the bot keep reading while an ingest writes; NORMAL stays consistent on crash.
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create_schema()
        except sqlite3.Error as error:
            raise StoreError(f"cannot open database {path}: {error}") from error

    def _create_schema(self) -> None:
        added: set[tuple[str, str]] = set()
        for name, (columns, pk) in _SCHEMA.items():
            table = self.db[name]
            table.create(columns, pk=pk, if_not_exists=True)
            for column, kind in columns.items():  # a database from an earlier version gains new columns
                if column not in table.columns_dict:
                    table.add_column(column, kind)
                    added.add((name, column))
        self.db["articles"].create_index(["source_path"], if_not_exists=True)
        self.db["articles"].create_index(["date"], if_not_exists=True)
        self.db["paragraphs"].create_index(["article_id", "position"], if_not_exists=True)
        # Only the paragraphs whose normalised text is still to be copied (an ingest's new ones): empty
        # between ingests, so finding them never reads the table.
        self.db.execute("CREATE INDEX IF NOT EXISTS paragraphs_unplain ON paragraphs (id) WHERE plain IS NULL")
        self.db.execute("DROP INDEX IF EXISTS tokens_plain")  # how hits read it before it was on their rows
        if ("paragraphs", "plain") in added:
            with self.db.atomic():
                self.fill_plain()  # once, at the upgrade: 1.4 s at 100k paragraphs
        self.db["questions"].create_index(["asked_at"], if_not_exists=True)
        if self.get_meta("store_id") is None:
            self.set_meta("store_id", uuid.uuid4().hex)
        if self.get_meta("user_salt") is not None:
            # Earlier versions kept a salted hash of each user in the question log, with the salt
            # beside it: ids up to a million were recovered in a second. The log needs no user.
            with self.db.atomic():
                self.db.execute("UPDATE questions SET user_hash = '' WHERE user_hash != ''")
                self.db["meta"].delete("user_salt")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        self.close()
        if isinstance(error, sqlite3.Error):  # locked, read-only, full or damaged
            raise StoreError(f"cannot use database {self.path}: {error}") from error

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside happen together or not at all.

        The write lock is taken up front (BEGIN IMMEDIATE): a deferred transaction that reads
        first fails at once with "database is locked" if another connection (the bot's question
        log) commits before its first write.
        """
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    # -- sources -------------------------------------------------------------------------
    def sources(self) -> dict[str, dict[str, Any]]:
        return {row["path"]: row for row in self.db["sources"].rows}

    def replace_source(self, path: str, name: str, sha256: str, parser: str, size: int, mtime_ns: int | None,
                       encoding: str, articles: Iterable[Article]) -> tuple[int, int]:
        """Replace the articles of one file; returns (articles, paragraphs) written."""
        self._changed()
        self._delete_articles(path)
        article_rows, paragraph_rows = [], []
        for article in articles:
            article_rows.append({
                "id": article.id, "source": article.source, "source_path": path, "kind": article.kind,
                "headline": article.headline, "subheadline": article.subheadline,
                "kicker": article.kicker, "byline": article.byline, "page": article.page,
                "section": article.section, "date": article.date, "url": article.url,
                "warnings": " ".join(article.warnings),
                "position": article.position,
                "head_key": text_key(titles(article.headline, article.subheadline, article.kicker)),
            })
            paragraph_rows.extend(
                {"article_id": article.id, "position": position, "text": text,
                 "token_key": text_key(text)}
                for position, text in enumerate(article.paragraphs)
            )
        self.db["articles"].insert_all(article_rows)
        self.db["paragraphs"].insert_all(paragraph_rows)
        self.db["sources"].upsert({
            "path": path, "name": name, "sha256": sha256, "parser": parser, "size": size, "mtime_ns": mtime_ns,
            "status": "ok", "error": "", "encoding": encoding, "articles": len(article_rows), "ingested_at": now(),
        }, pk="path")
        return len(article_rows), len(paragraph_rows)

    def set_source_mtime(self, path: str, mtime_ns: int | None) -> None:
        """Record the modification time of a file found unchanged by its hash."""
        self.db["sources"].update(path, {"mtime_ns": mtime_ns})

    def mark_failed(self, path: str, name: str, error: str) -> None:
        """Record a file that could not be read; its earlier articles, if any, stay."""
        if self.db["sources"].count_where("path = ?", [path]):
            self.db["sources"].update(path, {"name": name, "status": "failed", "error": error,
                                              "ingested_at": now()})
        else:
            self.db["sources"].insert({"path": path, "name": name, "sha256": "", "parser": "", "size": 0,
                                       "status": "failed", "error": error, "encoding": "", "articles": 0,
                                       "ingested_at": now()})

    def remove_source(self, path: str) -> None:
        self._changed()
        self._delete_articles(path)
        self.db["sources"].delete_where("path = ?", [path])

    def _delete_articles(self, path: str) -> None:
        self.db["paragraphs"].delete_where(
            "article_id IN (SELECT id FROM articles WHERE source_path = ?)", [path])
        self.db["articles"].delete_where("source_path = ?", [path])

    def article_owners(self, ids: list[str]) -> dict[str, str]:
        """Which source path holds each of these article ids already."""
        owners: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(f"SELECT id, source_path FROM articles WHERE id IN ({marks})", chunk):
                owners[row["id"]] = row["source_path"]
        return owners

    # -- tokens --------------------------------------------------------------------------
    def cached_keys(self, keys: list[str], version: str) -> set[str]:
        """Which of these texts the cache holds tokenized by tokenizer ``version``."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.db.execute(
                f"SELECT key FROM tokens WHERE version = ? AND key IN ({marks})", [version, *chunk]))
        return found

    def add_tokens(self, rows: Iterable[tuple[str, str, str]], version: str) -> None:
        """Cache (key, tokens, normalised text) rows for tokenizer ``version``."""
        self.db["tokens"].upsert_all(({"key": k, "version": version, "tokens": t, "plain": n} for k, t, n in rows),
                                     pk="key", batch_size=1000)

    def texts_without_plain(self) -> list[tuple[str, str]]:
        """(key, text) of stored paragraphs whose normalised text is not cached (from an older version)."""
        return self.db.execute("SELECT DISTINCT p.token_key, p.text FROM paragraphs p "
                               "JOIN tokens t ON t.key = p.token_key WHERE t.plain IS NULL").fetchall()

    def add_plain(self, rows: Iterable[tuple[str, str]]) -> None:
        """Cache the normalised text of (key, normalised text) rows beside their tokens."""
        self.db.conn.executemany("UPDATE tokens SET plain = ? WHERE key = ?", [(plain, key) for key, plain in rows])

    def fill_plain(self, every: bool = False) -> None:
        """Copy each paragraph's normalised text from the tokens cache onto its row, where the row
        has none yet (``every``: onto every row, after a tokenizer upgrade normalised them anew)."""
        copy = "UPDATE paragraphs SET plain = (SELECT t.plain FROM tokens t WHERE t.key = paragraphs.token_key)"
        self.db.execute(copy if every else copy + " WHERE plain IS NULL")

    def texts_without_tokens(self, version: str) -> list[tuple[str, str]]:
        """(key, text) of stored paragraphs and titles not tokenized by tokenizer ``version``."""
        heads = [(row["head_key"], titles(row["headline"], row["subheadline"], row["kicker"])) for row in self.db.query(
            "SELECT a.head_key, a.headline, a.subheadline, a.kicker FROM articles a "
            "LEFT JOIN tokens t ON t.key = a.head_key AND t.version = ? WHERE t.key IS NULL", [version])]
        paragraphs = self.db.execute(
            "SELECT p.token_key, p.text FROM paragraphs p LEFT JOIN tokens t "
            "ON t.key = p.token_key AND t.version = ? WHERE t.key IS NULL", [version]).fetchall()
        return list(dict([*heads, *paragraphs]).items())

    def prune_tokens(self) -> None:
        """Drop cached tokens that no paragraph and no headline uses any more."""
        self.db.execute(
            "DELETE FROM tokens WHERE key NOT IN (SELECT token_key FROM paragraphs) "
            "AND key NOT IN (SELECT head_key FROM articles)")

    # -- reading -------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return {"articles": self.db["articles"].count, "paragraphs": self.db["paragraphs"].count}

    def articles(self) -> list[dict[str, Any]]:
        """Every article with its paragraph count, in source and page order."""
        return list(self.db.query(
            "SELECT a.*, (SELECT COUNT(*) FROM paragraphs p WHERE p.article_id = a.id) AS paragraph_count "
            "FROM articles a ORDER BY a.date DESC, a.source, a.position"))

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Reads inside see one state of the database, whatever other connections commit meanwhile."""
        self.db.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.db.rollback()

    def state(self) -> str:
        """The name of exactly what the store holds: this database (its id, made once when it was
        created) and its generation, raised in the same transaction as every change of articles or
        paragraphs. Restoring a file gives its paragraphs new row ids, and a new state; a new
        database beside an old index is a new state too."""
        return f"{self.get_meta('store_id')}.{self.get_meta('generation') or 0}"

    def data_version(self) -> int:
        """A number that moves whenever another connection commits (SQLite's data_version): the cheap
        test of whether ``state`` may have moved since it was last read on this connection."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _changed(self) -> None:
        """Count one change of the stored corpus (inside the writer's transaction)."""
        self.db.execute("INSERT INTO meta (key, value) VALUES ('generation', '1') "
                        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    def paragraphs_with_tokens(self, version: str) -> Iterator[tuple[Paragraph, str | None, str | None]]:
        """Every paragraph with its article fields, its cached tokens and its headline's tokens, in
        corpus order."""
        for row in self.db.execute(_PARAGRAPHS_WITH_TOKENS, {"v": version}):
            yield _paragraph(row), row[_FIELDS], row[_FIELDS + 1]

    def index_rows(self, version: str, source_path: str | None = None
                   ) -> Iterator[tuple[int, str, str, str | None, str | None]]:
        """(id, token key, kind, tokens, headline tokens) of every paragraph (or one source's), in corpus order."""
        if source_path is None:
            return self.db.execute(_INDEX_ROWS + _PARAGRAPH_ORDER, {"v": version})
        return self.db.execute(_INDEX_ROWS + " WHERE a.source_path = :path" + _PARAGRAPH_ORDER,
                               {"v": version, "path": source_path})

    def article_rows(self) -> Iterator[tuple[Any, ...]]:
        """(id, headline, subheadline, kind, date, page, section, source, byline) of every article."""
        return self.db.execute("SELECT id, headline, subheadline, kind, date, page, section, source, byline "
                               "FROM articles")

    def paragraph_rows(self) -> Iterator[tuple[Any, ...]]:
        """(id, article id, position, text, normalised text or None) of every paragraph, by id: in
        the table's own order, so reading a million sorts nothing."""
        return self.db.execute("SELECT id, article_id, position, text, plain FROM paragraphs ORDER BY id")

    def paragraphs_by_id(self, ids: list[int]) -> dict[int, tuple[Paragraph, str]]:
        """The paragraphs still stored among ``ids``, each with its text's token key."""
        marks = ",".join("?" * len(ids))
        return {row[0]: (_paragraph(row), row[_FIELDS]) for row in
                self.db.execute(_PARAGRAPHS_BY_ID.format(marks=marks), ids)} if ids else {}

    def article_paragraphs(self, article_ids: list[str], terms: list[str] | None = None,
                           excluding: list[int] | None = None) -> dict[str, tuple[Paragraph, ...]]:
        """The stored paragraphs of these articles, in order (an answer looks past the ranked one),
        but those whose id is in ``excluding``; with ``terms``, only those whose normalised text
        holds one of them."""
        found: dict[str, list[Paragraph]] = {}
        marks = ",".join("?" * len(article_ids))
        holding = _HOLDING.format(terms=" OR ".join(["instr(p.plain, ?) > 0"] * len(terms))) if terms else ""
        if excluding:  # before the join: a row left out is never built (the hits an answer holds: −0.03 ms)
            holding += f" AND p.id NOT IN ({','.join('?' * len(excluding))})"
        sql = _ARTICLE_PARAGRAPHS.format(marks=marks, holding=holding)
        for row in self.db.execute(sql, [*article_ids, *(terms or []), *(excluding or [])]) if article_ids else ():
            found.setdefault(row[1], []).append(_paragraph(row))
        return {article: tuple(paragraphs) for article, paragraphs in found.items()}

    def article_of(self, paragraph_id: int) -> tuple[Paragraph, ...]:
        """Every paragraph of the article holding paragraph ``paragraph_id``, in order (none if gone)."""
        return tuple(_paragraph(row) for row in self.db.execute(_ARTICLE_OF, [paragraph_id]))

    def days(self) -> list[str]:
        """The days (ISO) of the papers stored, oldest first."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT substr(date, 1, 10) FROM articles WHERE date IS NOT NULL AND date != '' "
            "AND kind IN ('news', 'commentary') ORDER BY 1")]

    def headlines(self, day: str | None) -> list[Headline]:
        """The news and commentary of one day's paper (of the undated pages for None), in page order."""
        if day is None:
            rows = self.db.execute(_HEADLINES.format(day="(a.date IS NULL OR a.date = '')"))
        else:  # a range on the indexed date, not substr(): a day's paper without reading every article
            rows = self.db.execute(_HEADLINES.format(day="a.date >= ? AND a.date <= ?"), [day, day + "~"])
        return [Headline(*row[:5], paragraph_id=row[5]) for row in rows]

    def facts(self, newest: int) -> CorpusFacts:
        """The kinds of item stored, the number of articles, and (headline, date) of the newest
        ``newest`` news and commentary articles (newest date first, then page order)."""
        kinds = frozenset(row[0] for row in self.db.execute("SELECT DISTINCT kind FROM articles"))
        total = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        latest = tuple((row[0], row[1]) for row in self.db.execute(
            "SELECT headline, date FROM articles WHERE kind IN ('news', 'commentary') "
            "ORDER BY COALESCE(date, '') DESC, source, position LIMIT ?", [newest]))
        return CorpusFacts(kinds, total, latest)

    # -- meta and question log -------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = list(self.db.query("SELECT value FROM meta WHERE key = ?", [key]))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    def log_questions(self, rows: list[dict[str, Any]]) -> None:
        """Append question-log rows: asked_at, text, answered, top_article."""
        with self.db.atomic():
            self.db["questions"].insert_all(rows)

    def question_stats(self, since: str, latest: int) -> QuestionStats:
        """Questions asked since ``since`` (an ISO time) and in all, and the ``latest`` unanswered ones."""
        total, unanswered = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(answered = 0), 0) FROM questions").fetchone()
        today = self.db.execute("SELECT COUNT(*) FROM questions WHERE asked_at >= ?", [since]).fetchone()[0]
        missed = tuple(row["text"] for row in self.db.query(
            "SELECT text FROM questions WHERE answered = 0 ORDER BY id DESC LIMIT ?", [latest]))
        return QuestionStats(today=today, total=total, unanswered=unanswered, missed=missed)

    # -- followers and feedback ----------------------------------------------------------------
    def subscribe(self, chat_id: int) -> bool:
        """Add a subscriber; False if it was one already."""
        if self.db["subscribers"].count_where("chat_id = ?", [chat_id]):
            return False
        self.db["subscribers"].insert({"chat_id": chat_id, "since": now()})
        return True

    def unsubscribe(self, chat_id: int) -> bool:
        """Remove a subscriber; False if it was none."""
        found = bool(self.db["subscribers"].count_where("chat_id = ?", [chat_id]))
        self.db["subscribers"].delete_where("chat_id = ?", [chat_id])
        return found

    def subscribers(self) -> list[int]:
        return [row[0] for row in self.db.execute("SELECT chat_id FROM subscribers ORDER BY since, chat_id")]

    def digest_days(self) -> set[str]:
        """The days whose headlines were sent (or were already in when following began)."""
        return {row[0] for row in self.db.execute("SELECT day FROM digests")}

    def mark_digests(self, days: Iterable[str], chats: int) -> None:
        self.db["digests"].upsert_all([{"day": day, "sent_at": now(), "chats": chats} for day in days], pk="day")

    def headlines_of(self, article_ids: list[str]) -> dict[str, str]:
        """The headlines of these articles that are still stored."""
        marks = ",".join("?" * len(article_ids))
        return dict(self.db.execute(f"SELECT id, headline FROM articles WHERE id IN ({marks})",
                                    article_ids)) if article_ids else {}

    def add_vote(self, vote: Vote) -> bool:
        """Record a 👍/👎; a user's second vote on the same answer replaces the first. False if the
        vote was already recorded as it is."""
        shown = ",".join(vote.shown)
        existing = list(self.db.execute("SELECT id, vote FROM feedback WHERE user_hash = ? AND question = ? "
                                        "AND shown = ?", [vote.user_hash, vote.question, shown]))
        if existing and existing[0][1] == vote.vote:
            return False
        row = {"at": now(), "user_hash": vote.user_hash, "question": vote.question[:1000], "shown": shown,
               "vote": vote.vote}
        with self.db.atomic():
            if existing:
                self.db["feedback"].update(existing[0][0], row)
            else:
                self.db["feedback"].insert(row)
        return True

    def votes(self, since: str = "", vote: int | None = None, latest: int | None = None) -> list[Vote]:
        """Votes since ``since`` (ISO time), of one kind if ``vote`` is given, newest first."""
        sql = "SELECT question, shown, vote, user_hash, at FROM feedback WHERE at >= ?"
        args: list[Any] = [since]
        if vote is not None:
            sql, args = sql + " AND vote = ?", [*args, vote]
        sql += " ORDER BY id DESC" + (" LIMIT ?" if latest is not None else "")
        rows = self.db.execute(sql, [*args, latest] if latest is not None else args)
        return [Vote(question, tuple(filter(None, shown.split(","))), value, user_hash, at)
                for question, shown, value, user_hash, at in rows]
