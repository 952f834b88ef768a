"""Input schema of a user: name, role, scope and password."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ...i18n import t
from ...models.enums import Role
from ...schemas import (
    CODE_RE,
    Choice,
    Code,
    Input,
    Str,
)


class UserIn(Input):
    name = Str(
        required=True,
        validate=[validate.Length(min=1, max=80), validate.Regexp(CODE_RE, error=t("must not contain spaces"))],
    )
    role = Choice(Role, required=True)
    points = fields.List(Code(), load_default=list)
    agency = Code(allow_none=True)
    password = Str(allow_none=True, validate=validate.Length(min=8, max=200, error=t("must be 8 to 200 characters")))

    @validates_schema
    def _scope(self, data: dict[str, Any], **_: Any) -> None:
        if data["role"] == Role.WAREHOUSE and not data.get("points"):
            raise ValidationError(t("warehouse staff need at least one storage point"), "points")
        if data["role"] == Role.AGENCY_OFFICER and not data.get("agency"):
            raise ValidationError(t("an agency officer needs an agency"), "agency")
