"""Named errors of the retrieval package."""

from __future__ import annotations

from dataclasses import dataclass


class RetrievalError(Exception):
    """Base class of every error this package raises on purpose."""


class BadInput(RetrievalError):
    """A source file cannot be read as a page or as JSON Lines."""


class StoreError(RetrievalError):
    """The SQLite store cannot be opened or written."""


class EmptyCorpus(RetrievalError):
    """There is nothing to search: the store holds no paragraphs."""


@dataclass(frozen=True)
class BadLine:
    """One JSON Lines record (or one article of a file) that was skipped, with the reason."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"
