"""equipment: items tracked by unit, their units, maintenance plans and unit events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:40:00

A tracked item's units are also counted by its lots (UNITS and UNITS-REPAIR at each point),
changed through the ledger with every unit change; see supplies.services.equipment.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite rebuilds no table for a column with a default.
    op.add_column("item", sa.Column("tracked", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "equipment_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("asset_no", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("make", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("last_serviced_on", sa.Date(), nullable=True),
        sa.Column("hours_used", sa.Float(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(point_id IS NOT NULL AND lot_id IS NOT NULL AND request_id IS NULL)"
            " OR (point_id IS NULL AND lot_id IS NULL AND request_id IS NOT NULL)",
            name=op.f("ck_equipment_unit_one_place"),
        ),
        sa.CheckConstraint(
            "status IN ('serviceable','needs_maintenance','under_repair','out_of_service')",
            name=op.f("ck_equipment_unit_status_known"),
        ),
        sa.CheckConstraint("hours_used >= 0", name=op.f("ck_equipment_unit_hours_not_negative")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_equipment_unit_item_id_item")),
        sa.ForeignKeyConstraint(
            ["point_id"], ["storage_point.id"], name=op.f("fk_equipment_unit_point_id_storage_point")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["stock_lot.id"], name=op.f("fk_equipment_unit_lot_id_stock_lot")),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["allocation.id"], name=op.f("fk_equipment_unit_allocation_id_allocation")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["dispatch_request.id"], name=op.f("fk_equipment_unit_request_id_dispatch_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment_unit")),
        sa.UniqueConstraint("asset_no", name=op.f("uq_equipment_unit_asset_no")),
        sa.UniqueConstraint("item_id", "serial", name="uq_equipment_unit_item_serial"),
    )
    op.create_index("ix_equipment_unit_point_item", "equipment_unit", ["point_id", "item_id"])
    op.create_index("ix_equipment_unit_lot_id", "equipment_unit", ["lot_id"])
    op.create_index("ix_equipment_unit_allocation_id", "equipment_unit", ["allocation_id"])
    op.create_index("ix_equipment_unit_serial", "equipment_unit", ["serial"])
    op.create_table(
        "maintenance_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("tasks", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("every_days > 0", name=op.f("ck_maintenance_plan_every_days_positive")),
        sa.CheckConstraint("grace_days >= 0", name=op.f("ck_maintenance_plan_grace_days_not_negative")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_maintenance_plan_item_id_item")),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"], name=op.f("fk_maintenance_plan_updated_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_plan")),
        sa.UniqueConstraint("item_id", name=op.f("uq_maintenance_plan_item_id")),
    )
    op.create_table(
        "unit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("status_after", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('received','service','overdue','status','dispatched','arrived','returned')",
            name=op.f("ck_unit_event_kind_known"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["equipment_unit.id"], name=op.f("fk_unit_event_unit_id_equipment_unit")),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"], name=op.f("fk_unit_event_actor_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_event")),
    )
    op.create_index("ix_unit_event_unit_id", "unit_event", ["unit_id"])


def downgrade() -> None:
    op.drop_table("unit_event")
    op.drop_table("maintenance_plan")
    op.drop_table("equipment_unit")
    with op.batch_alter_table("item") as batch:
        batch.drop_column("tracked")
