"""The one place that says how each platform process is started.

`make run` renders these into a Procfile for honcho, the end-to-end harness starts them with
`subprocess`, and docker-compose.yml mirrors them (tests/infra checks the mirror).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = "infra/gunicorn.conf.py"
WEB_SERVICES = ("auth", "content", "quiz", "gateway")
DB_SERVICES = ("auth", "content", "quiz")
DEFAULT_PORTS = {"nginx": 8080, "gateway": 8000, "auth": 8001, "content": 8002, "quiz": 8003}
CELERY_APP = "services.quiz.worker:celery"
# aiosmtpd's handler class that files each message (compose's `mail` service, the e2e stack).
MAIL_SINK = "infra.mail_sink.MailSink"
MAIL_PORT = 1025
# gunicorn's worker class per web service (infra/gunicorn.conf.py's default, gthread, for the
# rest). The gateway mostly waits on the services behind it: greenlets wait for less CPU than
# threads handing the GIL back and forth, and its concurrency is not capped at a few threads
# (docs/performance.md, "The gateway on gevent"). The services keep threads: a SQLite wait for
# another process's writer would block every greenlet of a worker, and the quiz on gevent was
# measured no cheaper per save ("Writers take turns").
WORKER_CLASSES = {"gateway": "gevent"}


@dataclass(frozen=True)
class ProcessSpec:
    """A long-running process: its name, argv (run from the repo root) and extra environment."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def web_argv(service: str) -> tuple[str, ...]:
    """The gunicorn command of one web service (bind comes from GUNICORN_BIND)."""
    worker_class = WORKER_CLASSES.get(service)
    chosen = ("--worker-class", worker_class) if worker_class else ()
    return ("gunicorn", "-c", GUNICORN_CONF, *chosen, f"services.{service}.wsgi:app")


def web(service: str, host: str, port: int) -> ProcessSpec:
    """One web service under gunicorn, listening on `host:port`."""
    return ProcessSpec(service, web_argv(service), {"GUNICORN_BIND": f"{host}:{port}"})


def worker_argv() -> tuple[str, ...]:
    """The Celery worker command. Without `-Q` it consumes every quiz queue; Celery's own
    CELERY_WORKER_QUEUES and CELERY_WORKER_CONCURRENCY narrow the queues and set the processes."""
    return ("celery", "-A", CELERY_APP, "worker", "--loglevel", "INFO")


def beat_argv(var_dir: Path | str) -> tuple[str, ...]:
    """The Celery beat command; its schedule file lives under `var_dir`."""
    schedule = f"{var_dir}/celerybeat-schedule"
    return ("celery", "-A", CELERY_APP, "beat", "--schedule", schedule, "--loglevel", "INFO")


def worker() -> ProcessSpec:
    """The Celery worker."""
    return ProcessSpec("worker", worker_argv())


def beat(var_dir: Path | str) -> ProcessSpec:
    """The Celery beat scheduler (a singleton)."""
    return ProcessSpec("beat", beat_argv(var_dir))


def before_start_commands() -> list[tuple[str, ...]]:
    """Idempotent set-up run before the services start: signing key, migrations, seed data.

    The key comes first and without the auth app: in production every `flask --app
    services.auth.wsgi` command needs a key to exist (see infra/devstack/signing_key.py).
    """
    commands: list[tuple[str, ...]] = [("python", "-m", "infra.devstack.signing_key")]
    commands += [("flask", "--app", f"services.{svc}.wsgi", "db", "upgrade") for svc in DB_SERVICES]
    commands += [
        ("flask", "--app", "services.content.wsgi", "bank", "seed"),
        ("flask", "--app", "services.quiz.wsgi", "quiz", "seed-templates"),
    ]
    return commands


def readiness_announcer(public_url: str) -> ProcessSpec:
    """Prints the URL once `/readyz` through the public port is green (make run only)."""
    return ProcessSpec("ready", ("python", "-m", "infra.devstack.announce", public_url))


def redis_server(port: int, data_dir: Path | str) -> ProcessSpec:
    """A private, non-persistent redis-server on loopback."""
    argv = (
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(data_dir), "--maxmemory-policy", "noeviction",
    )  # fmt: skip
    return ProcessSpec("redis", argv)


def nginx(prefix: Path | str, conf: Path | str) -> ProcessSpec:
    """nginx in the foreground with its pid and temp files under `prefix`."""
    argv = ("nginx", "-p", f"{prefix}/", "-c", str(conf), "-g", "daemon off;")
    return ProcessSpec("nginx", argv)


def oidc_mock(port: int) -> ProcessSpec:
    """A local OpenID Connect provider standing in for Google (tests only)."""
    return ProcessSpec("oidc", ("oidc-provider-mock", "--host", "127.0.0.1", "--port", str(port)))


def mail_argv(listen: str, directory: Path | str) -> tuple[str, ...]:
    """The development mail catcher (infra/mail_sink.py) on `host:port`, filing into `directory`."""
    return ("python", "-m", "aiosmtpd", "-n", "-l", listen, "-c", MAIL_SINK, str(directory))


def smtp_server(port: int, directory: Path | str) -> ProcessSpec:
    """The mail catcher on loopback (the e2e stack)."""
    return ProcessSpec("smtp", mail_argv(f"127.0.0.1:{port}", directory))
