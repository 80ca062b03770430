"""manage.py generate_reference_data --scale 1 --seed 42: the national-scale reference dataset."""

import time

from django.core.management.base import BaseCommand, CommandError

from logement_accompagne.operations import reference_data


class Command(BaseCommand):
    help = (
        "Construit le jeu de données de référence (fictif, déterministe) de quality.md : environ 100 "
        "départements, 5 appels, 2 000 dossiers dans tous les états, 300 organisations, 1 500 comptes "
        "à l'échelle 1, et 50 000 ménages suivis avec 1 000 000 de contacts ; --scale 10 multiplie les volumes. Refuse une base non vide sans --flush."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1, help="multiplicateur des volumes (1, 10 ; 0.02 pour un essai)"
        )
        parser.add_argument("--seed", type=int, default=42, help="graine : même graine, mêmes données")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="vider d'abord toute la base (toutes les données sont perdues)",
        )

        parser.add_argument(
            "--parts",
            nargs="+",
            choices=[name for name, _, _ in reference_data.PARTS],
            help="ne construire que ces parties (chacune a besoin des précédentes) ; par défaut toutes",
        )

    def handle(self, *args, scale, seed, flush, parts=None, **options):
        reason = reference_data.refusal_reason()
        if reason:
            raise CommandError(reason)
        if not 0 < scale <= 100:
            raise CommandError("--scale doit être un nombre strictement positif, au plus 100.")
        scale = int(scale) if scale == int(scale) else scale
        if flush:
            reference_data.empty_database()
        elif not reference_data.is_empty():
            raise CommandError(
                "La base contient déjà des données (comptes, organisations ou dossiers). Le jeu de "
                "référence s'écrit dans une base vide : utilisez une autre base (DATABASE_URL), ou "
                "relancez avec --flush pour tout effacer d'abord."
            )
        started = time.perf_counter()
        self.stdout.write(f"Jeu de référence, échelle {scale}, graine {seed} (parties : "
                          f"{', '.join(p for p in reference_data.available_parts() if not parts or p in parts)})")  # fmt: skip
        counts = reference_data.generate(scale=scale, seed=seed, log=self.stdout.write, parts=parts)
        for name, n in counts.items():
            self.stdout.write(f"  {name:<24} {n:>10}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Terminé en {time.perf_counter() - started:.0f} s. Mot de passe de tous les comptes : "
                f"{reference_data.PASSWORD}"
            )
        )
