"""Fixtures of the importer tests: the seed forms (when present) and the generated sample documents."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / ".." / "shared" / "seeds"


def load_samples_module():
    """``scripts/make_sample_documents.py`` imported as a module (scripts/ is not a package)."""
    name = "make_sample_documents"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_sample_documents.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix``; skips the test when the seeds are absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"graines absentes ({SEEDS.resolve()}) : tests sur les formulaires réels ignorés")
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"graine {prefix}_*.txt absente de {SEEDS.resolve()}")
    return found[0]


@pytest.fixture(scope="session")
def samples_module():
    """scripts/make_sample_documents.py, imported once."""
    return load_samples_module()


@pytest.fixture(scope="session")
def samples(tmp_path_factory, samples_module) -> dict[str, Path]:
    """Every sample document, written once per test session into a temporary directory."""
    return samples_module.write_samples(tmp_path_factory.mktemp("samples"))


def flat(value):
    """A value with whitespace, apostrophes and bullets evened out, to compare text across formats."""
    if isinstance(value, str):
        lines = [re.sub(r"^[•·\-*]\s*", "", line.strip()) for line in value.replace("’", "'").split("\n")]
        return " ".join(" ".join(lines).split())
    if isinstance(value, dict):
        return {key: flat(item) for key, item in value.items()}
    if isinstance(value, list):
        return [flat(item) for item in value]
    return value
