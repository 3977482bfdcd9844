"""The load bench: the interview hot path through nginx, as an operator sizing a host would try it.

    make bench-load                      # SQLite and PostgreSQL, 3 runs each, medians
    .venv/bin/python bench/load.py --store sqlite --runs 1 --duration 10

For each store it starts the platform as `make run` does (bench/stack.py: nginx, gateway, auth,
content, quiz, Redis, the Celery worker and beat; per-address limits raised for the bench only)
plus a Flask hello world behind the same nginx and gunicorn settings, twice: on the gateway's
gunicorn command (its worker class, gevent) and on the services' (gthread). Each run then signs up
`--candidates` candidates, starts an interview for each, and drives with wrk (C, one core's
fraction at most: a Python load tool such as locust would take a core of the two for itself):

- saves: only `PUT /api/quiz/sessions/{id}/answers/{position}`, `--connections` connections,
  each sending its next save as soon as the last is answered (the platform at its limit);
- paced saves: the same saves offered at `--paced-rate` per second in all (each connection one
  every connections / rate seconds), latency counted from when each save was due;
- mix: saves 70 %, session reads 20 %, anonymous study list reads 8 %, submits 2 %;
- study: the anonymous study list (five pages, so nginx's cache is what answers);
- hello: each hello world through its nginx (the ratio is printed against both; the goal's
  figure is the one on the gateway's settings).

Then it reads every session back and counts answers lost (an acknowledged answer not stored)
or torn (a stored answer that is not one the bench sent, or without its saved_at). It prints
each run and the medians as markdown tables, with the peak RSS of the whole platform and its
peak PSS (every 5 s: pages shared between processes, such as the Celery worker's with its pool
processes, counted once).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.stack import BenchStack, MemorySampler, require_binaries  # noqa: E402

WRK_DIR = Path(__file__).resolve().parent / "wrk"
STUDY_PATHS = [f"/api/content/questions?per_page=20&page={n}" for n in range(1, 6)]
MIX = {"save": 70, "read": 20, "study": 8, "submit": 2}
SUBMIT_SHARE = 0.1  # of the sessions, submitted during the mix


@dataclass
class Slot:
    """One question of one session: what the bench may write there and what it expects."""

    id: str
    session: str
    token: str
    position: int
    values: list[str]
    acked: str | None = None
    pending: set[str] = field(default_factory=set)
    sent: bool = False


@dataclass
class WrkResult:
    """What one wrk run reported."""

    requests: int = 0
    duration_s: float = 0.0
    socket_errors: int = 0
    latency_ms: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    percentiles: dict[int, float] = field(default_factory=dict)
    acked: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def ok(self, kind: str) -> int:
        return sum(n for status, n in self.statuses[kind].items() if 200 <= status < 300)

    def failed(self, kind: str) -> int:
        return sum(n for status, n in self.statuses[kind].items() if status >= 400)

    def rate(self, kind: str) -> float:
        return self.ok(kind) / self.duration_s if self.duration_s else 0.0

    @property
    def requests_per_s(self) -> float:
        """Every request wrk completed, whatever its status, per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0

    def percentile(self, kind: str, pct: float) -> float:
        """The latency (ms) under which `pct` % of `kind` requests finished."""
        counts = sorted(self.latency_ms[kind])
        total = sum(n for _, n in counts)
        if not total:
            return float("nan")
        rank, seen = total * pct / 100.0, 0
        for ms, n in counts:
            seen += n
            if seen >= rank:
                return float(ms) + 0.5
        return float(counts[-1][0])


def parse_wrk(output: str) -> WrkResult:
    """Read the BENCH lines the Lua scripts print."""
    result = WrkResult()
    for line in output.splitlines():
        fields = line.split("\t")
        if not fields or fields[0] != "BENCH":
            continue
        tag, rest = fields[1], fields[2:]
        if tag == "summary":
            result.requests = int(rest[0])
            result.duration_s = int(rest[1]) / 1e6
            result.socket_errors = sum(int(x) for i, x in enumerate(rest[2:]) if i != 3)
        elif tag == "ms":
            result.latency_ms[rest[0]].append((int(rest[1]), int(rest[2])))
        elif tag == "status":
            kind, status, n = rest[0], int(rest[1]), int(rest[2])
            result.statuses[kind][status] = result.statuses[kind].get(status, 0) + n
        elif tag == "percentile":
            result.percentiles[int(rest[0])] = int(rest[1]) / 1000.0
        elif tag == "acked":
            result.acked[rest[0]] = rest[1]
        elif tag == "pending":
            result.pending[rest[0]] = rest[1]
    return result


