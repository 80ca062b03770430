"""The national-scale reference dataset of quality.md, built in parts.

Each part is a module with ``generate(ctx)``; parts run in order and hand each other what they
created through ``ctx.shared``. A part whose app is not installed is skipped, so the households
part joins by itself when that app is on the branch.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import transaction

from .common import BASE_VOLUMES, PASSWORD, Context

# (name, module, app label it needs): the order matters, later parts use earlier ones.
PARTS = [
    ("people", "people", None),
    ("dossiers", "dossiers", None),
    ("households", "households", "households"),
]

__all__ = ["BASE_VOLUMES", "PASSWORD", "generate", "available_parts", "refusal_reason", "DatabaseNotEmpty"]


class DatabaseNotEmpty(Exception):
    pass


def available_parts() -> list[str]:
    """Parts whose app is installed and whose generator module exists."""
    return [
        name
        for name, module, app in PARTS
        if (app is None or apps.is_installed(f"logement_accompagne.{app}"))
        and importlib.util.find_spec(f"{__name__}.{module}") is not None
    ]


def refusal_reason() -> str | None:
    """Why the generator must not run here (production settings), in French, or None."""
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if module.endswith(".prod") or getattr(settings, "IS_PRODUCTION", False):
        return (
            "Refusé : les réglages de production sont actifs. Le jeu de référence est fictif et "
            "ne doit jamais être écrit dans une base de production."
        )
    return None


def is_empty() -> bool:
    from logement_accompagne.dossiers.models import Dossier
    from logement_accompagne.organisations.models import Organisation, User

    return not (User.objects.exists() or Organisation.objects.exists() or Dossier.objects.exists())


# Reference tables a flush keeps: territories, the DSFR site configuration, Django's own bookkeeping.
KEPT_TABLE_PREFIXES = ("territories_", "dsfr_", "django_migrations", "django_content_type", "auth_permission")


def empty_database() -> None:
    """Delete every row the platform's users created (the --flush of the command)."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if not t.startswith(KEPT_TABLE_PREFIXES)]  # fmt: skip
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.vendor == "postgresql":
        # Inside a transaction (tests), pending deferred checks would make TRUNCATE refuse.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)


def generate(
    *, scale: float = 1, seed: int = 42, log: Callable[[str], None] = print, parts: list[str] | None = None
) -> dict[str, int]:
    """Build the dataset into an empty database; returns the number of rows per kind.

    `parts`: only these parts (and in the registry's order); later parts need the earlier ones.
    """
    if not is_empty():
        raise DatabaseNotEmpty
    ctx = Context(seed=seed, scale=scale)
    for name in available_parts():
        if parts is not None and name not in parts:
            continue
        module = importlib.import_module(f"{__name__}.{dict((p[0], p[1]) for p in PARTS)[name]}")
        started = time.perf_counter()
        with transaction.atomic():
            module.generate(ctx)
        log(f"  {name} : {time.perf_counter() - started:.1f} s")
    return ctx.created
