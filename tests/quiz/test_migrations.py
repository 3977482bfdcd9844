"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from services.common.testing import migrated_schema, schema_differences
from services.quiz import create_app
from services.quiz.extensions import db
from services.quiz.interview_templates import seed_templates
from services.quiz.models import QuizSession

from .fakes import START


def test_migrations_match_the_models(app_config: dict[str, Any]) -> None:
    with migrated_schema(create_app(app_config), db) as app, app.app_context():
        assert schema_differences(db) == []
        assert seed_templates() == 4


OLD_HEAD = "5a1e0c2d7b31"


def _insert_old_finalised_session(connection: Any) -> None:
    """A submitted session as the schema before one score record stored it."""
    connection.execute(
        sa.text(
            "INSERT INTO quiz_sessions (id, user_sub, title, topics, question_count, time_limit_s,"
            " status, started_at, deadline, finalised_at, finalised_by, score, max_score, percent,"
            " score_version) VALUES ('s1', 'u1', 'Old', '[]', 2, 600, 'submitted', :t, :t, :t,"
            " 'candidate', 1.5, 2.0, 75.0, 1)"
        ),
        {"t": START},
    )
    for position, kind, answer, awarded, feedback in (
        (1, "short", '"url_for"', 1.0, '{"correct": true}'),
        (2, "explain", '"a micro framework"', 0.5, '{"correct": true, "covered": ["core"]}'),
    ):
        connection.execute(
            sa.text(
                "INSERT INTO quiz_session_questions (session_id, position, question_id,"
                " question_key, question_version, topic, type, difficulty, prompt, options,"
                ' answer_key, model_answer, explanation, "references", points, answer, awarded,'
                " feedback) VALUES ('s1', :p, :q, :q, 1, 'routing', :k, 'junior', 'P?', '[]',"
                " '{}', '', '', '[]', 1.0, :a, :w, :f)"
            ),
            {
                "p": position,
                "q": f"q{position}",
                "k": kind,
                "a": answer,
                "w": awarded,
                "f": feedback,
            },
        )
    connection.execute(
        sa.text(
            "INSERT INTO quiz_session_scores (session_id, status, score, max_score, percent,"
            " by_topic, created_at) VALUES ('s1', 'submitted', 1.5, 2.0, 75.0,"
            ' \'{"routing": {"score": 1.5, "max_score": 2.0, "percent": 75.0}}\', :t)'
        ),
        {"t": START},
    )


def test_upgrade_moves_scores_to_one_record_and_makes_explain_provisional(
    app_config: dict[str, Any],
) -> None:
    app = create_app(app_config)
    with app.app_context():
        db.drop_all()
        upgrade(revision=OLD_HEAD)
        try:
            with db.engine.begin() as connection:
                _insert_old_finalised_session(connection)
            upgrade()

            session = db.session.get(QuizSession, "s1")
            assert (session.score, session.percent, session.score_version) == (1.5, 75.0, 1)
            assert session.by_topic == {
                "routing": {"score": 1.5, "max_score": 2.0, "percent": 75.0}
            }
            assert session.score_parts["server"] == {"score": 1.0, "max_score": 1.0}
            assert session.score_parts["auto"] == {"score": 0.5, "max_score": 1.0}
            short, explain = session.questions
            assert (short.source, explain.source) == ("server", "auto")
            assert (short.feedback["correct"], explain.feedback["correct"]) == (True, None)
            db.session.remove()

            downgrade(revision=OLD_HEAD)
            with db.engine.connect() as connection:
                row = connection.execute(
                    sa.text("SELECT score, percent FROM quiz_sessions WHERE id = 's1'")
                ).one()
            assert tuple(row) == (1.5, 75.0)
        finally:
            db.session.remove()
            downgrade(revision="base")
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.engine.dispose()
