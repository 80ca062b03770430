"""One way in: the back office saves and deletes dossiers through the services, with an actor and
the same checks; history is protected from cascades."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, Transition
from logement_accompagne.dossiers.permissions import InvalidTransition
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def admin_form(client, dossier) -> dict:
    """The admin change form's current values, as the browser would post them back."""
    response = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value())
        for index, inline_form in enumerate(formset.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[f"{formset.formset.prefix}-{index}-{name}"] = "on" if value is True else str(value)
    return data


def test_the_admin_cannot_change_what_a_filed_dossier_was_decided_on(client, cast):
    dossier = advance(cast, Status.SUBMITTED)
    client.force_login(cast.admin)
    page = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    form = page.context["adminform"].form
    assert {"status", "departments", "requested_amount_eur", "call"}.isdisjoint(form.fields)
    inlines = {f.opts.__class__.__name__: f for f in page.context["inline_admin_formsets"]}
    assert not any(f.has_add_permission or f.has_change_permission for name, f in inlines.items()
                   if name in ("CarrierInline", "CostLineInline", "CofundingLineInline"))  # fmt: skip
    version = dossier.version
    data = admin_form(client, dossier)
    data.update(summary="Résumé corrigé par l'exploitation", status="selected", requested_amount_eur="1")
    response = client.post(reverse("admin:dossiers_dossier_change", args=[dossier.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dossier.refresh_from_db()
    assert dossier.summary == "Résumé corrigé par l'exploitation"
    assert dossier.status == Status.SUBMITTED and dossier.requested_amount_eur == 30000
    assert dossier.version == version + 1 and dossier.updated_by == cast.admin


def test_the_service_refuses_locked_fields_even_without_the_admin(cast):
    dossier = advance(cast, Status.SUBMITTED)
    with pytest.raises(Exception, match="montant demandé"):
        services.save_from_back_office(
            user=cast.admin, dossier=dossier, changed_fields=["requested_amount_eur"]
        )
    with pytest.raises(Exception, match="départements"):
        services.save_from_back_office(user=cast.admin, dossier=dossier, changed_fields=["departments"])
    with pytest.raises(Exception, match="exploitation"):
        services.save_from_back_office(user=cast.carrier, dossier=dossier, changed_fields=["summary"])


def test_a_draft_keeps_its_amount_editable_in_the_admin(client, cast):
    client.force_login(cast.admin)
    form = (
        client.get(reverse("admin:dossiers_dossier_change", args=[cast.dossier.pk])).context["adminform"].form
    )
    assert "requested_amount_eur" in form.fields and "status" not in form.fields


def test_only_drafts_are_deleted_and_never_through_a_cascade(client, cast):
    filed = advance(cast, Status.SUBMITTED)
    draft = factories.DossierFactory(carrier=cast.landlord)
    services.update_dossier(
        user=cast.carrier, dossier=draft, expected_version=draft.version, values={"name": "x"}
    )
    Transition.objects.create(dossier=draft, actor=cast.carrier, from_status="draft", to_status="draft")
    client.force_login(cast.admin)
    assert client.get(reverse("admin:dossiers_dossier_delete", args=[filed.pk])).status_code == 403
    changelist = reverse("admin:dossiers_dossier_changelist")
    mixed = client.post(changelist, {"action": "delete_selected", "_selected_action": [filed.pk, draft.pk],
                                     "post": "yes"})  # fmt: skip
    assert mixed.status_code == 200 and "son historique est conservé" in mixed.content.decode()
    assert Dossier.objects.count() == 2
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Dossier.objects.values_list("pk", flat=True)) == [filed.pk]
    with pytest.raises(InvalidTransition, match="Seul un brouillon"):
        services.delete_draft(user=cast.admin, dossier=filed)
    with pytest.raises(ProtectedError):
        Dossier.objects.filter(pk=filed.pk).delete()
    assert Dossier.objects.filter(pk=filed.pk).exists()


def test_the_admin_cannot_create_a_dossier(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
