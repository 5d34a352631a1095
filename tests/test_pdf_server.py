"""One PDF fork server for a whole gunicorn server: started by the master before its workers fork, used by every
worker (a fork of the master), and replaced in a worker whose inherited server has gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import traceback
from multiprocessing import forkserver
from pathlib import Path

from casework import pdf, pdf_server


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def render_in_a_fork(before=None) -> dict:
    """Fork this process (as gunicorn forks a worker from its master), make one document in the fork with a
    renderer from its fork server, and return what the fork saw.

    An earlier test of this process may have left a renderer being started in the background (casework.pdf):
    forked in the middle of its exchange with the fork server, the child would inherit it half done, which no
    gunicorn worker does (the master makes no document). So the fork waits for those threads to end."""
    for thread in threading.enumerate():
        if thread.name.startswith(pdf.BACKGROUND):
            thread.join(60)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the "worker": report, then leave without running anything of the test process
        code = 1
        try:
            os.close(read)
            if before is not None:
                before()
            process, connection = pdf._start_renderer(0, 10, None)
            connection.send_bytes(pdf._dumps(pdf._Job(html="<p>Made in a worker</p>")))
            status, _, _ = connection.recv()
            data = connection.recv_bytes() if status == "ok" else b""
            report = {
                "status": status,
                "pdf": data[:5].decode("latin-1"),
                "server": pdf_server.server_pid(),
                "renderer_parent": parent_of(process.pid),
            }
            process.join(30)
            os.write(write, json.dumps(report).encode())
            code = 0
        except BaseException:  # what went wrong, for the assertion below
            os.write(write, json.dumps({"error": traceback.format_exc()}).encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as answers:
        answer = answers.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"the fork failed: {answer.decode(errors='replace')}"
    return json.loads(answer)


def test_a_fork_makes_its_documents_with_the_server_it_inherited():
    shared = pdf_server.start_now()
    assert shared is not None and pdf_server.start_now() == shared, "started once"
    assert os.getpriority(os.PRIO_PROCESS, shared) >= 10, "below the workers from its start"
    seen = render_in_a_fork()
    assert seen["status"] == "ok" and seen["pdf"] == "%PDF-"
    assert seen["server"] == shared, "no server of its own"
    assert seen["renderer_parent"] == shared, "its renderer was forked from the shared server"


def test_a_fork_whose_inherited_server_has_gone_starts_its_own():
    shared = pdf_server.start_now()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # a process id that no longer runs, as an inherited server that has gone

    def gone() -> None:
        forkserver._forkserver._forkserver_pid = ended.pid

    seen = render_in_a_fork(before=gone)
    assert seen["status"] == "ok" and seen["pdf"] == "%PDF-"
    assert seen["server"] not in (None, shared, ended.pid), "a server of its own"
    assert seen["renderer_parent"] == seen["server"]
    assert pdf_server.server_pid() == shared, "this process's server is untouched"


def test_a_running_process_that_is_not_a_child_counts_as_running(tmp_path):
    assert pdf_server._running(os.getppid())
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert not pdf_server._running(ended.pid)
    assert not pdf_server._running(None)
