"""Donations of goods (社会捐赠): ``inv.donors`` and ``inv.donations``.

How donations sit on the core's invariants:

* **Goods only.** Money is out of scope: a donation is a quantity of an item.
* **Triaged on arrival**, as PAHO's SUMA sorts unsolicited goods: ``urgent`` (usable and needed
  now) and ``later`` (usable, not needed now) enter stock; ``unusable`` (or unknown: expired,
  spoiled, unlabelled medicine ...) needs a reason, is recorded with its quantity and marked
  disposed of, and never becomes stock.
* **Booked through the ledger.** Goods that enter stock are a ``receive`` ledger line referenced
  ``donation:<id>`` into a lot of mode donation at the receiving point, batch = the given batch,
  else the certificate number (捐赠票据号), else ``DON-<id>``; the lot belongs, as every lot, to the
  responsible agency of the item's class there (the one-agency rule). A receipt may top up a lot
  of the same batch only when it holds the same donor's goods under the same restriction.
  ``supplies verify`` holds: no quantity moves any other way.
* **Restrictions (定向捐赠).** A donor may restrict a donation to one incident, one region (and
  everything below it in the region tree) or one purpose. A purpose is an incident type (flood,
  earthquake ...): the goods serve only requests answering an incident of that type. The
  restriction lives beside the lot (``donation_lot``) and the candidate query of allocation reads
  it with the lot, so ``earliest`` and ``optimal`` both honour it with no extra query per lot:
  a restricted lot serves only requests of its incident, whose destination's region is in its
  region, or whose incident is of its type (:meth:`~supplies.allocation.model.Candidate.allows`).
  Readiness, which asks "can we?" about no incident, counts unrestricted stock only. A transfer
  carries the restriction to the lot at the destination. Issue, write-off and distribution to
  households are a warehouse's manual acts and are not checked against it.
* **Items not in the catalog** are received under the class ``TO-CLASSIFY`` (待分类), which an
  admin files like any class, with its responsible agency; ``classify`` later moves such an item
  into a real class: in place when it holds no stock, else through the ledger into an item of
  that class (a transfer pair referenced ``classify:<item>`` at each lot, keeping batch, expiry,
  donor and restriction), since a lot's class and agency never change under it.
* **Disclosure (捐赠公示).** Per donor (anonymous donors merged as 匿名) and item: received (the
  receipts), allocated (allocation rows on donated lots), distributed (dispatch, distribution and
  issue lines on them) and remaining (on hand). Filtered by incident (receipts and stock restricted
  to it, allocations and dispatches for its requests) and period (flows within it; remaining at its
  end). A donor's contact is never shown; a person's name only as the donor agreed (anonymous).

Warehouse staff of the point, admins of its jurisdiction and the owning agency receive (as for
any receipt); admins, dispatchers and warehouse staff register donors and pledges.
"""

from __future__ import annotations

import builtins
import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...config import local_day_start, local_time, local_today
from ...db import select_columns
from ...errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ...i18n import t
from ...limits import MAX_ID
from ...models import (
    Allocation,
    AllocationStatus,
    DispatchRequest,
    Donation,
    DonationLot,
    DonationPledge,
    Donor,
    Incident,
    Item,
    Movement,
    MovementKind,
    PointStatus,
    RequestLine,
    ReserveMode,
    Role,
    StockLot,
    StoragePoint,
    SupplyClass,
    Triage,
)
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, can_write_item, require_role, require_stock_change, scoped, scoped_points
from ...permissions import scoped_to_jurisdiction as in_jurisdiction
from ...schemas import Code, bounded, load
from ...terms import term
from ..base import Service, by_code, retried
from ..places.regions import responsible_agency_id
from ..reports.output import ITEM_COLS, Col, Report
from ..results import aware
from ..stock.commands import check_expiry, open_lot, refuse_tracked
from ..stock.ledger import lock_lots, post
from .results import DonationResult, DonorResult, PledgeResult
from .schemas import ClassifyIn, DonationIn, DonorIn, ListIn, PledgeIn

REGISTRARS = (Role.ADMIN.value, Role.DISPATCHER.value, Role.WAREHOUSE.value)
TO_CLASSIFY = "TO-CLASSIFY"
ANONYMOUS = "匿名"
# The ledger lines that take donated goods to the people they are for.
_DISTRIBUTED = (MovementKind.DISPATCH.value, MovementKind.DISTRIBUTION.value, MovementKind.ISSUE.value)


