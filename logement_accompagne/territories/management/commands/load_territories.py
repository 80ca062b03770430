"""Load the regions and departments of the INSEE COG into the database.

Why a command rather than a data migration: the reference files are rebuilt each year
(``scripts/build_territories_data.py``), and re-running this command after a rebuild must bring
the database in line without a new migration.  It is idempotent (rows are created or updated,
a second run changes nothing) and runs in one transaction, so a failure leaves the table as it was.
Rows absent from the files are left alone: dossiers and accounts point at them (``PROTECT``).
"""

from django.core.management.base import BaseCommand
from django.db import models, transaction

from logement_accompagne.importer import cog
from logement_accompagne.territories.models import Department, Region


def synchronise(model: type[models.Model], wanted: dict[str, dict[str, object]]) -> dict[str, int]:
    """Create or update ``model`` rows so that each primary key in ``wanted`` has those values.

    Returns the number of rows created, updated, unchanged, and present in the database but not
    in ``wanted`` (kept).
    """
    existing = model.objects.in_bulk()
    to_create, to_update, changed_fields = [], [], set()
    for pk, values in wanted.items():
        row = existing.get(pk)
        if row is None:
            to_create.append(model(pk=pk, **values))
            continue
        differing = {field for field, value in values.items() if getattr(row, field) != value}
        if differing:
            for field in differing:
                setattr(row, field, values[field])
            changed_fields |= differing
            to_update.append(row)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(wanted) - len(to_create) - len(to_update),
        "extra": len(set(existing) - set(wanted)),
    }


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les régions et départements du Code officiel géographique (INSEE) "
        "à partir des fichiers de logement_accompagne/importer/data/ (idempotent)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # Regions first: departments point at them, current and pre-2016 alike.
        regions = synchronise(
            Region,
            {r.code: {"name": r.name, "is_current": r.is_current} for r in cog.regions().values()},
        )
        departments = synchronise(
            Department,
            {
                d.code: {"name": d.name, "region_id": d.region_code, "former_region_id": d.former_region_code}
                for d in cog.departments().values()
            },
        )
        if options["verbosity"] >= 1:
            self._report("Régions", regions)
            self._report("Départements", departments)

    def _report(self, label: str, counts: dict[str, int]) -> None:
        total = counts["created"] + counts["updated"] + counts["unchanged"]
        line = (
            f"{label} : {total} dans le référentiel — {counts['created']} créé(s), "
            f"{counts['updated']} mis à jour, {counts['unchanged']} inchangé(s)"
        )
        if counts["extra"]:
            line += f" ; {counts['extra']} absent(s) du référentiel conservé(s) en base"
        self.stdout.write(self.style.SUCCESS(line) if counts["created"] or counts["updated"] else line)
