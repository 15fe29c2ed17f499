"""Factories that build execution contexts; they forward keyword arguments to the
constructor, so the constructor's contract applies to their callers too."""

from __future__ import annotations

from typing import Any

from .context import UserExecutionContext


def create_user_context(user_id: str, thread_id: str, **kwargs: Any) -> UserExecutionContext:
    """Build a context for a new run of ``user_id`` in ``thread_id``."""
    from .ids import new_run_id

    return UserExecutionContext(user_id=user_id, thread_id=thread_id, run_id=new_run_id(), **kwargs)
