"""Who is speaking: each claim's claimant as a stable identity, typed by its stake in the claim.

A claimant (``claimants.csv``) is an organisation or person, whoever relays its words: every
SOHR figure is SOHR's, whether we read it in Newsweek or through NHK. Claims that share a
claimant are one source, not several, for single-source flags, contradictions and confidence.

A claim's *speaker type* follows from the claimant and what the claim is about:

* ``own_side``: a party to the war (Russia's or Ukraine's state) speaking about its own side;
* ``adversary``: a party speaking about the other side (Russia's MoD counting Ukraine's
  foreign fighters, Ukraine's intelligence counting Russia's): shown apart and labelled;
* otherwise the claimant's kind: ``third_country_government`` (any other state, such as the
  origin country's), ``international_body``, ``ngo``, ``media``, ``individual``, ``company``.
"""

from __future__ import annotations

import pandas as pd

from . import schema
from .loading import SIDE_COUNTRY

#: Every speaker type: the two a party to the war can be, then one per claimant kind of the schema
#: (a state not at war is a third-country government). SPEAKER_LABELS has a label for each.
SPEAKER_TYPES = schema.Lazy(lambda: ("own_side", "adversary") + tuple(
    "third_country_government" if kind == "state" else kind for kind in schema.values("claimants", "kind")))

SPEAKER_LABELS = {
    "own_side": "a party to the war about its own side",
    "adversary": "a party to the war about its adversary",
    "third_country_government": "a government not at war",
    "international_body": "an international body",
    "ngo": "a non-governmental monitor",
    "media": "a news organisation",
    "individual": "individuals",
    "company": "a company",
}


def speaker_type(party: str, kind: str, about_side: str | None) -> str:
    """The speaker type of one claim (see module docstring); ``about_side`` is russia/ukraine or None."""
    if party in SIDE_COUNTRY:
        if about_side is None or party == about_side:
            return "own_side"
        return "adversary"
    return "third_country_government" if kind == "state" else kind


def with_speakers(frame: pd.DataFrame, claimants: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with ``claimant_name``, ``claimant_party``, ``speaker_type`` and ``adversary`` (bool).

    The side a claim is about is its ``side`` column, or for wages the side whose country it is.
    Without ``claimants`` (small test frames), every claimant counts as a news organisation.
    """
    frame = frame.copy()
    if claimants is None or "claimant_id" not in frame:
        frame["claimant_name"] = frame.get("claimant")
        frame["claimant_party"] = "none"
        frame["speaker_type"] = "media"
        frame["adversary"] = False
        return frame
    by_id = claimants.set_index("claimant_id")
    frame["claimant_name"] = frame["claimant_id"].map(by_id["name"])
    frame["claimant_party"] = frame["claimant_id"].map(by_id["party"])
    kinds = frame["claimant_id"].map(by_id["kind"])
    if "side" in frame:
        about = frame["side"]
    else:
        country_side = {country: side for side, country in SIDE_COUNTRY.items()}
        about = frame["country"].map(country_side)
    frame["speaker_type"] = [speaker_type(p, k, a if isinstance(a, str) else None)
                             for p, k, a in zip(frame["claimant_party"], kinds, about)]
    frame["adversary"] = frame["speaker_type"] == "adversary"
    return frame
