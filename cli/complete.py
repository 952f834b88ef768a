"""Shell completion of codes (points, items, classes, agencies) read from the database the command would use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem

_LISTS: dict[str, Callable[[Any], list[Any]]] = {
    "point": lambda inv: inv.points.list(),
    "item": lambda inv: inv.items.list(),
    "class": lambda inv: inv.classes.list(),
    "agency": lambda inv: inv.agencies.list(),
}


def codes(kind: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A ``shell_complete`` callback offering the codes of ``kind`` that start with what was typed."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from .context import App

        root = ctx.find_root().params
        app = App(db=root.get("db"), user_option=root.get("user"))
        try:
            rows = _LISTS[kind](app.inventory())
        except Exception:  # completion must never print an error into the user's command line
            return []
        finally:
            app.close()
        return [CompletionItem(r.code, help=r.name) for r in rows if r.code.startswith(incomplete)]

    return complete


POINT = codes("point")
ITEM = codes("item")
CLASS = codes("class")
AGENCY = codes("agency")
