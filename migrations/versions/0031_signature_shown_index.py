"""The latest signers shown on a public petition read from an index of their own

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 07:40:00.000000

The public page names the latest few confirmed signers who asked to be shown. They were found through the
(petition, state) index: every confirmed signature of the petition read and sorted on each view of the page.
A partial index holds only the signatures the page may name, in the order it shows them, so a view reads
its few rows however many have signed (casework.petitions.signing.recent_signers, whose WHERE says the same
words as the index's).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

SHOWN = "state = 'validated' AND show_name = true AND name_ct IS NOT NULL"


def upgrade():
    op.create_index(
        "ix_signature_shown",
        "signature",
        ["petition_id", "confirmed_at", "id"],
        postgresql_where=sa.text(SHOWN),
        sqlite_where=sa.text(SHOWN),
    )


def downgrade():
    op.drop_index("ix_signature_shown", table_name="signature")
