"""Households area: the project's list, the household timeline, the quick contact entry, reviews,
plan, exit, bulk entry, indicators, the read log and the household's right-of-access export.

Two kinds of access (see households.selectors): support workers and managers of the project's
carriers read and write everything, each read of personal data logged; the other people who may
see the selected dossier (State services, committee, carriers, administrator) get pseudonymous
pages: references, phases, dates and figures, never a name, a contact detail or a note.
"""

import datetime
import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.dossiers.checks import french_eur
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.households import bulk, indicators, listing, selectors, services
from logement_accompagne.households.audit import record_read, record_reads
from logement_accompagne.households.enums import ContactKind, Phase
from logement_accompagne.households.models import (
    ArrearsBalance,
    ArrearsCase,
    ArrearsEvent,
    Contact,
    Objective,
    OutcomeSnapshot,
    PhaseChange,
    SupportEpisode,
    TenancyPeriod,
)
from logement_accompagne.territories import cog
from logement_accompagne.www.pagination import page_of
from logement_accompagne.www.rows import choice_label, escaped, reference_url

from .forms import (
    ContactForm,
    ExitForm,
    ImportForm,
    ListFilterForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    PhaseForm,
    PrivateNoteForm,
    RegisterForm,
)

PAGE_SIZE = selectors.LIST_PAGE_ROWS  # the list's page (selectors.list_rows reads at most that)
KEPT_PAGE = re.compile(r"[1-9][0-9]{0,8}")  # a page number the list's kept rows may be keyed by
PERSONAL_ONLY = (
    "Réservé aux accompagnateurs du projet : les noms et les notes ne sortent pas de leur organisme."
)


def _project(request, reference) -> tuple[Dossier, bool]:
    try:
        return selectors.project_for(request.user, reference)
    except Dossier.DoesNotExist as missing:
        raise Http404("Projet introuvable.") from missing


def _episode(request, household, *, related=(), defer=()) -> tuple[SupportEpisode, bool]:
    try:
        return selectors.episode_for(request.user, household, related=related, defer=defer)
    except SupportEpisode.DoesNotExist as missing:
        raise Http404("Ménage introuvable.") from missing


def _personal_episode(request, household) -> SupportEpisode:
    episode, personal = _episode(request, household)
    if not personal:
        raise PermissionDenied(PERSONAL_ONLY)
    return episode


def _crumbs(dossier=None, current="", episode=None) -> dict:
    links = [{"url": reverse("households:projects"), "title": "Ménages accompagnés"}]
    if dossier is not None:
        links.append({"url": reverse("households:list", args=[dossier.reference]), "title": str(dossier)})
    if episode is not None:
        links.append(
            {
                "url": reverse("households:detail", args=[episode.household.reference]),
                "title": episode.household.reference,
            }
        )
    return {"links": links, "current": current, "root_dir": reverse("home")}


def _error(error) -> str:
    return " ".join(str(m) for m in getattr(error, "messages", [str(error)]))


def next_review(ended_on, review_from, review_days) -> datetime.date | None:
    """When the next review is due: ``review_days`` after the last one (or the plan), none once ended."""
    if ended_on is not None or review_from is None:
        return None
    return review_from + datetime.timedelta(days=review_days)


@login_required
def projects(request):
    visible = selectors.visible_projects(request.user).annotate(
        followed=Exists(selectors.support_projects(request.user).filter(pk=OuterRef("pk")))
    )
    return render(request, "www/households/projects.html", {
        "projects": visible.select_related("call"), "title": "Ménages accompagnés",
    })  # fmt: skip


LIST_ROW_HEAD = '<tr><td><a href="{}">{}</a></td>'  # then the name's cell, for personal access
LIST_ROW_TAIL = "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
OVERDUE = '<span class="fr-badge fr-badge--sm fr-badge--error">en retard : {:%d/%m/%Y}</span>'
IN_ARREARS = '<span class="fr-badge fr-badge--sm fr-badge--warning">impayé</span>'
# The fields whose choice labels the rows and the timeline show, looked up once.
EPISODE_PHASE, EPISODE_KIND = SupportEpisode._meta.get_field("phase"), SupportEpisode._meta.get_field("kind")
CONTACT_KIND, CONTACT_CHANNEL, CONTACT_RESULT = (
    Contact._meta.get_field(n) for n in ("kind", "channel", "result")
)


