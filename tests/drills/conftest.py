"""`drill_stack`: the platform on a PostgreSQL cluster and a persistent Redis of its own.

One stack serves every drill of the session; each drill breaks one part, checks what candidates
saw, and leaves the part running again (the next drill starts from a healthy platform).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.support.drill_stack import DrillStack
from tests.e2e.support.pg_cluster import PgCluster
from tests.e2e.support.stack import missing_binaries


@pytest.fixture(scope="session")
def drill_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DrillStack]:
    """A running platform for the drills, torn down (cluster included) at the end."""
    missing = missing_binaries()
    if missing:
        pytest.fail(f"the drills need {', '.join(missing)} installed", pytrace=False)
    cluster = PgCluster()
    stack: DrillStack | None = None
    try:
        cluster.init()
        cluster.start()
        stack = DrillStack(tmp_path_factory.mktemp("drills"), cluster)
        stack.boot()
    except Exception as exc:
        if stack is not None:
            stack.close()
        cluster.destroy()
        pytest.fail(f"the drill stack did not start: {exc}", pytrace=False)
    try:
        yield stack
    finally:
        stack.close()
        cluster.destroy()


@pytest.fixture(autouse=True)
def _parts_running_again(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each drill that used the stack, every part runs again, even if the drill failed."""
    yield
    if "drill_stack" not in request.fixturenames:
        return
    stack: DrillStack = request.getfixturevalue("drill_stack")
    if not stack.cluster.running():
        stack.cluster.start()
    if not stack.processes["redis"].running:
        stack.start_redis()
    for name in ("auth", "content", "quiz", "gateway", "worker", "beat", "nginx"):
        stack.ensure_running(name)
