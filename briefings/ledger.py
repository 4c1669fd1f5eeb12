"""The claim ledger: every claim a briefing printed, with its words, for the second read.

Sections record each statement as they write it (:meth:`Ledger.say`); the notebook's last cell
(``briefing.claim_ledger()``) shows the ledger as one output of mimetype
``application/vnd.briefing.ledger+json``, which is never shown to readers: the exporters write it
as ``<name>-ledger.json`` beside the HTML (as the figures become ``<name>-figures.csv``), and the
build has ``ledger_check`` re-derive every claim from the raw rows before the briefing is published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from analysis.claims import Claim

LEDGER_MIMETYPE = "application/vnd.briefing.ledger+json"
LEDGER_VERSION = 1


@dataclass
class Ledger:
    """The claims of one briefing, in the order they were printed (a claim printed twice with the
    same words in the same section is kept once)."""

    entries: list = field(default_factory=list)
    _seen: set = field(default_factory=set, repr=False)

    def say(self, made: Claim, words: str = "", section: str = "") -> str:
        """Record ``made`` as printed in ``section`` as ``words``; returns ``words``."""
        entry = {"section": section, "words": words, **made.as_json()}
        key = json.dumps(entry, sort_keys=True, ensure_ascii=False)
        if key not in self._seen:
            self._seen.add(key)
            self.entries.append(entry)
        return words

    def as_json(self, briefing: dict) -> dict:
        """The ledger file's content: the briefing's own parameters, then every claim, numbered."""
        return {"ledger_version": LEDGER_VERSION, "briefing": briefing,
                "claims": [{"id": i, **entry} for i, entry in enumerate(self.entries, start=1)]}


@dataclass(frozen=True)
class LedgerOutput:
    """The ledger as a notebook output: data for the exporters, one line of text for a person."""

    content: dict

    def _repr_mimebundle_(self, include=None, exclude=None):
        n = len(self.content["claims"])
        return {LEDGER_MIMETYPE: self.content,
                "text/plain": f"{n} claims (written to the briefing's ledger and checked against the data)"}


class LedgerError(ValueError):
    """The notebook carries more than one ledger output, or one that is not a ledger."""


def read_ledger(nb) -> dict | None:
    """The executed notebook's ledger, or None when it has none. Raises :class:`LedgerError`."""
    found = [output.get("data", {})[LEDGER_MIMETYPE]
             for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
             for output in cell.get("outputs", []) if LEDGER_MIMETYPE in (output.get("data") or {})]
    if not found:
        return None
    if len(found) > 1:
        raise LedgerError(f"the notebook has {len(found)} {LEDGER_MIMETYPE} outputs; a briefing has one ledger")
    ledger = found[0]
    if isinstance(ledger, str):
        try:
            ledger = json.loads(ledger)
        except ValueError as error:
            raise LedgerError(f"{LEDGER_MIMETYPE} output is not JSON: {error}") from None
    if not isinstance(ledger, dict) or not isinstance(ledger.get("claims"), list):
        raise LedgerError(f'{LEDGER_MIMETYPE} output must be {{"briefing": {{...}}, "claims": [...]}}')
    return ledger


def ledger_file_name(stem: str) -> str:
    return f"{stem}-ledger.json"


def ledger_bytes(ledger: dict) -> bytes:
    return (json.dumps(ledger, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
