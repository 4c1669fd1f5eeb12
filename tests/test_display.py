"""Notebook display: intervals, dates and money read as a reader would write them."""

from __future__ import annotations

import pandas as pd
import pytest

from briefings.display import cell_text, enable_reader_display, money, readable
from analysis.intervals import Interval, from_claim


def frame():
    return pd.DataFrame({
        "stated": [from_claim("more_than", 40_000), from_claim("nearly", 3_000)],
        "amount": [from_claim("range", 200, 300), from_claim("exactly", 160_000)],
        "currency": ["USD", "RUB"],
        "monthly_usd": [Interval(200.0, 300.0), None],
        "date_reported": [pd.Timestamp("2022-03-15"), pd.Timestamp("2022-03-01")],
        "date_precision": ["day", "month"],
        "claim_ids": [["H001", "H002"], []],
        "generated": [pd.Timestamp("2022-03-15 14:05"), pd.NaT],
    })


def test_cells_read_as_a_reader_writes_them():
    shown = readable(frame())
    assert shown["stated"].tolist() == ["40,000+", "2,700–3,000"]
    assert shown["amount"].tolist() == ["$200–300", "160,000 RUB"]
    assert shown["monthly_usd"].tolist() == ["$200–300", "—"]  # missing is not reported, never 0
    assert shown["date_reported"].tolist() == ["15 Mar 2022", "Mar 2022"]
    assert shown["claim_ids"].tolist() == ["H001, H002", "—"]
    assert shown["generated"].tolist() == ["15 Mar 2022 14:05", "—"]


def test_the_frame_itself_is_untouched():
    original = frame()
    readable(original)
    assert isinstance(original.loc[0, "stated"], Interval)
    assert original.loc[0, "date_reported"] == pd.Timestamp("2022-03-15")


def test_money_displays_itself_and_keeps_its_value():
    value = from_claim("more_than", 40_000) * from_claim("range", 200, 300) * 6
    shown = money(value)
    assert str(shown) == "$48M–72M+" and shown.interval == value
    assert cell_text(value) == "48M–72M+"


def test_formatters_registered_in_ipython_replace_raw_reprs():
    shell_module = pytest.importorskip("IPython.core.interactiveshell")
    shell = shell_module.InteractiveShell.instance()
    enable_reader_display(shell)
    data, _ = shell.display_formatter.format(frame())
    for mime in ("text/html", "text/plain"):
        assert "40,000+" in data[mime] and "15 Mar 2022" in data[mime]
        assert "Interval(" not in data[mime] and "00:00:00" not in data[mime]
    assert "mathjax_ignore" in data["text/html"]  # JupyterLab must not read "$200 … $300" as a formula
    data, _ = shell.display_formatter.format(from_claim("range", 200, 300))
    assert data["text/plain"] == "200–300"
    data, _ = shell.display_formatter.format(money(from_claim("range", 200, 300)))
    assert data["text/plain"] == "$200–300" and "'" not in data["text/plain"]