def reference(donation_id: int) -> str:
    """The ledger reference of a donation's receipt."""
    return f"donation:{donation_id}"


def classify_reference(item: str) -> str:
    """The ledger reference of the lines that move an item's stock when it is classified."""
    return f"classify:{item}"


def shown_as(donor: Donor) -> str:
    """The name the public sees: the donor's, or 匿名 when the donor asked to stay anonymous."""
    return ANONYMOUS if donor.anonymous else donor.name


class Donors(Service):
    """The people, companies and organisations that give goods: ``inv.donors``."""

    @retried
    def add(
        self, code: str, name: str, *, kind: str = "person", anonymous: bool = False, contact: str | None = None
    ) -> DonorResult:
        """Register a donor (捐赠人). ``anonymous`` donors appear as 匿名 in the disclosure and on
        public papers; ``contact`` (optional) is kept for the letter and never disclosed."""
        data = load(DonorIn, dict(code=code, name=name, kind=kind, anonymous=anonymous, contact=contact))
        with self._work() as (s, actor):
            require_role(actor, *REGISTRARS, action=t("registering a donor"))
            if s.exec(select(Donor.id).where(Donor.code == data["code"])).first() is not None:
                raise InvalidInput(t("donor {code} exists already", code=data["code"]), "code")
            donor = Donor(**data, jurisdiction_code=actor.jurisdiction, created_by=actor.id)
            s.add(donor)
            s.flush()
            return _donor(donor)

    def list(self) -> list[DonorResult]:
        """The donors registered in the user's jurisdiction and below, by code."""
        with self._work(write=False) as (s, actor):
            q = in_jurisdiction(select(Donor), actor, col(Donor.jurisdiction_code)).order_by(col(Donor.code))
            return [_donor(d) for d in s.exec(q)]

    def get(self, code: str) -> DonorResult:
        code = bounded(Code(), code, "code")
        with self._work(write=False) as (s, _):
            return _donor(by_code(s, Donor, code, "code"))


