"""Headcounts: how many foreign fighters each side has, by origin, category and stage.

The rules (``docs/method.md`` gives them in full, with the parameters that override them):

* **As of.** A view as of day D holds only claims known by D: a claim dated to the month or the
  year counts as known from the end of that period (its ``known_from``).
* **Series.** A series is one quantity: side × origin × category × stage × count type (a
  cumulative count, a count of those present on a day, or a flow over a stated period — flows
  of different periods are different series). Stocks and flows are never compared or added.
* **The latest claim** of a series is the one known last (``known_from``). Ties on the same day
  go to the better credibility grade (lower number), then to the more precise date, then to the
  higher claim id. Claims marked ``part_of`` another claim in view break that total down and are
  no rivals to it. Every other claim is *set aside* and listed in the appendix with the reason.
* **Totals never swallow their parts.** A cell side × category × stage × count type takes the
  claim covering every origin when there is one, else a regional total, else the sum of the
  per-country series; the per-country sum is shown beside a total, never added to it.
* **Independent sources.** Claims by one claimant are one source however many outlets relay
  them. A series' figure is single-source when no claim from another claimant, known within
  :data:`CORROBORATION_WINDOW_DAYS` of it, overlaps it.
* **Unknown is not zero.** A stage nobody reported has no row; it is "not reported", never 0.
* **Signed up → arrived.** A gap is computed only when a signed-up stock and evidence of presence
  (arrived, deployed, killed, missing or left) for the same side, origin and category were reported within
  :data:`GAP_WINDOW_DAYS` of each other. The gap is signed up minus the largest presence figure, so
  it counts those *not reported* to have arrived, an upper bound on those who did not.
* **Contradictions and trends.** Two claims of one series by different claimants, known within
  :data:`CONTRADICTION_WINDOW_DAYS` of each other, whose ranges cannot both hold, contradict each
  other. Claims further apart that differ are a change over time (a trend), not a contradiction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import schema
from .intervals import APPROXIMATE, Interval, format_claim, from_claim, interval_sum, stated_interval
from .loading import known_from
from .speakers import with_speakers

#: The stages, in the order a recruit passes through them (applied → signed up → ... → left): the
#: descriptor's enum order for headcount_claims.stage IS this order, and tables follow it.
STAGES = schema.lazy_values("headcount_claims", "stage")
#: Stages that show someone reached the war (our choice of stages, checked against the schema): missing
#: in action counts, since only those in the fighting go missing in it.
PRESENCE_STAGES = schema.lazy_subset("headcount_claims", "stage", ("arrived", "deployed", "killed", "missing", "left"))
#: Stages a "largest" or a ranking of people who reached the war compares (method rule 14): missing
#: in action is evidence of presence for the gap (rule 6), but a count of those missing on a day is
#: no count of how many reached the war, so it never leads or ranks as one.
REACHED_STAGES = schema.lazy_subset("headcount_claims", "stage", ("arrived", "deployed", "killed", "left"))
#: Categories that are no foreign recruits (method rule 14): the data's conscripts are naturalised
#: citizens called up by the state whose nationals they are (H103, H104), so no "largest" or
#: ranking of foreign recruits counts them.
NOT_FOREIGN_RECRUITS = schema.lazy_subset("headcount_claims", "category", ("conscript",))
COUNT_TYPES = schema.lazy_values("headcount_claims", "count_type")
SERIES = ["side", "origin", "category", "stage", "count_key"]
CONTRADICTION_WINDOW_DAYS = 7
GAP_WINDOW_DAYS = 92
#: Another claimant's figure corroborates only when known within this many days of it.
CORROBORATION_WINDOW_DAYS = 31
# Ranks, higher = more specific. The descriptor lists origin_scope and date_precision from the most
# specific value to the least (country, region, all; day, month, year), so the rank is the reverse
# of the enum order; tests/test_schema.py pins both orders.
_SCOPE_RANK = schema.LazyMap(lambda: {scope: rank for rank, scope in enumerate(reversed(schema.values("headcount_claims", "origin_scope")))})
_PRECISION_RANK = schema.LazyMap(lambda: {precision: rank for rank, precision in
                   enumerate(reversed(schema.values("headcount_claims", "date_precision")))})


def count_key(count_type: str, start=None, end=None) -> str:
    """The part of a series key that keeps stocks and flows apart: 'cumulative', 'current' or
    'flow 2025-01-01..2025-06-30' (a flow's period is part of what it counts)."""
    if count_type != "flow":
        return count_type
    return f"flow {pd.Timestamp(start).date()}..{pd.Timestamp(end).date()}"


def claims_as_of(claims: pd.DataFrame, as_of=None, *, sides=None, origins=None, rule=None,
                 claimants: pd.DataFrame | None = None) -> pd.DataFrame:
    """Claims known by ``as_of`` (all when None), optionally for some sides and origins.

    Adds ``known_from`` (Timestamp), ``people`` (Interval, people), ``stated`` (the figure as its
    source put it, e.g. '40,000+'), ``count_key`` and the speaker columns of
    :func:`analysis.speakers.with_speakers`. Totals over all origins are dropped when ``origins`` is
    given, since they are not about those origins alone; so is a region's total unless the region
    itself is one of the ``origins`` (an Africa briefing shows Africa's total beside its countries).
    """
    frame = claims.copy()
    frame["known_from"] = known_from(frame)
    if as_of is not None:
        frame = frame[frame["known_from"] <= pd.Timestamp(as_of)]
    if sides:
        frame = frame[frame["side"].isin(list(sides))]
    if origins:
        frame = frame[frame["origin"].isin(list(origins)) & (frame["origin_scope"] != "all")]
    frame["people"] = [from_claim(q, lo, hi, rule) for q, lo, hi in
                       zip(frame["qualifier"], frame["people_low"], frame["people_high"])]
    frame["stated"] = [format_claim(q, lo, hi) for q, lo, hi in
                       zip(frame["qualifier"], frame["people_low"], frame["people_high"])]
    frame["count_key"] = [count_key(t, s, e) for t, s, e in
                          zip(frame["count_type"], frame["period_start"], frame["period_end"])]
    return with_speakers(frame, claimants)


def _ordered(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims from first known to last known, ties broken as the module docstring says."""
    return claims.assign(_precise=claims["date_precision"].map(_PRECISION_RANK),
                         _grade=-claims["credibility"].astype(int)).sort_values(
        ["known_from", "_grade", "_precise", "claim_id"]).drop(columns=["_precise", "_grade"])


def _whole(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims that are not a part of another claim in view."""
    return claims[~claims["part_of"].isin(set(claims["claim_id"]))]


def latest_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per series: its latest claim, with ``n_claims``, ``n_sources`` (independent
    claimants), ``single_source`` and ``set_aside`` (ids of the series' other claims).

    ``claims`` comes from :func:`claims_as_of`. Parts of a claim in view are left out.
    """
    rows = []
    for _, series in _ordered(_whole(claims)).groupby(SERIES, sort=True):
        latest = series.iloc[-1]
        others = series[series["claimant_id"] != latest["claimant_id"]]
        near = others[(others["known_from"] - latest["known_from"]).abs() <= pd.Timedelta(days=CORROBORATION_WINDOW_DAYS)]
        corroborating = [c for c, p in zip(near["claim_id"], near["people"]) if latest["people"].overlaps(p)]
        rows.append({**latest.to_dict(), "n_claims": len(series), "corroborated_by": corroborating,
                     "n_sources": series["claimant_id"].nunique(), "single_source": not corroborating,
                     "set_aside": [c for c in series["claim_id"] if c != latest["claim_id"]]})
    columns = list(claims.columns) + ["n_claims", "corroborated_by", "n_sources", "single_source", "set_aside"]
    result = pd.DataFrame(rows, columns=columns, dtype=object)
    result["stage"] = pd.Categorical(result["stage"], STAGES, ordered=True)
    return result.sort_values(["side", "category", "stage", "origin", "count_key"]).reset_index(drop=True)


def claim_status(claims: pd.DataFrame, latest: pd.DataFrame) -> pd.Series:
    """Why each claim in view is or is not a headline figure, indexed like ``claims``:
    'latest in its series', 'part of H001', 'superseded by H037 (known later)'."""
    latest_by_series = {tuple(row[c] for c in SERIES): row["claim_id"] for _, row in latest.iterrows()}
    in_view = set(claims["claim_id"])
    status = {}
    for index, claim in claims.iterrows():
        if claim["part_of"] in in_view:
            status[index] = f"part of {claim['part_of']}"
            continue
        winner = latest_by_series.get(tuple(claim[c] for c in SERIES))
        status[index] = ("latest in its series" if winner == claim["claim_id"]
                         else f"superseded by {winner}" if winner else "not in view")
    return pd.Series(status, dtype=object)


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def parts_of(claims: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The claims that break down claim ``claim_id`` (its ``part_of`` children)."""
    return claims[claims["part_of"] == claim_id]


def headcount_table(latest: pd.DataFrame) -> pd.DataFrame:
    """Totals of stocks by side × category × stage × count type from :func:`latest_claims`,
    never adding a total to its parts. Flows are left out (see :func:`flows`).

    Returns one row per cell with ``figure`` (Interval, people), ``basis`` (how the figure was
    reached), ``claim_ids``, ``named_origins`` (Interval: sum of the per-country series, shown
    beside a total), ``single_source`` and ``parts_exceed_total``.
    """
    rows = []
    stocks = latest[latest["count_type"] != "flow"]
    keys = ["side", "category", "stage", "count_type"]
    for (side, category, stage, count_type), cell in stocks.groupby(keys, observed=True, sort=True):
        countries = cell[cell["origin_scope"] == "country"]
        named = interval_sum(countries["people"])
        totals = cell[cell["origin_scope"] != "country"]
        if len(totals):
            best = totals.assign(rank=totals["origin_scope"].map(_SCOPE_RANK)).sort_values(
                ["rank", "known_from"], ascending=[True, False]).iloc[0]
            figure, used = best["people"], cell[cell["claim_id"] == best["claim_id"]]
            where = "all origins" if best["origin"] == "all" else best["origin"]
            basis = f"total claimed for {where}" + (f" ({best['origin_note']})" if _text(best["origin_note"]) else "")
        else:
            figure, used = named, countries
            basis = ("sum of " + f"{len(countries)} origins") if len(countries) > 1 else countries["origin"].iloc[0]
        rows.append({"side": side, "category": category, "stage": stage, "count_type": count_type,
                     "figure": figure, "basis": basis, "claim_ids": list(used["claim_id"]),
                     "named_origins": named if len(totals) and len(countries) else None,
                     "single_source": bool(used["single_source"].any()),
                     "parts_exceed_total": bool(len(totals) and len(countries) and named.low > figure.upper)})
    return pd.DataFrame(rows, columns=["side", "category", "stage", "count_type", "figure", "basis", "claim_ids",
                                       "named_origins", "single_source", "parts_exceed_total"])


def flows(latest: pd.DataFrame) -> pd.DataFrame:
    """The latest claims that count a flow over a stated period, earliest period first."""
    found = latest[latest["count_type"] == "flow"]
    return found.sort_values(["side", "period_start", "origin"]).reset_index(drop=True)


def signup_arrival_gap(latest: pd.DataFrame, window_days: int = GAP_WINDOW_DAYS) -> pd.DataFrame:
    """For each (side, origin, category) with a signed-up stock: how many are not reported present.

    Returns one row per group with ``signed_up`` (Interval, people), ``signed_up_claim`` and
    ``signed_up_stated``; ``present`` (Interval, people: the presence figure with the largest low
    end among arrived / deployed / killed / left stocks known within ``window_days`` of the
    signed-up figure; None when there is none), ``present_stage``, ``present_claim``,
    ``present_stated``; ``gap`` (Interval, people: signed up minus present, never below 0; None
    when there is no presence figure of the same time, or when more are present than signed up)
    and ``present_share`` (Interval, fraction of those signed up reported present, or None);
    ``status`` says which case applies: 'gap', 'no presence reported', 'presence reported at
    another time' or 'presence exceeds sign-ups'; ``other_presence_claim`` names the presence
    claim outside the window in the third case.
    """
    rows = []
    keys = ["side", "origin", "origin_scope", "category"]
    window = pd.Timedelta(days=window_days)
    stocks = latest[latest["count_type"] != "flow"]
    for key, group in stocks.groupby(keys, sort=True):
        signed = group[group["stage"] == "signed_up"]
        if signed.empty:
            continue
        signed = _ordered(signed).iloc[-1]
        presence = group[group["stage"].isin(PRESENCE_STAGES)]
        near = presence[(pd.to_datetime(presence["known_from"]) - signed["known_from"]).abs() <= window]
        row = {**dict(zip(keys, key)), "signed_up": signed["people"], "signed_up_claim": signed["claim_id"],
               "signed_up_stated": signed["stated"], "signed_up_known": signed["known_from"],
               "present": None, "present_stage": None, "present_claim": None, "present_stated": None,
               "present_known": None, "gap": None, "present_share": None, "other_presence_claim": None,
               "approximate": False}
        if near.empty:
            row["status"] = "no presence reported" if presence.empty else "presence reported at another time"
            if len(presence):
                row["other_presence_claim"] = _ordered(presence).iloc[-1]["claim_id"]
            rows.append(row)
            continue
        best = near.assign(_low=[p.low for p in near["people"]]).sort_values(["_low", "claim_id"]).iloc[-1]
        s, p = signed["people"], best["people"]
        row.update(present=p, present_stage=str(best["stage"]), present_claim=best["claim_id"],
                   present_stated=best["stated"], present_known=best["known_from"])
        if p.low > s.upper:
            row["status"] = "presence exceeds sign-ups"
        else:
            row["status"] = "gap"
            # The gap and the share are computed on the figures as their sources stated them (method
            # rule 6): "about 50,000" less "about 2,000" is about 48,000, never a range whose top runs
            # past the 50,000 it comes from.
            s, p = _stated(signed), _stated(best)
            row["gap"] = Interval(max(0.0, s.low - p.upper), max(0.0, s.high - p.low), s.open_above)
            row["approximate"] = signed["qualifier"] in APPROXIMATE or best["qualifier"] in APPROXIMATE
            if s.low > 0:
                row["present_share"] = Interval(min(1.0, p.low / s.upper), min(1.0, p.upper / s.low))
        rows.append(row)
    columns = keys + ["signed_up", "signed_up_claim", "signed_up_stated", "signed_up_known", "present",
                      "present_stage", "present_claim", "present_stated", "present_known", "gap",
                      "present_share", "status", "other_presence_claim", "approximate"]
    return pd.DataFrame(rows, dtype=object, columns=columns)


def contradictions(claims: pd.DataFrame, window_days: int = CONTRADICTION_WINDOW_DAYS) -> pd.DataFrame:
    """Pairs of claims about one quantity at one time that cannot both hold.

    Same series, different claimants, known within ``window_days`` of each other, ranges that do
    not overlap. ``claims`` comes from :func:`claims_as_of`. Returns ``claim_a``, ``claim_b``
    (a known first), the series columns and both stated figures and claimants.
    """
    rows = []
    window = pd.Timedelta(days=window_days)
    for key, series in _whole(claims).groupby(SERIES, sort=True):
        records = list(_ordered(series).itertuples(index=False))
        for i, first in enumerate(records):
            for second in records[i + 1:]:
                if (first.claimant_id != second.claimant_id and second.known_from - first.known_from <= window
                        and not first.people.overlaps(second.people)):
                    rows.append({**dict(zip(SERIES, key)), "claim_a": first.claim_id, "stated_a": first.stated,
                                 "claimant_a": first.claimant, "claim_b": second.claim_id,
                                 "stated_b": second.stated, "claimant_b": second.claimant})
    return pd.DataFrame(rows, columns=SERIES + ["claim_a", "stated_a", "claimant_a", "claim_b", "stated_b", "claimant_b"])


def trends(claims: pd.DataFrame) -> pd.DataFrame:
    """Series whose figure changed over time: first and last claim known, and the direction.

    Returns one row per series with at least two claims whose ranges do not all overlap:
    ``first_claim``, ``first_stated``, ``first_known``, ``last_claim``, ``last_stated``,
    ``last_known``, ``n_claims``, ``direction`` ('up', 'down' or 'mixed') and ``last_contradicted``
    (another claim of the same time contradicts the latest claim, rule 7: the words say so).
    """
    rows = []
    for key, series in _whole(claims).groupby(SERIES, sort=True):
        ordered = _ordered(series)
        if len(ordered) < 2:
            continue
        # Claims of the same time that cannot both hold are a contradiction, not a change over time: the
        # series' figure of that time is the one the latest-claim rule picks (the later in the order of
        # latest_claims), so the trend's last claim is always the series' latest claim (one notion).
        window = pd.Timedelta(days=CONTRADICTION_WINDOW_DAYS)
        kept, disputed = [ordered.iloc[0]], [False]
        for _, claim in ordered.iloc[1:].iterrows():
            if claim["known_from"] - kept[-1]["known_from"] <= window and not claim["people"].overlaps(kept[-1]["people"]):
                kept[-1], disputed[-1] = claim, True
                continue
            kept.append(claim)
            disputed.append(False)
        ordered = pd.DataFrame(kept)
        people = list(ordered["people"])
        if len(people) < 2 or all(a.overlaps(b) for a in people for b in people):
            continue
        # The direction from every earlier figure to every later one whose ranges do not meet: 71, then
        # 70+, then 104 rose (71 to 104), although no two neighbours differ.
        moves = {("up" if b.low > a.upper else "down") for i, a in enumerate(people) for b in people[i + 1:]
                 if not a.overlaps(b)}
        first, last = ordered.iloc[0], ordered.iloc[-1]
        rows.append({**dict(zip(SERIES, key)), "first_claim": first["claim_id"], "first_stated": first["stated"],
                     "first_known": first["known_from"], "last_claim": last["claim_id"],
                     "last_stated": last["stated"], "last_known": last["known_from"], "n_claims": len(ordered),
                     "direction": moves.pop() if len(moves) == 1 else "mixed", "last_contradicted": disputed[-1]})
    return pd.DataFrame(rows, columns=SERIES + ["first_claim", "first_stated", "first_known", "last_claim",
                                                "last_stated", "last_known", "n_claims", "direction",
                                                "last_contradicted"])


def _stated(claim) -> Interval:
    """A claim's bounds as its source stated them (:func:`analysis.intervals.stated_interval`)."""
    return stated_interval(claim["qualifier"], claim["people_low"], claim["people_high"])


# ------------------------------------------------------------------ the source's words

#: Phrases in a claim's ``stage_detail`` that mark its stage as our reading of the source's words
#: (the source said "recruited" or "joined"; the data enters it as arrived). Method rule 21.
STAGE_READING_MARKERS = ("entered as", "reads this as", "means they")


def stage_is_read(detail) -> bool:
    """Whether a claim's stage is our reading of its source rather than the source's own verb."""
    text = str(detail or "").lower()
    return any(marker in text for marker in STAGE_READING_MARKERS)


def side_is_read(claim) -> bool:
    """Whether a claim's side is our reading: its source names no side (``side_basis`` 'inferred',
    method rule 20)."""
    return str(claim.get("side_basis") or "") == "inferred"


def source_description(detail) -> str:
    """Who was counted, in the source's terms: the first clause of ``stage_detail`` (what follows
    a ';' is our note on how it was entered): 'Nepalis recruited into the Russian army'."""
    return " ".join(str(detail or "").split(";")[0].split())


def reached_the_war(claim) -> bool:
    """A figure for people who reached the war as its source put it: a stage of
    :data:`REACHED_STAGES` (arrived, deployed, killed, left; not missing in action) that is not only
    our reading of the source (method rules 14 and 21)."""
    return str(claim["stage"]) in REACHED_STAGES and not stage_is_read(claim["stage_detail"])


# ------------------------------------------------------------------ largest, ranked: one notion each


@dataclass(frozen=True)
class Scope:
    """Which latest claims a "largest" or a ranking compares: one count type only (a count to date
    is never ranked against a count of those present at one time, method rule 4), some stages, one
    side or both. Claims by a party about its adversary, flows, reported zeros (no group) and,
    with ``confirmed``, figures graded 4–6 are never candidates; ``reached`` keeps only figures
    whose source says the people reached the war (:func:`reached_the_war`); ``countries`` only
    per-country figures (no total over all origins or a region)."""

    count_type: str
    stages: tuple = ()  # () means every stage (the schema's list is read on first use, not at import)
    side: str | None = None
    confirmed: bool = True
    reached: bool = False
    countries: bool = False

    @property
    def stage_list(self) -> list:
        return list(self.stages) if self.stages else list(STAGES)

    def as_dict(self) -> dict:
        return {"count_type": self.count_type, "stages": self.stage_list, "side": self.side or "both",
                "confirmed": self.confirmed, "reached": self.reached, "countries": self.countries}


#: Credibility grades 4–6 are unconfirmed (analysis.judgements.UNCONFIRMED_CREDIBILITY, declared there).
_UNCONFIRMED = 4


def in_scope(latest: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The latest claims a :class:`Scope` compares, with ``middle`` (people: the middle of each range)."""
    if latest.empty:
        return latest.assign(middle=pd.Series(dtype=float))
    keep = (~latest["adversary"].astype(bool) & (latest["count_type"] == scope.count_type)
            & latest["stage"].astype(str).isin(scope.stage_list)
            & pd.Series([p.high > 0 for p in latest["people"]], index=latest.index)
            & ~latest["category"].astype(str).isin(list(NOT_FOREIGN_RECRUITS)))
    if scope.side:
        keep &= latest["side"] == scope.side
    if scope.confirmed:
        keep &= latest["credibility"].astype(int) < _UNCONFIRMED
    if scope.reached:
        keep &= pd.Series([reached_the_war(c) for _, c in latest.iterrows()], index=latest.index, dtype=bool)
    if scope.countries:
        keep &= latest["origin_scope"] == "country"
    found = latest[keep]
    return found.assign(middle=[(p.low + p.high) / 2 for p in found["people"]])


def _by_size(frame: pd.DataFrame) -> pd.DataFrame:
    """Largest first: by the middle of the range, then the higher top, then the later known, then claim id."""
    return frame.assign(_high=[p.high for p in frame["people"]]).sort_values(
        ["middle", "_high", "known_from", "claim_id"], ascending=[False, False, False, True]).drop(columns="_high")


def largest(latest: pd.DataFrame, scope: Scope):
    """(the largest claim in ``scope`` as a row, or None; every candidate, largest first).

    Largest by the middle of its range, so a wide range does not outrank a firmer, similar figure
    (method rule 14)."""
    candidates = _by_size(in_scope(latest, scope))
    return (None if candidates.empty else candidates.iloc[0]), candidates


#: The stage groups a ranking stays within (method rule 14): people who went to the war (arrived or
#: deployed), the dead, and those who left. A count of the dead or of those who left is no measure of
#: how many went, so figures of two groups are never ranked against each other (a count of 288
#: deployed is not "ahead of" 156 dead). tests/test_ranking_rules.py checks they cover REACHED_STAGES.
RANK_GROUPS = {"went": ("arrived", "deployed"), "killed": ("killed",), "left": ("left",)}

#: The countries a region's total covers (method rule 14): a region's total and the figures of its
#: own countries are never rivals for "largest". A country not listed is treated as outside the
#: region (its figure may then make the total's place uncertain, never the reverse). Geography, not
#: a figure; tests/test_ranking_rules.py checks every region in the data is listed here.
REGION_MEMBERS = {
    "Africa": frozenset({
        "Algeria", "Angola", "Benin", "Botswana", "Burkina Faso", "Burundi", "Cameroon", "Cape Verde",
        "Central African Republic", "Chad", "Comoros", "Congo", "Democratic Republic of the Congo", "Djibouti",
        "Egypt", "Equatorial Guinea", "Eritrea", "Eswatini", "Ethiopia", "Gabon", "Gambia", "Ghana", "Guinea",
        "Guinea-Bissau", "Ivory Coast", "Kenya", "Lesotho", "Liberia", "Libya", "Madagascar", "Malawi", "Mali",
        "Mauritania", "Mauritius", "Morocco", "Mozambique", "Namibia", "Niger", "Nigeria", "Rwanda",
        "Sao Tome and Principe", "Senegal", "Seychelles", "Sierra Leone", "Somalia", "South Africa", "South Sudan",
        "Sudan", "Tanzania", "Togo", "Tunisia", "Uganda", "Zambia", "Zimbabwe"}),
    "Middle East": frozenset({"Bahrain", "Egypt", "Iran", "Iraq", "Israel", "Jordan", "Kuwait", "Lebanon", "Oman",
                              "Palestine", "Qatar", "Saudi Arabia", "Syria", "Turkey", "United Arab Emirates",
                              "Yemen"}),
    "Central Asia": frozenset({"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}),
    "Belarus and Central Asia": frozenset({"Belarus", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan",
                                           "Uzbekistan"}),
}


def rank_range(people: Interval) -> Interval:
    """The range a figure is ranked by (method rule 14), people: what its source states. An
    open-ended floor "X+" states X and nothing above it, so it is placed at its floor, [X, X] ("at
    least X"), never reaching every figure above it; every other figure by its range (rule 1): an
    "up to X" ceiling is [0, X], "about X" [0.9X, 1.1X]."""
    return Interval(people.low, people.high) if people.open_above else people


def ranked_above(a: Interval, b: Interval) -> bool:
    """Whether figure ``a`` is ranked above figure ``b``: ``a``'s rank range (:func:`rank_range`) lies
    wholly above ``b``'s. Pairwise, never through a chain of other figures."""
    return rank_range(a).low > rank_range(b).high


def reaches(a: Interval, b: Interval) -> bool:
    """Whether the rank ranges of two figures overlap, so neither is ranked above the other."""
    return not ranked_above(a, b) and not ranked_above(b, a)


def contains(total, part) -> bool:
    """Whether claim ``total`` is a total over a group that holds claim ``part``'s origin: a total over
    all origins holds every other origin of its side; a region's total its member countries
    (:data:`REGION_MEMBERS`)."""
    if total["side"] != part["side"] or total["origin"] == part["origin"]:
        return False
    if total["origin_scope"] == "all":
        return part["origin_scope"] != "all"
    return (total["origin_scope"] == "region" and part["origin_scope"] == "country"
            and part["origin"] in REGION_MEMBERS.get(total["origin"], ()))


def rivals(a, b) -> bool:
    """Whether claim ``b`` can make claim ``a``'s place as the largest uncertain (method rule 14):
    not when it is the same claimant's figure for the same side and origin (a part of the same
    account, such as the 10,000+ in Kursk of the Pentagon's 11,000–12,000 in Russia, or the account
    restated); not when it counts the same side and origin at another stage (Colombia's 114+ dead
    are among the "up to 7,000" who went); and not when one is a total that holds the other's origin."""
    if a["side"] == b["side"] and a["origin"] == b["origin"] and (
            a["claimant_id"] == b["claimant_id"] or str(a["stage"]) != str(b["stage"])):
        return False
    return not contains(a, b) and not contains(b, a)


def leading(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates of :func:`largest` (largest first) that make the first one's place uncertain, the
    first included: those whose rank ranges reach its own (:func:`reaches`) and are its
    :func:`rivals`. One row when the largest stands alone; with several, it is only the highest
    figure, not known to be the largest (method rule 14), and the words say so."""
    if candidates.empty:
        return candidates
    top = candidates.iloc[0]
    keep = [i == 0 or (reaches(top["people"], row["people"]) and rivals(top, row))
            for i, (_, row) in enumerate(candidates.iterrows())]
    return candidates[keep]


def ranking_places(ranked: pd.DataFrame) -> tuple[list[int], list[int]]:
    """(leaders, below) of ``ranked`` (one figure per origin, largest first), as positions: the
    leaders are the largest and every origin whose rank range reaches its own (:func:`leading`);
    below are the origins ranked below every leader (:func:`ranked_above`, pairwise), in order. Only
    these are said to be "ahead of" and "behind"; an origin that is neither (its range reaches a
    leader other than the first) is not placed by the words (method rule 14)."""
    if ranked.empty:
        return [], []
    first = leading(ranked.reset_index(drop=True))
    leaders = list(first.index)
    people = list(ranked["people"])
    below = [i for i in range(len(people)) if i not in leaders
             and all(ranked_above(people[j], people[i]) for j in leaders)]
    return leaders, below


def ranked_origins(latest: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Per-country origins ranked by the largest figure in ``scope`` for each, largest first: one
    row per origin (the claim that gives its place)."""
    candidates = _by_size(in_scope(latest, Scope(**{**scope.__dict__, "countries": True})))
    return candidates.drop_duplicates("origin", keep="first").reset_index(drop=True)


def own_trends(trend_rows: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`trends` whose first and latest claims are not a party's about its
    adversary, largest change first (the change of the middles on a log scale, weighed by how much
    of half a year it spans, so a blip of weeks does not lead). ``claims`` is every claim in view."""
    if trend_rows.empty:
        return trend_rows.assign(change=pd.Series(dtype=float))
    adversary = dict(zip(claims["claim_id"], claims["adversary"].astype(bool)))
    people = dict(zip(claims["claim_id"], claims["people"]))
    own = trend_rows[[not adversary.get(a, False) and not adversary.get(b, False)
                      for a, b in zip(trend_rows["first_claim"], trend_rows["last_claim"])]]

    def change(row) -> float:
        a, b = people[row["first_claim"]], people[row["last_claim"]]
        days = (pd.Timestamp(row["last_known"]) - pd.Timestamp(row["first_known"])).days
        size = abs(math.log(((b.low + b.high) / 2 + 1) / ((a.low + a.high) / 2 + 1)))
        return size * min(1.0, days / 182)

    own = own.assign(change=[change(r) for _, r in own.iterrows()])
    return own.sort_values(["change", "first_claim"], ascending=[False, True]).reset_index(drop=True)
