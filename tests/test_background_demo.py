"""The demo's backgrounds: two brothers linked as siblings (the brother also faces removal), a refugee camp and
"Stockton at nine, Lynn from 1996", four years before trial, a GED earned inside; loading twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from casework import unit_of_work
from casework.demo import background
from casework.models import Incarceration, Person, Rehabilitation, Relation, Residence, User
from tests.conftest import TODAY, text_of


def _load(app):
    from casework.extensions import db as real_db

    with app.app_context(), unit_of_work.transaction():
        people = {p.legal_name.split()[-1].lower(): p for p in real_db.session.scalars(sa.select(Person))}
        users = {u.email: u for u in real_db.session.scalars(sa.select(User))}
        background.load(people, users, TODAY)


def test_the_demo_backgrounds(app, db, monkeypatch, browser):
    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    _load(app)
    counts = (db.count(Relation), db.count(Residence), db.count(Incarceration), db.count(Rehabilitation))
    _load(app)  # a second time adds nothing
    assert (
        db.count(Relation),
        db.count(Residence),
        db.count(Incarceration),
        db.count(Rehabilitation),
    ) == counts

    staff = browser
    staff.login("staff@example.org", "lantern orchid quarry")
    keo, pich, pham = (
        db.scalar(sa.select(Person).where(Person.legal_name == n))
        for n in (
            "Dara Keo",
            "Sovann Pich",
            "Tuan Minh Pham",
        )
    )
    van = text_of(staff.get(f"/people/{pich.id}"))
    assert "Dara Keo" in van and "Also faces removal" in van and "1981-11-05–1983-06" in van
    dara = text_of(staff.get(f"/people/{keo.id}"))
    assert "Sovann Pich" in dara and "Khao-I-Dang" in dara and "1981–1983" in dara
    assert "1989–1995" in dara and "Stockton" in dara and "1996–2010" in dara and "Lynn" in dara
    assert "GED" in dara and "During incarceration" in dara and "Carrying a firearm" in dara
    tuan = text_of(staff.get(f"/people/{pham.id}"))
    assert "Quang Minh Pham" in tuan and "Also faces removal" in tuan
    assert "King County Jail" in tuan and "Pretrial" in tuan and "Robbery in the first degree" in tuan
    assert "Held before trial at King County Jail" in tuan and ">1994-06</time>" in tuan
