"""returns: reusable items, and returns (回收) of lent equipment with the lots they came back into

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:00:00

What is out on loan is not stored: it is what was lent (distribution lines, dispatched
allocations) less what came back (loan_return_line), computed when asked.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite rebuilds no table for a column with a default.
    op.add_column("item", sa.Column("reusable", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "loan_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=12), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(household_id IS NULL) <> (request_id IS NULL)", name=op.f("ck_loan_return_household_xor_request")
        ),
        sa.CheckConstraint("qty > 0", name=op.f("ck_loan_return_qty_positive")),
        sa.CheckConstraint("condition IN ('good','repair','unusable')", name=op.f("ck_loan_return_condition_known")),
        sa.CheckConstraint(
            "condition <> 'unusable' OR reason IS NOT NULL", name=op.f("ck_loan_return_unusable_has_reason")
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["app_user.id"], name=op.f("fk_loan_return_actor_id_app_user")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_loan_return_household_id_household")),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_loan_return_incident_id_incident")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_loan_return_item_id_item")),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["region.code"], name=op.f("fk_loan_return_jurisdiction_code_region")
        ),
        sa.ForeignKeyConstraint(["point_id"], ["storage_point.id"], name=op.f("fk_loan_return_point_id_storage_point")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["dispatch_request.id"], name=op.f("fk_loan_return_request_id_dispatch_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_return")),
    )
    op.create_index("ix_loan_return_household_item", "loan_return", ["household_id", "item_id"])
    op.create_index("ix_loan_return_request_item", "loan_return", ["request_id", "item_id"])
    op.create_index(op.f("ix_loan_return_incident_id"), "loan_return", ["incident_id"])
    op.create_index(op.f("ix_loan_return_jurisdiction_code"), "loan_return", ["jurisdiction_code"])
    op.create_index(op.f("ix_loan_return_point_id"), "loan_return", ["point_id"])
    op.create_table(
        "loan_return_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("source_lot_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("movement_id", sa.Integer(), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.CheckConstraint("qty > 0", name=op.f("ck_loan_return_line_qty_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["stock_lot.id"], name=op.f("fk_loan_return_line_lot_id_stock_lot")),
        sa.ForeignKeyConstraint(
            ["return_id"], ["loan_return.id"], name=op.f("fk_loan_return_line_return_id_loan_return")
        ),
        sa.ForeignKeyConstraint(
            ["source_lot_id"], ["stock_lot.id"], name=op.f("fk_loan_return_line_source_lot_id_stock_lot")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_return_line")),
    )
    op.create_index(op.f("ix_loan_return_line_return_id"), "loan_return_line", ["return_id"])
    op.create_index(op.f("ix_loan_return_line_source_lot_id"), "loan_return_line", ["source_lot_id"])


def downgrade() -> None:
    op.drop_table("loan_return_line")
    op.drop_table("loan_return")
    with op.batch_alter_table("item") as batch:
        batch.drop_column("reusable")
