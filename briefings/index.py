"""``<out>/index.html``: every configured briefing with its as-of date, parameters, status and links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .config import Config
from .tables import Html, escape, join, tag, table

_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f3f3; overflow-wrap: normal; } .failed { color: #a00; font-weight: bold; } .built { color: #060; }
code { font-size: 0.8rem; } .note { color: #555; font-size: 0.85rem; }
"""


def write_index(out_dir: Path, config: Config, manifest: dict) -> Path:
    """Write the index page atomically; returns its path."""
    from .build import write_atomically

    entries = manifest.get("briefings", {})
    rows = []
    for spec in config.briefings:
        entry = entries.get(spec.name, {})
        links = []
        for output in entry.get("outputs", []):
            label = output.rsplit(".", 1)[-1].upper()
            links.append(tag("a", label, href=output))
        status = entry.get("status", "not built")
        status_cell = tag("span", status, class_=status)
        if status == "failed":
            status_cell = status_cell + Html("<br>") + tag("span", entry.get("error") or "", class_="note")
            if entry.get("last_success"):
                status_cell = status_cell + Html("<br>") + tag("span", "showing the last good build", class_="note")
        parameters = join(tag("code", f"{k} = {v!r}") + Html("<br>") for k, v in spec.parameters.items())
        title = tag("strong", spec.parameters.get("title", spec.name)) + Html("<br>") + tag("code", spec.name)
        if spec.description:
            title = title + Html("<br>") + tag("span", spec.description, class_="note")
        rows.append([title,
                     spec.parameters.get("as_of", "latest"), parameters, status_cell,
                     entry.get("last_success") or "—", join(Html(" ") + link for link in links) if links else "—"])
    generated = dt.datetime.now().isoformat(timespec="seconds")
    body = join([
        tag("h1", "Foreign-fighter recruitment briefings"),
        tag("p", f"{len(config.briefings)} briefings configured in {config.path.name}; index written {generated}.",
            class_="note"),
        table(rows, ["Briefing", "As of", "Parameters", "Status", "Last built", "Files"]),
    ])
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Briefings</title><style>{_STYLE}</style></head><body>{escape(body)}</body></html>\n")
    path = out_dir / "index.html"
    write_atomically(path, page)
    return path
