"""The data package's value lists, declared once: in ``data/datapackage.json``.

Every field with a closed set of values (stages, qualifiers, categories, sides, rate kinds...)
lists them in the descriptor as a Frictionless ``enum`` constraint. Validation checks the data
against that list; the code reads the same list from here instead of repeating it, so adding a
value means editing the descriptor, and the tests then say which word tables must learn it.

* :func:`values` gives one field's enum, in the descriptor's order. Where the code relies on
  that order (stages applied → left; date precision finest first), the module using it says so
  and ``tests/test_schema.py`` pins it.
* :func:`subset` is for analytic choices of some values (the wage measures a home wage may be):
  it returns them unchanged after checking that the descriptor declares every one.

The constants built from these are the *project's* schema: the descriptor in
:data:`analysis.paths.DATA_DIR` (the project found from the current folder). A data folder
passed to :func:`analysis.loading.load_data` is still validated by its own descriptor's enums.
Pass ``descriptor=`` to read another descriptor. Each descriptor is read once and cached (a
changed file, by modification time or size, is read again).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .errors import BriefingsError
from .paths import DATA_DIR, DESCRIPTOR_NAME

#: The project's descriptor, whose enums the module constants of ``analysis`` and ``briefings`` hold.
DESCRIPTOR = DATA_DIR / DESCRIPTOR_NAME


class SchemaError(BriefingsError, LookupError):
    """The descriptor cannot be read, or does not declare the values asked for."""


@lru_cache(maxsize=8)
def _read(path: Path, _mtime_ns: int, _size: int) -> dict[tuple[str, str], tuple[str, ...]]:
    """(resource, field) -> enum of every field in the descriptor at ``path`` that declares one."""
    try:
        descriptor = json.loads(path.read_text("utf-8"))
        enums = {}
        for resource in descriptor["resources"]:
            for spec in resource["schema"]["fields"]:
                enum = (spec.get("constraints") or {}).get("enum")
                if enum is not None:
                    enums[resource["name"], spec["name"]] = tuple(str(value) for value in enum)
        return enums
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise SchemaError(f"{path}: cannot read the value lists of the data package descriptor ({error!r}); "
                          "run `briefings validate` to see what is wrong with it") from error


def enums(descriptor: Path | str | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every declared enum, keyed by (resource, field): the project's, or ``descriptor``'s."""
    path = Path(descriptor if descriptor is not None else DESCRIPTOR).resolve()
    try:
        stat = path.stat()
    except OSError as error:
        raise SchemaError(f"no data package descriptor at {path} ({error.strerror}); the value lists "
                          f"(stages, qualifiers, sides...) are read from the project's data/{DESCRIPTOR_NAME}") from error
    return dict(_read(path, stat.st_mtime_ns, stat.st_size))


def values(resource: str, field: str, descriptor: Path | str | None = None) -> tuple[str, ...]:
    """The values ``resource.field`` may take, in the descriptor's order.

    ``descriptor`` is a path to a ``datapackage.json``; by default the project's (:data:`DESCRIPTOR`).
    Raises :class:`SchemaError` when the field declares no enum.
    """
    found = enums(descriptor)
    try:
        return found[resource, field]
    except KeyError:
        raise SchemaError(f"{descriptor or DESCRIPTOR}: {resource}.{field} declares no enum of values; "
                          f"fields that do: {', '.join(f'{r}.{f}' for r, f in found)}") from None


def subset(resource: str, field: str, chosen: Iterable[str],
           descriptor: Path | str | None = None) -> tuple[str, ...]:
    """``chosen`` (an analytic choice of some of the field's values) as a tuple, once checked.

    Raises :class:`SchemaError` naming any value the descriptor does not declare, so a value
    renamed or dropped in the schema cannot leave a stale choice behind.
    """
    chosen = tuple(chosen)
    declared = values(resource, field, descriptor)
    unknown = [value for value in chosen if value not in declared]
    if unknown:
        raise SchemaError(f"{resource}.{field}: {', '.join(map(repr, unknown))} not among the values the "
                          f"descriptor declares ({', '.join(declared)})")
    return chosen
