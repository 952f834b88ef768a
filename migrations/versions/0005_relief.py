"""relief: households per incident, entitlements (发放标准) and distributions (发放) to households

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00

Households keep no ID number: only its keyed hash, first and last four characters and length.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'household',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('head', sa.String(length=100), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.Column('under_5', sa.Integer(), nullable=False),
        sa.Column('age_60_plus', sa.Integer(), nullable=False),
        sa.Column('village', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('id_hash', sa.String(length=64), nullable=True),
        sa.Column('id_first4', sa.String(length=4), nullable=True),
        sa.Column('id_last4', sa.String(length=4), nullable=True),
        sa.Column('id_length', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint('members >= 1', name=op.f('ck_household_members_positive')),
        sa.CheckConstraint('under_5 >= 0 AND age_60_plus >= 0', name=op.f('ck_household_age_groups_not_negative')),
        sa.CheckConstraint('under_5 + age_60_plus <= members', name=op.f('ck_household_age_groups_within_members')),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_household_incident_id_incident')),
        sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'],
                                name=op.f('fk_household_jurisdiction_code_region')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
        sa.UniqueConstraint('incident_id', 'number', name='uq_household_incident_number'),
    )
    op.create_index('ix_household_incident_id_hash', 'household', ['incident_id', 'id_hash'])
    op.create_index(op.f('ix_household_jurisdiction_code'), 'household', ['jurisdiction_code'])
    op.create_table(
        'entitlement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=True),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('basis', sa.String(length=10), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('max_members', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=True),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint('quantity >= 0', name=op.f('ck_entitlement_quantity_not_negative')),
        sa.CheckConstraint("basis IN ('person','household')", name=op.f('ck_entitlement_basis_known')),
        sa.CheckConstraint('max_members IS NULL OR max_members >= 1',
                           name=op.f('ck_entitlement_max_members_positive')),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_entitlement_incident_id_incident')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_entitlement_item_id_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement')),
        sa.UniqueConstraint('incident_id', 'item_id', name='uq_entitlement_incident_item'),
    )
    op.create_index(op.f('ix_entitlement_incident_id'), 'entitlement', ['incident_id'])
    op.create_index(op.f('ix_entitlement_item_id'), 'entitlement', ['item_id'])
    op.create_table(
        'distribution',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('collector', sa.String(length=100), nullable=True),
        sa.Column('override_reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_distribution_actor_id_app_user')),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_distribution_household_id_household')),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_distribution_incident_id_incident')),
        sa.ForeignKeyConstraint(['point_id'], ['storage_point.id'], name=op.f('fk_distribution_point_id_storage_point')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution')),
    )
    op.create_index('ix_distribution_household_id', 'distribution', ['household_id'])
    op.create_index(op.f('ix_distribution_incident_id'), 'distribution', ['incident_id'])
    op.create_index(op.f('ix_distribution_point_id'), 'distribution', ['point_id'])
    op.create_table(
        'distribution_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('distribution_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.Column('movement_id', sa.Integer(), nullable=False),
        sa.Column('qty', sa.Integer(), nullable=False),
        sa.Column('over', sa.Boolean(), nullable=False),
        sa.CheckConstraint('qty > 0', name=op.f('ck_distribution_line_qty_positive')),
        sa.ForeignKeyConstraint(['distribution_id'], ['distribution.id'],
                                name=op.f('fk_distribution_line_distribution_id_distribution')),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_distribution_line_household_id_household')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_distribution_line_item_id_item')),
        sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_distribution_line_lot_id_stock_lot')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_line')),
    )
    op.create_index(op.f('ix_distribution_line_distribution_id'), 'distribution_line', ['distribution_id'])
    op.create_index('ix_distribution_line_household_item', 'distribution_line', ['household_id', 'item_id'])


def downgrade() -> None:
    op.drop_table('distribution_line')
    op.drop_table('distribution')
    op.drop_table('entitlement')
    op.drop_table('household')
