"""A request's lines on the create form: rows of code and quantity, and text pasted from a spreadsheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field

MAX_LINES = 500
_MAX_DIGITS = 12  # far above any quantity the core accepts; int() of a huge digit string is refused early

# A separator: white space (tabs, full-width spaces), a comma, "=", a colon or a full-width colon.
_SEP = r"\s,，=＝:："
_LINE = re.compile(rf"^(?P<code>.*[^{_SEP}])[{_SEP}]+(?P<qty>\d+)$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


@dataclass(frozen=True)
class Line:
    """A line as typed or pasted: where it came from (1-based) and its code and quantity."""

    number: int
    code: str
    quantity: int


@dataclass(frozen=True)
class Problem:
    """A line that could not be read, and why."""

    number: int
    text: str
    reason: str


def split_lines(text: str) -> tuple[list[Line], list[Problem]]:
    """Read ``CODE<sep>QTY`` lines (sep: white space, tab, comma, ``=``, ``:`` or ``：``).

    Codes may contain ``:`` (``PLAN14:3.05 300``, ``PLAN14:3.05:300``): a line splits on the last
    separator before a trailing whole number. Rows copied from a spreadsheet (cells separated by
    tabs) take the first cell as the code and the last as the quantity, which may carry thousands
    separators (``1,000``). Empty lines are skipped.
    """
    lines: list[Line] = []
    problems: list[Problem] = []
    raw_lines = (text or "").replace("\ufeff", "").splitlines()
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if len(lines) + len(problems) >= MAX_LINES:
            problems.append(Problem(number, line[:80], _("at most %(n)d lines at once", n=MAX_LINES)))
            break
        parsed = _one(line)
        if isinstance(parsed, str):
            problems.append(Problem(number, line[:80], parsed))
        else:
            lines.append(Line(number, *parsed))
    return lines, problems


def _one(line: str) -> tuple[str, int] | str:
    """(code, quantity), or why the line cannot be read."""
    code, qty = None, None
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    if len(cells) >= 2 and (cells[-1].isdigit() or _THOUSANDS.match(cells[-1])):
        code, qty = cells[0], cells[-1].replace(",", "")
    else:
        match = _LINE.match(line)
        if match:
            code, qty = match.group("code").strip(), match.group("qty")
    if code is None or qty is None:
        if line.isdigit():
            return _("a quantity without a code")
        return _("write a code and a whole quantity, e.g. PLAN14:3.05 300")
    if len(qty) > _MAX_DIGITS:
        return _("the quantity %(qty)s is too large", qty=qty[:_MAX_DIGITS] + "…")
    quantity = int(qty)
    if quantity < 1:
        return _("the quantity must be 1 or more")
    return code, quantity


class LineRowsWidget:
    """Rows of a code field (Select2 finds items and classes as you type), a quantity and a remove
    button, with a button that adds a row. Without JavaScript the code fields are plain text boxes."""

    def __call__(self, field: LineRowsField, **kwargs: Any) -> Markup:
        rows = list(field.rows) or [("", "")]
        labels = field.labels or {}
        body = Markup("").join(_row(field.name, code, qty, labels.get(code, "")) for code, qty in rows)
        template = _row(field.name, "", "", "")
        return Markup(
            '<div id="line-rows" class="line-rows" data-search-url="{search}" data-parse-url="{parse}" '
            'data-remove="{remove}" data-placeholder="{placeholder}">'
            '<table class="table table-sm mb-1"><thead><tr><th>{code}</th><th style="width:10em">{qty}</th>'
            '<th style="width:3em"></th></tr></thead><tbody>{body}</tbody></table>'
            '<template id="line-row-template">{template}</template>'
            '<button type="button" class="btn btn-outline-secondary btn-sm" id="line-add">'
            '<i class="fa fa-plus"></i> {add}</button></div>'
        ).format(
            search=url_for(".codes"),
            parse=url_for(".parse_lines_json"),
            remove=_("Remove this line"),
            placeholder=_("Type a code or a name"),
            code=_("Item or supply class"),
            qty=_("Quantity"),
            body=body,
            template=template,
            add=_("Add a line"),
        )


def _row(name: str, code: str, qty: str, label: str) -> Markup:
    return Markup(
        '<tr class="line-row"><td><input type="text" class="form-control form-control-sm line-code" '
        'name="{name}-code" value="{code}" data-label="{label}" maxlength="40" autocomplete="off"></td>'
        '<td><input type="number" class="form-control form-control-sm line-qty" name="{name}-qty" '
        'value="{qty}" min="1" step="1"></td>'
        '<td><button type="button" class="btn btn-sm btn-outline-danger line-remove" title="{remove}">'
        "&times;</button></td></tr>"
    ).format(name=name, code=code, qty=qty, label=label or code, remove=_("Remove this line"))


class LineRowsField(Field):
    """The rows of a request's lines, read from the repeated ``<name>-code`` and ``<name>-qty`` inputs."""

    widget = LineRowsWidget()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.rows = []
        if formdata is not None:
            codes = formdata.getlist(f"{self.name}-code")[: MAX_LINES + 1]
            qtys = formdata.getlist(f"{self.name}-qty")[: MAX_LINES + 1]
            self.rows = [(str(c).strip(), str(q).strip()) for c, q in zip_longest(codes, qtys, fillvalue="")]
        self.data = self.rows

    def lines(self) -> tuple[list[Line], list[Problem]]:
        """The filled rows as lines (numbered from 1 as shown); a half-filled row is a problem."""
        lines: list[Line] = []
        problems: list[Problem] = []
        if len(self.rows) > MAX_LINES:
            return [], [Problem(MAX_LINES + 1, "", _("at most %(n)d lines at once", n=MAX_LINES))]
        for number, (code, qty) in enumerate(self.rows, start=1):
            if not code and not qty:
                continue
            if not code:
                problems.append(Problem(number, qty, _("choose an item or supply class")))
            elif not qty:
                problems.append(Problem(number, code, _("give a quantity")))
            elif not (qty.isascii() and qty.isdigit()) or len(qty) > _MAX_DIGITS:
                problems.append(Problem(number, f"{code} {qty}"[:80], _("the quantity must be a whole number")))
            elif int(qty) < 1:
                problems.append(Problem(number, f"{code} {qty}", _("the quantity must be 1 or more")))
            else:
                lines.append(Line(number, code, int(qty)))
        return lines, problems


def describe(match: Any) -> str:
    """How a found item or class is shown in a code field: code, name, and unit or "class"."""
    tail = match.unit if match.kind == "item" else _("class")
    return f"{match.code} {match.name} ({tail})" if tail else f"{match.code} {match.name}"
