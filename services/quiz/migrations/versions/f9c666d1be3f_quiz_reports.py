"""quiz reports: one report row per finalised session

Revision ID: f9c666d1be3f
Revises: df51a7b0fbac
Create Date: 2026-11-28 21:46:30.314065

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f9c666d1be3f'
down_revision = 'df51a7b0fbac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_reports',
    sa.Column('session_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_version', sa.Integer(), nullable=False),
    sa.Column('built_version', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_version', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('builds', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['quiz_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id')
    )
    with op.batch_alter_table('quiz_reports', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_reports_status_sent', ['status', 'sent_at'], unique=False)



def downgrade():
    with op.batch_alter_table('quiz_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_reports_status_sent')

    op.drop_table('quiz_reports')