class Donations(Service):
    """Receipts of donated goods, pledges, the acknowledgement letter and the disclosure: ``inv.donations``."""

    @retried
    def receive(
        self,
        donor: str,
        point: str,
        item: str,
        qty: int,
        *,
        batch: str | None = None,
        expires_on: date | None = None,
        certificate: str | None = None,
        triage: str = "urgent",
        reason: str | None = None,
        incident: int | None = None,
        region: str | None = None,
        purpose: str | None = None,
        pledge: int | None = None,
        new_item_name: str | None = None,
        unit: str | None = None,
    ) -> DonationResult:
        """Receive donated goods at ``point`` (捐赠接收), triaged ``urgent``, ``later`` or ``unusable``.

        Usable goods go into a donation lot through the ledger; unusable (or unknown) ones need a
        ``reason`` and are recorded as disposed of, with no stock. At most one restriction:
        ``incident`` (id), ``region`` (GB/T 2260 code, its sub-regions included) or ``purpose`` (an
        incident type). ``pledge`` names the pledge the goods fulfil. An item code not in the
        catalog is added under the class TO-CLASSIFY when ``new_item_name`` and ``unit`` are given.
        """
        data = load(
            DonationIn,
            dict(
                donor=donor,
                point=point,
                item=item,
                qty=qty,
                batch=batch,
                expires_on=expires_on,
                certificate=certificate,
                triage=triage,
                reason=reason,
                incident=incident,
                region=region,
                purpose=purpose,
                pledge=pledge,
                new_item_name=new_item_name,
                unit=unit,
            ),
        )
        usable = data["triage"] != Triage.UNUSABLE
        if usable:
            check_expiry(data.get("expires_on"), "expires_on", historical=False)
        with self._work() as (s, actor):
            giver = by_code(s, Donor, data["donor"], "donor")
            p = by_code(s, StoragePoint, data["point"], "point")
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            it = _item_or_new(s, actor, data)
            cls = s.get_one(SupplyClass, it.class_id)
            owner_id = responsible_agency_id(s, cls, p.jurisdiction_code)
            require_stock_change(
                actor, point_id=persisted_id(p), agency_id=owner_id, action="receive", jurisdiction=p.jurisdiction_code
            )
            if data.get("incident") is not None and s.get(Incident, data["incident"]) is None:
                raise NotFound(t("no incident with id {id}", id=data["incident"]), "incident")
            if data.get("pledge") is not None:
                _check_pledge(s, data["pledge"], giver, it)
            now = utcnow()
            row = Donation(
                donor_id=persisted_id(giver),
                pledge_id=data.get("pledge"),
                point_id=persisted_id(p),
                item_id=persisted_id(it),
                jurisdiction_code=p.jurisdiction_code,
                quantity=data["qty"],
                triage=data["triage"],
                reason=data.get("reason"),
                certificate=data.get("certificate"),
                incident_id=data.get("incident"),
                region_code=data.get("region"),
                purpose=data.get("purpose"),
                disposed_at=None if usable else now,
                received_at=now,
                created_by=actor.id,
            )
            s.add(row)
            s.flush()
            rid = persisted_id(row)
            if usable:
                lot_batch = data.get("batch") or data.get("certificate") or f"DON-{rid}"
                lot = open_lot(
                    s,
                    p,
                    persisted_id(it),
                    cls,
                    lot_batch,
                    mode=ReserveMode.DONATION.value,
                    expires_on=data.get("expires_on"),
                    lead_time_hours=0.0,
                    unit_cost=None,
                    expiry_given=data.get("expires_on") is not None,
                    fields=("batch", "expires_on"),
                )
                _restrict(s, lot, row, p.code)
                post(
                    s,
                    lot,
                    MovementKind.RECEIVE,
                    qty=data["qty"],
                    actor_id=actor.id,
                    reference=reference(rid),
                    reason=t("donated by {donor} ({triage})", donor=shown_as(giver), triage=term(data["triage"]))[:500],
                    at=now,
                )
                row.lot_id = persisted_id(lot)
                s.add(row)
            s.flush()
            return _results(s, [row])[0]

    @retried
    def pledge(
        self, donor: str, item: str, qty: int, *, due: date | None = None, note: str | None = None
    ) -> PledgeResult:
        """Record a donor's pledge (认捐) of ``qty`` units of ``item``, due by ``due``; receipts that name
        it fulfil it."""
        data = load(PledgeIn, dict(donor=donor, item=item, qty=qty, due=due, note=note))
        with self._work() as (s, actor):
            require_role(actor, *REGISTRARS, action=t("recording a pledge"))
            giver = by_code(s, Donor, data["donor"], "donor")
            it = by_code(s, Item, data["item"], "item")
            row = DonationPledge(
                donor_id=persisted_id(giver),
                item_id=persisted_id(it),
                quantity=data["qty"],
                due=data.get("due"),
                note=data.get("note"),
                jurisdiction_code=actor.jurisdiction,
                created_by=actor.id,
            )
            s.add(row)
            s.flush()
            return _pledge_results(s, [row])[0]

    def pledges(self, *, donor: str | None = None, open_only: bool = False) -> builtins.list[PledgeResult]:
        """Pledges with what has been received of each (fulfilment), oldest first; ``open_only``: those
        not yet received in full."""
        with self._work(write=False) as (s, actor):
            q = in_jurisdiction(select(DonationPledge), actor, col(DonationPledge.jurisdiction_code))
            if donor is not None:
                q = q.where(DonationPledge.donor_id == by_code(s, Donor, bounded(Code(), donor, "donor"), "donor").id)
            rows = _pledge_results(s, list(s.exec(q.order_by(col(DonationPledge.id)))))
            return [r for r in rows if r.outstanding > 0] if open_only else rows

    def list(
        self,
        *,
        donor: str | None = None,
        incident: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> builtins.list[DonationResult]:
        """Receipts at the points the user reads, newest last: all, or one donor's, those restricted
        to one incident, those received in a period (days, both included)."""
        data = load(ListIn, dict(donor=donor, incident=incident, since=since, until=until))
        with self._work(write=False) as (s, actor):
            q = scoped_points(select(Donation), actor, col(Donation.point_id), col(Donation.jurisdiction_code))
            if data.get("donor"):
                q = q.where(Donation.donor_id == by_code(s, Donor, data["donor"], "donor").id)
            if data.get("incident") is not None:
                q = q.where(Donation.incident_id == data["incident"])
            if data.get("since"):
                q = q.where(col(Donation.received_at) >= local_day_start(data["since"]))
            if data.get("until"):
                q = q.where(col(Donation.received_at) < local_day_start(data["until"] + timedelta(days=1)))
            return _results(s, list(s.exec(q.order_by(col(Donation.id)))))

    def get(self, id: int) -> DonationResult:
        """One receipt (as if there were none when the user may not read it)."""
        with self._work(write=False) as (s, actor):
            # An id beyond the column's range is none there (PostgreSQL would refuse to look it up).
            ok = isinstance(id, int) and not isinstance(id, bool) and 1 <= id <= MAX_ID
            row = s.get(Donation, id) if ok else None
            if row is not None:
                seen = scoped_points(
                    select(Donation.id).where(Donation.id == row.id),
                    actor,
                    col(Donation.point_id),
                    col(Donation.jurisdiction_code),
                )
                row = row if s.exec(seen).first() is not None else None
            if row is None:
                raise NotFound(t("no donation with id {id}", id=id), "donation")
            return _results(s, [row])[0]

    def letter(self, id: int) -> str:
        """The acknowledgement letter (捐赠感谢信) of a receipt, as plain text to print."""
        return printed_letter(self.get(id))

    @retried
    def classify(self, item: str, supply_class: str, *, as_item: str | None = None) -> Item:
        """Move an item received under TO-CLASSIFY into the real class ``supply_class``.

        Without stock the item itself moves. With stock (a lot's class and agency never change under
        it) the stock moves through the ledger into item ``as_item`` of that class (created, copying
        name, unit and specification, when the code is new): a transfer pair at each lot, referenced
        ``classify:<item>``, keeping batch, expiry, donor and restriction. Refused while any of it is
        reserved.
        """
        data = load(ClassifyIn, dict(item=item, supply_class=supply_class, as_item=as_item))
        with self._work() as (s, actor):
            it = by_code(s, Item, data["item"], "item")
            here = s.get_one(SupplyClass, it.class_id)
            if here.code != TO_CLASSIFY:
                raise RuleViolation(
                    t(
                        "item {item} is in class {cls}, not {to_classify}",
                        item=it.code,
                        cls=here.code,
                        to_classify=TO_CLASSIFY,
                    ),
                    "item",
                )
            target = by_code(s, SupplyClass, data["supply_class"], "supply_class")
            if target.code == TO_CLASSIFY:
                raise InvalidInput(t("must be a real class, not {code}", code=TO_CLASSIFY), "supply_class")
            for c in (here, target):
                if not can_write_item(actor, c.agency_id):
                    raise PermissionDenied(
                        t("{name} may not change items of class {code}", name=actor.name, code=c.code), "user"
                    )
            held = s.exec(select_columns(StockLot.id, StockLot.on_hand).where(StockLot.item_id == it.id)).all()
            if not held:  # never had stock: the item itself moves
                if data.get("as_item") not in (None, it.code):
                    raise InvalidInput(t("is only for an item that has had stock; this one moves as it is"), "as_item")
                it.class_id = persisted_id(target)
                s.add(it)
                s.flush()
                return it
            lot_ids = {int(lot_id) for lot_id, on_hand in held if on_hand > 0}
            if not data.get("as_item") or data["as_item"] == it.code:
                raise InvalidInput(
                    t(
                        "item {item} has had stock: name the item of class {cls} to move its stock into",
                        item=it.code,
                        cls=target.code,
                    ),
                    "as_item",
                )
            into = s.exec(select(Item).where(Item.code == data["as_item"])).one_or_none()
            if into is None:
                into = Item(
                    code=data["as_item"],
                    name=it.name,
                    name_en=it.name_en,
                    class_id=persisted_id(target),
                    unit=it.unit,
                    spec=it.spec,
                    shelf_life_days=it.shelf_life_days,
                    unit_weight_kg=it.unit_weight_kg,
                    unit_volume_m3=it.unit_volume_m3,
                )
                s.add(into)
                s.flush()
            elif into.class_id != target.id:
                raise RuleViolation(t("item {item} is not of class {cls}", item=into.code, cls=target.code), "as_item")
            elif into.unit != it.unit:
                raise RuleViolation(
                    t("item {item} is counted in {unit}, not {other}", item=into.code, unit=into.unit, other=it.unit),
                    "as_item",
                )
            lots = lock_lots(s, lot_ids)
            restrictions = {
                r.lot_id: r for r in s.exec(select(DonationLot).where(col(DonationLot.lot_id).in_(lot_ids)))
            }
            points = {
                persisted_id(p): p
                for p in s.exec(
                    select(StoragePoint).where(col(StoragePoint.id).in_({lot.point_id for lot in lots.values()}))
                )
            }
            why = t("classified as {item} ({cls})", item=into.code, cls=target.code)
            for lot in sorted(lots.values(), key=lambda x: persisted_id(x)):
                if lot.reserved:
                    raise RuleViolation(
                        t(
                            "{units} units of {item} are reserved at {point}: dispatch or release them first",
                            units=lot.reserved,
                            item=it.code,
                            point=points[lot.point_id].code,
                        ),
                        "item",
                    )
                p = points[lot.point_id]
                require_stock_change(
                    actor,
                    point_id=lot.point_id,
                    agency_id=lot.agency_id,
                    action="transfer",
                    jurisdiction=p.jurisdiction_code,
                )
                dest = open_lot(
                    s,
                    p,
                    persisted_id(into),
                    target,
                    lot.batch,
                    mode=lot.mode,
                    expires_on=lot.expires_on,
                    lead_time_hours=lot.lead_time_hours,
                    unit_cost=lot.unit_cost,
                    fields=("as_item", "as_item"),
                    error=RuleViolation,
                    where=p.code,
                )
                old = restrictions.get(persisted_id(lot))
                if old is not None:
                    carry_restriction(s, old, dest, p.code, field="as_item")
                qty = lot.on_hand
                ref = classify_reference(it.code)
                post(
                    s,
                    lot,
                    MovementKind.TRANSFER_OUT,
                    qty=-qty,
                    actor_id=actor.id,
                    reference=ref,
                    reason=why,
                    related_lot_id=dest.id,
                )
                post(
                    s,
                    dest,
                    MovementKind.TRANSFER_IN,
                    qty=qty,
                    actor_id=actor.id,
                    reference=ref,
                    reason=why,
                    related_lot_id=lot.id,
                )
            s.flush()
            return into

    def disclosure(
        self, *, incident: int | None = None, since: date | None = None, until: date | None = None
    ) -> Report:
        """The public disclosure of donations (捐赠公示): per donor (anonymous ones as 匿名) and item,
        received, allocated, distributed and remaining, for an incident and a period (see the module)."""
        data = load(ListIn, dict(incident=incident, since=since, until=until))
        with self._work(write=False) as (s, actor):
            rows = _disclosure(s, actor, data.get("incident"), data.get("since"), data.get("until"))
        return Report(
            "donations",
            "Donations received and used (public disclosure)",
            "捐赠物资接收使用公示",
            _DISCLOSURE_COLUMNS,
            rows,
            params={"incident": data.get("incident"), "since": data.get("since"), "until": data.get("until")},
            sheet_by=None,
            summary_by=("donor",),
        )


_DISCLOSURE_COLUMNS = (
    Col("donor", "donor", "捐赠人"),
    Col("donor_kind", "donor_kind", "捐赠人类别"),
    *ITEM_COLS,
    Col("received", "received", "接收数量", True),
    Col("allocated", "allocated", "已调拨分配", True),
    Col("distributed", "distributed", "已发放", True),
    Col("remaining", "remaining", "结余", True),
)


def printed_letter(d: DonationResult) -> str:
    """The acknowledgement letter (捐赠感谢信) as plain text: no contact details, the donor's name as registered."""
    lines = [
        t("Acknowledgement of donation (捐赠感谢信)"),
        "",
        t("Dear {donor},", donor=d.donor_name),
        "",
        t(
            "We gratefully acknowledge your donation of {qty} {unit} of {item} ({code}), received at {point} on {day}.",
            qty=d.quantity,
            unit=d.unit,
            item=d.item_name,
            code=d.item,
            point=d.point_name,
            day=f"{local_time(d.received_at):%Y-%m-%d}",  # the department's day, not the UTC date
        ),
        t("Donation receipt certificate No. {certificate} (捐赠票据号).", certificate=d.certificate),
    ]
    if d.incident_id is not None:
        lines.append(t("As you asked, it will be used for incident #{id} only.", id=d.incident_id))
    elif d.region_code is not None:
        lines.append(t("As you asked, it will be used in region {code} only.", code=d.region_code))
    elif d.purpose is not None:
        lines.append(t("As you asked, it will be used for {purpose} relief only.", purpose=term(d.purpose)))
    if not d.in_stock:
        lines.append(t("The goods could not be used ({reason}) and were disposed of.", reason=d.reason or ""))
    lines += ["", t("With our thanks,"), d.point_name]
    return "\n".join(str(x) for x in lines)


def letter_html(d: DonationResult) -> str:
    """The acknowledgement letter as a page to print: the plain text's lines, escaped."""
    body = "".join(f"<p>{html.escape(line)}</p>" if line else "<br>" for line in printed_letter(d).splitlines())
    title = html.escape(t("Acknowledgement of donation (捐赠感谢信)"))
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>body{{font-family:serif;max-width:40em;margin:3em auto;line-height:1.8}}</style></head>"
        f'<body class="donation-letter">{body}</body></html>'
    )


