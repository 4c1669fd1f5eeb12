"""The briefing set: ``reports.yml`` read, checked and turned into :class:`BriefingSpec` objects.

Every problem is refused before anything runs, with the file and line: YAML syntax, unknown
keys, duplicate or unsafe names (a name becomes a folder under ``--out``, so it may hold no
path separator and no ``..``), a missing notebook, an unknown format, and any parameter the
notebook would refuse. Values allowed by the data (``origins``) are checked by
:func:`check_against_data` once the build has the data, still before anything runs.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.errors import BriefingsError
from .parameters import PARAMETERS, ParameterError, check_origins, check_parameters

FORMATS = ("html", "pdf")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DEFAULT_TIMEOUT_SECONDS = 600
MAX_TIMEOUT_SECONDS = 86_400  # a day: a briefing takes seconds; more is a typo
MAX_CONFIG_BYTES = 1_000_000
TOP_KEYS = {"defaults", "briefings"}
DEFAULT_KEYS = {"notebook", "formats", "timeout_seconds", "parameters"}
BRIEFING_KEYS = {"name", "notebook", "description", "parameters", "timeout_seconds"}


class ConfigError(BriefingsError, ValueError):
    """The configuration file cannot be used; the message names file and line."""


@dataclass(frozen=True)
class BriefingSpec:
    """One configured briefing: what to run, with which parameters, and for how long at most."""

    name: str
    notebook: Path
    parameters: dict
    description: str = ""
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    line: int = 0  # where it is declared, for messages


@dataclass(frozen=True)
class Config:
    path: Path
    briefings: list[BriefingSpec]
    formats: tuple[str, ...] = FORMATS
    names: list[str] = field(default_factory=list)

    def select(self, names: list[str] | None) -> list[BriefingSpec]:
        """The briefings called ``names`` (all when empty); raises ConfigError for an unknown name."""
        if not names:
            return list(self.briefings)
        by_name = {b.name: b for b in self.briefings}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ConfigError(f"unknown briefing(s) {', '.join(map(repr, unknown))}; "
                              f"configured in {self.path}: {', '.join(by_name)}")
        return [by_name[n] for n in dict.fromkeys(names)]


class _Refused(yaml.MarkedYAMLError):
    """YAML that is valid but not plain data (an alias, a tag, a duplicate key...)."""

    def __init__(self, mark, message: str):
        super().__init__(problem=message, problem_mark=mark)


class _LineLoader(yaml.SafeLoader):
    """A safe loader for plain data that remembers the line of each mapping (as key '__line__').

    Refused, each with its line: anchors and aliases (``&a``/``*a``: an alias bomb expands without
    bound), explicit tags (``!!python/object``, ``!!binary``...), duplicate keys (a second
    ``briefings:`` would silently replace the first), keys that are not text, true/false values
    (``side: yes`` is read by YAML as true; no setting here is true/false, so it must be quoted),
    and numbers that are not finite (``.inf``, ``.nan``). Dates stay text: ``as_of: 2022-03-31``
    means the same as ``as_of: "2022-03-31"``.
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "anchors and aliases (&name, *name) are not allowed here; "
                                             "write each value out in full")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _Refused(event.start_mark, f"tags ({tag}) are not allowed here; write plain values")
        return super().compose_node(parent, index)


# Dates stay text (as the notebook's as_of parameter expects); the date resolver is removed.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_with_line(loader, node):
    seen = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(key_node.start_mark, "merge keys (<<) are not allowed here; write each key out")
        if key_node.tag != "tag:yaml.org,2002:str" or not isinstance(key_node, yaml.ScalarNode):
            shown = repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "(a list or mapping)"
            raise _Refused(key_node.start_mark, f"key {shown} is not text; "
                                                "every key must be a name (quote it if it is a number)")
        if key_node.value in seen:
            raise _Refused(key_node.start_mark, f"duplicate key {key_node.value!r} (first at line {seen[key_node.value]}); "
                                                "a second one would silently replace the first: keep one")
        seen[key_node.value] = key_node.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _refuse_bool(loader, node):
    raise _Refused(node.start_mark, f"{node.value!r} is read by YAML as true/false, and no setting here is "
                                    f"true/false; quote it (\"{node.value}\") if you meant the text")


def _finite_float(loader, node):
    value = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise _Refused(node.start_mark, f"{node.value!r} is not a finite number; use a number such as 1.5")
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:bool", _refuse_bool)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)


