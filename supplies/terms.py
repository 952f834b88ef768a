"""The words of the closed vocabularies (states, roles, modes, kinds, levels, hazards) as translatable messages.

A message that names a state or a role passes ``term(value)``: it reads as the stored value
in English and as the catalog's word in Chinese.
"""

from __future__ import annotations

from .i18n import Message, t

TERMS: dict[str, Message] = {
    # request states and allocation statuses
    "draft": t("draft"),
    "submitted": t("submitted"),
    "approved": t("approved"),
    "allocated": t("allocated"),
    "dispatched": t("dispatched"),
    "received": t("received"),
    "closed": t("closed"),
    "rejected": t("rejected"),
    "cancelled": t("cancelled"),
    "reserved": t("reserved"),
    "released": t("released"),
    # roles
    "admin": t("admin"),
    "warehouse": t("warehouse"),
    "dispatcher": t("dispatcher"),
    "agency_officer": t("agency_officer"),
    "viewer": t("viewer"),
    # reserve modes
    "physical": t("physical"),
    "agreement": t("agreement"),
    "capacity": t("capacity"),
    "donation": t("donation"),
    "repair": t("repair"),
    "requisition": t("requisition"),
    # conditions of a return
    "good": t("good"),
    "unusable": t("unusable"),
    "damaged": t("damaged"),
    "lost": t("lost"),
    # a compensation's states (approved: above)
    "assessed": t("assessed"),
    "paid": t("paid"),
    "open": t("open"),
    # movement kinds
    "receive": t("receive"),
    "issue": t("issue"),
    "transfer_out": t("transfer_out"),
    "transfer_in": t("transfer_in"),
    "adjust": t("adjust"),
    "rotate_out": t("rotate_out"),
    "rotate_in": t("rotate_in"),
    "write_off": t("write_off"),
    "reserve": t("reserve"),
    "release": t("release"),
    "dispatch": t("dispatch"),
    "handover": t("handover"),
    "arrival": t("arrival"),
    "distribution": t("distribution"),
    "return": t("return"),
    "contract": t("contract"),
    # the triage of donated goods on arrival ("unusable" is above, with the return conditions)
    "urgent": t("urgent"),
    "later": t("later"),
    "requisition_in": t("requisition_in"),
    "requisition_return": t("requisition_return"),
    # administrative levels and point kinds
    "province": t("province"),
    "city": t("city"),
    "county": t("county"),
    "township": t("township"),
    "village": t("village"),
    "depot": t("depot"),
    "prepositioned": t("prepositioned"),
    "shelter": t("shelter"),
    "factory": t("factory"),
    "active": t("active"),
    # hazards
    "flood": t("flood"),
    "earthquake": t("earthquake"),
    "landslide": t("landslide"),
    "forest_fire": t("forest_fire"),
    "snow_ice": t("snow_ice"),
    "hazardous_chemicals": t("hazardous_chemicals"),
    "public_health": t("public_health"),
    "other": t("other"),
    # request actions
    "submit": t("submit"),
    "approve": t("approve"),
    "reject": t("reject"),
    "allocate": t("allocate"),
    "reallocate": t("reallocate"),
    "close": t("close"),
    "cancel": t("cancel"),
    # stock actions named in permission messages
    "count": t("count"),
    "rotate": t("rotate"),
    "write off": t("write off"),
    "transfer": t("transfer"),
    "service": t("service"),
    # the condition of a unit of equipment
    "serviceable": t("serviceable"),
    "needs_maintenance": t("needs_maintenance"),
    "under_repair": t("under_repair"),
    "out_of_service": t("out_of_service"),
    # the things a code names
    "item": t("item"),
    "agency": t("agency"),
    "supply class": t("supply class"),
    "storage point": t("storage point"),
    "app user": t("user"),
    "stock lot": t("stock lot"),
    "incident": t("incident"),
    "dispatch request": t("dispatch request"),
    "equipment unit": t("equipment unit"),
}


def term(value: object) -> object:
    """``value`` as a translatable word when it is one of the vocabularies, else as it is."""
    word = getattr(value, "value", value)
    return TERMS.get(word, value) if isinstance(word, str) else value


# marshmallow's own messages, said in the user's language from the same catalog
VALIDATION = [
    t("Missing data for required field."),
    t("Field may not be null."),
    t("Invalid value."),
    t("Not a valid string."),
    t("Not a valid utf-8 string."),
    t("Not a valid number."),
    t("Number too large."),
    t("Not a valid integer."),
    t("Special numeric values (nan or infinity) are not permitted."),
    t("Not a valid boolean."),
    t("Not a valid date."),
    t("Not a valid datetime."),
    t("Not a valid list."),
    t("Not a valid mapping type."),
    t("Invalid type."),
    t("Unknown field."),
    t("Invalid input type."),
    t("Shorter than minimum length {min}."),
    t("Longer than maximum length {max}."),
    t("Length must be between {min} and {max}."),
    t("Length must be {equal}."),
    t("Must be greater than or equal to {min}."),
    t("Must be less than or equal to {max}."),
    t("Must be greater than or equal to {min} and less than or equal to {max}."),
    t("Must be greater than {min}."),
    t("Must be less than {max}."),
    t("Must be greater than {min} and less than {max}."),
    t("Must be greater than or equal to {min} and less than {max}."),
    t("Must be greater than {min} and less than or equal to {max}."),
    t("Must be one of: {choices}."),
    t("String does not match expected pattern."),
]
