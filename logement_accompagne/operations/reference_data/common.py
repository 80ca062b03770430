"""What every part of the reference dataset shares: volumes, the seeded random source, bulk helpers."""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

# Volumes at scale 1 (quality.md); --scale multiplies them. Departments and calls stay as they are:
# France has ~100 departments whatever the scale, and a programme runs a handful of calls.
BASE_VOLUMES = {
    "carrier_organisations": 180,
    "users": 1500,
    "dossiers": 2000,
    "households": 50_000,
    "contacts": 1_000_000,
}
BATCH = 2000
PASSWORD = "reference-logement-accompagne"
DOMAIN = "reference.logement-accompagne.fr"
# Every date of the dataset is relative to this fixed instant, never to "now": same seed, same rows.
EPOCH = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)


@dataclass
class Context:
    """Passed from part to part: the random source and what earlier parts created."""

    seed: int
    scale: float
    rng: random.Random = field(init=False)
    created: dict[str, int] = field(default_factory=dict)
    shared: dict[str, object] = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def volume(self, name: str) -> int:
        return max(1, round(BASE_VOLUMES[name] * self.scale))

    def count(self, name: str, n: int) -> None:
        self.created[name] = self.created.get(name, 0) + n


def bulk(model: type[models.Model], rows: list, batch_size: int = BATCH) -> list:
    return model.objects.bulk_create(rows, batch_size=batch_size)


@contextlib.contextmanager
def explicit_timestamps(*model_classes: type[models.Model]):
    """Let bulk inserts keep the dates we give instead of auto_now/auto_now_add's "now"."""
    saved = []
    for model in model_classes:
        for item in model._meta.concrete_fields:
            if getattr(item, "auto_now", False) or getattr(item, "auto_now_add", False):
                saved.append((item, item.auto_now, item.auto_now_add))
                item.auto_now = item.auto_now_add = False
    try:
        yield
    finally:
        for item, auto_now, auto_now_add in saved:
            item.auto_now, item.auto_now_add = auto_now, auto_now_add


def moment(rng: random.Random, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    span = max(int((end - start).total_seconds()), 1)
    return start + datetime.timedelta(seconds=rng.randrange(span))


def as_aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), datetime.UTC)


def weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]
