"""The command line follows conventions: --version, examples and exit codes in the help, every
option described, and log lines routed through the progress bar on a terminal."""

from __future__ import annotations

import io
import logging
from importlib import metadata

import click
import pytest
from click.testing import CliRunner

from briefings import cli

# Runs the real command, builds included.
pytestmark = pytest.mark.slow


def test_version():
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"briefings, version {metadata.version('foreign-fighter-briefings')}"


#: What exit 0 means for each command, in its own words (a preview has no 0: it runs until stopped).
OWN_ZERO = {"build": "every briefing built or was already up to date", "validate": "the data is valid",
            "list": "the briefings were listed", "preview": None,
            "add": "the row was written (with --dry-run: it passed every check; nothing written)",
            "check": "every claim of every ledger holds against the data"}


@pytest.mark.parametrize("command", sorted(OWN_ZERO))
def test_help_has_an_example_and_its_own_exit_codes(command):
    result = CliRunner().invoke(cli.main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"briefings {command}" in result.output
    for code in ("1 ", "2 ", "130", "143"):
        assert f"  {code}" in result.output
    if OWN_ZERO[command]:
        assert f"  0    {OWN_ZERO[command]}" in result.output
    else:
        assert "  0 " not in result.output
    # No command's help borrows another's meaning of success.
    for other, words in OWN_ZERO.items():
        if other != command and words:
            assert words not in result.output


@pytest.mark.parametrize("command", sorted(OWN_ZERO))
def test_every_command_takes_quiet_and_verbose_but_not_both(command):
    options = {opt for param in cli.main.commands[command].params for opt in getattr(param, "opts", [])}
    assert {"-q", "--quiet", "-v", "--verbose"} <= options
    arguments = {"add": ["claim"], "check": ["reports"]}.get(command, [])  # the arguments a command cannot run without
    result = CliRunner().invoke(cli.main, [command, *arguments, "-q", "-v"])
    assert result.exit_code == 2 and "cannot be used together" in result.output


def test_every_option_is_described():
    for name, command in cli.main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"briefings {name} {param.opts[0]} has no help"


@pytest.fixture(autouse=True)
def _restore_briefings_logger():
    """_setup_logging replaces the 'briefings' logger's handlers: put them back afterwards."""
    logger = logging.getLogger("briefings")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_log_lines_go_through_the_progress_bar_on_a_terminal(monkeypatch):
    from tqdm.contrib.logging import _TqdmLoggingHandler

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    cli._setup_logging(verbose=False)
    logger = logging.getLogger("briefings")
    progress = cli._Progress(total=2)
    try:
        assert any(isinstance(h, _TqdmLoggingHandler) for h in logger.handlers)
        logger.info("overview: up to date, skipped")
    finally:
        progress.close()
    assert not any(isinstance(h, _TqdmLoggingHandler) for h in logger.handlers)
    # tqdm.write clears the bar, prints the line whole, and redraws the bar below it.
    lines = terminal.getvalue().replace("\r", "\n").splitlines()
    assert any(line.endswith("INFO overview: up to date, skipped") and "building" not in line for line in lines)


def test_plain_lines_and_no_bar_when_not_a_terminal(monkeypatch):
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    cli._setup_logging(verbose=False)
    progress = cli._Progress(total=2)
    logging.getLogger("briefings").info("a plain line")
    progress.close()
    assert progress.bar is None and plain.getvalue().endswith("INFO a plain line\n")
