"""Test runs: fast hashing, in-memory e-mail, tasks run immediately."""

from .base import *  # noqa: F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-media"), "base_url": "/interdit/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise wants it to exist

# --- bench-ops: template fragments are cached per process in production; in tests every page
# is rendered from the database of the test, so a fragment never outlives the test that made it.
CACHES = {  # noqa: F405
    **CACHES,  # noqa: F405
    "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    },  # dashboard figures: see their tests
}
# A second alias standing for the read replica: the same test database (MIRROR), so the router's
# reads are real queries (tests/operations/test_scale_out.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# State agents are signed in directly by the tests; tests/www/test_second_factor.py turns it on.
SECOND_FACTOR_REQUIRED = False
