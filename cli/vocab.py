"""The closed vocabularies offered as choices (and completions) without importing the library.

Copies of the values of ``supplies.models.enums``: importing ``supplies`` costs half a second,
too much for ``--help`` and shell completion. tests/cli checks they stay equal.
"""

LEVELS = ("province", "city", "county", "township", "village")
POINT_KINDS = ("depot", "prepositioned", "shelter", "agreement", "factory")
RESERVE_MODES = ("physical", "agreement", "capacity", "donation", "repair", "requisition")
# What `stock receive --mode` takes: repair lots are opened by returns only, requisition lots by requisitions.
RECEIVE_MODES = tuple(m for m in RESERVE_MODES if m not in ("repair", "requisition"))
RETURN_CONDITIONS = ("good", "repair", "unusable")
REQUISITION_CONDITIONS = ("good", "damaged", "lost")
ROLES = ("admin", "warehouse", "dispatcher", "agency_officer", "viewer")
MOVEMENT_KINDS = (
    "receive",
    "issue",
    "transfer_out",
    "transfer_in",
    "adjust",
    "rotate_out",
    "rotate_in",
    "write_off",
    "reserve",
    "release",
    "dispatch",
    "handover",
    "arrival",
    "distribution",
    "return",
    "contract",
    "requisition_in",
    "requisition_return",
)
INCIDENT_TYPES = (
    "flood",
    "earthquake",
    "landslide",
    "forest_fire",
    "snow_ice",
    "hazardous_chemicals",
    "public_health",
    "other",
)
INCIDENT_LEVELS = ("I", "II", "III", "IV")
REQUEST_STATES = (
    "draft",
    "submitted",
    "approved",
    "allocated",
    "dispatched",
    "received",
    "closed",
    "rejected",
    "cancelled",
)
STOCK_GROUPS = ("class", "item", "point", "region", "level", "agency", "mode")
