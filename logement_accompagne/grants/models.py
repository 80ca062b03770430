"""The grants app's models. Agreements, payments and reports are declared in ``agreements.py``."""

from .agreements import (  # noqa: F401
    Agreement,
    AgreementVersion,
    Report,
    ReportKind,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
