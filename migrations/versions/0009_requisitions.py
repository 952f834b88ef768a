"""requisitions: goods requisitioned (征用) for an emergency, their return (归还) and compensation (补偿)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:00:05

A requisition line's units are held by a stock lot (batch ZY-<id>, mode requisition) booked through
the ledger; these tables add the order, its lines, returns and the compensation with its lines.
0008 (donations) is another branch's: the chain is set right when the branches meet.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('requisition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('owner_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('owner_id_first4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('owner_id_last4', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('owner_id_length', sa.Integer(), nullable=True),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("owner_kind IN ('person','company')", name=op.f('ck_requisition_owner_kind_known')),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_requisition_status_known')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_requisition_created_by_app_user')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'], name=op.f('fk_requisition_jurisdiction_code_region')),
    sa.ForeignKeyConstraint(['point_id'], ['storage_point.id'], name=op.f('fk_requisition_point_id_storage_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requisition'))
    )
    with op.batch_alter_table('requisition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requisition_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_requisition_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requisition_status'), ['status'], unique=False)

    op.create_table('compensation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('total', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('assessed_by', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.CheckConstraint("status IN ('assessed','approved','paid')", name=op.f('ck_compensation_status_known')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_compensation_total_not_negative')),
    sa.ForeignKeyConstraint(['approved_by'], ['app_user.id'], name=op.f('fk_compensation_approved_by_app_user')),
    sa.ForeignKeyConstraint(['assessed_by'], ['app_user.id'], name=op.f('fk_compensation_assessed_by_app_user')),
    sa.ForeignKeyConstraint(['paid_by'], ['app_user.id'], name=op.f('fk_compensation_paid_by_app_user')),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisition.id'], name=op.f('fk_compensation_requisition_id_requisition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation')),
    sa.UniqueConstraint('requisition_id', name='uq_compensation_requisition')
    )
    with op.batch_alter_table('compensation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_status'), ['status'], unique=False)

    op.create_table('compensation_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compensation_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('rate', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.CheckConstraint("kind IN ('consumed','lost','use','damage')", name=op.f('ck_compensation_line_kind_known')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_compensation_line_amount_not_negative')),
    sa.ForeignKeyConstraint(['compensation_id'], ['compensation.id'], name=op.f('fk_compensation_line_compensation_id_compensation')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_compensation_line_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_line'))
    )
    with op.batch_alter_table('compensation_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_line_compensation_id'), ['compensation_id'], unique=False)

    op.create_table('requisition_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('daily_rate', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.CheckConstraint('daily_rate IS NULL OR daily_rate >= 0', name=op.f('ck_requisition_line_daily_rate_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_requisition_line_quantity_positive')),
    sa.CheckConstraint('unit_value >= 0', name=op.f('ck_requisition_line_unit_value_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_requisition_line_item_id_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_requisition_line_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisition.id'], name=op.f('fk_requisition_line_requisition_id_requisition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requisition_line')),
    sa.UniqueConstraint('requisition_id', 'item_id', name='uq_requisition_line_item')
    )
    with op.batch_alter_table('requisition_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requisition_line_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requisition_line_requisition_id'), ['requisition_id'], unique=False)

    op.create_table('requisition_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('damage', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("condition IN ('good','damaged','lost')", name=op.f('ck_requisition_return_condition_known')),
    sa.CheckConstraint('damage >= 0', name=op.f('ck_requisition_return_damage_not_negative')),
    sa.CheckConstraint('qty > 0', name=op.f('ck_requisition_return_qty_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_requisition_return_actor_id_app_user')),
    sa.ForeignKeyConstraint(['line_id'], ['requisition_line.id'], name=op.f('fk_requisition_return_line_id_requisition_line')),
    sa.ForeignKeyConstraint(['movement_id'], ['movement.id'], name=op.f('fk_requisition_return_movement_id_movement')),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisition.id'], name=op.f('fk_requisition_return_requisition_id_requisition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requisition_return'))
    )
    with op.batch_alter_table('requisition_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requisition_return_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requisition_return_requisition_id'), ['requisition_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('requisition_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requisition_return_requisition_id'))
        batch_op.drop_index(batch_op.f('ix_requisition_return_line_id'))

    op.drop_table('requisition_return')
    with op.batch_alter_table('requisition_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requisition_line_requisition_id'))
        batch_op.drop_index(batch_op.f('ix_requisition_line_lot_id'))

    op.drop_table('requisition_line')
    with op.batch_alter_table('compensation_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_line_compensation_id'))

    op.drop_table('compensation_line')
    with op.batch_alter_table('compensation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_status'))

    op.drop_table('compensation')
    with op.batch_alter_table('requisition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requisition_status'))
        batch_op.drop_index(batch_op.f('ix_requisition_point_id'))
        batch_op.drop_index(batch_op.f('ix_requisition_jurisdiction_code'))

    op.drop_table('requisition')
