"""The words of a briefing: nouns for categories, stages and sides, and the phrases sentences are
made of. Every phrase that states a figure is made from a typed claim (:mod:`analysis.claims`),
and the claim goes into the briefing's ledger as the phrase is written (:func:`say`), so the
checker (``ledger_check``) re-derives what the words state.
"""

from __future__ import annotations

import re


from analysis import claims as claim
from analysis.headcounts import side_is_read, source_description, stage_is_read
from analysis.intervals import CURRENCY_SYMBOLS, date_text, format_claim
from analysis.judgements import UNCONFIRMED_CREDIBILITY, join_words
from analysis.words import Words

# inflect's plural and number_to_words, without its 2 CPU-s import (analysis/words.py).
_inflect = Words()

SIDE_NAMES = {"russia": "Russia's", "ukraine": "Ukraine's"}
CATEGORY_NOUNS = {"paid": "paid recruits", "contract": "contract soldiers", "volunteer": "volunteers",
                  "conscript": "conscripts", "state_deployed": "state-sent troops",
                  "unknown": "foreign fighters of unstated status"}
STAGE_TITLES = {"applied": "Applied", "signed_up": "Signed up", "arrived": "Arrived", "deployed": "Deployed",
                "killed": "Killed", "missing": "Missing in action", "left": "Left"}
#: stage -> (words for a count to date, words for a count of those present at one time)
STAGE_WORDS = {"applied": ("applied", "applying"), "signed_up": ("signed up", "signed up"),
               "arrived": ("arrived", "present"), "deployed": ("deployed", "serving"),
               "killed": ("killed", "killed"), "missing": ("missing in action", "missing in action"),
               "left": ("left", "left")}
#: stage -> words after a group of people: "paid recruits from Syria <who had signed up for Russia>"
STAGE_PHRASES = {"applied": "who had applied to fight for {side}", "signed_up": "who had signed up for {side}",
                 "arrived": "who had arrived to fight for {side}", "deployed": "deployed with {side}'s forces",
                 "killed": "killed fighting for {side}", "missing": "missing in action fighting for {side}",
                 "left": "who had left {side}'s forces"}
COUNT_TYPE_WORDS = {"cumulative": "to date", "current": "present at the time", "flow": "over a period"}
#: A count type as a reader names it when two kinds stand side by side ("counted to date").
COUNT_KIND_WORDS = {"cumulative": "to date", "current": "at one time", "flow": "over a period"}
PERIOD_WORDS = {"month": "a month", "one_off": "once", "contract": "per contract"}
STATUS_WORDS = {"offered": "offered", "received": "received, not an offer"}
MEASURE_WORDS = {"soldier_pay": "soldier pay", "soldier_base_pay": "soldier base pay",
                 "soldier_supplement": "soldier supplement", "minimum_wage": "minimum wage",
                 "public_sector_average": "public-sector average", "average_wage": "average wage"}
TREND_WORDS = {"up": "rose", "down": "fell", "mixed": "moved both ways", "same": "unchanged"}
#: Why a group fails a condition, in a few words, for the key judgement and the law table.
LAW_REASONS = {"e": "they serve in a party's armed forces", "f": "their own state sent them on official duty",
               "d": "they are nationals or residents of a party"}
GLOSSARY = [
    ("Volunteer", "a foreigner who came forward to fight, whatever he is later paid; Ukraine's International "
                  "Legion volunteers serve in its armed forces on its pay scales."),
    ("Paid recruit", "a foreigner recruited with pay on offer through a company or intermediary, such as Syrians "
                     "recruited for Russia through Wagner or security firms."),
    ("Contract soldier", "a foreigner who signs a contract with the army he fights for, and so is a member of "
                         "that party's armed forces."),
    ("State-sent troops", "soldiers sent by their own state as members of its armed forces, such as North "
                          "Korea's troops in Russia."),
    ("Mercenary (in law)", "a person who meets all six conditions of Art. 47(2) of Additional Protocol I; "
                           "the word as used by the parties or the press means much less."),
    ("Signed up", "registered or recruited, not known to have travelled."),
    ("Arrived / deployed", "reached the recruiting side or its forces (training included) / sent to, or serving "
                           "in, the war."),
    ("To date / at one time / over a period", "a cumulative count; a count of those present on one day; a flow "
                                              "between two dates. They are never added, compared or ranked "
                                              "against each other."),
    ("Our reading", "a stage the data records from the source's words where the source's own verb is weaker "
                    "(\"recruited\" entered as arrived); sentences quote the source's words and say so."),
    ("Not on record", "our data holds no such figure; it does not mean there was none."),
    ("Adversary claim", "a party to the war speaking about the other side's fighters."),
    ("Confidence", "how good the evidence is (low, moderate, high), by the rule in Method; not a probability."),
]

