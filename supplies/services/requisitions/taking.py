"""Taking goods by requisition (征用): the order and its lots, booked through the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ...errors import InvalidInput, RuleViolation
from ...i18n import t
from ...models import (
    Item,
    MovementKind,
    PointStatus,
    Requisition,
    RequisitionLine,
    RequisitionStatus,
    ReserveMode,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...permissions import require_jurisdiction, require_role
from ...pii import normalise_id
from ...schemas import load
from ..base import Service, by_code, retried
from ..results import aware
from ..stock.commands import open_lot, refuse_tracked
from ..stock.ledger import find_lot, post
from .access import MANAGERS, batch_of, reference
from .results import (
    RequisitionResult,
)
from .schemas import RequisitionIn
from .summaries import requisition_results


class Taking(Service):
    """Recording requisition orders."""

    @retried
    def add(
        self,
        *,
        owner: str,
        authority: str,
        basis: str,
        point: str,
        items: Mapping[str, Any] | Sequence[Any],
        owner_id: str | None = None,
        owner_kind: str = "person",
        started_at: datetime | None = None,
    ) -> RequisitionResult:
        """Record a requisition order (征用) and book its goods into lots at ``point`` through the ledger.

        ``items`` lists ``(item, quantity, unit_value)`` or ``(item, quantity, unit_value, daily_rate)``
        (or dicts with those keys); the daily rate is for equipment paid by the day. ``owner_kind``
        is ``person`` (``owner_id``: an ID number, kept masked only) or ``company`` (``owner_id``: a
        unified social credit code). ``started_at`` defaults to now.
        """
        data = load(
            RequisitionIn,
            dict(
                owner=owner,
                owner_kind=owner_kind,
                owner_id=owner_id,
                authority=authority,
                basis=basis,
                point=point,
                items=items,
                started_at=started_at,
            ),
        )
        start = aware(data.get("started_at")) or datetime.now(UTC)
        if start > datetime.now(UTC) + timedelta(minutes=5):
            raise InvalidInput(t("is in the future"), "started_at")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("recording a requisition"))
            p = by_code(s, StoragePoint, data["point"], "point")
            require_jurisdiction(actor, p.jurisdiction_code, what=t("storage point {code}", code=p.code), field="point")
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            req = Requisition(
                authority=data["authority"],
                basis=data["basis"],
                owner=data["owner"],
                owner_kind=data["owner_kind"],
                point_id=persisted_id(p),
                jurisdiction_code=p.jurisdiction_code,
                status=RequisitionStatus.OPEN.value,
                started_at=start,
                created_by=actor.id,
                **_owner_id(data["owner_kind"], data.get("owner_id")),
            )
            s.add(req)
            s.flush()
            rid = persisted_id(req)
            for i, line in enumerate(data["items"]):
                field = f"items.{i}.item"
                item = by_code(s, Item, line["item"], field)
                refuse_tracked(item)
                cls = s.get_one(SupplyClass, item.class_id)
                if find_lot(s, persisted_id(p), persisted_id(item), batch_of(rid)) is not None:
                    raise RuleViolation(
                        t("{point} already holds a lot with batch {batch!r}", point=p.code, batch=batch_of(rid)), field
                    )
                lot = open_lot(
                    s,
                    p,
                    persisted_id(item),
                    cls,
                    batch_of(rid),
                    mode=ReserveMode.REQUISITION.value,
                    expires_on=None,
                    lead_time_hours=0.0,
                    unit_cost=line["unit_value"],
                    error=RuleViolation,
                    where=p.code,
                )
                post(
                    s,
                    lot,
                    MovementKind.REQUISITION_IN,
                    qty=line["quantity"],
                    actor_id=actor.id,
                    reference=reference(rid),
                    reason=t("requisitioned from {owner}", owner=req.owner)[:500],
                )
                s.add(
                    RequisitionLine(
                        requisition_id=rid,
                        item_id=persisted_id(item),
                        lot_id=persisted_id(lot),
                        quantity=line["quantity"],
                        unit_value=line["unit_value"],
                        daily_rate=line.get("daily_rate"),
                    )
                )
            s.flush()
            return requisition_results(s, [req])[0]


def _owner_id(kind: str, value: str | None) -> dict[str, Any]:
    if value is None:
        return {}
    if kind == "company":
        return {"owner_credit_code": value.strip().upper()}
    norm = normalise_id(value)
    return {"owner_id_first4": norm[:4], "owner_id_last4": norm[-4:], "owner_id_length": len(norm)}
