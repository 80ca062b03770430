"""The chart components are served from our static files, exactly as the build script recorded them."""

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

VENDOR = Path(settings.BASE_DIR) / "logement_accompagne" / "www" / "static" / "vendor" / "dsfr-chart"


def test_vendored_files_match_their_source_record():
    source = (VENDOR / "SOURCE.md").read_text(encoding="utf-8")
    script = (Path(settings.BASE_DIR) / "scripts" / "build_dsfr_chart.py").read_text(encoding="utf-8")
    version = re.search(r'DEFAULT_VERSION = "([^"]+)"', script).group(1)
    assert f"version **{version}**" in source and "| licence | MIT" in source
    recorded = dict(re.findall(r"\| `([^`]+)` \| [^|]+ \| `([0-9a-f]{64})` \|", source))
    assert set(recorded) == {"DSFRChart.js", "DSFRChart.css", "LICENSE"}
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert finders.find("vendor/dsfr-chart/DSFRChart.js")


def test_the_map_page_loads_no_script_from_elsewhere(client, programme):
    client.force_login(programme.committee)
    html = client.get("/pilotage/carte/").content.decode()
    assert '<script type="module" src="/static/vendor/dsfr-chart/DSFRChart.js">' in html
    assert "https://" not in "".join(re.findall(r"<script[^>]*>", html))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert (
        "&quot;45&quot;:25," in html and "&quot;37&quot;" not in html
    )  # the map's data travels in an attribute
