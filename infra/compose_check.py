"""`make compose-check`: the compose stack from scratch, checked through nginx only.

Starts the stack from scratch with the images it finds (building the app image only when there
is none; `make up` or `docker compose build` rebuilds it), then: `/readyz` ready; register, sign in,
the verification mail read from the `mail` service's volume and its link used, an interview with
saved answers, a submit and a result; `restart quiz` and `restart redis` mid-interview lose no
saved answer; `down` + `up` keeps users, results and the signing key; `--scale worker=2` gives two
live workers that both consume the quiz queues; a recreated gateway is reached without restarting
nginx; finally `down -v`. Standard library only, so it runs with
the host's python3 (`COMPOSE` names the compose command, default `docker compose`).
"""

from __future__ import annotations

import base64
import email
import email.parser
import email.policy
import json
import os
import re
import secrets
import shlex
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PUBLIC_URL = "https://localhost:8443"
CELERY = ["celery", "-A", "services.quiz.worker:celery", "inspect"]
QUEUES = {"quiz.sweep", "quiz.reports"}
SWEEP_TASK, REPORT_TASK = "quiz.sweep_overdue_sessions", "quiz.build_report"
SWEEP_BURST = 8  # sweeps sent at once when beat's alone have not reached both scaled workers
REPORT_BURST = 8  # interviews whose reports are rebuilt at once while two workers run
# Where compose's `mail` service files each message (one .eml per message).
MAIL_DIR = "/var/lib/fi/mail"


class CheckFailed(AssertionError):
    """A check did not hold; the message says which and what was seen."""


