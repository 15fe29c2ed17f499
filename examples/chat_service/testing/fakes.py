"""Test doubles. This module has its *own* ``UserExecutionContext``, a loose stand-in that
takes any keyword: calls to it are not calls to the contracted class and are never flagged."""

from __future__ import annotations

from typing import Any


class UserExecutionContext:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def make_fake_context() -> UserExecutionContext:
    return UserExecutionContext(user="test", websocket_connection_id="legacy", anything=1)
