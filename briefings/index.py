"""``<out>/index.html``: a gallery of the configured briefings, one card each.

Each card shows the briefing's title, its description from reports.yml, what it covers in words
(side, origins, focus, exchange rates), its as-of date, the page count and a thumbnail of its
PDF's first page, when it was last built, and links: PDF, HTML, the figures as CSV, the notebook
last. A failed briefing says so, with the reason, and that the last good build is shown.

Everything shown comes from ``reports.yml`` and the manifest: the page count, thumbnail name,
as-of date and data version were recorded by the worker that built the briefing, so writing the
index after a build with nothing to do reads no PDF. The date of the newest figure — of each
briefing (the newest claim or offer in its scope, known by its as-of date) and of the data as a
whole, with the tables whose newest row is more than 90 days old — is read from the data folder's
CSVs by :mod:`analysis.freshness` (standard library only, a few milliseconds). The page is rendered by
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


def _newest(spec, entry: dict, data_version: str | None, data_dir: Path | None) -> dict:
    """The card's "newest figure": its date, and whether it is more than STALE_AFTER_DAYS before
    the briefing's as-of date. Only for a briefing last built from the data the index describes
    (a failed one showing an older build would otherwise be credited with newer figures)."""
    if data_dir is None or not entry.get("last_success") or entry.get("data_version") != data_version:
        return {}
    from analysis.freshness import STALE_AFTER_DAYS, newest_figure

    try:
        as_of = dt.date.fromisoformat(str(entry.get("as_of")))
    except ValueError:
        return {}
    p = spec.parameters
    origins = p.get("origins", "all")
    origins = [] if origins in ("all", "", None) else [origins] if isinstance(origins, str) else list(origins)
    newest = newest_figure(data_dir, side=str(p.get("side", "both")), origins=origins, as_of=as_of,
                           focus=str(p.get("focus", "all")))
    if newest is None:
        return {"newest": "none on record", "newest_iso": "", "newest_stale": False}
    return {"newest": newest.date_text, "newest_iso": newest.date.isoformat(),
            "newest_stale": newest.is_stale(as_of), "stale_days": STALE_AFTER_DAYS}


def freshness(data_dir: Path | None, today: dt.date) -> dict:
    """The header's newest figure of the data as a whole and the tables whose newest row is stale."""
    if data_dir is None:
        return {}
    from analysis.freshness import ROW_WORDS, STALE_AFTER_DAYS, newest_rows

    newest = newest_rows(data_dir)
    if not newest:
        return {}
    overall = max(newest.values(), key=lambda n: n.counts_from)
    stale = [{"what": ROW_WORDS.get(n.table, n.table), "date": n.date_text, "iso": n.date.isoformat()}
             for n in newest.values() if n.is_stale(today)]
    return {"newest": overall.date_text, "newest_iso": overall.date.isoformat(), "stale": stale,
            "stale_days": STALE_AFTER_DAYS}


def card(spec, entry: dict, data_version: str | None, data_dir: Path | None = None) -> dict:
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
        **_newest(spec, entry, data_version, data_dir),
    }


def page(config: Config, manifest: dict, data_version: str | None = None, now: dt.datetime | None = None,
         data_dir: Path | None = None) -> str:
    """The index page's HTML; with ``data_dir``, the dates of the newest figures too."""
    from .templating import render

    entries = manifest.get("briefings", {})
    cards = [card(spec, entries.get(spec.name) or {}, data_version, data_dir) for spec in config.briefings]
    now = now or dt.datetime.now(dt.timezone.utc)
    failed = sum(c["status"] == "failed" for c in cards)
    # The data annex this build wrote (briefings/annex.py), when it did.
    from .annex import FOLDER
    files = (manifest.get("annex") or {}).get("files", []) if isinstance(manifest.get("annex"), dict) else []
    annex = {"html": f"{FOLDER}/annex.html", "csv": f"{FOLDER}/annex.csv",
             "pdf": f"{FOLDER}/annex.pdf" if "annex.pdf" in files else ""} if "annex.html" in files else None
    return render("index/index.html.j2", title=TITLE, cards=cards, data_version=data_version, annex=annex,
                  built_iso=now.isoformat(timespec="seconds"), built=_time_text(now.isoformat())[1],
                  failed=failed, config_name=config.path.name, log_name=LOG, manifest_name=MANIFEST,
                  data=freshness(data_dir, now.astimezone(dt.timezone.utc).date())).markup


def write_index(out_dir: Path, config: Config, manifest: dict, data_version: str | None = None,
                data_dir: Path | None = None) -> Path:
    """Write the index page atomically; returns its path."""
    from .ownership import write_atomically

    path = out_dir / INDEX
    write_atomically(path, page(config, manifest, data_version, data_dir=data_dir))
    return path
