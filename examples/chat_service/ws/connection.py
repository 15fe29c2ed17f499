"""A live WebSocket connection and what we know about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class WebSocketConnection:
    connection_id: str
    user_id: str
    websocket: Any
    thread_id: Optional[str] = None
    sent: list = field(default_factory=list)

    async def send_json(self, message: dict) -> None:
        self.sent.append(message)
