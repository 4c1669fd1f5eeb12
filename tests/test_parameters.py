"""Tests for briefings.parameters: defaults, one refusal per bad value, unknown names, namespace capture."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from briefings.parameters import (
    PARAMETERS,
    ParameterError,
    check_parameters,
    defaults,
    parameters_from_namespace,
)

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def test_defaults_validate_and_normalise():
    checked = check_parameters({})
    assert checked == {**defaults(), "origins": []}  # 'all' origins is the empty filter
    assert isinstance(checked["excess_threshold"], float)


def test_default_values():
    assert defaults()["as_of"] == "latest" and defaults()["excess_threshold"] == 1.5
    assert set(defaults()) == set(PARAMETERS)


# one case per (parameter, bad value): the words the message must contain
BAD = [
    ("title", "", ["'title'", "non-empty text"]),
    ("title", "   ", ["'title'", "non-empty text"]),
    ("title", 42, ["'title'", "non-empty text"]),
    ("title", "x" * 201, ["'title'", "at most 200 characters", "201"]),
    ("marking", "x" * 81, ["'marking'", "at most 80 characters"]),
    ("side", "china", ["'side'", "both, russia, ukraine", "'china'"]),
    ("origins", 5, ["'origins'", "'all' or a list of origin names"]),
    ("origins", ["Syria", ""], ["'origins'", "'all' or a list of origin names"]),
    ("origins", "Syria,,Nepal", ["'origins'", "'all' or a list of origin names"]),
    ("as_of", "yesterday", ["'as_of'", "'latest' or a date YYYY-MM-DD", "'yesterday'"]),
    ("as_of", "2022-13-45", ["'as_of'", "'latest' or a date YYYY-MM-DD"]),
    ("as_of", TOMORROW.isoformat(), ["'as_of'", "after today", "use a past date or 'latest'"]),
    ("as_of", TOMORROW, ["'as_of'", "after today"]),
    ("fx_kind", "black", ["'fx_kind'", "market, official", "'black'"]),
    ("focus", "maps", ["'focus'", "all, headcounts, pay"]),
    ("excess_threshold", 0.5, ["'excess_threshold'", "from 1 to 10", "0.5"]),
    ("excess_threshold", 11, ["'excess_threshold'", "from 1 to 10"]),
    ("excess_threshold", "1.5", ["'excess_threshold'", "a number"]),
    ("excess_threshold", True, ["'excess_threshold'", "a number"]),
    ("excess_threshold", float("nan"), ["'excess_threshold'", "a number"]),
    ("default_contract_months", 0, ["'default_contract_months'", "from 1 to 120"]),
    ("default_contract_months", 121, ["'default_contract_months'", "from 1 to 120"]),
    ("default_contract_months", 6.5, ["'default_contract_months'", "whole number"]),
    ("default_contract_months", True, ["'default_contract_months'", "whole number"]),
    ("data_dir", 5, ["'data_dir'", "folder path as text"]),
]


@pytest.mark.parametrize("name, value, words", BAD, ids=[f"{n}={v!r}"[:40] for n, v, _ in BAD])
def test_bad_value_is_refused_naming_parameter_and_allowed_values(name, value, words):
    with pytest.raises(ParameterError) as error:
        check_parameters({name: value})
    for word in words:
        assert word in str(error.value)


def test_unknown_parameter_is_refused_listing_allowed_ones():
    with pytest.raises(ParameterError) as error:
        check_parameters({"sidee": "russia"})
    message = str(error.value)
    assert "unknown parameter(s) 'sidee'" in message
    for name in PARAMETERS:
        assert name in message


def test_every_problem_is_reported_at_once():
    with pytest.raises(ParameterError) as error:
        check_parameters({"side": "china", "focus": "maps", "colour": "red"})
    message = str(error.value)
    assert "'side'" in message and "'focus'" in message and "'colour'" in message


def test_as_of_past_date_string_is_kept():
    assert check_parameters({"as_of": "2022-03-31"})["as_of"] == "2022-03-31"


def test_as_of_today_is_allowed():
    assert check_parameters({"as_of": dt.date.today()})["as_of"] == dt.date.today().isoformat()


def test_as_of_date_object_becomes_iso_text():
    assert check_parameters({"as_of": dt.date(2022, 3, 31)})["as_of"] == "2022-03-31"


def test_as_of_datetime_and_timestamp_are_dates():
    assert check_parameters({"as_of": dt.datetime(2022, 3, 31, 12, 0)})["as_of"] == "2022-03-31"
    assert check_parameters({"as_of": pd.Timestamp("2022-03-31")})["as_of"] == "2022-03-31"


def test_future_datetime_is_refused():
    with pytest.raises(ParameterError, match="after today"):
        check_parameters({"as_of": dt.datetime.combine(TOMORROW, dt.time())})


def test_origins_comma_text_becomes_a_list():
    assert check_parameters({"origins": "Syria, Nepal"})["origins"] == ["Syria", "Nepal"]


def test_origins_list_is_stripped():
    assert check_parameters({"origins": [" Syria ", "Cuba"]})["origins"] == ["Syria", "Cuba"]


def test_title_is_stripped():
    assert check_parameters({"title": "  Syria  "})["title"] == "Syria"


def test_integer_threshold_becomes_float():
    assert check_parameters({"excess_threshold": 2})["excess_threshold"] == 2.0


def test_namespace_picks_only_new_plain_names():
    before = {"pd", "existing"}
    namespace = {
        "pd": pd, "existing": "old",                     # defined before the snapshot
        "as_of": "2022-03-31", "side": "russia",         # parameters
        "origins": ["Syria"], "excess_threshold": 2.0, "focus": None, "day": dt.date(2022, 3, 31),
        "_private": "x",                                  # underscore names are the kernel's
        "briefing": object(),                             # an analyst's object, not a literal
        "helper": len,                                    # a function
    }
    assert parameters_from_namespace(namespace, before) == {
        "as_of": "2022-03-31", "side": "russia", "origins": ["Syria"], "excess_threshold": 2.0, "focus": None,
        "day": dt.date(2022, 3, 31)}


def test_namespace_with_nothing_new_is_empty():
    assert parameters_from_namespace({"a": 1}, {"a"}) == {}


def test_changes_since_is_auto_or_a_date_before_as_of():
    assert check_parameters({})["changes_since"] == "auto"
    assert check_parameters({"as_of": "2022-03-31", "changes_since": "2021-12-31"})["changes_since"] == "2021-12-31"
    with pytest.raises(ParameterError, match="'changes_since' must be 'auto' or a date"):
        check_parameters({"changes_since": "last week"})
    # The window must open before the briefing's date: 31 Mar 2022 is not before 31 Mar 2022.
    with pytest.raises(ParameterError, match="not before as_of \\(2022-03-31\\)"):
        check_parameters({"as_of": "2022-03-31", "changes_since": "2022-03-31"})
