"""The Article 47 assessment: could a recruited group be "mercenaries" in law?

Additional Protocol I, Art. 47(2), defines a mercenary by six cumulative conditions. A person
is a mercenary only if every one holds:

(a) specially recruited, locally or abroad, to fight in an armed conflict;
(b) in fact takes a direct part in the hostilities;
(c) motivated essentially by private gain and promised compensation substantially in excess of
    that paid to combatants of similar rank and functions in the armed forces of that party;
(d) neither a national of a party to the conflict nor a resident of territory it controls;
(e) not a member of the armed forces of a party to the conflict;
(f) not sent by a state which is not a party to the conflict on official duty as a member of its
    armed forces.

For each group (side × origin × category) each condition is *met*, *not met* or *unknown*, with
the evidence. A group "may meet the definition" only when no condition is *not met*; one
condition not met settles it: the group cannot be mercenaries in law, whatever they are paid.
How a category bears on (a), (e) and (f) is our reading, stated in :data:`CATEGORY_READINGS`
and in ``docs/method.md``; (b) comes from the stages reported, (c) from the pay test of
:mod:`analysis.pay` (whose threshold is an analytic convention, not law), (d) from the origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .headcounts import PRESENCE_STAGES, stage_is_read
from .loading import SIDE_COUNTRY

CONDITIONS = {
    "a": "specially recruited to fight",
    "b": "direct part in hostilities",
    "c": "private gain; pay substantially above the party's own soldiers",
    "d": "not a national or resident of a party",
    "e": "not a member of a party's armed forces",
    "f": "not sent on official duty by a state not party to the conflict",
}
MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"

#: category -> condition -> (status, evidence). Where a category says nothing, the status is unknown.
CATEGORY_READINGS = {
    "paid": {"a": (UNKNOWN, "recruited with pay on offer, but reportedly for guard duty and logistics as well as "
                            "for fighting"),
             "e": (UNKNOWN, "recruited through companies or intermediaries; whether they were enrolled in "
                            "the army they fight for is not reported"),
             "f": (UNKNOWN, "recruited through intermediaries, some reportedly through their own state's army; "
                            "whether a state sent them is not established")},
    "contract": {"a": (MET, "recruited, with pay on offer, to fight in this war"),
                 "e": (NOT_MET, "they sign contracts with the army they fight for, so they are members of a "
                                "party's armed forces"),
                 "f": (MET, "recruited as individuals; no report that their state sent them")},
    "volunteer": {"a": (MET, "came forward to fight in this war"),
                  "f": (MET, "came as individuals; no report that their state sent them")},
    "state_deployed": {"a": (NOT_MET, "regular troops sent by their own state, not recruited for this war"),
                       "e": (UNKNOWN, "members of their own state's forces; whether they serve within a party's "
                                      "forces, or their state has become a party, is not established"),
                       "f": (NOT_MET, "sent by their own state on official duty as members of its armed forces")},
}
#: Side-specific readings that override the category's: Ukraine's volunteers serve in its forces.
SIDE_READINGS = {
    ("ukraine", "volunteer"): {
        "c": (NOT_MET, "paid on the scale of Ukraine's own servicemen: Legion base pay plus the martial-law "
                       "supplement every serviceman gets"),
        "e": (NOT_MET, "International Legion members serve in Ukraine's armed forces")},
}


@dataclass(frozen=True)
class Assessment:
    """One group's six conditions and what follows from them."""

    side: str
    origin: str
    category: str
    conditions: dict  # letter -> (status, evidence)

    @property
    def failed(self) -> list[str]:
        return [letter for letter, (status, _) in self.conditions.items() if status == NOT_MET]

    @property
    def unknown(self) -> list[str]:
        return [letter for letter, (status, _) in self.conditions.items() if status == UNKNOWN]

    @property
    def verdict(self) -> str:
        """'cannot be mercenaries' (some condition not met) or 'may meet the definition'."""
        return "cannot be mercenaries" if self.failed else "may meet the definition"


#: Why an offer could not be set against the army's own pay (method rule 11: three cases, never merged).
ABSENCE_WORDS = {"not on record": "not on record", "not in force": "on record but not in force on the offer's date",
                 "no rate": "in force, but no exchange rate of the day on record to convert it"}


def _why_uncompared(statuses: list[str]) -> str:
    cases = [(ABSENCE_WORDS[s], statuses.count(s)) for s in ABSENCE_WORDS if s in statuses]
    if not cases:
        return "none on record for their date, or no rate to convert it"
    if len(cases) == 1:
        return cases[0][0]
    return "; ".join(f"{words} ({n})" for words, n in cases)


