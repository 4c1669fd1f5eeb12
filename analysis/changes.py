"""What changed between two dates: figures that became known, or revised an earlier figure.

A briefing's "what changed" box lists, for the window ``(since, as_of]``, every headcount series
whose latest claim became known in the window and every pay offer that became known in it. The
window is read from the data alone (the day each figure counts as known, see
:func:`analysis.loading.known_from`), so the same data and dates always give the same list.

* A series with no claim known on or before ``since`` is **new**.
* A series whose latest claim on ``since`` differs from its latest claim on ``as_of`` is
  **revised**, with the direction of the change read from the middles of the two ranges.
* A series whose new claim states the same figure again is **restated** (a repeat, not news).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import files

from .headcounts import latest_claims
from .loading import known_from

#: Default length of the window when a briefing does not name ``changes_since``: one year: these figures are reported months apart.
DEFAULT_WINDOW_DAYS = 365


def default_since(as_of) -> pd.Timestamp:
    """The day the default window opens: :data:`DEFAULT_WINDOW_DAYS` before ``as_of``."""
    return pd.Timestamp(as_of) - pd.Timedelta(days=DEFAULT_WINDOW_DAYS)


def _middle(interval) -> float:
    return (interval.low + interval.high) / 2


def headcount_changes(all_claims: pd.DataFrame, since, as_of) -> pd.DataFrame:
    """One row per series whose latest claim became known in ``(since, as_of]``.

    ``all_claims`` comes from :func:`analysis.headcounts.claims_as_of` for ``as_of``. Columns:
    ``kind`` ('new', 'revised' or 'restated'), ``direction`` ('up', 'down', 'same' or '' for new),
    ``claim_id`` and ``before_claim_id`` (None for new), and the series columns. Rows run from
    the most recently known.
    """
    since, as_of = pd.Timestamp(since), pd.Timestamp(as_of)
    columns = ["kind", "direction", "claim_id", "before_claim_id", "known_from", "adversary"]
    if all_claims.empty:
        return pd.DataFrame(columns=columns)
    now = latest_claims(all_claims[all_claims["known_from"] <= as_of])
    then = latest_claims(all_claims[all_claims["known_from"] <= since])
    key = ["side", "origin", "category", "stage", "count_key"]
    before = {tuple(str(r[c]) for c in key): r for _, r in then.iterrows()}
    rows = []
    for _, claim in now.iterrows():
        if not since < claim["known_from"] <= as_of:
            continue
        earlier = before.get(tuple(str(claim[c]) for c in key))
        if earlier is None:
            kind, direction = "new", ""
        else:
            old, new = _middle(earlier["people"]), _middle(claim["people"])
            direction = "up" if new > old else "down" if new < old else "same"
            kind = "restated" if earlier["stated"] == claim["stated"] else "revised"
        rows.append({"kind": kind, "direction": direction, "claim_id": claim["claim_id"],
                     "before_claim_id": None if earlier is None else earlier["claim_id"],
                     "known_from": claim["known_from"], "adversary": bool(claim["adversary"])})
    frame = pd.DataFrame(rows, columns=columns, dtype=object)  # object: a new series's before_claim_id stays None
    return frame.sort_values(["known_from", "claim_id"], ascending=[False, True]).reset_index(drop=True)


def offer_changes(offers: pd.DataFrame, since, as_of) -> pd.DataFrame:
    """Pay offers (rows of :func:`analysis.pay.offers_in_usd`) that became known in
    ``(since, as_of]``, the most recently known first."""
    if offers.empty:
        return offers
    known = known_from(offers)
    inside = offers[(known > pd.Timestamp(since)) & (known <= pd.Timestamp(as_of))]
    return inside.assign(known_from=known[inside.index]).sort_values(
        ["known_from", "offer_id"], ascending=[False, True])


# ------------------------------------------------------------------ revisions of the data itself

#: A dated entry of data/CHANGELOG.md: a second-level heading holding an ISO date.
_ENTRY = re.compile(r"^##\s+(\d{4}-\d{2}-\d{2})\b(.*)$")
_TITLE = re.compile(r"^###\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Revision:
    """One dated entry of the data's changelog: when the data was revised, and its first heading."""

    day: pd.Timestamp
    title: str


def data_revisions(changelog: Path | str) -> list[Revision]:
    """Every dated entry (``## YYYY-MM-DD``) of ``data/CHANGELOG.md``, oldest first; the title is
    the entry's first ``###`` heading (or the rest of its own heading line). [] when there is no
    changelog."""
    path = Path(changelog)
    if not path.is_file():
        return []
    found: list[list] = []
    for line in files.read_text(path, limit=64 * files.MB, what="changelog").splitlines():
        entry = _ENTRY.match(line)
        if entry:
            found.append([pd.Timestamp(entry.group(1)), entry.group(2).strip(" -—:()")])
            continue
        title = _TITLE.match(line)
        if title and found and not found[-1][1]:
            found[-1][1] = title.group(1)
    return sorted((Revision(day, title) for day, title in found), key=lambda r: r.day)


def revisions_in(revisions: list[Revision], since, as_of) -> list[Revision]:
    """The revisions dated in the window ``(since, as_of]``."""
    return [r for r in revisions if pd.Timestamp(since) < r.day <= pd.Timestamp(as_of)]
