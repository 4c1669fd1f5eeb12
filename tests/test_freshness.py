"""Issue 19, part 4: staleness said out loud. A table whose newest row is more than 90 days before
today gets a warning from `briefings validate` and in the build log; 90 days or fewer, none.

"Today" is set in each test (the one clock, analysis.clock.today, is patched, or passed in), and
every date is worked out from it by hand in the comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import signal

import pytest
from click.testing import CliRunner
from helpers import copy_inputs, dated_tables, write_config

from analysis import clock, freshness
from briefings import cli

# Validates and builds real briefings.
pytestmark = pytest.mark.slow

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _restore_process_state():
    """The CLI sets a SIGTERM handler and replaces the 'briefings' logger's handlers: put them back."""
    logger = logging.getLogger("briefings")
    handlers, level, sigterm = list(logger.handlers), logger.level, signal.getsignal(signal.SIGTERM)
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
    signal.signal(signal.SIGTERM, sigterm)


def claims_dated(*dates, precision="day"):
    return [(f"H{n:03d}", "russia", "Syria", "country", day, precision) for n, day in enumerate(dates, start=1)]


@pytest.mark.parametrize("newest, stale", [
    ("2026-03-31", True),   # 31 Mar -> 30 Jun: 30 (April) + 31 (May) + 30 (June) = 91 days: older than 90
    ("2026-04-01", False),  # 29 + 31 + 30 = 90 days: not older than 90
    ("2026-04-02", False),  # 28 + 31 + 30 = 89 days
])
def test_a_table_is_stale_when_its_newest_row_is_more_than_90_days_before_today(tmp_path, newest, stale):
    folder = dated_tables(tmp_path / "data", claims=claims_dated("2025-01-05", newest, "2024-12-31"))
    found = freshness.newest_rows(folder)["headcount_claims"]
    assert (found.row_id, found.date.isoformat()) == ("H002", newest)  # the latest date, not the last line
    warnings = freshness.staleness_warnings(folder, today=TODAY)
    claims = [w for w in warnings if w.startswith("headcount_claims.csv:")]
    if stale:
        assert claims == [f"headcount_claims.csv: the newest row, H002 of 31 Mar 2026, is 91 days old: more than 90 "
                          "days before today (2026-06-30); the record may be out of date"]
    else:
        assert claims == []


def test_a_month_dated_row_counts_from_the_months_end():
    day = dt.date(2026, 3, 1)  # entered for "March 2026": counts from 31 March
    newest = freshness.Newest("headcount_claims", "headcount_claims.csv", "H001", day, "month",
                              freshness.period_end(day, "month"))
    assert newest.counts_from == dt.date(2026, 3, 31)
    assert newest.is_stale(dt.date(2026, 6, 30))  # 91 days after 31 March
    assert not newest.is_stale(dt.date(2026, 6, 28))  # 89 days after
    assert freshness.period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)  # a leap year
    assert freshness.period_end(dt.date(2024, 1, 1), "year") == dt.date(2024, 12, 31)


def test_rates_are_dated_by_their_date_and_each_table_on_its_own(tmp_path):
    folder = dated_tables(
        tmp_path / "data", claims=claims_dated("2026-06-01"),
        offers=[("P001", "russia", "Syria", "2026-01-10", "day")],
        wages=[("W001", "2026-03-01", "month")],  # counts from 31 Mar: 91 days -> stale
        # X001 applied on 1 Jan but was published on 29 Jun: its date is 1 Jan (181 days old).
        rates=[("X001", "2026-01-01", "2026-06-29"), ("X002", "2025-12-01", "2026-06-29")])
    stale = {n.table: n for n in freshness.stale_tables(folder, TODAY)}
    # Claims: 1 Jun -> 30 Jun = 29 days. Offers: 10 Jan -> 30 Jun = 21+28+31+30+31+30 = 171 days.
    assert set(stale) == {"pay_offers", "reference_wages", "exchange_rates"}
    assert stale["exchange_rates"].row_id == "X001" and stale["exchange_rates"].age_days(TODAY) == 180
    assert stale["pay_offers"].age_days(TODAY) == 171 and stale["reference_wages"].age_days(TODAY) == 91


def test_an_unreadable_folder_gives_no_warning_and_no_error(tmp_path):
    assert freshness.staleness_warnings(tmp_path / "missing", today=TODAY) == []


# ------------------------------------------------------------------------------ validate and build say it

def _only_claim_dated(data_dir, day: dt.date) -> None:
    """Keep one headcount claim (the first, no part_of) dated ``day``, citing the source read last,
    so that it is the newest claim and valid on any data."""
    with open(data_dir / "sources.csv", encoding="utf-8", newline="") as handle:
        source = max(csv.DictReader(handle), key=lambda s: s["date_accessed"])
    with open(data_dir / "headcount_claims.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, first = reader.fieldnames, next(reader)
    first.update(date_reported=day.isoformat(), date_precision="day", part_of="", source_id=source["source_id"])
    with open(data_dir / "headcount_claims.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerow(first)


def _today_for(data_dir) -> dt.date:
    """A "today" no earlier than any source was read (so the claim can cite it): the latest date_accessed."""
    with open(data_dir / "sources.csv", encoding="utf-8", newline="") as handle:
        return max(dt.date.fromisoformat(s["date_accessed"]) for s in csv.DictReader(handle))


@pytest.mark.parametrize("age, warned", [(91, True), (89, False)])
def test_validate_warns_of_a_stale_table_and_still_exits_0(data_copy, monkeypatch, age, warned):
    today = _today_for(data_copy)
    _only_claim_dated(data_copy, today - dt.timedelta(days=age))
    monkeypatch.setattr(clock, "today", lambda: today)
    result = CliRunner().invoke(cli.main, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "valid (data version" in result.stdout
    said = [line for line in result.stderr.splitlines() if line.startswith("warning: headcount_claims.csv:")]
    assert len(said) == warned
    if warned:
        assert f"is 91 days old: more than 90 days before today ({today.isoformat()})" in said[0]


@pytest.mark.parametrize("age, warned", [(91, True), (89, False)])
def test_the_build_log_says_when_a_table_is_stale(tmp_path, monkeypatch, age, warned):
    from briefings import build

    root = copy_inputs(tmp_path / "project")
    config = write_config(root, [{"name": "one", "parameters": {}}])
    today = _today_for(root / "data")
    _only_claim_dated(root / "data", today - dt.timedelta(days=age))
    monkeypatch.setattr(clock, "today", lambda: today)
    # The briefings themselves are not what this test is about: the build runs none.
    monkeypatch.setattr(build, "build", lambda *args, **kwargs: build.BuildReport([], "test"))
    out = root / "out"
    result = CliRunner().invoke(cli.main, ["build", "--config", str(config), "--data", str(root / "data"),
                                           "--out", str(out)])
    assert result.exit_code == 0, result.output
    log = (out / "build.log").read_text("utf-8")
    said = [line for line in log.splitlines() if "WARNING stale data: headcount_claims.csv:" in line]
    assert len(said) == warned, log
    if warned:
        assert f"is 91 days old: more than 90 days before today ({today.isoformat()})" in said[0]
