"""The national standard catalog shipped with the package, loaded through the ordinary import path."""

from __future__ import annotations

from dataclasses import dataclass

from ...data import SOURCES, SUPPLY_CATALOG, read_csv, read_text
from ...models import Agency
from ..base import Service, by_code
from ..results import Result


@dataclass(frozen=True)
class StandardLoad(Result):
    """What loading the standard catalog did; a second load adds nothing."""

    agency: str
    classes_added: int
    items_added: int
    already_present: int
    norms_added: int


class StandardCatalog(Service):
    """The standard classification (``supply_catalog.csv``) and norms: ``inv.catalog``."""

    def rows(self) -> list[dict[str, str]]:
        """The shipped catalog rows: code, level, parent_code, name_zh, name_en, unit_zh, unit_en."""
        return read_csv(SUPPLY_CATALOG)

    def sources(self) -> str:
        """Where every shipped figure and code comes from (``SOURCES.md``)."""
        return read_text(SOURCES)

    def load_standard(self, agency: str, *, norms: bool = True) -> StandardLoad:
        """Load the standard classes and items, held by ``agency`` until handed over.

        Codes stay exactly as in the file (``PLAN14:3.01`` is the 12 m² single tent); rows with
        a unit become items under their parent class, the others classes. Classes and items
        already present are left as they are, so loading twice changes nothing. With ``norms``
        the shipped readiness norms, which name these items, are loaded as well.
        """
        with self._work(write=False) as (s, _):
            by_code(s, Agency, agency, "agency")
        rows = self.rows()
        classes = [
            dict(
                code=r["code"],
                name=r["name_zh"],
                name_en=r["name_en"] or None,
                agency=agency,
                parent=r["parent_code"] or None,
            )
            for r in rows
            if not r["unit_zh"]
        ]
        items = [
            dict(
                code=r["code"],
                name=r["name_zh"],
                name_en=r["name_en"] or None,
                supply_class=r["parent_code"],
                unit=r["unit_zh"],
            )
            for r in rows
            if r["unit_zh"]
        ]
        ref = "standard-catalog"
        c = self._inv.imports.rows("classes", classes, update_existing=False, reference=ref)
        i = self._inv.imports.rows("items", items, update_existing=False, reference=ref)
        added = self._inv.readiness.load_default_norms() if norms else 0
        return StandardLoad(agency, c.added, i.added, c.unchanged + i.unchanged, added)

    def load_norms(self) -> int:
        """Add the shipped readiness norms missing from the table; returns how many were added."""
        return self._inv.readiness.load_default_norms()