def wrk(args: list[str], duration_s: float) -> WrkResult:
    """Run wrk and parse its report (its own summary goes to the log, not here)."""
    command = ["wrk", "--timeout", "30s", "-d", f"{duration_s:g}s", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return parse_wrk(done.stdout)


# -- candidates and their interviews ---------------------------------------------------------


def sign_up(base: str, n: int, tag: str) -> str:
    """Register candidate `n` and sign in; their access token."""
    http = requests.Session()
    email = f"bench-{tag}-{n}@example.com"
    password = f"Bench-{secrets.token_urlsafe(12)}-{n}!"
    reply = http.post(
        f"{base}/api/auth/register",
        json={"email": email, "password": password, "name": f"Bench {n}"},
        timeout=60,
    )
    if reply.status_code != 201:
        raise SystemExit(f"register: {reply.status_code} {reply.text[:300]}")
    reply = http.post(
        f"{base}/api/auth/login", json={"email": email, "password": password}, timeout=60
    )
    if reply.status_code != 200:
        raise SystemExit(f"login: {reply.status_code} {reply.text[:300]}")
    return str(reply.json()["access_token"])


def start_interview(base: str, token: str, questions: int) -> dict[str, Any]:
    """Start a custom interview of `questions` questions, an hour long."""
    reply = requests.post(
        f"{base}/api/quiz/sessions",
        json={"title": "Load bench", "topics": [], "question_count": questions,
              "time_limit_s": 3600},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )  # fmt: skip
    if reply.status_code != 201:
        raise SystemExit(f"start: {reply.status_code} {reply.text[:300]}")
    return dict(reply.json())


def answer_values(question: dict[str, Any]) -> list[str]:
    """JSON answers the bench may save for a question; `SEQ` becomes a unique counter."""
    kind = question["type"]
    options = [o["id"] for o in question.get("options") or []]
    if kind == "single":
        return [json.dumps(o) for o in options[:3]]
    if kind == "multi":
        return [json.dumps(sorted(options[:k])) for k in (1, 2)]
    if kind == "true_false":
        return ["true", "false"]
    return ['"bench SEQ"']


def sign_up_all(base: str, candidates: int) -> list[str]:
    """Sign up every candidate (once per store: hashing passwords is slow on purpose)."""
    tag = f"{os.getpid()}-{secrets.token_hex(2)}"
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda n: sign_up(base, n, tag), range(candidates)))


def submit_all(base: str, sessions: set[str], token_of: dict[str, str]) -> None:
    """Submit every session of a run (a candidate has one running interview at a time)."""

    def submit(session_id: str) -> None:
        requests.post(
            f"{base}/api/quiz/sessions/{session_id}/submit",
            headers={"Authorization": f"Bearer {token_of[session_id]}"},
            timeout=60,
        ).raise_for_status()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(submit, sessions))


def prepare(base: str, tokens: list[str], questions: int) -> list[Slot]:
    """Start an interview for every candidate; every question becomes a slot."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        sessions = list(pool.map(lambda t: start_interview(base, t, questions), tokens))
    slots = []
    for token, session in zip(tokens, sessions, strict=True):
        for question in session["questions"]:
            slot_id = f"s{len(slots)}"
            slots.append(
                Slot(slot_id, session["id"], token, question["position"], answer_values(question))
            )
    return slots


def write_plan(path: Path, slots: list[Slot], threads: int, submit: bool) -> None:
    """The file interview.lua reads: a line per slot (see the script)."""
    session_numbers: dict[str, int] = {}
    for slot in slots:
        session_numbers.setdefault(slot.session, len(session_numbers))
    to_submit = int(len(session_numbers) * SUBMIT_SHARE) if submit else 0
    lines = []
    for slot in slots:
        number = session_numbers[slot.session]
        flag = "1" if number >= len(session_numbers) - to_submit else "0"
        lines.append(
            "\t".join([slot.id, slot.session, slot.token, str(slot.position),
                       "|".join(slot.values), str(number), flag, str(threads)])
        )  # fmt: skip
    path.write_text("\n".join(lines) + "\n")


def record(slots: dict[str, Slot], result: WrkResult) -> None:
    """Fold what a run acknowledged (and left unanswered) into the slots' expectations."""
    for slot_id, value in result.acked.items():
        slot = slots[slot_id]
        slot.acked, slot.pending, slot.sent = value, set(), True
    for slot_id, value in result.pending.items():
        slots[slot_id].pending.add(value)
        slots[slot_id].sent = True