def _pay_condition(readings: list[str], threshold: float, statuses=()) -> tuple[str, str]:
    counted = [r for r in readings if r != "no comparator"]
    missing = [s for s in statuses if s != "compared"]
    if "in excess" not in counted and len(counted) < len(readings):
        rest = ((f"; the rest are below {threshold:g}×" if all(r == "not in excess" for r in counted)
                 else f"; the rest are below or straddle {threshold:g}×") if counted else "")
        return UNKNOWN, (f"{len(readings) - len(counted)} of {len(readings)} offers could not be set against the "
                         f"army's own pay of the same kind: {_why_uncompared(missing)}" + rest)
    if "in excess" in counted:
        n = counted.count("in excess")
        return MET, (f"{n} of {len(readings)} offers at least {threshold:g}× the army's own pay in force, on our "
                     "convention for 'substantially in excess'; motivation not assessed")
    if counted and all(r == "not in excess" for r in counted):
        # Below our own convention is not a failure in law: the Protocol sets no number.
        return UNKNOWN, (f"every offer is below {threshold:g}× the army's own pay in force, our convention for "
                         "'substantially in excess', so excess is not shown; motivation not assessed")
    if counted:
        return UNKNOWN, f"offers straddle {threshold:g}× the army's own pay in force"
    if readings:
        return UNKNOWN, f"the army's own pay of the same kind for the offers' dates: {_why_uncompared(missing)}"
    return UNKNOWN, "no monthly offer on record"


def assess(side: str, origin: str, category: str, *, stages, pay_readings: list[str],
           threshold: float, pay_statuses=()) -> Assessment:
    """The six conditions for one group, from the stages reported for it and its offers' pay tests."""
    readings = {**CATEGORY_READINGS.get(category, {}), **SIDE_READINGS.get((side, category), {})}
    conditions = {}
    conditions["a"] = readings.get("a", (UNKNOWN, "how they were recruited is not reported"))
    if "killed" in stages:
        conditions["b"] = (MET, "reported killed in the fighting")
    elif "deployed" in stages:
        conditions["b"] = (UNKNOWN, "reported sent to the war; a direct part in hostilities is not established")
    else:
        conditions["b"] = (UNKNOWN, "no report of them deployed or killed")
    conditions["c"] = readings.get("c") or _pay_condition(pay_readings, threshold, list(pay_statuses))
    if origin in SIDE_COUNTRY.values():
        conditions["d"] = (NOT_MET, f"nationals of {origin}, a party")
    elif origin in ("all",) or not origin:
        conditions["d"] = (UNKNOWN, "origins not broken down")
    else:
        conditions["d"] = (MET, f"nationals of {origin}, not a party")
    conditions["e"] = readings.get("e", (UNKNOWN, "whether they joined a party's armed forces is not reported"))
    conditions["f"] = readings.get("f", (UNKNOWN, "whether a state sent them is not reported"))
    return Assessment(side, origin, category, conditions)


def assess_groups(latest: pd.DataFrame, army: pd.DataFrame, threshold: float) -> list[Assessment]:
    """One :class:`Assessment` per recruited group (side × origin × category) in view.

    ``latest`` comes from :func:`analysis.headcounts.latest_claims` (adversary claims excluded
    by the caller), ``army`` from :func:`analysis.pay.army_pay_comparison`. Groups of unstated
    status are left out, and so are groups with only applications or sign-ups: nobody in them is
    reported to have reached the war, so there is no fighter to assess.
    """
    groups = {}
    for _, claim in latest.iterrows():
        if claim["category"] in ("unknown", "conscript"):
            continue
        stages = groups.setdefault((claim["side"], claim["origin"], claim["category"]), set())
        # A reported zero ("none yet") shows nobody there; a presence stage that is only our reading of
        # the source's verb (method rule 21) never counts as reaching the war.
        # (Missing in action counts here, as rule 12 says, whatever a "largest" of rule 14 ranks.)
        if claim["people"].high > 0 and not (str(claim["stage"]) in PRESENCE_STAGES
                                             and stage_is_read(claim["stage_detail"])):
            stages.add(str(claim["stage"]))
    out = []
    for (side, origin, category), stages in sorted(groups.items()):
        if not set(stages) & set(PRESENCE_STAGES):
            continue  # only applications or sign-ups: no one in this group is reported to have fought
        mine = army[(army["side"] == side) & (army["origin"] == origin) & (army["category"] == category)]
        statuses = list(mine["army_status"]) if "army_status" in mine else []
        out.append(assess(side, origin, category, stages=stages, pay_readings=list(mine["reading"]),
                          threshold=threshold, pay_statuses=statuses))
    return out
