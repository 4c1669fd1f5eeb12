"""Consistency of every default briefing with itself, the data and the rules.

Each briefing of reports.yml is computed (not rendered to PDF: that is the end-to-end tests' job)
and read as a reviewer would: every figure a key judgement cites is in one of its tables; no
sentence says arrivals are unknown where a presence figure exists; nothing dated after as_of
contributes; no comparator postdates its offer; adversary claims never carry a headline figure.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from helpers import DEFAULT_BRIEFINGS

from briefings.briefing import Briefing
from analysis.headcounts import PRESENCE_STAGES
from analysis.loading import known_from

ENTRIES = list(DEFAULT_BRIEFINGS.items())


def _plain(html: str) -> str:
    """Rendered HTML as the reader's text: tags dropped, entities and break points undone."""
    text = re.sub(r"<wbr>", "", html)
    text = re.sub(r"<br>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"'))


#: The one briefing make check reads (a small one: what an analyst could know at the end of March 2022);
#: make test reads them all.
SMALL = "as-of-2022-03-31" if "as-of-2022-03-31" in dict(ENTRIES) else ENTRIES[0][0]


@pytest.fixture(scope="module", ids=[name for name, _ in ENTRIES],
                params=[pytest.param(entry, marks=() if entry[0] == SMALL else pytest.mark.slow) for entry in ENTRIES])
def briefing(request):
    name, params = request.param
    return Briefing.from_parameters(**params)


def test_three_to_six_key_judgements_each_with_a_confidence(briefing):
    judgements = briefing.key_judgements()
    assert 3 <= len(judgements) <= 5  # five at most, so page 1 also holds "what changed"
    for judgement in judgements:
        assert judgement.confidence in ("low", "moderate", "high")
        assert judgement.basis


def test_every_figure_a_judgement_cites_is_in_a_table_of_the_briefing(briefing):
    body = _plain("".join(str(part) for part in (briefing.summary(), briefing.headcounts(), briefing.pay(),
                                                 briefing.law(), briefing.recruitment_costs(), briefing.appendix())))
    for judgement in briefing.key_judgements():
        for figure in judgement.figures:
            assert figure in body, f"{figure!r} of {judgement.text!r} is in no table"
            assert figure.lower() in judgement.text.lower()


def test_no_row_ids_codes_or_broken_words_in_the_judgements(briefing):
    for judgement in briefing.key_judgements():
        assert not re.search(r"\b[HPWXSC]\d{3,}\b", judgement.text), judgement.text
        assert "(s)" not in judgement.text and "from all " not in judgement.text.replace("from all origins", "")
        assert not re.search(r"\d[eE][+-]\d", judgement.text), judgement.text
        assert "unaccounted" not in judgement.text


def test_arrivals_are_never_called_unknown_where_a_presence_figure_of_the_time_exists(briefing):
    for _, row in briefing.gap.iterrows():
        group = briefing.latest[(briefing.latest["side"] == row["side"]) & (briefing.latest["origin"] == row["origin"])
                                & (briefing.latest["category"] == row["category"])
                                & briefing.latest["stage"].astype(str).isin(PRESENCE_STAGES)
                                & (briefing.latest["count_type"] != "flow")]
        if row["status"] == "no presence reported":
            assert group.empty, f"{row['origin']}: presence figures exist: {list(group['claim_id'])}"
        if row["status"] == "gap":
            assert row["present_claim"] in set(group["claim_id"])


def test_nothing_dated_after_as_of_contributes(briefing):
    as_of = briefing.as_of
    assert (briefing.all_claims["known_from"] <= as_of).all()
    if len(briefing.offers):
        assert (known_from(briefing.offers) <= as_of).all()
    if len(briefing.wages):
        assert (known_from(briefing.wages) <= as_of).all()
    assert (briefing.rates_used["date_reported"] <= as_of).all()


def test_no_comparator_is_dated_after_the_offer_it_is_compared_with(briefing):
    # The offer's day is the day it counts as known (method rule 2), the end of its month or year.
    offers = briefing.offers.set_index("offer_id")["day"]
    for _, row in briefing.army[briefing.army["army_pay_date"].notna()].iterrows():
        assert pd.Timestamp(row["army_pay_date"]) <= offers[row["offer_id"]]
    for _, row in briefing.multiples.iterrows():
        assert pd.Timestamp(row["wage_date"]) <= offers[row["offer_id"]]


def test_adversary_claims_never_carry_a_headline_figure_gap_or_cost(briefing):
    adversary = set(briefing.adversary_claims["claim_id"])
    assert not adversary & set(briefing.latest["claim_id"])
    assert not adversary & {c for ids in briefing.totals["claim_ids"] for c in ids}
    assert not adversary & (set(briefing.gap["signed_up_claim"]) | set(briefing.gap["present_claim"].dropna()))
    assert not adversary & set(briefing.costs["claim_id"])


def test_flows_never_enter_the_stock_table_or_the_gap(briefing):
    flows = set(briefing.latest.loc[briefing.latest["count_type"] == "flow", "claim_id"])
    assert not flows & {c for ids in briefing.totals["claim_ids"] for c in ids}
    assert not flows & (set(briefing.gap["signed_up_claim"]) | set(briefing.gap["present_claim"].dropna()))


def test_only_monthly_offered_pay_is_compared(briefing):
    compared = briefing.offers[briefing.offers["offer_id"].isin(briefing.army["offer_id"])]
    assert (compared["period"] == "month").all()
    assert (compared["status"] == "offered").all()
    assert not compared["adversary"].astype(bool).any()


def test_rendered_text_has_no_scientific_notation_or_plural_hedges(briefing):
    text = _plain("".join(str(part) for part in (briefing.summary(), briefing.headcounts(), briefing.pay(),
                                                 briefing.law(), briefing.recruitment_costs())))
    assert "(s)" not in text
    assert not re.search(r"\d[eE][+-]\d", text)
    assert "cannot both be true" not in text or len(briefing.contradictions)


#: Row ids as the data package writes them: claims H001, offers P001, wages W001, rates X001, sources S001, claimants C001.
ROW_ID = re.compile(r"\b[CHPWXS]\d{3}\b")


def _body(briefing) -> str:
    return "".join(str(part) for part in (briefing.summary(), briefing.headcounts(), briefing.claims_over_time(),
                                         briefing.origins(), briefing.pay(), briefing.law(),
                                         briefing.recruitment_costs()))


def test_the_body_names_no_row_id(briefing):
    # Readers follow a numbered reference to the appendix; codes like H031 belong there only.
    found = ROW_ID.findall(_plain(_body(briefing)))
    assert not found, f"row ids in the body: {sorted(set(found))}"


def test_every_reference_in_the_body_leads_to_its_rows_in_the_appendix(briefing):
    body, appendix = _body(briefing), str(briefing.appendix())
    cited = set(re.findall(r'href="#ref-(\d+)"', body))
    assert cited, "the body cites no figure"
    for number in cited:
        entry = re.search(rf'<span id="ref-{number}" class="reference">(.*?)</span>', appendix, re.S)
        assert entry, f"reference [{number}] has no entry in the appendix"
        rows = re.findall(r'href="#row-(\w+)"', entry.group(1))
        assert rows, f"reference [{number}] lists no row"
        for row in rows:
            assert f'id="row-{row}"' in appendix, f"reference [{number}] links row {row}, which the appendix lacks"
            # The row's line leads on to its whole record in the data annex.
            assert f'href="../annex/annex.html#row-{row}"' in appendix, row


def test_an_origin_with_headcounts_but_no_pay_on_record_gets_a_briefing():
    # India by the end of 2024: contract soldiers arrived and killed, no pay offer on record. Every section
    # must render (the drive costs once failed on the empty offers frame).
    briefing = Briefing.from_parameters(origins=["India"], as_of="2024-12-31")
    assert briefing.offers.empty and not briefing.latest.empty
    assert "No paid headcount and matching monthly offer" in _plain(str(briefing.recruitment_costs()))
    assert "No pay offer for this selection is on record" in _plain(str(briefing.pay()))
