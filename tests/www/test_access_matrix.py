"""Access-control matrix generated from the URL configuration.

Every named URL of the site (the Django admin aside, which guards itself) is
tried by every kind of person: anonymous, a carrier of the dossier's
organisation and one of another organisation, a departmental and a regional
instructor of the dossier's territory and of another territory, a committee
member, a platform administrator. Each URL must be declared in MATRIX with
the dossier state it is tried in and the expected outcome for each person:
a URL added to the site without an entry here makes this suite fail.

Outcomes: "ok" (200, or a redirect elsewhere than the login page), "redirect" (any), "login"
(redirect to the login page), 403 (the French "Accès refusé" page), 404 (the
dossier is not visible: its existence is not revealed).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from tests import factories

from .conftest import advance

ACTORS = ("anonymous", "carrier", "carrier_other", "dept", "dept_other", "region", "region_other", "committee",
          "admin")  # fmt: skip
PDF = b"%PDF-1.4\n%%EOF\n"


def everyone(outcome="ok") -> dict:
    return dict.fromkeys(ACTORS, outcome)


def logged_in(**overrides) -> dict:
    return {**everyone("ok"), "anonymous": "login", **overrides}


def on_dossier(allowed: set[str], *, draft: bool = False) -> dict:
    """A dossier URL: people who cannot see the dossier get 404, those who see it but may not act 403.

    Visibility: the dossier's carriers always; the State services of its territory and the committee
    once it is filed; the administrator always.
    """
    visible = {"carrier", "admin"} if draft else {"carrier", "dept", "region", "committee", "admin"}
    expected = {"anonymous": "login"}
    for actor in ACTORS[1:]:
        expected[actor] = 404 if actor not in visible else ("ok" if actor in allowed else 403)
    return expected


VIEWERS = {"carrier", "dept", "region", "committee", "admin"}
PARTICIPANTS = {"carrier", "dept", "region", "committee"}


@dataclass
class Case:
    expect: dict
    method: str = "get"
    state: str | None = None  # the dossier's state, or None when the URL is not about a dossier
    kwargs: Callable | None = None  # default: the dossier's reference when there is a state, else nothing
    data: Callable = lambda cast, dossier: {}
    before: Callable = lambda cast, dossier: None  # while the dossier is still a draft
    after: Callable = lambda cast, dossier: None  # once it has reached `state`
    # For a POST: what an allowed request did, asserted on the database (see `did`). A refused one
    # must leave the database as it was, which every POST case checks.
    effect: Callable | None = None
    notes: str = field(default="")


def with_slug(cast, dossier):
    return {"reference": dossier.reference, "slug": "publics"}


def add_attachment(cast, dossier):
    cast["attachment"] = services.add_attachment(
        user=cast.carrier, dossier=dossier, name="budget.pdf", content=PDF, content_type="application/pdf"
    )


def attachment_kwargs(cast, dossier):
    return {"reference": dossier.reference, "pk": cast.attachment.pk}


def departmental_opinion(cast, dossier):
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="Pertinent", reproducibility=Reproducibility.HIGH
    )


def regional_opinion(cast, dossier):
    services.record_regional_opinion(user=cast.region, dossier=dossier, verdict=Verdict.FAVOURABLE)


def import_job(cast, dossier):
    from logement_accompagne.imports.models import ImportJob

    job = ImportJob.objects.create(
        uploaded_by=cast.carrier, organisation=cast.landlord, call=dossier.call, original_name="projet.txt",
        file="imports/projet.txt", size_bytes=10,
    )  # fmt: skip
    return {"job_id": job.pk}


def import_jobs_of(user):
    from logement_accompagne.imports.models import ImportJob

    return ImportJob.objects.filter(uploaded_by=user)


def section_data(cast, dossier):
    return {"version": str(dossier.version), "households": "30", "dalo_eligible": "yes",
            "collective_agreements": "no", "pdalpd": "yes"}  # fmt: skip


def partner(cast, dossier):
    association = factories.OrganisationFactory(name="Association partenaire", kind="association")
    return {"organisation": association.pk}


# --- what a POST did, read back from the database -------------------------------------------


def confirmed(cast, dossier):
    """A confirmation page's form, sent (an empty POST would only show the page again)."""
    return {"comment": "Confirmé", "attested": "on"}


def nothing(cast, dossier, actor):
    """The action writes nothing of the programme's data (only journals and sessions)."""


def status_is(status):
    def check(cast, dossier, actor):
        dossier.refresh_from_db()
        assert dossier.status == status, (dossier.status, status)

    return check


