"""The households' bulk import never fails with a server error on a strange CSV (found by the fuzz)."""

import pytest

from logement_accompagne.households import bulk


@pytest.mark.parametrize("content", [b"\x00", b"", b"une seule colonne\nsans separateur\n", b"\xff\xfe\x00"])
def test_a_csv_without_any_separator_is_read_not_crashed_on(content):
    rows = bulk._rows("menages.csv", content)
    assert isinstance(rows, list)


def test_a_csv_field_beyond_the_reader_limit_is_refused_in_french():
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk._rows("menages.csv", b'nom;prenom\n"' + b"a" * 200_000 + b'";x\n')
    assert "n'est pas lisible" in str(refused.value.errors[0].message)
