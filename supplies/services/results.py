"""What services return: frozen results with a JSON-ready ``as_dict()``, and time helpers for them."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Protocol, overload


class _HasBatch(Protocol):
    @property
    def batch(self) -> str: ...


class BatchAlias:
    """``.lot``: a result's batch code by its old name, with a DeprecationWarning (a lot is the stock
    row; its batch is the code). One descriptor for every result that had ``.lot``."""

    def __get__(self, row: _HasBatch | None, owner: type | None = None) -> Any:
        if row is None:
            return self
        warnings.warn("the batch code is .batch; .lot is its old name", DeprecationWarning, stacklevel=2)
        return row.batch


def jsonable(value: Any) -> Any:
    """Dates and datetimes as ISO strings, enums as their values, views and containers recursively."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _with_old_keys({f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return _with_old_keys({k: jsonable(v) for k, v in value._asdict().items()})
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _with_old_keys(d: dict[str, Any]) -> dict[str, Any]:
    # Scripts read the batch code as "lot" (its old name): the JSON keeps both keys.
    if "batch" in d and "lot" not in d:
        d["lot"] = d["batch"]
    return d


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Result:
    """Mixin for frozen dataclass results: ``as_dict()`` gives a JSON-ready dict."""

    def as_dict(self) -> dict[str, Any]:
        fields: dict[str, Any] = jsonable(self)  # a dataclass result becomes a dict
        return fields


View = Result  # the old name of the base (results are not views: a view is a page of the web admin)
