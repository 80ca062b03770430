"""The INSEE COG lookup, for the territories app and the layers above it.

The lookup itself lives at the ground floor (``logement_accompagne.importer.cog``) because the
document importer reads it and may import nothing of the project; this name keeps working for the
rooms above.
"""

from logement_accompagne.importer.cog import *  # noqa: F403
from logement_accompagne.importer.cog import __all__  # noqa: F401
