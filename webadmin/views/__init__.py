"""The admin's pages, grouped like the models; ``register_views`` puts them in the menu."""

from __future__ import annotations

from typing import Any

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from supplies.models import Agency, Incident, StoragePoint

from ..db import RequestSession
from .account import AccountView
from .catalog import AgencyView, ClassRow, ClassTreeView, ClassView, ItemRow, ItemView
from .contracts import ContractsView
from .dispatch import IncidentView, RequestRow, RequestView
from .distribution import DistributionView
from .donations import DonationsView
from .equipment import EquipmentView
from .ledger import LedgerRow, LedgerView
from .map import MapView
from .places import StoragePointView
from .readiness import ReadinessView
from .relief_reports import ReliefReportsView
from .requisitions import RequisitionsView
from .returns import ReturnsView
from .stock import LotRow, LotView
from .stock_actions import StockActionsView
from .submissions import SubmissionsView
from .targets import TargetRow, TargetView
from .users import UserRow, UserView


def register_views(admin: Admin, db: RequestSession) -> None:
    """Add every page to ``admin``; every model view reads through the request session ``db``."""
    stock, catalog, dispatch = _l("Stock"), _l("Catalog"), _l("Dispatch")
    views: list[Any] = [
        MapView(name=_l("Map"), endpoint="map", url="/map"),
        LotView(LotRow, db, name=_l("Stock lots"), category=stock, endpoint="lots", url="/stock/lots"),
        StockActionsView(name=_l("Stock actions"), category=stock, endpoint="stock_actions", url="/stock/actions"),
        LedgerView(LedgerRow, db, name=_l("Ledger"), category=stock, endpoint="ledger", url="/stock/ledger"),
        SubmissionsView(name=_l("Submissions"), category=stock, endpoint="submissions", url="/stock/submissions"),
        StoragePointView(StoragePoint, db, name=_l("Storage points"), endpoint="points", url="/points"),
        AgencyView(Agency, db, name=_l("Agencies"), category=catalog, endpoint="agencies", url="/catalog/agencies"),
        ClassView(
            ClassRow, db, name=_l("Supply classes"), category=catalog, endpoint="classes", url="/catalog/classes"
        ),
        ClassTreeView(name=_l("Class tree"), category=catalog, endpoint="class_tree", url="/catalog/tree"),
        ItemView(ItemRow, db, name=_l("Items"), category=catalog, endpoint="items", url="/catalog/items"),
        TargetView(
            TargetRow, db, name=_l("Reserve targets"), category=catalog, endpoint="targets", url="/catalog/targets"
        ),
        IncidentView(
            Incident, db, name=_l("Incidents"), category=dispatch, endpoint="incidents", url="/dispatch/incidents"
        ),
        RequestView(
            RequestRow,
            db,
            name=_l("Dispatch requests"),
            category=dispatch,
            endpoint="requests",
            url="/dispatch/requests",
        ),
        ReadinessView(name=_l("Readiness"), category=dispatch, endpoint="readiness", url="/dispatch/readiness"),
        ReturnsView(name=_l("Returns and loans"), category=dispatch, endpoint="returns", url="/dispatch/returns"),
        DistributionView(name=_l("Distribution"), endpoint="distribution", url="/distribution"),
        ReliefReportsView(
            name=_l("Signing sheets and notices"), category=dispatch, endpoint="relief_papers", url="/relief/papers"
        ),
        ContractsView(
            name=_l("Agreement reserves"), category=dispatch, endpoint="contracts", url="/dispatch/contracts"
        ),
        DonationsView(name=_l("Donations"), category=stock, endpoint="donations", url="/stock/donations"),
        EquipmentView(name=_l("Equipment"), category=stock, endpoint="equipment", url="/stock/equipment"),
        RequisitionsView(
            name=_l("Requisitions and compensation"),
            category=dispatch,
            endpoint="requisitions",
            url="/dispatch/requisitions",
        ),
        UserView(UserRow, db, name=_l("Users"), endpoint="users", url="/users"),
        AccountView(name=_l("My account"), endpoint="account", url="/account"),
    ]
    for view in views:
        admin.add_view(view)
