"""Turning any error into one line on stderr (and a JSON error document with --json) and an exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .output import Output

UNEXPECTED = 1


def report(exc: BaseException, out: Output) -> int:
    """Show ``exc`` the way a tired dispatcher can act on it; return the exit code."""
    from supplies.errors import InvalidInput, PermissionDenied, SuppliesError

    if isinstance(exc, SuppliesError):
        if isinstance(exc, InvalidInput) and len(exc.errors) > 1:
            text = "; ".join(
                f"{field}: {', '.join(reasons)}" if field != "_" else ", ".join(reasons)
                for field, reasons in exc.localized_errors().items()
            )
        else:
            text = exc.localized()
        if isinstance(exc, PermissionDenied) and exc.field == "user" and "no active user" in exc.reason:
            text += " (act as another user with --as NAME or SUPPLIES_USER)"
        out.error(
            text,
            kind=type(exc).__name__,
            field=exc.field,
            reason=exc.reason,
            exit_code=exc.exit_code,
            errors=getattr(exc, "errors", None),
            code=exc.code,
            params=exc.params,
            message=text,
        )
        return exc.exit_code

    database_text = _database_problem(exc)
    if database_text is not None:
        out.error(database_text, kind="DatabaseError", field="database", reason=database_text, exit_code=UNEXPECTED)
        return UNEXPECTED

    first_line = (str(exc).splitlines() or [""])[0]
    text = f"unexpected {type(exc).__name__}: {first_line} (run with --debug for the traceback)"
    out.error(text, kind=type(exc).__name__, field=None, reason=first_line, exit_code=UNEXPECTED)
    return UNEXPECTED


def _database_problem(exc: BaseException) -> str | None:
    """A readable line for errors of the database itself (unreachable, no schema), else None."""
    if not type(exc).__module__.startswith("sqlalchemy"):
        return None
    from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

    if not isinstance(exc, DBAPIError):
        return None
    detail = (str(exc.orig).strip().splitlines() or [""])[0]
    lowered = detail.lower()
    if isinstance(exc, (OperationalError, ProgrammingError)) and (
        "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered)
    ):
        return f"database: the database has no schema or an old one ({detail}); run `supplies init`"
    if isinstance(exc, OperationalError) and (
        "connect" in lowered or "connection" in lowered or "unable to open" in lowered
    ):
        return f"database: cannot open the database: {detail}"
    return f"database: {detail}"
