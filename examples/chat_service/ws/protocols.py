"""The interface every WebSocket manager implements.

An incident: IsolatedWebSocketManager lacked ``get_connection_id_by_websocket`` and agent
execution failed with AttributeError at run time. The contract in
``contracts/websocket.yaml`` lists the methods; contract-lsp checks every manager.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Protocol, Set


class WebSocketManagerProtocol(Protocol):
    """What the agent handler and the bridge may call on any WebSocket manager."""

    async def add_connection(self, connection: Any) -> None: ...

    async def remove_connection(self, connection_id: str) -> None: ...

    def get_user_connections(self, user_id: str) -> Set[str]: ...

    def get_connection_id_by_websocket(self, websocket: Any) -> Optional[str]: ...

    def update_connection_thread(self, connection_id: str, thread_id: str) -> bool: ...

    async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> None: ...
