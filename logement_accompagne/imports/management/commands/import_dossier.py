"""``manage.py import_dossier PATH [PATH ...] [--json] [--save --call SLUG --as EMAIL [--organisation ID]]``.

Reads filled "Présentation synthétique" forms (Word, OpenDocument, PDF, text; the format is told
from the content). ``--json`` prints the canonical documents on stdout and nothing else there;
otherwise a short French summary per file. ``--save`` creates a draft dossier per file on a call,
on behalf of a person (``--as``) and through the same service and checks as an import on the web:
a carrier of the organisation, an open call, only that organisation attached.
A file that cannot be read gives one line ``path: message`` on stderr, the others go on, and the
command ends with exit code 1.
"""

from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.checks import closing_breach
from logement_accompagne.dossiers.duplicates import arrival_warnings
from logement_accompagne.importer import MAX_DOCUMENT_BYTES, DocumentImportError, parse_document
from logement_accompagne.importer.detect import FORMAT_LABELS
from logement_accompagne.imports.services import import_draft

TRI_LABELS = {"yes": "oui", "no": "non", "unknown": "inconnu"}


class Command(BaseCommand):
    """The import_dossier management command."""

    help = "Importe des présentations synthétiques remplies (Word, OpenDocument, PDF, texte)."
    # Reading files needs neither URLs nor admin: checks of other apps must not block an import.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        """PATH..., --json, --save, --call."""
        parser.add_argument("paths", nargs="+", metavar="PATH", help="fichiers à importer")
        parser.add_argument(
            "--json", action="store_true", help="affiche le JSON canonique (tableau si plusieurs)"
        )
        parser.add_argument("--save", action="store_true", help="crée un dossier brouillon par fichier")
        parser.add_argument("--call", metavar="SLUG", help="appel à projets des dossiers créés (avec --save)")
        parser.add_argument(
            "--as", dest="as_email", metavar="EMAIL",
            help="personne (porteur de projet) au nom de qui les dossiers sont créés (avec --save)",
        )  # fmt: skip
        parser.add_argument(
            "--organisation", metavar="ID",
            help="organisme porteur (numéro) si la personne en porte plusieurs (avec --save)",
        )  # fmt: skip

    def handle(self, *args, **options):
        """Parse every path, print JSON or summaries, save drafts if asked; exit 1 if any file failed."""
        call = self._call(options) if options["save"] else None
        actor, organisation = self._actor(options, call) if call is not None else (None, None)
        documents: list[dict] = []
        failures = 0
        for path in options["paths"]:
            try:
                data = _read(path)
                result = parse_document(data, filename=os.path.basename(path))
            except DocumentImportError as error:
                failures += 1
                self.stderr.write(f"{path}: {error.message}")
                continue
            documents.append(result.canonical)
            saved = None
            if call is not None:
                try:
                    saved = import_draft(
                        user=actor, call=call, organisation=organisation, canonical=result.canonical,
                        original_file=(os.path.basename(path), data),
                    )  # fmt: skip
                except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
                    failures += 1
                    message = getattr(error, "messages", None) or [str(error)]
                    self.stderr.write(f"{path}: enregistrement impossible : {' '.join(map(str, message))}")
                    continue
                # A possible duplicate, a project outside the organisation's department: said, not refused.
                for warning in arrival_warnings(saved, organisation=organisation):
                    self.stderr.write(f"{path}: attention : {warning}")
            if not options["json"]:
                self._summary(path, result, saved)
            else:  # stdout holds the JSON only: warnings go to stderr, marked as such
                for warning in result.warnings:
                    self.stderr.write(f"{path}: attention : {warning}")
        if options["json"]:
            # One path: its document alone (nothing if it failed); several paths: always an array.
            if len(options["paths"]) > 1:
                self.stdout.write(json.dumps(documents, ensure_ascii=False, indent=2))
            elif documents:
                self.stdout.write(json.dumps(documents[0], ensure_ascii=False, indent=2))
        if failures:
            sys.stdout.flush()
            raise SystemExit(1)

    def _call(self, options):
        """The call named by --call; --save without it, or an unknown slug, is a CommandError."""
        slug = options.get("call")
        if not slug:
            raise CommandError(
                "--save demande --call SLUG (l'appel à projets sur lequel créer les dossiers)."
            )
        try:
            return Call.objects.get(slug=slug)
        except Call.DoesNotExist as error:
            raise CommandError(f"Appel à projets inconnu : « {slug} ».") from error

    def _actor(self, options, call):
        """The person --as names and the organisation they act for; refused before any file is read."""
        from logement_accompagne.organisations.models import Organisation, User
        from logement_accompagne.organisations.selectors import carrier_organisations_of

        email = options.get("as_email")
        if not email:
            raise CommandError(
                "--save demande --as EMAIL (la personne au nom de qui les dossiers sont créés)."
            )
        try:
            user = User.objects.get(email__iexact=email.strip(), is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"Personne inconnue ou désactivée : « {email} ».") from error
        if refusal := closing_breach(call):
            raise CommandError(refusal + " Aucun dossier ne peut y être créé.")
        organisations = list(carrier_organisations_of(user))
        wanted = options.get("organisation")
        if wanted:
            organisations = [o for o in organisations if str(o.pk) == str(wanted).strip()]
            if not organisations:
                known = Organisation.objects.filter(pk=wanted).first() if str(wanted).isdigit() else None
                raise CommandError(
                    f"« {email} » ne porte pas de projet au nom de "
                    f"{f'« {known} »' if known else f'l’organisme n° {wanted}'}."
                )
        if not organisations:
            raise CommandError(f"« {email} » ne porte de projet au nom d'aucun organisme.")
        if len(organisations) > 1:
            choices = ", ".join(f"{o.pk} ({o})" for o in organisations)
            raise CommandError(
                f"« {email} » porte des projets pour plusieurs organismes : précisez --organisation parmi {choices}."
            )
        return user, organisations[0]

    def _summary(self, path: str, result, saved) -> None:
        """A few French lines on what was read."""
        c = result.canonical
        target, housing, finance = c["target_public"], c["housing"], c["finance"]
        households = target["households"]
        lines = [
            f"{path} ({FORMAT_LABELS.get(result.format, result.format)})",
            f"  Projet : {c['name'] or '—'}",
            f"  Porteurs : {', '.join(o['name'] for o in c['carriers']['organisations']) or '—'}",
            f"  Départements : {', '.join(c['location']['department_codes']) or 'non déterminé'}",
            f"  Ménages : {households if households is not None else '—'}"
            f"{' (environ)' if target['households_approximate'] else ''} ; "
            f"logements : {housing['dwellings'] if housing['dwellings'] is not None else housing['dwellings_text'] or '—'}",
            f"  DALO : {TRI_LABELS[target['dalo_eligible']]} ; accords collectifs : "
            f"{TRI_LABELS[target['collective_agreements']]} ; PDALPD : {TRI_LABELS[target['pdalpd']]}",
            f"  Coût de l'accompagnement : {_money(finance['support_cost'])}",
            f"  Durée : {c['duration']['months'] or '—'} mois{' renouvelable' if c['duration']['renewable'] else ''}",
            f"  Passages non classés : {len(c['unmapped'])}",
        ]
        lines += [f"  Attention : {warning}" for warning in result.warnings]
        if saved is not None:
            lines.append(f"  Dossier brouillon créé : n° {saved.pk}")
        self.stdout.write("\n".join(lines))


def _money(money: dict) -> str:
    """A money value in a few words."""
    if money["amount_eur"] is None:
        return "—"
    period = {"month": " par mois", "year": " par an", "once": ""}.get(money["period"], "")
    return f"{money['amount_eur']} €{period}"


def _read(path: str) -> bytes:
    """The file's bytes, refusing directories, missing files and files over the size limit before reading."""
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise DocumentImportError("fichier introuvable ou illisible.", code="missing") from error
    if os.path.isdir(path):
        raise DocumentImportError("c'est un dossier, pas un fichier.", code="missing")
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentImportError(
            f"le fichier dépasse la taille maximale de {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo.",
            code="too_large",
        )
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise DocumentImportError("fichier illisible (droits d'accès ?).", code="missing") from error
