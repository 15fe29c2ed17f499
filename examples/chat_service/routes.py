"""HTTP routes. They build contexts through the package's re-export, correctly."""

from __future__ import annotations

from typing import Any, Dict

from chat_service import UserExecutionContext, create_user_context


def start_run(payload: Dict[str, Any]) -> UserExecutionContext:
    return UserExecutionContext(
        user_id=payload["user_id"],
        thread_id=payload["thread_id"],
        run_id=payload["run_id"],
        websocket_client_id=payload.get("client_id"),
    )


def resume_run(payload: Dict[str, Any]) -> UserExecutionContext:
    return create_user_context(payload["user_id"], payload["thread_id"], websocket_client_id=payload.get("client_id"))


def debug_run(payload: Dict[str, Any]) -> UserExecutionContext:
    return create_user_context(payload["user_id"], payload["thread_id"], user_idd=payload["user_id"])