def compose(*args: str, capture: bool = False, timeout: float = 900) -> str:
    """Run one compose command in the repository; raise on failure."""
    argv = [*shlex.split(os.environ.get("COMPOSE", "docker compose")), *args]
    result = subprocess.run(
        argv, cwd=ROOT, capture_output=capture, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise CheckFailed(f"`{shlex.join(argv)}` exited {result.returncode}: {result.stderr}")
    return result.stdout if capture else ""


def public_url() -> str:
    """PUBLIC_URL from .env, else compose's default."""
    env_file = ROOT / ".env"
    lines = env_file.read_text().splitlines() if env_file.exists() else []
    for line in lines:
        if line.startswith("PUBLIC_URL="):
            return line.split("=", 1)[1].strip().rstrip("/") or DEFAULT_PUBLIC_URL
    return DEFAULT_PUBLIC_URL


def wait_for(what: str, condition: Callable[[], bool], timeout_s: float = 240) -> float:
    """Poll `condition` until true; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            if condition():
                return time.monotonic() - started
        except (OSError, ValueError, CheckFailed):
            pass
        time.sleep(1)
    raise CheckFailed(f"timed out after {timeout_s:.0f} s waiting for {what}")


class Edge:
    """HTTP through nginx, trusting the certificate nginx serves (self-signed by default)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.context: ssl.SSLContext | None = None

    def trust_served_certificate(self) -> None:
        """Trust the self-signed certificate the migrate role wrote (or the system's CAs)."""
        pem = compose("exec", "-T", "nginx", "sh", "-c",
                      ". /docker-entrypoint.d/19-public-url.envsh && cat $NGINX_TLS_CERT",
                      capture=True)  # fmt: skip
        self.context = ssl.create_default_context()
        if "tls/cert.pem" not in pem and "BEGIN CERTIFICATE" in pem:
            self.context.load_verify_locations(cadata=pem)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:  # fmt: skip
        """(status, decoded JSON body or text) of one request."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=20, context=self.context) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode(errors="replace")

    def expect(self, status: int, method: str, path: str, **kwargs: Any) -> Any:
        """The body of a request that must answer `status`."""
        got, body = self.call(method, path, **kwargs)
        if got != status:
            raise CheckFailed(f"{method} {path}: expected {status}, got {got}: {str(body)[:400]}")
        return body

    def ready(self) -> bool:
        """True when /readyz says every service is ready."""
        return self.call("GET", "/readyz")[0] == 200


def answer_for(question: dict[str, Any]) -> Any:
    """Some valid answer for a question of any type."""
    kind = question["type"]
    if kind == "single":
        return question["options"][0]["id"]
    if kind == "multi":
        return [question["options"][0]["id"]]
    if kind == "true_false":
        return True
    if kind == "short":
        return "url_for"
    return "Flask keeps a small core and adds features through extensions."


class Journey:
    """One candidate's state across the checks."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge
        self.email = f"check-{secrets.token_hex(4)}@example.com"
        self.password = f"Check-{secrets.token_urlsafe(12)}!"
        self.token = ""
        self.session: dict[str, Any] = {}
        self.saved: dict[int, Any] = {}

    def register_and_sign_in(self) -> None:
        """Register, then sign in (verification is not required to sign in)."""
        body = {"email": self.email, "password": self.password, "name": "Compose Check"}
        self.edge.expect(201, "POST", "/api/auth/register", body=body)
        self.sign_in()

    def verify_email(self) -> str:
        """Find the verification mail in the mail catcher's volume and use its link."""
        link = wait_for_link(self.email, "verify")
        self.edge.expect(200, "POST", "/api/auth/verify", body={"token": link.rsplit("=", 1)[1]})
        me = self.edge.expect(200, "GET", "/api/auth/me", token=self.token)
        if me.get("email_verified") is not True:
            raise CheckFailed(f"verified, yet /api/auth/me says {me}")
        return link.split("?", 1)[0]

    def sign_in(self) -> None:
        """A fresh access token for the candidate."""
        body = {"email": self.email, "password": self.password}
        self.token = self.edge.expect(200, "POST", "/api/auth/login", body=body)["access_token"]

    def start(self) -> None:
        """Start an interview from the first template."""
        templates = self.edge.expect(200, "GET", "/api/quiz/templates")["items"]
        body = {"template_id": templates[0]["id"]}
        self.session = self.edge.expect(201, "POST", "/api/quiz/sessions", body=body,
                                        token=self.token)  # fmt: skip

    def save_next(self) -> None:
        """Save the answer to the next unanswered question."""
        question = self.session["questions"][len(self.saved)]
        answer = answer_for(question)
        path = f"/api/quiz/sessions/{self.session['id']}/answers/{question['position']}"
        self.edge.expect(200, "PUT", path, body={"answer": answer}, token=self.token)
        self.saved[question["position"]] = answer

    def check_saved(self) -> None:
        """Every answer saved so far is still there."""
        path = f"/api/quiz/sessions/{self.session['id']}"
        stored = self.edge.expect(200, "GET", path, token=self.token)
        found = {q["position"]: q["answer"] for q in stored["questions"]}
        lost = {p: a for p, a in self.saved.items() if found.get(p) != a}
        if lost:
            raise CheckFailed(f"saved answers lost: {lost}")

    def submit_and_read_result(self) -> dict[str, Any]:
        """Submit; the result lists every saved answer."""
        sid = self.session["id"]
        self.edge.expect(200, "POST", f"/api/quiz/sessions/{sid}/submit", token=self.token)
        return self.result()

    def report_status(self) -> str:
        """The status of the interview's report (pending, ready, updating, failed)."""
        sid = self.session["id"]
        path = f"/api/quiz/sessions/{sid}/report"
        return str(self.edge.expect(200, "GET", path, token=self.token)["status"])

    def another_interview(self) -> None:
        """Start, answer one question and submit one more interview (another report to build)."""
        self.start()
        self.saved = {}
        self.save_next()
        sid = self.session["id"]
        self.edge.expect(200, "POST", f"/api/quiz/sessions/{sid}/submit", token=self.token)

    def result(self) -> dict[str, Any]:
        """The finalised interview's result."""
        sid = self.session["id"]
        return self.edge.expect(200, "GET", f"/api/quiz/sessions/{sid}/result", token=self.token)


def caught_mail() -> list[email.message.EmailMessage]:
    """Every message in the mail service's volume (inside its container: no host path needed)."""
    script = f'for f in {MAIL_DIR}/*.eml; do [ -e "$f" ] && base64 -w0 "$f" && echo; done'
    out = compose("exec", "-T", "mail", "sh", "-c", script, capture=True)
    parser = email.parser.BytesParser(policy=email.policy.default)
    return [parser.parsebytes(base64.b64decode(line)) for line in out.split()]  # type: ignore[misc]


def mailed_link(to: str, page: str) -> str | None:
    """The `{PUBLIC_URL}/<page>?token=...` link of the newest caught message to `to`, if any."""
    for message in reversed(caught_mail()):
        if message["To"] and to in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            match = re.search(rf"https?://\S+/{page}\?token=[A-Za-z0-9_\-]+", text)
            if match:
                return match.group(0)
    return None


def wait_for_link(to: str, page: str) -> str:
    """Wait for the auth service's (asynchronous) mail to reach the catcher."""
    found: list[str] = []

    def arrived() -> bool:
        link = mailed_link(to, page)
        found[:] = [link] if link else []
        return bool(link)

    wait_for(f"the {page} mail to {to} in the mail volume", arrived, timeout_s=60)
    return found[0]


def summary(result: dict[str, Any]) -> tuple[Any, ...]:
    """What must survive a restart: the score and each question's answer and points."""
    questions = [(q["position"], q["answer"], q.get("points")) for q in result["questions"]]
    return result.get("score"), result.get("max_score"), questions


def container_ids(service: str) -> list[str]:
    """Ids of the running containers of one service."""
    return compose("ps", "-q", service, capture=True).split()


def docker_inspect(container: str, template: str) -> str:
    """One field of `docker inspect`."""
    argv = ["docker", "inspect", "-f", template, container]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


def worker_queues(index: int) -> set[str]:
    """The queues worker container number `index` consumes, as it reports them itself."""
    script = " ".join([*CELERY, "active_queues", "--json", "-d", "celery@$HOSTNAME", "--timeout",
                       "10"])  # fmt: skip
    out = compose("exec", "-T", "--index", str(index), "worker", "sh", "-c", script, capture=True)
    # `--json` prints {"celery@<host>": [queue, ...]}, possibly with text around it.
    reply, _ = json.JSONDecoder().raw_decode(out[out.index("{") :])
    return {queue["name"] for queues in reply.values() for queue in queues}


def received(container: str, task: str, since: str) -> bool:
    """True when the worker has received `task` since `since` (docker logs --since)."""
    argv = ["docker", "logs", "--since", since, container]
    logs = subprocess.run(argv, capture_output=True, text=True, check=False)
    return task in logs.stdout + logs.stderr


def sweeps_reach_both(workers: list[str], since: str) -> bool:
    """Wait until each worker has received a sweep task; True when beat's own sweeps did it.

    Beat sends one sweep every QUIZ_SWEEP_INTERVAL_S and either worker may take each one, so a
    run of them can all land on the same worker. After a minute without both, a burst of sweeps
    is sent at once, as the report burst is: each idle worker takes some."""

    def both() -> bool:
        return all(received(container, SWEEP_TASK, since) for container in workers)

    try:
        wait_for("beat's sweeps to reach both workers", both, timeout_s=60)
        return True
    except CheckFailed:
        send = ("from services.quiz.worker import celery\n"
                f"for _ in range({SWEEP_BURST}): celery.send_task({SWEEP_TASK!r})")  # fmt: skip
        compose("exec", "-T", "--index", "1", "worker", "python", "-c", send)
        wait_for("both workers to receive a sweep task", both, timeout_s=120)
        return False


def run(step: Callable[[], str | None], title: str) -> None:
    """Run one step and print `ok` with its time and note."""
    started = time.monotonic()
    note = step()
    print(f"ok  {title} ({time.monotonic() - started:.1f} s){': ' + note if note else ''}",
          flush=True)  # fmt: skip


def main() -> int:
    """Every check in order; `down -v` at the end whatever happened."""
    edge = Edge(public_url())
    journey = Journey(edge)
    facts: dict[str, Any] = {}
    print(f"compose-check against {edge.base}", flush=True)
    compose("down", "-v", "--remove-orphans")
    try:

        def fresh_up() -> str:
            started = time.monotonic()
            compose("up", "-d")  # builds the app image only when there is none
            edge.trust_served_certificate()
            wait_for("/readyz through nginx", edge.ready)
            return f"ready {time.monotonic() - started:.0f} s after `up`"

        run(fresh_up, "fresh up: /readyz ready through nginx")

        def jwks_kids() -> list[str]:
            keys = edge.expect(200, "GET", "/api/auth/.well-known/jwks.json")["keys"]
            return sorted(key["kid"] for key in keys)

        def journey_start() -> str:
            journey.register_and_sign_in()
            journey.start()
            journey.save_next()
            journey.check_saved()
            facts["kids"] = jwks_kids()
            return f"{journey.email}, interview {journey.session['id']}"

        run(journey_start, "register, sign in, start an interview, save an answer")

        def verify_by_mail() -> str:
            link = journey.verify_email()
            return f"link {link}?token=... read from {MAIL_DIR}; email_verified true"

        run(verify_by_mail, "verification mail caught by the mail service; account verified")

        def restart(service: str) -> Callable[[], str]:
            def step() -> str:
                compose("restart", service)
                waited = wait_for("/readyz after the restart", edge.ready)
                journey.check_saved()
                journey.save_next()
                journey.check_saved()
                return f"ready again after {waited:.0f} s; {len(journey.saved)} answers kept"

            return step

        run(restart("quiz"), "restart quiz mid-interview")
        run(restart("redis"), "restart redis mid-interview")

        def submit() -> str:
            result = journey.submit_and_read_result()
            facts["result"] = result
            answered = [q for q in result["questions"] if q["position"] in journey.saved]
            if [q["answer"] for q in answered] != list(journey.saved.values()):
                raise CheckFailed("the result does not show the saved answers")
            return f"score {result.get('score')} of {result.get('max_score')}"

        run(submit, "submit and read the result")

        def report_built() -> str:
            waited = wait_for(
                "the report to be ready", lambda: journey.report_status() == "ready", timeout_s=240
            )
            path = f"/api/quiz/sessions/{journey.session['id']}/report.pdf"
            status, pdf = edge.call("GET", path, token=journey.token)
            if status != 200 or not str(pdf).startswith("%PDF-"):
                raise CheckFailed(f"GET {path}: {status} {str(pdf)[:200]}")
            return f"ready {waited:.0f} s after submitting; PDF served ({len(pdf)} characters)"

        run(report_built, "the report built by the worker, its PDF through nginx")

        def down_up() -> str:
            old_token = journey.token
            compose("down")
            compose("up", "-d")
            wait_for("/readyz after down + up", edge.ready)
            if jwks_kids() != facts["kids"]:
                raise CheckFailed(f"signing keys changed: {facts['kids']} -> {jwks_kids()}")
            edge.expect(200, "GET", "/api/auth/me", token=old_token)
            journey.sign_in()
            if summary(journey.result()) != summary(facts["result"]):
                raise CheckFailed(f"the result changed across down + up: {journey.result()}")
            return f"same user, result and signing key {facts['kids'][-1]}"

        run(down_up, "down + up keeps users, results and the signing key")

        def scale_workers() -> str:
            since = str(int(time.time()))
            compose("up", "-d", "--no-recreate", "--scale", "worker=2")
            workers = container_ids("worker")
            if len(workers) != 2:
                raise CheckFailed(f"expected 2 worker containers, found {len(workers)}")
            for index in (1, 2):
                wait_for(f"worker {index} to report its queues",
                         lambda i=index: worker_queues(i) >= QUEUES, timeout_s=180)  # fmt: skip
            swept_by_beat = sweeps_reach_both(workers, since)
            # A burst of report builds: more interviews, then every report sent again at once.
            for _ in range(REPORT_BURST - 1):
                journey.another_interview()
            since = str(int(time.time()))
            compose("exec", "-T", "--index", "1", "worker", "flask", "--app", "services.quiz.wsgi",
                    "reports", "rebuild", "--since", "2000-01-01")  # fmt: skip
            wait_for("both workers to build reports",
                     lambda: all(received(c, REPORT_TASK, since) for c in workers),
                     timeout_s=180)  # fmt: skip
            sweeps = "both ran beat's sweep" if swept_by_beat else "both ran sweeps sent at once"
            return (f"both consume {', '.join(sorted(QUEUES))}; {sweeps}; "
                    f"both built some of {REPORT_BURST} reports sent at once")  # fmt: skip

        run(scale_workers, "--scale worker=2: both workers alive and consuming")

        def recreate_gateway() -> str:
            nginx = container_ids("nginx")[0]
            nginx_started = docker_inspect(nginx, "{{.State.StartedAt}}")
            address = "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}"
            gateway = container_ids("gateway")[0]
            before = docker_inspect(gateway, address)
            network = docker_inspect(
                gateway, "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}"
            )
            # Docker hands out the lowest free address: hold the old one while the gateway is
            # recreated, so nginx must really find a new address.
            image = docker_inspect(gateway, "{{.Config.Image}}")
            compose("rm", "-s", "-f", "gateway")
            holder = subprocess.run(
                ["docker", "run", "-d", "--rm", "--network", network, "--entrypoint", "sleep",
                 image, "600"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()  # fmt: skip
            try:
                compose("up", "-d", "--force-recreate", "--no-deps", "gateway")
            finally:
                subprocess.run(["docker", "rm", "-f", holder], capture_output=True, check=False)
            after = docker_inspect(container_ids("gateway")[0], address)
            if after == before:
                raise CheckFailed(f"the gateway kept its address {before}; nothing was tested")
            waited = wait_for("/readyz through the same nginx", edge.ready, timeout_s=120)
            if docker_inspect(nginx, "{{.State.StartedAt}}") != nginx_started:
                raise CheckFailed("nginx was restarted")
            return f"gateway {before.strip()} -> {after.strip()}, reached after {waited:.0f} s"

        run(recreate_gateway, "recreated gateway reached without restarting nginx")
    except CheckFailed as exc:
        print(f"FAILED: {exc}", flush=True)
        compose("ps")
        return 1
    finally:
        compose("down", "-v", "--remove-orphans")
        print("ok  down -v", flush=True)
    print("compose-check passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
