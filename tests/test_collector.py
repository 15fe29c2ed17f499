"""The server's pause of the cyclic collector: back on only when the last check ends."""

from __future__ import annotations

import gc

from contract_lsp.server.collector import no_cyclic_gc


def test_collector_resumes_after_the_last_of_interleaved_blocks():
    assert gc.isenabled()
    first, second = no_cyclic_gc(), no_cyclic_gc()
    first.__enter__()
    second.__enter__()  # a sweep's coroutine resumes while a document check is running
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_collector_resumes_when_the_check_raises():
    try:
        with no_cyclic_gc():
            assert not gc.isenabled()
            raise SyntaxError("mid-typing")
    except SyntaxError:
        pass
    assert gc.isenabled()
