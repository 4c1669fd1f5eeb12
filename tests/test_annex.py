"""The data annex: the whole record once per build (HTML, PDF, CSV), linked from every briefing
and from the index; rewritten only when the data, the code or the formats change."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import pytest
from helpers import REPO, copy_inputs, run_briefings, write_config

from briefings import annex

# The annex of the whole record, rendered and built (make check leaves it to make test).
pytestmark = pytest.mark.slow

GENERATED = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def data():
    from analysis.loading import load_data

    return load_data(REPO / "data")


@pytest.fixture(scope="module")
def files(data):
    return annex.render(data, data_version=data.version, generated=GENERATED)


def test_every_row_of_every_table_is_in_the_annex_with_its_anchor(files):
    page = files["annex.html"].decode("utf-8")
    tables = {"headcount_claims.csv": "claim_id", "pay_offers.csv": "offer_id", "reference_wages.csv": "wage_id",
              "exchange_rates.csv": "rate_id", "sources.csv": "source_id", "claimants.csv": "claimant_id"}
    for name, key in tables.items():
        ids = [row[key] for row in csv_rows(REPO / "data" / name)]
        assert ids, name
        for row_id in ids:
            assert f'id="row-{row_id}"' in page, f"{name} {row_id} has no anchor in the annex"


def test_a_rows_note_is_printed_after_what_it_counted(data):
    """The note says what a reader must know to use a figure: H051's says it is a subset of H050 and
    never to be added. It follows the row's description in the HTML and the PDF's view-model."""
    model = annex.view(data)
    claims = next(t for t in model["tables"] if t["id"] == "headcount-claims")
    row = claims["rows"][claims["ids"].index("row-H051")]
    detail = row[claims["columns"].index("What the source counted")]
    assert detail == ("North Korean troops in Russia's Kursk region, a combat zone. Note: Subset of the "
                      "11,000-12,000 in Russia (H050); do not add.")
    offers = next(t for t in model["tables"] if t["id"] == "pay-offers")
    without = [r for r, i in zip(offers["rows"], offers["ids"]) if "Note:" not in r[2]]
    assert without and len(without) < len(offers["rows"])  # only the rows that have a note carry one


def test_the_csv_holds_one_line_per_figure_in_long_form(files):
    rows = list(csv.DictReader(io.StringIO(files["annex.csv"].decode("utf-8"), newline="")))
    assert list(rows[0]) == annex.CSV_COLUMNS
    expected = {name: len(csv_rows(REPO / "data" / f"{name}.csv"))
                for name in ("headcount_claims", "pay_offers", "reference_wages", "exchange_rates")}
    counted = {}
    for row in rows:
        counted[row["table"]] = counted.get(row["table"], 0) + 1
    assert counted == expected
    # H001 as the data has it: SOHR's "more than 40,000" Syrians, 40000 as its low bound and no top.
    h001 = next(r for r in rows if r["row_id"] == "H001")
    assert (h001["stated"], h001["low"], h001["high"], h001["unit"]) == ("40,000+", "40000", "40000", "people")
    assert h001["source_id"] == "S001" and h001["url"].startswith("https://www.newsweek.com/")
    assert files["annex.csv"].endswith(b"\r\n")  # RFC 4180 line ends, as the figures CSV


def test_text_from_the_data_is_escaped_and_formulas_neutralised(tmp_path):
    from analysis.loading import load_data

    root = copy_inputs(tmp_path / "p")
    path = root / "data" / "headcount_claims.csv"
    text = path.read_text("utf-8")
    text = text.replace("Syrians registered to fight for Russia; SOHR says they signed up for pay and perks, not as "
                        "volunteers", "=HYPERLINK(\"http://x\") <script>alert(1)</script>", 1)
    path.write_text(text, "utf-8")
    data = load_data(root / "data")
    made = annex.render(data, data_version=data.version, generated=GENERATED, formats=("html",))
    page = made["annex.html"].decode("utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    rows = list(csv.DictReader(io.StringIO(made["annex.csv"].decode("utf-8"), newline="")))
    what = next(r for r in rows if r["row_id"] == "H001")["what"]
    assert what.startswith("paid recruits") and "=HYPERLINK" in what  # not at the start: a spreadsheet reads text
    assert "annex.pdf" not in made


def test_the_pdf_is_landscape_and_holds_the_rows(files):
    import pypdfium2

    document = pypdfium2.PdfDocument(files["annex.pdf"])
    width, height = document[0].get_size()
    assert width > height  # landscape: the tables are wide
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for row_id in ("H001", "P001", "W001", "X001", "S001", "C001"):
        assert row_id in text


def test_config_refuses_a_briefing_named_like_the_annex(tmp_path):
    root = copy_inputs(tmp_path / "p")
    config = write_config(root, [{"name": "annex", "parameters": {"focus": "headcounts"}}])
    result = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "out")
    assert result.returncode == 2 and "briefing name 'annex' is taken by the build's data annex" in result.stderr


@pytest.mark.slow
def test_a_build_writes_the_annex_once_links_it_and_rewrites_it_when_the_data_changes(tmp_path):
    root = copy_inputs(tmp_path / "p")
    config = write_config(root, [{"name": "heads", "parameters": {"focus": "headcounts"}}])
    out = root / "out"
    args = ("build", "--config", config, "--data", root / "data", "--out", out, "-j", "1")
    first = run_briefings(*args)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in (out / "annex").iterdir()) == ["annex.csv", "annex.html"]  # html only: no PDF
    briefing = (out / "heads" / "heads.html").read_text("utf-8")
    assert 'href="../annex/annex.html"' in briefing
    assert 'href="annex/annex.html"' in (out / "index.html").read_text("utf-8")
    owned = json.loads((out / ".briefings-owned.json").read_text("utf-8"))["owned"]
    assert "annex" in owned
    stamp = os.stat(out / "annex" / "annex.html").st_mtime_ns

    assert run_briefings(*args).returncode == 0
    assert os.stat(out / "annex" / "annex.html").st_mtime_ns == stamp  # nothing changed: not rewritten

    wages = root / "data" / "reference_wages.csv"  # a file this briefing does not read: the annex does
    wages.write_text(wages.read_text("utf-8").replace("Minimum monthly pay offered to Russian contract soldiers",
                                                      "Minimum monthly pay offered to Russian contract soldiers (checked)"),
                     "utf-8")
    again = run_briefings(*args)
    assert again.returncode == 0, again.stderr
    assert "(checked)" in (out / "annex" / "annex.html").read_text("utf-8")
    assert not list((out / ".briefings-staging").iterdir())
