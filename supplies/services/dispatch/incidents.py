"""Incidents (disasters and emergencies) that dispatch requests answer: record, list, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from sqlmodel import Session, col, select

from ...errors import InvalidInput, RuleViolation
from ...i18n import t
from ...models import DispatchRequest, Incident, RequestStatus, Role
from ...models.base import persisted_id, utcnow
from ...permissions import require_role
from ...schemas import load
from ..base import Service, get_or_404, retried
from ..results import Result, aware
from .schemas import IncidentIn, request_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped

OPEN, CLOSED = "open", "closed"
# A request in one of these states still has work to do, so its incident stays open.
ACTIVE_REQUEST_STATES = (
    RequestStatus.DRAFT,
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.ALLOCATED,
    RequestStatus.DISPATCHED,
    RequestStatus.RECEIVED,
)


@dataclass(frozen=True)
class IncidentResult(Result):
    """An incident as users read it."""

    id: int
    name: str
    type: str
    level: str
    lat: float
    lon: float
    population: int
    region_code: str | None
    started_at: datetime
    status: str


def incident_view(row: Incident) -> IncidentResult:
    return IncidentResult(
        persisted_id(row),
        row.name,
        row.type,
        row.level,
        row.lat,
        row.lon,
        row.population,
        row.region_code,
        aware(row.started_at),
        row.status,
    )


class Incidents(Service):
    """Incidents: ``inv.incidents``. Dispatchers and admins record and close them; anyone reads."""

    @retried
    def add(
        self,
        name: str,
        *,
        type: str,
        level: str,
        lat: float,
        lon: float,
        population: int = 0,
        region_code: str | None = None,
        started_at: datetime | None = None,
    ) -> IncidentResult:
        """Record an incident: type, level I–IV, place, affected population and start time (default now)."""
        data = load(
            IncidentIn,
            dict(
                name=name,
                type=type,
                level=level,
                lat=lat,
                lon=lon,
                population=population,
                region_code=region_code,
                started_at=started_at,
            ),
        )
        with self._work() as (s, actor):
            require_role(actor, Role.DISPATCHER, Role.ADMIN, action=t("recording an incident"))
            row = Incident(
                **{k: v for k, v in data.items() if k != "started_at"},
                started_at=data.get("started_at") or utcnow(),
                created_by=actor.id,
            )
            s.add(row)
            s.flush()
            return incident_view(row)

    def get(self, id: int) -> IncidentResult:
        with self._work(write=False) as (s, _):
            return incident_view(get_or_404(s, Incident, request_id(id), "id"))

    def list(self, *, status: str | None = None) -> list[IncidentResult]:
        """Incidents, newest first; ``status`` is ``open`` or ``closed``."""
        if status not in (None, OPEN, CLOSED):
            raise InvalidInput(t("must be open or closed"), "status")
        with self._work(write=False) as (s, _):
            q = select(Incident).order_by(col(Incident.started_at).desc(), col(Incident.id).desc())
            if status:
                q = q.where(Incident.status == status)
            return [incident_view(r) for r in s.exec(q).all()]

    @retried
    def close(self, id: int) -> IncidentResult:
        """Close an incident once none of its requests has work left (closed, rejected or cancelled)."""
        with self._work() as (s, actor):
            require_role(actor, Role.DISPATCHER, Role.ADMIN, action=t("closing an incident"))
            row = get_or_404(s, Incident, request_id(id), "id")
            if row.status == CLOSED:
                raise RuleViolation(t("incident #{id} is already closed", id=row.id), "id")
            busy = _active_requests(s, persisted_id(row))
            if busy:
                listed = ", ".join(f"#{rid} ({st})" for rid, st in busy[:5])
                raise RuleViolation(
                    t(
                        "incident #{id} still has open requests: {listed}; close or cancel them first",
                        id=row.id,
                        listed=listed,
                    ),
                    "id",
                )
            row.status = CLOSED
            s.add(row)
            return incident_view(row)


def open_incident(s: Session, incident_id: int) -> Incident:
    """The incident a new request answers; it must exist and be open."""
    row = get_or_404(s, Incident, incident_id, "incident_id")
    if row.status != OPEN:
        raise RuleViolation(t("incident #{id} is closed; requests cannot be added to it", id=row.id), "incident_id")
    return row


def _active_requests(s: Session, incident_id: int) -> list[tuple[int, str]]:
    id_column = cast("Mapped[int]", DispatchRequest.id)  # the primary key: never NULL in a row read back
    rows = s.exec(
        select(id_column, DispatchRequest.status)
        .where(
            DispatchRequest.incident_id == incident_id,
            col(DispatchRequest.status).in_([st.value for st in ACTIVE_REQUEST_STATES]),
        )
        .order_by(id_column)
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


_DEPRECATED = {"IncidentView": "IncidentResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
