"""The cap of signatures per mailbox held by a constraint: each signature holds one of its mailbox's places

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 01:40:00.000000

A signature of the public form takes one of the PETITION_SIGNATURES_PER_EMAIL places of its mailbox on the
petition (`signature.mailbox_slot`, 1..cap), unique per (petition, mailbox). Two signers of one mailbox
signing at the same moment can no longer both take the last place: one of the two INSERTs meets the other's
row and tries again, seeing it. PostgreSQL needs no lock for the cap any more, so a signature is written by
one statement that commits as it runs (casework.petitions.signing).

The existing signatures of a mailbox get places 1, 2, .. in the order they came, except those over a limit
(never counted: they hold no place) and those anonymized (no mailbox left). The index on (petition,
mailbox) is replaced by the unique one, which begins with the same two columns.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

UNIQUE = "uq_signature_petition_id_email_hmac_mailbox_slot"


def upgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailbox_slot", sa.Integer(), nullable=True))
    # Places in the order the signatures came (a correlated count: valid on SQLite and PostgreSQL alike).
    op.execute(
        """
        UPDATE signature SET mailbox_slot = (
            SELECT count(*) FROM signature AS earlier
            WHERE earlier.petition_id = signature.petition_id
              AND earlier.email_hmac = signature.email_hmac
              AND earlier.state <> 'over_limit'
              AND earlier.id <= signature.id
        )
        WHERE email_hmac IS NOT NULL AND state <> 'over_limit'
        """
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_unique_constraint(UNIQUE, ["petition_id", "email_hmac", "mailbox_slot"])
        batch_op.drop_index("ix_signature_petition_email")


def downgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index("ix_signature_petition_email", ["petition_id", "email_hmac"], unique=False)
        batch_op.drop_constraint(UNIQUE, type_="unique")
        batch_op.drop_column("mailbox_slot")
