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
        lots, requests = self._view("lots"), self._view("requests")
        expiry_links = {d: list_url(lots, "expires_on", d, ExpiringWithin) if lots else None for d in ("0", "30", "90")}
        request_links = {
            state: list_url(requests, "status", state, FilterEqual) if requests else None
            for state in dashboard.OPEN_STATES
        }
        figures = dashboard.figures(session(), current_user.actor, acting())
        return self.render(
            "supplies/home.html",
            classes=figures.classes,
            soonest=figures.soonest,
            expiry=figures.expiry,
            expiry_links=expiry_links,
            requests=figures.requests,
            request_links=request_links,
            status_labels=labels.REQUEST_STATUS,
            map_settings=page_config("dashboard"),
            contracts=figures.contracts,
            contract_days=figures.contract_days,
            contracts_view=self._view("contracts"),
            open_requisitions=figures.open_requisitions,
            unpaid_compensations=figures.unpaid_compensations,
            requisitions_view=self._view("requisitions"),
            equipment=figures.equipment,
            equipment_view=self._view("equipment"),
        )

    def _view(self, endpoint: str) -> Any:
        for view in self.admin._views:
            if getattr(view, "endpoint", None) == endpoint:
                return view if view.is_accessible() else None
        return None
