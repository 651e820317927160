"""Build everything from the schemas: checks, guidance pages, form pages, PDFs, the site.

    python build.py                    check every schema and build the whole site into site/
    python build.py check              only the checks
    python build.py --site-dir DIR     build into DIR instead of site/
    python build.py serve              build, serve site and API on one origin, rebuild on change
    python build.py diff ID [OLD] [NEW] what changed between two versions of a procedure
                                       (default: the version before the newest, and the newest)
    python build.py new-version ID VERSION DATE
                                       keep the current schema as an earlier version and start
                                       VERSION, in force from DATE, in forms/ID.schema.json
    python build.py --as-of DATE …     build or serve the site as it will be on DATE (a preview)

Same inputs give byte-identical outputs: dates inside outputs come from
SOURCE_DATE_EPOCH, set to the last commit's time unless given.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
BUNDLE = ROOT / "submit_fn" / "bundle"


class BuildFailed(Exception):
    """A problem the maintainer must fix; the message says where and how."""


@contextmanager
def step(name: str):
    print(f"→ {name} …", flush=True)
    started = time.perf_counter()
    yield
    print(f"  ✓ {name} ({time.perf_counter() - started:.2f} s)", flush=True)


def fail_on(problems: list, what: str) -> None:
    if problems:
        listing = "\n".join(f"  ✗ {problem}" for problem in problems)
        raise BuildFailed(f"{len(problems)} problem(s) in {what}:\n{listing}")


def check() -> None:
    from sitegen.checks import all_example_problems, translation_problems
    from sitegen.lint import lint_catalogue
    from submit_fn.model.procedures import SchemaError, all_problems, load_catalogue
    from submit_fn.pdf.render import check_harfbuzz_subset

    slow_pdfs = check_harfbuzz_subset()
    if slow_pdfs:
        print(f"  ! {slow_pdfs}", file=sys.stderr, flush=True)

    with step("check schemas against the meta-schema"):
        fail_on([str(problem) for problem in all_problems()], "the schemas")
    try:
        catalogue = load_catalogue()
    except SchemaError as problem:
        raise BuildFailed(str(problem)) from None
    with step("check examples and translations"):
        fail_on(all_example_problems(catalogue) + translation_problems(), "the examples and translations")
    with step("lint: labels, hints, rules, layout, legal basis, room on paper"):
        fail_on([str(finding) for finding in lint_catalogue(catalogue)], "the schemas (lint)")
    fail_on(versions_missing(catalogue), "the versions")
    for notice in upcoming_versions(catalogue):
        print(f"  i {notice}", flush=True)


def versions_missing(catalogue) -> list[str]:
    day = catalogue.today()
    return [
        f"forms/{pid}.schema.json: no version is in force on {day} (the first starts on "
        f"{history[0].effective_from}); build for a later date"
        for pid, history in catalogue.versions.items()
        if history[0].effective_from > day
    ]


def upcoming_versions(catalogue) -> list[str]:
    """A reminder that a version takes effect later: the site publishes it at the first build on or after its date."""
    return [
        f"{p.id} {p.version} takes effect on {p.effective_from}: build the site on or after that day "
        f"(preview it now with --as-of {p.effective_from})"
        for history in catalogue.versions.values()
        for p in history
        if p.effective_from > catalogue.today()
    ]


def source_date_epoch() -> str:
    """The last commit's time, so that dates in outputs depend on the inputs only."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip() or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def inputs_fingerprint(site_dir: Path) -> str:
    """Everything the site depends on: sources, templates, package versions, the date, the target."""
    from importlib.metadata import version

    from submit_fn.model.procedures import default_forms_dir, today_in_vietnam

    digest = hashlib.sha256()
    for folder in (default_forms_dir(), ROOT / "docs", ROOT / "sitegen", ROOT / "submit_fn"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts and "bundle" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    for path in (ROOT / "mkdocs.yml", ROOT / "build.py"):
        digest.update(path.read_bytes())
    packages = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "weasyprint", "vietnam-provinces", "jsonschema")
    digest.update(" ".join(version(name) for name in packages).encode())
    day = os.environ.get("AS_OF_DATE") or today_in_vietnam()
    digest.update(f"{day} {os.environ.get('SOURCE_DATE_EPOCH')} {site_dir.resolve()}".encode())
    return digest.hexdigest()


def build_site(site_dir: Path) -> None:
    """Build with MkDocs, unless nothing the site depends on changed since the last build."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())
    stamp = ROOT / "build-cache" / f"site-{hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:12]}"
    fingerprint = inputs_fingerprint(site_dir)
    if site_dir.is_dir() and stamp.is_file() and stamp.read_text() == fingerprint:
        print(f"→ nothing changed since the last build: {site_dir} is up to date", flush=True)
        return
    stamp.unlink(missing_ok=True)
    run_mkdocs(site_dir)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)


def run_mkdocs(site_dir: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from sitegen.vendor import VendorMissing
    from submit_fn.model.procedures import SchemaError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    show_mkdocs_warnings()
    with step("generate pages and build the site with MkDocs (strict)"):
        try:
            build(load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(site_dir)))
        except MkDocsException as error:
            raise BuildFailed(f"MkDocs stopped: {error} (see the warnings above)") from None
        except (SchemaError, VendorMissing) as error:
            raise BuildFailed(str(error)) from None


def show_mkdocs_warnings() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("  ! %(name)s: %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)


def bundle_function() -> None:
    """Copy what the function needs next to it, so `submit_fn/` deploys on its own."""
    from submit_fn.pdf.render import bundle_fonts

    with step("bundle schemas and fonts into submit_fn/bundle for deployment"):
        shutil.rmtree(BUNDLE, ignore_errors=True)
        shutil.copytree(ROOT / "forms", BUNDLE / "forms")
        bundle_fonts(BUNDLE / "fonts")
        write_function_requirements()


def write_function_requirements() -> None:
    """Cloud Functions installs submit_fn/requirements.txt: the project's own dependencies, from pyproject.toml."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    header = "# Generated by `python build.py` from pyproject.toml; do not edit.\n"
    (ROOT / "submit_fn" / "requirements.txt").write_text(header + "\n".join(dependencies) + "\n")


