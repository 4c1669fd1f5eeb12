"""The second read: every claim a briefing printed, re-derived from the raw rows of ``data/``.

A briefing writes its claim ledger (``<name>-ledger.json``; :mod:`briefings.ledger`): each claim's
kind, subject, value, the rows it rests on, the rule that made it and the words printed. This
package re-derives each claim from the raw CSV rows with plain pandas and its own statement of
the rules of ``docs/method.md`` (:mod:`ledger_check.rules`), sharing no code with the code that
chose the sentence: it imports neither ``analysis`` nor ``briefings``, and reads only the data
package (``datapackage.json`` for the files and column types, the CSVs, ``CHANGELOG.md``).

``check_executed(notebook, data_dir)`` is what the build calls on each executed briefing before
publishing it: a disagreement raises :class:`LedgerDisagreement`, naming each sentence and the
rows, and the briefing fails (its last good output stays). ``python -m ledger_check REPORTS``
checks every ledger of a built folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .data import read_rows
from .kinds import CHECKS
from .rules import View

LEDGER_MIMETYPE = "application/vnd.briefing.ledger+json"
META_MIMETYPE = "application/vnd.briefing.meta+json"
__all__ = ["Disagreement", "LedgerDisagreement", "check_ledger", "check_executed", "ledger_of", "LEDGER_MIMETYPE"]


@dataclass(frozen=True)
class Disagreement:
    """One claim the data does not bear out: the claim's number, kind, section, words, rows, and why."""

    claim: int
    kind: str
    section: str
    words: str
    rows: tuple
    problem: str

    def __str__(self) -> str:
        words = " ".join(self.words.split())
        words = words if len(words) <= 160 else words[:157] + "..."
        rows = ", ".join(self.rows) or "no row"
        return (f"claim {self.claim} ({self.kind}, {self.section or 'no section'}): {self.problem} "
                f"[rows {rows}] — printed: {words!r}")


class LedgerDisagreement(Exception):
    """The briefing states something its data does not bear out; ``disagreements`` lists each."""

    exit_code = 1

    def __init__(self, name: str, disagreements: list[Disagreement], checked: int):
        self.name, self.disagreements, self.checked = name, disagreements, checked
        # The first line names the first disagreement (a one-line log keeps it); the rest follow.
        rest = "\n".join(f"  - {d}" for d in disagreements[1:20])
        more = f"\n  … and {len(disagreements) - 20} more" if len(disagreements) > 20 else ""
        super().__init__(f"{name or 'briefing'}: {len(disagreements)} of {checked} claims disagree with the data, not "
                         f"published; {disagreements[0]}" + (f"\n{rest}{more}" if rest else ""))


def check_ledger(ledger: dict, data_dir: Path | str, rows=None) -> list[Disagreement]:
    """Every claim of ``ledger`` re-derived from the data package in ``data_dir``; [] when all hold.

    ``rows`` (from :func:`ledger_check.data.read_rows`) may be passed to check many ledgers of one
    data package without reading it again."""
    rows = rows if rows is not None else read_rows(data_dir)
    view = View(rows, ledger["briefing"])
    found = []
    for claim in ledger.get("claims", []):
        check = CHECKS.get(claim.get("kind"))
        if check is None:
            problems = [f"a claim of kind {claim.get('kind')!r}, which the checker does not know"]
        else:
            try:
                problems = check(claim, view)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
                problems = [f"the claim cannot be re-derived ({type(error).__name__}: {error})"]
        found += [Disagreement(int(claim.get("id", 0)), str(claim.get("kind")), claim.get("section", ""),
                               claim.get("words", ""), tuple(claim.get("rows", [])), p) for p in problems]
    return found


def ledger_of(notebook) -> dict | None:
    """The ledger output of an executed briefing notebook (a dict or an nbformat node), or None."""
    found = [output.get("data", {})[LEDGER_MIMETYPE]
             for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"
             for output in cell.get("outputs", []) if LEDGER_MIMETYPE in (output.get("data") or {})]
    if len(found) != 1:
        return None
    ledger = found[0]
    return json.loads(ledger) if isinstance(ledger, str) else ledger


def _is_briefing(notebook) -> bool:
    return any(META_MIMETYPE in (output.get("data") or {})
               for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"
               for output in cell.get("outputs", []))


def check_executed(notebook, data_dir: Path | str, name: str = "") -> int:
    """Check the ledger of an executed briefing notebook against ``data_dir``; returns the number of
    claims checked. Raises :class:`LedgerDisagreement` when any claim disagrees, or when a briefing
    (a notebook showing the briefing header) carries no ledger. A notebook that is no briefing
    passes untouched."""
    ledger = ledger_of(notebook)
    if ledger is None:
        if not _is_briefing(notebook):
            return 0
        raise LedgerDisagreement(name, [Disagreement(0, "ledger", "", "", (), "the briefing carries no claim ledger "
                                                     "(or more than one): add briefing.claim_ledger() as its last cell")],
                                 0)
    found = check_ledger(ledger, data_dir)
    params = ((notebook.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    stated = ledger.get("briefing", {})
    for key in ("side", "focus", "fx_kind"):
        if key in params and params[key] != stated.get(key):
            found.append(Disagreement(0, "ledger", "", "", (), f"the ledger says {key}={stated.get(key)!r}, the "
                                                              f"notebook ran with {params[key]!r}"))
    if params.get("as_of") not in (None, "latest") and params["as_of"] != stated.get("as_of"):
        found.append(Disagreement(0, "ledger", "", "", (), f"the ledger says as_of={stated.get('as_of')!r}, the "
                                                          f"notebook ran with {params['as_of']!r}"))
    if found:
        raise LedgerDisagreement(name, found, len(ledger.get("claims", [])))
    return len(ledger.get("claims", []))
