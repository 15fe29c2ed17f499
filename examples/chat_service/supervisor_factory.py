"""Creates the WebSocket-scoped supervisor for one incoming agent message.

This is where the outage happened: the context was built with a keyword the constructor
no longer accepted, and the catch-all handler reported only "Failed to create
WebSocket-scoped supervisor: name".
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


class WebSocketContext:
    """What the WebSocket layer knows about the message being handled."""

    def __init__(self, user_id: str, thread_id: str, run_id: str, connection_id: str) -> None:
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id
        self.connection_id = connection_id


async def get_websocket_scoped_supervisor(context: WebSocketContext, db_session: Any) -> Any:
    """Build the supervisor for one WebSocket message."""
    # Imported here to avoid an import cycle between the supervisor and the context module.
    from chat_service.context import UserExecutionContext

    try:
        user_context = UserExecutionContext(
            user_id=context.user_id,
            thread_id=context.thread_id,
            run_id=context.run_id,
            connection_id=context.connection_id,
            db_session=db_session,
        )
    except Exception as exc:  # the catch-all that hid the real error
        logger.error("Failed to create WebSocket-scoped supervisor: %s", exc)
        raise
    return {"context": user_context}
