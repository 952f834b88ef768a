"""Who may read and act on a contract: the storage points contracts sit at, scoped reads, the version in force."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ...errors import NotFound, RuleViolation
from ...i18n import t
from ...models import (
    Contract,
    ContractStatus,
    PointKind,
    PointStatus,
    Role,
    StoragePoint,
)
from ...permissions import Actor, scoped_points
from ..base import Service

MANAGERS = (Role.DISPATCHER.value, Role.ADMIN.value)
CONTRACT_POINT_KINDS = (PointKind.AGREEMENT.value, PointKind.FACTORY.value)


class ContractService(Service):
    """What the parts of ``inv.contracts`` (signing, call-ups, queries) share."""

    def _today(self) -> date:
        """Today, as every part of the contracts reads it. :class:`~.service.Contracts` gives it, from one
        place, so that a clock moved there moves signing, call-ups and queries alike."""
        raise NotImplementedError


def contract_point(p: StoragePoint) -> None:
    """Refuse a point a contract may not sit at: closed, or neither an agreement warehouse nor a factory."""
    if p.status != PointStatus.ACTIVE:
        raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
    if p.kind not in CONTRACT_POINT_KINDS:
        raise RuleViolation(
            t(
                "storage point {code} is a {kind}: a contract's stock is held at an agreement warehouse or a factory",
                code=p.code,
                kind=p.kind,
            ),
            "point",
        )


def scoped(q: Any, actor: Actor) -> Any:
    """``q`` over contracts narrowed to those ``actor`` may read (scoped like their storage points)."""
    return scoped_points(q, actor, col(Contract.point_id), col(Contract.jurisdiction_code))


def readable(s: Session, actor: Actor, contract: Contract) -> bool:
    """Whether ``actor`` may read ``contract``."""
    return s.exec(scoped(select(Contract.id).where(Contract.id == contract.id), actor)).first() is not None


def current(s: Session, actor: Actor, code: str, *, lock: bool = False) -> Contract:
    """The version in force of contract ``code`` (as if there were none when the actor may not read it)."""
    q = scoped(select(Contract).where(Contract.code == code, Contract.status == ContractStatus.ACTIVE.value), actor)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    row: Contract | None = s.exec(q).one_or_none()
    if row is None:
        raise NotFound(t("no contract with code {code!r}", code=code), "code")
    return row
