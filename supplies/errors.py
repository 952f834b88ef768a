"""The error types every operation of the library may raise, with the field and the reason."""

from __future__ import annotations

from typing import Any

from .i18n import Message, translate


class SuppliesError(Exception):
    """Base of every error this library raises on purpose.

    ``field`` names the input at fault (or ``None``) and ``reason`` says what is wrong in
    words a user can act on. ``str(error)`` is ``"field: reason"``.
    """

    exit_code = 1

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)

    @property
    def code(self) -> str:
        """A stable name for what went wrong (the words of the message's template), for scripts."""
        return self.reason.code if isinstance(self.reason, Message) else type(self).__name__

    @property
    def params(self) -> dict[str, Any]:
        """The values the message names (a code, a quantity ...), for scripts."""
        return dict(self.reason.params) if isinstance(self.reason, Message) else {}

    def localized(self, language: str | None = None) -> str:
        """``field: reason`` in ``language`` (default: the current one, see :mod:`supplies.i18n`)."""
        said = translate(self.reason, language)
        return f"{self.field}: {said}" if self.field else said


class InvalidInput(SuppliesError):
    """Bad input: a missing, malformed or out-of-range value. Nothing was written.

    ``errors`` maps every field at fault to its reasons (``field``/``reason`` are the first).
    """

    exit_code = 2

    def __init__(self, reason: str, field: str | None = None, errors: dict[str, list[str]] | None = None) -> None:
        self.errors = errors or ({field or "_": [reason]})
        super().__init__(reason, field)

    def localized_errors(self, language: str | None = None) -> dict[str, list[str]]:
        """Every field's reasons in ``language``."""
        return {field: [translate(r, language) for r in reasons] for field, reasons in self.errors.items()}

    @classmethod
    def from_messages(cls, messages: dict[Any, Any] | list[Any]) -> InvalidInput:
        """Build from a marshmallow ``ValidationError.messages`` dict."""
        flat: dict[str, list[str]] = {}

        def walk(prefix: str, value: object) -> None:
            if isinstance(value, dict):
                for key, sub in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), sub)
            elif isinstance(value, list):
                for sub in value:
                    if isinstance(sub, (dict, list)):
                        walk(prefix, sub)
                    else:
                        flat.setdefault(prefix or "_", []).append(sub if isinstance(sub, str) else str(sub))
            else:
                flat.setdefault(prefix or "_", []).append(value if isinstance(value, str) else str(value))

        walk("", messages)
        field, reasons = next(iter(flat.items()))
        return cls(reasons[0], None if field == "_" else field, flat)


class NotFound(InvalidInput):
    """A code or id given as input names nothing that exists."""


class RuleViolation(SuppliesError):
    """The input is well-formed but a rule of the system refuses the operation."""

    exit_code = 3


class PermissionDenied(RuleViolation):
    """The acting user's role or scope does not allow the operation."""


class OneAgencyRuleViolation(RuleViolation):
    """Stock of a supply class recorded under an agency other than the class's responsible one."""


class InsufficientStock(RuleViolation):
    """More was asked of a lot than it has free (on hand less reserved)."""


class InvalidTransition(RuleViolation):
    """A dispatch request cannot move from its current state to the one asked."""


class ConcurrencyConflict(SuppliesError):
    """Another user changed the same rows at the same time and retries ran out. Try again."""

    exit_code = 1


class DatabaseNotReady(SuppliesError):
    """The database has no schema, or an older one: run ``supplies init`` (or ``Inventory.upgrade()``)."""

    exit_code = 1
