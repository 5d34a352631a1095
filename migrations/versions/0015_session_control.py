"""Sessions the user can see and end; proof of identity for dangerous acts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:15:00.000000

A signed-in session now keeps what its owner needs to recognise it (a rough description of the browser and
the client's network, cut to /24 or /48), when its user signed in (the absolute lifetime counts from there,
not from the last rotation of the token) and when they last proved who they are (password, and code when
enrolled), which dangerous acts require to be recent. Anonymous visitors no longer get a row: their rows
are deleted (their forms in progress ask to be submitted again).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("proved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("client", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("network", sa.String(length=64), nullable=False, server_default=""))
    web_session = sa.table(
        "web_session",
        sa.column("user_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("signed_in_at", sa.DateTime),
    )
    op.execute(web_session.delete().where(web_session.c.user_id.is_(None)))
    op.execute(web_session.update().values(signed_in_at=web_session.c.created_at))


def downgrade():
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("network")
        batch_op.drop_column("client")
        batch_op.drop_column("proved_at")
        batch_op.drop_column("signed_in_at")