def did(check):
    """An effect written as a condition on (cast, dossier, actor)."""

    def effect(cast, dossier, actor):
        dossier.refresh_from_db()
        assert check(cast, dossier, actor)

    return effect


# Written on every request by the framework or kept as journals: a refused request may touch them.
JOURNALS = {
    "sessions",
    "axes",
    "audit",
    "admin",
    "contenttypes",
    "django_tasks_database",
    "territories",
    "www",
}


def second_factor_confirmed(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def database_state() -> dict:
    """Every row of the programme's tables, to compare before and after a request."""
    from django.apps import apps

    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label not in JOURNALS
    }


def build_open_data():
    from logement_accompagne.reporting import opendata

    opendata.build()


def own_export(cast, dossier):
    from logement_accompagne.reporting.models import Export

    return {
        "reference": Export.objects.create(
            requested_by=cast.carrier, format="csv", columns=["name"]
        ).reference
    }


def publish(cast, dossier):
    from django.utils import timezone

    from logement_accompagne.reporting.models import PublicationConsent

    PublicationConsent.objects.create(dossier=dossier, given_by=cast.carrier, given_at=timezone.now())


def publication_given(dossier) -> bool:
    from logement_accompagne.reporting.models import PublicationConsent

    return PublicationConsent.objects.filter(dossier=dossier, withdrawn_at__isnull=True).exists()


CARRIER = {"carrier"}
NOT_NATIONAL = ["carrier", "carrier_other", "dept", "dept_other", "region", "region_other", "admin"]


def call_kwargs(cast, dossier):
    return {"slug": dossier.call.slug}


def call_data(cast, dossier):
    return {"title": "Appel 2027", "year": "2027", "opens_on": "2027-01-01", "closes_on": "2027-03-31",
            "envelope_eur": "1000000", "project_cap_eur": "100000", "min_duration_months": "12",
            "max_duration_months": "36", "national_target": "1000", "required_documents": "Statuts"}  # fmt: skip


# --- committee sessions (issue #12) ----------------------------------------------------------

COMMITTEE_READS = {**everyone(403), "anonymous": "login", "committee": "ok", "admin": "ok"}
COMMITTEE_ACTS = {**everyone(403), "anonymous": "login", "committee": "ok"}


def committee_session(cast, dossier):
    import datetime

    from logement_accompagne.grants import session_services

    if "session" not in cast:
        cast["session"] = session_services.open_session(
            user=cast.committee, held_on=datetime.date(2026, 12, 3), members_present="Claude Comité"
        )
    return {"reference": cast.session.reference}


def session_dossier(cast, dossier):
    return {**committee_session(cast, dossier), "dossier_reference": dossier.reference}


def proposed(cast, dossier):
    from logement_accompagne.grants import session_services

    kwargs = session_dossier(cast, dossier)
    session_services.propose(user=cast.committee, session=cast.session, dossier=dossier, selected=True,
                             amount_eur=Decimal("1000"))  # fmt: skip
    return kwargs


def proposed_session(cast, dossier):
    proposed(cast, dossier)
    return {"reference": cast.session.reference}


def session_opened(cast, dossier, actor):
    from logement_accompagne.grants.sessions import CommitteeSession

    assert CommitteeSession.objects.filter(
        created_by=cast[actor], members_present="Claude Comité\nAlex Martin"
    ).exists()


def granted_in_session(cast, dossier, actor):
    dossier.refresh_from_db()
    assert dossier.status == Status.SELECTED
    assert cast.session.proposals.get(dossier=dossier).decision.amount_granted_eur == Decimal("1000")


