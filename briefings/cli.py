"""The ``briefings`` command: validate, list and build. A thin shell over the library.

Exit codes: 0 everything succeeded; 1 some briefing failed (the others were still built), or
the command stopped on an unexpected error (for a build, its traceback is in build.log); 2 bad
usage, configuration or data (nothing was run), an output folder the build may not use, an
unreachable Dask scheduler, or another build holds the output folder; 130 / 143 interrupted by
SIGINT / SIGTERM in any command and phase (nothing half-written is left). Every error the user
can fix is an :class:`analysis.errors.BriefingsError`, which carries its exit code.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

import click

from analysis.errors import BriefingsError
from analysis.paths import ProjectNotFound, find_project
from analysis.schema import SchemaError

log = logging.getLogger("briefings")

_INTERRUPTED = """  130  interrupted by Ctrl-C (SIGINT): one line, nothing left running or half-written
  143  stopped by SIGTERM (as for 130)
"""
#: Each command's own exit codes, shown under its --help.
EXIT_CODES = """\b
Exit codes:
  0    every briefing built or was already up to date
  1    a briefing failed (the others were built; its last good output is kept),
       or the build stopped on an unexpected error (traceback in the project's
       .briefings/logs/)
  2    bad usage, config or data (nothing ran), no project found, an output
       folder the build may not use, or another build holds the output folder
""" + _INTERRUPTED
VALIDATE_EXIT_CODES = """\b
Exit codes:
  0    the data is valid
  1    the check stopped on an unexpected error (a bug: please report it)
  2    the data is invalid (every problem is listed, naming file, row, column
       and value), bad usage, or no project found
""" + _INTERRUPTED
LIST_EXIT_CODES = """\b
Exit codes:
  0    the briefings were listed
  1    stopped on an unexpected error (a bug: please report it)
  2    bad usage or config (the line is named), or no project found
""" + _INTERRUPTED
PREVIEW_EXIT_CODES = """\b
Exit codes:
  1    stopped on an unexpected error (a bug: please report it)
  2    bad usage, config or parameters, no project found, or the port cannot
       be served
  130  stopped with Ctrl-C (SIGINT), the usual way to end a preview: the
       server, its build and their processes stop; nothing is left running
  143  stopped by SIGTERM (as for 130)
