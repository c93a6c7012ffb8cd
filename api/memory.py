"""A server worker's resident memory: fewer malloc arenas, start-up garbage given back.

glibc's malloc gives each thread that allocates its own arena (up to 8 per core), and the
thread pool of a worker runs up to 40 threads: each arena keeps its freed pages, so RSS
grows with the number of threads that ever ran, not with what is live. Two arenas are
plenty for a process whose Python code holds the GIL anyway. After start-up (imports,
migrations, keys), the freed heap is handed back to the system and what survived is frozen
out of the garbage collector: those ~200,000 objects (modules, schemas, templates, keys)
live as long as the process, yet every full collection would walk them, ≈ 100 ms with the
GIL held, a pause in the middle of whatever requests were running. The arena and trim calls
are no-ops where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

__all__ = ["limit_arenas", "trim"]

_M_ARENA_MAX = -8  # mallopt parameter of glibc's malloc.h


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_arenas(arenas: int = 2) -> None:
    """Let malloc make at most ``arenas`` arenas from now on (call before threads start)."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, arenas)


def trim() -> None:
    """Collect the start-up's garbage, give the freed heap back to the system and freeze
    the survivors (``gc.freeze``): later collections only walk what was made after."""
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
    gc.freeze()
