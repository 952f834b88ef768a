"""Form validators whose messages the web's own catalog translates (WTForms' own read awkwardly in Chinese)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange


class Range(NumberRange):
    """A number between ``min`` and ``max`` (either may be left open), said in the user's language."""

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        if min is not None and max is not None:
            message = _l("Must be between %(min)s and %(max)s.")
        elif min is not None:
            message = _l("Must be at least %(min)s.")
        else:
            message = _l("Must be at most %(max)s.")
        super().__init__(min=min, max=max, message=message)
