"""A mailbox's places on a petition looked up by the mailbox first

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 07:30:00.000000

The unique places of a mailbox on a petition, (petition, mailbox, place), become (mailbox, petition, place):
the same rows are unique, but the index now begins with the mailbox's HMAC, which no other index of the
table holds. Signing probes the mailbox's places through it (casework.petitions.signing), and the planner
has no other index to choose: with (petition, ...) first it could take the smaller (petition, state) index
instead, whenever it had no statistics of the petition (a new database, a new petition), and read every
signature of the petition on each new one. (The mailbox's HMAC is made with the petition's id, so the
mailbox's rows are the petition's already.)
"""

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

BEFORE = "uq_signature_petition_id_email_hmac_mailbox_slot"
AFTER = "uq_signature_email_hmac_petition_id_mailbox_slot"


def upgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_constraint(BEFORE, type_="unique")
        batch_op.create_unique_constraint(AFTER, ["email_hmac", "petition_id", "mailbox_slot"])


def downgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_constraint(AFTER, type_="unique")
        batch_op.create_unique_constraint(BEFORE, ["petition_id", "email_hmac", "mailbox_slot"])
