"""Built-in relief step templates: California, Massachusetts, Washington and a generic one

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Templates are data: organizations add their own in Admin -> Relief templates. These rows have no
organization and are offered to everyone. Each step's due date is `offset` days after its anchor: the
application's start, or the step numbered `anchor` (negative offsets fall before it). "quarterly"
steps fall on the first day of the next listed month at least `offset` days after the anchor.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (jurisdiction, kind, name, forum, description, [(title, anchor, offset, schedule, months, notes)])
TEMPLATES = [
    (
        "MA",
        "parole_board_pardon",
        "Massachusetts: pardon petition to the Parole Board (Advisory Board of Pardons)",
        "Massachusetts Parole Board as the Advisory Board of Pardons; then the Governor and the Governor's Council",
        "Petition to the Parole Board sitting as the Advisory Board of Pardons. After filing, the District "
        "Attorney and others have six weeks to comment; the Board may hold a hearing and recommends to the "
        "Governor, whose pardon needs the consent of the Governor's Council.",
        [
            ("Gather court, probation (CARI) and immigration records", None, 21, "offset", None, None),
            ("Collect letters of support and proof of rehabilitation", None, 45, "offset", None, None),
            ("Draft the petition and the personal statement", None, 60, "offset", None, None),
            ("File the petition with the Parole Board", None, 75, "offset", None, None),
            (
                "Comment period ends: District Attorney, victims and police (six weeks after filing)",
                4,
                42,
                "offset",
                None,
                "Ask the District Attorney early whether the office will support or not oppose.",
            ),
            ("Prepare for the hearing: witnesses, testimony, exhibits", 5, 21, "offset", None, None),
            ("Advisory Board of Pardons hearing", 5, 60, "offset", None, None),
            ("Board's recommendation to the Governor", 7, 60, "offset", None, None),
            ("Governor's decision", 8, 60, "offset", None, None),
            ("Governor's Council vote", 9, 30, "offset", None, None),
        ],
    ),
    (
        "CA",
        "governor_pardon",
        "California: direct pardon application to the Governor (expedited review, deportation pending)",
        "Governor of California, Office of Legal Affairs (clemency)",
        "Direct application to the Governor. Notice of intent goes to the District Attorney of each county of "
        "conviction at least ten days before the application (Penal Code §4804). Ask for expedited review "
        "because removal is pending.",
        [
            (
                "Gather certified court records and the criminal history (rap sheet)",
                None,
                14,
                "offset",
                None,
                None,
            ),
            ("Collect support letters and proof of rehabilitation", None, 30, "offset", None, None),
            ("Write the personal statement", None, 30, "offset", None, None),
            (
                "Serve notice of intent to apply on each District Attorney (Penal Code §4804)",
                None,
                35,
                "offset",
                None,
                None,
            ),
            (
                "File the application with the Governor's Office, requesting expedited review",
                4,
                10,
                "offset",
                None,
                "At least ten days after the notice to the District Attorney.",
            ),
            ("Follow up with the clemency unit", 5, 30, "offset", None, None),
            ("Governor's decision (expedited review target)", 5, 120, "offset", None, None),
        ],
    ),
    (
        "CA",
        "certificate_of_rehabilitation",
        "California: certificate of rehabilitation (Penal Code §4852.01)",
        "Superior Court of the county of residence",
        "Petition to the superior court; the District Attorney gets notice at least 30 days before the hearing. "
        "A granted certificate goes to the Governor as an application for a pardon.",
        [
            ("Confirm eligibility and the period of rehabilitation", None, 14, "offset", None, None),
            ("File the petition in the superior court", None, 30, "offset", None, None),
            (
                "Serve the District Attorney (at least 30 days before the hearing)",
                4,
                -30,
                "offset",
                None,
                None,
            ),
            ("Hearing", 2, 90, "offset", None, None),
            ("Certificate forwarded to the Governor as a pardon application", 4, 30, "offset", None, None),
        ],
    ),
    (
        "CA",
        "motion_to_vacate",
        "California: motion to vacate under Penal Code §1473.7",
        "Superior Court of the county of conviction",
        "Motion to vacate a conviction for prejudicial error affecting the ability to understand the "
        "immigration consequences of a plea. Ask the District Attorney to join or not oppose.",
        [
            ("Obtain the plea transcript, plea form and court file", None, 21, "offset", None, None),
            ("Declarations of the person and of prior defense counsel", None, 45, "offset", None, None),
            ("File the motion under Penal Code §1473.7", None, 60, "offset", None, None),
            ("Serve the District Attorney; ask the office to join or not oppose", 3, 0, "offset", None, None),
            ("Hearing", 3, 60, "offset", None, None),
            ("Order: send a certified copy to immigration counsel", 5, 14, "offset", None, None),
        ],
    ),
    (
        "WA",
        "governor_pardon",
        "Washington: petition to the Clemency and Pardons Board",
        "Washington Clemency and Pardons Board; then the Governor",
        "The Board hears petitions quarterly. The prosecuting attorney is notified at least 30 days before the "
        "hearing; the Board recommends to the Governor.",
        [
            ("Gather the judgment and sentence and the criminal history", None, 21, "offset", None, None),
            ("Collect letters of support", None, 45, "offset", None, None),
            ("File the petition with the Clemency and Pardons Board", None, 60, "offset", None, None),
            ("Clemency and Pardons Board hearing (quarterly)", 3, 90, "quarterly", "3,6,9,12", None),
            (
                "Prosecuting attorney notified (at least 30 days before the hearing)",
                4,
                -30,
                "offset",
                None,
                None,
            ),
            ("Send hearing materials and witness list to the Board", 4, -14, "offset", None, None),
            ("Board's recommendation to the Governor", 4, 30, "offset", None, None),
            ("Governor's decision", 7, 90, "offset", None, None),
        ],
    ),
    (
        "generic",
        None,
        "Generic: any application",
        None,
        "A starting point for any jurisdiction or kind of relief; adjust the steps after opening.",
        [
            ("Gather records", None, 14, "offset", None, None),
            ("Draft the application", None, 30, "offset", None, None),
            ("File the application", None, 45, "offset", None, None),
            ("Follow up with the decision maker", 3, 45, "offset", None, None),
            ("Decision", 3, 120, "offset", None, None),
        ],
    ),
]

template = sa.table(
    "relief_template",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("jurisdiction", sa.String),
    sa.column("kind", sa.String),
    sa.column("name", sa.String),
    sa.column("forum", sa.String),
    sa.column("description", sa.Text),
    sa.column("active", sa.Boolean),
)
step = sa.table(
    "relief_template_step",
    sa.column("template_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("title", sa.String),
    sa.column("anchor_position", sa.Integer),
    sa.column("offset_days", sa.Integer),
    sa.column("schedule", sa.String),
    sa.column("schedule_months", sa.String),
    sa.column("notes", sa.Text),
)


def upgrade():
    conn = op.get_bind()
    for jurisdiction, kind, name, forum, description, steps in TEMPLATES:
        template_id = conn.execute(
            template.insert()
            .values(
                org_id=None,
                jurisdiction=jurisdiction,
                kind=kind,
                name=name,
                forum=forum,
                description=description,
                active=True,
            )
            .returning(template.c.id)
        ).scalar_one()
        conn.execute(
            step.insert(),
            [
                {
                    "template_id": template_id,
                    "position": i,
                    "title": title,
                    "anchor_position": anchor,
                    "offset_days": offset,
                    "schedule": schedule,
                    "schedule_months": months,
                    "notes": notes,
                }
                for i, (title, anchor, offset, schedule, months, notes) in enumerate(steps, start=1)
            ],
        )


def downgrade():
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.select(template.c.id).where(template.c.org_id.is_(None)))]
    if ids:
        conn.execute(step.delete().where(step.c.template_id.in_(ids)))
        conn.execute(template.delete().where(template.c.id.in_(ids)))
