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

log = logging.getLogger("briefings")

EXIT_CODES = """\b
Exit codes:
  0    every briefing built or was already up to date
  1    a briefing failed (the others were built; its last good output is kept),
       or the build stopped on an unexpected error (traceback in <out>/build.log)
  2    bad usage, config or data (nothing ran), no project found, or another
       build holds the output folder
  130  interrupted by Ctrl-C (SIGINT): staging folders removed, previous outputs kept
  143  stopped by SIGTERM (as for 130)
"""


class Interrupted(BaseException):
    """Raised in the main process on SIGTERM so that every ``finally`` runs, as for Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise Interrupted(signum)


def _fail(message: str, code: int = 2):
    """Print one clear message, no traceback, and exit."""
    click.echo(f"error: {message}", err=True)
    log.debug("exiting with %s: %s", code, message)
    sys.exit(code)


def _setup_logging(verbose: bool, log_file: Path | None = None) -> None:
    root = logging.getLogger("briefings")
    root.setLevel(logging.DEBUG)
    root.handlers.clear()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root.addHandler(console)
    if log_file is not None:
        from .ownership import append_stream

        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.StreamHandler(append_stream(log_file))  # never through a link
        handler.setLevel(logging.DEBUG)  # tracebacks always reach the log file
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        root.addHandler(handler)


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="foreign-fighter-briefings", prog_name="briefings")
def main():
    """Foreign-fighter recruitment briefings: validate the data, list, build and preview the briefings.

    The project is the nearest folder, from the current one upward, holding reports.yml (as git
    finds .git); data/, notebooks/ and reports/ are read and written there.

    \b
    Examples:
      briefings build                     # every briefing in reports.yml, into reports/
      briefings build overview -P side=russia
      briefings preview overview          # live preview in the browser while you edit
      briefings validate
    """
    signal.signal(signal.SIGTERM, _on_signal)  # from here on, SIGTERM unwinds like Ctrl-C
    from .lifeline import follow_parent
    follow_parent()  # a build started by `briefings preview` dies with it


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
    "--config", "config_path", type=click.Path(path_type=Path), default=None, metavar="FILE",
    help="The briefing set (YAML). Default: reports.yml of the project, the nearest folder from the current one "
         "upward holding one.")
DATA_OPTION = click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
    help="Folder holding datapackage.json and its CSV files. Default: the project's data/ (outside any project: "
         "data/ beside --config).")
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
    help="Where the briefings, index.html, manifest.json and build.log go. Default: the project's reports/.")


@main.command(epilog=EXIT_CODES)
@DATA_OPTION
def validate(data_dir: Path | None):
    """Check the data package; every problem names file, row, column and value.

    \b
    Examples:
      briefings validate                  # the data/ of the project you are in
      briefings validate --data ../copy/data
    """
    from analysis.loading import DataError, load_data

    data_dir = data_dir if data_dir is not None else _project_root() / "data"

    try:
        data = load_data(data_dir)
    except DataError as error:
        _print_problems(error.problems)
        sys.exit(2)
    counts = ", ".join(f"{len(getattr(data, name))} {name}" for name in
                       ("sources", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"))
    click.echo(f"{data_dir}: valid (data version {data.version}): {counts}")


@main.command(name="list", epilog=EXIT_CODES)
@CONFIG_OPTION
def list_briefings(config_path: Path | None):
    """The configured briefings and their parameters.

    \b
    Example:
      briefings list
    """
    # The project first: outside one, "no reports.yml" is the message, before any module that reads
    # the project's schema is imported.
    config_path = config_path if config_path is not None else _project_root() / "reports.yml"
    from .config import describe_parameters

    config = _load_config(config_path)
    click.echo(f"{len(config.briefings)} briefings in {config_path} (formats: {', '.join(config.formats)}):")
    for spec in config.briefings:
        click.echo(f"\n{spec.name}: {spec.description or spec.parameters.get('title', '')}")
        click.echo(f"  notebook: {os.path.relpath(spec.notebook)}; timeout: {spec.timeout_seconds} s")
        for key, value in spec.parameters.items():
            click.echo(f"  {key} = {value!r}")
    click.echo("\nNotebook parameters and their defaults:\n" + describe_parameters())


class _Progress:
    """A live bar in a terminal, with the log lines routed above it through tqdm (so a line
    never breaks the bar); plain log lines, and no bar, when stderr is not a terminal."""

    def __init__(self, total: int):
        self.counts = {"built": 0, "failed": 0, "skipped": 0}
        self.bar = None
        self._redirect = None
        if sys.stderr.isatty():
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
    """-P NAME=VALUE options as a dict; VALUE is read as YAML (as in reports.yml), so numbers,
    lists such as [Syria, Iraq] and dates keep their type."""
    import yaml

    overrides = {}
    for item in values:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.BadParameter(f"{item!r}: write NAME=VALUE, e.g. -P side=russia", ctx, param)
        if name == "data_dir":
            raise click.BadParameter("data_dir: use --data DIR instead", ctx, param)
        try:
            overrides[name] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            overrides[name] = text
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
@click.option("-v", "--verbose", is_flag=True, help="Show debug output and tracebacks on the console.")
def build(names, config_path, data_dir, out_dir, formats, jobs, force, overrides, dask_scheduler, dask_timeout,
          verbose):
    """Validate the data, execute and render the briefings (all, or NAMEs); skip what is unchanged.

    \b
    Examples:
      briefings build                          # every briefing, into reports/
      briefings build overview --formats html  # one briefing, HTML only
      briefings build overview -P side=russia -P as_of=2022-03-31
                                               # a one-off variant, into reports/overview--custom-<hash>/
    """
    started = time.perf_counter()
    # The project first (see list_briefings).
    config_path, data_dir, out_dir = _places(config_path, data_dir, out_dir, "reports")
    from .build import build as run_build
    from .config import ConfigError, parse_formats

    from .parameters import ParameterError

    signal.signal(signal.SIGTERM, _on_signal)
    config = _load_config(config_path)
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
    if not (data_dir / "datapackage.json").is_file():
        _fail(f"--data {data_dir}: no datapackage.json there; point --data at the folder holding the data package")
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
    _setup_logging(verbose, out_dir / "build.log")
    log.info("build started: %d briefing(s), formats %s, -j %d%s", len(specs), ",".join(chosen), jobs,
             f", dask scheduler {dask_scheduler}" if dask_scheduler else "")

    def validate_data(path: Path) -> None:
        from analysis.loading import DataError, load_data
        try:
            load_data(path)
        except DataError as error:
            _print_problems(error.problems)
            log.error("data invalid: %d problem(s); nothing was built", len(error.problems))
            sys.exit(2)

    def executor_factory(pending: int):
        from .workers import dask_workers, local_workers
        return dask_workers(dask_scheduler, dask_timeout) if dask_scheduler else local_workers(jobs, pending)

    progress = _Progress(len(specs))
    try:
        report = run_build(config, specs, data_dir=data_dir, out_dir=out_dir, formats=chosen,
                           executor_factory=executor_factory, force=force, progress=progress, validate=validate_data)
    except BriefingsError as error:  # LockHeld, ConfigError, UnsafeOutput, SchedulerUnreachable...
        _fail(str(error), error.exit_code)
    except (Interrupted, KeyboardInterrupt) as error:
        signum = getattr(error, "signum", signal.SIGINT)
        log.error("interrupted by %s: staging folders removed, previous outputs kept, lock released",
                  signal.Signals(signum).name)
        sys.exit(128 + signum)
    except OSError as error:
        log.debug("build failed", exc_info=True)
        _fail(f"cannot write the reports: {error}; nothing already rendered was replaced")
    except Exception as error:  # noqa: BLE001 - a bug, not bad input: still one line, the traceback in the log
        log.debug("build failed", exc_info=True)
        _fail(f"the build stopped on an unexpected error ({type(error).__name__}: {error}); the traceback is in "
              f"{out_dir / 'build.log'} (or run with -v); every briefing keeps its last good output or a "
              "complete new one", code=1)
    finally:
        progress.close()
    if verbose:  # where the time went, one row per briefing
        from .build import stages_table
        click.echo(stages_table(report.results, time.perf_counter() - started), err=True)
    counts = report.counts()
    log.info("build finished: %d built, %d skipped, %d failed; index at %s", counts["built"], counts["skipped"],
             counts["failed"], out_dir / "index.html")
    sys.exit(report.exit_code)


@main.command(epilog=EXIT_CODES)
@click.argument("name", required=False)
@CONFIG_OPTION
@DATA_OPTION
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Where the preview builds go. Default: the project's .preview/ (never reports/).")
@click.option("--formats", default="html", show_default=True, metavar="LIST", help="Comma-separated: html,pdf.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port on 127.0.0.1 to serve on. Default: a free one, printed at start.")
@click.option("-P", "--parameter", "overrides", multiple=True, metavar="NAME=VALUE", callback=_parse_override,
              help="Override a parameter, as for build (the preview shows <name>--custom-<hash>).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default web browser.")
def preview(name, config_path, data_dir, out_dir, formats, port, overrides, open_browser):
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
    _setup_logging(False)
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
        _fail(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}")
    sys.exit(128 + signum)


if __name__ == "__main__":
    main()
