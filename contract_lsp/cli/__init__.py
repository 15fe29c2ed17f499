"""The command line (SPEC §4). ``main`` keeps the ``--check`` path's imports lean: the
language server's (pygls, lsprotocol) are imported only when the server runs."""
