"""Who follows the paper, and which days' headlines they were sent: each new day once.

Kept in the store's SQLite file (``subscribers``, ``digests``); a chat id is kept only while its
chat is subscribed, since sending needs it.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.store import Store

from .connection import SharedStore

STARTED = "digests_started"  # meta key: days already in when following began are never announced


class Following:
    """Subscribers and announced days, on one connection used by one thread at a time."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path
        self._shared = SharedStore(db_path)

    def subscribe(self, chat_id: int) -> bool:
        """Follow the paper; False if the chat already did."""
        return self._shared.using(lambda store: store.subscribe(chat_id))

    def unsubscribe(self, chat_id: int) -> bool:
        """Stop following; False if the chat did not follow."""
        return self._shared.using(lambda store: store.unsubscribe(chat_id))

    def chats(self) -> list[int]:
        return self._shared.using(lambda store: store.subscribers())

    def new_days(self, days: list[str]) -> list[str]:
        """The days among ``days`` not announced yet, oldest first. The first time (a new database,
        or one from before following existed) the days already in are recorded, not announced."""
        def read(store: Store) -> list[str]:
            if store.get_meta(STARTED) is None:
                store.mark_digests(days, chats=0)
                store.set_meta(STARTED, "1")
                return []
            return sorted(set(days) - store.digest_days())
        return self._shared.using(read)

    def mark(self, days: list[str], chats: int) -> None:
        """Record ``days`` as announced (before sending: a day is never announced twice)."""
        self._shared.using(lambda store: store.mark_digests(days, chats))

    def close(self) -> None:
        self._shared.close()
