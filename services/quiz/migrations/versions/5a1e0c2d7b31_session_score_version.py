"""session score version

Revision ID: 5a1e0c2d7b31
Revises: 471779275d95
Create Date: 2026-11-28 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1e0c2d7b31'
down_revision = '471779275d95'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('score_version', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('quiz_sessions', schema=None) as batch_op:
        batch_op.drop_column('score_version')
