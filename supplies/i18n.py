"""Messages in the user's language: English templates with named parameters, said in Chinese from a gettext catalog.

The core writes every message a person reads as ``t("no lot of {item} at {point}", item=..., point=...)``.
That is a :class:`Message`: a ``str`` that reads in English (so logs, ``str(error)`` and tests
see English), and that remembers its template and parameters, so :func:`translate` can say it
in Chinese from ``supplies/locale/zh_Hans_CN/LC_MESSAGES/supplies.mo`` (the standard library's
gettext reads it; no Flask, no Babel at run time). The CLI picks the language from ``--lang`` or
``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``; the web from the user's choice.

Texts stored in the database in English (a request's history notes) are said in Chinese by
matching them against the catalog's templates (:func:`translate`).
"""

from __future__ import annotations

import gettext
import os
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "supplies"
CHINESE = "zh_Hans_CN"
LANGUAGES = ("en", CHINESE)

_language: ContextVar[str] = ContextVar("supplies_language", default="en")


class _Keep(dict[str, Any]):
    """Parameters for a template; a placeholder not given stays as it is (marshmallow fills it later)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Keep(params))
    except (ValueError, IndexError, KeyError, TypeError):
        return template


class Message(str):
    """An English message that keeps its template and parameters, to be said in another language.

    ``format()`` (as marshmallow's validators call it on their error message) fills the
    remaining placeholders and keeps the template, so the filled message still translates.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Message:
        given = dict(params or {})
        obj = super().__new__(cls, _fill(template, given))
        obj.template = template
        obj.params = given
        return obj

    def format(self, *args: Any, **kwargs: Any) -> Message:
        if not kwargs:
            return self
        return Message(self.template, {**self.params, **kwargs})

    @property
    def code(self) -> str:
        """A stable name for the message: its template's words, without the parameters."""
        words = re.sub(r"\{[^}]*\}", " ", self.template)
        return "_".join(re.findall(r"[a-z0-9]+", words.lower()))[:60] or "message"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.params))


def t(template: str, **params: Any) -> Message:
    """A message a person reads: ``template`` in English with ``{name}`` placeholders filled from ``params``."""
    return Message(template, params)


def normalise(language: str | None) -> str:
    """``zh``, ``zh_CN``, ``zh-Hans``, ``zh_CN.UTF-8`` ... -> ``zh_Hans_CN``; anything else -> ``en``."""
    if not language:
        return "en"
    return CHINESE if language.strip().lower().replace("-", "_").startswith("zh") else "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the POSIX locale variables ask for (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value and value not in ("C", "POSIX"):
            return normalise(value)
    return "en"


def current_language() -> str:
    return _language.get()


def set_language(language: str | None) -> str:
    """Say messages in ``language`` from now on in this context (a command-line run); return it."""
    _language.set(normalise(language))
    return _language.get()


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Say messages in ``language`` inside the block (per thread and per request: a context variable)."""
    token = _language.set(normalise(language))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


@lru_cache(maxsize=4)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True)


def translate(text: Any, language: str | None = None) -> str:
    """``text`` in ``language`` (default: the current one): a :class:`Message`, a catalog text, or as it is."""
    lang = normalise(language) if language else current_language()
    if text is None:
        return ""
    if lang == "en":
        return str(text)
    catalog = _catalog(lang)
    if isinstance(text, Message):
        said = catalog.gettext(text.template)
        return _fill(said, {k: _param(v, lang) for k, v in text.params.items()})
    plain = str(text)
    said = catalog.gettext(plain)
    if said != plain:
        return said
    stored = _stored_templates(lang).match(plain)
    return stored if stored is not None else plain


def _param(value: Any, lang: str) -> Any:
    return translate(value, lang) if isinstance(value, Message) else value


class _Templates:
    """Every template of a catalog as a pattern, to say stored English texts in its language."""

    def __init__(self, catalog: gettext.NullTranslations) -> None:
        messages: dict[str, str] = getattr(catalog, "_catalog", {})  # GNUTranslations keeps them here
        self.patterns: list[tuple[re.Pattern[str], str, list[str]]] = []
        for msgid, msgstr in messages.items():
            if not isinstance(msgid, str) or "{" not in msgid or not msgstr:
                continue
            names: list[str] = []
            parts = []
            for literal, field, _spec, _conv in string.Formatter().parse(msgid):
                parts.append(re.escape(literal))
                if field is not None:
                    if not field.isidentifier() or field in names:
                        break
                    names.append(field)
                    parts.append(f"(?P<{field}>.+?)")
            else:
                self.patterns.append((re.compile("^" + "".join(parts) + "$", re.S), msgstr, names))
        self.patterns.sort(key=lambda p: -len(p[0].pattern))  # the most specific first

    def match(self, text: str) -> str | None:
        for pattern, said, _names in self.patterns:
            found = pattern.match(text)
            if found:
                plain = re.sub(r"\{(\w+)(![rsa])?(:[^{}]*)?\}", r"{\1}", said)  # the values are text already
                return _fill(plain, {k: _strip_repr(v) for k, v in found.groupdict().items()})
        return None


def _strip_repr(value: str) -> str:
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] == "'" else value


@lru_cache(maxsize=4)
def _stored_templates(language: str) -> _Templates:
    return _Templates(_catalog(language))


__all__ = [
    "CHINESE",
    "LANGUAGES",
    "Message",
    "current_language",
    "language_from_environment",
    "normalise",
    "set_language",
    "t",
    "translate",
    "use_language",
]
