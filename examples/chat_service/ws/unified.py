"""The original, process-wide manager. It predates the protocol and does not subclass it;
the contract lists it under ``implementations`` so it is held to the same interface."""

from __future__ import annotations

from typing import Any, Dict, Set

from .connection import WebSocketConnection


class UnifiedWebSocketManager:
    """Tracks every connection of every user in one process."""

    def __init__(self) -> None:
        self._connections: Dict[str, WebSocketConnection] = {}
        self._by_user: Dict[str, Set[str]] = {}

    async def add_connection(self, connection: WebSocketConnection) -> None:
        self._connections[connection.connection_id] = connection
        self._by_user.setdefault(connection.user_id, set()).add(connection.connection_id)

    async def remove_connection(self, connection_id: str) -> None:
        connection = self._connections.pop(connection_id, None)
        if connection is not None:
            self._by_user.get(connection.user_id, set()).discard(connection_id)

    def get_user_connections(self, user_id: str) -> Set[str]:
        return set(self._by_user.get(user_id, ()))

    async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> None:
        for connection_id in self.get_user_connections(user_id):
            await self._connections[connection_id].send_json(message)