MATRIX: dict[str, list[Case]] = {
    # Access
    "home": [Case(logged_in())],
    "login": [Case(everyone())],
    "logout": [Case(everyone("redirect"), method="post", effect=nothing)],
    "password_reset": [
        Case(everyone()),
        Case(everyone(), method="post", data=lambda c, d: {"email": "x@y.fr"}, effect=nothing),
    ],
    "password_reset_done": [Case(everyone())],
    "password_reset_confirm": [Case(everyone(), kwargs=lambda c, d: {"uidb64": "MQ", "token": "jeton-faux"})],
    "password_reset_complete": [Case(everyone())],
    "accessibility": [Case(everyone())],
    # ProConnect: 404 for everyone while OIDC_RP_CLIENT_ID is unset (as here); the configured flow,
    # against a provider run by the test, is tests/www/test_proconnect.py. Both are GETs.
    "proconnect_start": [Case(everyone(404), notes="ProConnect not configured")],
    "proconnect_callback": [Case(everyone(404), notes="ProConnect not configured")],
    "second_factor": [
        Case(logged_in(), notes="the enrolment page (QR code); required of State agents in production"),
        Case(
            logged_in(),
            method="post",
            data=lambda c, d: {"token": "000000"},
            effect=did(lambda c, d, a: not second_factor_confirmed(c[a])),
            notes="a wrong code confirms nothing (tests/www/test_second_factor.py enrols for real)",
        ),
    ],
    # Carriers
    "dossiers:list": [
        Case(
            logged_in(
                **dict.fromkeys(["dept", "dept_other", "region", "region_other", "committee", "admin"], 403)
            )
        )
    ],  # fmt: skip
    "dossiers:create": [
        Case(
            logged_in(
                **dict.fromkeys(["dept", "dept_other", "region", "region_other", "committee", "admin"], 403)
            )
        ),  # fmt: skip
    ],
    "imports:upload": [
        Case(
            logged_in(
                **dict.fromkeys(["dept", "dept_other", "region", "region_other", "committee", "admin"], 403)
            )
        ),  # fmt: skip
    ],
    "imports:review": [
        Case(
            {**everyone(404), "anonymous": "login", "carrier": "ok"},
            state=Status.DRAFT,
            kwargs=import_job,
            notes="an import is private to the person who uploaded it",
        ),  # fmt: skip
    ],
    "imports:cancel": [
        Case(
            {**everyone(404), "anonymous": "login", "carrier": "ok"},
            state=Status.DRAFT,
            kwargs=import_job,
            method="post",
            effect=did(lambda c, d, a: not import_jobs_of(c.carrier).exists()),
            notes="cancelling the review deletes the uploader's own import, nothing else",
        ),
    ],
    "dossiers:detail": [
        Case(on_dossier(VIEWERS, draft=True), state=Status.DRAFT),
        Case(on_dossier(VIEWERS), state=Status.SUBMITTED),
    ],
    "dossiers:edit_section": [
        Case(on_dossier(CARRIER, draft=True), state=Status.DRAFT, kwargs=with_slug),
        Case(
            on_dossier(CARRIER, draft=True),
            state=Status.DRAFT,
            kwargs=with_slug,
            method="post",
            data=section_data,
            effect=did(lambda c, d, a: d.households == 30 and d.dalo_eligible == "yes"),
        ),
        Case(on_dossier(CARRIER), state=Status.RETURNED, kwargs=with_slug),
    ],
    "dossiers:autosave_section": [
        Case(
            on_dossier(CARRIER, draft=True),
            state=Status.DRAFT,
            kwargs=with_slug,
            method="post",
            data=section_data,
            effect=did(lambda c, d, a: d.households == 30 and d.dalo_eligible == "yes"),
            notes="the section page's automatic draft save (JSON), same service and conflict rule",
        ),
        Case(
            on_dossier(CARRIER),
            state=Status.RETURNED,
            kwargs=with_slug,
            method="post",
            data=section_data,
            effect=did(lambda c, d, a: d.households == 30),
        ),
    ],
    "dossiers:submit": [
        Case(on_dossier(CARRIER, draft=True), state=Status.DRAFT),
        Case(
            on_dossier(CARRIER, draft=True),
            state=Status.DRAFT,
            method="post",
            data=confirmed,
            effect=status_is(Status.SUBMITTED),
        ),
    ],
    "dossiers:resubmit": [
        Case(on_dossier(CARRIER), state=Status.RETURNED),
        Case(
            on_dossier(CARRIER),
            state=Status.RETURNED,
            method="post",
            data=confirmed,
            effect=did(lambda c, d, a: d.status == Status.DEPARTMENTAL_REVIEW and not d.returned_from_status),
        ),
    ],
    "dossiers:withdraw": [
        Case(on_dossier(CARRIER), state=Status.SUBMITTED),
        Case(
            on_dossier(CARRIER),
            state=Status.SUBMITTED,
            method="post",
            data=confirmed,
            effect=status_is(Status.WITHDRAWN),
        ),
    ],
    "dossiers:messages": [
        Case(on_dossier(VIEWERS), state=Status.SUBMITTED),
        Case(
            on_dossier(PARTICIPANTS),
            state=Status.SUBMITTED,
            method="post",
            data=lambda c, d: {"body": "Bonjour"},
            effect=did(lambda c, d, a: d.messages.filter(author=c[a], body="Bonjour").count() == 1),
        ),
    ],
    "dossiers:attachments": [
        Case(on_dossier(VIEWERS), state=Status.SUBMITTED),
        Case(
            on_dossier(CARRIER, draft=True),
            state=Status.DRAFT,
            method="post",
            data=lambda c, d: {"file": SimpleUploadedFile("note.pdf", PDF)},
            effect=did(lambda c, d, a: d.attachments.filter(original_name="note.pdf").count() == 1),
        ),  # fmt: skip
    ],
    "dossiers:pdf": [
        Case(on_dossier(VIEWERS, draft=True), state=Status.DRAFT),
        Case(on_dossier(VIEWERS), state=Status.COMMITTEE),
    ],
    "dossiers:attachment": [
        Case(on_dossier(VIEWERS), state=Status.SUBMITTED, before=add_attachment, kwargs=attachment_kwargs),
    ],
    "dossiers:carriers": [
        Case(on_dossier(VIEWERS), state=Status.SUBMITTED),
        Case(
            on_dossier(CARRIER, draft=True),
            state=Status.DRAFT,
            method="post",
            data=partner,
            # An invitation, not access: the partner carries the dossier only once it accepts.
            effect=did(
                lambda c, d, a: (
                    d.carrier_invitations.filter(
                        organisation__name="Association partenaire", state="pending"
                    ).exists()
                    and not d.carrier_links.filter(organisation__name="Association partenaire").exists()
                )
            ),
        ),
    ],
    "dossiers:receipt": [
        Case(
            on_dossier(VIEWERS),
            state=Status.SUBMITTED,
            kwargs=lambda c, d: {"reference": d.reference, "number": 1},
        )
    ],
    # Instructors
    "review:queue": [Case(logged_in(carrier=403, carrier_other=403))],
    "review:start": [
        Case(
            on_dossier({"dept"}),
            state=Status.SUBMITTED,
            method="post",
            effect=status_is(Status.DEPARTMENTAL_REVIEW),
        )
    ],
    "review:departmental_opinion": [
        Case(on_dossier({"dept"}), state=Status.DEPARTMENTAL_REVIEW),
        Case(
            on_dossier({"dept"}),
            state=Status.DEPARTMENTAL_REVIEW,
            method="post",
            data=lambda c, d: {"relevance": "Pertinent", "reproducibility": "high"},
            effect=did(
                lambda c, d, a: (
                    d.departmental_opinions.filter(author=c[a], relevance="Pertinent").exists()
                    and d.status == Status.DEPARTMENTAL_REVIEW
                )
            ),
        ),  # fmt: skip
    ],
    "review:forward_to_region": [
        Case(
            on_dossier({"dept"}),
            state=Status.DEPARTMENTAL_REVIEW,
            method="post",
            after=departmental_opinion,
            effect=status_is(Status.REGIONAL_REVIEW),
        ),
    ],
    "review:regional_opinion": [
        Case(on_dossier({"region"}), state=Status.REGIONAL_REVIEW),
        Case(
            on_dossier({"region"}),
            state=Status.REGIONAL_REVIEW,
            method="post",
            data=lambda c, d: {"verdict": "favourable"},
            effect=did(
                lambda c, d, a: d.regional_opinions.filter(author=c[a], verdict="favourable").exists()
            ),
        ),  # fmt: skip
    ],
    "review:forward_to_committee": [
        Case(
            on_dossier({"region"}),
            state=Status.REGIONAL_REVIEW,
            method="post",
            after=regional_opinion,
            effect=status_is(Status.COMMITTEE),
        ),
    ],
    "review:return_for_completion": [
        Case(on_dossier({"dept"}), state=Status.DEPARTMENTAL_REVIEW),
        Case(
            on_dossier({"dept"}),
            state=Status.DEPARTMENTAL_REVIEW,
            method="post",
            data=lambda c, d: {"message": "Compléter", "due_on": "2099-01-15"},
            effect=did(
                lambda c, d, a: d.status == Status.RETURNED and str(d.completion_due_on) == "2099-01-15"
            ),
        ),  # fmt: skip
        Case(on_dossier({"region"}), state=Status.REGIONAL_REVIEW),
    ],
    # Committee
    "committee:index": [
        Case(
            logged_in(
                **dict.fromkeys(
                    ["carrier", "carrier_other", "dept", "dept_other", "region", "region_other"], 403
                )
            )
        ),  # fmt: skip
    ],
    "committee:decide": [
        Case(on_dossier({"committee"}), state=Status.COMMITTEE),
        Case(
            on_dossier({"committee"}),
            state=Status.COMMITTEE,
            method="post",
            data=lambda c, d: {"selected": "yes", "amount_granted_eur": "1000"},
            effect=did(
                lambda c, d, a: (
                    d.status == Status.SELECTED
                    and d.committee_decisions.get().amount_granted_eur == Decimal("1000")
                )
            ),
        ),  # fmt: skip
    ],
    "committee:letter": [
        Case(on_dossier(VIEWERS), state=Status.SELECTED),
        Case(on_dossier(VIEWERS), state=Status.NOT_SELECTED),
    ],
    "committee:sessions": [
        Case(COMMITTEE_READS),
        Case(
            COMMITTEE_ACTS,
            method="post",
            data=lambda c, d: {"held_on": "2026-12-03", "members_present": "Claude Comité\nAlex Martin"},
            effect=session_opened,
        ),
    ],
    "committee:session": [Case(COMMITTEE_READS, state=Status.COMMITTEE, kwargs=committee_session)],
    "committee:minutes": [Case(COMMITTEE_READS, state=Status.SELECTED, kwargs=committee_session)],
    "committee:propose": [
        Case(COMMITTEE_ACTS, state=Status.COMMITTEE, kwargs=session_dossier),
        Case(
            COMMITTEE_ACTS,
            state=Status.COMMITTEE,
            kwargs=session_dossier,
            method="post",
            data=lambda c, d: {"selected": "yes", "amount_granted_eur": "1000"},
            effect=did(
                lambda c, d, a: (
                    c.session.proposals.filter(dossier=d, amount_eur=Decimal("1000")).exists()
                    and d.status == Status.COMMITTEE
                )
            ),
        ),  # fmt: skip
    ],
    "committee:record": [
        Case(
            COMMITTEE_ACTS, state=Status.COMMITTEE, kwargs=proposed, method="post", effect=granted_in_session
        ),
    ],
    "committee:confirm": [
        Case(
            COMMITTEE_ACTS,
            state=Status.COMMITTEE,
            kwargs=proposed_session,
            method="post",
            effect=granted_in_session,
        ),
    ],
    # The national level manages the calls
    "calls:list": [Case(logged_in(**dict.fromkeys(NOT_NATIONAL, 403)))],
    "calls:create": [
        Case(logged_in(**dict.fromkeys(NOT_NATIONAL, 403))),
        Case(
            logged_in(**dict.fromkeys(NOT_NATIONAL, 403)),
            method="post",
            data=call_data,
            effect=did(lambda c, d, a: Call.objects.filter(title="Appel 2027", year=2027).count() == 1),
        ),
    ],
    "calls:edit": [
        Case(logged_in(**dict.fromkeys(NOT_NATIONAL, 403)), kwargs=call_kwargs),
        Case(
            logged_in(**dict.fromkeys(NOT_NATIONAL, 403)),
            kwargs=call_kwargs,
            method="post",
            data=call_data,
            effect=did(lambda c, d, a: Call.objects.get(pk=d.call_id).title == "Appel 2027"),
        ),
    ],
    "committee:reopen": [
        Case(on_dossier({"committee"}), state=Status.SELECTED),
        Case(
            on_dossier({"committee"}),
            state=Status.NOT_SELECTED,
            method="post",
            data=lambda c, d: {"reason": "Erreur de montant"},
            effect=status_is(Status.COMMITTEE),
        ),  # fmt: skip
    ],
    # Steering dashboards (reporting): each level sees only its territory.
    "reporting:home": [Case(logged_in(carrier=403, carrier_other=403))],
    "reporting:export": [
        Case(logged_in()),
        Case(logged_in(), data=lambda c, d: {"format": "csv", "columns": ["name", "status"]}),
    ],
    "reporting:export_status": [
        Case(
            {**everyone(404), "anonymous": "login", "carrier": "ok"},
            kwargs=own_export,
            notes="an export is private to the person who asked for it",
        ),  # fmt: skip
    ],
    "reporting:export_download": [
        Case({**everyone(404), "anonymous": "login", "carrier": "ok"}, kwargs=own_export),
    ],
    "reporting:dossier_json": [Case(on_dossier(VIEWERS), state=Status.SUBMITTED)],
    # Public pages (steering): open data.
    "opendata:index": [Case(everyone())],
    "opendata:file": [
        Case(
            everyone(),
            state=Status.SELECTED,
            after=lambda c, d: build_open_data(),
            kwargs=lambda c, d: {"name": "chiffres-regions.csv"},
        ),  # fmt: skip
    ],
    # Public catalogue of practices (issue #11 item 6): anyone reads the published projects; only a
    # carrier of the dossier gives or withdraws its publication.
    "catalogue:index": [Case(everyone())],
    "catalogue:detail": [
        Case(everyone(), state=Status.SELECTED, after=lambda c, d: publish(c, d)),
        Case(everyone(404), state=Status.SELECTED, notes="without the carrier's consent: not published"),
    ],
    "catalogue:consent": [
        Case(on_dossier(CARRIER), state=Status.SELECTED),
        Case(
            on_dossier(CARRIER),
            state=Status.SELECTED,
            method="post",
            data=lambda c, d: {"publish": "oui"},
            effect=did(lambda c, d, a: publication_given(d)),
        ),
        Case(
            on_dossier(CARRIER),
            state=Status.SELECTED,
            after=lambda c, d: publish(c, d),
            method="post",
            data=lambda c, d: {"publish": "non"},
            effect=did(lambda c, d, a: not publication_given(d)),
            notes="withdrawing the consent",
        ),
    ],
    "reporting:map": [
        Case(
            {
                **everyone(403),
                "anonymous": "login",
                "region": "ok",
                "region_other": "ok",
                "committee": "ok",
                "admin": "ok",
            }
        ),  # fmt: skip
        Case(
            {**everyone(403), "anonymous": "login", "region": "ok", "committee": "ok", "admin": "ok"},
            kwargs=lambda c, d: {},
            data=lambda c, d: {"region": "24", "indicateur": "granted"},
        ),
    ],
    "reporting:national": [Case({**everyone(403), "anonymous": "login", "committee": "ok", "admin": "ok"})],
    "reporting:region": [
        Case(
            {**everyone(403), "anonymous": "login", "region": "ok", "committee": "ok", "admin": "ok"},
            kwargs=lambda c, d: {"code": "24"},
        )
    ],
    "reporting:department": [
        Case(
            {
                **everyone(403),
                "anonymous": "login",
                "dept": "ok",
                "region": "ok",
                "committee": "ok",
                "admin": "ok",
            },
            kwargs=lambda c, d: {"code": "45"},
        )
    ],
}


