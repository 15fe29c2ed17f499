"""Sends user-facing notifications through whichever manager is configured."""

from __future__ import annotations

from typing import Any, Dict

from chat_service.ws.protocols import WebSocketManagerProtocol


class WebSocketNotifier:
    """Created per user context by :meth:`create_for_user`."""

    def __init__(self, manager: WebSocketManagerProtocol, user_id: str) -> None:
        self.manager = manager
        self.user_id = user_id

    @classmethod
    def create_for_user(cls, manager: WebSocketManagerProtocol, user_id: str) -> "WebSocketNotifier":
        return cls(manager, user_id)

    async def notify(self, kind: str, payload: Dict[str, Any]) -> None:
        await self.manager.send_to_user(self.user_id, {"kind": kind, **payload})
