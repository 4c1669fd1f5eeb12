"""The data annex: the whole record, once per build, as HTML, PDF and CSV.

A briefing's appendix lists only the rows its body cites; every claim, offer, wage, rate, source
and claimant lives here instead, in ``<out>/annex/`` (``annex.html``, ``annex.pdf``,
``annex.csv``), linked from each briefing's header and from the index. Each row has an anchor
``row-<id>`` (``#row-H001``), so a reference can point at it.

The annex is made from the validated data alone (no notebook): :func:`view` is its view-model,
``templates/annex/annex.html.j2`` the HTML, and the PDF is the same markup typeset by Typst
through :mod:`briefings.pdf`. The CSV is one row per record of any table, in long form: the
columns every table shares (table, row id, side, origin, what, the figure as stated, low, high,
unit, date, claimant, grade, source) so that a spreadsheet can filter the whole record at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path


#: The folder in ``--out`` (recorded as the build's own) and its three files.
FOLDER = "annex"
FILES = ("annex.html", "annex.pdf", "annex.csv")
#: Where a briefing (``<out>/<name>/<name>.html``) finds the annex.
HREF_FROM_BRIEFING = f"../{FOLDER}/annex.html"
PDF_HREF_FROM_BRIEFING = f"../{FOLDER}/annex.pdf"
HREF_FROM_INDEX = f"{FOLDER}/annex.html"
CSV_COLUMNS = ["table", "row_id", "side", "origin", "what", "stated", "low", "high", "unit", "date_reported",
               "claimant", "speaker", "grade", "source_id", "outlet", "via", "url", "note"]


def _words():
    # The words the briefings use for the same values (one table of words).
    from . import words

    return words


def _side(side) -> str:
    return {"russia": "Russia", "ukraine": "Ukraine"}.get(side, str(side or "not stated"))


def _missing(value) -> bool:
    import pandas as pd  # only when the annex is made: a build with nothing to do imports no pandas

    return value is None or value is pd.NA or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value) -> str:
    return "" if _missing(value) else str(value)


def _number(value):
    if _missing(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _noted(text: str, note) -> str:
    """A row's description with its note after it: the note carries what a reader must know to use
    the figure (a part of another row, never to be added; a figure the source hedged)."""
    note = _text(note)
    if not note:
        return text
    return f"{text}{'' if text.rstrip().endswith(('.', '!', '?')) else '.'} Note: {note}"


def _date(value) -> str:
    import pandas as pd

    return "" if _missing(value) else pd.Timestamp(value).date().isoformat()


def view(data) -> dict:
    """The annex view-model: ``tables`` (title, id, columns, rows of text, ids) and ``csv_rows``
    (one dict per record, keys :data:`CSV_COLUMNS`), from a loaded :class:`DataPackage`."""
    from analysis.intervals import date_text, format_claim
    from analysis.speakers import SPEAKER_LABELS, with_speakers

    words = _words()
    reliability = dict(zip(data.sources["source_id"], data.sources["reliability"]))
    sources = data.sources.set_index("source_id", drop=False)
    csv_rows: list[dict] = []

    def source_fields(source_id) -> dict:
        if source_id not in sources.index:
            return {"source_id": source_id, "outlet": "", "via": "", "url": ""}
        s = sources.loc[source_id]
        return {"source_id": source_id, "outlet": _text(s["outlet"]), "via": _text(s["via"]), "url": _text(s["url"])}

    def when(record) -> str:
        return date_text(record["date_reported"], record["date_precision"])

    claims = with_speakers(data.headcount_claims, data.claimants)
    claim_rows, claim_ids = [], []
    for _, c in claims.sort_values(["side", "origin", "stage", "date_reported", "claim_id"]).iterrows():
        stated = format_claim(c["qualifier"], c["people_low"], c["people_high"])
        stage = f"{words.STAGE_TITLES[str(c['stage'])]} ({words.COUNT_TYPE_WORDS[c['count_type']]})"
        grade = f"{reliability.get(c['source_id'], '')}{c['credibility']}"
        speaker = SPEAKER_LABELS[c["speaker_type"]]
        claim_rows.append([c["claim_id"], f"{_side(c['side'])} · {c['origin']}", words.CATEGORY_NOUNS[c["category"]],
                           stage, stated, _noted(_text(c["stage_detail"]), c["note"]), f"{c['claimant_name']}, {when(c)}", speaker, grade,
                           c["source_id"]])
        claim_ids.append(f"row-{c['claim_id']}")
        csv_rows.append({"table": "headcount_claims", "row_id": c["claim_id"], "side": _text(c["side"]),
                         "origin": c["origin"], "what": f"{words.CATEGORY_NOUNS[c['category']]}, {stage}: "
                                                        f"{_text(c['stage_detail'])}",
                         "stated": stated, "low": _number(c["people_low"]), "high": _number(c["people_high"]),
                         "unit": "people", "date_reported": _date(c["date_reported"]),
                         "claimant": c["claimant_name"], "speaker": speaker, "grade": grade,
                         **source_fields(c["source_id"]), "note": _text(c["note"])})

    offer_rows, offer_ids = [], []
    for _, o in data.pay_offers.sort_values(["date_reported", "offer_id"]).iterrows():
        stated = words.money_stated(o["qualifier"], o["amount_low_local"], o["amount_high_local"], o["currency"])
        period = words.PERIOD_WORDS[o["period"]]
        grade = f"{reliability.get(o['source_id'], '')}{o['credibility']}"
        region = _text(o.get("region")) if "region" in o else ""
        offer_rows.append([o["offer_id"], f"{when(o)} · {_side(o['side'])} · {o['origin']}"
                           + (f" ({region})" if region else ""), _noted(_text(o["pay_detail"]), o["note"]), f"{stated} {period}",
                           words.STATUS_WORDS[o["status"]], f"{o['claimant']}, {when(o)}", grade, o["source_id"]])
        offer_ids.append(f"row-{o['offer_id']}")
        csv_rows.append({"table": "pay_offers", "row_id": o["offer_id"], "side": _text(o["side"]), "origin": o["origin"],
                         "what": f"pay {words.STATUS_WORDS[o['status']]} {period}: {_text(o['pay_detail'])}",
                         "stated": stated, "low": _number(o["amount_low_local"]), "high": _number(o["amount_high_local"]),
                         "unit": f"{o['currency']} {o['period']}", "date_reported": _date(o["date_reported"]),
                         "claimant": _text(o["claimant"]), "speaker": "", "grade": grade,
                         **source_fields(o["source_id"]), "note": _text(o["note"])})

    wage_rows, wage_ids = [], []
    for _, w in data.reference_wages.sort_values(["country", "date_in_force", "wage_id"]).iterrows():
        stated = words.money_stated(w["qualifier"], w["monthly_low_local"], w["monthly_high_local"], w["currency"])
        grade = f"{reliability.get(w['source_id'], '')}{w['credibility']}"
        wage_rows.append([w["wage_id"], w["country"], words.MEASURE_WORDS[w["measure"]],
                          _noted(_text(w["measure_detail"]), w["note"]),
                          f"{stated} a month", date_text(w["date_in_force"]), f"{w['claimant']}, {when(w)}", grade,
                          w["source_id"]])
        wage_ids.append(f"row-{w['wage_id']}")
        csv_rows.append({"table": "reference_wages", "row_id": w["wage_id"], "side": "", "origin": w["country"],
                         "what": f"{words.MEASURE_WORDS[w['measure']]} in force from {_date(w['date_in_force'])}: "
                                 f"{_text(w['measure_detail'])}",
                         "stated": stated, "low": _number(w["monthly_low_local"]), "high": _number(w["monthly_high_local"]),
                         "unit": f"{w['currency']} a month", "date_reported": _date(w["date_reported"]),
                         "claimant": _text(w["claimant"]), "speaker": "", "grade": grade,
                         **source_fields(w["source_id"]), "note": _text(w["note"])})

    rate_rows, rate_ids = [], []
    for _, r in data.exchange_rates.sort_values(["currency", "kind", "date", "rate_id"]).iterrows():
        per = f"{r['per_usd_low']:g}" + ("" if r["per_usd_low"] == r["per_usd_high"] else f"–{r['per_usd_high']:g}")
        rate_rows.append([r["rate_id"], r["currency"], r["kind"], r["basis"], date_text(r["date"]),
                          f"{per} per US dollar", _text(r["claimant"]), r["source_id"]])
        rate_ids.append(f"row-{r['rate_id']}")
        csv_rows.append({"table": "exchange_rates", "row_id": r["rate_id"], "side": "", "origin": "",
                         "what": f"{r['kind']} rate ({r['basis']}) of {_date(r['date'])}", "stated": f"{per} {r['currency']}",
                         "low": _number(r["per_usd_low"]), "high": _number(r["per_usd_high"]),
                         "unit": f"{r['currency']} per USD", "date_reported": _date(r["date_reported"]),
                         "claimant": _text(r["claimant"]), "speaker": "", "grade": "",
                         **source_fields(r["source_id"]), "note": _text(r["note"])})

    source_rows, source_ids = [], []
    for _, s in data.sources.sort_values("source_id").iterrows():
        outlet = _text(s["outlet"]) + (f", read via {_text(s['via'])}" if _text(s["via"]) else "")
        source_rows.append([s["source_id"], outlet, _text(s["title"]), _date(s["date_published"]),
                            f"{s['reliability']}: {_text(s['reliability_reason'])}", _text(s["url"])])
        source_ids.append(f"row-{s['source_id']}")

    claimant_rows, claimant_ids = [], []
    for _, c in data.claimants.sort_values("claimant_id").iterrows():
        claimant_rows.append([c["claimant_id"], _text(c["name"]), _text(c["kind"]), _text(c["party"]),
                              _text(c["country"]), _text(c["note"])])
        claimant_ids.append(f"row-{c['claimant_id']}")

    def table(title, anchor, columns, rows, ids, note=""):
        return {"title": title, "id": anchor, "columns": columns, "rows": rows, "ids": ids, "note": note}

    tables = [
        table("Headcount claims", "headcount-claims",
              ["Row", "Whose fighters", "Category", "Stage", "Figure", "What the source counted", "Said by, when",
               "Speaker", "Grade", "Source"], claim_rows, claim_ids,
              "Each figure as its source stated it; a party's claim about its adversary is labelled as such."),
        table("Pay offers and pay received", "pay-offers",
              ["Row", "Reported", "What", "Stated", "Status", "Said by", "Grade", "Source"], offer_rows, offer_ids),
        table("Reference wages", "reference-wages",
              ["Row", "Country", "Measure", "What", "Stated", "In force from", "Said by", "Grade", "Source"],
              wage_rows, wage_ids),
        table("Exchange rates", "exchange-rates",
              ["Row", "Currency", "Kind", "Basis", "Date", "Rate", "Said by", "Source"], rate_rows, rate_ids),
        table("Sources", "sources", ["Row", "Outlet (and the copy read)", "Title", "Published", "Reliability", "Address"],
              source_rows, source_ids),
        table("Claimants", "claimants", ["Row", "Name", "Kind", "Party", "Country", "Note"], claimant_rows,
              claimant_ids),
    ]
    return {"tables": tables, "csv_rows": csv_rows,
            "counts": {t["title"]: len(t["rows"]) for t in tables}}


def annex_csv(rows: list[dict]) -> bytes:
    """The whole record as CSV bytes (UTF-8, CRLF, formula-like text neutralised as in the
    briefings' figures CSV)."""
    from .rendering import figures_csv

    return figures_csv({"columns": CSV_COLUMNS, "rows": [[row.get(c) for c in CSV_COLUMNS] for row in rows]}).encode("utf-8")


def render(data, *, data_version: str, generated: dt.datetime, marking: str = "OPEN SOURCE",
           formats=("html", "pdf")) -> dict[str, bytes]:
    """The annex's files as bytes: ``{"annex.html": ..., "annex.pdf": ..., "annex.csv": ...}``
    (the PDF only when ``"pdf"`` is among ``formats``)."""
    from .templating import render as render_template

    model = view(data)
    generated_text = generated.strftime("%d %b %Y %H:%M UTC").lstrip("0")
    page = render_template("annex/annex.html.j2", tables=model["tables"], counts=model["counts"],
                           data_version=data_version, generated=generated_text, marking=marking).markup
    files = {"annex.html": page.encode("utf-8"), "annex.csv": annex_csv(model["csv_rows"])}
    if "pdf" in formats:
        files["annex.pdf"] = _pdf(model, data_version=data_version, generated=generated_text, marking=marking)
    return files


def _pdf(model: dict, *, data_version: str, generated: str, marking: str) -> bytes:
    from . import pdf
    from .templating import render as render_template

    body = render_template("annex/annex-body.html.j2", tables=model["tables"], counts=model["counts"],
                           data_version=data_version, generated=generated).markup
    title = "The whole record: every claim, offer, wage, rate and source"
    header = {"title": title, "subject": "Data annex of the foreign-fighter briefings", "marking": marking,
              "as_of": "", "as_of_display": "", "generated": generated, "generated_display": generated,
              "data_version": data_version, "figures_href": "", "author": "",
              "run": {"title": "Data annex", "marking": marking, "as_of": "", "data_version": f"data {data_version}"}}
    doc = {"lang": pdf.LANG, "landscape": True,
           "meta": {"title": title, "subject": header["subject"], "author": "Foreign-fighter briefings project",
                    "keywords": [marking, f"data {data_version}"]},
           "header": pdf.prepare(header),
           "blocks": [{"kind": "rich", "body": pdf.html_to_rich(body)}]}
    return pdf.compile_pdf(doc)


def inputs_hash(data_hashes: dict, code: str, formats) -> str:
    """What decides the annex's bytes: the data files, the code and the formats."""
    return hashlib.sha256(json.dumps({"data": data_hashes, "code": code, "formats": sorted(formats)},
                                     sort_keys=True).encode()).hexdigest()


def is_up_to_date(out_dir: Path, recorded: str | None, current: str, formats) -> bool:
    wanted = ["annex.html", "annex.csv"] + (["annex.pdf"] if "pdf" in formats else [])
    return recorded == current and all((out_dir / FOLDER / name).is_file() for name in wanted)


def publish(out_dir: Path, data_dir: Path, formats, data_hashes: dict, code: str, manifest: dict,
            marking: str = "OPEN SOURCE") -> bool:
    """Write ``<out>/annex/`` when its inputs changed (or a file is missing); returns whether it
    was written. The files are made in the build's staging folder and swapped in whole, so a
    reader never sees half an annex; the manifest records the inputs under ``"annex"``."""
    import shutil
    import time

    wanted = inputs_hash(data_hashes, code, formats)
    recorded = (manifest.get("annex") or {}).get("inputs") if isinstance(manifest.get("annex"), dict) else None
    if is_up_to_date(out_dir, recorded, wanted, formats):
        return False
    from analysis.clock import now_utc
    from analysis.loading import data_version, load_data

    from . import ownership
    version = data_version(data_dir)
    data = load_data(data_dir, trusted_version=version)
    files = render(data, data_version=version, generated=now_utc(), marking=marking, formats=formats)
    staging = ownership.staging_dir(out_dir)
    fresh = staging / f"tmp-annex-{os.getpid()}-{time.time_ns()}"
    fresh.mkdir()
    try:
        for name, content in files.items():
            with ownership_open(fresh / name) as handle:
                handle.write(content)
        final = out_dir / FOLDER
        aside = None
        if os.path.lexists(final):
            aside = staging / f"old-{FOLDER}-{os.getpid()}-{time.time_ns()}"
            os.rename(final, aside)
        os.rename(fresh, final)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
    manifest["annex"] = {"inputs": wanted, "data_version": version, "files": sorted(files)}
    return True


def ownership_open(path: Path):
    """A new file for writing, created exclusively and never through a link."""
    from .ownership import open_nofollow

    return os.fdopen(open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "wb")
