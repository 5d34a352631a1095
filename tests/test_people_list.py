"""The people list: who appears, search by any name or A-number, filters, sort and paging."""

import re

import pytest

from casework.people import search as people_search
from tests.conftest import text_of


def names(response) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong></a>", text_of(response))


def search(browser, **filters):
    browser.get("/people")
    response = browser.post("/people", {"sort": "name", **filters})
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    return browser.get("/people")


@pytest.fixture
def people(make_person, make_user):
    volunteer = make_user("volunteer", email="vol@example.org")
    return {
        "keo": make_person(
            legal_name="Dara Keo",
            aliases="Darah Keo\nDara Kev",
            native_name="កែវ ដារា",
            a_number="041592633",
            citizenship="Cambodia",
            community="Cambodian",
            case_status="active",
            assigned=[volunteer],
        ),
        "pham": make_person(
            legal_name="Tuan Minh Pham",
            aliases="Phạm Minh Tuấn",
            citizenship="Vietnam",
            community="Vietnamese",
            case_status="active",
        ),
        "phomma": make_person(
            legal_name="Khamla Phommachanh",
            native_name="ຄຳຫຼ້າ ພົມມະຈັນ",
            citizenship="Stateless",
            community="Lao",
            case_status="monitoring",
        ),
        "volunteer": volunteer,
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("darah", ["Dara Keo"]),  # an alias
        ("KEV", ["Dara Keo"]),  # any case
        ("កែវ", ["Dara Keo"]),  # Khmer script
        ("ພົມມະຈັນ", ["Khamla Phommachanh"]),  # Lao script
        ("Phạm Tuấn", ["Tuan Minh Pham"]),  # with Vietnamese diacritics
        ("pham tuan", ["Tuan Minh Pham"]),  # accents optional
        ("A041-592-633", ["Dara Keo"]),  # A-number with A and dashes
        ("41592633", ["Dara Keo"]),  # A-number, 8 digits
        ("ph", ["Khamla Phommachanh", "Tuan Minh Pham"]),
        ("nobody here", []),
        ("100%_", []),  # LIKE wildcards are literal
    ],
)
def test_search_by_any_name_or_a_number(login_as, people, query, expected):
    assert names(search(login_as("staff"), q=query)) == expected


def test_filters(login_as, people):
    staff = login_as("staff")
    assert names(search(staff, case_status="monitoring")) == ["Khamla Phommachanh"]
    assert names(search(staff, citizenship="Vietnam")) == ["Tuan Minh Pham"]
    assert names(search(staff, community="Cambodian")) == ["Dara Keo"]
    assert names(search(staff, assigned=str(people["volunteer"].id))) == ["Dara Keo"]
    staff.post("/people", {"clear": "1"})
    assert len(names(staff.get("/people"))) == 3


def test_search_terms_never_reach_the_url(login_as, people):
    staff = login_as("staff")
    response = staff.post("/people", {"q": "Dara", "sort": "name"})
    assert "Dara" not in response.headers["Location"]


def test_volunteer_sees_only_assigned_and_cannot_find_others(login_as, people):
    volunteer = login_as(people["volunteer"])
    assert names(volunteer.get("/people")) == ["Dara Keo"]
    assert names(search(volunteer, q="pham")) == []
    # an A-number hidden from volunteers is no search oracle either
    assert names(search(volunteer, q="041592633")) == []
    assert "hidden" in text_of(volunteer.get("/people"))


def test_other_organization_sees_nothing(login_as, people, make_org):
    partner = login_as("staff", org=make_org("Partner Firm"))
    assert names(partner.get("/people")) == []
    for person in ("keo", "pham", "phomma"):
        assert partner.get(f"/people/{people[person].id}").status_code == 404


def test_sort_and_keyset_paging(app, login_as, make_person):
    for i in range(7):
        make_person(legal_name=f"Person {i:02d}")
    app.config["PEOPLE_PAGE_SIZE"] = 3
    try:
        staff = login_as("staff")
        first = staff.get("/people")
        assert names(first) == ["Person 00", "Person 01", "Person 02"]
        next_url = re.search(r'href="([^"]+)" rel="next"', text_of(first)).group(1).replace("&amp;", "&")
        second = staff.get(next_url)
        assert names(second) == ["Person 03", "Person 04", "Person 05"]
        third = staff.get(re.search(r'href="([^"]+)" rel="next"', text_of(second)).group(1))
        assert names(third) == ["Person 06"]
        assert 'rel="next"' not in text_of(third)
        back = staff.get(re.search(r'href="([^"]+)" rel="prev"', text_of(third)).group(1))
        assert names(back) == ["Person 03", "Person 04", "Person 05"]
        assert names(search(staff, sort="created"))[:3] == ["Person 06", "Person 05", "Person 04"]
    finally:
        app.config["PEOPLE_PAGE_SIZE"] = 50
    assert "7 people" in text_of(staff.get("/people"))


