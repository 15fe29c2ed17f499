"""The rules of SPEC §3: one module per family (calls, protocols, drift)."""
