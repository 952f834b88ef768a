"""Giving requisitioned goods back to their owner (归还), good or damaged, or recording them lost."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import InvalidInput, RuleViolation
from ...i18n import t
from ...models import (
    Item,
    MovementKind,
    RequisitionCondition,
    RequisitionLine,
    RequisitionReturn,
    RequisitionStatus,
    StoragePoint,
)
from ...models.base import persisted_id, utcnow
from ...schemas import load
from ...terms import term
from ..base import Service, by_code, retried
from ..stock.ledger import lock_lots, post
from .access import ZERO, lines_by_item, locked, money, reference, require_return
from .results import (
    ReturnResult,
)
from .schemas import ReturnIn


class GivingBack(Service):
    """Returns to the owner."""

    @retried
    def record_return(
        self,
        id: int,
        items: Mapping[str, int] | Sequence[Any],
        condition: str,
        *,
        damage: Mapping[str, Any] | Sequence[Any] | None = None,
        note: str | None = None,
    ) -> builtins.list[ReturnResult]:
        """Give units of a requisition back to the owner (归还), in ``condition`` ``good`` or ``damaged``,
        or record them ``lost``.

        ``items`` maps item codes to units; they are taken from the requisition's lot at its point
        (its free units: never more than it holds). Good and damaged units leave the lot with a
        ``requisition_return`` line, lost ones are written off. ``damage`` maps item codes to the
        damage assessed in yuan (damaged units only; ``assess`` may set it later).
        """
        data = load(ReturnIn, dict(id=id, items=items, condition=condition, damage=damage, note=note))
        with self._work() as (s, actor):
            req = locked(s, actor, data["id"])
            p = s.get_one(StoragePoint, req.point_id)
            require_return(actor, p)
            if req.status != RequisitionStatus.OPEN:
                raise RuleViolation(t("requisition #{id} is closed: its compensation is assessed", id=req.id), "id")
            rid = persisted_id(req)
            lines = lines_by_item(s, rid)
            damages = {d["item"]: money(d["amount"]) for d in data.get("damage") or []}
            wanted: list[tuple[RequisitionLine, Item, int]] = []
            for i, entry in enumerate(data["items"]):
                item = by_code(s, Item, entry["item"], f"items.{i}.item")
                line = lines.get(persisted_id(item))
                if line is None:
                    raise InvalidInput(
                        t("{item} is not an item of requisition #{id}", item=item.code, id=rid), f"items.{i}.item"
                    )
                wanted.append((line, item, entry["quantity"]))
            lots = lock_lots(s, {ln.lot_id for ln, _, _ in wanted})
            for i, (line, item, qty) in enumerate(wanted):
                lot = lots[line.lot_id]
                if qty > lot.free:
                    raise RuleViolation(
                        t(
                            "requisition #{id} holds {free} {unit} of {item} at {point} (free to give back); "
                            "asked {qty}",
                            id=rid,
                            free=lot.free,
                            unit=item.unit,
                            item=item.code,
                            point=p.code,
                            qty=qty,
                        ),
                        f"items.{i}.quantity",
                    )
            condition = data["condition"]
            now = utcnow()
            out: list[ReturnResult] = []
            for line, item, qty in wanted:
                lot = lots[line.lot_id]
                if condition == RequisitionCondition.LOST:
                    kind, why = MovementKind.WRITE_OFF, t("lost while requisitioned")
                else:
                    kind, why = (
                        MovementKind.REQUISITION_RETURN,
                        t("returned to {owner} ({condition})", owner=req.owner, condition=term(condition)),
                    )
                if data.get("note"):
                    why = t("{text}; {note}", text=why, note=data["note"])
                m = post(
                    s,
                    lot,
                    kind,
                    qty=-qty,
                    actor_id=actor.id,
                    reference=reference(rid),
                    reason=str(why)[:500],
                    at=now,
                )
                s.flush()
                row = RequisitionReturn(
                    requisition_id=rid,
                    line_id=persisted_id(line),
                    qty=qty,
                    condition=condition,
                    damage=damages.get(item.code, ZERO),
                    movement_id=persisted_id(m),
                    actor_id=actor.id,
                    at=now,
                )
                s.add(row)
                s.flush()
                out.append(ReturnResult(persisted_id(row), item.code, qty, condition, row.damage, row.movement_id, now))
            return out
