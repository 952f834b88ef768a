"""hardening: bounded 64-bit quantities, a hash chain over each lot's ledger, stricter ledger triggers,
codes unique without regard to case

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from supplies.limits import MAX_BALANCE, MAX_MOVEMENT_QTY
from supplies.services.stock.ledger import movement_hash

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_FOLDED = (("agency", "code"), ("supply_class", "code"), ("item", "code"), ("storage_point", "code"),
           ("app_user", "name"))
_LOTS_PER_STEP = 2000


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _refuse_what_the_new_rules_refuse(bind)
    _drop_ledger_triggers(sqlite)
    with op.batch_alter_table('stock_lot', recreate='always' if sqlite else 'auto') as b:
        b.add_column(sa.Column('ledger_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                               server_default=''))
        if not sqlite:
            b.alter_column('on_hand', type_=sa.BigInteger(), existing_nullable=False)
            b.alter_column('reserved', type_=sa.BigInteger(), existing_nullable=False)
        b.create_check_constraint('on_hand_bounded', f'on_hand <= {MAX_BALANCE}')
    with op.batch_alter_table('movement', recreate='always' if sqlite else 'auto') as b:
        b.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                               server_default=''))
        if not sqlite:
            b.alter_column('balance_after', type_=sa.BigInteger(), existing_nullable=False)
        b.create_check_constraint('qty_bounded', f'qty >= -{MAX_MOVEMENT_QTY} AND qty <= {MAX_MOVEMENT_QTY}')
        b.create_check_constraint('reserved_delta_bounded',
                                  f'reserved_delta >= -{MAX_MOVEMENT_QTY} AND reserved_delta <= {MAX_MOVEMENT_QTY}')
    with op.batch_alter_table('reserve_target', recreate='always' if sqlite else 'auto') as b:
        if not sqlite:
            b.alter_column('quantity', type_=sa.BigInteger(), existing_nullable=False)
        b.create_check_constraint('quantity_bounded', f'quantity <= {MAX_BALANCE}')
    for table, column in _FOLDED:
        op.create_index(f'uq_{table}_{column}_nocase', table, [sa.text(f'lower({column})')], unique=True)
    _chain_existing_ledger(bind)
    _create_ledger_triggers(sqlite)


def _refuse_what_the_new_rules_refuse(bind: sa.engine.Connection) -> None:
    """Stop with a clear message, changing nothing, when existing data breaks a rule this revision adds."""
    problems = []
    for table, column in _FOLDED:
        for folded, n in bind.execute(sa.text(
                f'SELECT lower({column}), count(*) FROM {table} GROUP BY lower({column}) HAVING count(*) > 1')):
            problems.append(f'{n} rows of {table} have the {column} {folded!r} in different letter cases; '
                            'rename all but one')
    for lot_id, on_hand in bind.execute(sa.text(
            f'SELECT id, on_hand FROM stock_lot WHERE on_hand > {MAX_BALANCE} ORDER BY id')):
        problems.append(f'lot {lot_id} holds {on_hand:,} units, more than {MAX_BALANCE:,}: count it again '
                        '(supplies stock count) with the release you have')
    if problems:
        raise RuntimeError('cannot upgrade to revision 0002 until this is corrected:\n  ' + '\n  '.join(problems))


def _chain_existing_ledger(bind: sa.engine.Connection) -> None:
    """Hash every lot's existing movements in order and keep the last hash on the lot."""
    top = bind.execute(sa.text('SELECT max(id) FROM stock_lot')).scalar() or 0
    for start in range(0, top + 1, _LOTS_PER_STEP):
        rows = bind.execute(sa.text(
            'SELECT id, lot_id, kind, qty, reserved_delta, balance_after, at, actor_id, agency_id, point_id, '
            'item_id, reference, reason, related_lot_id FROM movement WHERE lot_id >= :a AND lot_id < :b '
            'ORDER BY lot_id, id'), {'a': start, 'b': start + _LOTS_PER_STEP}).all()
        hashes, heads = [], {}
        for r in rows:
            digest = movement_hash(heads.get(r[1], ''), *r[1:])
            heads[r[1]] = digest
            hashes.append({'h': digest, 'i': r[0]})
        if hashes:
            bind.execute(sa.text('UPDATE movement SET hash = :h WHERE id = :i'), hashes)
            bind.execute(sa.text('UPDATE stock_lot SET ledger_hash = :h WHERE id = :i'),
                         [{'h': h, 'i': lot_id} for lot_id, h in heads.items()])


def _drop_ledger_triggers(sqlite: bool) -> None:
    if sqlite:
        op.execute('DROP TRIGGER IF EXISTS movement_no_update')
        op.execute('DROP TRIGGER IF EXISTS movement_no_delete')
    else:
        op.execute('DROP TRIGGER IF EXISTS movement_append_only ON movement')


def _create_ledger_triggers(sqlite: bool) -> None:
    """The ledger is append-only: no change, no delete, no replacing a row by its id, no TRUNCATE."""
    message = 'the ledger is append-only: movements cannot be changed, replaced or deleted'
    if sqlite:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER movement_no_{event.lower()} BEFORE {event} ON movement
                BEGIN SELECT RAISE(ABORT, '{message}'); END
            """)
        # INSERT OR REPLACE deletes the old row without firing delete triggers: refuse a used id.
        op.execute(f"""
            CREATE TRIGGER movement_no_replace BEFORE INSERT ON movement
            WHEN EXISTS (SELECT 1 FROM movement WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, '{message}'); END
        """)
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION movement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{message}'; END $$
    """)
    op.execute("""
        CREATE TRIGGER movement_append_only BEFORE UPDATE OR DELETE ON movement
        FOR EACH ROW EXECUTE FUNCTION movement_append_only()
    """)
    # Row triggers do not fire for TRUNCATE (nor for TRUNCATE stock_lot CASCADE): a statement trigger does.
    op.execute("""
        CREATE TRIGGER movement_no_truncate BEFORE TRUNCATE ON movement
        FOR EACH STATEMENT EXECUTE FUNCTION movement_append_only()
    """)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute('DROP TRIGGER IF EXISTS movement_no_replace')
    else:
        op.execute('DROP TRIGGER IF EXISTS movement_no_truncate ON movement')
    _drop_ledger_triggers(sqlite)
    for table, column in _FOLDED:
        op.drop_index(f'uq_{table}_{column}_nocase', table)
    with op.batch_alter_table('reserve_target', recreate='always' if sqlite else 'auto') as b:
        b.drop_constraint('ck_reserve_target_quantity_bounded', type_='check')
        if not sqlite:
            b.alter_column('quantity', type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table('movement', recreate='always' if sqlite else 'auto') as b:
        b.drop_constraint('ck_movement_reserved_delta_bounded', type_='check')
        b.drop_constraint('ck_movement_qty_bounded', type_='check')
        b.drop_column('hash')
        if not sqlite:
            b.alter_column('balance_after', type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table('stock_lot', recreate='always' if sqlite else 'auto') as b:
        b.drop_constraint('ck_stock_lot_on_hand_bounded', type_='check')
        b.drop_column('ledger_hash')
        if not sqlite:
            b.alter_column('on_hand', type_=sa.Integer(), existing_nullable=False)
            b.alter_column('reserved', type_=sa.Integer(), existing_nullable=False)
    if sqlite:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER movement_no_{event.lower()} BEFORE {event} ON movement
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: movements cannot be changed or deleted'); END
            """)
    else:
        op.execute("""
            CREATE TRIGGER movement_append_only BEFORE UPDATE OR DELETE ON movement
            FOR EACH ROW EXECUTE FUNCTION movement_append_only()
        """)
