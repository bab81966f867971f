"""The report's settings: a client's TOML file, command-line overrides, one check.

A client file (``omnimkt report --config client.toml``) holds the report settings
``title``, ``client``, ``lang``, ``currency`` and a ``[labels]`` table, and every
assumption of the analysis (contact cost, success rate, margin, thresholds, ladder,
consumption rates ...) as the other keys. Explicit arguments override the file.
The assumptions are checked by :func:`omnimkt.report_sections.config.resolve_config`
before any kernel starts, so a wrong key fails in a second, not after a minute.

Examples
--------
>>> s = report_settings({"lang": "en", "title": "Q3 <review>"}, title=None, lang=None)
>>> s.lang, s.title
('en', 'Q3 <review>')
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omnimkt._gate import check_choice
from omnimkt.errors import ModelError

__all__ = ["LANGS", "ReportSettings", "load_config", "parse_labels", "report_settings"]

#: Report languages.
LANGS: tuple[str, ...] = ("zh", "en")
#: Report settings a config file may hold beside the assumptions.
SETTING_KEYS: tuple[str, ...] = ("title", "client", "lang", "currency", "labels")
_DEFAULT_TITLE = {"zh": "客户数据分析报告", "en": "Customer data report"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ReportSettings:
    """Checked report settings; ``assumptions`` is the mapping passed to the template."""

    title: str
    client: str
    lang: str
    currency: str
    labels: dict[str, Any] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)


def load_config(config: str | os.PathLike | Mapping[str, Any] | None) -> dict[str, Any]:
    """The raw settings of a TOML file or mapping (``{}`` for None).

    Examples
    --------
    >>> load_config({"margin": 0.3})
    {'margin': 0.3}
    >>> load_config(3)
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: config: expected a path to a TOML file or a mapping, got int (3).
    """
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    if not isinstance(config, str | os.PathLike):
        raise ModelError(f"config: expected a path to a TOML file or a mapping, got "
                         f"{type(config).__name__} ({config!r:.60}).")
    path = Path(config)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise ModelError(f"config: {str(path)!r} {what}; pass a TOML file such as client.toml.")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"config: {str(path)!r} is not valid TOML ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"config: cannot read {str(path)!r} ({exc}).") from None


def parse_labels(labels: str | os.PathLike | Mapping[str, Any] | None) -> dict[str, Any]:
    """Display labels from a mapping, a JSON/TOML file or JSON text, checked.

    Keys are codes (``store_visit``) and values their labels (``门店到访``); a value
    may also be a table of such pairs (e.g. per kind: ``{"channel": {...}}``).

    Examples
    --------
    >>> parse_labels('{"store_visit": "门店到访"}')
    {'store_visit': '门店到访'}
    >>> parse_labels('["门店"]')
    Traceback (most recent call last):
    ...
    omnimkt.errors.ModelError: labels: expected a mapping {code: label}, got list (['门店']).
    """
    if labels is None:
        return {}
    if isinstance(labels, str | os.PathLike) and not isinstance(labels, Mapping):
        labels = _labels_source(labels)
    if not isinstance(labels, Mapping):
        raise ModelError(f"labels: expected a mapping {{code: label}}, got "
                         f"{type(labels).__name__} ({labels!r:.60}).")
    for key, value in labels.items():
        inner = value.items() if isinstance(value, Mapping) else [(key, value)]
        for k, v in inner:
            if not isinstance(k, str) or not isinstance(v, str):
                raise ModelError(f"labels: {k!r} -> {v!r}: codes and labels must be text.")
    return {k: dict(v) if isinstance(v, Mapping) else v for k, v in labels.items()}


def _labels_source(labels: str | os.PathLike) -> Any:
    text = str(labels)
    path = Path(text)
    looks_like_file = not text.lstrip().startswith(("{", "[", '"')) and len(text) < 4096
    if looks_like_file and path.is_file():
        if path.suffix.lower() == ".toml":
            return load_config(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelError(f"labels: cannot read {text!r} ({exc}).") from None
    elif looks_like_file and not text.lstrip().startswith(("{", "[")):
        raise ModelError(f"labels: {text!r} is neither a file nor JSON text; pass e.g. "
                         """'{"store_visit": "门店到访"}' or labels.json.""")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"labels: not valid JSON ({exc}).") from None


def _text_setting(value: Any, name: str, *, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise ModelError(f"{name}: expected text, got {type(value).__name__} ({value!r:.60}).")
    value = value.strip()
    if not value and not allow_empty:
        raise ModelError(f"{name}: must not be empty.")
    if _CONTROL.search(value):
        raise ModelError(f"{name}: {value!r:.80} holds a line break or control character; "
                         "use one line of text.")
    if len(value) > 200:
        raise ModelError(f"{name}: {len(value)} characters is too long (at most 200).")
    return value


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ModelError(f"currency: expected a three-letter ISO 4217 code such as 'CNY', "
                         f"'USD' or 'EUR', got {value!r:.40}.")
    return value.strip().upper()


def report_settings(config: str | os.PathLike | Mapping[str, Any] | None = None,
                    **overrides: Any) -> ReportSettings:
    """The checked settings: ``config`` (file or mapping) with non-None ``overrides`` on top.

    ``overrides`` may hold ``title``, ``client``, ``lang``, ``currency`` and ``labels``.
    The assumptions (every other key of ``config``) are returned as given; the
    report checks them with ``resolve_config``.
    """
    raw = load_config(config)
    unknown = set(overrides) - set(SETTING_KEYS)
    if unknown:
        raise TypeError(f"report_settings got unexpected keyword(s) {sorted(unknown)}")
    merged = {k: raw.get(k) for k in SETTING_KEYS}
    merged.update({k: v for k, v in overrides.items() if v is not None})
    lang = check_choice(merged["lang"] if merged["lang"] is not None else "zh", "lang", LANGS)
    title = merged["title"] if merged["title"] is not None else _DEFAULT_TITLE[lang]
    return ReportSettings(
        title=_text_setting(title, "title", allow_empty=False),
        client=_text_setting(merged["client"] or "", "client", allow_empty=True),
        lang=lang,
        currency=_currency(merged["currency"] if merged["currency"] is not None else "CNY"),
        labels=parse_labels(merged["labels"]),
        assumptions={k: v for k, v in raw.items() if k not in SETTING_KEYS},
    )