# --- « Mon organisation » (issue #7 items 4, 6, 7): invitations, members, notifications ------------


def managers(cast, dossier):
    """The carrier administers his organisation; the departmental instructor heads his service."""
    from logement_accompagne.organisations.enums import Role
    from logement_accompagne.organisations.models import Membership

    Membership.objects.get_or_create(
        user=cast.carrier, organisation=cast.landlord, role=Role.ORGANISATION_ADMIN
    )
    Membership.objects.get_or_create(
        user=cast.dept, organisation=factories.departmental_service("45"), role=Role.SERVICE_HEAD
    )


def landlord_kwargs(cast, dossier):
    managers(cast, dossier)
    return {"organisation_id": cast.landlord.pk}


def support_membership_kwargs(cast, dossier):
    from logement_accompagne.organisations.enums import Role
    from logement_accompagne.organisations.models import Membership

    managers(cast, dossier)
    cast["membership"] = Membership.objects.get(user=cast.support_worker, role=Role.SUPPORT_WORKER)
    return {"pk": cast["membership"].pk}


def invitation_to_other_landlord(cast, dossier):
    """The other landlord (no administrator: its carrier answers) is invited on the dossier."""
    cast["invitation"] = services.invite_carrier(
        user=cast.carrier, dossier=dossier, organisation=cast.other_landlord
    )
    return {"pk": cast["invitation"].pk}


