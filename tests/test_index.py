"""Issue 19, part 4: the index shows the date of the newest figure — on each briefing's card (the
newest claim or offer in its scope, known by its as-of date) and for the data as a whole, with a
notice naming the tables whose newest row is more than 90 days before the build."""

from __future__ import annotations

import datetime as dt
import re

from helpers import dated_tables

from briefings.config import BriefingSpec, Config
from briefings.index import page

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.timezone.utc)

CLAIMS = [
    ("H001", "russia", "Syria", "country", "2022-03-15", "day"),
    ("H002", "russia", "Syria", "country", "2022-03-01", "month"),  # "March 2022": known from 31 March
    ("H003", "russia", "all", "all", "2022-03-20", "day"),  # a total: not about Syria alone
    ("H004", "russia", "Syria", "country", "2022-04-02", "day"),  # after 31 March
    ("H005", "ukraine", "Colombia", "country", "2026-06-20", "day"),
]
OFFERS = [("P001", "ukraine", "Colombia", "2026-01-10", "day"), ("P002", "russia", "Syria", "2025-02-01", "day")]
WAGES = [("W001", "2024-07-31", "day")]
RATES = [("X001", "2026-06-29", "2026-06-29")]


def config(tmp_path) -> Config:
    notebook = tmp_path / "nb.ipynb"
    return Config(path=tmp_path / "reports.yml", briefings=[
        BriefingSpec("overview", notebook, {"title": "Overview"}),
        BriefingSpec("syria", notebook, {"title": "Syria", "side": "russia", "origins": ["Syria"],
                                         "as_of": "2022-03-31"}),
        BriefingSpec("ukraine-pay", notebook, {"title": "Ukraine pay", "side": "ukraine", "focus": "pay"}),
        BriefingSpec("old", notebook, {"title": "Old"}),
    ])


def built(as_of: str, version: str = "v1", status: str = "built") -> dict:
    return {"status": status, "last_success": "2026-06-30T11:00:00", "as_of": as_of, "data_version": version,
            "outputs": []}


MANIFEST = {"briefings": {"overview": built("2026-06-30"), "syria": built("2022-03-31"),
                          "ukraine-pay": built("2026-06-30"),
                          # Failed, still showing a build made from older data: no newest figure is claimed for it.
                          "old": {**built("2026-06-30", "v0", "failed"), "error": "RuntimeError: boom"}}}


def cards(html: str) -> dict[str, str]:
    """Each card's text, tags removed, by briefing name."""
    found = re.findall(r'<li id="briefing-([^"]+)">(.*?)</li>\s*(?=<li id="briefing-|</ul>\s*</main>)', html, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for name, body in found}


def test_each_card_shows_the_newest_figure_in_its_scope(tmp_path):
    data = dated_tables(tmp_path / "data", CLAIMS, OFFERS, WAGES, RATES)
    text = cards(page(config(tmp_path), MANIFEST, data_version="v1", now=NOW, data_dir=data))
    # Both sides, all origins, as of 30 Jun 2026: H005 of 20 Jun 2026 is the latest; 10 days old.
    assert "Newest figure 20 Jun 2026 Last built" in text["overview"]
    # Russia, Syria only, as of 31 Mar 2022: H001 (15 Mar) and H002 (March, known from 31 Mar) qualify;
    # H003 is a total over all origins, H004 and P002 came later. H002 counts from the later day.
    assert "Newest figure Mar 2022 Last built" in text["syria"]
    # Pay only, Ukraine's side: P001 of 10 Jan 2026, 21+28+31+30+31+30 = 171 days before 30 Jun 2026.
    assert "Newest figure 10 Jan 2026 (more than 90 days before the as-of date)" in text["ukraine-pay"]
    assert "Newest figure" not in text["old"]


def test_the_header_shows_the_newest_figure_of_the_data_and_says_which_tables_are_stale(tmp_path):
    data = dated_tables(tmp_path / "data", CLAIMS, OFFERS, WAGES, RATES)
    html = page(config(tmp_path), MANIFEST, data_version="v1", now=NOW, data_dir=data)
    header = " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[0].split("<header", 1)[1]).split())
    header = re.sub(r" ([;,.])", r"\1", header)  # a tag's end before punctuation is no space
    # Newest rows: claims H005 20 Jun, offers P001 10 Jan, wages W001 31 Jul 2024, rates X001 29 Jun 2026.
    assert "Newest figure 29 Jun 2026" in header
    # 30 Jun 2026 minus 10 Jan 2026 = 171 days; minus 31 Jul 2024 = 699 days; claims (10) and rates (1) are recent.
    assert ("The record may be out of date: the newest pay offer is from 10 Jan 2026 and the newest reference wage "
            "is from 31 Jul 2024; each is more than 90 days before this build.") in header


def test_without_a_data_folder_the_index_claims_no_date(tmp_path):
    html = page(config(tmp_path), MANIFEST, data_version="v1", now=NOW)
    assert "Newest figure" not in html and "out of date" not in html


def test_fresh_data_gets_no_notice(tmp_path):
    data = dated_tables(tmp_path / "data", CLAIMS[4:], [("P001", "ukraine", "Colombia", "2026-06-01", "day")],
                        [("W001", "2026-05-01", "month")], RATES)
    html = page(config(tmp_path), MANIFEST, data_version="v1", now=NOW, data_dir=data)
    assert "out of date" not in html and "more than 90 days" not in html
