"""The importer's own error: one French sentence a user can act on, never a traceback."""


class DocumentImportError(Exception):
    """A document that cannot be read or understood.

    ``message`` is written for the person who uploaded the file (French, one line, no jargon);
    ``code`` is a short stable identifier for tests and logs (e.g. ``"too_large"``).
    """

    def __init__(self, message: str, code: str = "invalid"):
        """Keep the French message and a short code."""
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        """The user-facing message alone."""
        return self.message


class CanonicalValidationError(DocumentImportError, ValueError):
    """A canonical document that does not follow the schema; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]):
        """Keep every problem; the message shows the first twenty."""
        self.problems = list(problems)
        shown = " ; ".join(self.problems[:20])
        more = f" (et {len(self.problems) - 20} autre(s))" if len(self.problems) > 20 else ""
        super().__init__(f"document canonique invalide : {shown}{more}", code="schema")
