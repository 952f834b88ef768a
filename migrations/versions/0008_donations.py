"""donations: donors, pledges, receipts of donated goods (社会捐赠) with their triage, and donated lots' restrictions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:00:04

A receipt that enters stock is a ``receive`` ledger line into a lot of mode donation; these tables
add the donor, the certificate, the triage and the restriction (incident, region or purpose)
that allocation honours.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('donor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('person','company','organisation')", name=op.f('ck_donor_kind_known')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_donor_created_by_app_user')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'], name=op.f('fk_donor_jurisdiction_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor')),
    sa.UniqueConstraint('code', name=op.f('uq_donor_code'))
    )
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donor_jurisdiction_code'), ['jurisdiction_code'], unique=False)

    op.create_table('donation_pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_donation_pledge_status_known')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_donation_pledge_quantity_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_donation_pledge_created_by_app_user')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donation_pledge_donor_id_donor')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_donation_pledge_item_id_item')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'], name=op.f('fk_donation_pledge_jurisdiction_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_pledge'))
    )
    with op.batch_alter_table('donation_pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_pledge_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_pledge_jurisdiction_code'), ['jurisdiction_code'], unique=False)

    op.create_table('donation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('triage', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('certificate', sa.String(length=60), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('purpose', sa.String(length=30), nullable=True),
    sa.Column('disposed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("triage <> 'unusable' OR lot_id IS NULL", name=op.f('ck_donation_unusable_not_stock')),
    sa.CheckConstraint("triage IN ('urgent','later','unusable')", name=op.f('ck_donation_triage_known')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_donation_quantity_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_donation_created_by_app_user')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donation_donor_id_donor')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_donation_incident_id_incident')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_donation_item_id_item')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['region.code'], name=op.f('fk_donation_jurisdiction_code_region')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_donation_lot_id_stock_lot')),
    sa.ForeignKeyConstraint(['pledge_id'], ['donation_pledge.id'], name=op.f('fk_donation_pledge_id_donation_pledge')),
    sa.ForeignKeyConstraint(['point_id'], ['storage_point.id'], name=op.f('fk_donation_point_id_storage_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation'))
    )
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_jurisdiction_code'), ['jurisdiction_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_pledge_id'), ['pledge_id'], unique=False)
        batch_op.create_index('ix_donation_received_at', ['received_at'], unique=False)

    op.create_table('donation_lot',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('purpose', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donation_lot_donor_id_donor')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_donation_lot_incident_id_incident')),
    sa.ForeignKeyConstraint(['lot_id'], ['stock_lot.id'], name=op.f('fk_donation_lot_lot_id_stock_lot')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_donation_lot'))
    )
    with op.batch_alter_table('donation_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_lot_donor_id'), ['donor_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('donation_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_lot_donor_id'))

    op.drop_table('donation_lot')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_index('ix_donation_received_at')
        batch_op.drop_index(batch_op.f('ix_donation_pledge_id'))
        batch_op.drop_index(batch_op.f('ix_donation_lot_id'))
        batch_op.drop_index(batch_op.f('ix_donation_jurisdiction_code'))
        batch_op.drop_index(batch_op.f('ix_donation_incident_id'))
        batch_op.drop_index(batch_op.f('ix_donation_donor_id'))

    op.drop_table('donation')
    with op.batch_alter_table('donation_pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_pledge_jurisdiction_code'))
        batch_op.drop_index(batch_op.f('ix_donation_pledge_donor_id'))

    op.drop_table('donation_pledge')
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donor_jurisdiction_code'))

    op.drop_table('donor')
