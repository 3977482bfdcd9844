"""holds on questions of running interviews (hidden answers per candidate)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:54:25.379987

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holds',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('candidate_sub', sa.String(length=255), nullable=False),
    sa.Column('question_id', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_holds_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holds'))
    )
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.create_index('ix_holds_candidate_sub_question_id', ['candidate_sub', 'question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holds_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holds_until'), ['until'], unique=False)



def downgrade():
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holds_until'))
        batch_op.drop_index(batch_op.f('ix_holds_session_id'))
        batch_op.drop_index('ix_holds_candidate_sub_question_id')

    op.drop_table('holds')
