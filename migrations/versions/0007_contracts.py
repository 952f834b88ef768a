"""contracts: agreement and capacity reserves (协议储备) held by contract, their lines and call-up orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:04:49

A contract line's quantity is held by a stock lot (batch = the contract code) booked through the
ledger; these tables add the contract's terms, its versions (renewals) and its call-up orders.
0006 is another branch's: the chain is set right when the branches meet.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'contract',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('previous_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=False),
        sa.Column('credit_code', sa.String(length=18), nullable=True),
        sa.Column('contact', sa.String(length=200), nullable=True),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=False),
        sa.Column('lead_time_hours', sa.Float(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('agreement','capacity')", name=op.f('ck_contract_mode_known')),
        sa.CheckConstraint("status IN ('active','renewed')", name=op.f('ck_contract_status_known')),
        sa.CheckConstraint('lead_time_hours >= 0', name=op.f('ck_contract_lead_time_not_negative')),
        sa.CheckConstraint('valid_from <= valid_to', name=op.f('ck_contract_validity_ordered')),
        sa.CheckConstraint('version >= 1', name=op.f('ck_contract_version_positive')),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_contract_created_by_app_user')),
        sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'], name=op.f('fk_contract_jurisdiction_code_region')),
        sa.ForeignKeyConstraint(['point_id'], ['storage_point.id'], name=op.f('fk_contract_point_id_storage_point')),
        sa.ForeignKeyConstraint(['previous_id'], ['contract.id'], name=op.f('fk_contract_previous_id_contract')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
        sa.UniqueConstraint('code', 'version', name='uq_contract_code_version')
    )
    op.create_index(op.f('ix_contract_code'), 'contract', ['code'])
    op.create_index(op.f('ix_contract_jurisdiction_code'), 'contract', ['jurisdiction_code'])
    op.create_index(op.f('ix_contract_point_id'), 'contract', ['point_id'])
    op.create_index('ix_contract_valid_to', 'contract', ['valid_to'])
    op.create_table(
        'contract_call_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('deadline', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('short', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint('short >= 0', name=op.f('ck_contract_call_up_short_not_negative')),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_call_up_contract_id_contract')),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_contract_call_up_created_by_app_user')),
        sa.ForeignKeyConstraint(['request_id'], ['dispatch_request.id'], name=op.f('fk_contract_call_up_request_id_dispatch_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_call_up'))
    )
    op.create_index(op.f('ix_contract_call_up_contract_id'), 'contract_call_up', ['contract_id'])
    op.create_index(op.f('ix_contract_call_up_request_id'), 'contract_call_up', ['request_id'])
    op.create_table(
        'contract_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.CheckConstraint('quantity >= 0', name=op.f('ck_contract_line_quantity_not_negative')),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_line_contract_id_contract')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_contract_line_item_id_item')),
        sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_contract_line_lot_id_stock_lot')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_line')),
        sa.UniqueConstraint('contract_id', 'item_id', name='uq_contract_line_item')
    )
    op.create_index(op.f('ix_contract_line_contract_id'), 'contract_line', ['contract_id'])
    op.create_index(op.f('ix_contract_line_lot_id'), 'contract_line', ['lot_id'])
    op.create_table(
        'contract_call_up_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_up_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('allocation_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('delivered', sa.Integer(), nullable=True),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_contract_call_up_line_quantity_positive')),
        sa.ForeignKeyConstraint(['allocation_id'], ['allocation.id'], name=op.f('fk_contract_call_up_line_allocation_id_allocation')),
        sa.ForeignKeyConstraint(['call_up_id'], ['contract_call_up.id'], name=op.f('fk_contract_call_up_line_call_up_id_contract_call_up')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_contract_call_up_line_item_id_item')),
        sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_contract_call_up_line_lot_id_stock_lot')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_call_up_line'))
    )
    op.create_index(op.f('ix_contract_call_up_line_call_up_id'), 'contract_call_up_line', ['call_up_id'])
    op.create_index(op.f('ix_contract_call_up_line_lot_id'), 'contract_call_up_line', ['lot_id'])


def downgrade() -> None:
    op.drop_table('contract_call_up_line')
    op.drop_table('contract_line')
    op.drop_table('contract_call_up')
    op.drop_table('contract')
