"""Relief steps keep their rules; milestones; dates set by hand; template revisions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:30:00.000000

A relief step's due date is derived from its rule and what happened (casework.relief.schedule): each step now
keeps the rule it was copied with (anchor, offset, sitting months), whether it is the application's filing,
hearing or decision, and a date set by hand, if any. Templates count revisions of their content; an
application remembers the revision it follows. The built-in templates mark their milestones and count from
the filing, hearing or decision where the law does; the Washington template lists its steps in date order.

Existing applications get the rules of the template they were opened from, for the steps whose position
and title still match; any other step keeps its date, as a date set by hand. Every due date is then computed
again from what happened (a step done on a day moves the steps counted from it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

template = sa.table(
    "relief_template",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("jurisdiction", sa.String),
    sa.column("kind", sa.String),
    sa.column("revision", sa.Integer),
)
template_step = sa.table(
    "relief_template_step",
    sa.column("id", sa.Integer),
    sa.column("template_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("title", sa.String),
    sa.column("anchor", sa.String),
    sa.column("anchor_position", sa.Integer),
    sa.column("offset_days", sa.Integer),
    sa.column("schedule", sa.String),
    sa.column("schedule_months", sa.String),
    sa.column("milestone", sa.String),
)
application = sa.table(
    "relief_application",
    sa.column("id", sa.Integer),
    sa.column("template_id", sa.Integer),
    sa.column("template_revision", sa.Integer),
    sa.column("status", sa.String),
    sa.column("opened_on", sa.Date),
    sa.column("filed_on", sa.Date),
    sa.column("hearing_on", sa.Date),
    sa.column("decided_on", sa.Date),
)
step = sa.table(
    "relief_step",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("title", sa.String),
    sa.column("anchor", sa.String),
    sa.column("anchor_position", sa.Integer),
    sa.column("offset_days", sa.Integer),
    sa.column("schedule", sa.String),
    sa.column("schedule_months", sa.String),
    sa.column("milestone", sa.String),
    sa.column("due_override_on", sa.Date),
    sa.column("due_on", sa.Date),
    sa.column("done_on", sa.Date),
)
RULE = ("anchor", "anchor_position", "offset_days", "schedule", "schedule_months", "milestone")

# Built-in templates, by (jurisdiction, kind): {position: changes}. Positions are those of migration 0003.
BUILT_IN = {
    ("MA", "parole_board_pardon"): {
        4: {"milestone": "filing"},
        5: {"anchor": "filed", "anchor_position": None},  # six weeks after the filing
        7: {"milestone": "hearing"},
        10: {"milestone": "decision"},  # the Governor's Council vote decides
    },
    ("CA", "governor_pardon"): {
        5: {"milestone": "filing"},
        7: {"anchor": "filed", "anchor_position": None, "milestone": "decision"},
    },
    ("CA", "certificate_of_rehabilitation"): {
        2: {"milestone": "filing"},
        3: {"anchor": "hearing", "anchor_position": None},  # at least 30 days before the hearing
        4: {"anchor": "filed", "anchor_position": None, "milestone": "hearing"},
    },
    ("CA", "motion_to_vacate"): {
        3: {"milestone": "filing"},
        4: {"anchor": "filed", "anchor_position": None},
        5: {"anchor": "filed", "anchor_position": None, "milestone": "hearing"},
        6: {"anchor": "hearing", "anchor_position": None, "milestone": "decision"},
    },
    ("WA", "governor_pardon"): {
        3: {"milestone": "filing"},
        4: {"anchor": "filed", "anchor_position": None, "milestone": "hearing"},
        5: {"anchor": "hearing", "anchor_position": None},
        6: {"anchor": "hearing", "anchor_position": None},
        7: {"anchor": "hearing", "anchor_position": None},
        8: {"milestone": "decision"},
    },
    ("generic", None): {
        3: {"milestone": "filing"},
        4: {"anchor": "filed", "anchor_position": None},
        5: {"anchor": "filed", "anchor_position": None, "milestone": "decision"},
    },
}
# Washington, in date order: the prosecutor's notice and the materials come before the hearing.
WA_ORDER = {1: 1, 2: 2, 3: 3, 5: 4, 6: 5, 4: 6, 7: 7, 8: 8}


def upgrade():
    with op.batch_alter_table("relief_template", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("relief_template_step", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anchor", sa.String(length=20), server_default="opened", nullable=False)
        )
        batch_op.add_column(sa.Column("milestone", sa.String(length=20), nullable=True))
    with op.batch_alter_table("relief_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hearing_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("template_revision", sa.Integer(), nullable=True))
    with op.batch_alter_table("relief_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("offset_days", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("schedule", sa.String(length=20), server_default="offset", nullable=False)
        )
        batch_op.add_column(sa.Column("schedule_months", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("milestone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("anchor", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("due_override_on", sa.Date(), nullable=True))

    conn = op.get_bind()
    conn.execute(
        template_step.update().where(template_step.c.anchor_position.is_not(None)).values(anchor="step")
    )
    built_in = _mark_built_in_milestones(conn)
    _copy_rules_into_applications(conn)
    _filed_when_the_filing_step_is_done(conn)
    _order_washington_by_date(conn, built_in)
    _recompute_due_dates(conn)


def _mark_built_in_milestones(conn) -> dict:
    """The built-in templates' milestones and event anchors (revision 2); their ids by (jurisdiction, kind)."""
    rows = conn.execute(
        sa.select(template.c.id, template.c.jurisdiction, template.c.kind).where(template.c.org_id.is_(None))
    ).all()
    ids = {}
    for template_id, jurisdiction, kind in rows:
        changes = BUILT_IN.get((jurisdiction, kind))
        if changes is None:
            continue
        ids[(jurisdiction, kind)] = template_id
        for position, values in changes.items():
            conn.execute(
                template_step.update()
                .where(template_step.c.template_id == template_id, template_step.c.position == position)
                .values(**values)
            )
        conn.execute(template.update().where(template.c.id == template_id).values(revision=2))
    return ids