# -- helpers ---------------------------------------------------------------------------------------


def _donor(d: Donor) -> DonorResult:
    return DonorResult(d.code, d.name, d.kind, d.anonymous, d.contact, shown_as(d))


def _item_or_new(s: Session, actor: Actor, data: dict[str, Any]) -> Item:
    """The item received, or a new one under TO-CLASSIFY when the code is not in the catalog and a name is given."""
    found = s.exec(select(Item).where(Item.code == data["item"])).one_or_none()
    if found is not None or not data.get("new_item_name"):
        it = found if found is not None else by_code(s, Item, data["item"], "item")
        refuse_tracked(it)  # equipment tracked by unit is received with supplies unit receive
        return it
    holder = s.exec(select(SupplyClass).where(SupplyClass.code == TO_CLASSIFY)).one_or_none()
    if holder is None:
        raise RuleViolation(
            t(
                "there is no class {code} for goods not in the catalog: an admin adds it, held by the agency that sorts donations",
                code=TO_CLASSIFY,
            ),
            "item",
        )
    if not can_write_item(actor, holder.agency_id):
        raise PermissionDenied(t("{name} may not add items to the catalog", name=actor.name), "item")
    item = Item(code=data["item"], name=data["new_item_name"], class_id=persisted_id(holder), unit=data["unit"])
    s.add(item)
    s.flush()
    return item


