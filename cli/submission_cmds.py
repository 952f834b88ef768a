"""`supplies report {submit,submissions,receive,download,keygen}`: reporting the ledger upward (报送).

The commands hang in the `report` group (cli/report_cmds.py adds them); they are kept here so
that the reports proper and reporting upward change apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .context import App, pass_app

PERIOD_HELP = "2026 (a year), 2026-Q4 (a quarter) or 2026-11 (a month)."
OUT_FILE = click.Path(dir_okay=False, path_type=Path)
IN_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


def _show_submission(app: App, sub: Any) -> None:
    pairs: list[tuple[str, Any]] = [
        ("jurisdiction", f"{sub.jurisdiction} {sub.jurisdiction_name}"),
        ("period", sub.period),
        ("version", sub.version),
        ("sha256", sub.sha256),
        ("submitted by", sub.submitted_by),
        ("submitted at", sub.submitted_at),
        ("due on", sub.due_on),
        ("on time", "yes" if sub.on_time else "no (late)"),
        ("source", sub.source + (", signed" if sub.signed else "")),
    ]
    if sub.file:
        pairs.append(("file", sub.file))
    app.out.fields(pairs)


@click.command("submit")
@click.option("--period", required=True, metavar="PERIOD", help=PERIOD_HELP)
@click.option("--jurisdiction", metavar="CODE", help="Submit for this jurisdiction (default: your own).")
@click.option("--out", type=OUT_FILE, help="Also write the submission as a signed file for the parent's installation.")
@click.option(
    "--key", type=IN_FILE, metavar="KEYFILE", help="The private key that signs --out (supplies report keygen)."
)
@pass_app
def submit(app: App, period: str, jurisdiction: str | None, out: Path | None, key: Path | None) -> None:
    """Submit (报送) the ledger of your jurisdiction for PERIOD, frozen as its next version.

    \b
    The ledger by storage point and item (opening, each kind of movement, closing) is
    kept as canonical JSON with its SHA-256 and can no longer change; a correction is
    a new version. An installation not connected to its parent's writes it as a
    signed file too, which the parent records with `supplies report receive FILE`:
    supplies report submit --period 2026-Q4 --out 惠水县-2026Q4.json --key hs.pem
    """
    if (out is None) != (key is None):
        raise click.UsageError("--out and --key go together: the file is signed with the key")
    if key is not None:
        from supplies.services.reports.submissions import load_private_key

        load_private_key(key)  # a wrong key is refused before anything is submitted
    inv = app.inventory()
    sub = inv.submissions.submit(period, jurisdiction=jurisdiction)
    if out is not None and key is not None:
        sub = inv.submissions.export(sub.period, out, key, jurisdiction=sub.jurisdiction, version=sub.version)
    app.out.result(sub, lambda: _show_submission(app, sub))


@click.command("submissions")
@click.option("--period", required=True, metavar="PERIOD", help=PERIOD_HELP)
@click.option("--jurisdiction", metavar="CODE", help="The children of this jurisdiction (default: your own).")
@pass_app
def submissions(app: App, period: str, jurisdiction: str | None) -> None:
    """Each child jurisdiction's submission for PERIOD: submitted, late or missing.

    \b
    A submission is due 15 days after the period's last day; the latest version counts.
    """
    from supplies.services.reports.submissions import parse_period

    due_on = parse_period(period).due_on
    rows = app.inventory().submissions.status(period, jurisdiction=jurisdiction)
    doc = {"period": parse_period(period).text, "due_on": due_on, "jurisdictions": rows}

    def show() -> None:
        app.out.table(
            ["jurisdiction", "name", "status", "version", "submitted at", "by", "source", "sha256"],
            [
                [
                    r.jurisdiction,
                    r.name,
                    r.status,
                    r.version,
                    r.submitted_at,
                    r.submitted_by,
                    r.source,
                    (r.sha256 or "")[:12],
                ]
                for r in rows
            ],
            empty="no jurisdiction reports to this one",
        )
        app.out.note(f"due on {due_on.isoformat()}")

    app.out.result(doc, show)


@click.command("receive")
@click.argument("file", type=IN_FILE)
@pass_app
def receive(app: App, file: Path) -> None:
    """Record the signed submission FILE of a child jurisdiction's installation.

    \b
    Refused, with nothing written: a file whose SHA-256 or signature does not match,
    from a jurisdiction this installation does not know or holds no key for
    (supplies region trust CODE --public-key KEY), or a version already here.
    """
    sub = app.inventory().submissions.receive(file)
    app.out.result(sub, lambda: _show_submission(app, sub))


@click.command("download")
@click.option("--period", required=True, metavar="PERIOD", help=PERIOD_HELP)
@click.option("--jurisdiction", metavar="CODE", help="Whose submission (default: your own jurisdiction's).")
@click.option("--version", "version", type=click.IntRange(min=1), help="This version (default: the latest).")
@click.option("--out", type=OUT_FILE, help="Write the content to this file (default: stdout).")
@pass_app
def download(app: App, period: str, jurisdiction: str | None, version: int | None, out: Path | None) -> None:
    """The content of a submission: its ledger as the canonical JSON that was hashed."""
    content = app.inventory().submissions.download(jurisdiction, period, version)
    if out is None:
        click.echo(content)
        return
    out.write_text(content, encoding="utf-8")
    app.out.result({"file": str(out), "bytes": len(content.encode())}, f"wrote {out}")


@click.command("keygen")
@click.option("--out", type=OUT_FILE, required=True, help="Write the private key here (never overwritten).")
@pass_app
def keygen(app: App, out: Path) -> None:
    """Make the key pair that signs this installation's submission files.

    \b
    The private key goes to --out, readable by you only; keep it with the database.
    The public key is printed: the parent's admin registers it with
    supplies region trust CODE --public-key KEY
    """
    from supplies.services.reports.submissions import fingerprint, keygen

    public = keygen(out)
    doc = {"file": str(out), "public_key": public, "fingerprint": fingerprint(public)}

    def show() -> None:
        click.echo(public)
        app.out.note(f"private key written to {out}; fingerprint {doc['fingerprint']}")
        app.out.note("register the public key at the parent: supplies region trust CODE --public-key KEY")

    app.out.result(doc, show)


COMMANDS = (submit, submissions, receive, download, keygen)