"""
GROUP_EXIT_CODES = """\b
Exit codes (each command's --help gives its own):
  0    done; 1 a briefing failed or an unexpected error; 2 bad usage, config
  or data; 130 / 143 interrupted by SIGINT / SIGTERM
"""


class Interrupted(BaseException):
    """Raised in the main process on SIGTERM so that every ``finally`` runs, as for Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise Interrupted(signum)


#: The longest message printed; a longer one (a value quoted whole) is cut, saying how long it was.
MAX_MESSAGE_CHARACTERS = 4_000


def _fail(message: str, code: int = 2):
    """Print one clear message, no traceback, and exit."""
    if len(message) > MAX_MESSAGE_CHARACTERS:
        message = f"{message[:MAX_MESSAGE_CHARACTERS]}… (cut: {len(message):,} characters in all)"
    click.echo(f"error: {message}", err=True)
    log.debug("exiting with %s: %s", code, message)
    sys.exit(code)


def _setup_logging(verbose: bool, log_file: Path | None = None, quiet: bool = False) -> None:
    """Console lines at INFO (DEBUG with ``verbose``, WARNING with ``quiet``); with ``log_file``,
    every line and traceback is also appended there (a private log, see :mod:`briefings.logs`)."""
    root = logging.getLogger("briefings")
    root.setLevel(logging.DEBUG)
    root.handlers.clear()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root.addHandler(console)
    if log_file is not None:
        from .logs import private_log_handler

        handler = private_log_handler(log_file)
        if handler is not None:
            root.addHandler(handler)


def verbosity(command):
    """``-v/--verbose`` and ``-q/--quiet``, the same on every command."""
    command = click.option("-q", "--quiet", is_flag=True,
                           help="Print only warnings, errors and, when something failed, the summary "
                                "(nothing at all when all went well: what cron mails).")(command)
    return click.option("-v", "--verbose", is_flag=True,
                        help="Show debug output and tracebacks on the console.")(command)


def _check_verbosity(verbose: bool, quiet: bool) -> None:
    if verbose and quiet:
        raise click.UsageError("-v/--verbose and -q/--quiet cannot be used together")


def _load_config(config_path: Path):
    from .config import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as error:
        _fail(str(error))


def _print_problems(problems) -> None:
    click.echo(f"{len(problems)} problem(s) in the data:", err=True)
    for problem in problems:
        click.echo(f"  - {problem}", err=True)


class _Group(click.Group):
    """Every command, in every phase: a signal exits 130/143, an error the user can fix prints its
    message with its exit code, anything else one line (exit 1); never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (Interrupted, KeyboardInterrupt) as error:
            signum = getattr(error, "signum", signal.SIGINT)
            click.echo(f"interrupted by {signal.Signals(signum).name}; stopped, nothing was changed", err=True)
            sys.exit(128 + signum)
        except BriefingsError as error:
            _fail(str(error), error.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - a bug, not bad input: one line, still
            log.debug("command failed", exc_info=True)
            _fail(f"stopped on an unexpected error ({type(error).__name__}: {error}); nothing was changed; "
                  "please report it", code=1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=GROUP_EXIT_CODES)
@click.version_option(package_name="foreign-fighter-briefings", prog_name="briefings")
def main():
    """Foreign-fighter recruitment briefings: validate and add to the data, list, build and preview the briefings.

    The project is the nearest folder, from the current one upward, holding reports.yml (as git
    finds .git); data/, notebooks/ and reports/ are read and written there.

    \b
    Examples:
      briefings build                     # every briefing in reports.yml, into reports/
      briefings build overview -P side=russia
      briefings preview overview          # live preview in the browser while you edit
      briefings validate
      briefings add claim --from claim.yml --why "..."
    """
    _ensure_utf8()
    signal.signal(signal.SIGTERM, _on_signal)  # from here on, SIGTERM unwinds like Ctrl-C
    from .lifeline import follow_parent
    follow_parent()  # a build started by `briefings preview` dies with it


def _ensure_utf8() -> None:
    """Run in Python's UTF-8 mode whatever the locale: file names, the log, the notebooks and the
    messages are UTF-8. In a locale whose encoding is not (``LC_ALL=C`` with ``PYTHONUTF8=0`` or
    ``PYTHONCOERCECLOCALE=0``) the command runs itself again with ``-X utf8`` (it can only be set
    at start-up), before it has done anything; the workers and kernels inherit ``PYTHONUTF8=1``."""
    import locale

    if sys.flags.utf8_mode or locale.getpreferredencoding(False).lower().replace("-", "") == "utf8":
        return
    if not sys.argv or Path(sys.argv[0]).name not in ("briefings", "cli.py"):
        return  # called as a library (a test's CliRunner): the caller chose its interpreter
    os.environ["PYTHONUTF8"] = "1"
    os.execv(sys.executable, [sys.executable, "-X", "utf8", "-m", "briefings.cli", *sys.argv[1:]])


def _text_path(ctx, param, value: Path | None) -> Path | None:
    """A path option, refused (exit 2) unless it is UTF-8 text: a name that is not cannot be written
    into the log, the manifest or a notebook."""
    if value is not None:
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            raise click.BadParameter(f"{str(value).encode('utf-8', 'surrogateescape')!r} is not UTF-8 text; "
                                     "name the file or folder in UTF-8", ctx, param) from None
    return value


def _exit_on_data_problems(data_dir: Path) -> None:
    """Print every problem in the data at ``data_dir`` and exit 2, as ``validate`` does; return if none."""
    from analysis.loading import DataError, load_data

    try:
        load_data(data_dir)
    except DataError as error:
        _print_problems(error.problems)
        sys.exit(2)


def _use_data(data_dir: Path) -> None:
    """For the rest of this command (and in the processes it starts), read the value lists from
    ``data_dir``'s descriptor rather than the project's (see :mod:`analysis.schema`)."""
    from analysis import schema

    click.get_current_context().with_resource(schema.using(data_dir / "datapackage.json"))


# ------------------------------------------------------------------------------ where things are

def _project_root(config_path: Path | None = None) -> Path:
    """The project found from the current folder upward; when there is none, the folder of
    --config if given; else exit 2, saying what was looked for."""
    try:
        return find_project().root
    except ProjectNotFound as error:
        if config_path is not None:
            return config_path.resolve().parent
        _fail(str(error))


def _places(config_path: Path | None, data_dir: Path | None, out_dir: Path | None, out_name: str):
    """(config, data folder, output folder): each option given, else its place in the project found."""
    root = _project_root(config_path)
    return (config_path if config_path is not None else root / "reports.yml",
            data_dir if data_dir is not None else root / "data",
            out_dir if out_dir is not None else root / out_name)


CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=None, metavar="FILE", callback=_text_path,
    help="The briefing set (YAML). Default: reports.yml of the project, the nearest folder from the current one "
         "upward holding one.")
DATA_OPTION = click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=None, metavar="DIR", callback=_text_path,
    help="Folder holding datapackage.json and its CSV files. Default: the project's data/ (outside any project: "
         "data/ beside --config).")
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="DIR", callback=_text_path,
    help="Where the briefings, index.html, manifest.json and build.log go. Default: the project's reports/.")


@main.command(epilog=VALIDATE_EXIT_CODES)
@DATA_OPTION
@verbosity
def validate(data_dir: Path | None, verbose: bool, quiet: bool):
    """Check the data package; every problem names file, row, column and value.

    \b
    Examples:
      briefings validate                  # the data/ of the project you are in
      briefings validate --data ../copy/data
      briefings validate -q               # nothing printed unless there is a problem
    """
    _check_verbosity(verbose, quiet)
    _setup_logging(verbose, quiet=quiet)
    from analysis.loading import DataError, load_data

    data_dir = data_dir if data_dir is not None else _project_root() / "data"
    _use_data(data_dir)

    try:
        data = load_data(data_dir)
    except DataError as error:
        _print_problems(error.problems)
        sys.exit(2)
    counts = ", ".join(f"{len(getattr(data, name))} {name}" for name in
                       ("sources", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"))
    if not quiet:
        click.echo(f"{data_dir}: valid (data version {data.version}): {counts}")
    from analysis.freshness import staleness_warnings

    for line in staleness_warnings(data_dir):  # said, not refused: old data is still valid data (even with -q)
        click.echo(f"warning: {line}", err=True)


CHECK_EXIT_CODES = """\b
Exit codes:
  0    every claim of every ledger holds against the data
  1    some claim disagrees with the data (each is listed, with its words and
       rows), or the check stopped on an unexpected error
  2    bad usage: no such folder, no ledger in it, or no data package
""" + _INTERRUPTED


@main.command(epilog=CHECK_EXIT_CODES)
@click.argument("reports", type=click.Path(path_type=Path), metavar="REPORTS")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="The data the briefings were built from. Default: the project's data/.")
@verbosity
def check(reports: Path, data_dir: Path | None, verbose: bool, quiet: bool):
    """Re-derive every claim of each built briefing's ledger from the raw data (the second read).

    \b
    Examples:
      briefings check reports             # every <name>/<name>-ledger.json under reports/
      briefings check -q reports          # print only disagreements
    """
    _check_verbosity(verbose, quiet)
    from ledger_check.__main__ import run

    sys.exit(run(reports, data_dir if data_dir is not None else _project_root() / "data", quiet=quiet))


@main.command(name="list", epilog=LIST_EXIT_CODES)
@CONFIG_OPTION
@verbosity
def list_briefings(config_path: Path | None, verbose: bool, quiet: bool):
    """The configured briefings and their parameters (-q: only their names, one a line).

    \b
    Examples:
      briefings list
      briefings list -q                   # names only, for scripts
    """
    _check_verbosity(verbose, quiet)
    _setup_logging(verbose, quiet=quiet)
    # The project first: outside one, "no reports.yml" is the message, before any module that reads
    # the project's schema is imported.
    config_path = config_path if config_path is not None else _project_root() / "reports.yml"
    from .config import describe_parameters

    config = _load_config(config_path)
    if quiet:
        for spec in config.briefings:
            click.echo(spec.name)
        return
    click.echo(f"{len(config.briefings)} briefings in {config_path} (formats: {', '.join(config.formats)}):")
    for spec in config.briefings:
        click.echo(f"\n{spec.name}: {spec.description or spec.parameters.get('title', '')}")
        click.echo(f"  notebook: {os.path.relpath(spec.notebook)}; timeout: {spec.timeout_seconds} s")
        for key, value in spec.parameters.items():
            click.echo(f"  {key} = {value!r}")
    click.echo("\nNotebook parameters and their defaults:\n" + describe_parameters())


ADD_EXIT_CODES = """\b
Exit codes:
  0    the row was written (with --dry-run: it passed every check; nothing written)
  1    the disk refused a write (the message says what was written), or an
       unexpected error
  2    refused, no file changed: a field missing off a terminal, a value breaking
       a rule, an unknown source or claimant, a duplicate, bad --from FILE, no
       project, or another add held the data for 60 s
  130  interrupted by Ctrl-C (SIGINT): nothing was written (a signal during the
       writing itself waits until the row is written in full, and says so)
  143  stopped by SIGTERM (as for 130)
"""


@main.command(epilog=ADD_EXIT_CODES)
@click.argument("kind", type=click.Choice(["claim", "offer", "wage", "rate", "source", "claimant"]))
@DATA_OPTION
@click.option("--from", "from_file", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="Read the fields from this YAML or JSON file (JSON if it ends .json), named as the CSV's "
                   "columns; a new source or claimant may go under new_source: / new_claimant:.")
@click.option("--dry-run", is_flag=True, help="Check the row and print what would be written; write nothing.")
@click.option("--why", default=None, metavar="TEXT",
              help="Why the row is added, for data/CHANGELOG.md (asked on a terminal when not given).")
@verbosity
def add(kind, data_dir, from_file, dry_run, why, verbose, quiet):
    """Add one row to the data: a headcount claim, pay offer, reference wage, exchange rate,
    source or claimant (KIND). The next free id is given; the whole package is validated with the
    row in it before anything is written; a duplicate is refused; the CSV is written atomically
    and a line goes to data/CHANGELOG.md. On a terminal, fields not in --from FILE are asked for.

    \b
    Examples:
      briefings add claim --from claim.yml --why "Kyiv's new count of Colombians"
      briefings add source                # on a terminal: asks for each field
      briefings add offer --from offer.json --dry-run
      briefings add rate --from rate.yml --why "..." -q   # nothing printed unless refused
    """
    _check_verbosity(verbose, quiet)
    _setup_logging(verbose, quiet=quiet)
    data_dir = data_dir if data_dir is not None else _project_root() / "data"
    from .add import run_add

    run_add(kind, data_dir, from_file=from_file, dry_run=dry_run, why=why, interactive=sys.stdin.isatty(),
            quiet=quiet)


class _Progress:
    """A live bar in a terminal, with the log lines routed above it through tqdm (so a line
    never breaks the bar); plain log lines, and no bar, when stderr is not a terminal."""

    def __init__(self, total: int, enabled: bool = True):
        self.counts = {"built": 0, "failed": 0, "skipped": 0}
        self.bar = None
        self._redirect = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self._redirect = logging_redirect_tqdm(loggers=[logging.getLogger("briefings")])
            self._redirect.__enter__()
            self.bar = tqdm(total=total, unit="briefing", desc="building", file=sys.stderr)

    def __call__(self, result) -> None:
        self.counts[result.status] += 1
        if self.bar is not None:
            self.bar.set_postfix(self.counts, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self._redirect is not None:
            self._redirect.__exit__(None, None, None)
            self._redirect = None


def _parse_override(ctx, param, values) -> dict:
    """-P NAME=VALUE options as a dict; VALUE is read as YAML exactly as in reports.yml, with the
    same refusals (aliases, tags, bare true/false, non-finite numbers, deep nesting) and a bounded
    length, so numbers and lists such as [Syria, Iraq] keep their type."""
    from analysis.text import name_problem, shown

    from .config import ConfigError, parse_value

    overrides = {}
    for item in values:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.BadParameter(f"{shown(item)}: write NAME=VALUE, e.g. -P side=russia", ctx, param)
        problem = name_problem(name, "parameter name")
        if problem:
            raise click.BadParameter(f"{shown(name)} {problem}", ctx, param)
        if name == "data_dir":
            raise click.BadParameter("data_dir: use --data DIR instead", ctx, param)
        try:
            overrides[name] = parse_value(text, name)
        except ConfigError as error:
            raise click.BadParameter(str(error), ctx, param) from None
    return overrides


def custom_specs(specs, overrides: dict):
    """Each spec with ``overrides`` applied, renamed ``<name>--custom-<hash>`` so a one-off build
    goes to its own folder and never replaces the configured briefing's output.

    Raises :class:`briefings.parameters.ParameterError` for an unknown name or a bad value.
    """
    import dataclasses
    import hashlib
    import json

    from .parameters import check_parameters

    checked = check_parameters(overrides)  # every problem at once, naming the parameter
    values = {name: checked[name] for name in overrides}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return [dataclasses.replace(spec, name=f"{spec.name}--custom-{digest}",
                                parameters={**spec.parameters, **values},
                                description=f"{spec.name} with " + ", ".join(f"{k}={v!r}" for k, v in values.items()))
            for spec in specs]


@main.command(epilog=EXIT_CODES)
@click.argument("names", nargs=-1, metavar="[NAME]...")
@CONFIG_OPTION
@DATA_OPTION
@OUT_OPTION
@click.option("--formats", default=None, metavar="LIST", help="Comma-separated: html,pdf. Default: the config's formats.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Briefings built at once.")
@click.option("--force", is_flag=True, help="Rebuild every briefing, changed or not.")
@click.option("-P", "--parameter", "overrides", multiple=True, metavar="NAME=VALUE", callback=_parse_override,
              help="Override a briefing parameter for this build only (repeatable; VALUE is read as YAML). "
                   "The result goes to <out>/<name>--custom-<hash>/, never over the configured briefing.")
@click.option("--dask-scheduler", default=None, metavar="ADDRESS",
              help="Send the work to a Dask distributed scheduler (e.g. tcp://host:8786) instead of local processes.")
@click.option("--dask-timeout", type=click.IntRange(min=1, max=3600), default=10, show_default=True,
              metavar="SECONDS", help="How long to wait for the Dask scheduler to answer, and for a worker to be alive.")
@click.option("--keep-removed", is_flag=True,
              help="Keep the output of briefings that left the config (by default their folders are removed and "
                   "they leave the index and the manifest).")
@verbosity
def build(names, config_path, data_dir, out_dir, formats, jobs, force, overrides, dask_scheduler, dask_timeout,
          keep_removed, verbose, quiet):
    """Validate the data, execute and render the briefings (all, or NAMEs); skip what is unchanged.

    \b
    Examples:
      briefings build                          # every briefing, into reports/
      briefings build overview --formats html  # one briefing, HTML only
      briefings build overview -P side=russia -P as_of=2022-03-31
                                               # a one-off variant, into reports/overview--custom-<hash>/
      briefings build -q                       # for cron: silent unless something failed
    """
    _check_verbosity(verbose, quiet)
    started = time.perf_counter()
    # The project first (see list_briefings).
    config_path, data_dir, out_dir = _places(config_path, data_dir, out_dir, "reports")
    if not (data_dir / "datapackage.json").is_file():
        _fail(f"--data {data_dir}: no datapackage.json there; point --data at the folder holding the data package")
    _use_data(data_dir)  # the config's values are checked against this data's value lists
    from .build import build as run_build
    from .config import ConfigError, parse_formats

    from .parameters import ParameterError

    signal.signal(signal.SIGTERM, _on_signal)
    try:
        config = _load_config(config_path)
    except SchemaError:  # --data's descriptor cannot give the value lists: say what is wrong with it, as validate does
        _exit_on_data_problems(data_dir)
        raise
    try:
        specs = config.select(list(names))
        chosen = parse_formats(formats) if formats else config.formats
        if overrides:
            specs = custom_specs(specs, overrides)
    except ConfigError as error:
        _fail(str(error))
    except ParameterError as error:
        _fail(f"-P: {error}")
    if dask_scheduler:
        from .workers import check_scheduler_address
        try:
            check_scheduler_address(dask_scheduler)
        except BriefingsError as error:
            _fail(str(error), error.exit_code)
    from .ownership import check_out_location, claim

    protected = [data_dir, config_path, *(s.notebook for s in specs)]
    try:
        check_out_location(out_dir, protected, data_dir)  # before anything is written there
    except BriefingsError as error:
        _fail(str(error), error.exit_code)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        probe.unlink()
    except OSError as error:
        _fail(f"--out {out_dir}: cannot write there ({error.strerror}); choose a writable folder")
    try:
        claim(out_dir, [s.name for s in specs], protected, data_dir)  # before the log is opened there
    except BriefingsError as error:
        _fail(str(error), error.exit_code)
    from .logs import BuildLog, private_log_path

    private_log = private_log_path(_project_root(config_path))
    _setup_logging(verbose, private_log, quiet=quiet)
    build_log = BuildLog(out_dir)  # the published log: this build's lines, written when it ends
    build_log.attach(logging.getLogger("briefings"))
    if private_log is not None:
        log.debug("full log with tracebacks: %s", private_log)
    log.info("build started: %d briefing(s), formats %s, -j %d%s", len(specs), ",".join(chosen), jobs,
             f", dask scheduler {dask_scheduler}" if dask_scheduler else "")
    from analysis.freshness import staleness_warnings

    for line in staleness_warnings(data_dir):  # every run, built or not: the record ages by itself
        log.warning("stale data: %s", line)

    def validate_data(path: Path) -> None:
        from analysis.loading import DataError, load_data
        try:
            load_data(path)
        except DataError as error:
            _print_problems(error.problems)
            log.error("data invalid: %d problem(s); nothing was built", len(error.problems))
            for problem in error.problems:
                log.error("  - %s", problem)
            build_log.write()
            sys.exit(2)

    def executor_factory(pending: int):
        from .workers import dask_workers, local_workers
        return dask_workers(dask_scheduler, dask_timeout) if dask_scheduler else local_workers(jobs, pending)

    from .build import LockHeld

    progress = _Progress(len(specs), enabled=not quiet)
    traceback_at = f"the traceback is in {private_log}" if private_log else "run with -v for the traceback"
    try:
        report = run_build(config, specs, data_dir=data_dir, out_dir=out_dir, formats=chosen,
                           executor_factory=executor_factory, force=force, progress=progress, validate=validate_data,
                           keep_removed=keep_removed)
    except LockHeld as error:  # the other build's log is not ours to replace
        _fail(str(error), error.exit_code)
    except BriefingsError as error:  # ConfigError, UnsafeOutput, SchedulerUnreachable...
        build_log.note(logging.ERROR, str(error))  # the console gets it once, from _fail
        build_log.write()
        _fail(str(error), error.exit_code)
    except (Interrupted, KeyboardInterrupt) as error:
        signum = getattr(error, "signum", signal.SIGINT)
        log.error("interrupted by %s: staging folders removed, previous outputs kept, lock released",
                  signal.Signals(signum).name)
        build_log.write()
        sys.exit(128 + signum)
    except OSError as error:
        log.debug("build failed", exc_info=True)
        build_log.write()
        # Briefings finished before the error were swapped in whole; none was left half-written.
        _fail(f"cannot write the reports: {error}; every briefing keeps its last good output or a complete "
              "new one (the log says which were built)")
    except Exception as error:  # noqa: BLE001 - a bug, not bad input: still one line, the traceback in the log
        log.debug("build failed", exc_info=True)
        build_log.note(logging.ERROR, f"the build stopped on an unexpected error ({type(error).__name__}: {error})")
        build_log.write()
        _fail(f"the build stopped on an unexpected error ({type(error).__name__}: {error}); {traceback_at}; "
              "every briefing keeps its last good output or a complete new one", code=1)
    finally:
        progress.close()
    if verbose:  # where the time went, one row per briefing
        from .build import stages_table
        click.echo(stages_table(report.results, time.perf_counter() - started), err=True)
    counts = report.counts()
    log.info("build finished: %d built, %d skipped, %d failed; index at %s", counts["built"], counts["skipped"],
             counts["failed"], out_dir / "index.html")
    build_log.write()
    summary = build_summary(report)
    if report.exit_code or not quiet:
        # What a scheduled run mails: the counts, and each failed briefing with its one-line error.
        click.echo(summary, err=bool(report.exit_code))
    sys.exit(report.exit_code)


def build_summary(report) -> str:
    """``briefings build: exit 1: 6 built, 0 up to date, 1 failed`` and one line per failed briefing
    (its error, one line) and per briefing removed from the config."""
    counts = report.counts()
    lines = [f"briefings build: exit {report.exit_code}: {counts['built']} built, {counts['skipped']} up to date, "
             f"{counts['failed']} failed" + (f", {len(report.removed)} removed" if report.removed else "")]
    for result in report.results:
        if result.status == "failed":
            error = " ".join(str(result.error or "failed").split())
            lines.append(f"  failed: {result.name}: {error[:400]}")
    lines += [f"  removed (no longer in the config): {name}" for name in report.removed]
    return "\n".join(lines)


@main.command(epilog=PREVIEW_EXIT_CODES)
@click.argument("name", required=False)
@CONFIG_OPTION
@DATA_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="DIR", callback=_text_path,
              help="Where the preview builds go. Default: the project's .preview/ (never reports/).")
@click.option("--formats", default="html", show_default=True, metavar="LIST", help="Comma-separated: html,pdf.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port on 127.0.0.1 to serve on. Default: a free one, printed at start.")
@click.option("-P", "--parameter", "overrides", multiple=True, metavar="NAME=VALUE", callback=_parse_override,
              help="Override a parameter, as for build (the preview shows <name>--custom-<hash>).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
@verbosity
def preview(name, config_path, data_dir, out_dir, formats, port, overrides, open_browser, verbose, quiet):
    """Build one briefing (NAME, default the first in the config), serve it on 127.0.0.1, and
    rebuild and reload the page whenever its data, notebook, the config or the analysis package
    change. Ctrl-C stops it.

    \b
    Examples:
      briefings preview                   # the first briefing of reports.yml
      briefings preview pay-focus --port 8800 --open
    """
    # The project first (see list_briefings).
    config_path, data_dir, out_dir = _places(config_path, data_dir, out_dir, ".preview")
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        _fail(f"--out {out_dir}: is a file, not a folder; the preview writes its builds into a folder: choose another "
              "--out (or remove the file)")
    _use_data(data_dir)
    import asyncio
    import json

    from .config import ConfigError, parse_formats
    from .parameters import ParameterError
    from .preview import Preview

    config = _load_config(config_path)
    try:
        spec = config.select([name])[0] if name else config.briefings[0]
        parse_formats(formats)
        shown = custom_specs([spec], overrides)[0] if overrides else spec
    except ConfigError as error:
        _fail(str(error))
    except ParameterError as error:
        _fail(f"-P: {error}")
    _check_verbosity(verbose, quiet)
    _setup_logging(verbose, quiet=quiet)
    build_args = [spec.name, "--config", str(config_path), "--data", str(data_dir), "--out", str(out_dir),
                  "--formats", formats, "-j", "1"]
    for key, value in overrides.items():  # as JSON, which the build reads back as the same YAML value
        build_args += ["-P", f"{key}={json.dumps(value, default=str)}"]

    def ready(url: str) -> None:
        page = f"{url}{shown.name}/{shown.name}.html"
        click.echo(f"serving {page}", err=False)
        click.echo(f"watching {data_dir}, {spec.notebook}, {config_path} and the two packages; Ctrl-C to stop",
                   err=True)
        sys.stdout.flush()
        if open_browser:
            import webbrowser
            webbrowser.open(page)

    runner = Preview(shown.name, build_args, out_dir,
                     {"data": data_dir, "notebook": spec.notebook, "config": config_path}, port)
    try:
        signum = asyncio.run(runner.run(on_ready=ready))
    except OSError as error:
        _fail(f"cannot serve on 127.0.0.1:{port or '(a free port)'}: {error.strerror or error}")
    sys.exit(128 + signum)


if __name__ == "__main__":
    main()
