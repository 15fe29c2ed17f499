"""A tiny stand-in for the database session layer."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator


class Session:
    """A unit of work; commits on success, rolls back on error."""

    def __init__(self) -> None:
        self.pending: list[Any] = []
        self.committed: list[Any] = []

    def add(self, item: Any) -> None:
        self.pending.append(item)

    def commit(self) -> None:
        self.committed.extend(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


@contextlib.contextmanager
def session_scope() -> Iterator[Session]:
    session = Session()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
