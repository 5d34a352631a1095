"""Staff changes to petitions and to the person's public consent. Operations flush; the unit of work commits.

One module per subject; this package names them all, so that callers write `operations.publish(...)`:
- scope: what a hosted petition may show of the person (the consented snapshot);
- consent: recording and withdrawing the person's consent, and what that does to the petitions;
- lifecycle: a petition from draft to archive;
- tracking: counts of outside petitions, deliveries to decision makers;
- signatures: bulk invalidation, updates to signers;
- translations: a hosted petition's title and story in other languages.
"""

from casework.petitions.operations.consent import record_consent, take_down, withdraw_consent
from casework.petitions.operations.lifecycle import (
    EXTERNAL_FIELDS,
    HOSTED_FIELDS,
    archive,
    check_publishable,
    close,
    create_external,
    create_hosted,
    delete_petition,
    new_slug,
    publish,
    unpublish,
    update_petition,
)
from casework.petitions.operations.scope import (
    SNAPSHOT_COLUMNS,
    SNAPSHOT_FIELDS,
    FieldRefused,
    check_scope,
    snapshot_for,
    wipe_snapshot,
)
from casework.petitions.operations.signatures import (
    UPDATE_FOOTER,
    invalidate_signatures,
    send_update,
    update_footer,
)
from casework.petitions.operations.tracking import (
    DELIVERY_FIELDS,
    add_count,
    delete_count,
    petition_text,
    petition_text_sha256,
    record_delivery,
    record_export,
    update_delivery,
)
from casework.petitions.operations.translations import (
    TRANSLATION_FIELDS,
    delete_translation,
    save_translation,
)

__all__ = [
    "DELIVERY_FIELDS",
    "EXTERNAL_FIELDS",
    "HOSTED_FIELDS",
    "SNAPSHOT_COLUMNS",
    "SNAPSHOT_FIELDS",
    "TRANSLATION_FIELDS",
    "UPDATE_FOOTER",
    "FieldRefused",
    "add_count",
    "archive",
    "check_publishable",
    "check_scope",
    "close",
    "create_external",
    "create_hosted",
    "delete_count",
    "delete_petition",
    "delete_translation",
    "invalidate_signatures",
    "new_slug",
    "petition_text",
    "petition_text_sha256",
    "publish",
    "record_consent",
    "record_delivery",
    "record_export",
    "save_translation",
    "send_update",
    "snapshot_for",
    "take_down",
    "unpublish",
    "update_delivery",
    "update_footer",
    "update_petition",
    "wipe_snapshot",
    "withdraw_consent",
]
