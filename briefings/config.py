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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import files
from analysis.errors import BriefingsError
from analysis.text import name_problem, shown
from .parameters import PARAMETERS, ParameterError, check_origins, check_parameters

FORMATS = ("html", "pdf")
# \Z, not $: "$" also matches before a final newline, and "ref\n" would become a folder "ref⏎".
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")
#: Folder names in --out the build itself uses, so no briefing may take them.
RESERVED_NAMES = {"annex": "data annex, the whole record"}
DEFAULT_TIMEOUT_SECONDS = 600
MAX_TIMEOUT_SECONDS = 86_400  # a day: a briefing takes seconds; more is a typo
MAX_CONFIG_BYTES = 1_000_000
#: The most a notebook may weigh when the config check reads it (ours is 5 KB without outputs).
MAX_NOTEBOOK_BYTES = 64 * files.MB
#: The longest -P value read (a list of every origin is a few hundred characters).
MAX_VALUE_CHARACTERS = 10_000
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
            raise ConfigError(f"unknown briefing(s) {_some(unknown)}; "
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
    numbers that are not finite (``.inf``, ``.nan``), keys with invisible or control characters,
    and nesting deeper than :data:`analysis.files.MAX_DEPTH`. Dates stay text: ``as_of: 2022-03-31``
    means the same as ``as_of: "2022-03-31"``. Text is NFC-normalised (an accent typed as one
    character or as two is the same text).
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "anchors and aliases (&name, *name) are not allowed here; "
                                             "write each value out in full")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _Refused(event.start_mark, f"tags ({tag}) are not allowed here; write plain values")
        depth = getattr(self, "_depth", 0)
        if depth >= files.MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {files.MAX_DEPTH} levels deep; a setting here "
                                             "is a value, a list or a mapping of them")
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth


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
            what = shown(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "(a list or mapping)"
            raise _Refused(key_node.start_mark, f"key {what} is not text; "
                                                "every key must be a name (quote it if it is a number)")
        problem = name_problem(unicodedata.normalize("NFC", key_node.value), "key")
        if problem:
            raise _Refused(key_node.start_mark, f"key {shown(key_node.value)} {problem}")
        key = unicodedata.normalize("NFC", key_node.value)
        if key in seen:
            raise _Refused(key_node.start_mark, f"duplicate key {shown(key)} (first at line {seen[key]}); "
                                                "a second one would silently replace the first: keep one")
        seen[key] = key_node.start_mark.line + 1
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


def _nfc_text(loader, node):
    return unicodedata.normalize("NFC", loader.construct_scalar(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:bool", _refuse_bool)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _nfc_text)


def _load_yaml(text: str):
    """``text`` as plain data (see :class:`_LineLoader`); raises :class:`_Refused`, :class:`yaml.YAMLError`
    or :class:`RecursionError`."""
    return yaml.load(text, Loader=_LineLoader)


def parse_value(text: str, where: str):
    """One value given on the command line (``-P NAME=VALUE``), read as YAML exactly as the same
    value in ``reports.yml`` is, with the same refusals (aliases, tags, true/false, non-finite
    numbers, invisible keys, deep nesting) and a bounded length. Raises :class:`ConfigError`."""
    if len(text) > MAX_VALUE_CHARACTERS:
        raise ConfigError(f"{where}: the value is {len(text):,} characters; at most {MAX_VALUE_CHARACTERS:,} are read")
    try:
        value = _load_yaml(text) if text.strip() else ""
    except _Refused as error:
        raise ConfigError(f"{where}: {error.problem}") from None
    except yaml.YAMLError:
        return unicodedata.normalize("NFC", text)  # not YAML (an unclosed quote...): the text as typed
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply") from None
    return _strip_lines(value)


def _strip_lines(value):
    """``value`` without the '__line__' keys the loader adds to every mapping."""
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


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


def check_notebook(path: Path) -> None:
    """Refuse (:class:`ConfigError`) a file that is not a Jupyter notebook, before anything runs:
    it must be nbformat 4 JSON with a list of cells (read through the guarded opener, bounded)."""
    try:
        notebook = files.read_json(path, limit=MAX_NOTEBOOK_BYTES, what="notebook")
    except files.FileRefused as error:
        raise ConfigError(str(error)) from None
    except OSError as error:
        raise ConfigError(f"{path}: notebook cannot be read ({error.strerror or error})") from None
    except ValueError as error:
        raise ConfigError(f"{path}: is not a Jupyter notebook (not JSON: {shown(str(error))}); give a .ipynb file "
                          "saved by Jupyter") from None
    if not isinstance(notebook, dict) or notebook.get("nbformat") != 4:
        raise ConfigError(f"{path}: is not a Jupyter notebook of format 4 (no \"nbformat\": 4); give a .ipynb "
                          "file saved by Jupyter")
    cells = notebook.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")
                                              for c in cells):
        raise ConfigError(f"{path}: is not a Jupyter notebook (\"cells\" is not a list of code, markdown and raw "
                          "cells); give a .ipynb file saved by Jupyter")


def parse_formats(text: str | list | tuple, where: str = "--formats") -> tuple[str, ...]:
    """'html,pdf' or a list, checked against :data:`FORMATS`."""
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    bad = [t for t in items if t not in FORMATS]
    if bad or not items:
        raise ConfigError(f"{where}: unknown output format(s) {_some(bad) or '(none given)'}; "
                          f"allowed: {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(items))


def load_config(path: Path | str) -> Config:
    """Read and check the briefing set in ``path``; raises :class:`ConfigError`."""
    path = Path(path)
    if not os.path.lexists(path):
        raise ConfigError(f"{path}: configuration file not found; pass --config FILE")
    try:
        text = files.read_text(path, limit=MAX_CONFIG_BYTES, what="configuration file")
    except files.FileRefused as error:
        raise ConfigError(str(error)) from None
    except OSError as error:
        raise ConfigError(f"{path}: configuration file cannot be read ({error.strerror or error})") from None
    try:
        raw = _load_yaml(text)
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
    briefings, seen, checked = [], {}, set()
    for entry in raw["briefings"]:
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: each entry under 'briefings' must be a mapping with a name")
        line = entry.get("__line__", 0)
        where = f"{path}, line {line}"
        _no_unknown_keys(entry, BRIEFING_KEYS, path, f"briefing at line {line}")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise ConfigError(f"{where}: briefing name {shown(name)} is not allowed; use 1–64 lower-case letters, "
                              "digits, '-' or '_' (it becomes a folder under --out, so no '/', '\\' or '..')")
        if name in RESERVED_NAMES:
            raise ConfigError(f"{where}: briefing name {name!r} is taken by the build's {RESERVED_NAMES[name]} "
                              f"(<out>/{name}/); choose another")
        if name in seen:
            raise ConfigError(f"{where}: duplicate briefing name {name!r} (first declared at line {seen[name]})")
        seen[name] = line
        notebook_text = entry.get("notebook", defaults.get("notebook", "notebooks/briefing.ipynb"))
        if not isinstance(notebook_text, str) or not notebook_text.endswith(".ipynb"):
            raise ConfigError(f"{where}: notebook {shown(notebook_text)} must be the path of a .ipynb file")
        notebook = (path.parent / notebook_text).resolve()
        if not os.path.lexists(notebook):
            raise ConfigError(f"{where}: notebook {entry.get('notebook', defaults.get('notebook'))!r} not found "
                              f"(looked for {notebook})")
        try:
            # The config's own folder, or the project's notebooks (a config kept elsewhere may use them).
            from analysis import paths as project
            regular_file(notebook, "notebook", inside=[path.parent, getattr(project, "NOTEBOOKS_DIR", path.parent)])
            if notebook not in checked:
                check_notebook(notebook)
                checked.add(notebook)
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
                              f"{MAX_TIMEOUT_SECONDS}; got {shown(timeout)}")
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


def _some(values: list) -> str:
    """The first five of ``values``, each quoted shortly, and how many more (a message stays short)."""
    more = f" and {len(values) - 5} more" if len(values) > 5 else ""
    return ", ".join(shown(v, 40) for v in values[:5]) + more


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
