"""The web layer's routes, one include per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("logement_accompagne.www.accounts.urls")),
    # Before "dossiers/" so that the import area is never read as a dossier route.
    path("dossiers/importer/", include("logement_accompagne.www.imports.urls")),
    path("dossiers/", include(("logement_accompagne.www.dossiers.urls", "dossiers"))),
    path("instruction/", include(("logement_accompagne.www.review.urls", "review"))),
    path("comite/", include(("logement_accompagne.www.committee.urls", "committee"))),
    path("conventions/", include(("logement_accompagne.www.grants.urls", "grants"))),
    path("menages/", include(("logement_accompagne.www.households.urls", "households"))),
    path("organisation/", include(("logement_accompagne.www.organisations.urls", "organisations"))),
    path("appels/", include(("logement_accompagne.www.calls.urls", "calls"))),
    path("pilotage/", include(("logement_accompagne.www.reporting.urls", "reporting"))),
    path("catalogue/", include(("logement_accompagne.www.catalogue.urls", "catalogue"))),
    path("donnees-ouvertes/", include(("logement_accompagne.www.reporting.public_urls", "opendata"))),
]