def _check_pledge(s: Session, pledge_id: int, giver: Donor, item: Item) -> None:
    pledge = s.get(DonationPledge, pledge_id)
    if pledge is None:
        raise NotFound(t("no pledge with id {id}", id=pledge_id), "pledge")
    if pledge.donor_id != giver.id or pledge.item_id != item.id:
        raise RuleViolation(
            t("pledge #{id} is of another donor or item", id=pledge_id),
            "pledge",
        )


def _restrict(s: Session, lot: StockLot, row: Donation, where: str) -> None:
    """Record the donor and restriction of a new donation lot; a lot topped up must hold the same."""
    want = DonationLot(
        lot_id=persisted_id(lot),
        donor_id=row.donor_id,
        incident_id=row.incident_id,
        region_code=row.region_code,
        purpose=row.purpose,
    )
    have = s.get(DonationLot, persisted_id(lot))
    if have is None:
        if lot.on_hand or s.exec(select(Movement.id).where(Movement.lot_id == lot.id).limit(1)).first() is not None:
            raise RuleViolation(
                t(
                    "{point} already holds a lot with batch {batch!r} that is not this donor's: give another batch",
                    point=where,
                    batch=lot.batch,
                ),
                "batch",
            )
        s.add(want)
        s.flush()
        return
    carry_restriction(s, want, lot, where, field="batch", exists=have)


