"""Service configuration, read once from the environment at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of one deployment of the chat service."""

    environment: str = "development"
    max_connections_per_user: int = 5
    heartbeat_seconds: float = 30.0
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls) -> "ServiceConfig":
        origins = tuple(o for o in os.environ.get("CHAT_ALLOWED_ORIGINS", "").split(",") if o)
        return cls(
            environment=os.environ.get("CHAT_ENV", "development"),
            max_connections_per_user=int(os.environ.get("CHAT_MAX_CONNECTIONS", "5")),
            heartbeat_seconds=float(os.environ.get("CHAT_HEARTBEAT", "30")),
            allowed_origins=origins,
        )
