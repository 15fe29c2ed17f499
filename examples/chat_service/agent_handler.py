"""Handles agent messages arriving over a WebSocket."""

from __future__ import annotations

from typing import Any, Dict

from chat_service.context import UserExecutionContext as ExecCtx
from chat_service.ws.protocols import WebSocketManagerProtocol


class AgentHandler:
    def __init__(self, manager: WebSocketManagerProtocol) -> None:
        self.manager = manager

    async def handle_message(self, user_id: str, websocket: Any, message: Dict[str, Any]) -> None:
        connection_id = self.manager.get_connection_id_by_websocket(websocket)
        context = ExecCtx(
            user_id=user_id,
            thread_id=message["thread_id"],
            run_id=message["run_id"],
            websocket_connection_id=connection_id,
        )
        await self.manager.send_to_user(context.user_id, {"type": "agent_started", "run": context.run_id})
