"""login attempts: the web's log-in limit kept in the database, shared by every web process

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:40:00

Failed log-ins per (name, address) digest, so that several `supplies serve` processes behind a
proxy share one limit.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_attempt'))
    )
    op.create_index(op.f('ix_login_attempt_first_at'), 'login_attempt', ['first_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_attempt_first_at'), table_name='login_attempt')
    op.drop_table('login_attempt')
