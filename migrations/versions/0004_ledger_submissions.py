"""ledger submissions: a jurisdiction's ledger for a period, reported upward, frozen and versioned

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00

Submissions are immutable like the ledger itself: the database refuses to change, replace,
delete or truncate them; a correction is a new version.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_MESSAGE = 'a ledger submission is frozen: it cannot be changed, replaced or deleted; submit a new version'


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.create_table(
        'ledger_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('submitted_by', sa.String(length=100), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('signature', sa.String(length=200), nullable=True),
        sa.CheckConstraint('version >= 1', name=op.f('ck_ledger_submission_version_positive')),
        sa.CheckConstraint("source IN ('local','received')", name=op.f('ck_ledger_submission_source_known')),
        sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'],
                                name=op.f('fk_ledger_submission_jurisdiction_code_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_submission')),
        sa.UniqueConstraint('jurisdiction_code', 'period', 'version', name='uq_ledger_submission_version'),
    )
    op.create_index(op.f('ix_ledger_submission_jurisdiction_code'), 'ledger_submission', ['jurisdiction_code'])
    if sqlite:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER ledger_submission_no_{event.lower()} BEFORE {event} ON ledger_submission
                BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END
            """)
        # INSERT OR REPLACE deletes the old row without firing delete triggers: refuse a used id or version.
        op.execute(f"""
            CREATE TRIGGER ledger_submission_no_replace BEFORE INSERT ON ledger_submission
            WHEN EXISTS (SELECT 1 FROM ledger_submission WHERE id = NEW.id
                         OR (jurisdiction_code = NEW.jurisdiction_code AND period = NEW.period
                             AND version = NEW.version))
            BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END
        """)
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION ledger_submission_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$
    """)
    op.execute("""
        CREATE TRIGGER ledger_submission_frozen BEFORE UPDATE OR DELETE ON ledger_submission
        FOR EACH ROW EXECUTE FUNCTION ledger_submission_frozen()
    """)
    # Row triggers do not fire for TRUNCATE (nor for TRUNCATE region CASCADE): a statement trigger does.
    op.execute("""
        CREATE TRIGGER ledger_submission_no_truncate BEFORE TRUNCATE ON ledger_submission
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_submission_frozen()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('update', 'delete', 'replace'):
            op.execute(f'DROP TRIGGER IF EXISTS ledger_submission_no_{name}')
    else:
        op.execute('DROP TRIGGER IF EXISTS ledger_submission_no_truncate ON ledger_submission')
        op.execute('DROP TRIGGER IF EXISTS ledger_submission_frozen ON ledger_submission')
        op.execute('DROP FUNCTION IF EXISTS ledger_submission_frozen()')
    op.drop_index(op.f('ix_ledger_submission_jurisdiction_code'), table_name='ledger_submission')
    op.drop_table('ledger_submission')
