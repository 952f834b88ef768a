"""`supplies import KIND FILE`, `supplies import template KIND` and `supplies export KIND FILE`: spreadsheets in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .context import App, pass_app

# The kinds of supplies.services.io_columns (copied: importing the library costs half a second).
KINDS = (
    "agencies",
    "points",
    "classes",
    "items",
    "stock",
    "targets",
    "contracts",
    "donors",
    "donations",
    "requisitions",
)
# The kinds whose rows write ledger lines (the import says how many).
LEDGER_KINDS = ("stock", "contracts", "donations", "requisitions")
LANGS = ("en", "zh")
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")


class DefaultGroup(click.Group):
    """A group that runs its default subcommand when the first word is not one of its subcommands,
    so that ``import stock FILE`` and ``import template stock`` both read naturally."""

    default = "file"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


@click.group("import", cls=DefaultGroup)
def import_group() -> None:
    """Import a CSV or XLSX file: supplies import KIND FILE.

    \b
    KIND is agencies, points, classes, items, stock, targets, contracts,
    donors, donations or requisitions. CSV may be
    UTF-8 (with or without BOM) or GB18030; headers English or Chinese.
    Every row is checked first: one bad row and nothing is written, with a
    report of row, column and reason for every problem.
    Stock rows are receipts (入库): each adds to its lot with a ledger line.
    Contracts are signed, donations received and requisitions recorded
    through their own services, rules and ledger lines; what exists
    already is left unchanged when identical, else reported.

    \b
    supplies import stock 2025年入库.xlsx
    supplies import template stock 入库模板.xlsx --lang zh
    """


@import_group.command("file", hidden=True)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", type=click.Choice(ENCODINGS), help="CSV encoding (default: detected).")
@click.option("--dry-run", is_flag=True, help="Check everything and write nothing.")
@click.option("--keep-existing", is_flag=True, help="Leave records that exist already as they are.")
@click.option("--historical", is_flag=True, help="Stock received in the past: allow expiry dates before today.")
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the problems of a bad file to this CSV.",
)
@pass_app
def import_file(
    app: App,
    kind: str,
    file: Path,
    encoding: str | None,
    dry_run: bool,
    keep_existing: bool,
    historical: bool,
    errors_file: Path | None,
) -> None:
    """Import FILE of KIND."""
    from supplies.services.io.imports import ImportRejected

    inv = app.inventory()
    with app.out.progress(f"importing {file.name}") as update:
        try:
            result = inv.imports.file(
                kind,
                file,
                encoding=encoding,
                dry_run=dry_run,
                update_existing=not keep_existing,
                historical=historical,
                progress=lambda stage, done, total: update(done, total),
            )
        except ImportRejected as err:
            total = len(err.problems) + err.more
            if errors_file is not None:
                err.write_report(errors_file)
                first = f" (the first of {total:,})" if err.more else ""
                app.out.note(f"wrote {len(err.problems)} problems{first} to {errors_file}")
            if not app.out.json_mode:
                app.out.table(
                    ["row", "column", "value", "reason"],
                    [(p.row, p.column, p.value, p.reason) for p in err.problems[:200]],
                    title=f"{file.name}: nothing was imported",
                )
                if total > 200:
                    listed = "them all" if not err.more else f"the first {len(err.problems)}"
                    app.out.note(f"... and {total - 200:,} more (--errors FILE writes {listed})")
            # One line for the person (the table said the rest); every problem in the JSON document.
            app.out.error(
                err.reason,
                kind=type(err).__name__,
                field=err.field,
                reason=err.reason,
                exit_code=err.exit_code,
                errors=err.errors,
            )
            click.get_current_context().exit(err.exit_code)
    what = "would import" if dry_run else "imported"
    extra = f", {result.movements} ledger lines" if kind in LEDGER_KINDS else ""
    app.out.result(
        result,
        f"{what} {result.rows} rows of {kind} from {file.name}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged{extra}",
    )


@import_group.command("template")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Header language.")
@pass_app
def import_template(app: App, kind: str, file: Path | None, lang: str) -> None:
    """Write an empty file with the columns of KIND (default: KIND-template.xlsx)."""
    path = file or Path(f"{kind}-template.xlsx")
    _exports(app).template(kind, path, lang=lang)
    app.out.result({"kind": kind, "file": str(path), "lang": lang}, f"wrote the {kind} template to {path}")


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", is_flag=True, help="Only the header row (an empty template to fill in).")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="en",
    show_default=True,
    help="Headers and closed values (县级, 实物储备 ...) in English or Chinese.",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS),
    default="utf-8-sig",
    show_default=True,
    help="CSV encoding (utf-8-sig opens correctly in Excel).",
)
@pass_app
def export(app: App, kind: str, file: Path, template: bool, lang: str, encoding: str) -> None:
    """Export KIND to FILE (.csv or .xlsx); the import reads it back unchanged.

    \b
    supplies export stock 库存.xlsx --lang zh
    supplies export points points.csv --encoding gb18030
    """
    exports = _exports(app)
    if template:
        exports.template(kind, file, lang=lang, encoding=encoding)
        app.out.result({"kind": kind, "file": str(file), "rows": 0}, f"wrote the {kind} template to {file}")
        return
    rows = exports.file(kind, file, lang=lang, encoding=encoding)
    app.out.result({"kind": kind, "file": str(file), "rows": rows}, f"wrote {rows} {kind} to {file}")


def _exports(app: App) -> Any:
    return app.inventory().exports