def list_rows_pieces(rows: list[dict], *, today: datetime.date) -> list[tuple[str, int, str]]:
    """Each row of the list written in one pass, as (its HTML before the name's cell, its household,
    its HTML after): pseudonymous, so kept with the page's rows (households.listing); the names go
    between on each request (`join_rows`). Fifty rows through the template's loop, filters and
    ``{% url %}`` cost more than the queries of the page (issue #9)."""
    link = reference_url("households:detail")  # one reverse() for the page
    pieces = []
    for row in rows:
        reference = escaped(row["household_reference"])
        if row["ended_on"]:
            phase = f"Terminé le {row['ended_on']:%d/%m/%Y}"
        else:
            phase = escaped(choice_label(EPISODE_PHASE, row["phase"]))
        due = row["next_review_on"]
        review = "—" if due is None else OVERDUE.format(due) if due < today else f"{due:%d/%m/%Y}"
        contact = f"{row['last_contact_on']:%d/%m/%Y}" if row["last_contact_on"] else "—"
        pieces.append((
            LIST_ROW_HEAD.format(link(reference), reference),
            row["household_id"],
            LIST_ROW_TAIL.format(
                escaped(choice_label(EPISODE_KIND, row["kind"])), phase, review,
                IN_ARREARS if row["in_arrears"] else "non", contact,
            ),
        ))  # fmt: skip
    return pieces


def join_rows(pieces: list[tuple[str, int, str]], *, names: dict[int, str] | None) -> SafeString:
    """The rows' HTML: with a name's cell for personal access (``names``: the heads' names by
    household), without for pseudonymous access (None)."""
    if names is None:
        return mark_safe("".join(head + tail for head, _, tail in pieces))  # noqa: S308 (escaped in list_rows_pieces)
    return mark_safe(  # noqa: S308 (the names escaped here, the rest in list_rows_pieces)
        "".join(
            f"{head}<td>{escaped(names.get(household, '').upper())}</td>{tail}"
            for head, household, tail in pieces
        )
    )


def _list_page(episodes, asked, today) -> dict:
    """A page of the list, pseudonymous: its rows and their HTML without names, the number of rows
    of the list, the page's number.

    The page's ids first (from the list's index; no COUNT when the first page holds every row), then
    what the list shows of those rows only."""
    ids = episodes.order_by(*selectors.LIST_ORDER).values_list("pk", flat=True)
    page = page_of(ids, PAGE_SIZE, asked)
    rows = selectors.list_rows(page.object_list)
    for row in rows:
        row["next_review_on"] = next_review(row["ended_on"], row["review_from"], row["review_days"])
    return {
        "rows": rows, "pieces": list_rows_pieces(rows, today=today),
        "count": page.paginator.count, "number": page.number,
    }  # fmt: skip