_THE = {"United States", "United Kingdom", "Middle East", "Netherlands", "Philippines", "Czech Republic",
        "Central African Republic", "Dominican Republic", "Gulf"}
#: First words of a source's description that are ordinary nouns, lower-cased inside a sentence
#: (a demonym such as "Syrians" keeps its capital).
_COMMON_FIRST_WORDS = {"people", "foreigners", "foreign", "current", "applications", "retired", "fighters",
                       "volunteers", "men", "women", "soldiers", "troops", "recruits", "members", "personnel", "those",
                       "some", "citizens", "nationals", "former", "contract", "paid", "mercenaries", "would-be",
                       "migrants", "workers", "prisoners", "convicts", "students", "servicemen", "veterans", "fighters"}


def _common(word: str) -> bool:
    """Whether a description's first word is an ordinary word (lower-cased in a sentence), not a name:
    the list above, or a participle ('Naturalised migrants', 'Retired soldiers')."""
    lower = word.lower()
    return lower in _COMMON_FIRST_WORDS or (lower.endswith(("ed", "ing")) and len(lower) > 4)


def money_stated(qualifier: str, low: float, high: float, currency: str) -> str:
    """An amount as its source stated it: '$200–300', '£5,000', '160,000 RUB'."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return format_claim(qualifier, low, high, symbol)
    return f"{format_claim(qualifier, low, high)} {currency}"


def place(name: str) -> str:
    """A country or region as a sentence names it: 'the United States', 'Syria'."""
    return f"the {name}" if name in _THE else name


def origin_words(record) -> str:
    """'from Syria', 'from the Middle East', '' for all origins (the noun then says 'foreign')."""
    if record["origin"] == "all":
        return ""
    return f"from {place(record['origin'])}"


def group_words(stated: str, category: str, record) -> str:
    """'20,000+ foreign volunteers', 'about 50,000 paid recruits from Syria'."""
    noun = CATEGORY_NOUNS[category]
    if record["origin"] == "all":
        return f"{stated} {noun}" if noun.startswith("foreign") else f"{stated} foreign {noun}"
    return f"{stated} {noun} {origin_words(record)}"


def origins_words(origins) -> str:
    named = [place(o) for o in origins if o != "all"]
    if not named or "all" in origins:  # a count over all origins covers the named ones too
        return "of all origins"
    return "from " + join_words(sorted(named))


def count_words(count: int, noun: str) -> str:
    """'Eight offers', 'One offer'."""
    words = _inflect.number_to_words(count)
    return f"{words[0].upper()}{words[1:]} {_inflect.plural(noun, count)}"


def number_words(count: int) -> str:
    return _inflect.number_to_words(count)


def when(record) -> str:
    """The date a record was reported, as precise as its source: '12 Mar 2022', 'Nov 2022'."""
    return date_text(record["date_reported"], record["date_precision"])


def described(detail) -> str:
    """A source's description of who was counted, ready to follow a number in a sentence:
    'people in Syria registered to fight for Russia', 'Nepalis recruited into the Russian army'."""
    text = source_description(detail)
    first, _, rest = text.partition(" ")
    if _common(first):
        first = first.lower()
    return f"{first} {rest}".strip()


# ------------------------------------------------------------------ phrases made from claims

def say(briefing, made: claim.Claim, words: str, section: str) -> str:
    """``words``, recorded in the briefing's ledger with the claim they were made from."""
    return briefing.ledger.say(made, words, section)


def grade(briefing, record) -> str:
    """Source reliability and claim credibility, e.g. 'C3'."""
    return f"{briefing.assessment._reliability[record['source_id']]}{record['credibility']}"


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")


def short_name(name: str) -> str:
    """A claimant as a sentence names it: 'SOHR' for 'SOHR (Syrian Observatory for Human Rights)',
    'Syrians for Truth and Justice' for '... (STJ)'; other names as they are."""
    found = re.match(r"^(.*\S)\s*\(([^()]*)\)$", str(name))
    if not found:
        return str(name)
    outer, inner = found.groups()
    return outer if _ACRONYM.match(outer) or _ACRONYM.match(inner) else str(name)


def credit(briefing, record, section: str, *, with_date: bool = True, with_claimant: bool = True) -> str:
    """Who said a figure, when, and the copy we read: 'CNN, 11 Feb 2024, read via The Kyiv
    Independent; C3' (the relay is named wherever one was read, method rule 8; then the grade)."""
    made = claim.credit(record, briefing.data.sources, grade(briefing, record))
    parts = [short_name(record["claimant_name"])] if with_claimant else []
    if with_date:
        parts.append(when(record))
    if made.value["via"]:
        parts.append(f"read via {made.value['via']}")
    words = ", ".join(parts) + f"; {made.value['grade']}"
    if int(record["credibility"]) >= UNCONFIRMED_CREDIBILITY:
        words += ", unconfirmed"
    return say(briefing, made, words, section)


