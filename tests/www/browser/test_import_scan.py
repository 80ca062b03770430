"""A carrier imports a scanned form in the browser: the review page flags every value read by OCR."""

import pytest
from django.urls import reverse

from logement_accompagne.importer.extract import ocr
from tests.importer.conftest import load_samples_module

from .conftest import Journey

pytestmark = pytest.mark.browser


def test_scanned_form_review_flags_ocr_values(browser, site, tmp_path):
    reason = ocr.unavailable_reason()
    if reason is not None:
        print(f"reconnaissance de caractères indisponible ({reason}) : test sauté")
        pytest.skip(f"reconnaissance de caractères indisponible ({reason})")
    samples = load_samples_module()
    scan = tmp_path / "presentation-scannee.pdf"
    scan.write_bytes(samples.scanned_pdf(samples.form_pdf(boxes="vector"), pages=1))
    journey = Journey(browser, site, "carrier", prefix="import-scan-")
    try:
        journey.login()
        journey.goto(reverse("imports:upload"))
        journey.page.set_input_files("input[type=file]", str(scan))
        journey.submit("main button[type=submit]")
        main = journey.page.inner_text("main")
        assert "Vérifier ce que la plateforme a compris" in main
        assert "lue(s) par reconnaissance de caractères" in main
        row = journey.page.locator("tr", has=journey.page.locator("#id_name"))
        assert "lu par reconnaissance de caractères" in row.inner_text().lower()  # (badges are in capitals)
        assert journey.page.input_value("#id_name") == "Toit d'abord à Rochefort"
        journey.check("revue-import-scanne")
    finally:
        journey.close()
