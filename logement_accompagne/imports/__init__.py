"""The import as an application: an uploaded document's job, its review, the draft it creates.

The reading itself is the ``importer`` library (pure Python, ground floor); this app keeps the
uploaded file (``ImportJob``), runs the library in the background for large files
(``jobs``), creates the draft once the person confirms (``services``) and offers the
``import_dossier`` command.
"""
