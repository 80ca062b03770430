"""Scoped reads of dossiers: the only way views, exports and the API get dossiers.

A carrier sees the dossiers of their organisations (drafts included); a
departmental instructor the filed dossiers of their department(s); a regional
instructor those of their region (current or, for historical calls, pre-2016);
the national committee every filed dossier.
"""

from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet

from logement_accompagne.organisations.selectors import departments_covered_q, scope_of

from .models import Dossier, DossierCarrier

DossierDepartment = Dossier.departments.through


# "id IN (links of these departments)" rather than a correlated EXISTS: PostgreSQL plans both as
# a semi-join, but SQLite runs EXISTS once per dossier of the whole table, which made every list
# of a department grow with the national volume (make bench, issue #9).
# The territory itself (which departments a service covers, pre-2016 regions included) is the one
# rule of organisations.selectors.departments_covered_q.
#
# ``in_filing_order=True`` is for a page of the newest filed dossiers (the queue): the same
# condition on ``id + 0``, which SQLite cannot answer from the primary key, so it walks the
# ``dossier_filed_order_idx`` index newest first and stops at the page's 50 rows, instead of
# reading every dossier of the territory and sorting them (a large department at scale 10).
def _in_territory(departmental_codes, regional_codes, *, in_filing_order: bool = False) -> Q:
    covered = departments_covered_q(
        departmental_codes=departmental_codes, regional_codes=regional_codes, prefix="department__"
    )
    links = DossierDepartment.objects.filter(covered).values("dossier_id")
    return Q(walked_id__in=links) if in_filing_order else Q(pk__in=links)


def _carried_by(organisation_ids) -> Q:
    return Q(pk__in=DossierCarrier.objects.filter(organisation_id__in=organisation_ids).values("dossier_id"))


def dossiers_visible_to(user, *, in_filing_order: bool = False) -> QuerySet[Dossier]:
    scope = scope_of(user)
    dossiers = Dossier.objects.all()
    if in_filing_order:
        dossiers = dossiers.alias(walked_id=ExpressionWrapper(F("pk") + 0, output_field=IntegerField()))
    if scope.administrator:
        return dossiers
    filed = Q(submitted_at__isnull=False)
    visible = Q(pk__in=[])
    if scope.carrier_organisation_ids:
        visible |= Q(_carried_by(scope.carrier_organisation_ids))
    if scope.committee:
        visible |= filed
    else:
        if scope.departmental_codes or scope.regional_codes:
            visible |= filed & _in_territory(
                scope.departmental_codes, scope.regional_codes, in_filing_order=in_filing_order
            )
    return dossiers.filter(visible)


def dossiers_carried_by(user) -> QuerySet[Dossier]:
    """The dossiers the person's organisations carry, drafts included: a part of what
    ``dossiers_visible_to`` gives them (a carrier sees every dossier it carries), read without
    its other branches."""
    return Dossier.objects.filter(_carried_by(scope_of(user).carrier_organisation_ids))


def dossier_for(user, **lookup) -> Dossier:
    """One visible dossier, or Dossier.DoesNotExist (views turn it into a 404: no existence leak)."""
    return dossiers_visible_to(user).select_related("call").get(**lookup)


def review_facts(dossier: Dossier, *, with_opinions: bool = True, with_forwarding: bool = True) -> dict:
    """What the State services read before an opinion or a decision, built once for the dossier page,
    the opinion pages and the committee's decision page: the financial summary, the consistency
    checks and, for the State services, both levels' opinions and whether each level may forward."""
    from . import checks

    facts = {"summary": checks.financial_summary(dossier), "consistency": checks.consistency(dossier)}
    if with_opinions:
        facts.update(
            departmental_opinions=list(dossier.departmental_opinions.select_related("author")),
            regional_opinions=list(dossier.regional_opinions.select_related("author")),
        )
    if with_opinions and with_forwarding:
        facts.update(
            may_forward_to_region=checks.opinion_given(dossier, "departmental"),
            may_forward_to_committee=checks.opinion_given(dossier, "regional"),
        )
    return facts
