"""The `stack` fixture: the whole platform as real processes, reachable through nginx only.

`stack.base_url`, `stack.oidc_url`, `stack.redis_url`, `stack.redis_prefix`, `stack.log(name)`,
`stack.stop(name)`, `stack.start(name)` (auth, content, quiz, gateway, worker, beat, nginx) and
`stack.admin_token()`; `stack.mail_dir` holds what the platform mailed (a real SMTP server,
aiosmtpd, files each message there). A missing program or a process that fails to start is a
test error with its output, never a skip; everything started is stopped even when tests fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support.browser import browser, page  # noqa: F401  (the browser tests' fixtures)
from .support.stack import Stack, missing_binaries


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A running platform for the whole e2e session, torn down at the end."""
    missing = missing_binaries()
    if missing:
        pytest.fail(
            f"end-to-end tests need {', '.join(missing)} installed "
            f"(apt-get install -y {' '.join(missing)}; .ci/run does this)",
            pytrace=False,
        )
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        running.boot()
    except BaseException as exc:
        running.close()
        if isinstance(exc, Exception):
            pytest.fail(f"the e2e stack did not start: {exc}", pytrace=False)
        raise
    try:
        yield running
    finally:
        running.close()
