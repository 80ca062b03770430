"""The grants app's models, one module per part: committee sessions in ``sessions.py``; agreements,
payments and reports in ``agreements.py``."""

from .agreements import (  # noqa: F401
    Agreement,
    AgreementVersion,
    Report,
    ReportKind,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from .sessions import CommitteeSession, ProposedDecision  # noqa: F401  (committee sessions, issue #12)
