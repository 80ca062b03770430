"""« Jetons d'API » : an organisation's administrator creates (shown once), lists and revokes its tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.reporting import tokens
from logement_accompagne.www.access import error_text
from logement_accompagne.www.dossiers.views import crumbs

REFUSED = "Cette page est réservée aux administrateurs d'organisme et chefs de service de l'État."


class TokenForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisme", coerce=int)
    label = forms.CharField(
        label="Libellé",
        max_length=100,
        help_text="Par exemple le nom de l'application qui utilisera le jeton.",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(item.pk, str(item)) for item in organisations]
        self.single = organisations[0] if len(organisations) == 1 else None
        if self.single is not None:
            # One organisation: nothing to choose (the field is not shown).
            self.fields["organisation"].required = False
            self.fields["organisation"].widget = forms.HiddenInput()

    def chosen(self, organisations):
        if self.single is not None:
            return self.single
        return next(item for item in organisations if item.pk == self.cleaned_data["organisation"])


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    organisations = list(tokens.manageable_organisations(request.user))
    if not organisations:
        raise PermissionDenied(REFUSED)
    created = raw = None
    if request.method == "POST":
        form = TokenForm(request.POST, organisations=organisations)
        if form.is_valid():
            organisation = form.chosen(organisations)
            try:
                created, raw = tokens.issue(
                    user=request.user, organisation=organisation, label=form.cleaned_data["label"]
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                form = TokenForm(organisations=organisations)
    else:
        form = TokenForm(organisations=organisations)
    # The raw token is only in this response (never stored, never in the session): shown once.
    return render(
        request,
        "www/organisations/api_tokens.html",
        {
            "title": "Jetons d'API",
            "form": form,
            "created": created,
            "raw_token": raw,
            "api_tokens": list(tokens.tokens_of(request.user)),
            "api_root": request.build_absolute_uri("/api/v1/"),
            "docs_url": reverse("api:openapi-view"),
            "breadcrumb_data": crumbs(None, "Jetons d'API"),
        },
    )


@login_required
@require_POST
def revoke_api_token(request, pk):
    if not tokens.manageable_organisations(request.user).exists():
        raise PermissionDenied(REFUSED)
    token = tokens.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("Jeton introuvable.")
    tokens.revoke(user=request.user, token=token)
    messages.success(request, f"Jeton « {token.label} » révoqué : il ne donne plus accès à l'API.")
    return redirect("organisations:api_tokens")