def build_all(options: argparse.Namespace) -> None:
    check()
    build_site(options.site_dir)
    bundle_function()


WATCHED = ("docs", "sitegen", "submit_fn/pdf/templates", "submit_fn/pdf/static", "submit_fn/service/templates", "mkdocs.yml")


def fingerprint() -> tuple:
    """What the inputs look like now: every watched file with its modification time."""
    from submit_fn.model.procedures import default_forms_dir

    files = []
    for path in (default_forms_dir(), *(ROOT / name for name in WATCHED)):
        candidates = path.rglob("*") if path.is_dir() else [path]
        files += [(str(f), f.stat().st_mtime_ns) for f in candidates if f.is_file() and "__pycache__" not in f.parts]
    return tuple(sorted(files))


def rebuild_on_change(options: argparse.Namespace, api) -> None:
    seen = fingerprint()
    while True:
        time.sleep(1)
        now = fingerprint()
        if now == seen:
            continue
        seen = now
        print("\nA source changed: rebuilding …", flush=True)
        try:
            check()
            build_site(options.site_dir)
            api.reload()
            print("Rebuilt: reload the page (the preview at /_xem-truoc/<id> reloads itself).", flush=True)
        except BuildFailed as problem:
            print(f"Build failed. {problem}", file=sys.stderr, flush=True)


def serve(options: argparse.Namespace) -> None:
    """Build, then serve the site and the submit function together, rebuilding on change."""
    from sitegen.local_server import ReloadableApp, own_address
    from sitegen.local_server import serve as serve_one_origin

    build_all(options)
    os.environ.setdefault("PUBLIC_BASE_URL", own_address(options.host, options.port))  # receipts' links reach this server
    api = ReloadableApp()
    threading.Thread(target=rebuild_on_change, args=(options, api), daemon=True).start()
    serve_one_origin(options.site_dir, options.host, options.port, api)


def diff(options: argparse.Namespace) -> None:
    """Print what changed between two versions of a procedure, in Vietnamese (--lang en for English)."""
    from sitegen.changes import report
    from submit_fn.model.procedures import load_catalogue

    if not options.args:
        raise BuildFailed("say which procedure: python build.py diff ID [OLD] [NEW]")
    catalogue = load_catalogue()
    procedure_id, *versions = options.args
    history = catalogue.versions.get(procedure_id)
    if history is None:
        raise BuildFailed(f"no procedure {procedure_id!r}; the procedures are: {', '.join(catalogue.versions)}")
    if len(history) < 2 and len(versions) < 2:
        raise BuildFailed(f"{procedure_id} has one version only ({history[0].version}): nothing to compare")
    old_name, new_name = (versions + [None, None])[:2]
    old = _named_version(catalogue, procedure_id, old_name, history[-2])
    new = _named_version(catalogue, procedure_id, new_name, history[-1])
    print(f"{procedure_id}\n")
    print(report(old, new, options.lang, heading="##"))


def _named_version(catalogue, procedure_id: str, name: str | None, default):
    if name is None:
        return default
    found = catalogue.version(procedure_id, name)
    if found is None:
        known = ", ".join(p.version for p in catalogue.versions[procedure_id])
        raise BuildFailed(f"{procedure_id} has no version {name!r}; its versions are: {known}")
    return found


def new_version(options: argparse.Namespace) -> None:
    from sitegen.versions import start_version
    from submit_fn.model.procedures import SchemaError, default_forms_dir

    if len(options.args) != 3:
        raise BuildFailed("write: python build.py new-version ID VERSION YYYY-MM-DD")
    try:
        for line in start_version(default_forms_dir(), *options.args):
            print(f"  ✓ {line}")
    except (SchemaError, ValueError) as problem:
        raise BuildFailed(str(problem)) from None


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "build": build_all,
    "check": lambda options: check(),
    "serve": serve,
    "diff": diff,
    "new-version": new_version,
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python build.py", description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS)
    parser.add_argument("args", nargs="*", help="diff: ID [OLD] [NEW]; new-version: ID VERSION DATE")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="build or serve as on that day (sets AS_OF_DATE)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="diff: the report's language")
    parser.add_argument("--site-dir", type=Path, default=SITE, help="where to write the site (default: site/)")
    parser.add_argument("--host", default="127.0.0.1", help="serve: 0.0.0.0 lets phones on the same network in")
    parser.add_argument("--port", type=int, default=8000, help="serve: the port (default 8000)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    if options.as_of:
        os.environ["AS_OF_DATE"] = options.as_of
    started = time.perf_counter()
    try:
        COMMANDS[options.command](options)
    except BuildFailed as problem:
        print(f"\nBuild failed. {problem}", file=sys.stderr)
        return 1
    print(f"Done in {time.perf_counter() - started:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