def read_back(base: str, slots: list[Slot]) -> tuple[int, int, int]:
    """(answers checked, lost, torn): every session read back and compared."""
    by_session: dict[str, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_session[slot.session].append(slot)
    checked = lost = torn = 0

    def fetch(session_id: str) -> dict[str, Any]:
        token = by_session[session_id][0].token
        reply = requests.get(
            f"{base}/api/quiz/sessions/{session_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        reply.raise_for_status()
        return dict(reply.json())

    with ThreadPoolExecutor(max_workers=4) as pool:
        stored = dict(zip(by_session, pool.map(fetch, by_session), strict=True))
    for session_id, session_slots in by_session.items():
        questions = {q["position"]: q for q in stored[session_id]["questions"]}
        for slot in session_slots:
            if not slot.sent:
                continue
            checked += 1
            question = questions[slot.position]
            value = question.get("answer")
            allowed_json = {slot.acked, *slot.pending} - {None}
            if value is not None and question.get("saved_at") is None:
                torn += 1
            elif _same_json(value, allowed_json):
                continue
            elif value is None or _is_bench_value(value, slot):
                lost += 1
            else:
                torn += 1
    return checked, lost, torn


def _same_json(value: Any, candidates: set[str | None]) -> bool:
    return any(candidate is not None and json.loads(candidate) == value for candidate in candidates)


def _is_bench_value(value: Any, slot: Slot) -> bool:
    """True when `value` is something the bench sends to this slot (an older write)."""
    if any("SEQ" in v for v in slot.values):
        return isinstance(value, str) and value.startswith("bench ")
    return any(json.loads(v) == value for v in slot.values)


def warm_study_cache(base: str) -> None:
    """Read each study page once, anonymously, so the mix measures the edge cache as a site in
    use has it (warm) rather than the few requests that wait for its first fill."""
    for path in STUDY_PATHS:
        requests.get(base + path, timeout=30).raise_for_status()


# -- one run ---------------------------------------------------------------------------------


def one_run(
    stack: BenchStack, args: argparse.Namespace, run: int, memory: MemorySampler, tokens: list[str]
) -> dict[str, float]:
    """Start interviews, drive the four scenarios, read back, submit; the run's figures."""
    base = stack.base_url
    started = time.monotonic()
    slot_list = prepare(base, tokens, args.questions)
    slots = {slot.id: slot for slot in slot_list}
    print(f"  run {run}: {len(tokens)} interviews, {len(slot_list)} questions ready in "
          f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
    conns = args.connections
    plan = stack.workdir / f"plan-{run}.tsv"
    script = str(WRK_DIR / "interview.lua")
    base_args = ["-t", str(conns), "-c", str(conns), "-s", script, base, "--", str(plan)]

    write_plan(plan, slot_list, conns, submit=False)
    profilers = start_profilers(stack, args, run)
    cpu_before = stack.cpu()
    saves = wrk([*base_args, "1", "0", "0", "0"], args.duration)
    cpu_after = stack.cpu()
    finish_profilers(profilers)
    cpu_ms = {
        f"CPU ms/save {name}": 1000
        * (cpu_after[name] - cpu_before[name])
        / max(saves.ok("save"), 1)
        for name in ("nginx", "gateway", "quiz", "auth", "redis")
    }
    record(slots, saves)
    paced = wrk(
        ["-t", str(conns), "-c", str(conns), "-s", str(WRK_DIR / "paced.lua"), base, "--",
         str(plan), f"{1000 * conns / args.paced_rate:.3f}"],
        args.duration,
    )  # fmt: skip
    record(slots, paced)
    write_plan(plan, slot_list, conns, submit=True)
    warm_study_cache(base)
    weights = [str(MIX[k]) for k in ("save", "read", "study", "submit")]
    mix = wrk([*base_args, *weights], args.duration)
    record(slots, mix)
    paths = ["-t", "2", "-c", str(conns), "-s", str(WRK_DIR / "paths.lua")]
    study = wrk([*paths, base, "--", *STUDY_PATHS], args.duration)
    hello = wrk([*paths, stack.hello_urls["hello"], "--", "/hello"], args.duration)
    threads_hello = wrk([*paths, stack.hello_urls["hello_threads"], "--", "/hello"], args.duration)
    checked, lost, torn = read_back(base, slot_list)
    submit_all(base, {slot.session for slot in slot_list}, {s.session: s.token for s in slot_list})
    hello_rps, threads_rps = hello.requests_per_s, threads_hello.requests_per_s
    figures = {
        "saves/s": saves.rate("save"),
        "save p50 ms": saves.percentile("save", 50),
        "save p95 ms": saves.percentile("save", 95),
        "save p99 ms": saves.percentile("save", 99),
        "save errors": saves.failed("save") + saves.socket_errors,
        **cpu_ms,
        "CPU ms/save all": sum(cpu_ms.values()),
        "paced saves/s": paced.rate("save"),
        "paced save p50 ms": paced.percentile("save", 50),
        "paced save p99 ms": paced.percentile("save", 99),
        "paced save errors": paced.failed("save") + paced.socket_errors,
        # Not ours, so not in "all": what the PostgreSQL server spent on the same cores.
        "CPU ms/save postgres server": 1000
        * (cpu_after["postgres"] - cpu_before["postgres"])
        / max(saves.ok("save"), 1),
        "mix req/s": mix.requests_per_s,
        "mix saves/s": mix.rate("save"),
        "mix save p99 ms": mix.percentile("save", 99),
        "mix read p50 ms": mix.percentile("read", 50),
        "mix read p99 ms": mix.percentile("read", 99),
        "mix study p99 ms": mix.percentile("study", 99),
        "mix submits": float(mix.ok("submit")),
        "mix errors": sum(mix.failed(k) for k in MIX) + mix.socket_errors,
        "study req/s": study.requests_per_s,
        "study p99 ms": study.percentiles.get(99, float("nan")),
        "study errors": study.failed("get") + study.socket_errors,
        "hello req/s": hello_rps,
        "ratio saves/hello": saves.rate("save") / hello_rps if hello_rps else 0.0,
        "hello gthread req/s": threads_rps,
        "ratio saves/hello gthread": saves.rate("save") / threads_rps if threads_rps else 0.0,
        "answers checked": float(checked),
        "lost": float(lost),
        "torn": float(torn),
        "peak RSS MiB": memory.peak_kb / 1024,
        "peak PSS MiB": memory.peak_pss_kb / 1024,
    }
    return figures


def start_profilers(
    stack: BenchStack, args: argparse.Namespace, run: int
) -> list[tuple[str, Path, subprocess.Popen[bytes]]]:
    """With --profile, py-spy on every gunicorn worker of the gateway and quiz during the saves
    of the first run (collapsed stacks, one file per worker). Only the thread holding the GIL is
    sampled: what Python spends CPU on, not where threads wait for the upstream or a socket."""
    if not args.profile or run != 1:
        return []
    out_dir = Path(args.profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = []
    for service in ("gateway", "quiz", "content", "auth"):
        master, *workers = stack.pids(service)
        for pid in workers or [master]:
            out = out_dir / f"{service}-{pid}.txt"
            command = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
                       "--rate", "200", "--gil", "--duration", f"{max(1, int(args.duration) - 2)}",
                       "--output", str(out), "--pid", str(pid)]  # fmt: skip
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            started.append((service, out, process))
    return started


def finish_profilers(profilers: list[tuple[str, Path, subprocess.Popen[bytes]]]) -> None:
    """Wait for py-spy and print the busiest frames of each service (share of its samples)."""
    per_service: dict[str, list[Path]] = defaultdict(list)
    for service, out, process in profilers:
        process.wait()
        per_service[service].append(out)
    for service, outs in per_service.items():
        print(f"\nprofile of {service} (py-spy, saves scenario):")
        print("\n".join(top_frames(outs)))


def top_frames(outs: list[Path], limit: int = 25) -> list[str]:
    """Inclusive share of samples per frame, from py-spy's collapsed stacks; frames of the
    standard library's thread plumbing and gunicorn's loop, which hold every sample, are left
    out so the list starts where the request's work does."""
    total = 0
    inclusive: dict[str, int] = defaultdict(int)
    for out in outs:
        if not out.exists():
            continue
        for line in out.read_text().splitlines():
            stack_text, _, count_text = line.rpartition(" ")
            count = int(count_text)
            total += count
            for frame in set(stack_text.split(";")):
                inclusive[frame] += count
    ranked = sorted(inclusive.items(), key=lambda item: -item[1])
    boring = ("threading.py", "gunicorn/workers", "concurrent/futures", "(gunicorn/")
    lines = []
    for frame, count in ranked:
        if any(word in frame for word in boring):
            continue
        lines.append(f"  {100 * count / max(total, 1):5.1f} %  {frame}")
        if len(lines) >= limit:
            break
    return lines


def table(rows: dict[str, dict[str, float]]) -> str:
    """A markdown table: one column per label in `rows`, one row per figure."""
    labels = list(rows)
    names = list(next(iter(rows.values())))
    lines = ["| figure | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for name in names:
        cells = [_fmt(rows[label].get(name, float("nan"))) for label in labels]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:.2f}" if abs(value) < 10 and value != int(value) else f"{value:.0f}"


def growth_lines(memory: MemorySampler) -> list[str]:
    """Per process: RSS when first seen and at the end (gunicorn recycles workers now and then
    with --max-requests, so a worker's pid may change during a long run)."""
    lines = []
    for pid, (name, last_kb) in sorted(memory.last.items(), key=lambda item: -item[1][1]):
        first_kb = memory.first.get(pid, (name, last_kb))[1]
        lines.append(f"  {pid:>7} {name:<16} {first_kb / 1024:7.1f} -> {last_kb / 1024:7.1f} MiB")
    return lines


def bench_store(store: str, args: argparse.Namespace) -> dict[str, float]:
    """Boot the platform on `store`, run `args.runs` times, print each run; the medians."""
    with tempfile.TemporaryDirectory(prefix=f"fi-bench-{store}-") as tmp:
        Path(tmp).chmod(0o755)
        stack = BenchStack(Path(tmp), store, {"GUNICORN_WORKERS": str(args.workers)})
        print(f"== {store}: starting the platform under {tmp}", flush=True)
        try:
            stack.boot()
            started = time.monotonic()
            tokens = sign_up_all(stack.base_url, args.candidates)
            print(f"  {args.candidates} candidates signed up in "
                  f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
            memory = stack.memory()
            memory.start()
            runs: dict[str, dict[str, float]] = {}
            for run in range(1, args.runs + 1):
                runs[f"run {run}"] = one_run(stack, args, run, memory, tokens)
                print(f"  run {run}: {runs[f'run {run}']['saves/s']:.0f} saves/s", flush=True)
            memory.stop()
            if args.keep_logs:
                for log in (Path(tmp) / "logs").iterdir():
                    target = Path(args.keep_logs) / store / log.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(log.read_bytes())
        finally:
            stack.close()
    medians = {name: statistics.median(r[name] for r in runs.values()) for name in runs["run 1"]}
    print(f"\n### {store}: each run\n\n{table(runs)}\n")
    print(f"RSS per process, first seen -> end ({store}):")
    print("\n".join(growth_lines(memory)))
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store",
        default="sqlite,postgres",
        help="sqlite, postgres or both, comma-separated (default both)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per store; medians printed")
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--questions", type=int, default=10, help="questions per interview")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GUNICORN_WORKERS", 1)),
        help="gunicorn workers per service (make run's default: 1)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument(
        "--paced-rate",
        type=float,
        default=600.0,
        help="saves per second offered in the paced scenario (the connections share it)",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy the gateway and services during the first saves (py-spy "
        "must be installed in the virtual env)",
    )
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the processes' logs here")
    args = parser.parse_args(argv)  # fmt: skip
    if args.paced_rate <= 0:
        parser.error("--paced-rate must be a positive number of saves per second")
    if args.candidates < args.connections:
        parser.error("--candidates must be at least --connections (each connection owns sessions)")
    missing = require_binaries()
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install -y nginx redis-server wrk)")
        return 2
    stores = [s.strip() for s in args.store.split(",") if s.strip()]
    load_before = os.getloadavg()
    medians = {store: bench_store(store, args) for store in stores}
    print(f"\n### Medians of {args.runs} runs ({args.connections} connections, "
          f"{args.duration:g} s per scenario, {args.candidates} candidates)\n")  # fmt: skip
    print(table(medians))
    print(f"\nmachine: {os.cpu_count()} CPUs; load average before "
          f"{load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
