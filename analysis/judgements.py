"""Key judgements as data: each a sentence written from the numbers, the figures it rests on,
and a confidence level from one stated rule.

**Confidence** (about the evidence, not about likelihood) — ``docs/method.md`` has the rule:

* *high*: at least two independent claimants agree (ranges overlap), at least one of them in a
  source graded A–B with credibility 1–2, and nothing in view contradicts the figure;
* *moderate*: not contradicted, and either two independent claimants agree or one source is
  graded A–B with credibility 1–2;
* *low*: anything else — a single source graded C or worse, a contradicted figure, or a party
  speaking about its adversary.

A figure whose claim has credibility 4–6 is *unconfirmed*: it appears in a judgement only
marked so, and its judgement's confidence is low.

**Likelihood** words follow one published scale, ICD 203's (:data:`LIKELIHOOD_SCALE`); they are
never mixed with confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .intervals import Interval, format_interval
from .words import Words

# inflect's plural, number_to_words and join, without its 2 CPU-s import (analysis/words.py).
_inflect = Words()

#: ICD 203 expressions of likelihood, with the probability range each stands for.
LIKELIHOOD_SCALE = [
    ("almost no chance", 0.01, 0.05), ("very unlikely", 0.05, 0.20), ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55), ("likely", 0.55, 0.80), ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99),
]
CONFIDENCE_LEVELS = ("low", "moderate", "high")
#: Source grades that count as strong (our choice), checked against the schema's grades.
STRONG_RELIABILITY = schema.lazy_subset("sources", "reliability", ("A", "B"))
STRONG_CREDIBILITY = 2
UNCONFIRMED_CREDIBILITY = 4
#: What figures of credibility below UNCONFIRMED_CREDIBILITY are, in the grades' own words (method
#: rule 16: 1 confirmed, 2 probably true, 3 possibly true): never "confirmed", which is grade 1 only.
FIRM_GRADES_WORDS = "graded 1–3 (possibly true or better)"


def likelihood_word(probability: float) -> str:
    """The ICD 203 expression for a probability (0–1)."""
    for word, low, high in LIKELIHOOD_SCALE:
        if probability <= high:
            return word
    return LIKELIHOOD_SCALE[-1][0]


def plural(noun: str, count: int) -> str:
    """'1 offer', '3 offers'."""
    return f"{count} {_inflect.plural(noun, count)}"


def join_words(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return _inflect.join(list(words), final_sep="") if words else ""


@dataclass(frozen=True)
class Evidence:
    """What one figure rests on: its claim, and the claims of other claimants that agree with it."""

    claim_ids: tuple
    claimant_ids: frozenset
    grades: tuple  # (reliability letter, credibility number) of every claim counted
    contradicted: bool = False
    adversary: bool = False

    @property
    def unconfirmed(self) -> bool:
        return any(credibility >= UNCONFIRMED_CREDIBILITY for _, credibility in self.grades)


def confidence(evidence: list[Evidence]) -> tuple[str, str]:
    """(level, reason in a few words) for a judgement resting on ``evidence`` (the weakest figure sets it)."""
    levels = []  # (level, priority among reasons of one level: the gravest first, reason)
    for item in evidence:
        independent = len(item.claimant_ids)
        strong = any(r in STRONG_RELIABILITY and c <= STRONG_CREDIBILITY for r, c in item.grades)
        # Every reason that makes a figure low is named (a party's claim about its adversary first: it
        # says what the figure is, whatever its grade), so the basis fits each figure, not only one.
        low = [(0, 0, "a party's claim about its adversary")] if item.adversary else []
        low += [(0, 1, "unconfirmed: a figure graded 4–6")] if item.unconfirmed else []
        low += [(0, 2, "contradicted by another claim of the same time")] if item.contradicted else []
        if low:
            levels += low
        elif independent >= 2 and strong:
            levels.append((2, 0, f"{_inflect.number_to_words(independent)} independent sources agree, one well graded"))
        elif independent >= 2:
            levels.append((1, 0, f"{_inflect.number_to_words(independent)} independent sources agree"))
        elif strong:
            levels.append((1, 1, "one well-graded source"))
        else:
            levels.append((0, 3, "a single source, not independently confirmed"))
    if not levels:
        return "low", "no figure"
    level, _, reason = min(levels)
    if level == 0:
        # Every grave reason among the figures (adversary, unconfirmed, contradicted), gravest first.
        reason = "; ".join(dict.fromkeys(r for lv, rank, r in sorted(levels) if lv == 0 and rank < 3)) or reason
    return CONFIDENCE_LEVELS[level], reason


@dataclass(frozen=True)
class Judgement:
    """One key judgement: the sentence, its confidence and what it rests on."""

    text: str
    confidence: str
    basis: str
    figures: tuple = ()  # the figures as printed, each also shown in the briefing's tables
    claim_ids: tuple = ()  # headcount claims, offers or wages it rests on
    topic: str = ""
    unconfirmed: bool = False
    evidence: tuple = field(default=(), repr=False)
    #: What the words are made from (rows and typed claims, by name): the analysis fills it, the
    #: presentation (briefings) writes ``text`` and ``figures`` from it.
    parts: dict = field(default_factory=dict, repr=False, compare=False)


def make(text: str, evidence: list[Evidence], *, figures=(), topic: str = "", extra_ids=(), parts=None) -> Judgement:
    level, basis = confidence(evidence)
    ids = tuple(i for e in evidence for i in e.claim_ids) + tuple(extra_ids)
    return Judgement(text, level, basis, tuple(figures), ids, topic, any(e.unconfirmed for e in evidence),
                     tuple(evidence), dict(parts or {}))


def pct(share: Interval) -> str:
    """A share as whole percentages: '5%', '4–6%', 'under 1%'."""
    low, high = share.low * 100, share.high * 100
    if high == 0:
        return "0%"
    if high < 1:
        return "under 1%"
    low_text, high_text = f"{low:.0f}%", f"{high:.0f}%"
    return high_text if low_text == high_text else f"{low:.0f}–{high_text}"


def money(interval: Interval) -> str:
    """Dollars for a reader: '$200–300', '$48M–72M+', and cents below $100 ('$7.50', '$19.86')."""
    def cents(value: float) -> str:
        return f"{value:.2f}" if value < 100 and round(value, 2) != int(value) else format_interval(Interval.exact(value))

    if 0 < interval.low < 100 or 0 < interval.high < 100:
        low, high = cents(interval.low), cents(interval.high)
        return "$" + (low if low == high else f"{low}–{high}") + ("+" if interval.open_above else "")
    return format_interval(interval, "$")
