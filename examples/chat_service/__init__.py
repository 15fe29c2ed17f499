"""chat_service: a small async chat/agent backend, the example contract-lsp checks.

The package re-exports its request context so that handlers can write
``from chat_service import UserExecutionContext``.
"""

from .context import UserExecutionContext
from .factory import create_user_context

__all__ = ["UserExecutionContext", "create_user_context"]
