"""Bridges agent events to the user's WebSockets."""

from __future__ import annotations

from typing import Any, Dict

import chat_service.context as ctx_module
from chat_service.ws.protocols import WebSocketManagerProtocol


class AgentWebSocketBridge:
    def __init__(self, manager: WebSocketManagerProtocol) -> None:
        self._manager = manager

    async def emit(self, user_id: str, event: str, data: Dict[str, Any]) -> None:
        await self._manager.send_to_user(user_id, {"event": event, **data})

    def context_for_replay(self, user_id: str, run_id: str) -> "ctx_module.UserExecutionContext":
        # thread_id forgotten: replays used to crash at run time
        return ctx_module.UserExecutionContext(user_id=user_id, run_id=run_id)
