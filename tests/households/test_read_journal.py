"""Reads of a household's personal data go to the platform's one journal of reads (audit.ReadEntry)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.households import selectors
from logement_accompagne.households.audit import EPISODE_TARGET, record_read

from .conftest import register


def test_reading_a_household_writes_one_journal_entry_the_manager_sees(client, project):
    episode = register(project, last_name="Zébulon")
    client.force_login(project.worker)
    page = client.get(reverse("households:detail", args=[episode.household.reference]))
    assert page.status_code == 200 and "ZÉBULON" in page.content.decode().upper()
    entry = ReadEntry.objects.get()
    assert (entry.actor, entry.target_type, entry.target_id, entry.household_ref, entry.detail) == (
        project.worker, EPISODE_TARGET, str(episode.pk), str(episode.household_id), "fiche du ménage"
    )  # fmt: skip
    client.get(reverse("households:list", args=[project.dossier.reference]))
    assert ReadEntry.objects.filter(detail="liste des ménages (noms)").count() == 1
    # The manager's log: the journal's entries of the project, with the pseudonymous reference.
    shown = list(selectors.reads_visible_to(project.manager, project.dossier))
    assert [r.household_reference for r in shown] == [episode.household.reference] * 2
    client.force_login(project.manager)
    log = client.get(reverse("households:reads", args=[project.dossier.reference])).content.decode()
    assert log.count(episode.household.reference) >= 2 and "fiche du ménage" in log
    # Nobody else's manager sees it.
    assert not selectors.reads_visible_to(project.worker_other).exists()


def test_the_right_of_access_export_is_journalled_too(client, project):
    episode = register(project)
    client.force_login(project.worker)
    response = client.get(reverse("households:export", args=[episode.household.reference, "json"]))
    assert response.status_code == 200 and response.json()["members"][0]["last_name"] == "Martin"
    assert ReadEntry.objects.get().detail == "export json (droit d'accès)"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger PostgreSQL seulement (SQLite : refus par le modèle)"
)
def test_postgresql_refuses_to_change_or_delete_a_household_read(project):
    entry = record_read(project.worker, register(project), what="fiche du ménage")
    for sql in (f"UPDATE audit_readentry SET detail = 'x' WHERE id = {entry.pk}",
                f"DELETE FROM audit_readentry WHERE id = {entry.pk}"):  # fmt: skip
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert ReadEntry.objects.get().detail == "fiche du ménage"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_former_read_log_moves_into_the_journal_with_its_dates():
    call_command("load_territories", verbosity=0)
    from .conftest import project as make_project

    cast = make_project.__wrapped__(None)
    episode = register(cast)
    before = "0002_no_contact_after_exit"
    try:
        old = _migrate([("households", before)])
        PersonalDataRead = old.get_model("households", "PersonalDataRead")
        PersonalDataRead.objects.create(user_id=cast.worker.pk, household_id=episode.household_id,
                                        household_reference=episode.household.reference,
                                        dossier_id=cast.dossier.pk, what="fiche du ménage")  # fmt: skip
        PersonalDataRead.objects.create(user_id=cast.manager.pk, household_id=None, household_reference="M-GONE234",
                                        dossier_id=cast.dossier.pk, what="liste des ménages (noms)")  # fmt: skip
        when = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)
        PersonalDataRead.objects.update(at=when)
    finally:
        # Forward to the latest migrations (not to 0003 only): the tests that follow need the current
        # schema, columns added later included.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert "households_personaldataread" not in connection.introspection.table_names()
    moved = {e.actor_id: e for e in ReadEntry.objects.all()}
    assert len(moved) == 2 and {e.at for e in moved.values()} == {when}
    read = moved[cast.worker.pk]
    assert (read.target_type, read.target_id, read.household_ref, read.detail, read.actor_email) == (
        EPISODE_TARGET, str(episode.pk), str(episode.household_id), "fiche du ménage", cast.worker.email
    )  # fmt: skip
    gone = moved[cast.manager.pk]
    assert (gone.target_type, gone.target_id, gone.household_ref) == ("households.household", "M-GONE234", "")
    assert [r.household_reference for r in selectors.reads_visible_to(cast.manager)] == [
        episode.household.reference
    ]
