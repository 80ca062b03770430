"""The steering dashboards read the household records through the households indicators (reporting)."""

from django.urls import reverse

from .fixture import build


def test_national_dashboard_counts_accompanied_households(client, project):
    build(project)  # five households accompanied (see test_indicators), committed 25
    client.force_login(project.committee)
    html = client.get(reverse("reporting:national")).content.decode()
    assert "5 ménages" in html and "effectivement accompagnés" in html
    assert "Suivi des ménages et sorties" in html and "Toujours logés 6 mois après la fin" in html
    client.force_login(project.dept_other)
    assert (
        client.get(reverse("reporting:department", args=["40"]))
        .content.decode()
        .count("effectivement accompagnés")
        == 1
    )