ONLY_MANAGERS = {**everyone(403), "anonymous": "login", "carrier": "ok", "dept": "ok"}
MATRIX.update(
    {
        "organisations:invitations": [Case(logged_in())],
        "organisations:answer_invitation": [
            Case(
                {**everyone(404), "anonymous": "login", "carrier_other": "ok"},
                method="post",
                state=Status.DRAFT,
                kwargs=invitation_to_other_landlord,
                data=lambda c, d: {"answer": "accept"},
                effect=did(
                    lambda c, d, a: (
                        d.carrier_links.filter(organisation=c.other_landlord).exists()
                        and d.carrier_invitations.get().state == "accepted"
                    )
                ),
                notes="only the invited organisation's administrators (here: its carrier, none being admin)",
            ),
        ],
        "organisations:members": [Case(ONLY_MANAGERS, kwargs=lambda c, d: managers(c, d) or {})],
        "organisations:invite_member": [
            Case(
                {**ONLY_MANAGERS, "dept": 403},
                method="post",
                kwargs=landlord_kwargs,
                data=lambda c, d: {
                    f"o{c.landlord.pk}-email": "nouvelle@exemple.fr",
                    f"o{c.landlord.pk}-role": "carrier",
                },
                effect=lambda c, d, a: c.landlord.memberships.get(
                    user__email="nouvelle@exemple.fr", role="carrier"
                ),
            ),
        ],
        "organisations:change_role": [
            Case(
                {**ONLY_MANAGERS, "dept": 403},
                method="post",
                kwargs=support_membership_kwargs,
                data=lambda c, d: {f"m{c.membership.pk}-role": "support_manager"},
                effect=lambda c, d, a: c.landlord.memberships.get(
                    user=c.support_worker, role="support_manager"
                ),
            ),
        ],
        "organisations:end_membership": [
            Case(
                {**ONLY_MANAGERS, "dept": 403},
                method="post",
                kwargs=support_membership_kwargs,
                effect=did(lambda c, d, a: not c.landlord.memberships.filter(user=c.support_worker).exists()),
            ),
        ],
        "organisations:notifications": [Case(logged_in())],
    }
)


