"""The local platform: which processes run, with which environment (make run and e2e tests)."""