@login_required
def project_list(request, reference):
    try:
        dossier, personal, manager = selectors.project_access(request.user, reference)
    except Dossier.DoesNotExist as missing:
        raise Http404("Projet introuvable.") from missing
    form = ListFilterForm(request.GET or None)
    today = timezone.localdate()
    # Filtered on the episodes' own columns; the figures of each row are read for the page only.
    episodes = SupportEpisode.objects.filter(dossier=dossier)
    phase = state = typed = ""
    if form.is_valid():
        data = form.cleaned_data
        phase, state, typed = data["phase"] or "", data["state"] or "", (data["q"] or "").strip()
        if phase:
            episodes = episodes.filter(phase=phase)
        if state == "open":
            episodes = episodes.filter(ended_on__isnull=True)
        elif state == "ended":
            episodes = episodes.filter(ended_on__isnull=False)
        elif state == "arrears":
            episodes = episodes.filter(selectors.open_arrears())
        elif state == "overdue":
            # The one filter on a computed figure: the review due is computed to choose the rows.
            episodes = indicators.overdue_reviews(episodes, today=today)
        if typed:
            if personal:
                episodes = selectors.search_by_name(episodes, typed)
            else:
                episodes = episodes.filter(household_reference__icontains=typed)
    asked = request.GET.get("page")
    # Nothing of a search (anything typed, valid or not: names are personal data) nor of a form in
    # error is kept, neither its rows nor its filter form.
    searched_or_invalid = bool((request.GET.get("q") or "").strip()) or (form.is_bound and bool(form.errors))
    # The rows are kept per project version (households.listing) for a page asked by its plain number
    # (or none): any other text is read by Django's paginator as page 1 or the last page, which a key
    # made of it would mistake for another page.
    if not searched_or_invalid and (not asked or KEPT_PAGE.fullmatch(asked)):
        listed = listing.cached_page(
            dossier.pk,
            dossier.list_version,
            f"{phase}|{state}|{asked or 1}|{today.isoformat()}",
            lambda: _list_page(episodes, asked, today),
        )
    else:
        listed = _list_page(episodes, asked, today)
    rows = listed["rows"]
    page = Paginator(range(listed["count"]), PAGE_SIZE).page(listed["number"])
    names = None
    if personal:
        names = selectors.head_names(row["household_id"] for row in rows)
        if rows:
            record_reads(request.user, rows, what="liste des ménages (noms)")
    query = request.GET.copy()
    query.pop("page", None)
    # The filter form is the same for every project: a fragment per phase and situation chosen.
    filters_cache_key = None if searched_or_invalid else f"{phase}|{state}"
    return render(request, "www/households/list.html", {
        "filters_cache_key": filters_cache_key,
        "dossier": dossier, "personal": personal, "form": form, "page": page,
        "rows_html": join_rows(listed["pieces"], names=names),
        "query": query.urlencode(), "is_manager": manager,
        "title": f"Ménages — {dossier}", "breadcrumb_data": _crumbs(current=str(dossier)),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def register(request, reference):
    dossier, personal = _project(request, reference)
    if not personal:
        raise PermissionDenied(PERSONAL_ONLY)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = {k: data.pop(k) for k in ("last_name", "first_name", "birth_date", "phone")}
        try:
            episode = services.register_household(
                user=request.user, dossier=dossier, members=[member], **data
            )
        except ValidationError as error:
            form.add_error(None, _error(error))
        else:
            messages.success(request, f"Ménage {episode.household.reference} enregistré.")
            return redirect("households:detail", household=episode.household.reference)
    return render(request, "www/households/form.html", {
        "form": form, "dossier": dossier, "title": "Nouveau ménage", "submit": "Enregistrer le ménage",
        "breadcrumb_data": _crumbs(dossier, "Nouveau ménage"),
    })  # fmt: skip


def _timeline(episode, personal: bool) -> list[dict]:
    """Every dated fact of the episode, newest first (one query per kind of fact)."""
    items = []
    milestones = {
        "referred_on": "Orientation", "first_contact_on": "Premier contact", "diagnostic_on": "Diagnostic",
        "plan_signed_on": "Plan d'accompagnement signé", "moved_in_on": "Entrée dans le logement",
        "lease_transferred_on": "Glissement du bail", "ended_on": "Fin de l'accompagnement",
    }  # fmt: skip
    for field, label in milestones.items():
        day = getattr(episode, field)
        if day:
            detail = ""
            if field == "ended_on":
                detail = f"{episode.get_end_reason_display()} — {episode.get_destination_display() or 'sans objet'}"
            items.append({"on": day, "kind": "milestone", "title": label, "detail": detail})
    # The contacts (the long part of a timeline) as values rows, their labels looked up once.
    for contact in episode.contacts.values("happened_on", "kind", "channel", "result", "note"):
        items.append({
            "on": contact["happened_on"], "kind": "review" if contact["kind"] == ContactKind.REVIEW else "contact",
            "title": f"{choice_label(CONTACT_KIND, contact['kind'])} — {choice_label(CONTACT_CHANNEL, contact['channel'])}",
            "detail": choice_label(CONTACT_RESULT, contact["result"]), "note": contact["note"] if personal else "",
            "reached": contact["result"] == "reached",
        })  # fmt: skip
    for change in PhaseChange.objects.filter(episode=episode):
        items.append({"on": change.on, "kind": "phase", "title": f"Phase : {change.get_to_phase_display()}",
                      "detail": f"depuis « {change.get_from_phase_display()} »", "note": change.reason if personal else ""})  # fmt: skip
    for period in TenancyPeriod.objects.filter(episode=episode):
        commune = cog.communes().get(period.commune_code)
        items.append({"on": period.starts_on, "kind": "tenancy", "title": period.get_change_display(),
                      "detail": f"{period.get_dwelling_type_display()}{' PLAI' if period.plai else ''}, "
                                f"{commune.name if commune else period.commune_code}, {period.get_lease_kind_display()}, "
                                f"loyer {french_eur(period.rent_eur)}"})  # fmt: skip
    for case in ArrearsCase.objects.filter(episode=episode):
        items.append({"on": case.detected_on, "kind": "arrears", "title": "Impayé repéré",
                      "detail": f"premier loyer impayé : {case.first_unpaid_rent_on:%d/%m/%Y}"})  # fmt: skip
    for balance in ArrearsBalance.objects.filter(case__episode=episode):
        items.append(
            {
                "on": balance.on,
                "kind": "arrears",
                "title": "Dette locative",
                "detail": french_eur(balance.amount_eur),
            }
        )
    for event in ArrearsEvent.objects.filter(case__episode=episode):
        items.append({"on": event.on, "kind": "arrears", "title": event.get_kind_display(), "detail": ""})
    return _sorted(items)


TIMELINE_ORDER = {"milestone": 0, "phase": 1, "tenancy": 2, "arrears": 3, "review": 4, "contact": 5}


def _sorted(items: list[dict]) -> list[dict]:
    """Newest first; on the same day, a milestone above a phase change, above ... a contact."""
    items.sort(key=lambda item: (item["on"], -TIMELINE_ORDER[item["kind"]]), reverse=True)
    return items


TIMELINE_ITEM = (
    '<li class="hh-timeline__item hh-timeline__item--{}"><p class="hh-timeline__date">{}</p>'
    '<p class="hh-timeline__title"><strong>{}</strong>{}</p>{}</li>'
)


def timeline_html(items: list[dict]) -> SafeString:
    """The timeline's items written in one pass (a household followed for years has hundreds)."""
    out = []
    for item in items:
        detail = f" — {escaped(item['detail'])}" if item["detail"] else ""
        note = (
            f'<p class="fr-text--sm hh-timeline__note">{escaped(item["note"])}</p>'
            if item.get("note")
            else ""
        )
        out.append(
            TIMELINE_ITEM.format(item["kind"], f"{item['on']:%d/%m/%Y}", escaped(item["title"]), detail, note)
        )
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


@login_required
def detail(request, household):
    # The diagnostic read along with the episode (a one-to-one: one query fewer), of the project only
    # what the page shows.
    episode, personal = _episode(request, household, related=("diagnostic",), defer=selectors.DOSSIER_UNSHOWN)
    context = {
        "episode": episode, "household": episode.household, "dossier": episode.dossier, "personal": personal,
        "timeline": timeline_html(_timeline(episode, personal)), "title": f"Ménage {episode.household.reference}",
        "breadcrumb_data": _crumbs(episode.dossier, episode.household.reference),
        "composition": episode.household.compositions.order_by("-valid_from").first(),
        "objectives": list(episode.objectives.all()),
    }  # fmt: skip
    if personal:
        record_read(request.user, episode, what="fiche du ménage")
        context.update(
            members=list(episode.household.members.all()),
            private_notes=list(selectors.private_notes_for(request.user, episode)),
            note_form=PrivateNoteForm(),
            diagnostic=getattr(episode, "diagnostic", None),
        )
    return render(request, "www/households/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact(request, household):
    episode = _personal_episode(request, household)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(user=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error(error))
        else:
            messages.success(request, "Contact enregistré.")
            return redirect("households:detail", household=household)
    return render(request, "www/households/contact.html", {
        "form": form, "episode": episode, "title": f"Contact — {household}",
        "breadcrumb_data": _crumbs(episode.dossier, "Contact", episode),
    })  # fmt: skip


@login_required
@require_POST
def private_note(request, household):
    episode = _personal_episode(request, household)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_private_note(user=request.user, episode=episode, body=form.cleaned_data["body"])
            messages.success(request, "Note privée enregistrée.")
        except ValidationError as error:
            messages.error(request, _error(error))
    else:
        messages.error(request, "La note est vide.")
    return redirect("households:detail", household=household)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, household):
    episode = _personal_episode(request, household)
    objective_form, phase_form, status_form = ObjectiveForm(prefix="o"), PhaseForm(prefix="p"), None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "objective":
                objective_form = ObjectiveForm(request.POST, prefix="o")
                if objective_form.is_valid():
                    services.add_objective(user=request.user, episode=episode, **objective_form.cleaned_data)
                    messages.success(request, "Objectif ajouté.")
                    return redirect("households:plan", household=household)
            elif action == "status":
                status_form = ObjectiveStatusForm(request.POST)
                if status_form.is_valid():
                    objective = episode.objectives.get(pk=status_form.cleaned_data["objective"])
                    services.set_objective_status(
                        user=request.user, objective=objective, status=status_form.cleaned_data["status"]
                    )
                    messages.success(request, "État de l'objectif mis à jour.")
                    return redirect("households:plan", household=household)
            elif action == "phase":
                phase_form = PhaseForm(request.POST, prefix="p")
                if phase_form.is_valid():
                    services.change_phase(user=request.user, episode=episode, **phase_form.cleaned_data)
                    messages.success(request, "Phase mise à jour.")
                    return redirect("households:plan", household=household)
        except (ValidationError, Objective.DoesNotExist) as error:
            messages.error(
                request, _error(error) if isinstance(error, ValidationError) else "Objectif introuvable."
            )
    return render(request, "www/households/plan.html", {
        "episode": episode, "objectives": list(episode.objectives.all()), "objective_form": objective_form,
        "phase_form": phase_form, "status_choices": ObjectiveStatusForm.base_fields["status"].choices,
        "phases": Phase.choices, "title": f"Plan — {household}", "breadcrumb_data": _crumbs(episode.dossier, "Plan", episode),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def exit_form(request, household):
    episode = _personal_episode(request, household)
    if episode.ended_on is not None:
        messages.info(request, "Cet accompagnement est déjà terminé.")
        return redirect("households:detail", household=household)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_support(user=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error(error))
        else:
            messages.success(request, "Fin de l'accompagnement enregistrée.")
            return redirect("households:detail", household=household)
    return render(request, "www/households/form.html", {
        "form": form, "dossier": episode.dossier, "title": f"Sortie — {household}", "submit": "Enregistrer la sortie",
        "breadcrumb_data": _crumbs(episode.dossier, "Sortie", episode),
    })  # fmt: skip


@login_required
def reviews(request, reference):
    dossier, personal = _project(request, reference)
    today = timezone.localdate()
    episodes = indicators.with_review_due(
        selectors.project_episodes(dossier, personal=personal)
        .filter(ended_on__isnull=True)
        .exclude(kind="diagnostic"),
        today=today,
    )
    rows = list(episodes)
    for episode in rows:
        episode.next_review_on = next_review(
            episode.ended_on, getattr(episode, "review_from", None), getattr(episode, "review_days", None)
        )
    rows.sort(key=lambda e: e.next_review_on or today)
    horizon = today + datetime.timedelta(days=30)
    return render(request, "www/households/reviews.html", {
        "dossier": dossier, "personal": personal, "today": today,
        "overdue": [e for e in rows if e.next_review_on and e.next_review_on < today],
        "due": [e for e in rows if e.next_review_on and today <= e.next_review_on <= horizon],
        "title": f"Bilans — {dossier}", "breadcrumb_data": _crumbs(dossier, "Bilans à tenir"),
        "rhythm": getattr(getattr(dossier, "household_settings", None), "review_every_months", indicators.DEFAULT_REVIEW_MONTHS),
    })  # fmt: skip


@login_required
def project_indicators(request, reference):
    dossier, personal = _project(request, reference)
    dossiers = Dossier.objects.filter(pk=dossier.pk)
    figures = indicators.all_figures(
        SupportEpisode.objects.filter(dossier__in=dossiers),
        OutcomeSnapshot.objects.filter(dossier__in=dossiers),
        dossiers,
    )
    groups: dict[str, list] = {}
    for figure in figures:
        groups.setdefault(figure.group, []).append(figure)
    return render(request, "www/households/indicators.html", {
        "dossier": dossier, "groups": groups, "title": f"Indicateurs — {dossier}",
        "breadcrumb_data": _crumbs(dossier, "Indicateurs"),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def bulk_import(request, reference):
    dossier, personal = _project(request, reference)
    if not personal:
        raise PermissionDenied(PERSONAL_ONLY)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", "Fichier trop volumineux (2 Mo au plus).")
        else:
            try:
                count = bulk.import_households(
                    user=request.user, dossier=dossier, name=upload.name, content=upload.read()
                )
            except bulk.ImportRefused as refused:
                errors = refused.errors
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"{count} ménage(s) enregistré(s).")
                return redirect("households:list", reference=dossier.reference)
    return render(request, "www/households/import.html", {
        "form": form, "dossier": dossier, "errors": errors, "columns": bulk.COLUMNS,
        "title": "Saisie groupée de ménages", "breadcrumb_data": _crumbs(dossier, "Saisie groupée"),
    })  # fmt: skip


@login_required
def import_template(request, reference):
    dossier, personal = _project(request, reference)
    if not personal:
        raise PermissionDenied(PERSONAL_ONLY)
    response = HttpResponse(
        bulk.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-menages.xlsx"'
    return response


@login_required
def reads(request, reference):
    dossier, personal = _project(request, reference)
    if not selectors.is_manager(request.user, dossier):
        raise PermissionDenied("Réservé au responsable de l'accompagnement du projet.")
    page = Paginator(selectors.reads_visible_to(request.user, dossier), 100).get_page(request.GET.get("page"))
    return render(request, "www/households/reads.html", {
        "dossier": dossier, "page": page, "title": "Journal des consultations",
        "breadcrumb_data": _crumbs(dossier, "Journal des consultations"),
    })  # fmt: skip


def _everything(episode) -> dict:
    """All that is recorded about the household (its right of access), as plain data."""
    household = episode.household
    episodes = (
        SupportEpisode.objects.filter(household=household)
        .select_related("dossier")
        .prefetch_related("contacts", "objectives", "phase_changes", "tenancy_periods",
                          Prefetch("arrears_cases", queryset=ArrearsCase.objects.prefetch_related("balances", "events")))
    )  # fmt: skip

    def day(value):
        return value.isoformat() if value else None

    return {
        "reference": household.reference,
        "department": household.department_id,
        "resources_category": household.get_resources_category_display(),
        "identifiers": {"sne": household.sne_number, "si_siao": household.siao_file, "dalo": household.dalo_decision},
        "members": [
            {"first_name": m.first_name, "last_name": m.last_name, "birth_date": day(m.birth_date), "phone": m.phone,
             "email": m.email, "is_head": m.is_head}
            for m in household.members.all()
        ],
        "compositions": [
            {"from": day(c.valid_from), "adults": c.adults, "children": c.children, "head": c.get_head_display()}
            for c in household.compositions.all()
        ],
        "supports": [
            {
                "project": str(e.dossier), "kind": e.get_kind_display(), "referral_source": e.get_referral_source_display(),
                "phase": e.get_phase_display(),
                "dates": {f: day(getattr(e, f)) for f in ("referred_on", "first_contact_on", "diagnostic_on", "plan_signed_on",
                                                           "moved_in_on", "lease_transferred_on", "ended_on")},
                "end_reason": e.get_end_reason_display(), "destination": e.get_destination_display(),
                "diagnostic": (
                    {a: getattr(e.diagnostic, f"get_{a}_display")() for a in e.diagnostic.AREAS} | {"summary": e.diagnostic.summary}
                    if hasattr(e, "diagnostic") else None
                ),
                "objectives": [{"title": o.title, "status": o.get_status_display(), "due_on": day(o.due_on)} for o in e.objectives.all()],
                "contacts": [{"on": day(c.happened_on), "type": c.get_kind_display(), "channel": c.get_channel_display(),
                              "result": c.get_result_display(), "note": c.note} for c in e.contacts.all()],
                "phases": [{"on": day(p.on), "from": p.get_from_phase_display(), "to": p.get_to_phase_display(),
                            "reason": p.reason} for p in e.phase_changes.all()],
                "tenancy": [{"from": day(t.starts_on), "change": t.get_change_display(), "commune": t.commune_code,
                             "type": t.dwelling_type, "plai": t.plai, "rent_eur": str(t.rent_eur),
                             "lease": t.get_lease_kind_display(), "address": t.address} for t in e.tenancy_periods.all()],
                "arrears": [{"detected_on": day(a.detected_on), "first_unpaid_rent_on": day(a.first_unpaid_rent_on),
                             "balances": [{"on": day(b.on), "eur": str(b.amount_eur)} for b in a.balances.all()],
                             "steps": [{"on": day(s.on), "step": s.get_kind_display()} for s in a.events.all()]}
                            for a in e.arrears_cases.all()],
            }
            for e in episodes
        ],
        "exported_on": timezone.localdate().isoformat(),
        "note": "Les notes privées des accompagnateurs sont des aide-mémoire personnels ; elles sont jointes à la demande.",
    }  # fmt: skip


@login_required
def export(request, household, fmt):
    if fmt not in ("json", "pdf"):
        raise Http404("Format inconnu.")
    episode = _personal_episode(request, household)
    data = _everything(episode)
    record_read(request.user, episode, what=f"export {fmt} (droit d'accès)")
    filename = f"menage-{episode.household.reference}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as missing:  # pango absent: say so rather than fail
        raise Http404("Export PDF indisponible sur ce serveur (WeasyPrint ou pango absent).") from missing
    html = render_to_string("www/households/export.html", {"data": data})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
