"""The table models, one module per domain noun; importing this registers them all."""

from .base import metadata, utcnow
from .catalog import Agency, ClassHandover, Item, SupplyClass
from .dispatch import Allocation, DispatchRequest, Incident, RequestEvent, RequestLine
from .enums import (
    AdminLevel, AllocationStatus, IncidentLevel, IncidentType, MovementKind, PointKind,
    PointStatus, RequestStatus, ReserveMode, Role,
)
from .places import StoragePoint, TravelTime
from .readiness import NeedNorm
from .stock import Movement, ReserveTarget, StockLot
from .users import User, UserPoint

__all__ = [
    "AdminLevel", "Agency", "Allocation", "AllocationStatus", "ClassHandover", "DispatchRequest",
    "Incident", "IncidentLevel", "IncidentType", "Item", "Movement", "MovementKind", "NeedNorm",
    "PointKind", "PointStatus", "RequestEvent", "RequestLine", "RequestStatus", "ReserveMode",
    "ReserveTarget", "Role", "StockLot", "StoragePoint", "SupplyClass", "TravelTime", "User",
    "UserPoint", "metadata", "utcnow",
]
