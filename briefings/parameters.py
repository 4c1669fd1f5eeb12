"""Briefing parameters: names, defaults, allowed values, and the one check both the CLI and the
notebook run, so a bad value is refused with the same message before and during execution."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from analysis import schema
from analysis.text import control_problem, name_problem, parse_date, shown

#: 'both', then each side the data package declares (read on first use, see analysis.schema).
SIDES = schema.Lazy(lambda: ("both",) + schema.values("headcount_claims", "side"))
FOCUSES = ("all", "headcounts", "pay")
_FX_KIND_DEFAULT = "market"
#: The exchange-rate kinds the data package declares, the default first.
FX_KIND_CHOICES = schema.Lazy(lambda: (_FX_KIND_DEFAULT,) + tuple(
    kind for kind in schema.values("exchange_rates", "kind") if kind != _FX_KIND_DEFAULT))


class ParameterError(ValueError):
    """A briefing parameter is unknown or has a value that is not allowed."""


@dataclass(frozen=True)
class Parameter:
    default: Any
    help_text: str | Callable[[], str]  # a callable when it names the descriptor's values (read on first use)
    check: Callable[[str, Any], Any]
    type: str = "str"  # as annotated in the notebook's parameters cell, shown by papermill --help-notebook

    @property
    def help(self) -> str:
        return self.help_text() if callable(self.help_text) else self.help_text


def _text(limit: int) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"parameter {name!r} must be non-empty text; got {shown(value)}")
        if len(value) > limit:
            raise ParameterError(f"parameter {name!r} must be at most {limit} characters; got {len(value)}")
        problem = control_problem(value)
        if problem:
            raise ParameterError(f"parameter {name!r} {problem} (it is one line of text); got {shown(value)}")
        return unicodedata.normalize("NFC", value.strip())
    return check


def _choice(choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ParameterError(f"parameter {name!r} must be one of: {', '.join(choices)}; got {shown(value)}")
        return value
    return check


def _as_of(name: str, value: Any) -> str:
    """'latest' or an ISO date not after today."""
    if value == "latest":
        return value
    try:
        day = parse_date(value)
    except ValueError as error:  # not a date, a day the calendar lacks (2022-02-30), or before 1900
        raise ParameterError(f"parameter {name!r} must be 'latest' or {error}; got {shown(value)}") from None
    from analysis.clock import today  # the one clock (UTC), as validation and 'latest' use

    if day > today():
        raise ParameterError(f"parameter {name!r} is {day}, after today ({today()}); "
                             "a briefing can only show what had been reported, so use a past date or 'latest'")
    return day.isoformat()


def _since(name: str, value: Any) -> str:
    """'auto' or an ISO date (checked against as_of in :func:`check_parameters`)."""
    if value == "auto":
        return value
    try:
        return parse_date(value).isoformat()
    except ValueError as error:
        raise ParameterError(f"parameter {name!r} must be 'auto' or {error}; got {shown(value)}") from None


def _origins(name: str, value: Any) -> list[str]:
    """'all', a comma-separated string, or a list of origin names (checked against the data later)."""
    if value in ("all", "", None, []):
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ParameterError(f"parameter {name!r} must be 'all' or a list of origin names; got {shown(value)}")
    for origin in value:  # the same rule as the data's origins: no second "Syria" that looks the same
        problem = name_problem(origin.strip(), "origin")
        if problem:
            raise ParameterError(f"parameter {name!r}: origin {shown(origin)} {problem}")
    return [v.strip() for v in value]


def _number(low: float, high: float) -> Callable[[str, Any], float]:
    def check(name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ParameterError(f"parameter {name!r} must be a number from {low:g} to {high:g}; got {shown(value)}")
        return float(value)
    return check


def _months(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
        raise ParameterError(f"parameter {name!r} must be a whole number of months from 1 to 120; got {shown(value)}")
    return value


def _path(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name!r} must be a folder path as text ('' for the project's data/); got {shown(value)}")
    return value


PARAMETERS: dict[str, Parameter] = {
    "title": Parameter("Foreign fighters in the Russia–Ukraine war", "Briefing title", _text(200)),
    "side": Parameter("both", lambda: "Which side's recruits: " + ", ".join(SIDES), _choice(SIDES)),
    "origins": Parameter("all", "'all' or a list of origin countries, e.g. ['Syria']", _origins, "str or list[str]"),
    "as_of": Parameter("latest", "'latest' or YYYY-MM-DD: show only what had been reported by then", _as_of),
    "changes_since": Parameter("auto", "'auto' (365 days before as_of) or YYYY-MM-DD: the 'what changed' box lists "
                               "figures that became known after this date", _since),
    "fx_kind": Parameter(_FX_KIND_DEFAULT, lambda: "Exchange rates to convert with: " + ", ".join(FX_KIND_CHOICES), _choice(FX_KIND_CHOICES)),
    "marking": Parameter("OPEN SOURCE", "Marking line printed on every page", _text(80)),
    "author": Parameter("Foreign-fighter briefings project", "Author named in the PDF's and the HTML's metadata",
                        _text(200)),
    "focus": Parameter("all", "Sections to include: " + ", ".join(FOCUSES), _choice(FOCUSES)),
    "excess_threshold": Parameter(1.5, "Multiple of the army's own pay that counts as 'substantially in excess' (Art. 47(2)(c))", _number(1.0, 10.0), "float"),
    "default_contract_months": Parameter(6, "Months assumed for a drive's cost when an offer states no contract length", _months, "int"),
    "data_dir": Parameter("", "Folder holding datapackage.json, relative to the project; '' means the project's data/", _path),
}


def parameters_cell() -> str:
    """The briefing notebook's parameters cell, one ``name: type = default  # help`` line each:
    the form papermill reads for ``papermill --help-notebook`` (tests check the notebook matches)."""
    return "\n".join(f"{name}: {spec.type if spec.type.isidentifier() else repr(spec.type)} = "
                     f"{json.dumps(spec.default, ensure_ascii=False)}  # {spec.help}"
                     for name, spec in PARAMETERS.items())


def defaults() -> dict[str, Any]:
    """Every parameter's default value."""
    return {name: spec.default for name, spec in PARAMETERS.items()}


