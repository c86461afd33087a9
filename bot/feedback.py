"""👍/👎 on answers: who voted is kept only as a keyed hash, with the key in a file beside the
database (never in it), so the votes say nothing about who cast them even to someone holding the
database; one vote per user and answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval.models import Answer, Vote
from retrieval.store import Store

from .connection import SharedStore

WEEK = timedelta(days=7)


def key_path(db_path: str | Path) -> Path:
    """Where the hashing key lives: beside the database, not in it."""
    return Path(f"{db_path}.feedback-key")


class Feedback:
    """Votes, stored through one connection used by one thread at a time."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path
        self._shared = SharedStore(db_path)
        self._key: bytes | None = None

    def vote(self, user_id: int, answer: Answer, up: bool) -> bool:
        """Record a user's vote on an answer (the question and the articles shown); False when the
        same vote was recorded before."""
        shown = tuple(hit.paragraph.article_id for hit in answer.passages)
        return self._shared.using(lambda store: store.add_vote(
            Vote(answer.question, shown, 1 if up else -1, self._user_hash(user_id))))

    def week(self, latest: int = 5) -> tuple[list[Vote], list[tuple[str, tuple[str, ...]]]]:
        """This week's votes, and the latest disliked questions with the headlines they were shown."""
        since = (datetime.now(UTC) - WEEK).isoformat(timespec="seconds")

        def read(store: Store) -> tuple[list[Vote], list[tuple[str, tuple[str, ...]]]]:
            disliked = store.votes(vote=-1, latest=latest)
            headlines = store.headlines_of([article for vote in disliked for article in vote.shown])
            return store.votes(since), [(v.question, tuple(headlines.get(a, a) for a in v.shown)) for v in disliked]
        return self._shared.using(read)

    def export(self, path: str | Path) -> int:
        """Write every voted question as a line of ``newsbot eval``'s format; returns how many.

        A 👍 answer becomes a labelled question (its first article is right); a 👎 one a question
        to label: ``"article": []`` counts as a miss until someone fills in the right article (or
        sets ``"none": true``), with the articles it was shown beside it.
        """
        votes = self._shared.using(lambda store: store.votes())
        lines = []
        for vote in reversed(votes):  # oldest first, as they were cast
            record: dict[str, object] = {"question": vote.question, "feedback": "up" if vote.vote > 0 else "down",
                                         "shown": list(vote.shown), "at": vote.at}
            record["article"] = list(vote.shown[:1]) if vote.vote > 0 else []
            lines.append(json.dumps(record, ensure_ascii=False))
        Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(lines)

    def close(self) -> None:
        self._shared.close()

    def _user_hash(self, user_id: int) -> str:
        """A keyed hash of the user (the caller holds the lock)."""
        if self._key is None:
            self._key = _key(key_path(self.db_path))
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


def _key(path: Path) -> bytes:
    """The key in ``path``, made there on first use, readable by its owner only. Written whole
    under another name and linked into place, so two processes never see a half-written key or
    end up with two keys."""
    if not path.exists():
        spare = path.with_name(f"{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_bytes(32).hex())
        try:
            os.link(spare, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            spare.unlink()
    return bytes.fromhex(path.read_text("ascii").strip())
