"""Pick lists and delivery notes as one print-ready HTML page (A4, a sheet each), for the CLI and the web admin."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .documents import (
    LABELS,
    PickDocument,
    local_time,
    qr_svg,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_documents(
    docs: list[PickDocument],
    *,
    labels: Mapping[str, Any] | None = None,
    when: Callable[[datetime | None], str] = local_time,
    lang: str = "zh-CN",
    back_url: str | None = None,
    title: str | None = None,
) -> str:
    """The documents as one HTML page: a sheet per document with the request's QR code (inline SVG),
    the lines with batch and expiry, the total and the signature lines. ``labels`` replaces the
    default (bilingual) words; ``when`` formats times."""
    words = {**LABELS, **{k: str(v) for k, v in (labels or {}).items()}}
    codes = {d.number: Markup(qr_svg(d.number)) for d in docs}
    if title is None:
        kind = docs[0].kind if docs else "pick"
        title = f"{words[kind]} #{docs[0].request_id}" if docs else words[kind]
    return (
        _environment()
        .get_template("pick_documents.html")
        .render(
            docs=docs,
            t=words,
            qr=codes,
            when=when,
            lang=lang,
            back_url=back_url,
            title=title,
            generated=when(datetime.now(UTC)),
        )
    )
