"""Pay: offers in US dollars, against home wages and against the recruiting army's own pay.

Money converts to USD at the rate in force on the day the figure was reported (for wages, the
day the wage applied), of the kind the caller chooses: ``official`` or ``market``. They differ
several-fold for the Syrian pound, so every table says which kind it used.

The rate in force on day D is the most recent rate of that kind dated on or before D (or a
pegged rate whose ``in_force_until`` covers D), provided it is at most ``max_gap_days`` old;
failing that, the nearest rate after D within ``max_gap_days``. When no rate of the chosen kind
qualifies, a rate of the other kind is used and the row says so (``fx_kind_used``): for every
currency here but the Syrian pound the two kinds hardly differ.

Additional Protocol I, Art. 47(2)(c) calls a fighter a mercenary only if promised pay
"substantially in excess" of that paid to the party's own combatants of similar rank. The law
gives no number; :data:`SUBSTANTIAL_EXCESS` makes ours explicit and every function takes it as
a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .intervals import Interval, from_claim
from .loading import MAX_FX_GAP_DAYS, SIDE_COUNTRY, known_from

#: Pay at least this multiple of the recruiting army's own pay counts as "substantially in excess".
SUBSTANTIAL_EXCESS = 1.5

FX_KINDS = ("official", "market")


@dataclass(frozen=True)
class Rate:
    """A rate used for a conversion: units per USD, with where it came from."""

    per_usd: Interval
    kind: str
    rate_id: str
    date: pd.Timestamp


def rate_in_force(rates: pd.DataFrame, currency: str, day, kind: str,
                  max_gap_days: int = MAX_FX_GAP_DAYS) -> Rate | None:
    """The :class:`Rate` for ``currency`` in force on ``day`` (see module docstring), or None."""
    if kind not in FX_KINDS:
        raise ValueError(f"unknown exchange-rate kind {kind!r}; allowed: {', '.join(FX_KINDS)}")
    day = pd.Timestamp(day)
    candidates = rates[rates["currency"] == currency]
    for wanted in (kind, next(k for k in FX_KINDS if k != kind)):
        found = _lookup(candidates[candidates["kind"] == wanted], day, max_gap_days)
        if found is not None:
            return Rate(Interval(found["per_usd_low"], found["per_usd_high"]), wanted, found["rate_id"], found["date"])
    return None


def _lookup(rates: pd.DataFrame, day: pd.Timestamp, max_gap_days: int):
    gap = pd.Timedelta(days=max_gap_days)
    pegged = rates[(rates["date"] <= day) & (rates["in_force_until"].notna()) & (rates["in_force_until"] >= day)]
    if len(pegged):
        return pegged.sort_values("date").iloc[-1]
    before = rates[(rates["date"] <= day) & (rates["date"] >= day - gap)
                   & ~(rates["in_force_until"].notna() & (rates["in_force_until"] < day))]
    if len(before):
        return before.sort_values(["date", "rate_id"]).iloc[-1]
    after = rates[(rates["date"] > day) & (rates["date"] <= day + gap)]
    if len(after):
        return after.sort_values(["date", "rate_id"]).iloc[0]
    return None


def to_usd(amount: Interval, currency: str, day, rates: pd.DataFrame, kind: str,
           max_gap_days: int = MAX_FX_GAP_DAYS) -> tuple[Interval, Rate | None]:
    """``amount`` of ``currency`` in USD at the rate in force on ``day``; (interval, rate used).

    USD passes through with rate None. Raises ``LookupError`` when no rate qualifies (validation
    prevents that for the data package).
    """
    if currency == "USD":
        return amount, None
    rate = rate_in_force(rates, currency, day, kind, max_gap_days)
    if rate is None:
        raise LookupError(f"no {currency} rate within {max_gap_days} days of {pd.Timestamp(day).date()}")
    return amount / rate.per_usd, rate


def _as_of(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    if as_of is None:
        return frame
    return frame[known_from(frame) <= pd.Timestamp(as_of)]


def offers_in_usd(data, *, as_of=None, fx_kind: str = "market", sides=None, origins=None,
                  rule=None) -> pd.DataFrame:
    """Pay offers known by ``as_of`` (all when None), converted to USD.

    Returns one row per offer with the original columns plus ``amount`` (Interval, local
    currency), ``amount_usd`` (Interval, USD per period), ``monthly_usd`` (Interval, USD per month;
    None for one-off payments), ``contract_usd`` (Interval, USD per whole contract; None unless
    monthly with a stated length), ``fx_rate_id`` and ``fx_kind_used``. Sorted by date reported.
    """
    offers = _filter(_as_of(data.pay_offers, as_of), sides, origins)
    rows = []
    for _, offer in offers.iterrows():
        amount = from_claim(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"], rule)
        usd, rate = to_usd(amount, offer["currency"], offer["date_reported"], data.exchange_rates, fx_kind)
        monthly = usd if offer["period"] == "month" else None
        months = offer["contract_months"]
        contract = monthly * int(months) if monthly is not None and pd.notna(months) else None
        rows.append({**offer.to_dict(), "amount": amount, "amount_usd": usd, "monthly_usd": monthly,
                     "contract_usd": contract, "fx_rate_id": rate.rate_id if rate else None,
                     "fx_kind_used": rate.kind if rate else None})
    return _frame(rows, offers.columns, ["amount", "amount_usd", "monthly_usd", "contract_usd",
                                         "fx_rate_id", "fx_kind_used"]).sort_values(["date_reported", "offer_id"])


def wages_in_usd(data, *, as_of=None, fx_kind: str = "market", rule=None) -> pd.DataFrame:
    """Reference wages known by ``as_of``, with ``monthly_usd`` (Interval, USD per month) added."""
    wages = _as_of(data.reference_wages, as_of)
    rows = []
    for _, wage in wages.iterrows():
        amount = from_claim(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], rule)
        usd, rate = to_usd(amount, wage["currency"], wage["date_in_force"], data.exchange_rates, fx_kind)
        rows.append({**wage.to_dict(), "monthly_usd": usd, "fx_rate_id": rate.rate_id if rate else None,
                     "fx_kind_used": rate.kind if rate else None})
    return _frame(rows, wages.columns, ["monthly_usd", "fx_rate_id", "fx_kind_used"])


def latest_wage(wages_usd: pd.DataFrame, country: str, measure: str, on=None):
    """The wage row for ``country`` and ``measure`` to compare with, or None.

    Without ``on``: the most recently in force. With ``on`` (a date): the one in force that day,
    or, when none had yet been recorded, the earliest after it (callers show its date). Only
    wages whose low end is above zero qualify, since a wage that may be zero ("up to X") cannot
    be a yardstick for multiples; on the same day the better credibility grade wins.
    """
    rows = wages_usd[(wages_usd["country"] == country) & (wages_usd["measure"] == measure)]
    rows = rows[[wage.low > 0 for wage in rows["monthly_usd"]]] if len(rows) else rows
    if rows.empty:
        return None
    ordered = rows.sort_values(["date_in_force", "credibility"], ascending=[True, False])
    if on is None:
        return ordered.iloc[-1]
    in_force = ordered[ordered["date_in_force"] <= pd.Timestamp(on)]
    if len(in_force):
        return in_force.iloc[-1]
    later = ordered[ordered["date_in_force"] == ordered["date_in_force"].iloc[0]]
    return later.iloc[-1]


def home_wage_multiples(offers_usd: pd.DataFrame, wages_usd: pd.DataFrame,
                        measures=("soldier_pay", "minimum_wage", "public_sector_average", "average_wage")) -> pd.DataFrame:
    """How many times each monthly offer is a home-country wage (the pull of the offer).

    Each offer is compared with the wage in force when it was reported (see :func:`latest_wage`).
    Returns one row per (monthly offer, measure available for its origin) with ``offer_id``,
    ``origin``, ``measure``, ``wage_id``, ``wage_date`` (when that wage applied), ``wage_usd``
    (Interval, USD/month), ``monthly_usd`` (Interval, USD/month) and ``multiple`` (Interval, a
    pure ratio).
    """
    rows = []
    for _, offer in offers_usd[offers_usd["monthly_usd"].notna()].iterrows():
        for measure in measures:
            wage = latest_wage(wages_usd, offer["origin"], measure, on=offer["date_reported"])
            if wage is None:
                continue
            rows.append({"offer_id": offer["offer_id"], "origin": offer["origin"], "measure": measure,
                         "wage_id": wage["wage_id"], "wage_date": wage["date_in_force"], "wage_usd": wage["monthly_usd"],
                         "monthly_usd": offer["monthly_usd"], "multiple": offer["monthly_usd"] / wage["monthly_usd"]})
    return pd.DataFrame(rows, columns=["offer_id", "origin", "measure", "wage_id", "wage_date", "wage_usd",
                                       "monthly_usd", "multiple"])


def article47_reading(ratio: Interval | None, threshold: float = SUBSTANTIAL_EXCESS) -> str:
    """The Art. 47(2)(c) pay test for one offer, from its ratio to the army's own pay.

    Returns one of: ``"in excess"`` (the whole range is at least ``threshold`` times the army's
    pay), ``"not in excess"`` (the whole range is below ``threshold``), ``"undetermined"`` (the
    range straddles it) or ``"no army pay known"`` (ratio is None).
    """
    if ratio is None:
        return "no army pay known"
    if ratio.low >= threshold:
        return "in excess"
    if ratio.upper < threshold:
        return "not in excess"
    return "undetermined"


def army_pay_comparison(offers_usd: pd.DataFrame, wages_usd: pd.DataFrame,
                        threshold: float = SUBSTANTIAL_EXCESS) -> pd.DataFrame:
    """Each monthly offer against the recruiting army's own soldier pay, with the Art. 47 reading.

    Each offer is compared with the army pay in force when it was reported, or the first recorded
    after it (see :func:`latest_wage`). Returns one row per monthly offer: ``offer_id``, ``side``,
    ``origin``, ``monthly_usd``, ``army_pay_usd`` (Interval, USD/month, or None),
    ``army_wage_id``, ``army_pay_date`` (when that pay applied), ``ratio`` (Interval or None) and
    ``reading`` (see :func:`article47_reading`).
    """
    rows = []
    for _, offer in offers_usd[offers_usd["monthly_usd"].notna()].iterrows():
        army = latest_wage(wages_usd, SIDE_COUNTRY[offer["side"]], "soldier_pay", on=offer["date_reported"])
        ratio = None if army is None else offer["monthly_usd"] / army["monthly_usd"]
        rows.append({"offer_id": offer["offer_id"], "side": offer["side"], "origin": offer["origin"],
                     "monthly_usd": offer["monthly_usd"],
                     "army_pay_usd": None if army is None else army["monthly_usd"],
                     "army_wage_id": None if army is None else army["wage_id"],
                     "army_pay_date": None if army is None else army["date_in_force"],
                     "ratio": ratio, "reading": article47_reading(ratio, threshold)})
    return pd.DataFrame(rows, columns=["offer_id", "side", "origin", "monthly_usd", "army_pay_usd",
                                       "army_wage_id", "army_pay_date", "ratio", "reading"])


def recruitment_cost(headcount: Interval, monthly_pay_usd: Interval, months: Interval | float) -> Interval:
    """Cost of a recruitment drive in USD: headcount × monthly pay (USD/month) × months."""
    return headcount * monthly_pay_usd * months


def _filter(frame: pd.DataFrame, sides=None, origins=None) -> pd.DataFrame:
    if sides:
        frame = frame[frame["side"].isin(list(sides))]
    if origins:
        frame = frame[frame["origin"].isin(list(origins))]
    return frame


def _frame(rows: list[dict], columns, extra: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns) + extra)
