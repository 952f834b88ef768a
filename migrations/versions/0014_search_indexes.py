"""search indexes: trigram indexes for the web's search boxes on PostgreSQL (lot batch, ledger reference and reason)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 12:00:00

The lots and ledger search boxes match a term anywhere in a text (ILIKE '%term%'), which no
b-tree can serve: on a province that read all 200,000 lots and 2,000,000 movements per search.
On PostgreSQL these are GIN indexes over trigrams (the pg_trgm extension, shipped with
PostgreSQL itself and trusted: a database owner may create it), which serve such a match. On
SQLite they are plain indexes: narrower than the tables, so a search scans less.
"""

from __future__ import annotations

from alembic import op


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_stock_lot_batch_trgm",
        "stock_lot",
        ["batch"],
        postgresql_using="gin",
        postgresql_ops={"batch": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_movement_text_trgm",
        "movement",
        ["reference", "reason"],
        postgresql_using="gin",
        postgresql_ops={"reference": "gin_trgm_ops", "reason": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_movement_text_trgm", table_name="movement")
    op.drop_index("ix_stock_lot_batch_trgm", table_name="stock_lot")
    # The extension stays: something else in the database may use it.
