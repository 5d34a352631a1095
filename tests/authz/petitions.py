"""Routes of petitions: consent, hosted and tracked petitions on a case, the outbox, and the public pages."""

from datetime import UTC, datetime, timedelta

from casework.models import (
    Petition,
    PetitionCount,
    PetitionDelivery,
    PublicConsent,
    Signature,
)
from tests.authz.common import ACTORS, ADMIN_ONLY, CASE_EDIT, CASE_MANAGE, CASE_VIEW, PUBLIC
from tests.conftest import TODAY

CASE = "/people/{person}/petitions"
HOSTED = CASE + "/{petition_hosted}"
EXTERNAL = CASE + "/{petition_external}"

ROUTES = {
    "petitions.record_consent": ("GET", CASE + "/consent/new", CASE_MANAGE),
    "petitions.withdraw_consent": ("GET", CASE + "/consent/{consent}/withdraw", CASE_MANAGE),
    "petitions.new_hosted": ("GET", CASE + "/hosted/new", CASE_MANAGE),
    "petitions.new_external": ("GET", CASE + "/external/new", CASE_EDIT),
    "petitions.show": ("GET", HOSTED, CASE_VIEW),
    # hosted petitions (a public page, signers' data) need "manage"; tracked ones "edit"
    "petitions.edit": ("GET", HOSTED + "/edit", CASE_MANAGE),
    "petitions.publish": ("GET", HOSTED + "/publish", CASE_MANAGE),
    "petitions.unpublish": ("GET", HOSTED + "/unpublish", CASE_MANAGE),
    "petitions.close": ("POST", EXTERNAL + "/close", CASE_EDIT),
    "petitions.archive": ("POST", EXTERNAL + "/archive", CASE_EDIT),
    "petitions.delete": ("GET", HOSTED + "/delete", CASE_MANAGE),
    "petitions.add_count": ("POST", EXTERNAL + "/counts", CASE_EDIT),
    "petitions.delete_count": ("GET", EXTERNAL + "/counts/{petition_count}/delete", CASE_EDIT),
    "petitions.invalidate": ("GET", HOSTED + "/invalidate", CASE_MANAGE),
    "petitions.send_update": ("GET", HOSTED + "/updates/new", CASE_MANAGE),
    "petitions.signatures_csv": ("GET", HOSTED + "/signatures.csv", CASE_MANAGE),
    "petitions.delivery_pdf": ("GET", HOSTED + "/delivery.pdf", CASE_MANAGE),
    "petitions.new_delivery": ("GET", HOSTED + "/deliveries/new", CASE_MANAGE),
    "petitions.edit_delivery": ("GET", HOSTED + "/deliveries/{petition_delivery}/edit", CASE_MANAGE),
    "petitions.outbox": ("GET", "/admin/outbox", ADMIN_ONLY),
    # the public title and story in other languages: the petition's stewards, as for editing it
    "petitions.translations": ("GET", HOSTED + "/translations", CASE_MANAGE),
    "petitions.translation": ("GET", HOSTED + "/translations/km", CASE_MANAGE),
    "petitions.delete_translation": ("POST", HOSTED + "/translations/km/delete", CASE_MANAGE),
    # the public pages: no sign-in; a closed petition is gone (410), a draft does not exist (404)
    "public.petition": ("GET", "/p/{slug_open}", PUBLIC),
    "public.sign": ("POST", "/p/{slug_open}/sign", PUBLIC),
    "public.count_json": ("GET", "/p/{slug_open}/count.json", PUBLIC),
    "public.thanks": ("GET", "/p/{slug_closed}/thanks", {a: 410 for a in ACTORS}),
    "public.confirm": ("GET", "/p/{slug_draft}/confirm/not-a-token", {a: 404 for a in ACTORS}),
}


def setup(db, users, ids):
    """A consent, a published, a closed and a draft hosted petition, and a tracked one with a count."""
    import uuid

    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    person, org = ids["person"], ids["org"]
    consent = db.add(
        PublicConsent(
            person_id=person,
            scope="preferred_name,city",
            given_by="In person",
            recorded_by_id=users["staff"].id,
        )
    )

    def hosted(slug, status):
        return db.add(
            Petition(
                person_id=person,
                org_id=org,
                kind="hosted",
                status=status,
                title="Bring them home",
                targets="Governor",
                goal=100,
                slug=slug,
                story="A public story.",
                public_fields="preferred_name",
                consent_id=consent.id,
                signature_count=1,
                published_at=now if status != "draft" else None,
            )
        )

    open_ = hosted(f"open-{tag}", "active")
    hosted(f"closed-{tag}", "closed")
    hosted(f"draft-{tag}", "draft")
    db.add(Signature(petition_id=open_.id, state="validated", confirmed_at=now, dedupe_hmac="x" * 64))
    external = db.add(
        Petition(
            person_id=person,
            org_id=org,
            kind="external",
            status="active",
            title="Elsewhere",
            targets="DA",
            goal=500,
            external_url="https://petitions.example.org/x",
        )
    )
    count = db.add(PetitionCount(petition_id=external.id, counted_on=TODAY - timedelta(days=1), count=12))
    delivery = db.add(
        PetitionDelivery(petition_id=open_.id, delivered_on=TODAY, delivered_to="Governor", signature_count=1)
    )
    ids.update(
        consent=consent.id,
        petition_hosted=open_.id,
        petition_external=external.id,
        petition_count=count.id,
        petition_delivery=delivery.id,
        slug_open=f"open-{tag}",
        slug_closed=f"closed-{tag}",
        slug_draft=f"draft-{tag}",
    )
