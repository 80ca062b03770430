"""manage.py run_bench: the key operations of quality.md against their floor, on the current database.

Meant to be run by ``make bench`` (scripts/bench.py), which picks the reference database of each
scale; run alone it measures whatever database DATABASE_URL points at. Each operation goes through
the test client with a logged-in user, so the whole middleware stack runs; its floor (the
accessibility page: the same base layout, no data) is measured interleaved with it, same user,
same process, so machine noise hits both alike.
"""

from __future__ import annotations

import io
import json
import statistics
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, DossierCarrier
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership, User


def busiest(role: str, key: str) -> User:
    """The person of that role whose organisation has the most dossiers (the worst case)."""
    membership = (
        Membership.objects.filter(role=role)
        .annotate(n=Count(key, distinct=True))
        .order_by("-n", "user__email")
        .select_related("user")
        .first()
    )
    if membership is None:
        raise CommandError(f"Aucun compte de rôle {role} : générez d'abord le jeu de référence.")
    return membership.user


class Operation:
    def __init__(
        self, name: str, user: User | None, run: Callable[[Client], object], floor="page", rows=None,
        floor_kind: str | None = None, own_sql: Callable[[Client], object] | None = None,
        before: Callable[[], object] | None = None,
    ):  # fmt: skip
        self.name, self.user, self.run, self.floor, self.rows = name, user, run, floor, rows
        # What the floor is ("page", "own_sql", "hand_sql", "text"); own_sql: a second floor, the
        # operation's own statements replayed raw, measured alongside when the first one is hand-written.
        self.floor_kind = floor_kind or ("own_sql" if callable(floor) else "page")
        self.own_sql = own_sql
        # Called (untimed) before every run of the operation and of its second floor: the dashboards'
        # figures cache is emptied, so that both are measured cold.
        self.before = before or (lambda: None)


SKIPPED_IN_REPLAY = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")  # transaction control


def sql_floor(run: Callable[[Client], object]) -> Callable[[Client], object]:
    """The SQL floor of an operation: the very statements it sends, replayed raw and fetched in full.

    Captured once (first call), then each call executes them through a bare cursor: the database's
    share of the work with no ORM, no Python loop over rows, no template. The ratio operation /
    floor is what the application adds over its own SQL (it does not say that this SQL is the
    cheapest possible).
    """
    captured: list[tuple[str, object, bool]] = []

    def floor(client):
        if not captured:

            def grab(execute, sql, params, many, context):
                if not sql.lstrip().upper().startswith(SKIPPED_IN_REPLAY):
                    captured.append((sql, params, many))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(grab):
                run(client)
        with connection.cursor() as cursor:
            for sql, params, many in captured:
                (cursor.executemany if many else cursor.execute)(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()

    return floor


def cold_dashboards():
    """Empties the cache where the dashboards keep their figures a few minutes (www.reporting.views):
    the bench measures their computation, not a cache read."""
    from django.core.cache import caches

    caches["shared"].clear()


def cold_lists():
    """Empties the cache where list pages keep their rows and counts (dossiers.listing.cached_figure)."""
    from django.core.cache import caches

    caches["fragments"].clear()


def hand_sql_floor(territory) -> Callable[[Client], object]:
    """The floor of a dashboard: the same figures computed by SQL written by hand (operations.bench_sql).

    No cache on either side: every run computes every figure (the dashboards keep none).
    """
    from django.utils import timezone

    from logement_accompagne.operations import bench_sql

    def floor(client):
        return bench_sql.dashboard(territory.level, territory.code, timezone.localdate())

    return floor


class _Discard:
    """A file that forgets what it is given (an export's bytes are counted, not kept)."""

    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)
        return len(data)


def get(url: str) -> Callable[[Client], object]:
    def run(client: Client):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} répond {response.status_code}")
        return response

    return run


