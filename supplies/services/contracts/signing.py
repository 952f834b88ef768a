"""Signing a contract and renewing it: each line booked into a lot through the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ...errors import InvalidInput, RuleViolation
from ...i18n import t
from ...models import (
    Contract,
    ContractLine,
    ContractStatus,
    Item,
    MovementKind,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...permissions import Actor, require_jurisdiction, require_role
from ...schemas import load
from ..base import by_code, retried
from ..stock.commands import open_lot, refuse_tracked
from ..stock.ledger import find_lot, lock_lots, post
from .access import MANAGERS, ContractService, contract_point, current
from .results import (
    ContractResult,
    contract_results,
)
from .schemas import ContractIn, RenewIn


def reference(code: str) -> str:
    """The ledger reference of the lines a contract books (signing, renewal)."""
    return f"contract:{code}"


def batch_of(code: str, version: int) -> str:
    """The batch code of a contract version's lots: the contract code, ``CODE-vN`` from the second version."""
    return code if version == 1 else f"{code}-v{version}"


class Signing(ContractService):
    "Signing (``add``) and ``renew`` of :class:`~supplies.services.contracts.service.Contracts`."

    @retried
    def add(
        self,
        code: str,
        *,
        company: str,
        point: str,
        items: Mapping[str, int] | Sequence[Any],
        valid_from: date,
        valid_to: date,
        lead_time_hours: float,
        mode: str = "agreement",
        credit_code: str | None = None,
        contact: str | None = None,
    ) -> ContractResult:
        """Sign a contract with a company (协议签订): each item's contracted quantity is booked into a lot
        at ``point`` (an agreement warehouse or a factory) through the ledger.

        ``items`` maps item codes to quantities, or lists ``(item, quantity)`` or
        ``(item, quantity, unit_price)``. ``credit_code`` is checked against GB 32100-2015. A
        contract whose validity has already ended is refused.
        """
        data = load(
            ContractIn,
            dict(
                code=code,
                company=company,
                point=point,
                items=items,
                valid_from=valid_from,
                valid_to=valid_to,
                lead_time_hours=lead_time_hours,
                mode=mode,
                credit_code=credit_code,
                contact=contact,
            ),
        )
        if data["valid_to"] < self._today():
            raise InvalidInput(t("is before today ({today}): the contract has ended", today=self._today()), "valid_to")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("signing a contract"))
            p = by_code(s, StoragePoint, data["point"], "point")
            require_jurisdiction(actor, p.jurisdiction_code, what=t("storage point {code}", code=p.code), field="point")
            contract_point(p)
            if s.exec(select(Contract.id).where(Contract.code == data["code"])).first() is not None:
                raise InvalidInput(t("contract {code} exists already; renew it instead", code=data["code"]), "code")
            contract = Contract(
                code=data["code"],
                version=1,
                company=data["company"],
                credit_code=data.get("credit_code"),
                contact=data.get("contact"),
                point_id=persisted_id(p),
                jurisdiction_code=p.jurisdiction_code,
                mode=data["mode"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                lead_time_hours=data["lead_time_hours"],
                created_by=actor.id,
            )
            s.add(contract)
            s.flush()
            for i, line in enumerate(data["items"]):
                self._book_line(s, actor, contract, p, line, f"items.{i}.item")
            s.flush()
            return contract_results(s, [contract], self._today())[0]

    @retried
    def renew(
        self,
        code: str,
        *,
        valid_to: date,
        valid_from: date | None = None,
        lead_time_hours: float | None = None,
        items: Mapping[str, int] | Sequence[Any] | None = None,
    ) -> ContractResult:
        """Renew a contract (续签): a new version valid from ``valid_from`` (default: today, or the old start
        if later) to ``valid_to``; the old version stays in the history, marked renewed.

        What was left to call up moves to the new version through the ledger. ``items`` sets new
        contracted quantities (a larger one books the difference as signed, a smaller one takes
        the rest off the books; an item not in the old contract is added); items not named keep
        what was left. Units reserved by open call-ups stay with the old version until delivered.
        """
        data = load(
            RenewIn,
            dict(code=code, valid_to=valid_to, valid_from=valid_from, lead_time_hours=lead_time_hours, items=items),
        )
        today = self._today()
        if data["valid_to"] < today:
            raise InvalidInput(t("is before today ({today}): the contract has ended", today=today), "valid_to")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("renewing a contract"))
            old = current(s, actor, data["code"], lock=True)
            require_jurisdiction(actor, old.jurisdiction_code, what=t("contract {code}", code=old.code), field="code")
            start = data.get("valid_from") or max(today, old.valid_from)
            if data["valid_to"] < start:
                raise InvalidInput(t("is before valid_from ({start})", start=start), "valid_to")
            p = s.get_one(StoragePoint, old.point_id)
            contract_point(p)
            new = Contract(
                code=old.code,
                version=old.version + 1,
                previous_id=old.id,
                company=old.company,
                credit_code=old.credit_code,
                contact=old.contact,
                point_id=old.point_id,
                jurisdiction_code=old.jurisdiction_code,
                mode=old.mode,
                valid_from=start,
                valid_to=data["valid_to"],
                lead_time_hours=old.lead_time_hours if data.get("lead_time_hours") is None else data["lead_time_hours"],
                created_by=actor.id,
            )
            old.status = ContractStatus.RENEWED.value
            s.add(old)
            s.add(new)
            s.flush()
            wanted = {ln["item"]: ln for ln in data.get("items") or []}
            lines = list(s.exec(select(ContractLine).where(ContractLine.contract_id == old.id)).all())
            olds = lock_lots(s, {ln.lot_id for ln in lines})
            codes = dict(s.exec(select(Item.id, Item.code).where(col(Item.id).in_({ln.item_id for ln in lines}))).all())
            for ln in sorted(lines, key=lambda ln: ln.lot_id):
                lot = olds[ln.lot_id]
                item_code = codes[ln.item_id]
                given = wanted.pop(item_code, None)
                left = lot.free
                quantity = left if given is None else given["quantity"]
                moved = min(left, quantity)
                line = {
                    "item": item_code,
                    "quantity": quantity,
                    "unit_price": ln.unit_price
                    if given is None or given.get("unit_price") is None
                    else given["unit_price"],
                }
                new_line = self._book_line(s, actor, new, p, line, "items", moved_from=(lot, moved))
                if left > moved:  # a smaller renewal: the rest is no longer contracted
                    post(
                        s,
                        lot,
                        MovementKind.CONTRACT,
                        qty=-(left - moved),
                        actor_id=actor.id,
                        reference=reference(old.code),
                        reason=t("not renewed"),
                        related_lot_id=new_line.lot_id,
                    )
            for i, extra in enumerate(wanted.values()):
                self._book_line(s, actor, new, p, extra, f"items.{i}.item")
            s.flush()
            return contract_results(s, [new], self._today())[0]

    def _book_line(
        self,
        s: Session,
        actor: Actor,
        contract: Contract,
        point: StoragePoint,
        line: dict[str, Any],
        field: str,
        moved_from: tuple[StockLot, int] | None = None,
    ) -> ContractLine:
        """Open the version's lot of an item and book its quantity: ``moved_from`` (old lot, units) moves
        units left over from the version renewed, the rest is booked as signed."""
        item = by_code(s, Item, line["item"], field)
        refuse_tracked(item)  # a contract books quantities by number; equipment is booked unit by unit
        cls = s.get_one(SupplyClass, item.class_id)
        batch = batch_of(contract.code, contract.version)
        if find_lot(s, persisted_id(point), persisted_id(item), batch) is not None:
            raise RuleViolation(
                t(
                    "{point} already holds a lot of {item} with batch {batch!r}: give the contract another code",
                    point=point.code,
                    item=item.code,
                    batch=batch,
                ),
                "code",
            )
        lot = open_lot(
            s,
            point,
            persisted_id(item),
            cls,
            batch,
            mode=contract.mode,
            expires_on=contract.valid_to,
            lead_time_hours=contract.lead_time_hours,
            unit_cost=line.get("unit_price"),
            error=RuleViolation,
            where=point.code,
        )
        moved = 0
        if moved_from is not None and moved_from[1] > 0:
            old, moved = moved_from
            why = t("renewed as version {version}", version=contract.version)
            post(
                s,
                old,
                MovementKind.CONTRACT,
                qty=-moved,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=why,
                related_lot_id=lot.id,
            )
            post(
                s,
                lot,
                MovementKind.CONTRACT,
                qty=moved,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=why,
                related_lot_id=old.id,
            )
        signed = line["quantity"] - moved
        if signed > 0:
            post(
                s,
                lot,
                MovementKind.CONTRACT,
                qty=signed,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=t("signed with {company}", company=contract.company)[:500],
            )
        row = ContractLine(
            contract_id=persisted_id(contract),
            item_id=persisted_id(item),
            lot_id=persisted_id(lot),
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
        )
        s.add(row)
        s.flush()
        return row
