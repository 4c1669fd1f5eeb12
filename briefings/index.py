"""``<out>/index.html``: a gallery of the configured briefings, one card each.

Each card shows the briefing's title, its description from reports.yml, what it covers in words
(side, origins, focus, exchange rates), its as-of date, the page count and a thumbnail of its
PDF's first page, when it was last built, and links: PDF, HTML, the figures as CSV, the notebook
last. A failed briefing says so, with the reason, and that the last good build is shown.

Everything shown comes from ``reports.yml`` and the manifest: the page count, thumbnail name,
as-of date and data version were recorded by the worker that built the briefing, so writing the
index after a build with nothing to do reads no PDF. The page is rendered by
``templates/index/index.html.j2`` in the shared autoescaping environment
(:mod:`briefings.templating`): a description or error message is text, never markup.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from .config import Config
from .ownership import INDEX, LOG, MANIFEST

TITLE = "Foreign-fighter recruitment briefings"
_SIDES = {"both": "Both sides", "russia": "Russia's side", "ukraine": "Ukraine's side"}
_FOCUS = {"all": "headcounts, pay and cost", "headcounts": "headcounts only", "pay": "pay only"}
#: The links of a card, in the order shown: the PDF and HTML first, the notebook last.
_LINKS = (("pdf", ".pdf", "PDF"), ("html", ".html", "HTML"), ("csv", "-figures.csv", "Data (CSV)"),
          ("notebook", ".ipynb", "Notebook"))


def _date_text(value: str) -> tuple[str, str]:
    """(ISO date or '', '31 Mar 2022' or the value as given)."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return "", value
    return day.isoformat(), f"{day.day} {day:%b %Y}"


def _time_text(value: str | None) -> tuple[str, str]:
    """(machine-readable UTC time or '', '31 Mar 2022 14:05 UTC' or ''); a time without a zone
    (the manifest's) is this machine's local time, shown in UTC like the build time."""
    try:
        when = dt.datetime.fromisoformat(value or "").astimezone(dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return "", value or ""
    return when.isoformat(timespec="seconds"), f"{when.day} {when:%b %Y %H:%M} UTC"


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def scope_words(parameters: dict) -> list[str]:
    """What a briefing covers, as a reader says it: side, origins, focus, exchange rates."""
    origins = parameters.get("origins", "all")
    if isinstance(origins, str):
        origins = [] if origins in ("all", "") else [origins]
    named = [str(o) for o in origins if o != "all"]
    return [_SIDES.get(str(parameters.get("side", "both")), str(parameters.get("side"))),
            f"recruits from {_words(named)}" if named else "all origins",
            _FOCUS.get(str(parameters.get("focus", "all")), str(parameters.get("focus"))),
            f"{parameters.get('fx_kind', 'market')} exchange rates"]


def _links(name: str, entry: dict) -> list[dict]:
    outputs = [o for o in entry.get("outputs", []) if isinstance(o, str)]
    links = []
    for kind, suffix, label in _LINKS:
        path = next((o for o in outputs if o == f"{name}/{name}{suffix}"), None)
        if path:
            links.append({"kind": kind, "label": label, "href": quote(path)})
    return links


def card(spec, entry: dict, data_version: str | None) -> dict:
    """What the template shows for one briefing (plain values: the template escapes them)."""
    as_of = entry.get("as_of") if entry.get("last_success") else None
    if as_of:
        as_of_iso, as_of_text = _date_text(as_of)
    elif spec.parameters.get("as_of", "latest") in ("latest", None, ""):
        as_of_iso, as_of_text = "", "latest reported (resolved when built)"
    else:
        as_of_iso, as_of_text = _date_text(str(spec.parameters["as_of"]))
    built_iso, built_text = _time_text(entry.get("last_success"))
    status = entry.get("status", "not built")
    links = _links(spec.name, entry) if entry.get("last_success") else []
    thumbnail = entry.get("thumbnail") if entry.get("last_success") else None
    return {
        "name": spec.name,
        "title": str(spec.parameters.get("title") or spec.name),
        "description": spec.description,
        "scope": scope_words(spec.parameters),
        "as_of_iso": as_of_iso,
        "as_of": as_of_text,
        "pages": entry.get("pages") if entry.get("last_success") else None,
        "thumbnail": quote(thumbnail) if isinstance(thumbnail, str) else None,
        "built_iso": built_iso,
        "built": built_text,
        "status": status if status in ("built", "skipped", "failed") else "not built",
        "error": entry.get("error") or "",
        "has_last_good": bool(entry.get("last_success")),
        # Shown on the card only when it differs from the data the index was written with
        # (a failed briefing still showing an older build).
        "data_version": entry.get("data_version") if entry.get("data_version") != data_version else None,
        "links": links,
        "pdf_href": next((link["href"] for link in links if link["kind"] == "pdf"), None),
    }


def page(config: Config, manifest: dict, data_version: str | None = None, now: dt.datetime | None = None) -> str:
    """The index page's HTML."""
    from .templating import render

    entries = manifest.get("briefings", {})
    cards = [card(spec, entries.get(spec.name) or {}, data_version) for spec in config.briefings]
    now = now or dt.datetime.now(dt.timezone.utc)
    failed = sum(c["status"] == "failed" for c in cards)
    return render("index/index.html.j2", title=TITLE, cards=cards, data_version=data_version,
                  built_iso=now.isoformat(timespec="seconds"), built=_time_text(now.isoformat())[1],
                  failed=failed, config_name=config.path.name, log_name=LOG, manifest_name=MANIFEST).markup


def write_index(out_dir: Path, config: Config, manifest: dict, data_version: str | None = None) -> Path:
    """Write the index page atomically; returns its path."""
    from .ownership import write_atomically

    path = out_dir / INDEX
    write_atomically(path, page(config, manifest, data_version))
    return path
