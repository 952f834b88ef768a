"""The closed vocabularies of the domain: levels, kinds, reserve modes, movement kinds, roles, states."""

from enum import StrEnum


class AdminLevel(StrEnum):
    """Administrative level of a storage point (or an agency)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class PointKind(StrEnum):
    """What a storage point is."""

    DEPOT = "depot"  # 储备库
    PREPOSITIONED = "prepositioned"  # 靠前布置的储备点
    SHELTER = "shelter"  # 避难场所
    AGREEMENT = "agreement"  # 协议储备 / 代储仓库
    FACTORY = "factory"  # 产能储备工厂


class PointStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class ReserveMode(StrEnum):
    """How a lot is held (实物储备, 协议储备, 产能储备, 社会捐赠)."""

    PHYSICAL = "physical"
    AGREEMENT = "agreement"
    CAPACITY = "capacity"
    DONATION = "donation"
    # 待修: units returned needing repair (回收待修). Not a way of holding reserves: such lots are never
    # free for allocation, readiness, distribution or issue until repaired; only returns open them.
    REPAIR = "repair"
    # 征用: goods requisitioned from an owner for the emergency (supplies.services.requisitions). Held and
    # dispatched like physical stock; opened by a requisition only, and returned to the owner or compensated.
    REQUISITION = "requisition"


class MovementKind(StrEnum):
    """Every kind of ledger line (台账)."""

    RECEIVE = "receive"  # 入库
    ISSUE = "issue"  # 出库
    TRANSFER_OUT = "transfer_out"  # 调出
    TRANSFER_IN = "transfer_in"  # 调入
    ADJUST = "adjust"  # 盘点调整
    ROTATE_OUT = "rotate_out"  # 轮换出库
    ROTATE_IN = "rotate_in"  # 轮换入库
    WRITE_OFF = "write_off"  # 报废
    RESERVE = "reserve"  # 调拨预留
    RELEASE = "release"  # 取消预留
    DISPATCH = "dispatch"  # 调拨出库 (issues reserved stock)
    HANDOVER = "handover"  # 责任单位移交
    ARRIVAL = "arrival"  # 调拨入库 (a dispatched request booked in at its destination point)
    DISTRIBUTION = "distribution"  # 发放 (to a registered household)
    RETURN = "return"  # 回收入库 (lent equipment returned to stock, good or for repair)
    CONTRACT = "contract"  # 协议签订 / 续签 (an agreement or capacity reserve booked by its contract)
    REQUISITION_IN = "requisition_in"  # 征用入库 (goods requisitioned from an owner booked in)
    REQUISITION_RETURN = "requisition_return"  # 归还 (requisitioned goods given back to their owner)


class ReturnCondition(StrEnum):
    """The state a lent item comes back in (回收)."""

    GOOD = "good"  # back into stock, same batch
    REPAIR = "repair"  # into a repair lot, not available until repaired
    UNUSABLE = "unusable"  # written off with a reason: no stock comes back


# Reserve modes whose lots are never free to allocate, distribute, issue or count as ready.
UNAVAILABLE_MODES = (ReserveMode.REPAIR.value,)


class DonorKind(StrEnum):
    """Who gives (捐赠人): a person, a company or an organisation."""

    PERSON = "person"
    COMPANY = "company"
    ORGANISATION = "organisation"


class Triage(StrEnum):
    """How donated goods are sorted on arrival (as PAHO's SUMA does)."""

    URGENT = "urgent"  # usable and needed now: into stock
    LATER = "later"  # usable, not needed now: into stock
    UNUSABLE = "unusable"  # unusable or unknown (with a reason): recorded and disposed of, never stock


class ContractStatus(StrEnum):
    """A contract version: the one in force, or one a renewal replaced (kept for the history)."""

    ACTIVE = "active"
    RENEWED = "renewed"


class CallUpStatus(StrEnum):
    """A call-up order (调用单): waiting for the company's delivery, or delivered."""

    OPEN = "open"
    DELIVERED = "delivered"
    # Never stored: an open order whose reserved units were released (the request reallocated or
    # cancelled) is shown as cancelled, and cannot be delivered.
    CANCELLED = "cancelled"


class RequisitionStatus(StrEnum):
    """A requisition order (征用): goods held from their owner, or closed by the compensation's assessment."""

    OPEN = "open"
    CLOSED = "closed"


class RequisitionCondition(StrEnum):
    """The state requisitioned goods are given back in (归还), or lost."""

    GOOD = "good"
    DAMAGED = "damaged"
    LOST = "lost"


class CompensationStatus(StrEnum):
    """A compensation (补偿) for requisitioned goods: assessed, approved by an admin, paid."""

    ASSESSED = "assessed"
    APPROVED = "approved"
    PAID = "paid"


class Role(StrEnum):
    ADMIN = "admin"
    WAREHOUSE = "warehouse"
    DISPATCHER = "dispatcher"
    AGENCY_OFFICER = "agency_officer"
    VIEWER = "viewer"


class IncidentType(StrEnum):
    FLOOD = "flood"
    EARTHQUAKE = "earthquake"
    LANDSLIDE = "landslide"
    FOREST_FIRE = "forest_fire"
    SNOW_ICE = "snow_ice"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    PUBLIC_HEALTH = "public_health"
    OTHER = "other"


class IncidentLevel(StrEnum):
    I = "I"
    II = "II"
    III = "III"
    IV = "IV"


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ALLOCATED = "allocated"
    DISPATCHED = "dispatched"
    RECEIVED = "received"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class AllocationStatus(StrEnum):
    RESERVED = "reserved"
    DISPATCHED = "dispatched"
    RELEASED = "released"
