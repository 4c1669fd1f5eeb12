"""Key judgements for the bottom line up front, written from the numbers.

Each function takes computed values and returns one sentence, or None when the numbers needed
for it are missing. The sentence uses the same formatted figures the tables show.
"""

from __future__ import annotations

from .intervals import Interval, format_interval


def _pct(share: Interval) -> str:
    low, high = round(share.low * 100), round(share.high * 100)
    text = f"{low}%" if low == high else f"{low}–{high}%"
    return text + "+" if share.open_above else text


def gap_judgement(origin: str, side: str, signed_up_stated: str, arrived_stated: str | None,
                  gap: Interval, share: Interval | None) -> str:
    """The signed-up-to-arrived gap for one origin, e.g. '... 40,000+ signed up ... none reported arrived'."""
    lead = f"Recruits from {origin} for {side.title()}: {signed_up_stated} reported signed up"
    if arrived_stated is None:
        return f"{lead}, and no arrivals reported; the whole {format_interval(gap)} remains unaccounted for."
    if share is not None and share.high == 0:
        return f"{lead}, but none reported arrived: a gap of {format_interval(gap)}."
    return (f"{lead} against {arrived_stated} reported arrived: {format_interval(gap)} not (yet) arrived"
            + (f", an arrival rate of {_pct(share)}." if share is not None else "."))


CATEGORY_NOUNS = {"paid": "paid recruits", "contract": "contract recruits", "volunteer": "volunteers",
                  "conscript": "conscripts", "state_deployed": "state-deployed troops",
                  "unknown": "fighters of unstated status"}


def largest_figures_judgement(by_side: dict[str, tuple[str, str, str]]) -> str | None:
    """The biggest reported figure on each side: ``{side: (stated, stage, category)}``."""
    if not by_side:
        return None
    parts = [f"{side.title()}: {stated} {CATEGORY_NOUNS.get(category, category)} {stage.replace('_', ' ')}"
             for side, (stated, stage, category) in sorted(by_side.items())]
    return "Largest reported figures — " + "; ".join(parts) + ". Most are claims by interested parties."


def pay_judgement(origin: str, offers: Interval, soldier_pay: Interval | None, multiple: Interval | None) -> str:
    """Offers to one origin against its own soldiers' pay (the pull)."""
    text = f"Monthly offers to recruits from {origin} span {format_interval(offers, '$')}"
    if soldier_pay is None or multiple is None:
        return text + "; no home soldier pay is on record to compare."
    return (text + f", {format_interval(multiple)} times the {format_interval(soldier_pay, '$')} a month "
            f"a soldier is paid at home.")


def article47_judgement(side: str, readings: dict[str, int], army_pay: Interval | None, threshold: float) -> str:
    """How many of one side's offers pass the Art. 47(2)(c) pay test."""
    total = sum(readings.values())
    if army_pay is None:
        return (f"No pay for {side.title()}'s own soldiers had been reported, so the Art. 47(2)(c) pay "
                f"test cannot be applied to its {total} offer(s) yet.")
    counts = ", ".join(f"{n} {reading}" for reading, n in sorted(readings.items()))
    verdict = ("none is a mercenary in law on pay: they are paid foreign recruits"
               if readings.get("in excess", 0) == 0 else
               "some offers exceed it substantially; those recruits may meet the pay test of a mercenary")
    return (f"Against {side.title()}'s own soldier pay at the time ({format_interval(army_pay, '$')} a month), "
            f"with 'substantially in excess' set at {threshold:g}×: {counts} — {verdict}.")


def cost_judgement(what: str, headcount_stated: str, offer_stated: str, months: int, cost: Interval) -> str:
    """One recruitment drive's cost: headcount × pay × months."""
    return (f"Paying {headcount_stated} {what} {offer_stated} a month for {months} months would cost "
            f"{format_interval(cost, '$')}.")


def confidence_judgement(series: int, single_source: int, contradictions: int) -> str:
    """How far the figures can be trusted, in counts."""
    return (f"{single_source} of {series} headcount figures rest on a single source and "
            f"{contradictions} pair(s) of claims contradict each other; treat the figures as claims, not counts.")
