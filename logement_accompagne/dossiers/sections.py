"""The sections of the "Présentation synthétique du projet" form, in the form's order.

Read from the one declaration of the form (``logement_accompagne.importer.form``). Used by the
carrier's section-by-section editor, the completeness panel (which links to the section of each
missing field), the dossier page and the import review.
"""

import hashlib
import json
from dataclasses import dataclass

from logement_accompagne.importer import form


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    items: tuple[form.Field, ...]

    @property
    def shown(self) -> tuple[form.Field, ...]:
        """The fields a person reads and types in, in the form's order."""
        return tuple(item for item in self.items if item.shown)

    @property
    def fields(self) -> tuple[str, ...]:
        """The dossier columns shown in this section (the mobilisation boxes one by one)."""
        return tuple(column for item in self.shown for column in form.columns_of(item))


SECTIONS = tuple(Section(s.slug, s.title, form.fields_of(s.slug)) for s in form.SECTIONS)
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}
SECTION_OF_FIELD = {
    name: section.slug
    for section in SECTIONS
    for item in section.items
    for name in (item.name, *form.columns_of(item))
}


def fingerprint(dossier, section: Section) -> str:
    """A digest of what one section of the dossier holds.

    The dossier's version changes whenever anything is saved; the fingerprint tells whether *this
    section* changed, so that two people filling different sections do not block each other while
    two people on the same section do.
    """
    state = {name: getattr(dossier, name) for name in section.fields}
    if section.slug == "localisation":
        state["departments"] = sorted(dossier.departments.values_list("code", flat=True))
    if section.slug == "logements":
        state["mobilisation_known"] = dossier.mobilisation_known
    if section.slug == "financement":
        state["cost_lines"] = list(dossier.cost_lines.order_by("kind").values_list("kind", "amount_eur", "basis",
                                                                                 "period", "text"))  # fmt: skip
        state["cofunding_lines"] = list(dossier.cofunding_lines.values_list("funder", "amount_eur", "status"))
    encoded = json.dumps(state, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]
