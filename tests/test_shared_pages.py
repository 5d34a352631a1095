"""Pages kept for the server's other workers (casework.shared_pages): a page one worker made is served by
another under the same stamps, never after a write moved them, sealed so that its file says nothing, and a
folder that cannot be used costs only the sharing."""

import errno
import logging
import os
import re
import shutil
import stat
import time
from datetime import date, datetime

import pytest

from casework import shared_pages
from casework.models import Role
from tests.conftest import statements_sent, templates_made

SESSION_COOKIE = "session"


def page(client, path: str = "/people") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_csrf(html: str) -> str:
    return re.sub(r'(name="csrf_token" type="hidden" value=")[^"]+', r"\1", html)


def forget_this_workers_pages(app) -> None:
    """As a worker that has not kept the page: only the shared copy can spare making it."""
    app.extensions.pop("kept_pages.people_list", None)
    app.extensions.pop("kept_pages.deadlines", None)


def folder(app):
    return shared_pages.shared_pages(app).folder


def test_a_page_one_worker_made_is_served_by_another(app, another_app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    first = page(staff)
    other = another_app({}).test_client()  # a worker of its own: nothing kept in its memory
    cookie_name = app.config.get("SESSION_COOKIE_NAME", SESSION_COOKIE)
    other.set_cookie(cookie_name, staff.client.get_cookie(cookie_name).value)
    with (
        templates_made(other.application, "people/_list.html") as made,
        statements_sent(other.application) as sent,
    ):
        second = page(other)
    assert made == [], "the page came from the shared copy"
    assert not any("FROM person" in s for s in sent)
    assert "Sokha Chhim" in second and without_csrf(first) == without_csrf(second)


def test_a_shared_page_is_made_afresh_once_a_write_moves_its_stamps(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    assert "Sokha Chhim" in page(staff)
    make_person(legal_name="Vanna Keo")
    forget_this_workers_pages(app)
    with templates_made(app, "people/_list.html") as made:
        html = page(staff)
    assert len(made) == 1 and "Vanna Keo" in html and "Sokha Chhim" in html


def test_the_shared_copy_serves_whats_due_and_the_dashboard(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    due, dashboard = page(staff, "/due"), page(staff, "/dashboard")
    forget_this_workers_pages(app)
    with templates_made(app, "deadlines/due.html") as due_made:
        again_due = page(staff, "/due")
    with templates_made(app, "deadlines/dashboard.html") as dashboard_made:
        again_dashboard = page(staff, "/dashboard")
    assert due_made == [] and dashboard_made == []
    assert without_csrf(due) == without_csrf(again_due)
    assert without_csrf(dashboard) == without_csrf(again_dashboard)


def test_pages_are_shared_by_user_never_between_users(app, login_as, make_person):
    make_person(legal_name="Sokha Chhim")
    first, second = login_as("staff", name="Dara First"), login_as("staff", name="Lina Second")
    page(first)
    forget_this_workers_pages(app)
    with templates_made(app, "people/_list.html") as made:
        page(second)
    assert len(made) == 1, "made for the second user, not taken from the first's"


def test_the_files_are_sealed_private_and_say_nothing(app, login_as, make_person):
    staff = login_as("staff", email="dara.first@example.org")
    make_person(legal_name="Sokha Chhim", a_number="A123456789")
    page(staff)
    page(staff, "/due")
    files = sorted(folder(app).iterdir())
    assert files, "the pages were shared"
    assert stat.S_IMODE(os.stat(folder(app)).st_mode) == 0o700
    for path in files:
        assert re.fullmatch(r"[0-9a-f]{64}\.page", path.name), path.name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        content = path.read_bytes()
        for secret in (b"Sokha", b"123456789", b"dara.first", b"people"):
            assert secret not in content


def test_a_changed_file_is_refused_and_the_page_made_afresh(app, login_as, make_person, caplog):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    page(staff)
    for path in folder(app).iterdir():
        sealed = bytearray(path.read_bytes())
        sealed[-1] ^= 1
        path.write_bytes(bytes(sealed))
    forget_this_workers_pages(app)
    logged = caplog.at_level(logging.WARNING, logger="casework.shared_pages")
    with logged, templates_made(app, "people/_list.html") as made:
        assert "Sokha Chhim" in page(staff)
    assert len(made) == 1
    assert "does not open with this server's key" in caplog.text


def test_a_folder_that_cannot_be_used_costs_only_the_sharing(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    store = shared_pages.SharedPages(blocked / "pages", "secret", limit=10, max_age=60)
    with caplog.at_level(logging.WARNING, logger="casework.shared_pages"):
        store.put("people_list", (1, ("key",)), [1, 2], ["<p>page</p>"])
        assert store.get("people_list", (1, ("key",)), [1, 2]) is None
        store.put("people_list", (1, ("key",)), [1, 2], ["<p>page</p>"])
    assert caplog.text.count("shared kept pages (folder)") == 1, "said once"


def test_a_folder_others_can_reach_is_not_used(tmp_path, caplog):
    shared = tmp_path / "open"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)  # noqa: S103 (the folder under test is meant to be open)
    store = shared_pages.SharedPages(shared, "secret", limit=10, max_age=60)
    with caplog.at_level(logging.WARNING, logger="casework.shared_pages"):
        store.put("people_list", ("key",), [1], ["<p>page</p>"])
    assert list(shared.iterdir()) == []
    assert "is not a private folder of this account" in caplog.text


def test_the_list_is_served_when_the_folder_is_gone(app, login_as, make_person, monkeypatch, tmp_path):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setitem(app.extensions, "shared_pages", shared_pages.SharedPages(blocked, "s", 10, 60))
    assert "Sokha Chhim" in page(staff)
    forget_this_workers_pages(app)
    assert "Sokha Chhim" in page(staff)


def test_a_page_is_shared_under_its_own_stamps_only(tmp_path):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=10, max_age=60)
    store.put("people_list", (7, ("q", "Sokha")), [1, 2], ["<p>a</p>", "<p>b</p>"])
    assert store.get("people_list", (7, ("q", "Sokha")), [1, 2]) == ("<p>a</p>", "<p>b</p>")
    assert store.get("people_list", (7, ("q", "Sokha")), [1, 3]) is None
    assert store.get("people_list", (7, ("q", "Sokh")), [1, 2]) is None
    assert store.get("deadlines", (7, ("q", "Sokha")), [1, 2]) is None
    other_server = shared_pages.SharedPages(tmp_path / "pages", "another secret", limit=10, max_age=60)
    assert other_server.get("people_list", (7, ("q", "Sokha")), [1, 2]) is None
    other_database = shared_pages.SharedPages(tmp_path / "pages", "secret", 10, 60, database="sqlite:///b")
    assert other_database.get("people_list", (7, ("q", "Sokha")), [1, 2]) is None


def test_keys_tell_apart_what_differs_and_refuse_what_cannot_be_told():
    canonical = shared_pages.canonical
    assert len({repr(canonical(v)) for v in (1, "1", True, None, 2)}) == 5
    assert canonical(date(2026, 1, 2)) != canonical(datetime(2026, 1, 2))
    assert canonical(Role.STAFF) != canonical(Role.STAFF.value)
    assert canonical((1, ("a", None))) == [1, ["a", None]]
    with pytest.raises(shared_pages.NotShareable):
        canonical((1, object()))
    with pytest.raises(shared_pages.NotShareable):
        canonical(1.5)


def test_a_key_that_cannot_be_told_is_not_shared(tmp_path):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=10, max_age=60)
    store.put("people_list", (object(),), [1], ["<p>a</p>"])
    assert not (tmp_path / "pages").exists() or list((tmp_path / "pages").iterdir()) == []


def test_the_sweep_removes_pages_unused_and_the_oldest_beyond_the_limit(tmp_path):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=3, max_age=600)
    for n in range(6):
        store.put("people_list", (n,), [1], [f"<p>{n}</p>"])
    paths = {n: store.folder / store._name("people_list", (n,)) for n in range(6)}
    now = time.time()
    os.utime(paths[0], (now - 3600, now - 3600))  # unused for an hour
    for n in range(1, 6):
        os.utime(paths[n], (now - 60 + n, now - 60 + n))
    leftover = store.folder / ".half-written.tmp"
    leftover.write_bytes(b"x")
    os.utime(leftover, (now - 3600, now - 3600))
    assert store.get("people_list", (1,), [1]) == ("<p>1</p>",)  # read now: the newest of all

    assert store.sweep() == 4
    assert sorted(p.name for p in store.folder.iterdir()) == sorted(paths[n].name for n in (1, 4, 5))