class Command(BaseCommand):
    help = (
        "Mesure les opérations clés (médiane, plancher, ratio, requêtes SQL, mémoire) sur la base courante."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15, help="mesures par opération (médiane)")
        parser.add_argument("--scale", default="?", help="échelle du jeu, recopiée dans le résultat")
        parser.add_argument("--json", help="fichier où écrire les résultats (liste d'objets)")
        parser.add_argument("--only", help="ne mesurer que les opérations dont le nom contient ce texte")
        parser.add_argument(
            "--pending",
            type=int,
            help="ordre du jour d'une séance du comité avec exactement N dossiers en attente de décision "
            "(préparé dans une transaction annulée à la fin : la base n'est pas modifiée)",
        )

    def operations(self) -> list[Operation]:
        departmental = busiest(Role.DEPARTMENTAL_INSTRUCTOR, "organisation__department__dossiers")
        regional = busiest(Role.REGIONAL_INSTRUCTOR, "organisation__region__departments__dossiers")
        committee = Membership.objects.filter(role=Role.COMMITTEE, user__is_superuser=False).first().user
        carrier = busiest(Role.CARRIER, "organisation__carrier_links")
        dossier = (
            Dossier.objects.filter(status=Status.COMMITTEE)
            .annotate(n=Count("transitions"))
            .order_by("-n", "pk")
            .first()
        )
        queue = reverse("review:queue")
        # The committee's queue holds every filed dossier, 50 per page (quality.md): its last page.
        last_page = max(1, -(-Dossier.objects.filter(submitted_at__isnull=False).count() // 50))
        ops = [
            Operation("file instructeur départemental", departmental, get(queue)),
            Operation("file instructeur régional", regional, get(queue)),
            Operation("file comité (national)", committee, get(queue)),
            # The list pages keep their rows per version of the data (dossiers.listing.cached_figure):
            # the same page with that cache emptied before each run says what a first reading costs.
            Operation("file comité (national), à froid", committee, get(queue), before=cold_lists),
            Operation(f"file comité, dernière page ({last_page})", committee, get(f"{queue}?page={last_page}")),
            Operation("page comité", committee, get(reverse("committee:index"))),
            Operation("page comité (à froid)", committee, get(reverse("committee:index")), before=cold_lists),
            Operation("mes dossiers (porteur)", carrier, get(reverse("dossiers:list"))),
            Operation("page dossier (comité)", committee, get(reverse("dossiers:detail", args=[dossier.reference]))),
        ]  # fmt: skip
        carrier_dossier = DossierCarrier.objects.filter(organisation__memberships__user=carrier).first()
        if carrier_dossier:
            url = reverse("dossiers:detail", args=[carrier_dossier.dossier.reference])
            ops.append(Operation("page dossier (porteur)", carrier, get(url)))
        ops.append(self.import_operation())
        ops += self.household_operations()
        ops += self.steering_operations(committee)
        return ops

    def household_operations(self) -> list[Operation]:
        """Issue #10: the project's household list and a timeline (support worker), the indicators.

        The pages are held to the page floor like every page (issue #9: at most 3x the accessibility
        page); their own statements replayed raw are the second figure (the « └ » line), what the
        application adds over its SQL. The indicators have no page: their own SQL is their floor.
        """
        from django.apps import apps

        if not apps.is_installed("logement_accompagne.households"):
            return []
        from logement_accompagne.households import indicators
        from logement_accompagne.households.models import OutcomeSnapshot, SupportEpisode

        projects = Dossier.objects.filter(status=Status.SELECTED).annotate(n=Count("support_episodes"))
        big = projects.order_by("-n", "pk").first()
        small = projects.filter(n__gte=5).order_by("n", "pk").first()
        if big is None or not big.n:
            return []

        def worker_of(dossier) -> User | None:
            return (
                User.objects.filter(
                    memberships__role=Role.SUPPORT_WORKER,
                    memberships__organisation__carrier_links__dossier=dossier,
                )
                .order_by("pk")
                .first()
            )

        def page(name: str, user: User, url: str) -> Operation:
            """A household page against the page floor, its own statements replayed as second figure."""
            return Operation(name, user, get(url), own_sql=sql_floor(get(url)))

        ops = []
        worker = worker_of(big)
        if worker is not None:
            ops.append(
                page(
                    f"liste des ménages ({big.n} suivis)",
                    worker,
                    reverse("households:list", args=[big.reference]),
                )
            )
            longest = (
                SupportEpisode.objects.filter(dossier=big)
                .annotate(c=Count("contacts"))
                .order_by("-c", "pk")
                .first()
            )
            url = reverse("households:detail", args=[longest.household.reference])
            ops.append(page(f"frise d'un ménage ({longest.c} contacts)", worker, url))
        # The same list seen by the State service of the project's department: pseudonymous (no name
        # read, nothing journaled), the rows kept per project version as for the support worker.
        instructor = (
            User.objects.filter(
                memberships__role=Role.DEPARTMENTAL_INSTRUCTOR,
                memberships__organisation__department__in=big.departments.all(),
            )
            .order_by("pk")
            .first()
        )
        if instructor is not None:
            url = reverse("households:list", args=[big.reference])
            ops.append(page(f"liste des ménages ({big.n} suivis), vue de l'État", instructor, url))
        small_worker = worker_of(small) if small else None
        if small_worker is not None:
            url = reverse("households:list", args=[small.reference])
            ops.append(page(f"liste des ménages ({small.n} suivis)", small_worker, url))

        one = Dossier.objects.filter(pk=big.pk)

        def project_figures(client):
            episodes = SupportEpisode.objects.filter(dossier__in=one)
            return indicators.all_figures(episodes, OutcomeSnapshot.objects.filter(dossier__in=one), one)

        selected = Dossier.objects.filter(status=Status.SELECTED)

        def national_figures(client):
            episodes, snapshots = indicators.scope_of_dossiers(selected)
            return indicators.all_figures(episodes, snapshots, selected, suppress_small=True, national=True)

        ops.append(
            Operation(
                f"indicateurs d'un projet ({big.n} suivis)",
                None,
                project_figures,
                floor=sql_floor(project_figures),
            )
        )
        ops.append(
            Operation(
                "indicateurs nationaux (calcul)", None, national_figures, floor=sql_floor(national_figures)
            )
        )
        return ops  # fmt: skip

    def steering_operations(self, committee: User) -> list[Operation]:
        """Issue #11: the dashboards against their SQL, and the exports (rows per second, peak memory)."""
        from django.apps import apps

        if not apps.is_installed("logement_accompagne.reporting"):
            return []
        from logement_accompagne.reporting import exports
        from logement_accompagne.reporting import territories as t

        ops = []
        for name, user in (
            ("tableau de bord national", committee),
            ("tableau de bord régional", busiest(Role.REGIONAL_INSTRUCTOR, "organisation__region__departments__dossiers")),
            ("tableau de bord départemental", busiest(Role.DEPARTMENTAL_INSTRUCTOR, "organisation__department__dossiers")),
        ):  # fmt: skip
            territory = t.home_territory(user)
            url = (reverse("reporting:national") if territory.is_national
                   else reverse(f"reporting:{'region' if territory.level == t.REGION else 'department'}", args=[territory.code]))  # fmt: skip
            ops.append(
                Operation(name, user, get(url), floor=hand_sql_floor(territory), floor_kind="hand_sql",
                          own_sql=sql_floor(get(url)), before=cold_dashboards)
            )  # fmt: skip
        every = Dossier.objects.filter(submitted_at__isnull=False)
        total = every.count()
        tenth = every.filter(pk__in=every.order_by("pk").values("pk")[: max(total // 10, 1)])
        for fmt in ("csv", "xlsx", "ods"):
            for dossiers, n in ((tenth, max(total // 10, 1)), (every, total)):

                def run(client, fmt=fmt, dossiers=dossiers):
                    sink = _Discard()
                    columns = exports.DEFAULT_COLUMNS
                    exports.write(fmt, exports.header(columns), exports.rows(dossiers, columns), sink)
                    return sink

                ops.append(
                    Operation(f"export {fmt.upper()} {n} dossiers", None, run, floor=sql_floor(run), rows=n)
                )
        return ops

    def import_operation(self) -> Operation:
        """Understanding one filed form (docx) vs merely reading its text (quality.md)."""
        import importlib.util

        from django.conf import settings

        from logement_accompagne.importer import parse_document

        path = Path(settings.BASE_DIR) / "scripts" / "make_sample_documents.py"
        spec = importlib.util.spec_from_file_location("make_sample_documents", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        data = module.form_docx()  # the sample form our script writes

        def run(client):
            return parse_document(data, filename="presentation.docx")

        def floor(client):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return archive.read("word/document.xml").decode("utf-8")

        return Operation("import d'un dossier (docx)", None, run, floor=floor, floor_kind="text")

    def agenda_operations(self, pending: int) -> list[Operation]:
        """The agenda of a committee session with exactly ``pending`` dossiers waiting (issue #12): the
        dossiers still in review are moved to the committee first, the others sent back a step."""
        import datetime

        from django.db.models import Case, IntegerField, Value, When

        from logement_accompagne.grants.sessions import CommitteeSession

        committee = Membership.objects.filter(role=Role.COMMITTEE, user__is_superuser=False).first().user
        in_review = (Status.COMMITTEE, Status.REGIONAL_REVIEW, Status.DEPARTMENTAL_REVIEW, Status.SUBMITTED)
        chosen = list(
            Dossier.objects.filter(submitted_at__isnull=False)
            .exclude(status=Status.RETURNED)
            .annotate(later=Case(When(status__in=in_review, then=Value(0)), default=Value(1),
                                 output_field=IntegerField()))
            .order_by("later", "pk")
            .values_list("pk", flat=True)[:pending]
        )  # fmt: skip
        if len(chosen) < pending:
            raise CommandError(
                f"Seulement {len(chosen)} dossiers déposés : impossible d'en mettre {pending} en attente."
            )
        Dossier.objects.filter(status=Status.COMMITTEE).exclude(pk__in=chosen).update(
            status=Status.REGIONAL_REVIEW
        )
        Dossier.objects.filter(pk__in=chosen).update(status=Status.COMMITTEE)
        session = CommitteeSession.objects.create(
            held_on=datetime.date(2026, 12, 3), members_present="Membre du comité", created_by=committee
        )
        url = reverse("committee:session", args=[session.reference])
        return [
            Operation(f"ordre du jour, {pending} en attente", committee, get(url)),
            Operation(
                f"ordre du jour, {pending} en attente (à froid)", committee, get(url), before=cold_lists
            ),
            Operation(
                f"ordre du jour trié coût, {pending} en att.", committee, get(f"{url}?tri=cout&page=2")
            ),
        ]

    def handle(self, *args, repeat, scale, json: str | None, only: str | None, pending: int | None = None,
               **options):  # fmt: skip
        if pending is not None:
            from django.db import transaction

            # The pending dossiers are arranged for the measure only: everything is rolled back.
            with transaction.atomic():
                results = self.measure_all(self.agenda_operations(pending), repeat, scale, only)
                transaction.set_rollback(True)
        else:
            results = self.measure_all(self.operations(), repeat, scale, only)
        text = json_dump(results)
        if json:
            Path(json).write_text(text)
        else:
            self.stdout.write(text)

    def measure_all(self, operations, repeat, scale, only) -> list[dict]:
        results = []
        for op in operations:
            if only and only not in op.name:
                continue
            results.append(self.measure(op, repeat, scale))
            self.stderr.write(f"  {op.name}: {results[-1]['median_ms']} ms / {results[-1]['floor_ms']} ms")
        return results

    def measure(self, op: Operation, repeat: int, scale) -> dict:
        client = Client()
        if op.user is not None:
            client.force_login(op.user)
            # A State agent counts as signed in through ProConnect (the strong authentication):
            # the second factor's page is not what is measured (www.second_factor.PROCONNECT: the
            # operations layer does not import www).
            session = client.session
            session["second_factor:proconnect"] = True
            session.save()
        floor = op.floor if callable(op.floor) else get(reverse("accessibility"))
        for _ in range(3):  # warm-up: template and URL caches, connection
            floor(client)
            op.before()
            op.run(client)
            if op.own_sql:
                op.before()
                op.own_sql(client)
        times, floors, own = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            floor(client)
            floors.append(time.perf_counter() - started)
            op.before()
            started = time.perf_counter()
            op.run(client)
            times.append(time.perf_counter() - started)
            if op.own_sql:
                op.before()
                started = time.perf_counter()
                op.own_sql(client)
                own.append(time.perf_counter() - started)
        op.before()
        queries, floor_queries = count_queries(op.run, client), count_queries(floor, client)
        op.before()
        tracemalloc.start()
        op.run(client)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median, floor_median = statistics.median(times), statistics.median(floors)
        extra = {"rows": op.rows, "rows_per_s": round(op.rows / median)} if op.rows else {}
        if own:
            own_median = statistics.median(own)
            extra |= {
                "own_sql_ms": round(own_median * 1000, 2),
                "own_sql_ratio": round(median / own_median, 2),
            }
        return {
            "operation": op.name,
            "scale": scale,
            "database": connection.vendor,
            "median_ms": round(median * 1000, 2),
            "floor_ms": round(floor_median * 1000, 2),
            "ratio": round(median / floor_median, 2) if floor_median else None,
            "queries": queries,
            "floor_queries": floor_queries,
            "floor_kind": op.floor_kind,
            "peak_mb": round(peak / 2**20, 2),
            "repeat": repeat,
            **extra,
        }


def count_queries(run, client) -> int:
    """SQL statements one run sends (an execute wrapper: independent of DEBUG and of query logs)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        run(client)
    return count


def json_dump(results) -> str:
    return json.dumps(results, ensure_ascii=False, indent=1)