def regular_file(path: Path, what: str, inside: Path | list[Path] | None = None) -> Path:
    """``path`` if it is a regular file (a link to one is followed), inside (one of) the folder(s)
    ``inside`` when given; raises :class:`ConfigError` naming it otherwise, before anything opens
    it (a named pipe or a device would block or never end)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: {what} cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, device or socket)"
        raise ConfigError(f"{path}: {what} is {kind}; give a regular file")
    if inside is not None:
        resolved = Path(path).resolve()
        folders = [Path(f).resolve() for f in (inside if isinstance(inside, list) else [inside])]
        if not any(resolved.is_relative_to(folder) for folder in folders):
            raise ConfigError(f"{path}: {what} must be inside {' or '.join(map(str, folders))} "
                              f"(it resolves to {resolved})")
    return Path(path)


def parse_formats(text: str | list | tuple, where: str = "--formats") -> tuple[str, ...]:
    """'html,pdf' or a list, checked against :data:`FORMATS`."""
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    bad = [t for t in items if t not in FORMATS]
    if bad or not items:
        raise ConfigError(f"{where}: unknown output format(s) {', '.join(map(repr, bad)) or '(none given)'}; "
                          f"allowed: {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(items))


def load_config(path: Path | str) -> Config:
    """Read and check the briefing set in ``path``; raises :class:`ConfigError`."""
    path = Path(path)
    if not os.path.lexists(path):
        raise ConfigError(f"{path}: configuration file not found; pass --config FILE")
    regular_file(path, "configuration file")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: configuration file is {path.stat().st_size} bytes; at most "
                          f"{MAX_CONFIG_BYTES} are read (a briefing set is a few kilobytes)")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except _Refused as error:
        mark = error.problem_mark
        raise ConfigError(f"{path}, line {mark.line + 1}, column {mark.column + 1}: {error.problem}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a briefing set") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("briefings"), list) or not raw["briefings"]:
        raise ConfigError(f"{path}: expected a mapping with a non-empty list under 'briefings:'")
    _no_unknown_keys(raw, TOP_KEYS, path, "top level")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: 'defaults' must be a mapping")
    _no_unknown_keys(defaults, DEFAULT_KEYS, path, "defaults")
    formats = parse_formats(defaults.get("formats", list(FORMATS)), f"{path}, line {defaults.get('__line__', 1)}, formats")
    default_params = _strip(defaults.get("parameters") or {})
    briefings, seen = [], {}
    for entry in raw["briefings"]:
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: each entry under 'briefings' must be a mapping with a name")
        line = entry.get("__line__", 0)
        where = f"{path}, line {line}"
        _no_unknown_keys(entry, BRIEFING_KEYS, path, f"briefing at line {line}")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise ConfigError(f"{where}: briefing name {name!r} is not allowed; use 1–64 lower-case letters, "
                              "digits, '-' or '_' (it becomes a folder under --out, so no '/', '\\' or '..')")
        if name in seen:
            raise ConfigError(f"{where}: duplicate briefing name {name!r} (first declared at line {seen[name]})")
        seen[name] = line
        notebook_text = entry.get("notebook", defaults.get("notebook", "notebooks/briefing.ipynb"))
        if not isinstance(notebook_text, str) or not notebook_text.endswith(".ipynb"):
            raise ConfigError(f"{where}: notebook {notebook_text!r} must be the path of a .ipynb file")
        notebook = (path.parent / notebook_text).resolve()
        if not os.path.lexists(notebook):
            raise ConfigError(f"{where}: notebook {entry.get('notebook', defaults.get('notebook'))!r} not found "
                              f"(looked for {notebook})")
        try:
            # The config's own folder, or the project's notebooks (a config kept elsewhere may use them).
            from analysis import paths as project
            regular_file(notebook, "notebook", inside=[path.parent, getattr(project, "NOTEBOOKS_DIR", path.parent)])
        except ConfigError as error:
            raise ConfigError(f"{where}: {error}") from None
        params = {**default_params, **_strip(entry.get("parameters") or {})}
        try:
            check_parameters({k: v for k, v in params.items() if k != "data_dir"})
        except ParameterError as error:
            raise ConfigError(f"{where}: briefing {name!r}: {error}") from None
        timeout = entry.get("timeout_seconds", defaults.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS))
        if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
            raise ConfigError(f"{where}: timeout_seconds must be a whole number of seconds from 1 to "
                              f"{MAX_TIMEOUT_SECONDS}; got {timeout!r}")
        briefings.append(BriefingSpec(name, notebook, params, str(entry.get("description", "")), int(timeout), line))
    return Config(path, briefings, formats, [b.name for b in briefings])


def check_against_data(config: Config, specs: list[BriefingSpec], origins: list[str]) -> None:
    """Refuse a briefing whose ``origins`` the data does not have (``origins``: the data's own,
    :attr:`analysis.loading.DataPackage.origins`); raises :class:`ConfigError` with its line."""
    for spec in specs:
        try:
            check_origins(check_parameters({"origins": spec.parameters.get("origins", "all")})["origins"], origins)
        except ParameterError as error:
            raise ConfigError(f"{config.path}, line {spec.line}: briefing {spec.name!r}: {error}") from None


def _strip(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if k != "__line__"}


def _no_unknown_keys(mapping: dict, allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(mapping) - allowed - {"__line__"})
    if unknown:
        raise ConfigError(f"{path}, line {mapping.get('__line__', '?')}: unknown key(s) in {where}: "
                          f"{', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def describe_parameters() -> str:
    """One line per notebook parameter with its default, for ``briefings list``."""
    return "\n".join(f"  {name} = {spec.default!r}: {spec.help}" for name, spec in PARAMETERS.items())
