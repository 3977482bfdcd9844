#!/bin/sh
# Container entrypoint: web <auth|content|quiz|gateway> | worker | beat | migrate | mail.
# The commands themselves live in infra/devstack/processes.py (shared with make run and the
# e2e tests); `exec` hands PID 1 to Python, which execs the program in turn.
set -eu
exec python -m infra.devstack.entry "$@"
