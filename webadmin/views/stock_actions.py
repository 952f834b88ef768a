"""The stock actions: receive, issue, transfer, count, rotate and write off, each a form that calls inv.stock.

Each action writes its ledger lines through the core in one transaction: one line for a
receipt, an issue, a count adjustment or a write-off; a transfer and a rotation write a pair
(the line out of one lot and the line into the other). Issue, transfer and write-off without a
batch take the earliest-expiring lots first, one line per lot they draw from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

import supplies
from supplies.errors import SuppliesError
from supplies.limits import MAX_ID
from supplies.models import Item, PointStatus, Role, StoragePoint, SupplyClass
from supplies.permissions import scoped_points

from .. import labels
from ..auth import acting
from ..validators import Range
from .base import SecureForm, SecureView, flash_form_errors, show_error
from .rows import session
from .stock import STOCK_WRITERS, LotRow, scope_stock


def _point() -> SelectField:
    return SelectField(_l("Storage point"), choices=[], validate_choice=False, validators=[DataRequired()])


def _item() -> SelectField:
    return SelectField(_l("Item"), choices=[], validate_choice=False, validators=[DataRequired()])


def _batch(description: Any = None) -> StringField:
    return StringField(_l("Batch"), validators=[Optional(), Length(max=60)], description=description)


_NUMBER_PAD = {"inputmode": "numeric", "autocomplete": "off"}  # a phone shows its number keys


def _qty(label: Any = None) -> IntegerField:
    return IntegerField(label or _l("Quantity"), validators=[InputRequired(), Range(min=1)], render_kw=_NUMBER_PAD)


def _reference() -> StringField:
    return StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=100)],
        description=_l("Delivery note, requisition, donation or request number."),
    )


def _reason(required: bool = False) -> StringField:
    return StringField(_l("Reason"), validators=[DataRequired() if required else Optional(), Length(max=500)])


_FEFO = _l("Leave empty to take the earliest-expiring stock first.")


class ReceiveForm(SecureForm):
    lot = HiddenField()
    point = _point()
    item = _item()
    qty = _qty()
    batch = _batch(_l("Receipts with the same batch add to one lot."))
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    mode = SelectField(
        _l("Reserve mode"),
        choices=labels.select_choices(
            {k: v for k, v in labels.RESERVE_MODES.items() if k not in ("repair", "requisition")}
        ),
        default="physical",
    )
    lead_time_hours = FloatField(
        _l("Lead time (hours)"),
        default=0.0,
        validators=[Optional(), Range(min=0)],
        description=_l("For agreement and capacity reserves: hours until the supplier delivers."),
    )
    unit_cost = DecimalField(_l("Unit cost"), places=2, validators=[Optional(), Range(min=0)])
    historical = BooleanField(
        _l("Historical record"), description=_l("Stock received in the past: allows an expiry date before today.")
    )
    reference = _reference()
    reason = _reason()


class IssueForm(SecureForm):
    lot = HiddenField()
    point = _point()
    item = _item()
    batch = _batch(_FEFO)
    qty = _qty()
    reference = _reference()
    reason = _reason()


class TransferForm(SecureForm):
    lot = HiddenField()
    point = _point()
    to_point = SelectField(_l("To storage point"), choices=[], validate_choice=False, validators=[DataRequired()])
    item = _item()
    batch = _batch(_FEFO)
    qty = _qty()
    to_batch = StringField(
        _l("Batch at the destination"),
        validators=[Optional(), Length(max=60)],
        description=_l("Only when the destination holds this batch code with another expiry or reserve mode."),
    )
    reference = _reference()
    reason = _reason()


class AdjustForm(SecureForm):
    lot = HiddenField()
    point = _point()
    item = _item()
    batch = _batch(_l("The batch counted (empty for stock without a batch)."))
    counted = IntegerField(_l("Counted quantity"), validators=[InputRequired(), Range(min=0)], render_kw=_NUMBER_PAD)
    reason = _reason()
    reference = _reference()


class RotateForm(SecureForm):
    lot = HiddenField()
    point = _point()
    item = _item()
    batch = _batch(_l("The batch going out."))
    qty = _qty()
    new_batch = StringField(_l("New batch"), validators=[DataRequired(), Length(max=60)])
    new_expires_on = DateField(_l("New batch expires on"), validators=[Optional()])
    reason = _reason()
    reference = _reference()


class WriteOffForm(SecureForm):
    lot = HiddenField()
    point = _point()
    item = _item()
    batch = _batch(_FEFO)
    qty = _qty()
    reason = _reason(required=True)
    reference = _reference()


def _text(value: Any) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else value
    return value or None


def _receive(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.receive(
        d["point"],
        d["item"],
        d["qty"],
        batch=d["batch"] or "",
        expires_on=d["expires_on"],
        mode=d["mode"],
        lead_time_hours=d["lead_time_hours"] or 0.0,
        unit_cost=d["unit_cost"],
        reference=_text(d["reference"]),
        reason=_text(d["reason"]),
        historical=bool(d.get("historical")),
    )


def _issue(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.issue(
        d["point"], d["item"], d["qty"], batch=d["batch"], reference=_text(d["reference"]), reason=_text(d["reason"])
    )


def _transfer(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.transfer(
        d["point"],
        d["to_point"],
        d["item"],
        d["qty"],
        batch=d["batch"],
        to_batch=_text(d.get("to_batch")),
        reference=_text(d["reference"]),
        reason=_text(d["reason"]),
    )


def _adjust(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.adjust(
        d["point"],
        d["item"],
        d["counted"],
        batch=d["batch"] or "",
        reason=_text(d["reason"]),
        reference=_text(d["reference"]),
    )


def _rotate(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.rotate(
        d["point"],
        d["item"],
        d["qty"],
        batch=d["batch"] or "",
        new_batch=(d["new_batch"] or "").strip(),
        new_expires_on=d["new_expires_on"],
        reason=_text(d["reason"]),
        reference=_text(d["reference"]),
    )


def _write_off(inv: supplies.Inventory, d: dict[str, Any]) -> Any:
    return inv.stock.write_off(
        d["point"],
        d["item"],
        d["qty"],
        reason=(d["reason"] or "").strip(),
        batch=d["batch"],
        reference=_text(d["reference"]),
    )


@dataclass(frozen=True)
class StockAction:
    name: str
    title: Any
    icon: str
    form: type[SecureForm]
    run: Callable[[supplies.Inventory, dict[str, Any]], Any]
    help: Any
    #: A blank batch means "the lot without a batch" (not "earliest expiry first").
    exact_batch: bool


ACTIONS = [
    StockAction(
        "receive",
        _l("Receive"),
        "fa-sign-in",
        ReceiveForm,
        _receive,
        _l("Stock arriving at a storage point (入库). Writes one ledger line."),
        True,
    ),
    StockAction(
        "issue",
        _l("Issue"),
        "fa-sign-out",
        IssueForm,
        _issue,
        _l("Stock leaving a storage point (出库). Writes one ledger line per lot it draws from."),
        False,
    ),
    StockAction(
        "transfer",
        _l("Transfer"),
        "fa-exchange",
        TransferForm,
        _transfer,
        _l(
            "Stock moved to another storage point. Writes a pair of ledger lines: out of this lot "
            "and into the lot at the destination."
        ),
        False,
    ),
    StockAction(
        "adjust",
        _l("Count"),
        "fa-calculator",
        AdjustForm,
        _adjust,
        _l(
            "A stock count (盘点): the lot's on-hand becomes the counted quantity. Writes one ledger "
            "line with the difference."
        ),
        True,
    ),
    StockAction(
        "rotate",
        _l("Rotate"),
        "fa-refresh",
        RotateForm,
        _rotate,
        _l(
            "Stock near expiry replaced by a fresh batch (轮换). Writes a pair of ledger lines: out of "
            "the old batch and into the new one."
        ),
        True,
    ),
    StockAction(
        "write_off",
        _l("Write off"),
        "fa-trash",
        WriteOffForm,
        _write_off,
        _l(
            "Spoiled, damaged or lost stock (报废); a reason is required. Writes one ledger line per lot it draws from."
        ),
        False,
    ),
]

_ERROR_FIELDS = {"user": "point", "agency": "item", "supply_class": "item", "lot": "batch"}


class StockActionsView(SecureView):
    """The six forms that change stock. Each calls one core service as the logged-in user."""

    roles = STOCK_WRITERS

    @expose("/")
    def index(self) -> Any:
        return redirect(url_for(".receive"))

    @expose("/receive", methods=("GET", "POST"))
    def receive(self) -> Any:
        return self._handle(ACTIONS[0])

    @expose("/issue", methods=("GET", "POST"))
    def issue(self) -> Any:
        return self._handle(ACTIONS[1])

    @expose("/transfer", methods=("GET", "POST"))
    def transfer(self) -> Any:
        return self._handle(ACTIONS[2])

    @expose("/count", methods=("GET", "POST"))
    def adjust(self) -> Any:
        return self._handle(ACTIONS[3])

    @expose("/rotate", methods=("GET", "POST"))
    def rotate(self) -> Any:
        return self._handle(ACTIONS[4])

    @expose("/write-off", methods=("GET", "POST"))
    def write_off(self) -> Any:
        return self._handle(ACTIONS[5])

    # -------------------------------------------------------------------------------------------
    def _handle(self, act: StockAction) -> Any:
        form = act.form()
        form.point.choices = _point_choices()
        form.item.choices = _item_choices()
        if hasattr(form, "to_point"):
            form.to_point.choices = _all_active_points()
        lot = _lot(request.values.get("lot"))
        if request.method == "GET":
            _prefill(form, lot)
        if lot is not None:
            for name in ("point", "item", "batch"):
                form[name].render_kw = {"readonly": True} if name == "batch" else {"disabled": True}
        if form.is_submitted():
            if lot is not None:  # the lot's identity is fixed: disabled fields are not posted
                form.point.data, form.item.data, form.batch.data = lot.point, lot.item, lot.batch
            if form.validate():
                data = dict(form.data)
                if not act.exact_batch and not (data.get("batch") or "").strip() and lot is None:
                    data["batch"] = None
                try:
                    change = act.run(acting(), data)
                except SuppliesError as exc:
                    show_error(form, exc, _ERROR_FIELDS)
                else:
                    lines = len(change.movement_ids)
                    flash(
                        ngettext(
                            "%(action)s recorded: %(item)s at %(point)s; %(num)d ledger line written.",
                            "%(action)s recorded: %(item)s at %(point)s; %(num)d ledger lines written.",
                            lines,
                            action=act.title,
                            item=data["item"],
                            point=data["point"],
                        ),
                        "success",
                    )
                    return redirect(url_for("lots.index_view", search=f"{data['item']} {data['point']}"))
            else:
                flash_form_errors(form)
        return self.render(
            "supplies/stock_action.html",
            form=form,
            action=act,
            actions=ACTIONS,
            lot=lot,
            nothing_to_choose=_nothing_to_choose(form),
        )


def _nothing_to_choose(form: Any) -> str | None:
    """Why the form offers no storage point or no item, in words that say what to do."""
    if not form.point.choices:
        if current_user.role == Role.WAREHOUSE:
            return _(
                "All storage points in your care are closed, so there is no point to choose; ask an "
                "administrator to reopen one."
            )
        return _("No storage point is open; an administrator adds or reopens points under Storage points.")
    if not form.item.choices:
        if current_user.role == Role.AGENCY_OFFICER:
            return _("Your agency holds no items in the catalog yet; add them under Catalog → Items.")
        return _("The catalog has no items yet; add them under Catalog → Items.")
    return None


def _lot(value: str | None) -> LotRow | None:
    try:
        lot_id = int(value) if value else None
    except ValueError:
        return None
    if lot_id is None or not 1 <= lot_id <= MAX_ID:
        return None
    q = scope_stock(select(LotRow).where(LotRow.id == lot_id), LotRow.point_id, LotRow.agency_id)
    return session().execute(q).scalar_one_or_none()


def _prefill(form: Any, lot: LotRow | None) -> None:
    for name in ("point", "item"):
        if request.args.get(name):
            form[name].data = request.args[name]
    if lot is not None:
        form.lot.data = str(lot.id)
        form.point.data, form.item.data, form.batch.data = lot.point, lot.item, lot.batch
        if hasattr(form, "counted"):
            form.counted.data = lot.on_hand


def _point_choices() -> dict[str, str]:
    q = select(StoragePoint.code, StoragePoint.name).where(StoragePoint.status == PointStatus.ACTIVE.value)
    q = scoped_points(q, current_user.actor)
    return {c: f"{c} {n}" for c, n in session().execute(q.order_by(StoragePoint.code)).all()}


def _all_active_points() -> dict[str, str]:
    q = select(StoragePoint.code, StoragePoint.name).where(StoragePoint.status == PointStatus.ACTIVE.value)
    return {c: f"{c} {n}" for c, n in session().execute(q.order_by(StoragePoint.code)).all()}


def _item_choices() -> dict[str, str]:
    q = select(Item.code, Item.name, Item.unit)
    if current_user.role == Role.AGENCY_OFFICER:
        q = q.join(SupplyClass, SupplyClass.id == Item.class_id).where(
            SupplyClass.agency_id == (current_user.actor.agency_id or -1)
        )
    return {c: f"{c} {n} ({u})" for c, n, u in session().execute(q.order_by(Item.code)).all()}