def _copy_rules_into_applications(conn) -> None:
    """Each existing step takes its template step's rule when position and title match; else its date stays,
    set by hand."""
    revisions = dict(conn.execute(sa.select(template.c.id, template.c.revision)).all())
    rules = {}
    for row in conn.execute(sa.select(template_step)).mappings():
        rules[(row["template_id"], row["position"], row["title"])] = {k: row[k] for k in RULE}
    apps = conn.execute(sa.select(application.c.id, application.c.template_id)).all()
    for application_id, template_id in apps:
        if template_id is not None:
            conn.execute(
                application.update()
                .where(application.c.id == application_id)
                .values(template_revision=revisions.get(template_id))
            )
        for step_id, position, title, due_on in conn.execute(
            sa.select(step.c.id, step.c.position, step.c.title, step.c.due_on).where(
                step.c.application_id == application_id
            )
        ).all():
            rule = rules.get((template_id, position, title)) if template_id is not None else None
            values = rule if rule is not None else {"anchor": None, "due_override_on": due_on}
            conn.execute(step.update().where(step.c.id == step_id).values(**values))


def _filed_when_the_filing_step_is_done(conn) -> None:
    """An application whose filing step is done was filed that day, whatever its status said."""
    rows = conn.execute(
        sa.select(application.c.id, application.c.status, step.c.done_on)
        .join(step, step.c.application_id == application.c.id)
        .where(step.c.milestone == "filing", step.c.done_on.is_not(None), application.c.filed_on.is_(None))
    ).all()
    for application_id, status, done_on in rows:
        values = {"filed_on": done_on}
        if status == "preparing":
            values["status"] = "filed"
        conn.execute(application.update().where(application.c.id == application_id).values(**values))


def _order_washington_by_date(conn, built_in: dict) -> None:
    """The Washington template's steps in date order (revision 3); applications keep theirs until an admin
    applies the new revision after a preview."""
    template_id = built_in.get(("WA", "governor_pardon"))
    if template_id is None:
        return
    for old in WA_ORDER:  # through free positions: (template, position) is unique at every moment
        conn.execute(
            template_step.update()
            .where(template_step.c.template_id == template_id, template_step.c.position == old)
            .values(position=-old)
        )
    for old, new in WA_ORDER.items():
        conn.execute(
            template_step.update()
            .where(template_step.c.template_id == template_id, template_step.c.position == -old)
            .values(position=new)
        )
        conn.execute(
            template_step.update()
            .where(
                template_step.c.template_id == template_id,
                template_step.c.anchor == "step",
                template_step.c.anchor_position == old,
            )
            .values(anchor_position=-new)
        )
    conn.execute(
        template_step.update()
        .where(template_step.c.template_id == template_id, template_step.c.anchor_position < 0)
        .values(anchor_position=-template_step.c.anchor_position)
    )
    conn.execute(template.update().where(template.c.id == template_id).values(revision=3))


def _recompute_due_dates(conn) -> None:
    """Every step's due date from its rule and what happened, by the application's own engine."""
    from casework.relief import schedule  # the engine is pure: rules and events in, dates out

    closed = {"granted", "denied", "withdrawn"}
    for app in conn.execute(sa.select(application)).mappings().all():
        rows = conn.execute(sa.select(step).where(step.c.application_id == app["id"])).mappings().all()
        steps = [_engine_step(schedule, r) for r in rows]
        facts = schedule.Application(
            opened_on=app["opened_on"],
            filed_on=app["filed_on"],
            hearing_on=app["hearing_on"],
            decided_on=app["decided_on"],
            closed=app["status"] if app["status"] in closed else None,
        )
        try:
            due = schedule.schedule(facts, steps)
        except schedule.RuleError:
            continue  # rules that cannot work keep their dates; the application page says why
        for r in rows:
            conn.execute(step.update().where(step.c.id == r["id"]).values(due_on=due[r["position"]].day))


def _engine_step(schedule, row):
    rule = None
    if row["anchor"] is not None:
        months = ()
        if row["schedule"] == "quarterly":
            months = tuple(
                int(m) for m in (row["schedule_months"] or "3,6,9,12").split(",") if m.strip().isdigit()
            )
        kind = schedule.Anchor(row["anchor"])
        rule = schedule.Rule(
            kind, row["anchor_position"] if kind == schedule.Anchor.STEP else None, row["offset_days"], months
        )
    return schedule.Step(
        key=row["position"],
        title=row["title"],
        rule=rule,
        milestone=schedule.Milestone(row["milestone"]) if row["milestone"] else None,
        done_on=row["done_on"],
        override_on=row["due_override_on"],
    )


def downgrade():
    with op.batch_alter_table("relief_step", schema=None) as batch_op:
        for name in ("due_override_on", "anchor", "milestone", "schedule_months", "schedule", "offset_days"):
            batch_op.drop_column(name)
        batch_op.drop_column("anchor_position")
    with op.batch_alter_table("relief_application", schema=None) as batch_op:
        batch_op.drop_column("template_revision")
        batch_op.drop_column("hearing_on")
    with op.batch_alter_table("relief_template_step", schema=None) as batch_op:
        batch_op.drop_column("milestone")
        batch_op.drop_column("anchor")
    with op.batch_alter_table("relief_template", schema=None) as batch_op:
        batch_op.drop_column("revision")
