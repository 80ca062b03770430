"""The audit journal: every field change on a dossier and every read of a dossier or an attachment,
append-only, readable but not editable from the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from logement_accompagne.audit import selectors
from logement_accompagne.audit.models import AppendOnly, FieldChange, ReadEntry
from logement_accompagne.audit.services import record_changes, record_read, record_reads
from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import CostKind, Status
from tests.lifecycle import advance

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def test_a_section_saved_through_the_page_journals_each_changed_field(client, cast):
    dossier = cast.dossier
    client.force_login(cast.carrier)
    url = reverse("dossiers:edit_section", kwargs={"reference": dossier.reference, "slug": "publics"})
    data = {"version": str(dossier.version), "households": "30", "dalo_eligible": "yes",
            "collective_agreements": "no", "pdalpd": "yes"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    changes = list(selectors.changes_of(dossier))
    assert [(c.field, c.before, c.after) for c in changes] == [("households", 25, 30)]
    change = changes[0]
    assert change.actor == cast.carrier and change.actor_email == cast.carrier.email
    assert change.target_type == "dossiers.dossier" and change.target_id == str(dossier.pk)
    # Saving the same values again changes nothing, so journals nothing.
    data["version"] = str(dossier.version + 1)
    assert client.post(url, data).status_code == 302
    assert selectors.changes_of(dossier).count() == 1


def test_financial_lines_and_departments_are_journalled_with_their_values(cast):
    dossier = cast.dossier
    services.update_dossier(
        user=cast.carrier, dossier=dossier, expected_version=dossier.version, values={"name": "Nouveau nom"},
        department_codes=["45"], cost_lines=[{"kind": CostKind.SUPPORT, "amount_eur": "1200.50"}],
    )  # fmt: skip
    by_field = {c.field: c for c in selectors.changes_of(dossier)}
    assert by_field["name"].before == "Bail glissant Orléans" and by_field["name"].after == "Nouveau nom"
    assert by_field["cost_lines"].after[0]["kind"] == CostKind.SUPPORT
    assert by_field["cost_lines"].after[0]["amount_eur"].startswith("1200.5")
    assert "departments" not in by_field  # already 45: not a change
    assert selectors.changes_by(cast.carrier).count() == len(by_field)


def test_a_refused_save_journals_nothing(cast):
    dossier = cast.dossier
    with pytest.raises(services.StaleDossier):
        services.update_dossier(
            user=cast.carrier, dossier=dossier, expected_version=dossier.version - 1, values={"households": 3}
        )
    with pytest.raises(ValidationError):  # an invalid value: the whole save is undone
        services.update_dossier(
            user=cast.carrier, dossier=dossier, expected_version=dossier.version,
            values={"households": 4, "duration_months": -5},
        )  # fmt: skip
    assert not FieldChange.objects.exists()
    dossier.refresh_from_db()
    assert dossier.households == 25


def test_reading_a_dossier_is_journalled_for_whoever_reads_it(client, cast):
    dossier = advance(cast, Status.SUBMITTED)
    for person in (cast.carrier, cast.dept, cast.committee):
        client.force_login(person)
        assert client.get(reverse("dossiers:detail", args=[dossier.reference])).status_code == 200
    reads = selectors.reads_of(dossier)
    assert sorted(reads.values_list("actor_email", flat=True)) == sorted(
        [cast.carrier.email, cast.dept.email, cast.committee.email]
    )
    assert selectors.reads_by(cast.dept).get().target_id == str(dossier.pk)
    # Someone who may not see the dossier gets 404 and leaves no read behind.
    client.force_login(cast.dept_other)
    assert client.get(reverse("dossiers:detail", args=[dossier.reference])).status_code == 404
    assert not selectors.reads_by(cast.dept_other).exists()


def test_downloading_an_attachment_is_journalled(client, cast):
    attachment = services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="budget.pdf",
                                         content=PDF, content_type="application/pdf")  # fmt: skip
    dossier = advance(cast, Status.SUBMITTED)
    client.force_login(cast.region)
    url = reverse("dossiers:attachment", kwargs={"reference": dossier.reference, "pk": attachment.pk})
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    entry = selectors.reads_of(attachment).get()
    assert entry.actor == cast.region and entry.target_type == "dossiers.attachment"
    assert str(dossier.reference) in entry.detail


def test_reads_of_personal_data_carry_the_household(cast):
    record_read(cast.dept, target_type="households.contact", target_id=17, household=42, detail="contacts")
    record_read(cast.region, target_type="households.household", target_id=42, household=42)
    assert selectors.reads_of_household(42).count() == 2
    assert selectors.reads_of(target_type="households.contact", target_id=17).get().actor == cast.dept
    with pytest.raises(ValueError):
        record_read(cast.dept)


def test_many_reads_are_journalled_in_one_go_each_as_record_read_would(cast):
    """record_reads writes its rows by hand (a list page): the same columns as record_read, any number
    (930: three statements of at most READS_PER_STATEMENT, within SQLite's parameter limit)."""
    assert record_reads(cast.dept, "households.supportepisode", [], detail="rien") == 0
    assert record_reads(cast.dept, "households.supportepisode", [(n, 1000 + n) for n in range(930)],
                        detail="liste") == 930  # fmt: skip
    single = record_read(cast.dept, target_type="households.supportepisode", target_id=7, household=1007,
                         detail="liste")  # fmt: skip
    many = ReadEntry.objects.exclude(pk=single.pk)
    assert many.count() == 930 and selectors.reads_of_household(1007).count() == 2
    assert set(many.values_list("target_id", "household_ref")) == {
        (str(n), str(1000 + n)) for n in range(930)
    }
    entry = many.get(target_id="7")
    columns = ("actor_id", "actor_email", "target_type", "household_ref", "detail")
    assert [getattr(entry, c) for c in columns] == [getattr(single, c) for c in columns]
    assert abs((entry.at - single.at).total_seconds()) < 60
    record_reads(None, "households.supportepisode", [(1, None)])
    assert ReadEntry.objects.filter(actor=None, actor_email="", household_ref="").count() == 1


def test_the_journal_is_append_only(cast):
    entry = record_read(cast.dept, cast.dossier)
    record_changes(cast.carrier, cast.dossier, {"name": "a"}, {"name": "b"})
    entry.detail = "effacé"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        ReadEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        FieldChange.objects.update(after="c")
    assert FieldChange.objects.get().after == "b"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger PostgreSQL seulement")
def test_postgresql_itself_refuses_to_change_the_journal(cast):
    record_changes(cast.carrier, cast.dossier, {"name": "a"}, {"name": "b"})
    for sql in ("UPDATE audit_fieldchange SET field = 'x'", "DELETE FROM audit_fieldchange"):
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert FieldChange.objects.get().field == "name"


def test_a_person_with_a_history_cannot_be_deleted(cast):
    from django.db.models import ProtectedError

    record_read(cast.dept, cast.dossier)
    with pytest.raises(ProtectedError):
        cast.dept.delete()
    # Though the journal has no constraint in the database: a person whose only history is a read,
    # or a change, stays; one with none may go.
    from tests.factories import UserFactory

    reader, editor, newcomer = UserFactory(), UserFactory(), UserFactory()
    record_read(reader, cast.dossier)
    record_changes(editor, cast.dossier, {"name": "a"}, {"name": "b"})
    for person in (reader, editor):
        with pytest.raises(ProtectedError):
            person.delete()
    newcomer.delete()


def test_the_admin_shows_the_journal_but_cannot_change_it(client, cast):
    entry = record_read(cast.dept, cast.dossier)
    change = record_changes(cast.carrier, cast.dossier, {"name": "a"}, {"name": "b"})[0]
    client.force_login(cast.admin)
    for model, obj in (("readentry", entry), ("fieldchange", change)):
        assert client.get(reverse(f"admin:audit_{model}_changelist")).status_code == 200
        page = client.get(reverse(f"admin:audit_{model}_change", args=[obj.pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(reverse(f"admin:audit_{model}_change", args=[obj.pk]), {}).status_code == 403
        assert client.get(reverse(f"admin:audit_{model}_add")).status_code == 403
        assert (
            client.post(reverse(f"admin:audit_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert ReadEntry.objects.count() == 1 and FieldChange.objects.count() == 1


def test_reads_are_indexed_by_target_and_by_actor():
    with connection.cursor() as cursor:
        for table in ("audit_readentry", "audit_fieldchange"):
            indexes = [c["columns"] for c in connection.introspection.get_constraints(cursor, table).values()
                       if c["index"]]  # fmt: skip
            assert ["target_type", "target_id", "at"] in indexes
            assert ["actor_id", "at"] in indexes
            # Nothing more to maintain per entry: no index of the key alone, no constraint checked at
            # commit (a list page writes fifty entries at once).
            constraints = connection.introspection.get_constraints(cursor, table).values()
            assert ["actor_id"] not in indexes
            assert not [c for c in constraints if c["foreign_key"]], table
