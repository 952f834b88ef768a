"""The table models, one module per domain noun.

The tables every command touches (catalog, places, regions, stock, users) load with this package.
The dispatch, readiness, submission, relief, contract, donation, requisition and equipment tables,
and the API tokens and failed log-ins (access), class handovers, reserve targets and travel times,
load on first use of one of their names: building a table model is most of `import supplies`,
which commands such as `supplies stock list` need not pay. A table that an eager one's foreign
key points at must stay eager (class responsibilities: a stock lot's key), or a flush of the
eager one cannot sort its tables.
``supplies.models.metadata`` loads them all first, so it always holds every table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import utcnow
from .catalog import Agency, Item, SupplyClass
from .enums import (
    AdminLevel,
    AllocationStatus,
    CallUpStatus,
    CompensationStatus,
    ContractStatus,
    DonorKind,
    IncidentLevel,
    IncidentType,
    MovementKind,
    PointKind,
    PointStatus,
    RequestStatus,
    RequisitionCondition,
    RequisitionStatus,
    ReserveMode,
    ReturnCondition,
    Role,
    Triage,
)
from .places import StoragePoint
from .regions import JURISDICTION_LEVELS, ROOT_REGION, ClassResponsibility, Region
from .stock import Movement, PointClassStock, StockLot
from .users import User, UserPoint

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from .access import ApiToken, LoginAttempt
    from .contracts import CallUp, CallUpLine, Contract, ContractLine
    from .dispatch import (
        Allocation,
        DispatchRequest,
        Incident,
        RequestEvent,
        RequestLine,
    )
    from .donations import Donation, DonationLot, DonationPledge, Donor
    from .equipment import EquipmentUnit, MaintenancePlan, UnitEvent
    from .handovers import ClassHandover
    from .readiness import NeedNorm
    from .relief import Distribution, DistributionLine, Entitlement, Household, LoanReturn, LoanReturnLine
    from .requisitions import Compensation, CompensationLine, Requisition, RequisitionLine, RequisitionReturn
    from .submissions import LedgerSubmission
    from .targets import ReserveTarget
    from .travel import TravelTime

    metadata: MetaData

_LAZY = {
    "ApiToken": "access",
    "LoginAttempt": "access",
    "ClassHandover": "handovers",
    "ReserveTarget": "targets",
    "TravelTime": "travel",
    "Allocation": "dispatch",
    "DispatchRequest": "dispatch",
    "Incident": "dispatch",
    "RequestEvent": "dispatch",
    "RequestLine": "dispatch",
    "NeedNorm": "readiness",
    "Household": "relief",
    "Entitlement": "relief",
    "Distribution": "relief",
    "DistributionLine": "relief",
    "LoanReturn": "relief",
    "LoanReturnLine": "relief",
    "LedgerSubmission": "submissions",
    "Contract": "contracts",
    "ContractLine": "contracts",
    "CallUp": "contracts",
    "CallUpLine": "contracts",
    "Donor": "donations",
    "Donation": "donations",
    "DonationLot": "donations",
    "DonationPledge": "donations",
    "Requisition": "requisitions",
    "RequisitionLine": "requisitions",
    "RequisitionReturn": "requisitions",
    "Compensation": "requisitions",
    "CompensationLine": "requisitions",
    "EquipmentUnit": "equipment",
    "MaintenancePlan": "equipment",
    "UnitEvent": "equipment",
}


def __getattr__(name: str) -> Any:
    if name == "metadata":
        for module in set(_LAZY.values()):
            importlib.import_module(f".{module}", __name__)
        from .base import metadata

        return metadata
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "JURISDICTION_LEVELS",
    "ROOT_REGION",
    "AdminLevel",
    "Agency",
    "Allocation",
    "AllocationStatus",
    "ApiToken",
    "CallUp",
    "CallUpLine",
    "CallUpStatus",
    "ClassHandover",
    "ClassResponsibility",
    "Compensation",
    "CompensationLine",
    "CompensationStatus",
    "Contract",
    "ContractLine",
    "ContractStatus",
    "DispatchRequest",
    "Distribution",
    "DistributionLine",
    "Donation",
    "DonationLot",
    "DonationPledge",
    "Donor",
    "DonorKind",
    "Entitlement",
    "EquipmentUnit",
    "Household",
    "Incident",
    "IncidentLevel",
    "IncidentType",
    "Item",
    "LedgerSubmission",
    "LoanReturn",
    "LoanReturnLine",
    "LoginAttempt",
    "MaintenancePlan",
    "Movement",
    "MovementKind",
    "NeedNorm",
    "PointClassStock",
    "PointKind",
    "PointStatus",
    "Region",
    "RequestEvent",
    "RequestLine",
    "RequestStatus",
    "Requisition",
    "RequisitionCondition",
    "RequisitionLine",
    "RequisitionReturn",
    "RequisitionStatus",
    "ReserveMode",
    "ReserveTarget",
    "ReturnCondition",
    "Role",
    "StockLot",
    "StoragePoint",
    "SupplyClass",
    "TravelTime",
    "Triage",
    "UnitEvent",
    "User",
    "UserPoint",
    "metadata",
    "utcnow",
]
