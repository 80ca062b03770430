from django.core.management.base import BaseCommand

from logement_accompagne.dossiers.demo import DEMO_PASSWORD, DOMAIN
from logement_accompagne.organisations.models import User


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration et leur mot de passe commun."

    def handle(self, *args, **options):
        users = User.objects.filter(email__endswith=f"@{DOMAIN}").prefetch_related(
            "memberships__organisation"
        )
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})\n")
        for user in users.order_by("email"):
            roles = "; ".join(
                f"{membership.get_role_display()} — {membership.organisation.name}"
                for membership in user.memberships.all()
            ) or ("Administrateur de la plateforme" if user.is_superuser else "")
            self.stdout.write(f"  {user.email:<45} {roles}")
        self.stdout.write("\nServeur : http://127.0.0.1:8000  (administration : /admin/)\n")
