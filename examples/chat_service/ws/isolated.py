"""A manager per user execution context, so that one user's events never reach another."""

from __future__ import annotations

from typing import Any, Dict, Optional, Set

from .connection import WebSocketConnection
from .protocols import WebSocketManagerProtocol


class IsolatedWebSocketManager(WebSocketManagerProtocol):
    """Holds only the connections of one user."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self._connections: Dict[str, WebSocketConnection] = {}

    async def add_connection(self, connection: WebSocketConnection) -> None:
        if connection.user_id != self.user_id:
            raise PermissionError("connection belongs to another user")
        self._connections[connection.connection_id] = connection

    async def remove_connection(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    def get_user_connections(self, user_id: str) -> Set[str]:
        return set(self._connections) if user_id == self.user_id else set()

    def get_connection_id_by_websocket(self, websocket: Any) -> Optional[str]:
        for connection_id, connection in self._connections.items():
            if connection.websocket is websocket:
                return connection_id
        return None

    async def update_connection_thread(self, connection_id: str, thread_id: str) -> bool:
        connection = self._connections.get(connection_id)
        if connection is None:
            return False
        connection.thread_id = thread_id
        return True

    async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> None:
        if user_id != self.user_id:
            return
        for connection in self._connections.values():
            await connection.send_json(message)