def carry_restriction(
    s: Session, source: DonationLot, lot: StockLot, where: str, *, field: str, exists: DonationLot | None = None
) -> None:
    """Give ``lot`` the donor and restriction ``source`` holds (a transfer's or classification's
    destination, a receipt's lot), refused when the lot holds another donor's or another restriction."""
    have = exists if exists is not None else s.get(DonationLot, persisted_id(lot))
    key = (source.donor_id, source.incident_id, source.region_code, source.purpose)
    if have is None:
        s.add(
            DonationLot(
                lot_id=persisted_id(lot),
                donor_id=source.donor_id,
                incident_id=source.incident_id,
                region_code=source.region_code,
                purpose=source.purpose,
            )
        )
        s.flush()
    elif (have.donor_id, have.incident_id, have.region_code, have.purpose) != key:
        raise RuleViolation(
            t(
                "the lot with batch {batch!r} at {point} holds another donor's goods or another restriction: give another batch",
                batch=lot.batch,
                point=where,
            ),
            field,
        )


def _results(s: Session, rows: Sequence[Donation]) -> list[DonationResult]:
    if not rows:
        return []
    donors = {persisted_id(d): d for d in s.exec(select(Donor).where(col(Donor.id).in_({r.donor_id for r in rows})))}
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({r.item_id for r in rows}))
        )
    }
    points = {
        r[0]: r[1:]
        for r in s.exec(
            select(StoragePoint.id, StoragePoint.code, StoragePoint.name).where(
                col(StoragePoint.id).in_({r.point_id for r in rows})
            )
        )
    }
    lot_ids = {r.lot_id for r in rows if r.lot_id is not None}
    batches = (
        dict(s.exec(select(StockLot.id, StockLot.batch).where(col(StockLot.id).in_(lot_ids))).all()) if lot_ids else {}
    )
    out = []
    for r in rows:
        d = donors[r.donor_id]
        out.append(
            DonationResult(
                persisted_id(r),
                d.code,
                d.name,
                shown_as(d),
                points[r.point_id][0],
                points[r.point_id][1],
                items[r.item_id][0],
                items[r.item_id][1],
                items[r.item_id][2],
                r.quantity,
                r.triage,
                r.reason,
                r.certificate or f"DON-{r.id}",
                batches.get(r.lot_id) if r.lot_id is not None else None,
                r.lot_id,
                r.incident_id,
                r.region_code,
                r.purpose,
                r.pledge_id,
                aware(r.received_at),
                aware(r.disposed_at),
            )
        )
    return out


