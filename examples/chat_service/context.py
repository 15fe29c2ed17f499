"""The per-request execution context that isolates one user's agent run.

History: the constructor's ``websocket_connection_id`` parameter was renamed
``websocket_client_id`` during the factory migration; the old name is still accepted by the
contract (deprecated) but ``connection_id``, older still, is not.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional


class UserExecutionContext:
    """Everything an agent run needs to know about the user it runs for."""

    def __init__(
        self,
        user_id: str,
        thread_id: str,
        run_id: str,
        websocket_client_id: Optional[str] = None,
        db_session: Any = None,
        request_id: Optional[str] = None,
    ) -> None:
        if not user_id:
            raise ValueError("user_id must not be empty")
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id
        self.websocket_client_id = websocket_client_id
        self.db_session = db_session
        self.request_id = request_id or uuid.uuid4().hex

    @property
    def websocket_connection_id(self) -> Optional[str]:
        """Old attribute name, kept for readers; constructors must use websocket_client_id."""
        return self.websocket_client_id

    def child(self, run_id: str) -> "UserExecutionContext":
        """A context for a sub-run of the same user and thread."""
        return UserExecutionContext(
            user_id=self.user_id,
            thread_id=self.thread_id,
            run_id=run_id,
            websocket_client_id=self.websocket_client_id,
            db_session=self.db_session,
        )

    def __repr__(self) -> str:
        return f"UserExecutionContext(user_id={self.user_id!r}, run_id={self.run_id!r})"
