"""The PDF fork server: one process that has loaded and warmed WeasyPrint (casework.pdf_warm), from which every
renderer is forked (casework.pdf).

Under gunicorn the master starts it before it forks its workers (gunicorn.conf.py), and the workers share it:
WeasyPrint is loaded once for the whole server, not once per worker, nor again for every worker that replaces
a recycled one. A forked worker inherits multiprocessing's record of the server (its address, the pipe that
keeps it alive), but multiprocessing checks that the server still runs by waiting for it as a child, which
fails in a worker (the master started it): `ensure_running` below checks an inherited server by its process
instead, and a worker whose inherited server has gone starts one of its own, as any other process does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

PRELOAD = ["casework.pdf_warm"]
_installing = threading.Lock()
_installed = False


def context() -> ForkServerContext:
    """The multiprocessing context renderers start in: forked from the fork server, never from a process whose
    other threads may hold locks (the threaded development server, gunicorn's gthread workers)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    _share_inherited_server()
    return ctx


def start_now(niceness: int = 10) -> int | None:
    """Start the fork server now, from this process (the gunicorn master, before its workers fork, so that they
    all use it); returns its process id. It loads WeasyPrint in the background, at `niceness`, below the
    workers: set here at once, as its first imports (the `casework` package) come before pdf_warm sets it."""
    context()
    _server().ensure_running()
    pid = server_pid()
    if pid is not None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, max(niceness, os.getpriority(os.PRIO_PROCESS, pid)))
    return pid


def server_pid() -> int | None:
    """The process id of the fork server this process uses (started here or inherited), if any."""
    return _server()._forkserver_pid


def _server() -> Any:
    """multiprocessing's record of this process's fork server (its private attributes are read here)."""
    return forkserver._forkserver


def _share_inherited_server() -> None:
    """Let this process use a fork server started by the process it was forked from (once per process tree)."""
    global _installed
    with _installing:
        if _installed:
            return
        server = _server()
        started_by_multiprocessing = server.ensure_running  # the method, bound to multiprocessing's server

        def ensure_running() -> None:
            try:
                started_by_multiprocessing()
            except ChildProcessError:
                # The server is not this process's child: the process this one was forked from started it.
                if _running(server._forkserver_pid):
                    return
                _forget(server)
                started_by_multiprocessing()  # it has gone: this process starts its own

        server.ensure_running = ensure_running
        _installed = True


def _running(pid: int | None) -> bool:
    """Whether a process that is not this one's child still runs (a dead one not yet reaped does not)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # on Linux, a zombie still answers kill(0): read its state
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _forget(server) -> None:
    """Drop this process's record of an inherited server that has gone."""
    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
