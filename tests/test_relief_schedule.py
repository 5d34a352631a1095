"""The relief schedule engine (casework.relief.schedule): rules and what happened in, dates with reasons out.

Property-based (hypothesis): moving an anchor moves every dependent date by the same number of days; no rule
set with a loop is accepted; a closed application has no open deadline; dates set by hand stay put; the result
does not depend on the order the steps come in; every derived date comes with a reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.relief.schedule import (
    Anchor,
    Application,
    Milestone,
    Rule,
    RuleError,
    State,
    Step,
    moves,
    open_deadlines,
    rule_text,
    schedule,
    validate,
)

OPENED = date(2026, 11, 15)

# ---------------------------------------------------------------- the Massachusetts example


def massachusetts(**done: date) -> list[Step]:
    """The built-in Massachusetts parole-board pardon, as copied into an application."""
    rules = [
        ("Gather records", Rule(offset_days=21), None),
        ("Collect letters", Rule(offset_days=45), None),
        ("Draft the petition", Rule(offset_days=60), None),
        ("File the petition with the Parole Board", Rule(offset_days=75), Milestone.FILING),
        ("Comment period ends (six weeks after filing)", Rule(Anchor.FILED, offset_days=42), None),
        ("Prepare for the hearing", Rule(Anchor.STEP, 5, 21), None),
        ("Advisory Board of Pardons hearing", Rule(Anchor.STEP, 5, 60), Milestone.HEARING),
        ("Recommendation to the Governor", Rule(Anchor.STEP, 7, 60), None),
        ("Governor's decision", Rule(Anchor.STEP, 8, 60), Milestone.DECISION),
    ]
    return [
        Step(i, title, rule, milestone, done_on=done.get(f"step{i}"))
        for i, (title, rule, milestone) in enumerate(rules, start=1)
    ]


def test_filing_moves_the_comment_period_to_six_weeks_after_the_real_filing_day():
    before = schedule(Application(OPENED), massachusetts())
    assert before[5].day == date(2027, 3, 12)  # 75 + 42 days after opening, while nothing is done
    filed = date(2026, 12, 1)
    after = schedule(Application(OPENED, filed_on=filed), massachusetts(step4=filed))
    assert after[5].day == date(2027, 1, 12)
    assert after[5].counts_from == filed
    assert after[5].reason == "6 weeks after the filing on 2026-12-01"
    assert after[4].state == State.DONE
    assert after[6].day == date(2027, 2, 2)  # 21 days after the comment period
    assert (
        after[6].reason
        == "3 weeks after step 5 “Comment period ends (six weeks after filing)”, due 2027-01-12"
    )
    moved = {m.key: (m.before, m.after) for m in moves(before, after)}
    assert moved[5] == (date(2027, 3, 12), date(2027, 1, 12))
    assert set(moved) == {5, 6, 7, 8, 9}  # every step after the filing moved with it


def test_before_the_filing_the_comment_period_counts_from_the_filing_step():
    due = schedule(Application(OPENED), massachusetts())[5]
    assert "the filing (step 4 “File the petition with the Parole Board”, due 2027-01-29)" in due.reason


def test_a_closed_application_has_unfinished_steps_not_needed_and_no_open_deadline():
    steps = massachusetts(step1=date(2026, 11, 20))
    application = Application(OPENED, decided_on=date(2026, 12, 20), closed="granted")
    result = schedule(application, steps)
    assert result[1].state == State.DONE
    assert all(result[k].state == State.NOT_NEEDED for k in range(2, 10))
    assert open_deadlines(application, steps) == []


def test_a_date_set_by_hand_stays_put_and_says_what_the_rule_would_give():
    steps = massachusetts()
    steps[4] = Step(5, steps[4].title, steps[4].rule, override_on=date(2027, 2, 1))
    due = schedule(Application(OPENED), steps)[5]
    assert due.day == date(2027, 2, 1) and due.overridden and due.rule_day == date(2027, 3, 12)
    assert due.reason.startswith("set by hand; the rule gives 2027-03-12 (6 weeks after the filing")


def test_a_sitting_board_falls_on_the_first_day_of_the_next_sitting_month():
    steps = [
        Step(1, "File", Rule(offset_days=60), Milestone.FILING),
        Step(2, "Board hearing", Rule(Anchor.STEP, 1, 90, (3, 6, 9, 12)), Milestone.HEARING),
        Step(3, "Prosecutor notified", Rule(Anchor.HEARING, offset_days=-30)),
    ]
    result = schedule(Application(date(2025, 6, 1)), steps)
    assert result[1].day == date(2025, 7, 31)
    assert result[2].day == date(
        2025, 12, 1
    )  # 90 days after 2025-07-31 is 2025-10-29: next sitting, December
    assert result[3].day == date(2025, 11, 1)
    assert "1st day of the next sitting month (March, June, September, December)" in result[2].reason
    scheduled = schedule(Application(date(2025, 6, 1), hearing_on=date(2026, 3, 2)), steps)
    assert scheduled[3].day == date(2026, 1, 31) and "the hearing on 2026-03-02" in scheduled[3].reason


def test_rules_read_in_words():
    assert rule_text(Rule(Anchor.FILED, offset_days=42)) == "6 weeks after the filing"
    assert rule_text(Rule(Anchor.STEP, 4, -30), {4: "Hearing"}) == "30 days before step 4 “Hearing”"
    assert rule_text(Rule()) == "same day as the opening day"


@pytest.mark.parametrize(
    "steps, message",
    [
        ([Step(1, "a", Rule(Anchor.STEP, 2))], "which does not exist"),
        ([Step(1, "a", Rule(Anchor.STEP, 1))], "loop"),
        ([Step(1, "a", Rule(Anchor.FILED), Milestone.FILING)], "loop"),
        ([Step(1, "a", milestone=Milestone.FILING), Step(2, "b", milestone=Milestone.FILING)], "both marked"),
        ([Step(1, "a", Rule(sitting_months=(13,)))], "numbered 1"),
    ],
)
def test_rule_sets_that_cannot_work_are_refused_with_a_reason(steps, message):
    with pytest.raises(RuleError, match=message):
        validate(steps)


def test_dates_beyond_the_calendar_are_refused():
    with pytest.raises(RuleError, match="outside the calendar"):
        schedule(Application(date(9999, 12, 1)), [Step(1, "a", Rule(offset_days=90))])


# ---------------------------------------------------------------- properties

ANCHORS = st.sampled_from([Anchor.OPENED, Anchor.STEP, Anchor.FILED, Anchor.HEARING, Anchor.DECIDED])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def acyclic_steps(
    draw, *, sittings: bool = True, overrides: bool = True, done: bool = True, ruleless: bool = True
):
    """Steps whose rules only count from earlier steps (so from no loop), with milestones and facts."""
    count = draw(st.integers(1, 8))
    milestones = draw(st.permutations([Milestone.FILING, Milestone.HEARING, Milestone.DECISION, None, None]))
    steps = []
    for key in range(1, count + 1):
        anchor = draw(ANCHORS)
        # an event anchor may count through its milestone step: only when that step comes earlier
        if anchor == Anchor.STEP and key == 1:
            anchor = Anchor.OPENED
        rule = Rule(
            anchor=anchor,
            anchor_step=draw(st.integers(1, key - 1)) if anchor == Anchor.STEP else None,
            offset_days=draw(st.integers(-120, 365)),
            sitting_months=tuple(draw(st.sets(st.integers(1, 12), max_size=3))) if sittings else (),
        )
        milestone = milestones[key - 1] if key <= len(milestones) else None
        steps.append(
            Step(
                key,
                f"Step {key}",
                None if ruleless and draw(st.integers(0, 5)) == 0 else rule,
                milestone,
                done_on=draw(st.none() | DAYS) if done else None,
                override_on=draw(st.none() | DAYS) if overrides else None,
            )
        )
    # An event anchor whose milestone step comes later (or is itself) would be a loop: count from the opening.
    position = {s.milestone: s.key for s in steps if s.milestone}
    event_of = {
        Anchor.FILED: Milestone.FILING,
        Anchor.HEARING: Milestone.HEARING,
        Anchor.DECIDED: Milestone.DECISION,
    }
    fixed = []
    for s in steps:
        rule = s.rule
        if rule and rule.anchor in event_of and position.get(event_of[rule.anchor], 0) >= s.key:
            rule = Rule(Anchor.OPENED, None, rule.offset_days, rule.sitting_months)
        fixed.append(Step(s.key, s.title, rule, s.milestone, s.done_on, s.override_on))
    return fixed


def dependents(steps: list[Step], key: int) -> set[int]:
    """The steps whose date counts, directly or not, from step `key` (event anchors through milestones)."""
    milestone_key = {s.milestone: s.key for s in steps if s.milestone}
    event_of = {
        Anchor.FILED: Milestone.FILING,
        Anchor.HEARING: Milestone.HEARING,
        Anchor.DECIDED: Milestone.DECISION,
    }
    found = {key}
    changed = True
    while changed:
        changed = False
        for s in steps:
            if s.key in found or s.rule is None:
                continue
            source = (
                s.rule.anchor_step
                if s.rule.anchor == Anchor.STEP
                else milestone_key.get(event_of.get(s.rule.anchor))
            )
            if source in found:
                found.add(s.key)
                changed = True
    return found - {key}


@settings(max_examples=200, deadline=None)
@given(
    acyclic_steps(sittings=False, overrides=False, done=False, ruleless=False),
    DAYS,
    st.integers(-400, 400),
    st.data(),
)
def test_moving_an_anchor_moves_every_dependent_date_by_the_same_number_of_days(steps, opened, shift, data):
    key = data.draw(st.sampled_from([s.key for s in steps]))
    done = data.draw(DAYS)
    application = Application(opened)
    with_done = [
        Step(s.key, s.title, s.rule, s.milestone, done_on=done if s.key == key else None) for s in steps
    ]
    moved = [
        Step(
            s.key,
            s.title,
            s.rule,
            s.milestone,
            done_on=done + timedelta(days=shift) if s.key == key else None,
        )
        for s in steps
    ]
    before, after = schedule(application, with_done), schedule(application, moved)
    followers = dependents(steps, key)
    for s in steps:
        if s.key in followers:
            assert after[s.key].day - before[s.key].day == timedelta(days=shift), s.key
        elif s.key != key:
            assert after[s.key].day == before[s.key].day, s.key


@settings(max_examples=200, deadline=None)
@given(acyclic_steps(), DAYS, st.data())
def test_a_rule_set_with_a_loop_is_never_accepted(steps, opened, data):
    a = data.draw(st.sampled_from([s.key for s in steps]))
    b = data.draw(st.sampled_from([s.key for s in steps]))
    # make a count from b and b from a (a == b: a step counting from itself)
    looped = []
    for s in steps:
        if s.key == a:
            s = Step(s.key, s.title, Rule(Anchor.STEP, b, 1), s.milestone, s.done_on, s.override_on)
        elif s.key == b:
            s = Step(s.key, s.title, Rule(Anchor.STEP, a, 1), s.milestone, s.done_on, s.override_on)
        looped.append(s)
    with pytest.raises(RuleError, match="loop"):
        schedule(Application(opened), looped)


@settings(max_examples=200, deadline=None)
@given(acyclic_steps(), DAYS, st.sampled_from(["granted", "denied", "withdrawn"]))
def test_a_closed_application_yields_no_open_deadline(steps, opened, outcome):
    application = Application(opened, decided_on=opened, closed=outcome)
    result = schedule(application, steps)
    assert not [d for d in result.values() if d.state in (State.OPEN, State.UNDATED)]
    assert open_deadlines(application, steps) == []
    assert all(not d.overdue(date(2100, 1, 1)) for d in result.values())


@settings(max_examples=200, deadline=None)
@given(acyclic_steps(), DAYS, DAYS)
def test_dates_set_by_hand_stay_put_whatever_their_anchors_do(steps, opened, filed):
    for application in (Application(opened), Application(opened, filed_on=filed, hearing_on=filed)):
        for s in steps:
            due = schedule(application, steps)[s.key]
            if s.override_on is not None:
                assert due.day == s.override_on and due.overridden


@settings(max_examples=200, deadline=None)
@given(acyclic_steps(), DAYS, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_steps(steps, opened, rnd):
    shuffled = list(steps)
    rnd.shuffle(shuffled)
    assert schedule(Application(opened), shuffled) == schedule(Application(opened), steps)


@settings(max_examples=200, deadline=None)
@given(acyclic_steps(), DAYS, st.none() | DAYS)
def test_every_derived_date_comes_with_a_reason(steps, opened, filed):
    for due in schedule(Application(opened, filed_on=filed), steps).values():
        assert due.reason
        if due.day is not None and not due.overridden:
            assert due.counts_from is not None
            assert due.counts_from.isoformat() in due.reason