def test_a_folder_removed_while_serving_is_made_again(tmp_path):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=10, max_age=60)
    store.put("people_list", ("key",), [1], ["<p>a</p>"])
    shutil.rmtree(tmp_path / "pages")
    store.put("people_list", ("key",), [1], ["<p>a</p>"])  # the folder is gone: this page is not shared
    store.put("people_list", ("key",), [1], ["<p>b</p>"])
    assert store.get("people_list", ("key",), [1]) == ("<p>b</p>",)
    assert stat.S_IMODE(os.stat(tmp_path / "pages").st_mode) == 0o700


def _aged(store, n: int) -> dict[int, object]:
    """n pages of about 1 KB each, the n-th the newest."""
    paths = {}
    now = time.time()
    for i in range(n):
        store.put("people_list", (i,), [1], ["x" * 1000])
        paths[i] = store.folder / store._name("people_list", (i,))
        os.utime(paths[i], (now - 100 + i, now - 100 + i))
    return paths


def test_the_sweep_keeps_the_newest_pages_within_the_bytes_allowed(tmp_path):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=100, max_age=600, max_bytes=2500)
    paths = _aged(store, 5)
    store.sweep()
    assert sorted(store.folder.iterdir()) == sorted([paths[3], paths[4]])


def test_a_full_file_system_gives_back_the_oldest_half(tmp_path, monkeypatch, caplog):
    store = shared_pages.SharedPages(tmp_path / "pages", "secret", limit=100, max_age=600)
    paths = _aged(store, 6)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shared_pages, "_write_all", full)
    with caplog.at_level(logging.WARNING, logger="casework.shared_pages"):
        store.put("people_list", ("new",), [1], ["<p>not kept</p>"])
    assert sorted(p.name for p in store.folder.iterdir()) == sorted(paths[i].name for i in (3, 4, 5))
    assert "No space left on device" in caplog.text
    assert store.get("people_list", ("new",), [1]) is None
    assert not any(p.name.endswith(".tmp") for p in store.folder.iterdir()), "no half-written file is left"