def figure_phrase(briefing, row, section: str, *, with_credit: bool = True, same_report_as=None) -> str:
    """One headcount claim in a sentence, in its source's words: 'about 50,000 people in Syria
    registered to fight for Russia (SOHR, Nov 2022, read via …, graded D3)'. A stage that is our
    reading of the source says so."""
    made = claim.headcount(row)
    text = f"{row['stated']} {described(row['stage_detail'])}"
    readings = []
    if stage_is_read(row["stage_detail"]):
        readings.append(f"counted as {STAGE_WORDS[str(row['stage'])][0]}: our reading of the source")
    if side_is_read(row):
        readings.append(f"the source names no side; {SIDE_NAMES[row['side']]} side is our reading")
    reading = "; ".join(readings)
    if same_report_as is not None and row["source_id"] == same_report_as["source_id"] and \
            when(row) == when(same_report_as) and row["claimant_id"] == same_report_as["claimant_id"]:
        phrase = f"{text} (the same report{'; ' + reading if reading else ''})"
    elif with_credit:
        inside = credit(briefing, row, section) + (f"; {reading}" if reading else "")
        phrase = f"{text} ({inside})"
    else:
        phrase = f"{text} ({reading})" if reading else text
    return say(briefing, made, phrase, section)


def conversion_words(briefing, section: str, offers=None) -> str:
    """How money was converted, said from what was done (the conversions claim): '5 conversions to US
    dollars, each at the rate in force on the figure's day (market where on record): 2 at a rate of
    that very day; 3 at the latest earlier rate on record, up to 33 days before.' With ``offers`` (ids),
    only the conversions of those offers and of the wages set against them."""
    items = briefing.assessment.conversions
    if offers is not None:
        shown = set(offers)
        items = [i for i in items if (i["use"] == "offer" and i["row"] in shown)
                 or (i["use"] != "offer" and i["use"] != "wage" and i["use"].split(" ")[-1] in shown)]
    made = claim.conversions(items)
    if not items:
        return say(briefing, made, "Every amount was stated in US dollars: no conversion was needed.", section)
    wanted = briefing.params["fx_kind"]
    same = [i for i in items if i["rate_date"] == i["day"]]
    before = [i for i in items if i["rate_date"] < i["day"]]
    after = [i for i in items if i["rate_date"] > i["day"]]
    other = [i for i in items if i["kind"] != wanted]

    def days(group) -> int:
        import datetime as dt
        return max(abs((dt.date.fromisoformat(i["rate_date"]) - dt.date.fromisoformat(i["day"])).days) for i in group)

    parts = []
    if same:
        parts.append(f"{len(same)} at a rate of that very day")
    if before:
        parts.append(f"{len(before)} at the latest earlier rate on record, up to {days(before)} days before")
    if after:
        parts.append(f"{len(after)} at a later rate, up to {days(after)} days after")
    words = (f"{len(items)} {'conversion' if len(items) == 1 else 'conversions'} to US dollars, each at the rate in "
             f"force on the figure's day ({wanted} where on record): " + "; ".join(parts) + ".")
    if other:
        kind = other[0]["kind"]
        article = "an" if kind[0] in "aeiou" else "a"
        words += f" {len(other)} used {article} {kind} rate, as no {wanted} rate was on record within 92 days."
    return say(briefing, made, words + " The rate of each conversion is listed in the appendix.", section)


def usd_words(record, interval, wanted: str | None = None) -> str:
    """A converted amount as its source's qualifier puts it: 'up to $2,713' for "up to 350,000 KES",
    never '$0–2,713' (the 0 is our rule's low end, not the source's figure). With ``wanted`` (the
    briefing's fx_kind), an amount converted at a rate of the other kind says so (method rule 10):
    'up to $2,713 (at the official rate: no market rate on record)'."""
    from analysis.intervals import Interval
    from analysis.judgements import money

    if record.get("qualifier") == "up_to" and interval is not None and interval.low == 0:
        text = "up to " + money(Interval.exact(interval.high))
    else:
        text = money(interval)
    return text + rate_kind_note(record, wanted)


def rate_kind_note(record, wanted: str | None, bare: bool = False) -> str:
    """' (at the official rate: no market rate on record)' where a converted amount used a rate of
    another kind than the briefing asks for (method rule 10); '' otherwise. ``bare``: without the
    brackets, for an amount already in brackets."""
    used = record.get("fx_kind_used")
    if not wanted or not isinstance(used, str) or used == wanted or record.get("currency") == "USD":
        return ""
    note = f"at the {used} rate: no {wanted} rate on record"
    return f", {note}" if bare else f" ({note})"
