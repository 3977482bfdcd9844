"""SQLite writers of one process take turns on a lock instead of SQLite's sleeping retries."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.sqlite_writers import SerialWriterConnection
from services.common.timeouts import database_engine_options


def connect(path: Path, timeout: float = 5.0) -> SerialWriterConnection:
    connection = sqlite3.connect(path, timeout=timeout, factory=SerialWriterConnection)
    assert isinstance(connection, SerialWriterConnection)
    return connection


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "writers.db"
    with connect(path) as setup:
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        setup.execute("INSERT INTO counter VALUES (1, 0)")
    return path


def value(path: Path) -> int:
    with connect(path) as reader:
        return reader.execute("SELECT value FROM counter WHERE id = 1").fetchone()[0]


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(database):
    first = connect(database)
    first.execute("UPDATE counter SET value = value + 1")
    done = threading.Event()

    def write_second() -> None:
        second = connect(database)
        second.execute("UPDATE counter SET value = value + 10")
        second.commit()
        done.set()

    writer = threading.Thread(target=write_second)
    writer.start()
    assert not done.wait(0.2)  # still waiting: the first transaction is open
    first.commit()
    writer.join(5)
    assert done.is_set()
    assert value(database) == 11


def test_a_writer_that_waits_longer_than_the_busy_timeout_gets_database_is_locked(database):
    holder, waiter = connect(database), connect(database, timeout=0.1)
    holder.execute("UPDATE counter SET value = 5")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        waiter.execute("UPDATE counter SET value = 6")
    holder.commit()
    waiter.execute("UPDATE counter SET value = 7")  # the failed attempt kept nothing
    waiter.commit()
    assert value(database) == 7


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_and_close_let_the_next_writer_in(database, end):
    holder, waiter = connect(database), connect(database, timeout=0.1)
    holder.execute("UPDATE counter SET value = 5")
    getattr(holder, end)()
    waiter.execute("UPDATE counter SET value = 6")
    waiter.commit()
    assert value(database) == 6


def test_a_statement_that_fails_before_its_transaction_keeps_no_lock(database):
    failing, waiter = connect(database), connect(database, timeout=0.1)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        failing.execute("UPDATE missing SET value = 1")
    waiter.execute("UPDATE counter SET value = 3")
    waiter.commit()
    assert value(database) == 3


def test_reads_take_no_lock(database):
    holder, reader = connect(database), connect(database, timeout=0.1)
    holder.execute("UPDATE counter SET value = 9")
    assert reader.execute("SELECT value FROM counter").fetchone() == (0,)  # the committed value
    holder.commit()


def test_private_in_memory_databases_take_no_lock():
    one, two = connect(Path(":memory:")), connect(Path(":memory:"), timeout=0.1)
    for connection in (one, two):
        connection.execute("CREATE TABLE t (a)")
        connection.execute("INSERT INTO t VALUES (1)")  # both open at once, no waiting
    one.commit()
    two.commit()


def test_engines_of_the_services_use_it_and_lose_no_concurrent_increment(tmp_path):
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    engine = sa.create_engine(url, **database_engine_options(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (1, 0)")
        assert isinstance(connection.connection.dbapi_connection, SerialWriterConnection)
    errors: list[BaseException] = []

    def increment(times: int) -> None:
        try:
            for _ in range(times):
                with engine.begin() as connection:
                    connection.exec_driver_sql("UPDATE counter SET value = value + 1")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=increment, args=(50,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM counter").scalar() == 400
    engine.dispose()
