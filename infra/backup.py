"""Back up and restore every service's database (`make backup`, `make restore BACKUP=<dir>`).

    python -m infra.backup backup  [--out DIR]   [--compose]
    python -m infra.backup restore --from DIR    [--compose] [--services auth,quiz]

One file per service database (auth, content, quiz) in one directory, plus `manifest.json`:

- **SQLite** (the embedded default, `var/<svc>.db`): SQLite's online backup API
  (`sqlite3.Connection.backup`), a consistent copy taken while the services run; restore copies
  it back through the same API, so a running service sees either the old or the new database.
- **PostgreSQL** (`<SVC>_DATABASE_URL`): `pg_dump --format=custom` per service database;
  restore is `pg_restore --clean --if-exists --no-owner --single-transaction`, so a failed
  restore leaves the database as it was.
- **compose** (`--compose`): the same `pg_dump`/`pg_restore`, run inside the `postgres`
  container with `docker compose exec -T` (the dump streams through stdout/stdin), so the host
  needs neither the client programs nor a route to the database.

Standard library only (operators run it with the system Python). Redis holds nothing a backup
must carry: queued tasks are re-sent by the sweep and revocations expire with their tokens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("auth", "content", "quiz")
COMPOSE = os.environ.get("COMPOSE", "docker compose").split()


class BackupFailed(RuntimeError):
    """A dump or restore command failed; the message carries its output."""


def database_url(service: str) -> str:
    """The service's database URL, as the service itself resolves it (env, else var/<svc>.db)."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    var_dir = Path(os.environ.get("VAR_DIR") or REPO_ROOT / "var")
    return f"sqlite:///{var_dir / f'{service}.db'}"


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as pg_dump understands it (no `+driver`)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


def _run(argv: Sequence[str], **kwargs: object) -> None:
    result = subprocess.run(list(argv), capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        output = (result.stderr or b"").decode(errors="replace")
        raise BackupFailed(f"`{' '.join(argv[:3])} ...` failed: {output[-2000:]}")


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def backup(out: Path, services: Sequence[str] = SERVICES, compose: bool = False) -> Path:
    """Write one backup file per service database into `out`; return `out`."""
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {"taken_at": dt.datetime.now(dt.UTC).isoformat(), "files": {}}
    files: dict[str, str] = {}
    for service in services:
        if compose:
            target = out / f"{service}.dump"
            dump = f'pg_dump -U "$POSTGRES_USER" --format=custom {service}'
            with target.open("wb") as handle:
                _run([*COMPOSE, "exec", "-T", "postgres", "sh", "-c", dump], stdout=handle)
            files[service] = target.name
            continue
        url = database_url(service)
        if url.startswith("sqlite"):
            source = sqlite_path(url)
            if not source.exists():
                raise BackupFailed(f"{service}: {source} does not exist")
            target = out / f"{service}.db"
            sqlite_copy(source, target)
        else:
            target = out / f"{service}.dump"
            _run(["pg_dump", "--format=custom", "--file", str(target), libpq_url(url)])
        files[service] = target.name
    manifest["files"] = files
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


def restore(source: Path, services: Sequence[str] | None = None, compose: bool = False) -> None:
    """Put every (or the named) service database back from the backup in `source`."""
    manifest = json.loads((source / "manifest.json").read_text())
    files: dict[str, str] = manifest["files"]
    for service in services or list(files):
        path = source / files[service]
        if compose:
            with path.open("rb") as handle:
                _run([*COMPOSE, "exec", "-T", "postgres", "sh", "-c",
                      'pg_restore -U "$POSTGRES_USER" --clean --if-exists --no-owner '
                      f"--single-transaction --dbname {service}"], stdin=handle)  # fmt: skip
            continue
        url = database_url(service)
        if url.startswith("sqlite"):
            if path.suffix != ".db":
                raise BackupFailed(f"{service}: {path.name} is not a SQLite backup")
            sqlite_copy(path, sqlite_path(url))
        else:
            if path.suffix != ".dump":
                raise BackupFailed(f"{service}: {path.name} is not a pg_dump archive")
            _run([
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--dbname", libpq_url(url), str(path),
            ])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="back up every service database")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    take.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "backups" / stamp)
    take.add_argument("--compose", action="store_true", help="the compose stack's PostgreSQL")
    back = commands.add_parser("restore", help="restore service databases from a backup")
    back.add_argument("--from", dest="source", type=Path, required=True)
    back.add_argument("--compose", action="store_true", help="the compose stack's PostgreSQL")
    back.add_argument("--services", default="", help="comma-separated (default: all)")
    args = parser.parse_args(argv)
    if args.compose and shutil.which(COMPOSE[0]) is None:
        parser.error(f"{COMPOSE[0]} is not installed")
    try:
        if args.command == "backup":
            print(f"backup written to {backup(args.out, compose=args.compose)}")
        else:
            names = [s.strip() for s in args.services.split(",") if s.strip()] or None
            restore(args.source, names, compose=args.compose)
            print(f"restored from {args.source}")
    except BackupFailed as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
