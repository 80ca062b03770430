#!/usr/bin/env python3
"""make bench: the key operations of quality.md at scale 1 and 10, each against its floor.

For each scale, the reference dataset (``generate_reference_data --seed 42``) is built once and
cached: a SQLite file under var/bench/ by default, or, when DATABASE_URL is set, a PostgreSQL
database named after it with a ``_s<scale>`` suffix (rebuilt when the migrations or the generator
change). Each scale is measured in its own process (``manage.py run_bench``), then one table is
printed and every result written to var/bench/latest.json.

Usage: ``python scripts/bench.py [--scales 1 10] [--repeat 15] [--only TEXT] [--rebuild] [--parts people dossiers]``

``--parts`` (or ``BENCH_PARTS="people dossiers"``) builds and measures a partial dataset, cached apart
(its name says which parts): at scale 10 the households part (10 M contacts) takes hours here, while
the queues and dossier pages only need people and dossiers. The printed table marks such a scale
(« 10 p ») and says which parts were left out; the household operations are then not measured.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable
SEED = 42
ALL_PARTS = ("people", "dossiers", "households")


def fingerprint() -> str:
    """Changes when the generator changes: the cached dataset is then rebuilt.

    A new migration does not rebuild it: ``migrate`` brings the cached dataset up to date before each
    run, as it would a production database (an added index is measured on the data already there).
    """
    digest = hashlib.sha256()
    sources = sorted((ROOT / "logement_accompagne" / "operations" / "reference_data").glob("*.py"))
    sources.append(
        ROOT / "logement_accompagne" / "operations" / "management" / "commands" / "generate_reference_data.py"
    )
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def partial(parts: list[str] | None) -> bool:
    return bool(parts) and set(parts) != set(ALL_PARTS)


def database_url(scale: str, parts: list[str] | None = None) -> str:
    """The cached dataset of this scale; a partial one has its own name (``-people-dossiers``)."""
    suffix = "".join(f"-{name}" for name in ALL_PARTS if name in parts) if partial(parts) else ""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return f"sqlite:///{BENCH / f'reference-s{scale}-seed{SEED}{suffix}.sqlite3'}"
    url = urlsplit(base)
    return urlunsplit(url._replace(path=f"{url.path}_s{scale}{suffix}".replace(".", "_").replace("-", "_")))


def run(args: list[str], url: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze(url: str) -> None:
    """What PostgreSQL's autovacuum does in production, done before measuring: planner statistics and the
    visibility map of the freshly loaded dataset (without them every plan is guessed from empty tables;
    this server runs with autovacuum off)."""
    if url.startswith("sqlite"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def ensure_dataset(scale: str, rebuild: bool, parts: list[str] | None = None) -> str:
    url = database_url(scale, parts)
    marker = BENCH / f"dataset-{urlsplit(url).path.strip('/').replace('/', '_')}.json"
    wanted = {"scale": scale, "seed": SEED, "fingerprint": fingerprint()}
    if partial(parts):
        wanted["parts"] = [name for name in ALL_PARTS if name in parts]
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == wanted:
        run(["migrate", "--noinput", "-v0"], url)
        vacuum_analyze(url)
        return url
    print(f"== construction du jeu de référence, échelle {scale} ({url.split('@')[-1]})", flush=True)
    started = time.perf_counter()
    marker.unlink(missing_ok=True)
    if url.startswith("sqlite"):
        Path(urlsplit(url).path).unlink(missing_ok=True)
    else:
        recreate_postgres(url)
    run(["migrate", "--noinput", "-v0"], url)
    only = ["--parts", *wanted["parts"]] if "parts" in wanted else []
    run(["generate_reference_data", "--scale", scale, "--seed", str(SEED), *only], url)
    vacuum_analyze(url)
    marker.write_text(json.dumps(wanted))
    print(f"   construit en {time.perf_counter() - started:.0f} s", flush=True)
    return url


# The floor each ratio is taken against (the mark after the ratio; see the footer).
FLOOR_MARKS = {"page": "", "own_sql": "°", "hand_sql": "*", "text": "†"}


def table(results: list[dict]) -> str:
    head = (f"{'opération':<34} {'éch.':>4} {'médiane':>9} {'plancher':>9} {'ratio':>7} {'req.':>5} {'mém. Mo':>8}"
            f" {'lignes/s':>9}")  # fmt: skip
    lines = [head, "-" * len(head)]
    left_out = sorted({(r["scale"], name) for r in results for name in ALL_PARTS
                       if r.get("parts") and name not in r["parts"]})  # fmt: skip
    for r in results:
        scale = f"{r['scale']} p" if r.get("parts") else r["scale"]
        mark = FLOOR_MARKS.get(r.get("floor_kind", "page"), "")
        lines.append(
            f"{r['operation'][:34]:<34} {scale:>4} {r['median_ms']:>7.1f}ms {r['floor_ms']:>7.1f}ms "
            f"{r['ratio']:>5.1f}x{mark:<1} {r['queries']:>5} {r['peak_mb']:>8.2f} {r.get('rows_per_s') or '':>9}"
        )
        if "own_sql_ms" in r:
            lines.append(f"{'  └ contre ses propres requêtes':<34} {'':>4} {'':>9} {r['own_sql_ms']:>7.1f}ms "
                         f"{r['own_sql_ratio']:>5.1f}x°")  # fmt: skip
    for scale in sorted({scale for scale, _ in left_out}):
        names = ", ".join(name for s, name in left_out if s == scale)
        lines.append(f"« {scale} p » : jeu partiel de l'échelle {scale}, sans les parties : {names} "
                     "(opérations correspondantes non mesurées).")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=os.environ.get("BENCH_SCALES", "1 10").split())
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "15")))
    parser.add_argument("--only", default=None)
    parser.add_argument("--rebuild", action="store_true", help="reconstruire les jeux de données")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=ALL_PARTS,
        default=os.environ.get("BENCH_PARTS", "").split() or None,
        help="jeu partiel : seulement ces parties du jeu de référence (ex. people dossiers : sans les ménages)",
    )
    parser.add_argument(
        "--agenda-pending",
        nargs="*",
        type=int,
        default=[int(n) for n in os.environ.get("BENCH_AGENDA_PENDING", "50 1000").split()],
        help="ordre du jour d'une séance du comité avec ces nombres de dossiers en attente (jeu de l'échelle 1)",
    )
    options = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in options.scales:
        url = ensure_dataset(scale, options.rebuild, options.parts)
        out = BENCH / f"scale-{scale}.json"
        extra = ["--only", options.only] if options.only else []
        print(f"== mesures, échelle {scale} ({options.repeat} répétitions)", flush=True)
        run(["run_bench", "--scale", scale, "--repeat", str(options.repeat), "--json", str(out), *extra], url)
        measured = json.loads(out.read_text())
        if partial(options.parts):
            for result in measured:
                result["parts"] = [name for name in ALL_PARTS if name in options.parts]
        results += measured
    # The committee session's agenda (issue #12): its cost must not grow with the dossiers waiting.
    if options.agenda_pending and (not options.only or options.only in "ordre du jour"):
        url = ensure_dataset("1", options.rebuild, options.parts)
        for pending in options.agenda_pending:
            out = BENCH / f"agenda-{pending}.json"
            print(f"== ordre du jour du comité, {pending} dossiers en attente (échelle 1)", flush=True)
            run(["run_bench", "--scale", "1", "--repeat", str(options.repeat), "--pending", str(pending),
                 "--json", str(out)], url)  # fmt: skip
            results += json.loads(out.read_text())
    report = {
        "machine": {"python": platform.python_version(), "system": platform.platform(),
                    "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()},
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }  # fmt: skip
    (BENCH / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print()
    print(table(results))
    print(
        "\nPlancher (sans marque) : la page « Déclaration d'accessibilité » (même personne connectée, même pile, même processus)."
        "\n* tableaux de bord : les mêmes chiffres calculés par du SQL écrit à la main (operations/bench_sql.py),"
        "\n  mesurés à froid (aucun cache d'un côté ni de l'autre)."
        "\n└ sous les tableaux de bord et les pages des ménages : second repère, la même mesure contre ses propres"
        "\n  requêtes ; l'objectif reste le ratio de la ligne du dessus (au plus 3x la page d'accessibilité)."
        "\n° contre ses propres requêtes SQL rejouées brutes (ce qu'ajoute l'application) : indicateurs, exports, lignes « └ »."
        "\n† import : la simple lecture du texte du document."
    )
    print(f"Résultats : {BENCH / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
