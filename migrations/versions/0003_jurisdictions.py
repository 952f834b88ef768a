"""jurisdictions: regions as a tree, one responsible agency per class in each jurisdiction, every thing in a
jurisdiction, escalated requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00

A database of the single-county release keeps working unchanged: everything lands in the one top
region (000000), and each class's agency becomes its responsible agency there.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ROOT = '000000'
_SCOPED = ('agency', 'storage_point', 'app_user', 'incident', 'dispatch_request', 'reserve_target')


def _jurisdiction_column() -> sa.Column:
    return sa.Column('jurisdiction_code', sa.String(length=12), nullable=False, server_default=ROOT)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    recreate = 'always' if sqlite else 'auto'
    op.create_table(
        'region',
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('parent_code', sa.String(length=12), nullable=True),
        sa.Column('path', sa.String(length=120), nullable=False),
        sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
        sa.Column('public_key', sa.String(length=200), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("level IN ('root','province','city','county','township','village')",
                           name=op.f('ck_region_level_known')),
        sa.ForeignKeyConstraint(['parent_code'], ['region.code'], name=op.f('fk_region_parent_code_region')),
        sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'],
                                name=op.f('fk_region_jurisdiction_code_region')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_region')),
    )
    op.create_index('ix_region_path', 'region', ['path'], postgresql_ops={'path': 'text_pattern_ops'})
    op.create_index(op.f('ix_region_parent_code'), 'region', ['parent_code'])
    op.create_index(op.f('ix_region_jurisdiction_code'), 'region', ['jurisdiction_code'])
    bind.execute(sa.text(
        "INSERT INTO region (code, name, level, parent_code, path, jurisdiction_code, created_at) "
        "VALUES (:c, :n, 'root', NULL, :p, :c, CURRENT_TIMESTAMP)"), {'c': ROOT, 'n': '全辖区', 'p': f'{ROOT}/'})

    for table in _SCOPED:
        with op.batch_alter_table(table, recreate=recreate) as b:
            b.add_column(_jurisdiction_column())
            if table == 'app_user':
                b.add_column(sa.Column('region_code', sa.String(length=20), nullable=True))
            if table == 'dispatch_request':
                b.add_column(sa.Column('escalated_from_id', sa.Integer(), nullable=True))
                b.create_foreign_key(op.f('fk_dispatch_request_escalated_from_id_dispatch_request'),
                                     'dispatch_request', ['escalated_from_id'], ['id'])
                b.create_index(op.f('ix_dispatch_request_escalated_from_id'), ['escalated_from_id'])
            b.create_foreign_key(op.f(f'fk_{table}_jurisdiction_code_region'), 'region', ['jurisdiction_code'],
                                 ['code'])
            b.create_index(op.f(f'ix_{table}_jurisdiction_code'), ['jurisdiction_code'])
            if table in ('agency', 'storage_point'):
                b.create_unique_constraint(f'uq_{table}_id_jurisdiction', ['id', 'jurisdiction_code'])

    if sqlite:  # rebuilding a table drops its expression indexes: the case-blind unique codes come back
        for table, column in (('agency', 'code'), ('storage_point', 'code'), ('app_user', 'name')):
            op.execute(f'DROP INDEX IF EXISTS uq_{table}_{column}_nocase')
            op.create_index(f'uq_{table}_{column}_nocase', table, [sa.text(f'lower({column})')], unique=True)

    op.create_table(
        'class_responsibility',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id', 'jurisdiction_code'], ['agency.id', 'agency.jurisdiction_code'],
                                name='fk_class_responsibility_agency_jurisdiction'),
        sa.ForeignKeyConstraint(['class_id'], ['supply_class.id'],
                                name=op.f('fk_class_responsibility_class_id_supply_class')),
        sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'],
                                name=op.f('fk_class_responsibility_jurisdiction_code_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_class_responsibility')),
        sa.UniqueConstraint('class_id', 'jurisdiction_code', name='uq_class_responsibility_class_jurisdiction'),
        sa.UniqueConstraint('class_id', 'jurisdiction_code', 'agency_id', name='uq_class_responsibility_key'),
    )
    op.create_index(op.f('ix_class_responsibility_class_id'), 'class_responsibility', ['class_id'])
    op.create_index(op.f('ix_class_responsibility_jurisdiction_code'), 'class_responsibility',
                    ['jurisdiction_code'])
    op.create_index(op.f('ix_class_responsibility_agency_id'), 'class_responsibility', ['agency_id'])
    bind.execute(sa.text(
        "INSERT INTO class_responsibility (class_id, jurisdiction_code, agency_id, created_at) "
        "SELECT id, :root, agency_id, CURRENT_TIMESTAMP FROM supply_class"), {'root': ROOT})

    with op.batch_alter_table('stock_lot', recreate=recreate) as b:
        b.add_column(sa.Column('jurisdiction_code', sa.String(length=12), nullable=False, server_default=ROOT))
        b.drop_constraint('fk_stock_lot_class_agency', type_='foreignkey')
        b.create_foreign_key('fk_stock_lot_responsibility', 'class_responsibility',
                             ['class_id', 'jurisdiction_code', 'agency_id'],
                             ['class_id', 'jurisdiction_code', 'agency_id'], onupdate='CASCADE')
        b.create_foreign_key('fk_stock_lot_point_jurisdiction', 'storage_point', ['point_id', 'jurisdiction_code'],
                             ['id', 'jurisdiction_code'])
        b.create_index('ix_stock_lot_jurisdiction_code', ['jurisdiction_code'])


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    recreate = 'always' if sqlite else 'auto'
    if bind.execute(sa.text(f"SELECT count(*) FROM region WHERE code <> '{ROOT}'")).scalar():
        raise RuntimeError('cannot go back below revision 0003: the database holds regions of several jurisdictions')
    with op.batch_alter_table('stock_lot', recreate=recreate) as b:
        b.drop_index('ix_stock_lot_jurisdiction_code')
        b.drop_constraint('fk_stock_lot_point_jurisdiction', type_='foreignkey')
        b.drop_constraint('fk_stock_lot_responsibility', type_='foreignkey')
        b.create_foreign_key('fk_stock_lot_class_agency', 'supply_class', ['class_id', 'agency_id'],
                             ['id', 'agency_id'], onupdate='CASCADE')
        b.drop_column('jurisdiction_code')
    op.drop_table('class_responsibility')
    for table in reversed(_SCOPED):
        with op.batch_alter_table(table, recreate=recreate) as b:
            if table in ('agency', 'storage_point'):
                b.drop_constraint(f'uq_{table}_id_jurisdiction', type_='unique')
            b.drop_index(op.f(f'ix_{table}_jurisdiction_code'))
            b.drop_constraint(op.f(f'fk_{table}_jurisdiction_code_region'), type_='foreignkey')
            if table == 'dispatch_request':
                b.drop_index(op.f('ix_dispatch_request_escalated_from_id'))
                b.drop_constraint(op.f('fk_dispatch_request_escalated_from_id_dispatch_request'), type_='foreignkey')
                b.drop_column('escalated_from_id')
            if table == 'app_user':
                b.drop_column('region_code')
            b.drop_column('jurisdiction_code')
    op.drop_table('region')
    if sqlite:
        for table, column in (('agency', 'code'), ('storage_point', 'code'), ('app_user', 'name')):
            op.execute(f'DROP INDEX IF EXISTS uq_{table}_{column}_nocase')
            op.create_index(f'uq_{table}_{column}_nocase', table, [sa.text(f'lower({column})')], unique=True)
