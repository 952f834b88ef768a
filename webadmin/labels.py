"""Display names of the domain's vocabularies (roles, kinds, levels, states) in the user's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField

ROLES = {
    "admin": _l("administrator"),
    "warehouse": _l("warehouse staff"),
    "dispatcher": _l("dispatcher"),
    "agency_officer": _l("agency officer"),
    "viewer": _l("viewer"),
}

LEVELS = {
    "province": _l("province"),
    "city": _l("city"),
    "county": _l("county"),
    "township": _l("township"),
    "village": _l("village"),
}

POINT_KINDS = {
    "depot": _l("depot"),
    "prepositioned": _l("pre-positioned point"),
    "shelter": _l("shelter"),
    "agreement": _l("agreement warehouse"),
    "factory": _l("capacity factory"),
}

POINT_STATUS = {"active": _l("active"), "closed": _l("closed")}

RESERVE_MODES = {
    "physical": _l("physical stock"),
    "agreement": _l("agreement reserve"),
    "capacity": _l("production capacity"),
    "donation": _l("donation"),
    "repair": _l("under repair"),
    "requisition": _l("requisitioned"),
}

MOVEMENT_KINDS = {
    "receive": _l("receipt"),
    "issue": _l("issue"),
    "transfer_out": _l("transfer out"),
    "transfer_in": _l("transfer in"),
    "adjust": _l("count adjustment"),
    "rotate_out": _l("rotation out"),
    "rotate_in": _l("rotation in"),
    "write_off": _l("write-off"),
    "reserve": _l("reserved for dispatch"),
    "release": _l("reservation released"),
    "dispatch": _l("dispatch issue"),
    "handover": _l("agency handover"),
    "arrival": _l("dispatch arrival"),
    "return": _l("return"),
    "distribution": _l("distribution to households"),
    "contract": _l("agreement contract"),
    "requisition_in": _l("requisitioned in"),
    "requisition_return": _l("returned to owner"),
}

REQUISITION_CONDITIONS = {"good": _l("good"), "damaged": _l("damaged"), "lost": _l("lost")}

REQUISITION_STATUS = {"open": _l("open"), "closed": _l("closed")}

COMPENSATION_STATUS = {"assessed": _l("assessed"), "approved": _l("approved"), "paid": _l("paid")}

INCIDENT_TYPES = {
    "flood": _l("flood"),
    "earthquake": _l("earthquake"),
    "landslide": _l("landslide"),
    "forest_fire": _l("forest fire"),
    "snow_ice": _l("snow and ice"),
    "hazardous_chemicals": _l("hazardous chemicals"),
    "public_health": _l("public health"),
    "other": _l("other"),
}

INCIDENT_STATUS = {"open": _l("open"), "closed": _l("closed")}

INCIDENT_LEVELS = {"I": "I", "II": "II", "III": "III", "IV": "IV"}

REQUEST_STATUS = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "approved": _l("approved"),
    "allocated": _l("allocated"),
    "dispatched": _l("dispatched"),
    "received": _l("received"),
    "closed": _l("closed"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
}

ALLOCATION_STATUS = {"reserved": _l("reserved"), "dispatched": _l("dispatched"), "released": _l("released")}


def choices(labels: dict[str, Any]) -> list[tuple[str, Any]]:
    """(value, label) pairs for Flask-Admin's list filters and scaffolded selects."""
    return list(labels.items())


def select_choices(labels: dict[str, Any]) -> list[Any]:
    """Choices for a WTForms select whose labels are translated when the form is drawn."""
    try:
        from wtforms.fields.choices import SelectChoice
    except ImportError:  # WTForms before 3.3
        return list(labels.items())
    return [SelectChoice(value, label) for value, label in labels.items()]


def select_fields(blank: tuple[str, ...] = (), **fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``form_overrides`` and ``form_args`` making each named column a plain select of its labels
    (``blank`` names the optional ones, which get an empty first choice)."""
    overrides = dict.fromkeys(fields, SelectField)
    args = {
        name: {"choices": select_choices({"": "—", **values} if name in blank else values)}
        for name, values in fields.items()
    }
    return overrides, args


def formatter(labels: dict[str, Any]) -> Any:
    """A Flask-Admin column formatter that shows a stored value by its label."""

    def fmt(view: Any, context: Any, model: Any, name: str) -> Any:
        value = getattr(model, name)
        return labels.get(value, value) if value is not None else ""

    return fmt


def badge(labels: dict[str, Any], styles: dict[str, str]) -> Any:
    """A formatter drawing the label as a coloured badge (states at a glance)."""

    def fmt(view: Any, context: Any, model: Any, name: str) -> Any:
        value = getattr(model, name)
        style = styles.get(value, "secondary")
        return Markup('<span class="badge badge-{}">{}</span>').format(style, labels.get(value, value))

    return fmt