# Households (issue #10): declared with the support workers in test_households_access.py.
def _households_matrix():
    from .test_households_access import _shared_matrix

    return _shared_matrix()


MATRIX.update(_households_matrix())


# Agreements, payments and reports (issue #12): declared with their pages in test_grants_pages.py.
def _grants_matrix():
    from .test_grants_pages import grants_matrix

    return grants_matrix()


MATRIX.update(_grants_matrix())


# « Jetons d'API » (issue #11 item 5): the administrator of an organisation (the carrier here, of his
# landlord) or the head of a State service (the departmental instructor here) manages its tokens.


def api_token_of_landlord(cast, dossier):
    from logement_accompagne.reporting import tokens

    managers(cast, dossier)
    cast["api_token"], _ = tokens.issue(
        user=cast.carrier, organisation=cast.landlord, label="Outil du bailleur"
    )
    return {"pk": cast["api_token"].pk}


def _api_token_created(cast, dossier, actor):
    from logement_accompagne.reporting.models import ApiToken

    assert ApiToken.objects.filter(label="Outil", created_by=cast[actor], revoked_at__isnull=True).exists()


def _api_token_revoked(cast, dossier, actor):
    cast.api_token.refresh_from_db()
    assert cast.api_token.revoked_at is not None


MATRIX.update(
    {
        "organisations:api_tokens": [
            Case(ONLY_MANAGERS, kwargs=lambda c, d: managers(c, d) or {}),
            Case(
                ONLY_MANAGERS,
                method="post",
                kwargs=lambda c, d: managers(c, d) or {},
                data=lambda c, d: {"label": "Outil"},
                effect=_api_token_created,
                notes="the token is shown once, in this response (200)",
            ),
        ],
        "organisations:revoke_api_token": [
            Case(
                {**ONLY_MANAGERS, "dept": 404},
                method="post",
                kwargs=api_token_of_landlord,
                effect=_api_token_revoked,
                notes="another organisation's manager: 404, the token's existence is not revealed",
            ),
        ],
    }
)


