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

**Nothing is read at import time.** The module constants of ``analysis`` and ``briefings``
(``STAGES``, ``QUALIFIERS``, ``SIDES``...) are :class:`Lazy` sequences and mappings, read from the
descriptor on first use. Which descriptor: the one named by the environment variable
:data:`DESCRIPTOR_ENV` when set (the commands set it to their ``--data`` folder's with
:func:`using`, and the workers and kernels they start inherit it), else the project's. So a
broken project descriptor (a named pipe, say) cannot stop ``briefings build --data elsewhere``,
or any import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from . import files
from .errors import BriefingsError
from .paths import DATA_DIR, DESCRIPTOR_NAME
from .version import MAX_DESCRIPTOR_BYTES

#: The project's descriptor, whose enums the module constants of ``analysis`` and ``briefings`` hold.
DESCRIPTOR = DATA_DIR / DESCRIPTOR_NAME
#: When set, the descriptor the module constants are read from instead of :data:`DESCRIPTOR`.
DESCRIPTOR_ENV = "BRIEFINGS_DESCRIPTOR"


class SchemaError(BriefingsError, LookupError):
    """The descriptor cannot be read, or does not declare the values asked for."""


@lru_cache(maxsize=8)
def _read(path: Path, _mtime_ns: int, _size: int) -> dict[tuple[str, str], tuple[str, ...]]:
    """(resource, field) -> enum of every field in the descriptor at ``path`` that declares one."""
    try:
        descriptor = files.read_json(path, limit=MAX_DESCRIPTOR_BYTES, what="data package descriptor")
        enums = {}
        for resource in descriptor["resources"]:
            for spec in resource["schema"]["fields"]:
                enum = (spec.get("constraints") or {}).get("enum")
                if enum is not None:
                    enums[resource["name"], spec["name"]] = tuple(str(value) for value in enum)
        return enums
    except files.FileRefused as error:
        raise SchemaError(f"{error}; the value lists (stages, qualifiers, sides...) are read from it") from None
    except OSError as error:
        raise SchemaError(f"{path}: cannot read the value lists of the data package descriptor "
                          f"({error.strerror or error})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise SchemaError(f"{path}: cannot read the value lists of the data package descriptor "
                          f"({type(error).__name__}: {error}); run `briefings validate` to see what is wrong with it") from None


def enums(descriptor: Path | str | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every declared enum, keyed by (resource, field): the project's, or ``descriptor``'s."""
    path = Path(descriptor if descriptor is not None else current()).resolve()
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
        raise SchemaError(f"{descriptor or current()}: {resource}.{field} declares no enum of values; "
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


# ------------------------------------------------------------------------------ read on first use

def current() -> Path:
    """The descriptor the module constants are read from: :data:`DESCRIPTOR_ENV`'s, else the project's."""
    return Path(os.environ.get(DESCRIPTOR_ENV) or DESCRIPTOR)


@contextmanager
def using(descriptor: Path | str):
    """Within the block (and in every process started in it), the module constants are read from
    ``descriptor``: a command's ``--data`` folder's, rather than the project's."""
    before = os.environ.get(DESCRIPTOR_ENV)
    os.environ[DESCRIPTOR_ENV] = str(Path(descriptor).resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DESCRIPTOR_ENV, None)
        else:
            os.environ[DESCRIPTOR_ENV] = before


class Lazy(Sequence):
    """A tuple computed from the descriptor on first use (once per descriptor), so that defining a
    module constant reads nothing. It compares equal to the list or tuple of the same values."""

    def __init__(self, compute: Callable[[], Iterable]):
        self._compute = compute
        self._cache: dict[str, tuple] = {}

    def _value(self) -> tuple:
        key = os.environ.get(DESCRIPTOR_ENV) or ""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = tuple(self._compute())
            return value

    def __getitem__(self, index):
        return self._value()[index]

    def __len__(self) -> int:
        return len(self._value())

    def __iter__(self):
        return iter(self._value())

    def __contains__(self, item) -> bool:
        return item in self._value()

    def __eq__(self, other) -> bool:
        if isinstance(other, (Lazy, list, tuple)):
            return self._value() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value())

    def __add__(self, other):
        return self._value() + tuple(other)

    def __radd__(self, other):
        return tuple(other) + self._value()

    def __repr__(self) -> str:
        return repr(self._value())


class LazyMap(Mapping):
    """A mapping computed from the descriptor on first use (once per descriptor), as :class:`Lazy`."""

    def __init__(self, compute: Callable[[], Mapping]):
        self._compute = compute
        self._cache: dict[str, dict] = {}

    def _dict(self) -> dict:
        key = os.environ.get(DESCRIPTOR_ENV) or ""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = dict(self._compute())
            return value

    def __getitem__(self, key):
        return self._dict()[key]

    def __iter__(self):
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __eq__(self, other) -> bool:
        if isinstance(other, Mapping):
            return self._dict() == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._dict())


def lazy_values(resource: str, field: str) -> Lazy:
    """:func:`values`, read on first use."""
    return Lazy(lambda: values(resource, field))


def lazy_subset(resource: str, field: str, chosen: Iterable[str]) -> Lazy:
    """:func:`subset`, checked on first use."""
    chosen = tuple(chosen)
    return Lazy(lambda: subset(resource, field, chosen))
