"""one score record, score sources and verdicts

The score lives only in quiz_session_scores, one row per score version (the session's
score_version names the current one) with its parts per source; the session's own score
columns go. Questions get the source of their points and the human verdicts of explain answers.
Existing explain answers become provisional (source auto) and no longer claim to be correct.

Revision ID: df51a7b0fbac
Revises: 5a1e0c2d7b31
Create Date: 2026-11-28 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df51a7b0fbac'
down_revision = '5a1e0c2d7b31'
branch_labels = None
depends_on = None

SOURCES = ('server', 'auto', 'self', 'reviewer')
FINAL = ('submitted', 'expired')


def _scores_table(versioned):
    columns = [
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('session_id', sa.String(length=32), nullable=False),
    ]
    if versioned:
        columns.append(sa.Column('version', sa.Integer(), nullable=False))
    else:
        columns.append(sa.Column('status', sa.String(length=10), nullable=False))
    columns += [
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('max_score', sa.Float(), nullable=False),
        sa.Column('percent', sa.Float(), nullable=False),
        sa.Column('by_topic', sa.JSON(), nullable=False),
    ]
    if versioned:
        columns.append(sa.Column('score_parts', sa.JSON(), nullable=False))
    columns.append(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False))
    constraints = [
        sa.ForeignKeyConstraint(['session_id'], ['quiz_sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'version') if versioned else sa.UniqueConstraint('session_id'),
    ]
    return columns + constraints


def _answered(answer):
    return answer not in (None, '', [])


def upgrade():
    bind = op.get_bind()
    old = bind.execute(sa.text(
        'SELECT s.session_id, s.score, s.max_score, s.percent, s.by_topic, s.created_at, q.status '
        'FROM quiz_session_scores s JOIN quiz_sessions q ON q.id = s.session_id'
    ).columns(by_topic=sa.JSON)).mappings().all()
    op.drop_table('quiz_session_scores')
    op.create_table('quiz_session_scores', *_scores_table(versioned=True))
    with op.batch_alter_table('quiz_session_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_session_scores_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('quiz_session_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('self_verdicts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reviewer_verdicts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reviewer_sub', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))

    questions = sa.table(
        'quiz_session_questions',
        sa.column('id', sa.Integer()), sa.column('source', sa.String()),
        sa.column('feedback', sa.JSON()),
    )
    scores = sa.table(
        'quiz_session_scores',
        sa.column('session_id', sa.String()), sa.column('version', sa.Integer()),
        sa.column('score', sa.Float()), sa.column('max_score', sa.Float()),
        sa.column('percent', sa.Float()), sa.column('by_topic', sa.JSON()),
        sa.column('score_parts', sa.JSON()), sa.column('created_at'),
    )
    for row in old:
        parts = {source: {'score': 0.0, 'max_score': 0.0} for source in SOURCES}
        rows = bind.execute(sa.text(
            'SELECT id, type, answer, awarded, points, feedback FROM quiz_session_questions '
            'WHERE session_id = :sid'
        ).columns(answer=sa.JSON, feedback=sa.JSON), {'sid': row['session_id']}).mappings().all()
        for question in rows:
            answer, feedback = question['answer'], question['feedback'] or {}
            source = 'auto' if question['type'] == 'explain' and _answered(answer) else 'server'
            if question['type'] == 'explain' and _answered(answer):
                feedback = {**feedback, 'correct': None}
            bind.execute(
                questions.update().where(questions.c.id == question['id'])
                .values(source=source, feedback=feedback)
            )
            parts[source]['score'] = round(parts[source]['score'] + (question['awarded'] or 0.0), 4)
            parts[source]['max_score'] += question['points']
        bind.execute(scores.insert().values(
            session_id=row['session_id'], version=1, score=row['score'],
            max_score=row['max_score'], percent=row['percent'], by_topic=row['by_topic'],
            score_parts=parts, created_at=row['created_at'],
        ))
    bind.execute(sa.text('UPDATE quiz_sessions SET score_version = 1'))

    with op.batch_alter_table('quiz_sessions', schema=None) as batch_op:
        batch_op.drop_column('percent')
        batch_op.drop_column('max_score')
        batch_op.drop_column('score')


def downgrade():
    bind = op.get_bind()
    current = bind.execute(sa.text(
        'SELECT s.session_id, s.score, s.max_score, s.percent, s.by_topic, s.created_at, q.status '
        'FROM quiz_session_scores s JOIN quiz_sessions q '
        'ON q.id = s.session_id AND q.score_version = s.version'
    ).columns(by_topic=sa.JSON)).mappings().all()
    with op.batch_alter_table('quiz_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('percent', sa.Float(), nullable=True))
    with op.batch_alter_table('quiz_session_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_session_scores_session_id'))
    op.drop_table('quiz_session_scores')
    op.create_table('quiz_session_scores', *_scores_table(versioned=False))
    scores = sa.table(
        'quiz_session_scores',
        sa.column('session_id', sa.String()), sa.column('status', sa.String()),
        sa.column('score', sa.Float()), sa.column('max_score', sa.Float()),
        sa.column('percent', sa.Float()), sa.column('by_topic', sa.JSON()),
        sa.column('created_at'),
    )
    for row in current:
        bind.execute(scores.insert().values(
            session_id=row['session_id'], status=row['status'], score=row['score'],
            max_score=row['max_score'], percent=row['percent'], by_topic=row['by_topic'],
            created_at=row['created_at'],
        ))
        bind.execute(
            sa.text('UPDATE quiz_sessions SET score = :s, max_score = :m, percent = :p WHERE id = :id'),
            {'s': row['score'], 'm': row['max_score'], 'p': row['percent'], 'id': row['session_id']},
        )
    with op.batch_alter_table('quiz_session_questions', schema=None) as batch_op:
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewer_sub')
        batch_op.drop_column('reviewer_verdicts')
        batch_op.drop_column('self_verdicts')
        batch_op.drop_column('source')
