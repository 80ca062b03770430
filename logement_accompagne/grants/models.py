"""The grants app's models, one module per part (each part is built and merged on its own)."""

from .sessions import CommitteeSession, ProposedDecision  # noqa: F401  (committee sessions, issue #12)
