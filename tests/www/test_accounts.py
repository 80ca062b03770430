"""Sign in by e-mail, sign out, password reset, the DSFR layout and the home page of each role."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def test_login_page_is_french_dsfr_with_skip_links_and_local_assets(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert "fr-header" in html and "fr-footer" in html
    assert 'href="#content"' in html and 'href="#footer"' in html
    assert "Adresse e-mail" in html and "Mot de passe" in html
    # Every stylesheet and script comes from the app itself (no CDN).
    for url in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
        assert url.startswith("/static/"), url


def test_login_by_email_then_home(client, cast):
    response = client.post(
        reverse("login"),
        {"username": cast.carrier.email.upper(), "password": factories.PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Mes dossiers" in response.content.decode()


def test_wrong_password_is_refused_in_french(client, cast):
    response = client.post(reverse("login"), {"username": cast.carrier.email, "password": "non"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.carrier)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_reset_sends_a_french_link_that_works(client, cast):
    response = client.post(reverse("password_reset"), {"email": cast.carrier.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "nouveau mot de passe" in body
    link = re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form_page.content.decode()
    new_password = "Un-tout-nouveau-mot-de-passe-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    cast.carrier.refresh_from_db()
    assert cast.carrier.check_password(new_password)


def test_password_reset_for_unknown_address_says_nothing_more(client, db):
    response = client.post(reverse("password_reset"), {"email": "personne@inconnu.fr"}, follow=True)
    assert "Si un compte existe" in response.content.decode()
    assert mail.outbox == []


def test_home_of_a_carrier_lists_their_dossiers(login, cast):
    response = login(cast.carrier).get(reverse("home"))
    html = response.content.decode()
    assert "Mes dossiers" in html and "Bail glissant Orléans" in html
    assert "À instruire" not in html.split("</header>")[1]


def test_home_of_an_instructor_counts_dossiers_to_review(login, cast):
    advance(cast, Status.SUBMITTED)
    html = login(cast.dept).get(reverse("home")).content.decode()
    assert "À instruire" in html
    assert "1 dossier" in html
    assert "Mes dossiers" not in html.split("</header>")[1]


def test_home_of_the_committee_and_admin_link_for_staff(login, cast):
    html = login(cast.committee).get(reverse("home")).content.decode()
    assert "Comité" in html and "en attente de décision" in html
    staff = factories.UserFactory(is_staff=True)
    html = login(staff).get(reverse("home")).content.decode()
    assert reverse("admin:index") in html


def test_a_person_with_several_roles_sees_each_block(login, cast):
    from logement_accompagne.organisations.enums import Role
    from logement_accompagne.organisations.models import Membership

    Membership.objects.create(user=cast.dept, organisation=cast.landlord, role=Role.CARRIER)
    html = login(cast.dept).get(reverse("home")).content.decode()
    assert 'id="home-carrier"' in html and 'id="home-review"' in html


def test_breadcrumb_and_main_menu_on_inner_pages(login, cast):
    html = login(cast.carrier).get(reverse("dossiers:list")).content.decode()
    assert "fr-breadcrumb" in html
    assert 'aria-current="page"' in html
    assert 'id="fr-navigation"' in html


def test_404_and_403_pages_are_french(login, cast):
    client = login(cast.carrier)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
    response = client.get(reverse("review:queue"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_accessibility_statement_is_public(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "Déclaration d'accessibilité" in response.content.decode()


def test_500_page_renders_without_the_database(rf):
    from logement_accompagne.www.errors import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in html and "/static/dsfr/" in html


def test_site_configuration_row_gives_the_dsfr_header_its_title(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "<title>Connexion — Logement accompagné</title>" in html
    assert "Appels à projets « 10 000 logements HLM accompagnés »" in html