def test_bad_paging_anchor_is_harmless(login_as, make_person):
    make_person(legal_name="Only One")
    staff = login_as("staff")
    assert names(staff.get("/people?after=999999")) == ["Only One"]
    assert staff.get("/people?after=abc").status_code == 200


def test_custody_filter_and_dashboard_preset(login_as, make_person):
    make_person(legal_name="Held Person", custody_status="detained")
    make_person(legal_name="Free Person")
    staff = login_as("staff")
    assert names(search(staff, custody="detained")) == ["Held Person"]
    staff.post("/people", {"clear": "1"})
    response = staff.get("/people?custody=detained")
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert names(staff.get("/people")) == ["Held Person"]
    staff.get("/people?custody=bogus&q=Held")  # anything else in the query string is ignored
    assert names(staff.get("/people")) == ["Held Person"]


def test_filter_choices_list_each_live_value_once(login_as, make_person, make_org, make_user, share_case):
    from datetime import UTC, datetime

    for country in ("Laos", "Cambodia", "Laos", "Vietnam"):
        make_person(citizenship=country, community=f"{country} community")
    make_person(citizenship="Deletedland", deleted_at=datetime.now(UTC))
    staff = login_as("staff")
    page = text_of(staff.get("/people"))
    choices = re.findall(
        r'<option value="([^"]*)">', page.split('name="citizenship"')[1].split("</select>")[0]
    )
    assert choices == ["", "Cambodia", "Laos", "Vietnam"]
    # a share reaching the user takes the general path: the shared case's value joins the list
    other = make_org()
    shared = make_person(org=other, citizenship="Thailand")
    share_case(shared, user=staff.user)
    page = text_of(staff.get("/people"))
    choices = re.findall(
        r'<option value="([^"]*)">', page.split('name="citizenship"')[1].split("</select>")[0]
    )
    assert choices == ["", "Cambodia", "Laos", "Thailand", "Vietnam"]


def _next(browser, response, rel="next"):
    return browser.get(re.search(rf'href="([^"]+)" rel="{rel}"', text_of(response)).group(1))


@pytest.fixture
def short_pages(app, monkeypatch):
    """Pages of 3 people, counted up to 5."""
    monkeypatch.setattr(people_search, "COUNT_CAP", 5)
    monkeypatch.setitem(app.config, "PEOPLE_PAGE_SIZE", 3)


def test_a_name_search_counts_and_pages_its_matches(short_pages, login_as, make_person):
    """Few matches: counted and sorted in the one statement that reads them; the pages follow each other."""
    for name in ("Keo Dara", "Keo Vanna", "Chea Sokha", "Keo Bopha", "Keo Sophal"):
        make_person(legal_name=name)
    staff = login_as("staff")
    first = search(staff, q="keo")
    assert names(first) == ["Keo Bopha", "Keo Dara", "Keo Sophal"]
    assert "4 people match." in text_of(first)
    second = _next(staff, first)
    assert names(second) == ["Keo Vanna"] and "4 people match." in text_of(second)
    assert 'rel="next"' not in text_of(second)
    assert names(_next(staff, second, "prev")) == ["Keo Bopha", "Keo Dara", "Keo Sophal"]
    # An anchor past the last match: an empty page, still counted.
    last = re.search(r'href="/people/(\d+)"><strong>Keo Vanna<', text_of(second)).group(1)
    beyond = staff.get(f"/people?after={last}")
    assert names(beyond) == [] and "No one matches" in text_of(beyond)


def test_a_name_search_past_the_cap_sorts_every_match(short_pages, login_as, make_person):
    """More matches than the cap: the page comes from all of them, not from the first ones read."""
    for i in reversed(range(8)):  # the first in name order is written last
        make_person(legal_name=f"Keo {i}")
    staff = login_as("staff")
    first = search(staff, q="keo")
    assert names(first) == ["Keo 0", "Keo 1", "Keo 2"]
    assert "5+ people match." in text_of(first)
    assert names(_next(staff, first)) == ["Keo 3", "Keo 4", "Keo 5"]


def test_every_value_of_a_row_is_escaped(login_as, make_person, make_user):
    hostile = '<script>alert(1)</script>"'
    helper = make_user("volunteer", name="<b>Helper</b>")
    make_person(
        legal_name=f"Keo {hostile}",
        preferred_name=f"Dara {hostile}",
        native_name=hostile,
        citizenship=hostile,
        community=hostile,
        city=hostile,
        state="CA",
        assigned=(helper,),
    )
    html = text_of(login_as("staff").get("/people"))
    assert "<script>" not in html and "<b>Helper</b>" not in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("&lt;script&gt;alert(1)&lt;/script&gt;&#34;") == 6  # each of the six values
    assert "&lt;b&gt;Helper&lt;/b&gt;" in html
