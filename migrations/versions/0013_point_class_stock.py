"""point class stock: each supply class's lots at each storage point counted and summed, kept at each commit

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00

A derived table the map's points layer reads instead of summing every lot (a province's 200,000);
filled here from the lots, then kept by supplies.services.stock.point_totals in the transaction
that changes them, and checked by `supplies verify`.
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "point_class_stock",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reserved", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_point_class_stock_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["class_id"], ["supply_class.id"], name=op.f("fk_point_class_stock_class_id_supply_class")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["storage_point.id"], name=op.f("fk_point_class_stock_point_id_storage_point")
        ),
        sa.PrimaryKeyConstraint("point_id", "class_id", name=op.f("pk_point_class_stock")),
    )
    op.create_index(op.f("ix_point_class_stock_agency_id"), "point_class_stock", ["agency_id"], unique=False)
    op.execute(
        "INSERT INTO point_class_stock (point_id, class_id, agency_id, lots, on_hand, reserved)"
        " SELECT point_id, class_id, min(agency_id), count(*), sum(on_hand), sum(reserved)"
        " FROM stock_lot GROUP BY point_id, class_id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_point_class_stock_agency_id"), table_name="point_class_stock")
    op.drop_table("point_class_stock")
