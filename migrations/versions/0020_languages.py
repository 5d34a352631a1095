"""Languages: a hosted petition's title and story in other languages, and the signer's language

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 06:20:00.000000

petition_translation holds one title and story per (petition, language), written by staff; signature.locale
keeps the language a signer read the page in, so that the e-mails they get are written in it. Existing
signatures have none (English).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "petition_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("petition_id", "locale", name="uq_petition_translation_locale"),
    )
    with op.batch_alter_table("signature") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("signature") as batch_op:
        batch_op.drop_column("locale")
    op.drop_table("petition_translation")
