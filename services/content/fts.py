"""Full-text search in the database itself: FTS5 on SQLite, a `tsvector` on PostgreSQL.

Both index the prompt (weighted higher) and `search_text` (model answer, explanation, option
texts). A reader who may not see a question's answers must not find it by them either (a search
for "prompt words + a guessed answer" would confirm the guess), so such questions are matched and
ranked on the prompt alone (`prompt_only`).

The objects are created by the migration and, for `db.create_all()`, by DDL events on
the `questions` table, so a migrated database and a test database behave the same. Queries are
built from plain words only (never the raw user string), so no input is an FTS syntax error.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    event,
    false,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Connection

# Names the schema comparison must ignore: they are managed here, not by the ORM models.
FTS_TABLE = "questions_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_questions_search_vector"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(prompt, search_text, content='questions', "
    "content_rowid='rowid', tokenize='porter unicode61')",
    f"CREATE TRIGGER questions_fts_ai AFTER INSERT ON questions BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, prompt, search_text) "
    "VALUES (new.rowid, new.prompt, new.search_text); END",
    f"CREATE TRIGGER questions_fts_ad AFTER DELETE ON questions BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, prompt, search_text) "
    "VALUES ('delete', old.rowid, old.prompt, old.search_text); END",
    f"CREATE TRIGGER questions_fts_au AFTER UPDATE ON questions BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, prompt, search_text) "
    "VALUES ('delete', old.rowid, old.prompt, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, prompt, search_text) "
    "VALUES (new.rowid, new.prompt, new.search_text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]

PG_CREATE = [
    f"ALTER TABLE questions ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(prompt, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(search_text, '')), 'B')) STORED",
    f"CREATE INDEX {PG_INDEX} ON questions USING GIN ({PG_COLUMN})",
]

# PostgreSQL's English configuration drops stop words; SQLite's tokenizer does not, so the
# query builder drops the common ones itself and both backends answer the same searches.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)


def install(connection: Connection) -> None:
    """Create the search objects for `connection`'s dialect (the table must exist)."""
    for statement in _statements(connection.dialect.name, create=True):
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    """Drop what `install` created that does not disappear with the table."""
    for statement in _statements(connection.dialect.name, create=False):
        connection.execute(text(statement))


def _statements(dialect: str, *, create: bool) -> list[str]:
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return PG_CREATE if create else []
    return []


def attach(table: Table) -> None:
    """Install the search objects whenever SQLAlchemy creates or drops `table`."""
    event.listen(table, "after_create", lambda _t, connection, **_kw: install(connection))
    event.listen(table, "before_drop", lambda _t, connection, **_kw: uninstall(connection))


def search_terms(query: str) -> list[str]:
    """The words of a user's query that are worth searching for (lower-case, no stop words)."""
    words = [word.lower() for word in _WORD.findall(query or "")]
    return [word for word in dict.fromkeys(words) if word not in STOP_WORDS]


def ranked_matches(dialect: str, terms: list[str], *, prompt_only: bool = False) -> Select[Any]:
    """A subquery of (question rowid or id, rank) matching every one of `terms` (not empty).
    `prompt_only` matches and ranks on the prompt alone, never on the answer texts."""
    if dialect == "sqlite":
        match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        name = "fts_match"  # one bind name per variant: a query may hold both
        if prompt_only:
            match, name = f"prompt : ({match})", "fts_prompt_match"
        return (
            select(
                literal_column("rowid").label("match_ref"),
                # bm25 is lower-is-better; negate so that a higher rank is always better.
                literal_column(f"-bm25({FTS_TABLE}, 2.0, 1.0)").label("rank"),
            )
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :{name}").bindparams(**{name: match}))
        )
    tsquery = func.plainto_tsquery("english", " ".join(terms))
    vector: ColumnElement[Any] = literal_column(PG_COLUMN)
    if prompt_only:
        # The prompt's lexemes carry weight A in the stored vector, the answer texts' weight B.
        vector = func.ts_filter(vector, literal_column("'{a}'"))
    return (
        select(
            literal_column("id").label("match_ref"),
            func.ts_rank(vector, tsquery).label("rank"),
        )
        .select_from(text("questions"))
        .where(vector.op("@@")(tsquery))
    )


def match_reference_column(dialect: str) -> ColumnElement[Any]:
    """The `questions` column that `ranked_matches` rows refer to."""
    return (
        literal_column("questions.rowid") if dialect == "sqlite" else literal_column("questions.id")
    )


def no_match() -> ColumnElement[bool]:
    """A filter that matches nothing (a query with no searchable words)."""
    return false()


def is_fts_object(name: str | None) -> bool:
    """True for the tables, columns and indexes this module manages (schema comparison skips)."""
    return bool(name) and (name.startswith(FTS_TABLE) or name in {PG_COLUMN, PG_INDEX})


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic `include_name`: skip the search objects when reflecting the database."""
    return not is_fts_object(name)


def include_object(obj: Any, name: str | None, type_: str, _reflected: bool, _other: Any) -> bool:
    """Alembic `include_object`: skip the search objects when comparing schemas."""
    return not is_fts_object(name)