def site_url_names() -> list[str]:
    """Every route of the site, as "namespace:name" (unnamed routes are listed by their pattern)."""
    names: list[str] = []

    def walk(patterns, prefix: str, route: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, namespace, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                names.append(
                    prefix + pattern.name if pattern.name else f"(sans nom) {route}{pattern.pattern}"
                )

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_of_the_site_is_declared_in_the_matrix():
    declared, routes = set(MATRIX) | set(api_matrix()), set(site_url_names())
    assert routes - declared == set(), "URL absentes de la matrice d'accès (à déclarer dans MATRIX)"
    assert declared - routes == set(), "entrées de la matrice qui ne correspondent plus à aucune URL"


def test_the_admin_is_for_staff_only(client, cast):
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(cast.carrier)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(cast.admin)
    assert client.get(reverse("admin:index")).status_code == 200


CASES = [
    pytest.param(name, index, actor, id=f"{name}-{MATRIX[name][index].method}{index}-{actor}")
    for name in site_url_names()
    if name in MATRIX
    for index in range(len(MATRIX[name]))
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "index", "actor"), CASES)
def test_access(client, cast, name, index, actor):
    case = MATRIX[name][index]
    dossier = cast.dossier
    if case.state is not None:
        case.before(cast, dossier)
        dossier = advance(cast, case.state)
        case.after(cast, dossier)
    if case.kwargs is not None:
        kwargs = case.kwargs(cast, dossier)
    else:
        kwargs = {"reference": dossier.reference} if case.state is not None else {}
    url = reverse(name, kwargs=kwargs)
    if actor != "anonymous":
        client.force_login(cast[actor])
    data = case.data(cast, dossier)
    before = database_state() if case.method == "post" else None
    response = getattr(client, case.method)(url, data)
    expected = case.expect[actor]
    login_url = reverse("login")
    if case.method == "post":
        if expected in ("ok", "redirect"):
            assert case.effect is not None, f"{name} : déclarez ce que fait ce POST autorisé (effect=...)"
            case.effect(cast, dossier, actor)
        else:
            assert database_state() == before, f"{name} refusé à {actor} a pourtant modifié la base"
    if expected == "ok":
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(login_url)
    elif expected == "redirect":
        assert response.status_code == 302
    elif expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(login_url)
    elif expected == 403:
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()
    else:
        assert response.status_code == 404


