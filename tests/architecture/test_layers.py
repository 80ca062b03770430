"""The house's floors, checked on every module's imports (module level and inside functions).

Ground up: importer < territories (and audit, the journal; compiled, queries compiled once) < organisations < calls < dossiers < imports, households < grants
< reporting < api, operations < www. A room imports only rooms on lower floors; the importer imports neither
Django nor anything of the project (it runs and is fuzzed alone); only ``www`` renders templates.
Floors not built yet are simply absent; a new app must be given its floor here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "logement_accompagne"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

FLOORS = [
    {"importer"},
    # audit: the journal every domain app writes to (imports nothing of theirs); compiled (a module):
    # querysets compiled once per process, for the reads every page makes (imports only Django).
    {"territories", "audit", "compiled"},
    {"organisations"},
    # calls: managed by the national level, so it asks organisations who someone is.
    {"calls"},
    {"dossiers"},
    {"imports", "households"},
    {"grants"},
    {"reporting"},
    # operations: the commands that generate national-scale data and watch the service; they
    # read every domain app, and only www sits above them.
    {"api", "operations"},
    {"www"},
]
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}

# What renders a template: the template engines and the shortcuts over them.
RENDERING = {
    "django.shortcuts": {"render", "render_to_response"},
    "django.template.loader": None,  # any name: get_template, render_to_string, select_template
    "django.template.response": None,
    "django.template": {"Template", "engines", "loader"},
}


def _apps() -> list[str]:
    """The rooms: the project's packages, and its modules outside them (a room of one file)."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in ROOT.glob("*.py") if p.name != "__init__.py"}
    return sorted(packages | modules)


def _imports(path: Path, as_module: str | None = None) -> list[tuple[int, str, set[str] | None]]:
    """(line, absolute module, names imported from it or None for ``import module``)."""
    module_parts = (as_module or ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)).split(".")
    if module_parts[-1] == "__init__":
        module_parts.pop()
    package = module_parts if path.name == "__init__.py" else module_parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = {alias.name for alias in node.names}
            found.append((node.lineno, module, names))
            # "from logement_accompagne import dossiers" imports the room itself.
            if module == PACKAGE:
                found += [(node.lineno, f"{PACKAGE}.{name}", None) for name in names]
    return found


def _modules(app: str):
    single = ROOT / f"{app}.py"
    paths = [single] if single.exists() else sorted((ROOT / app).rglob("*.py"))
    for path in paths:
        yield path, path.relative_to(ROOT.parent)


def test_every_app_has_a_floor():
    unknown = [app for app in _apps() if app not in FLOOR]
    assert not unknown, (
        f"Applications sans étage dans la maison : {unknown}. Donnez-leur leur place dans FLOORS "
        "(tests/architecture/test_layers.py) et dans ../shared/spec/architecture.md."
    )


@pytest.mark.parametrize("app", [app for app in _apps() if app in FLOOR])
def test_rooms_import_only_lower_floors(app):
    wrong = []
    for path, shown in _modules(app):
        for line, module, _names in _imports(path):
            parts = module.split(".")
            if parts[0] != PACKAGE or len(parts) < 2 or parts[1] == app:
                continue
            other = parts[1]
            if other not in FLOOR:
                wrong.append(f"{shown}:{line} importe {module}, qui n'a pas d'étage")
            elif FLOOR[other] >= FLOOR[app]:
                wrong.append(
                    f"{shown}:{line} importe {module} : « {app} » (étage {FLOOR[app]}) ne peut importer "
                    f"que des étages inférieurs, « {other} » est à l'étage {FLOOR[other]}"
                )
    assert not wrong, "Importations contraires aux étages de la maison :\n" + "\n".join(wrong)


def test_the_importer_is_pure_python():
    wrong = []
    for path, shown in _modules("importer"):
        for line, module, _names in _imports(path):
            top = module.split(".")[0]
            if top in ("django", "rest_framework") or top.startswith("django_"):
                wrong.append(f"{shown}:{line} importe {module} (Django)")
            elif module.startswith(PACKAGE) and not module.startswith(f"{PACKAGE}.importer"):
                wrong.append(f"{shown}:{line} importe {module} (le projet)")
    assert not wrong, (
        "L'importeur est une bibliothèque en Python pur, sans Django ni application du projet :\n"
        + "\n".join(wrong)
    )


def test_only_www_renders_templates():
    wrong = []
    for app in _apps():
        if app == "www":
            continue
        for path, shown in _modules(app):
            for line, module, names in _imports(path):
                if module not in RENDERING:
                    continue
                rendering = RENDERING[module]
                if rendering is None or names is None or names & rendering:
                    wrong.append(f"{shown}:{line} importe {module} {sorted(names or [])}")
        templates = [p.relative_to(ROOT.parent) for p in (ROOT / app).rglob("templates") if p.is_dir()]
        wrong += [f"{folder} : des gabarits hors de www" for folder in templates]
    assert not wrong, "Seul « www » rend des pages (vues, gabarits) :\n" + "\n".join(wrong)


def test_the_check_sees_a_forbidden_import(tmp_path):
    """The checker itself reads relative and function-level imports (a test that can fail)."""
    source = tmp_path / "probe.py"
    source.write_text("import django.db\ndef f():\n    from ..www import views\n")
    found = [module for _line, module, _names in _imports(source, as_module=f"{PACKAGE}.dossiers.probe")]
    assert found == ["django.db", f"{PACKAGE}.www"]
