"""WebSocket managers: one protocol, several implementations."""
