"""Emergency-supply inventory: stockpiles, storage points, one agency per supply class, and a ledger.

import supplies
inv = supplies.open("sqlite:///county.db", user="wang", upgrade=True)
inv.stock.receive("CK-01", "PLAN14:3.01", 200, batch="2026-07", agency="CIV")
"""

from .errors import (
    ConcurrencyConflict,
    DatabaseNotReady,
    InsufficientStock,
    InvalidInput,
    InvalidTransition,
    NotFound,
    OneAgencyRuleViolation,
    PermissionDenied,
    RuleViolation,
    SuppliesError,
)
from .inventory import Inventory, open
from .models.enums import (
    AdminLevel,
    AllocationStatus,
    IncidentLevel,
    IncidentType,
    MovementKind,
    PointKind,
    PointStatus,
    RequestStatus,
    ReserveMode,
    Role,
)

__version__ = "0.1.0"

__all__ = [
    "AdminLevel",
    "AllocationStatus",
    "ConcurrencyConflict",
    "DatabaseNotReady",
    "IncidentLevel",
    "IncidentType",
    "InsufficientStock",
    "InvalidInput",
    "InvalidTransition",
    "Inventory",
    "MovementKind",
    "NotFound",
    "OneAgencyRuleViolation",
    "PermissionDenied",
    "PointKind",
    "PointStatus",
    "RequestStatus",
    "ReserveMode",
    "Role",
    "RuleViolation",
    "SuppliesError",
    "open",
]
