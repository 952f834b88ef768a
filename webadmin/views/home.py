"""The home page: a dashboard of stock against targets, expiry, open requests and a map of the points (Leaflet)."""

from __future__ import annotations

from typing import Any

from flask_admin import AdminIndexView, expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user

from .. import dashboard, labels
from ..auth import acting
from .base import Guarded, list_url
from .map import page_config
from .rows import session
from .stock import ExpiringWithin


class HomeView(Guarded, AdminIndexView):
    """The dashboard every user lands on, in their own scope."""

    @expose("/")
    def index(self) -> Any:
        s, actor, inv = session(), current_user.actor, acting()
        lots, requests = self._view("lots"), self._view("requests")
        contract_days, contracts = dashboard.expiring_contracts(inv)
        open_requisitions, unpaid = dashboard.requisitions(inv)
        expiry_links = {d: list_url(lots, "expires_on", d, ExpiringWithin) if lots else None for d in ("0", "30", "90")}
        request_links = {
            state: list_url(requests, "status", state, FilterEqual) if requests else None
            for state in dashboard.OPEN_STATES
        }
        return self.render(
            "supplies/home.html",
            classes=dashboard.by_class(s, actor, inv.stock.summary(by=("class",))),
            soonest=inv.stock.lots(expiring_within_days=90, limit=10),
            expiry=dashboard.expiry_counts(s, actor),
            expiry_links=expiry_links,
            requests=dashboard.open_requests(s, actor),
            request_links=request_links,
            status_labels=labels.REQUEST_STATUS,
            map_settings=page_config("dashboard"),
            contracts=contracts,
            contract_days=contract_days,
            contracts_view=self._view("contracts"),
            open_requisitions=open_requisitions,
            unpaid_compensations=unpaid,
            requisitions_view=self._view("requisitions"),
            equipment=inv.units.readiness(),
            equipment_view=self._view("equipment"),
        )

    def _view(self, endpoint: str) -> Any:
        for view in self.admin._views:
            if getattr(view, "endpoint", None) == endpoint:
                return view if view.is_accessible() else None
        return None
