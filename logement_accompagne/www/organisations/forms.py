"""Forms of the organisation area: answering an invitation, inviting a member, changing a role."""

from django import forms

from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.selectors import assignable_roles
from logement_accompagne.www.forms import DsfrForm


def role_choices(organisation) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in assignable_roles(organisation)]


class AnswerForm(DsfrForm):
    answer = forms.ChoiceField(choices=[("accept", "Accepter"), ("decline", "Décliner")])


class InviteMemberForm(DsfrForm):
    email = forms.EmailField(label="Adresse e-mail", max_length=254)
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    role = forms.ChoiceField(label="Rôle")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organisation)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.apply_dsfr_classes()


class RoleForm(DsfrForm):
    role = forms.ChoiceField(label="Nouveau rôle")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organisation)
        self.apply_dsfr_classes()
