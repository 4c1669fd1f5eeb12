"""reports.yml: the default set, and every way a config is refused before anything runs."""

from __future__ import annotations

import pytest
from helpers import REPO

from briefings.config import ConfigError, load_config, parse_formats


def write(tmp_path, text: str):
    (tmp_path / "notebooks").mkdir(exist_ok=True)
    # The smallest notebook the config check accepts (nbformat 4, a list of cells).
    (tmp_path / "notebooks" / "briefing.ipynb").write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
                                                            '"cells": []}')
    path = tmp_path / "reports.yml"
    path.write_text(text, "utf-8")
    return path


def test_default_set_has_at_least_six_briefings_with_valid_parameters():
    config = load_config(REPO / "reports.yml")
    names = [b.name for b in config.briefings]
    assert len(names) >= 6 and len(set(names)) == len(names)
    assert {"overview", "as-of-2022-03-31"} <= set(names)
    march = config.select(["as-of-2022-03-31"])[0]
    assert march.parameters["as_of"] == "2022-03-31" and march.parameters["marking"] == "OPEN SOURCE"
    assert config.formats == ("html", "pdf")


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "briefings:\n  - name: a\n    parameters: {title: 'x'\n  - name: b\n")
    with pytest.raises(ConfigError, match=r"reports.yml, line 4, column \d+: YAML syntax error"):
        load_config(path)


def test_duplicate_names_are_refused_with_both_lines(tmp_path):
    path = write(tmp_path, "briefings:\n  - name: a\n  - name: b\n  - name: a\n")
    with pytest.raises(ConfigError, match=r"line 4: duplicate briefing name 'a' \(first declared at line 2\)"):
        load_config(path)


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "a\\b", "Upper", "", "x" * 65])
def test_unsafe_names_are_refused(tmp_path, name):
    path = write(tmp_path, f"briefings:\n  - name: {name!r}\n")
    with pytest.raises(ConfigError, match="is not allowed; use 1–64 lower-case letters"):
        load_config(path)


def test_unknown_notebook(tmp_path):
    path = write(tmp_path, "briefings:\n  - name: a\n    notebook: notebooks/missing.ipynb\n")
    with pytest.raises(ConfigError, match="line 2: notebook 'notebooks/missing.ipynb' not found"):
        load_config(path)


def test_unknown_format_in_config_and_on_the_command_line(tmp_path):
    path = write(tmp_path, "defaults:\n  formats: [html, docx]\nbriefings:\n  - name: a\n")
    with pytest.raises(ConfigError, match=r"unknown output format\(s\) 'docx'; allowed: html, pdf"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"--formats: unknown output format\(s\) 'png'"):
        parse_formats("html,png")
    assert parse_formats("pdf, html,pdf") == ("pdf", "html")


def test_unknown_parameter_and_bad_value_are_refused_with_the_briefing_named(tmp_path):
    path = write(tmp_path, "briefings:\n  - name: a\n    parameters: {sidee: russia}\n")
    with pytest.raises(ConfigError, match=r"line 2: briefing 'a': unknown parameter\(s\) 'sidee'; allowed: title"):
        load_config(path)
    path = write(tmp_path, "briefings:\n  - name: a\n    parameters: {fx_kind: black}\n")
    with pytest.raises(ConfigError, match="parameter 'fx_kind' must be one of: market, official; got 'black'"):
        load_config(path)


def test_unknown_keys_and_bad_timeout(tmp_path):
    path = write(tmp_path, "briefings:\n  - name: a\n    parametres: {}\n")
    with pytest.raises(ConfigError, match=r"unknown key\(s\) in briefing at line 2: parametres"):
        load_config(path)
    path = write(tmp_path, "briefings:\n  - name: a\n    timeout_seconds: -1\n")
    with pytest.raises(ConfigError, match="timeout_seconds must be a whole number of seconds from 1 to 86400; got -1"):
        load_config(path)


def test_select_unknown_briefing_lists_the_configured_ones():
    config = load_config(REPO / "reports.yml")
    with pytest.raises(ConfigError, match="unknown briefing\\(s\\) 'nope'; configured in .*: overview, "):
        config.select(["nope"])