def _pledge_results(s: Session, rows: Sequence[DonationPledge]) -> list[PledgeResult]:
    if not rows:
        return []
    ids = [persisted_id(r) for r in rows]
    received = dict(
        s.exec(
            select(Donation.pledge_id, func.sum(Donation.quantity))
            .where(col(Donation.pledge_id).in_(ids), Donation.triage != Triage.UNUSABLE.value)
            .group_by(col(Donation.pledge_id))
        ).all()
    )
    donors = {
        r[0]: r[1:]
        for r in s.exec(select(Donor.id, Donor.code, Donor.name).where(col(Donor.id).in_({r.donor_id for r in rows})))
    }
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({r.item_id for r in rows}))
        )
    }
    today = local_today()
    out = []
    for r in rows:
        got = int(received.get(r.id) or 0)
        out.append(
            PledgeResult(
                persisted_id(r),
                donors[r.donor_id][0],
                donors[r.donor_id][1],
                items[r.item_id][0],
                items[r.item_id][1],
                items[r.item_id][2],
                r.quantity,
                got,
                r.due,
                "fulfilled" if got >= r.quantity else "open",
                r.note,
                r.due is not None and r.due < today and got < r.quantity,
            )
        )
    return out


def _disclosure(
    s: Session, actor: Actor, incident: int | None, since: date | None, until: date | None
) -> list[dict[str, Any]]:
    """The disclosure's rows, in a handful of set-based queries (see the module for what each column counts)."""
    lots_q = scoped(
        select_columns(
            DonationLot.lot_id, DonationLot.donor_id, DonationLot.incident_id, StockLot.item_id, StockLot.on_hand
        ).join(StockLot, col(StockLot.id) == DonationLot.lot_id),
        actor,
        StockLot.point_id,
        StockLot.agency_id,
    )
    lots = {lot_id: (donor_id, only, item_id, on_hand) for lot_id, donor_id, only, item_id, on_hand in s.exec(lots_q)}
    if not lots:
        return []
    start = local_day_start(since) if since else None
    end = local_day_start(until + timedelta(days=1)) if until else None
    requests: set[str] | None = None
    if incident is not None:
        rids = s.exec(select(DispatchRequest.id).where(DispatchRequest.incident_id == incident)).all()
        requests = {f"request:{rid}" for rid in rids}
    ids = sorted(lots)
    mq = select(Movement.lot_id, Movement.kind, Movement.reference, func.sum(Movement.qty)).where(
        col(Movement.lot_id).in_(ids)
    )
    if start is not None:
        mq = mq.where(col(Movement.at) >= start)
    if end is not None:
        mq = mq.where(col(Movement.at) < end)
    flows = s.exec(mq.group_by(col(Movement.lot_id), col(Movement.kind), col(Movement.reference))).all()
    later: dict[int, int] = {}
    if end is not None:  # remaining at the period's end: on hand less what moved since
        later = {
            lot_id: int(q or 0)
            for lot_id, q in s.exec(
                select(Movement.lot_id, func.sum(Movement.qty))
                .where(col(Movement.lot_id).in_(ids), col(Movement.at) >= end)
                .group_by(col(Movement.lot_id))
            ).all()
        }
    aq = (
        select(Allocation.lot_id, RequestLine.request_id, func.sum(Allocation.quantity))
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .where(col(Allocation.lot_id).in_(ids), Allocation.status != AllocationStatus.RELEASED.value)
    )
    if start is not None:
        aq = aq.where(col(Allocation.created_at) >= start)
    if end is not None:
        aq = aq.where(col(Allocation.created_at) < end)
    allocations = s.exec(aq.group_by(col(Allocation.lot_id), col(RequestLine.request_id))).all()

    acc: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("received", "allocated", "distributed", "remaining"), 0)
    )
    seen: set[int] = set()
    for lot_id, kind, ref, qty in flows:
        ours = incident is None or lots[lot_id][1] == incident
        q = int(qty or 0)
        if kind == MovementKind.RECEIVE and (ref or "").startswith("donation:") and ours:
            acc[lot_id]["received"] += q
        elif (ref or "").startswith("classify:") and ours:
            acc[lot_id]["received"] += q  # an item classified: its stock counts under the real item
        elif kind in _DISTRIBUTED and (ours if requests is None or kind != MovementKind.DISPATCH else ref in requests):
            acc[lot_id]["distributed"] -= q
        else:
            continue
        seen.add(lot_id)
    for lot_id, rid, qty in allocations:
        if requests is None or f"request:{rid}" in requests:
            acc[lot_id]["allocated"] += int(qty or 0)
            seen.add(lot_id)
    for lot_id, (_donor_id, only, _item, on_hand) in lots.items():
        if incident is None or only == incident:
            acc[lot_id]["remaining"] = on_hand - later.get(lot_id, 0)
            if acc[lot_id]["remaining"] or incident is not None:
                seen.add(lot_id)
    if not seen:
        return []
    donor_rows = {
        persisted_id(d): d for d in s.exec(select(Donor).where(col(Donor.id).in_({lots[i][0] for i in seen})))
    }
    item_rows = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({lots[i][2] for i in seen}))
        )
    }
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for lot_id in sorted(seen):
        donor_id, _only, item_id, _ = lots[lot_id]
        d = donor_rows[donor_id]
        who = shown_as(d)
        kind = "" if d.anonymous else d.kind
        code, name, unit = item_rows[item_id]
        row = grouped.setdefault(
            (who, kind, code),
            {"donor": who, "donor_kind": kind, "item": code, "item_name": name, "unit": unit}
            | dict.fromkeys(("received", "allocated", "distributed", "remaining"), 0),
        )
        for k, v in acc[lot_id].items():
            row[k] += v
    rows = [r for r in grouped.values() if any(r[k] for k in ("received", "allocated", "distributed", "remaining"))]
    return sorted(rows, key=lambda r: (r["donor"] == ANONYMOUS, r["donor"], r["item"]))


__all__ = [
    "ANONYMOUS",
    "TO_CLASSIFY",
    "DonationLot",
    "DonationResult",
    "Donations",
    "DonorResult",
    "Donors",
    "PledgeResult",
    "carry_restriction",
    "letter_html",
    "printed_letter",
    "reference",
]