def check_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """Validate ``values`` (a subset of the parameters) and return the full, normalised set.

    Raises :class:`ParameterError` naming the parameter and what is allowed; every problem is
    reported at once.
    """
    problems = []
    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        named = ", ".join(shown(str(n), 40) for n in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        problems.append(f"unknown parameter(s) {named}; allowed: {', '.join(PARAMETERS)}")
    checked = {}
    for name, spec in PARAMETERS.items():
        try:
            checked[name] = spec.check(name, values.get(name, spec.default))
        except ParameterError as error:
            problems.append(str(error))
    since, as_of = checked.get("changes_since"), checked.get("as_of")
    if since not in (None, "auto") and as_of is not None:
        from analysis.clock import today

        end = today().isoformat() if as_of == "latest" else as_of
        if since >= end:
            problems.append(f"parameter 'changes_since' is {since}, not before as_of ({end}); "
                            "the 'what changed' window must open before the briefing's date")
    if problems:
        raise ParameterError("; ".join(problems))
    return checked


def check_origins(origins: list[str], known: list[str]) -> None:
    """Refuse origins the data does not have; ``known`` comes from :attr:`DataPackage.origins`.

    The one check behind both the build (before anything runs) and the notebook's first cell.
    """
    unknown = [o for o in origins if o not in known]
    if unknown:
        # "all" is also a value of the data's origin column (a figure for every origin): named once.
        countries = [o for o in known if o != "all"]
        named = ", ".join(shown(o, 40) for o in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise ParameterError(f"parameter 'origins': unknown origin(s) {named}; "
                             f"allowed: all, or any of {', '.join(countries)}")


def parameters_from_namespace(namespace: dict[str, Any], before: set[str]) -> dict[str, Any]:
    """The names a notebook's parameters and injected-parameters cells defined.

    ``before`` is the set of global names taken just before the parameters cell ran, so any
    extra name papermill injected (which it would otherwise accept silently) is caught here.
    Only plain values count (papermill injects literals), so objects an analyst made in later
    cells, such as the briefing itself, do not trip the check when a cell is run again.
    """
    plain = (str, int, float, bool, list, tuple, dict, type(None), dt.date)
    return {name: value for name, value in namespace.items()
            if name not in before and not name.startswith("_") and isinstance(value, plain)}
