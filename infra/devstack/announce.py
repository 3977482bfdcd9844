"""Tell the person who typed `make run` when the platform is really ready, then stay quiet.

Runs as one more Procfile entry: it polls `/readyz` through the public port, prints the URL once
every service answers (or, while it waits, which ones do not yet), then sleeps until honcho stops
it. It must not exit early: honcho stops every process as soon as one of them ends.
"""

from __future__ import annotations

import json
import signal
import sys
import time
import urllib.error
import urllib.request

POLL_S = 0.5
REPORT_EVERY_S = 15.0


def readiness(url: str) -> tuple[bool, str]:
    """Whether `<url>/readyz` says ready, and which services are not, if any."""
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return response.status == 200, ""
    except urllib.error.HTTPError as exc:
        try:
            services = json.loads(exc.read()).get("services", {})
        except ValueError:
            return False, f"HTTP {exc.code}"
        waiting = sorted(name for name, status in services.items() if status != "ready")
        return False, ", ".join(waiting) or f"HTTP {exc.code}"
    except OSError:
        return False, "nothing answers yet"


def main(url: str) -> None:
    """Poll until ready, announce, then wait for SIGTERM."""
    started = last_report = time.monotonic()
    ready, waiting = readiness(url)
    while not ready:
        if time.monotonic() - last_report >= REPORT_EVERY_S:
            elapsed = int(time.monotonic() - started)
            print(f"still starting after {elapsed} s; waiting for: {waiting}", flush=True)
            last_report = time.monotonic()
        time.sleep(POLL_S)
        ready, waiting = readiness(url)
    print(f"ready: open {url}  (every service answers /readyz; Ctrl-C stops it)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main(sys.argv[1])
