"""The inventory handle a program opens: its engine, the acting user and the service namespaces."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from .config import database_url, read_database_url
from .db import make_engine
from .errors import DatabaseNotReady
from .i18n import t

if TYPE_CHECKING:
    from .services.catalog.service import Agencies, Items, SupplyClasses
    from .services.catalog.standard import StandardCatalog
    from .services.contracts.service import Contracts
    from .services.dispatch.commands import DispatchRequests
    from .services.dispatch.incidents import Incidents
    from .services.donations.service import Donations, Donors
    from .services.equipment.maintenance import Maintenance
    from .services.equipment.units import Units
    from .services.io.backup import BackupInfo
    from .services.io.exports import Exports
    from .services.io.imports import Imports
    from .services.places.geojson import MapLayers
    from .services.places.points import StoragePoints
    from .services.places.regions import Regions
    from .services.places.travel import TravelTimes
    from .services.readiness.check import Readiness
    from .services.relief.distribution import Distributions
    from .services.relief.entitlements import Entitlements
    from .services.relief.households import Households
    from .services.relief.returns import Returns
    from .services.relief.sheets import ReliefPapers
    from .services.reports.builders import Reports
    from .services.reports.submissions import Submissions
    from .services.requisitions.service import Requisitions
    from .services.stock.commands import Stock
    from .services.stock.targets import ReserveTargets
    from .services.users.accounts import Users
    from .services.users.logins import LoginLimit
    from .services.users.tokens import Tokens


class Inventory:
    """An open inventory database, acting as one user.

    Every operation runs in its own transaction, checks the acting user's permission, and
    records the user as the actor. Use :meth:`as_user` to act as someone else on the same
    connection pool.
    """

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        jurisdiction: str | None = None,
        read_engine: Engine | None = None,
    ) -> None:
        #: The primary: every write, and every read inside a write.
        self.engine = engine
        #: Reads that may lag by seconds (reports, dashboard, readiness, exports, list reads): a hot
        #: standby when ``SUPPLIES_READ_DATABASE_URL`` names one, else the primary itself.
        self.read_engine = read_engine if read_engine is not None else engine
        self.user = user
        #: Act on this jurisdiction and below only (one of the user's own): see :func:`~supplies.permissions.narrowed`.
        self.jurisdiction = jurisdiction

    # -- service namespaces ----------------------------------------------------------------
    # Each imports its module on first use, so that a command pays only for what it uses:
    # `stock list` never imports argon2 (users), SciPy (allocation) or openpyxl (reports).
    @cached_property
    def agencies(self) -> Agencies:
        from .services.catalog.service import Agencies

        return Agencies(self)

    @cached_property
    def classes(self) -> SupplyClasses:
        from .services.catalog.service import SupplyClasses

        return SupplyClasses(self)

    @cached_property
    def items(self) -> Items:
        from .services.catalog.service import Items

        return Items(self)

    @cached_property
    def points(self) -> StoragePoints:
        from .services.places.points import StoragePoints

        return StoragePoints(self)

    @cached_property
    def map(self) -> MapLayers:
        """The map layers as GeoJSON: points with stock per class, incidents, township readiness, reach."""
        from .services.places.geojson import MapLayers

        return MapLayers(self)

    @cached_property
    def regions(self) -> Regions:
        from .services.places.regions import Regions

        return Regions(self)

    @cached_property
    def stock(self) -> Stock:
        from .services.stock.commands import Stock

        return Stock(self)

    @cached_property
    def targets(self) -> ReserveTargets:
        from .services.stock.targets import ReserveTargets

        return ReserveTargets(self)

    @cached_property
    def users(self) -> Users:
        from .services.users.accounts import Users

        return Users(self)

    @cached_property
    def tokens(self) -> Tokens:
        from .services.users.tokens import Tokens

        return Tokens(self)

    @cached_property
    def login_limit(self) -> LoginLimit:
        from .services.users.logins import LoginLimit

        return LoginLimit(self)

    @cached_property
    def incidents(self) -> Incidents:
        from .services.dispatch.incidents import Incidents

        return Incidents(self)

    @cached_property
    def requests(self) -> DispatchRequests:
        from .services.dispatch.commands import DispatchRequests

        return DispatchRequests(self)

    @cached_property
    def contracts(self) -> Contracts:
        from .services.contracts.service import Contracts

        return Contracts(self)

    @cached_property
    def donors(self) -> Donors:
        from .services.donations.service import Donors

        return Donors(self)

    @cached_property
    def donations(self) -> Donations:
        from .services.donations.service import Donations

        return Donations(self)

    @cached_property
    def requisitions(self) -> Requisitions:
        from .services.requisitions.service import Requisitions

        return Requisitions(self)

    @cached_property
    def units(self) -> Units:
        from .services.equipment.units import Units

        return Units(self)

    @cached_property
    def maintenance(self) -> Maintenance:
        from .services.equipment.maintenance import Maintenance

        return Maintenance(self)

    @cached_property
    def travel_times(self) -> TravelTimes:
        from .services.places.travel import TravelTimes

        return TravelTimes(self)

    @cached_property
    def catalog(self) -> StandardCatalog:
        from .services.catalog.standard import StandardCatalog

        return StandardCatalog(self)

    @cached_property
    def imports(self) -> Imports:
        from .services.io.imports import Imports

        return Imports(self)

    @cached_property
    def exports(self) -> Exports:
        from .services.io.exports import Exports

        return Exports(self)

    @cached_property
    def reports(self) -> Reports:
        from .services.reports.builders import Reports

        return Reports(self)

    @cached_property
    def submissions(self) -> Submissions:
        from .services.reports.submissions import Submissions

        return Submissions(self)

    @cached_property
    def readiness(self) -> Readiness:
        from .services.readiness.check import Readiness

        return Readiness(self)

    @cached_property
    def households(self) -> Households:
        from .services.relief.households import Households

        return Households(self)

    @cached_property
    def entitlements(self) -> Entitlements:
        from .services.relief.entitlements import Entitlements

        return Entitlements(self)

    @cached_property
    def distribution(self) -> Distributions:
        from .services.relief.distribution import Distributions

        return Distributions(self)

    @cached_property
    def returns(self) -> Returns:
        from .services.relief.returns import Returns

        return Returns(self)

    @cached_property
    def relief_papers(self) -> ReliefPapers:
        from .services.relief.sheets import ReliefPapers

        return ReliefPapers(self)

    # -- handle ----------------------------------------------------------------------------
    def as_user(self, name: str, *, jurisdiction: str | None = None) -> Inventory:
        """The same database, acting as ``name``; ``jurisdiction`` narrows the user's scope to that
        jurisdiction and below (one of its own; refused otherwise)."""
        return Inventory(self.engine, name, jurisdiction=jurisdiction, read_engine=self.read_engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self) -> str:
        """Create or upgrade the schema through the Alembic migrations; return the new revision."""
        from .migrate import upgrade

        return upgrade(self.engine)

    def check_ready(self) -> None:
        """Raise :class:`DatabaseNotReady` unless the schema is at the newest revision."""
        from .migrate import head_revision

        if not inspect(self.engine).has_table("alembic_version"):
            raise DatabaseNotReady(t("{url} has no schema: run `supplies init` or Inventory.upgrade()", url=self.url))
        with self.engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != head_revision():
            raise DatabaseNotReady(
                t("{url} is at schema {current}; run `supplies init` to upgrade", url=self.url, current=current)
            )

    def backup(self, path: str, *, format: str | None = None) -> BackupInfo:
        "Write a consistent snapshot to ``path``: a SQLite file (SQLite) or JSON Lines (any database).\n        See :mod:`supplies.services.io.backup`."
        from .services.io.backup import backup

        return backup(self, path, format=format)

    def restore(self, path: str) -> BackupInfo:
        """Restore a backup into this database, which must be empty (its schema is created if missing)."""
        from .services.io.backup import restore

        return restore(self, path)

    def close(self) -> None:
        """Release the connection pools."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Inventory {self.url} as {self.user or '-'}>"


def open(
    url: str | None = None,
    *,
    user: str | None = None,
    upgrade: bool = False,
    echo: bool = False,
    read_url: str | None = None,
) -> Inventory:
    """Open the inventory at ``url`` (else ``SUPPLIES_DATABASE_URL``, else ``./supplies.db``).

    ``user`` is the acting user for every operation. ``upgrade=True`` creates or upgrades the
    schema first (what ``supplies init`` does). ``read_url`` (else ``SUPPLIES_READ_DATABASE_URL``)
    names a hot standby for the reads that may lag; without it the primary serves them.
    """
    engine = make_engine(database_url(url), echo=echo)
    replica = read_database_url(read_url)
    read_engine = make_engine(replica, echo=echo) if replica else None
    inv = Inventory(engine, user, read_engine=read_engine)
    if upgrade:
        inv.upgrade()
    return inv
