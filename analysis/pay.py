"""Pay: offers in US dollars, against home wages and against the recruiting army's own pay.

The rules (``docs/method.md`` states them with their parameters):

* **Pay basis.** Monthly pay, one-off sums (signing bonus, lump sum) and per-contract totals are
  different things: only monthly pay is compared with monthly wages, and a drive's cost is
  monthly pay × months plus one-off sums, each part stated. Money a recruit says he *received*
  is shown, never treated as an offer.
* **Exchange rates.** Money converts to USD at the rate in force on the day the figure was
  reported, of the kind the caller chooses (``official`` or ``market``). A rate is a point (or
  the range its source stated): the qualifier rule applies to the amount's own qualifier only.
  Only rates published by ``as_of`` are used. The rate in force on day D is a pegged rate
  covering D; else a *quoted* rate dated within :data:`QUOTED_RATE_DAYS` before D (the nearest);
  else the most recent rate dated on or before D within ``max_gap_days``; else the nearest rate
  after D within ``max_gap_days`` (its date is shown). When none of the chosen kind qualifies,
  the other kind is used and the row says so.
* **Comparators in force.** An offer is compared only with a wage in force on its date: valid
  from on or before the offer, and at most ``max_age_days`` (:data:`COMPARATOR_MAX_AGE_DAYS`)
  old. Never a later figure; base pay is compared with base pay, total with total, never
  spliced. The wage converts to USD at the rate of the offer's day. When two sources in force
  disagree (ranges that do not overlap, in force within :data:`SAME_WAGE_WINDOW_DAYS` of each
  other), the other figure is returned too and shown, and an offer's multiple spans every figure
  shown; an older figure is superseded instead. No figure in force is either 'not in force' (figures
  on record, none in force on the day) or 'not on record' (none at all): never merged.
* **Art. 47(2)(c) pay test.** Pay "substantially in excess" of the party's own combatants of
  similar rank. The law gives no number; :data:`SUBSTANTIAL_EXCESS` is our analytic convention,
  a parameter everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .headcounts import CONTRADICTION_WINDOW_DAYS, CORROBORATION_WINDOW_DAYS
from .intervals import APPROXIMATE, Interval, from_claim, stated_interval
from .loading import MAX_FX_GAP_DAYS, SIDE_COUNTRY, known_from
from .speakers import with_speakers

#: Pay at least this multiple of the recruiting army's own pay counts as "substantially in excess".
SUBSTANTIAL_EXCESS = 1.5
#: A wage counts as in force for at most this many days after the date it is known to apply from.
COMPARATOR_MAX_AGE_DAYS = 365
#: Two sources' figures for one wage disagree only when in force within this many days of each other;
#: an older figure is taken as superseded by the later one.
SAME_WAGE_WINDOW_DAYS = 92
#: A quoted rate this close before the day beats an implied rate of the day itself.
QUOTED_RATE_DAYS = 7
#: Offers pair with a headcount for a drive's cost when known within this many days of it.
DRIVE_WINDOW_DAYS = 183

FX_KINDS = schema.lazy_values("exchange_rates", "kind")
#: The measures a home wage may be (our choice: not base pay or a supplement alone), checked against the schema.
HOME_MEASURES = schema.lazy_subset("reference_wages", "measure",
                                   ("soldier_pay", "minimum_wage", "public_sector_average", "average_wage"))
#: The army-pay measure an offer of each pay component is compared with.
ARMY_MEASURE = {"total": "soldier_pay", "base": "soldier_base_pay", "supplement": "soldier_supplement"}


@dataclass(frozen=True)
class Rate:
    """A rate used for a conversion: units per USD, with where it came from."""

    per_usd: Interval
    kind: str
    rate_id: str
    date: pd.Timestamp
    basis: str


# The lookups below run for every offer and wage (hundreds of times a briefing). Each frame is
# indexed once, by currency and kind (rates) or by country and measure (wages), into small sorted
# frames with their dates as numpy arrays, so a lookup is a few array comparisons instead of
# several boolean masks over the whole frame. Frames from analysis.loading are never changed after
# loading; the index is keyed by the frame object itself.
_INDEXES: dict[tuple[str, int], tuple[pd.DataFrame, dict]] = {}


def _dates(column: pd.Series) -> np.ndarray:
    return pd.to_datetime(column).to_numpy(dtype="datetime64[ns]")


def _indexed(kind: str, frame: pd.DataFrame, build) -> dict:
    key = (kind, id(frame))
    hit = _INDEXES.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    if len(_INDEXES) > 32:
        _INDEXES.clear()
    index = build(frame)
    _INDEXES[key] = (frame, index)
    return index


def _rate_index(rates: pd.DataFrame) -> dict:
    out = {}
    for key, group in rates.groupby(["currency", "kind"], sort=False):
        group = group.sort_values(["date", "rate_id"])
        out[key] = (group, _dates(group["date"]), _dates(group["in_force_until"]),
                    group["basis"].to_numpy(dtype=object) == "quoted", _dates(group["date_reported"]))
    return out


def rate_in_force(rates: pd.DataFrame, currency: str, day, kind: str,
                  max_gap_days: int = MAX_FX_GAP_DAYS, known_by=None) -> Rate | None:
    """The :class:`Rate` for ``currency`` in force on ``day`` (see module docstring), or None.

    ``known_by`` (a date) leaves out rates published after it.
    """
    if kind not in FX_KINDS:
        raise ValueError(f"unknown exchange-rate kind {kind!r}; allowed: {', '.join(FX_KINDS)}")
    day = pd.Timestamp(day)
    index = _indexed("rates", rates, _rate_index)
    for wanted in (kind, next(k for k in FX_KINDS if k != kind)):
        if (currency, wanted) not in index:
            continue
        found = _lookup(*index[(currency, wanted)], day, max_gap_days, known_by)
        if found is not None:
            return Rate(Interval(found["per_usd_low"], found["per_usd_high"]), wanted, found["rate_id"],
                        found["date"], found["basis"])
    return None


def _lookup(rows: pd.DataFrame, dates: np.ndarray, until: np.ndarray, quoted: np.ndarray, reported: np.ndarray,
            day: pd.Timestamp, max_gap_days: int, known_by=None):
    """The rate row in force on ``day`` among ``rows`` (one currency and kind, sorted by date and id)."""
    on = day.to_datetime64()
    gap = np.timedelta64(max_gap_days, "D")
    known = np.ones(len(rows), dtype=bool) if known_by is None else reported <= pd.Timestamp(known_by).to_datetime64()
    pegged = known & (dates <= on) & ~np.isnat(until) & (until >= on)
    if pegged.any():
        return rows.iloc[np.flatnonzero(pegged)[-1]]
    before = known & (dates <= on) & (dates >= on - gap) & ~(~np.isnat(until) & (until < on))
    recent = before & quoted & (dates >= on - np.timedelta64(QUOTED_RATE_DAYS, "D"))
    if recent.any():
        return rows.iloc[np.flatnonzero(recent)[-1]]
    if before.any():
        return rows.iloc[np.flatnonzero(before)[-1]]
    after = known & (dates > on) & (dates <= on + gap)
    if after.any():
        return rows.iloc[np.flatnonzero(after)[0]]
    return None


def to_usd(amount: Interval, currency: str, day, rates: pd.DataFrame, kind: str,
           max_gap_days: int = MAX_FX_GAP_DAYS, known_by=None) -> tuple[Interval, Rate | None]:
    """``amount`` of ``currency`` in USD at the rate in force on ``day``; (interval, rate used).

    USD passes through with rate None. Raises ``LookupError`` when no rate qualifies.
    """
    if currency == "USD":
        return amount, None
    rate = rate_in_force(rates, currency, day, kind, max_gap_days, known_by)
    if rate is None:
        raise LookupError(f"no {currency} rate known by {known_by or 'now'} within {max_gap_days} days of "
                          f"{pd.Timestamp(day).date()}")
    return amount / rate.per_usd, rate


def _as_of(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    if as_of is None:
        return frame
    return frame[known_from(frame) <= pd.Timestamp(as_of)]


def offers_in_usd(data, *, as_of=None, fx_kind: str = "market", sides=None, origins=None,
                  rule=None, groups=None) -> pd.DataFrame:
    """Pay offers known by ``as_of`` (all when None), converted to USD.

    With named ``origins``, ``groups`` ((side, category) pairs of the groups in view) adds the
    monthly pay offered to recruits of every origin on that side and of that category: it is their
    pay too (the Legion's base pay for Colombia's volunteers; method rule 9).

    Returns one row per offer with the original columns, the speaker columns, and ``amount``
    (Interval, local currency), ``amount_usd`` (Interval, USD per period), ``monthly_usd``
    (Interval, USD a month; None unless period is month), ``one_off_usd`` (Interval, USD once;
    None unless one-off), ``contract_usd`` (Interval, USD for the whole contract: a stated
    contract total, or monthly pay × stated months; else None), ``fx_rate_id``, ``fx_kind_used``
    and ``fx_basis``. Sorted by the date each became known.
    """
    offers = _filter(_as_of(data.pay_offers, as_of), sides, origins)
    if origins and groups:
        every = _filter(_as_of(data.pay_offers, as_of), sides, ["all"])
        every = every[(every["period"] == "month")
                      & pd.Series([(s, c) in set(groups) for s, c in zip(every["side"], every["category"])],
                                  index=every.index, dtype=bool)]
        offers = pd.concat([offers, every]) if len(every) else offers
    offers = with_speakers(offers, getattr(data, "claimants", None))
    offers = offers.assign(day=known_from(offers)) if len(offers) else offers.assign(day=pd.Series(dtype="datetime64[ns]"))
    rows = []
    for _, offer in offers.iterrows():
        amount = from_claim(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"], rule)
        try:
            # The offer's day is the day it counts as known (method rule 2): the end of its month
            # or year when only that is known. Its conversion and its comparators use that one day.
            usd, rate = to_usd(amount, offer["currency"], offer["day"], data.exchange_rates, fx_kind,
                               known_by=as_of)
        except LookupError:  # no rate had been published by as_of: the offer is shown unconverted
            usd, rate = None, None
        period, months = offer["period"], offer["contract_months"]
        monthly = usd if period == "month" else None
        if usd is None:
            contract = None
        elif period == "contract":
            contract = usd
        elif monthly is not None and pd.notna(months):
            contract = monthly * int(months)
        else:
            contract = None
        rows.append({**offer.to_dict(), "amount": amount, "amount_usd": usd, "monthly_usd": monthly,
                     "one_off_usd": usd if period == "one_off" else None, "contract_usd": contract,
                     "fx_rate_id": rate.rate_id if rate else None, "fx_kind_used": rate.kind if rate else None,
                     "fx_basis": rate.basis if rate else None})
    extra = ["amount", "amount_usd", "monthly_usd", "one_off_usd", "contract_usd", "fx_rate_id", "fx_kind_used",
             "fx_basis"]
    frame = pd.DataFrame(rows, columns=list(offers.columns) + extra)
    # In the order they became known, as the timeline and the as-of rule place them.
    return frame.assign(_known=known_from(frame)).sort_values(["_known", "offer_id"]).drop(columns="_known")


def comparable_offers(offers_usd: pd.DataFrame) -> pd.DataFrame:
    """Monthly pay offered (not received, not an adversary's claim) for the war in Ukraine, in USD.
    Pay offered to recruits of every origin alike (the Legion's contract) is among them: it is set
    against the army's own pay, though it has no home country to compare with."""
    keep = (offers_usd["monthly_usd"].notna() & (offers_usd["status"] == "offered")
            & ~offers_usd["adversary"].astype(bool) & (offers_usd["theatre"] == "Ukraine"))
    return offers_usd[keep]


def monthly_offers_on_record(offers_usd: pd.DataFrame) -> pd.DataFrame:
    """Every monthly offer for the war in Ukraine on record (not an adversary's claim), converted
    or not: what "no monthly offer is on record" must be true of."""
    keep = ((offers_usd["period"] == "month") & (offers_usd["status"] == "offered")
            & ~offers_usd["adversary"].astype(bool) & (offers_usd["theatre"] == "Ukraine"))
    return offers_usd[keep]


def wages_in_usd(data, *, as_of=None, fx_kind: str = "market", rule=None) -> pd.DataFrame:
    """Reference wages known by ``as_of``, with ``monthly_local`` (Interval, local currency a month)
    and ``monthly_usd`` (Interval, USD a month at the rate in force on ``date_in_force``)."""
    wages = with_speakers(_as_of(data.reference_wages, as_of), getattr(data, "claimants", None))
    rows = []
    for _, wage in wages.iterrows():
        amount = from_claim(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], rule)
        try:
            usd, rate = to_usd(amount, wage["currency"], wage["date_in_force"], data.exchange_rates, fx_kind,
                               known_by=as_of)
        except LookupError:
            usd, rate = None, None
        rows.append({**wage.to_dict(), "monthly_local": amount, "monthly_usd": usd,
                     "fx_rate_id": rate.rate_id if rate else None, "fx_kind_used": rate.kind if rate else None})
    return pd.DataFrame(rows, columns=list(wages.columns) + ["monthly_local", "monthly_usd", "fx_rate_id",
                                                             "fx_kind_used"])


@dataclass(frozen=True)
class Comparator:
    """The wage an offer is compared with: in force on the offer's day, in USD at that day's rate."""

    wage_id: str
    in_force_from: pd.Timestamp
    monthly_usd: Interval | None  # None: in force, but no rate of the day was on record to convert it
    fx_rate_id: str | None
    claimant_id: str
    disagreeing: tuple = ()  # (wage_id, monthly_usd Interval) of other sources in force that disagree

    @property
    def shown(self) -> tuple:
        """Every figure of the wage in force that is shown: (wage_id, USD Interval), this one first,
        then each other source's that disagrees (method rule 11: all are used, none is dropped)."""
        return ((self.wage_id, self.monthly_usd),) + tuple(self.disagreeing)

    @property
    def span(self) -> Interval | None:
        """The range spanning every figure shown (USD a month): what an offer's multiple is taken
        against, so that it covers each source's figure. None when not converted."""
        if self.monthly_usd is None:
            return None
        figures = [usd for _, usd in self.shown]
        return Interval(min(f.low for f in figures), max(f.high for f in figures), any(f.open_above for f in figures))


def nearest_not_in_force(wages: pd.DataFrame, country: str, measure: str, on) -> tuple | None:
    """For a wage 'not in force' on ``on``: (wage_id, date in force, 'before' or 'after') of the figure
    on record nearest to it — the latest before (older than the age limit), else the earliest after."""
    mine = wages[(wages["country"] == country) & (wages["measure"] == measure)] if len(wages) else wages
    if not len(mine):
        return None
    on = pd.Timestamp(on)
    before = mine[mine["date_in_force"] <= on].sort_values(["date_in_force", "wage_id"])
    if len(before):
        return before.iloc[-1]["wage_id"], pd.Timestamp(before.iloc[-1]["date_in_force"]), "before"
    after = mine.sort_values(["date_in_force", "wage_id"])
    return after.iloc[0]["wage_id"], pd.Timestamp(after.iloc[0]["date_in_force"]), "after"


def comparator_absence(wages: pd.DataFrame, country: str, measure: str) -> str:
    """Why no ``measure`` wage of ``country`` is in force on a day (method rule 11): 'not in force'
    when figures of it are on record but none in force on that day (all later, or older than the
    age limit), 'not on record' when the data holds no figure of it at all."""
    if len(wages) and ((wages["country"] == country) & (wages["measure"] == measure)).any():
        return "not in force"
    return "not on record"


def _wage_index(wages: pd.DataFrame) -> dict:
    """(country, measure) -> (its wages in the order the latest in force wins: date in force, then
    the better credibility, then id; their dates in force; whether each can be a yardstick: a wage
    whose low end may be zero cannot)."""
    out = {}
    for key, group in wages.groupby(["country", "measure"], sort=False, observed=True):
        group = group.assign(_grade=-group["credibility"].astype(int)).sort_values(["date_in_force", "_grade", "wage_id"])
        out[key] = (group, _dates(group["date_in_force"]), np.array([w.low > 0 for w in group["monthly_local"]], dtype=bool))
    return out


def comparator_in_force(wages: pd.DataFrame, country: str, measure: str, on, rates: pd.DataFrame,
                        fx_kind: str, *, max_age_days: int = COMPARATOR_MAX_AGE_DAYS,
                        known_by=None) -> Comparator | None:
    """The ``measure`` wage of ``country`` in force on ``on`` (see module docstring), or None.

    ``wages`` comes from :func:`wages_in_usd`. The latest wage in force wins; on the same day
    the better credibility grade. Wages whose low end may be zero cannot be a yardstick.
    """
    on = pd.Timestamp(on)
    group = _indexed("wages", wages, _wage_index).get((country, measure))
    if group is None:
        return None
    ordered, in_force, usable = group
    window = usable & (in_force <= on.to_datetime64()) & (in_force >= (on - pd.Timedelta(days=max_age_days)).to_datetime64())
    if not window.any():
        return None

    def in_usd(wage) -> tuple[Interval, str | None]:
        usd, rate = to_usd(wage["monthly_local"], wage["currency"], on, rates, fx_kind, known_by=known_by)
        return usd, rate.rate_id if rate else None

    ordered = ordered[window]  # already in order: date in force, then credibility, then id
    chosen = ordered.iloc[-1]
    try:
        usd, rate_id = in_usd(chosen)
    except LookupError:  # in force, but no rate of the offer's day: not comparable in dollars
        return Comparator(chosen["wage_id"], chosen["date_in_force"], None, None, chosen["claimant_id"])
    disagreeing = []
    for _, other in ordered.iloc[:-1].iterrows():
        # A wage in force from much earlier was superseded (a pay rise), not contradicted.
        if chosen["date_in_force"] - other["date_in_force"] > pd.Timedelta(days=SAME_WAGE_WINDOW_DAYS):
            continue
        try:
            other_usd, _ = in_usd(other)
        except LookupError:
            continue
        if other["claimant_id"] != chosen["claimant_id"] and not other_usd.overlaps(usd):
            disagreeing.append((other["wage_id"], other_usd))
    return Comparator(chosen["wage_id"], chosen["date_in_force"], usd, rate_id, chosen["claimant_id"],
                      tuple(disagreeing))


def home_wage_multiples(offers: pd.DataFrame, wages: pd.DataFrame, rates: pd.DataFrame, fx_kind: str, *,
                        measures=HOME_MEASURES, max_age_days: int = COMPARATOR_MAX_AGE_DAYS,
                        known_by=None) -> pd.DataFrame:
    """How many times each monthly offer is a home-country wage in force on its date (the pull).

    Returns one row per (offer, measure in force for its origin): ``offer_id``, ``origin``,
    ``measure``, ``wage_id``, ``wage_date`` (in force from), ``wage_usd`` (Interval, USD a month at
    the offer day's rate), ``monthly_usd``, ``multiple`` (Interval, a pure ratio),
    ``disagreeing`` (other sources' figures in force that disagree, as (wage_id, Interval)) and
    ``wage_fx_rate_id`` (the rate the wage was converted at; None for USD).
    """
    rows = []
    days = known_from(offers) if len(offers) else pd.Series(dtype="datetime64[ns]")
    for (_, offer), day in zip(offers.iterrows(), days):
        if offer["origin"] == "all":
            continue  # pay for every origin alike has no home country
        for measure in measures:
            wage = comparator_in_force(wages, offer["origin"], measure, day, rates, fx_kind,
                                       max_age_days=max_age_days, known_by=known_by)
            if wage is None or wage.monthly_usd is None:
                continue
            rows.append({"offer_id": offer["offer_id"], "origin": offer["origin"], "measure": measure,
                         "wage_id": wage.wage_id, "wage_date": wage.in_force_from, "wage_usd": wage.monthly_usd,
                         # Against every figure in force: where sources disagree, the multiple spans them all.
                         "monthly_usd": offer["monthly_usd"], "multiple": offer["monthly_usd"] / wage.span,
                         "disagreeing": list(wage.disagreeing), "wage_fx_rate_id": wage.fx_rate_id})
    return pd.DataFrame(rows, columns=["offer_id", "origin", "measure", "wage_id", "wage_date", "wage_usd",
                                       "monthly_usd", "multiple", "disagreeing", "wage_fx_rate_id"])


def article47_reading(ratio: Interval | None, threshold: float = SUBSTANTIAL_EXCESS) -> str:
    """The Art. 47(2)(c) pay test for one offer, from its ratio to the army's own pay.

    Returns ``"in excess"`` (the whole range is at least ``threshold`` times the army's pay),
    ``"not in excess"`` (the whole range is below it), ``"undetermined"`` (the range straddles
    it) or ``"no comparator"`` (no army pay of the same kind in force on the offer's date).
    """
    if ratio is None:
        return "no comparator"
    if ratio.low >= threshold:
        return "in excess"
    if ratio.upper < threshold:
        return "not in excess"
    return "undetermined"


def army_pay_comparison(offers: pd.DataFrame, wages: pd.DataFrame, rates: pd.DataFrame, fx_kind: str, *,
                        threshold: float = SUBSTANTIAL_EXCESS, max_age_days: int = COMPARATOR_MAX_AGE_DAYS,
                        known_by=None) -> pd.DataFrame:
    """Each monthly offer against the recruiting army's own pay of the same kind, in force on its date.

    Returns one row per offer: ``offer_id``, ``side``, ``origin``, ``category``, ``monthly_usd``,
    ``army_measure``, ``army_pay_usd`` (Interval, USD a month, or None), ``army_wage_id``,
    ``army_pay_date`` (in force from), ``ratio`` (Interval or None), ``reading`` (see
    :func:`article47_reading`; the ratio spans every figure in force where sources disagree),
    ``disagreeing``, ``army_fx_rate_id``, ``army_status`` ('compared'; 'no rate': army pay in force but
    no exchange rate of the day on record; 'not in force': army pay of the kind on record, but none in
    force on the day; 'not on record': no army pay of the kind on record at all) and ``day`` (the
    offer's day, method rule 2).
    """
    rows = []
    days = known_from(offers) if len(offers) else pd.Series(dtype="datetime64[ns]")
    for (_, offer), day in zip(offers.iterrows(), days):
        measure = ARMY_MEASURE[offer["component"]]
        army = comparator_in_force(wages, SIDE_COUNTRY[offer["side"]], measure, day, rates,
                                   fx_kind, max_age_days=max_age_days, known_by=known_by)
        status = (comparator_absence(wages, SIDE_COUNTRY[offer["side"]], measure) if army is None
                  else "no rate" if army.monthly_usd is None else "compared")
        # Against every figure in force: where sources disagree, the ratio spans them all (rule 11).
        ratio = None if status != "compared" else offer["monthly_usd"] / army.span
        rows.append({"offer_id": offer["offer_id"], "side": offer["side"], "origin": offer["origin"],
                     "category": offer["category"], "monthly_usd": offer["monthly_usd"], "army_measure": measure,
                     "army_pay_usd": None if army is None else army.monthly_usd,
                     "army_wage_id": None if army is None else army.wage_id,
                     "army_pay_date": None if army is None else army.in_force_from,
                     "ratio": ratio, "reading": article47_reading(ratio, threshold),
                     "disagreeing": [] if army is None else list(army.disagreeing),
                     "army_fx_rate_id": None if army is None else army.fx_rate_id, "army_status": status,
                     "day": day})
    return pd.DataFrame(rows, columns=["offer_id", "side", "origin", "category", "monthly_usd", "army_measure",
                                       "army_pay_usd", "army_wage_id", "army_pay_date", "ratio", "reading",
                                       "disagreeing", "army_fx_rate_id", "army_status", "day"])


def recruitment_cost(headcount: Interval, monthly_pay_usd: Interval, months: Interval | float,
                     one_off_usd: Interval | float = 0.0) -> Interval:
    """Cost of a recruitment drive in USD: headcount × (monthly pay × months + one-off sums)."""
    return headcount * (monthly_pay_usd * months + one_off_usd)


def drive_costs(latest: pd.DataFrame, offers_usd: pd.DataFrame, default_months: int, *,
                window_days: int = DRIVE_WINDOW_DAYS) -> pd.DataFrame:
    """What paying each paid or contract group the offers reported for it would cost, in USD.

    For each side × origin (one country) the headcount is its signed-up stock, else arrived,
    else deployed, counted to date (from :func:`analysis.headcounts.latest_claims`; a count of
    those present on one day is no recruitment drive). Each monthly offer to that
    side and origin known on the day of the headcount or up to ``window_days`` before it gives one
    drive (an offer known only later cannot have recruited people already counted): monthly part
    = people × USD a month × months (the stated contract length, else ``default_months``);
    one-off part = people × the one-off sums offered *by the same source* for that origin
    (separate reports may describe one payment twice, so they are not added). Returns one row
    per drive with ``headcount``, ``monthly_usd``, ``months``, ``months_stated``, ``one_off_usd``,
    ``one_off_ids``, ``monthly_part``, ``one_off_part`` and ``cost_usd`` (Intervals, USD), and
    ``priced_usd``: the monthly pay the drive is priced at — the offer's own range, or for an "up to
    X" offer X itself (``at_top``: paying everyone the most it promises, never a range from $0) — and
    ``received_ids``: payments the same source says a recruit actually received, shown beside it.
    The people are the headcount as its source stated it ("about 50,000" is 50,000, with
    ``approximate`` set), so the cost never runs past the figures it comes from. ``ceiling`` says
    whether the cost is one (method rule 15): no drive for the group could cost more, because the
    headcount is neither approximate nor open above, the offer is stated with a top and is the
    highest monthly offer on record for the group, its months are stated and the longest contract on
    record, and no other source's one-off sum is left out; ``higher_offers`` and
    ``longer_contracts`` name what prevents it.
    """
    rows = []
    stages = ["signed_up", "arrived", "deployed"]
    heads = latest[latest["category"].isin(("paid", "contract")) & (latest["origin_scope"] == "country")
                   & latest["stage"].astype(str).isin(stages) & (latest["count_type"] == "cumulative")
                   & ~latest["adversary"].astype(bool)]
    heads = heads.assign(_order=heads["stage"].astype(str).map(stages.index)).sort_values(["_order", "claim_id"])
    heads = heads.drop_duplicates(["side", "origin"])
    monthly = comparable_offers(offers_usd)
    one_offs = offers_usd[offers_usd["one_off_usd"].notna() & (offers_usd["status"] == "offered")
                          & ~offers_usd["adversary"].astype(bool)]
    window = pd.Timedelta(days=window_days)
    for _, head in heads.iterrows():
        offers = monthly[(monthly["side"] == head["side"]) & (monthly["origin"] == head["origin"])]
        if offers.empty:  # a group with no offer on record has no drive to price
            continue
        # A ceiling is what no drive for this group could exceed: everyone paid the highest monthly
        # offer on record for the longest contract on record, and a headcount that cannot be larger.
        top_pay = max(o.upper for o in offers["monthly_usd"])
        stated_months = [int(m) for m in offers["contract_months"].dropna()]
        top_months = max(stated_months + [default_months])
        # The people are counted as their source stated them (method rule 15): "about 50,000" is 50,000.
        people = stated_interval(head["qualifier"], head["people_low"], head["people_high"])
        approximate = head["qualifier"] in APPROXIMATE
        on_record = offers  # every monthly offer on record for the group, whenever it became known
        # People counted to date were recruited under offers made by then: an offer that became known
        # after the count cannot have drawn them, so it pairs only with a later count.
        lag = pd.Timestamp(head["known_from"]) - known_from(offers)
        offers = offers[(lag >= pd.Timedelta(0)) & (lag <= window)]
        for _, offer in offers.iterrows():
            stated = pd.notna(offer["contract_months"])
            months = int(offer["contract_months"]) if stated else default_months
            # "Up to X" a month is the most the offer promises, not a rate that may be nothing: the
            # drive pays everyone X (method rule 15), never a range whose low end pays $0.
            at_top = offer.get("qualifier") == "up_to"
            pay = Interval.exact(offer["monthly_usd"].high) if at_top else offer["monthly_usd"]
            extras = one_offs[(one_offs["source_id"] == offer["source_id"]) & (one_offs["side"] == offer["side"])
                              & one_offs["origin"].isin([offer["origin"], "all"])]
            one_off = sum((o for o in extras["one_off_usd"]), Interval.exact(0.0))
            monthly_part = people * pay * months
            one_off_part = people * one_off
            higher = [i for i, o in zip(on_record["offer_id"], on_record["monthly_usd"])
                      if o.upper > offer["monthly_usd"].upper]
            longer = [i for i, m in zip(on_record["offer_id"], on_record["contract_months"])
                      if pd.notna(m) and int(m) > months]
            others = one_offs[(one_offs["source_id"] != offer["source_id"]) & (one_offs["side"] == offer["side"])
                              & one_offs["origin"].isin([offer["origin"], "all"])]
            # ... and a cost that is itself bounded: an offer stated as "more than" has no top, and months
            # assumed may be fewer than a contract runs.
            ceiling = (not approximate and not people.open_above and not pay.open_above
                       and pay.upper >= top_pay and stated and months >= top_months and others.empty)
            received = offers_usd[(offers_usd["source_id"] == offer["source_id"]) & (offers_usd["status"] == "received")
                                  & (offers_usd["side"] == offer["side"])]
            rows.append({"received_ids": list(received["offer_id"]),
                         "side": head["side"], "origin": head["origin"], "stage": str(head["stage"]),
                         "claim_id": head["claim_id"], "headcount": people, "approximate": approximate,
                         "ceiling": ceiling, "higher_offers": higher, "longer_contracts": longer,
                         "headcount_stated": head["stated"], "offer_id": offer["offer_id"],
                         "source_id": offer["source_id"], "monthly_usd": offer["monthly_usd"], "priced_usd": pay,
                         "at_top": at_top, "months": months,
                         "months_stated": stated, "one_off_usd": one_off if len(extras) else None,
                         "one_off_ids": list(extras["offer_id"]), "monthly_part": monthly_part,
                         "one_off_part": one_off_part if len(extras) else None,
                         "cost_usd": monthly_part + one_off_part})
    return pd.DataFrame(rows, columns=["side", "origin", "stage", "claim_id", "headcount", "headcount_stated",
                                       "offer_id", "source_id", "monthly_usd", "priced_usd", "at_top", "months",
                                       "months_stated",
                                       "one_off_usd", "one_off_ids", "monthly_part", "one_off_part", "cost_usd",
                                       "received_ids", "approximate", "ceiling", "higher_offers", "longer_contracts"])


def _filter(frame: pd.DataFrame, sides=None, origins=None) -> pd.DataFrame:
    if sides:
        frame = frame[frame["side"].isin(list(sides))]
    if origins:
        frame = frame[frame["origin"].isin(list(origins))]
    return frame


def home_comparator_status(offer, wages: pd.DataFrame, rates: pd.DataFrame, fx_kind: str, *,
                           measure: str = "soldier_pay", max_age_days: int = COMPARATOR_MAX_AGE_DAYS,
                           known_by=None) -> tuple[str, str | None]:
    """Why an offer has, or lacks, a home wage to compare with: ('compared', wage id), ('no rate',
    wage id: in force, but no exchange rate of the offer's day on record), ('not in force', None: on
    record, but none in force on the day), ('not on record', None) or ('all origins', None: pay for
    every origin alike has no home country)."""
    if offer["origin"] == "all":
        return "all origins", None
    day = known_from(pd.DataFrame([offer])).iloc[0]
    found = comparator_in_force(wages, offer["origin"], measure, day, rates, fx_kind, max_age_days=max_age_days,
                                known_by=known_by)
    if found is None:
        return comparator_absence(wages, offer["origin"], measure), None
    return ("no rate" if found.monthly_usd is None else "compared"), found.wage_id


#: The key of one quantity of pay: offers agree or contradict only within one (method rules 7 and 13).
OFFER_QUANTITY = ["side", "origin", "category", "theatre", "period", "component", "status"]


def offer_corroboration(offers_usd: pd.DataFrame, window_days: int = CORROBORATION_WINDOW_DAYS) -> dict:
    """offer id -> ids of the offers that agree with it (method rule 13): the same quantity (side,
    origin, category, theatre, period, component, status, region), from another claimant, known
    within ``window_days`` of it, with USD amounts that overlap. Offers to different origins, of
    different kinds or far apart in time never agree."""
    out = {i: [] for i in offers_usd["offer_id"]} if len(offers_usd) else {}
    offers = offers_usd[offers_usd["amount_usd"].notna()] if len(offers_usd) else offers_usd
    if offers.empty:
        return out
    offers = offers.assign(known_day=known_from(offers),
                           region=offers["region"].fillna("") if "region" in offers else "")
    window = pd.Timedelta(days=window_days)
    for _, group in offers.groupby(OFFER_QUANTITY + ["region"], sort=True):
        records = list(group.itertuples(index=False))
        for a in records:
            out[a.offer_id] = [b.offer_id for b in records
                               if b.claimant_id != a.claimant_id and abs(b.known_day - a.known_day) <= window
                               and a.amount_usd.overlaps(b.amount_usd)]
    return out


def offer_contradictions(offers_usd: pd.DataFrame, window_days: int = CONTRADICTION_WINDOW_DAYS) -> pd.DataFrame:
    """Pairs of pay offers about one quantity at one time that cannot both hold (method rule 7).

    One quantity: the monthly pay of the same side, origin, category, theatre, pay component and
    status (one-off sums are left out: a recruit may be promised several).
    Two offers contradict each other when different claimants made them, known within
    ``window_days`` of each other, and their amounts in USD (each by the qualifier rule) do not
    overlap. Returns ``offer_a``, ``offer_b`` (a known first), the key columns and both USD amounts.
    """
    key = ["side", "origin", "category", "theatre", "period", "component", "status"]
    columns = key + ["offer_a", "usd_a", "claimant_a", "offer_b", "usd_b", "claimant_b"]
    # Monthly pay only: a recruit is offered one monthly wage, but may be promised several one-off
    # sums (a signing bonus, a decree's lump sum), so two one-offs can both be true.
    offers = offers_usd[offers_usd["amount_usd"].notna() & (offers_usd["period"] == "month")] \
        if len(offers_usd) else offers_usd
    if offers.empty:
        return pd.DataFrame(columns=columns)
    offers = offers.assign(known_day=known_from(offers),
                           region=offers["region"].fillna("") if "region" in offers else "")  # regions set their own
    window = pd.Timedelta(days=window_days)
    rows = []
    for values, group in offers.groupby(key + ["region"], sort=True):
        records = list(group.sort_values(["known_day", "offer_id"]).itertuples(index=False))
        for i, first in enumerate(records):
            for second in records[i + 1:]:
                if (first.claimant_id != second.claimant_id and second.known_day - first.known_day <= window
                        and not first.amount_usd.overlaps(second.amount_usd)):
                    rows.append({**dict(zip(key, values)), "offer_a": first.offer_id, "usd_a": first.amount_usd,
                                 "claimant_a": first.claimant_id, "offer_b": second.offer_id,
                                 "usd_b": second.amount_usd, "claimant_b": second.claimant_id})
    return pd.DataFrame(rows, columns=columns)
