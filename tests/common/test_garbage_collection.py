"""A worker's start-up heap is left out of garbage collection; later cycles are still collected."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from services.common.garbage_collection import settle_after_startup
from tests.infra.gunicorn_settings import load_gunicorn_settings


@pytest.fixture(autouse=True)
def unfreeze_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_settling_freezes_what_is_alive_and_keeps_collecting() -> None:
    kept = [[index] for index in range(1000)]
    settle_after_startup()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.isenabled()


def test_cycles_made_after_settling_are_still_collected() -> None:
    settle_after_startup()

    class Node:
        pass

    node = Node()
    node.self = node  # type: ignore[attr-defined]
    del node
    assert gc.collect() >= 1


def test_every_gunicorn_worker_settles_once_its_app_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = load_gunicorn_settings(monkeypatch)
    gc.unfreeze()
    conf["post_worker_init"](SimpleNamespace())
    assert gc.get_freeze_count() > 0