def test_a_refused_action_changes_nothing(client, cast):
    """A 403 on a transition is not only a page: the dossier is untouched."""
    advance(cast, Status.SUBMITTED)
    for actor in ("carrier", "region", "committee", "admin"):
        client.force_login(cast[actor])
        client.post(reverse("review:start", args=[cast.dossier.reference]))
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.SUBMITTED
    assert services.granted_total(cast.dossier.call) == Decimal("0")


# --- The read API (issue #11 item 5), generated from its ninja routes ------------------------------
# A session is not an API credential: every route behind a token answers 401 to every logged-in
# person without one. With the token of the person's organisation, the token sees what the pages show
# that organisation: the dossier (filed, in department 45) for its carriers and the State services of
# its territory and the committee, 404 for the others; figures for State services only (403 for
# carriers). The OpenAPI description and its docs are public; the API root is a 404.


def api_matrix() -> dict[str, str]:
    """Every route of the API as "api:<url_name>" → "token" (behind a token) or "public"."""
    from logement_accompagne.reporting.api import api

    routes = {
        "api:openapi-json": "public",
        "api:openapi-view": "public",
        # ninja's root of the API: a 404 (its index is only shown in DEBUG).
        "api:api-root": "root",
    }
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                assert operation.url_name, "chaque route de l'API est nommée (url_name=...)"
                routes[f"api:{operation.url_name}"] = "token" if operation.auth_callbacks else "public"
    return routes


# What each person's organisation token reads of the filed dossier of department 45 (None: no organisation).
API_DOSSIER = {"anonymous": None, "carrier": 200, "carrier_other": 404, "dept": 200, "dept_other": 404,
               "region": 200, "region_other": 404, "committee": 200, "admin": None}  # fmt: skip
API_FIGURES = {**API_DOSSIER, "carrier": 403, "carrier_other": 403, "dept_other": 200, "region_other": 200}


def _api_expected(name: str, actor: str):
    if name in ("api:dossier", "api:opinions", "api:decisions"):
        return API_DOSSIER[actor]
    if name == "api:figures":
        return API_FIGURES[actor]
    return None if actor in ("anonymous", "admin") else 200


@pytest.mark.parametrize(
    ("name", "actor"),
    [pytest.param(name, actor, id=f"{name}-{actor}") for name in api_matrix() for actor in ACTORS],
)
def test_api_access(client, cast, name, actor):
    from django.core.cache import cache

    from logement_accompagne.organisations.models import Membership
    from logement_accompagne.reporting import tokens

    cache.clear()
    dossier = advance(cast, Status.SUBMITTED)
    kwargs = {"reference": dossier.reference} if "{reference}" in _api_path(name) else {}
    url = reverse(name, kwargs=kwargs)
    if api_matrix()[name] == "root":
        assert client.get(url).status_code == 404
        return
    if api_matrix()[name] == "public":
        assert client.get(url).status_code in (200, 302)
        return
    assert client.get(url).status_code == 401
    if actor == "anonymous":
        return
    client.force_login(cast[actor])
    assert client.get(url).status_code == 401, "une session ne vaut pas jeton d'API"
    membership = Membership.objects.filter(user=cast[actor]).select_related("organisation").first()
    expected = _api_expected(name, actor)
    assert (membership is None) == (expected is None)
    if membership is None:
        return
    token = tokens.ApiToken.objects.create(
        organisation=membership.organisation, label="matrice", digest=tokens.digest_of(f"la_{actor}"),
        prefix="la_", created_by=cast[actor],
    )  # fmt: skip
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer la_{actor}")
    assert response.status_code == expected, (response.status_code, response.content[:200])
    token.revoked_at = token.created_at
    token.save()
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer la_{actor}").status_code == 401


def _api_path(name: str) -> str:
    from logement_accompagne.reporting.api import api

    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if any(f"api:{operation.url_name}" == name for operation in path_view.operations):
                return path
    return ""
