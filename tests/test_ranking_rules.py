"""Method rule 14 as the reader's reviews found it broken (review round 1, findings 4-10, 37-39, 49;
review round 2, findings 1, 2, 4, 7, 8): two origins are ranked pairwise, never through a chain; a
ceiling ("up to X") reaches every range below X, a floor ("X+") is placed at X; a part or a restatement
of the same account, and a total's own member, never make the largest uncertain; rankings stay within
one stage group; a trend ends on its series' latest claim; missing in action is no count of people who reached the war;
conscripts (nationals of a party) are no foreign recruits; a judgement takes the lowest confidence of
the figures it names. First the notions in analysis/, on small frames made here (expected values
worked out by hand beside each); then each error planted back into the code that words the sentence,
and the ledger checker must refuse the briefing; last, the data itself: every row whose source says
only "recruited" and that is entered at a later stage says it is our reading (rule 21).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from helpers import CLAIM_DEFAULTS, DEFAULT_BRIEFINGS, REPO, typed_rows

import analysis.assessment
import analysis.claims
import analysis.headcounts
import briefings.sections.headcounts
import briefings.sections.origins
from analysis import claims as claim
from analysis.headcounts import (RANK_GROUPS, REGION_MEMBERS, Scope, claims_as_of, largest, latest_claims, leading,
                                 ranked_above, ranked_origins, ranking_places, trends)
from analysis.intervals import Interval
from briefings.briefing import Briefing
from ledger_check import check_ledger
from ledger_check.data import read_rows

CLAIMANTS = pd.DataFrame({"claimant_id": ["C001", "C002", "C003", "C004"],
                          "name": ["Monitor", "Ukrainian state", "Russian state", "Other monitor"],
                          "kind": ["ngo", "state", "state", "ngo"], "party": ["none", "ukraine", "russia", "none"],
                          "country": [None, "Ukraine", "Russia", None], "note": [None, None, None, None]})
REACHED = tuple(analysis.headcounts.REACHED_STAGES)


def latest(*rows: dict) -> pd.DataFrame:
    frame = typed_rows("headcount_claims", CLAIM_DEFAULTS, rows, id_column="claim_id", id_prefix="H",
                       same_as={"people_high": "people_low"})
    return latest_claims(claims_as_of(frame, claimants=CLAIMANTS))


# ------------------------------------------------------------------ the notions, computed once

def test_origins_are_ranked_pairwise_a_ceiling_reaching_below_it_a_floor_placed_at_its_floor():
    # Review 2, finding 1. Rank ranges: North Korea "about 15,000" [13,500, 16,500]; Colombia "up to
    # 7,000" [0, 7,000]; Syria "about 2,000" [1,800, 2,200]; Kenya "1,000+" placed at its floor [1,000,
    # 1,000]; Sri Lanka 288 [288, 288]. Middles 15,000, 3,500, 2,000, 1,000, 288 give the order.
    # North Korea's low 13,500 > every other top (7,000 at most): it alone leads, all four lie below it.
    # Colombia's [0, 7,000] reaches Syria, Kenya and Sri Lanka, yet Syria (1,800 > 1,000) is ahead of
    # Kenya and Kenya (1,000 > 288) ahead of Sri Lanka: pairwise, never through Colombia's chain.
    rows = latest({"origin": "North Korea", "stage": "arrived", "qualifier": "about", "people_low": 15000},
                  {"origin": "Colombia", "stage": "deployed", "qualifier": "up_to", "people_low": 7000},
                  {"origin": "Syria", "stage": "deployed", "qualifier": "about", "people_low": 2000},
                  {"origin": "Kenya", "stage": "arrived", "qualifier": "more_than", "people_low": 1000},
                  {"origin": "Sri Lanka", "stage": "deployed", "people_low": 288})
    scope = Scope("cumulative", RANK_GROUPS["went"], reached=True, countries=True)
    ranked = ranked_origins(rows, scope)
    assert list(ranked["origin"]) == ["North Korea", "Colombia", "Syria", "Kenya", "Sri Lanka"]
    assert ranking_places(ranked) == ([0], [1, 2, 3, 4])
    people = dict(zip(ranked["origin"], ranked["people"]))
    assert ranked_above(people["Syria"], people["Kenya"]) and ranked_above(people["Kenya"], people["Sri Lanka"])
    assert not ranked_above(people["Colombia"], people["Sri Lanka"]) and not ranked_above(people["Sri Lanka"],
                                                                                          people["Colombia"])
    made = claim.ranking(scope, ranked)
    assert made.value["leaders"] == ["North Korea"]
    assert made.value["below"] == ["Colombia", "Syria", "Kenya", "Sri Lanka"]
    assert [o["floor"] for o in made.value["order"]] == [False, False, False, True, False]
    # A floor still reaches a range that holds it: 1,000+ at 1,000 meets Cuba's 1,000-5,000.
    assert not ranked_above(Interval(1000, 5000), Interval(1000, 1000, True))


def test_leaders_are_the_ranges_reaching_the_largest_and_below_is_below_every_leader():
    # Middles: Cuba 1,000-5,000 is 3,000; Colombia 1,000-2,000 is 1,500; China "about 200" [180, 220]
    # is 200; Kenya 89. Colombia's [1,000, 2,000] reaches Cuba's: both lead. China (220 < 1,000) and
    # Kenya (89 < 1,000) lie below both leaders.
    rows = latest({"origin": "Cuba", "stage": "deployed", "count_type": "current", "qualifier": "range",
                   "people_low": 1000, "people_high": 5000},
                  {"origin": "Colombia", "stage": "deployed", "count_type": "current", "qualifier": "range",
                   "people_low": 1000, "people_high": 2000},
                  {"origin": "China", "stage": "deployed", "count_type": "current", "qualifier": "about",
                   "people_low": 200},
                  {"origin": "Kenya", "stage": "deployed", "count_type": "current", "people_low": 89})
    ranked = ranked_origins(rows, Scope("current", RANK_GROUPS["went"], reached=True))
    assert list(ranked["origin"]) == ["Cuba", "Colombia", "China", "Kenya"]
    assert ranking_places(ranked) == ([0, 1], [2, 3])


def test_a_floor_far_below_never_makes_the_largest_uncertain():
    # Review 2, finding 7. North Korea "about 15,000" [13,500, 16,500]; Kenya "1,000+" placed at 1,000;
    # Gambia "23+" dead at 23: neither reaches 13,500, so North Korea stands alone. Cuba 1,000-5,000: 5,000
    # < 13,500, no reach either. A figure of another claimant whose range does reach it (14,000) does.
    rows = latest({"origin": "North Korea", "stage": "arrived", "qualifier": "about", "people_low": 15000},
                  {"origin": "Cuba", "stage": "deployed", "qualifier": "range", "people_low": 1000,
                   "people_high": 5000},
                  {"origin": "Kenya", "stage": "arrived", "qualifier": "more_than", "people_low": 1000},
                  {"origin": "Gambia", "stage": "killed", "qualifier": "at_least", "people_low": 23})
    scope = Scope("cumulative", REACHED, reached=True)
    winner, candidates = largest(rows, scope)
    assert winner["origin"] == "North Korea" and list(leading(candidates)["origin"]) == ["North Korea"]
    assert claim.largest(scope, winner, candidates).value["leading"] == [winner["claim_id"]]
    rival = latest({"origin": "North Korea", "stage": "arrived", "qualifier": "about", "people_low": 15000},
                   {"origin": "Cuba", "stage": "arrived", "people_low": 14000, "claimant_id": "C004"})
    assert sorted(leading(largest(rival, scope)[1])["origin"]) == ["Cuba", "North Korea"]


def test_the_same_claimants_part_or_restatement_never_makes_the_largest_uncertain():
    # Review 2, finding 2. The Pentagon (one claimant) said 11,000-12,000 North Koreans in Russia
    # (middle 11,500) and at least 10,000 of them in Kursk (placed at 10,000; middle 10,000): 10,000 <
    # 11,000, so no reach anyway. SOHR said "about 2,000" moved to Russia and "about 2,000" sent into
    # Ukraine: the same range [1,800, 2,200], one account. Neither hedges; another claimant's would.
    pentagon = latest({"origin": "North Korea", "stage": "arrived", "count_type": "current", "qualifier": "range",
                       "people_low": 11000, "people_high": 12000, "claimant_id": "C004"},
                      {"origin": "North Korea", "stage": "deployed", "count_type": "current",
                       "qualifier": "at_least", "people_low": 10000, "claimant_id": "C004"})
    assert len(leading(largest(pentagon, Scope("current", REACHED, reached=True))[1])) == 1
    sohr = [{"origin": "Syria", "category": "paid", "stage": "arrived", "qualifier": "about", "people_low": 2000,
             "date_reported": "2022-04-01"},
            {"origin": "Syria", "category": "paid", "stage": "deployed", "qualifier": "about", "people_low": 2000,
             "date_reported": "2022-11-01"}]
    scope = Scope("cumulative", REACHED, reached=True)
    winner, candidates = largest(latest(*sohr), scope)
    assert len(candidates) == 2 and list(leading(candidates)["claim_id"]) == [winner["claim_id"]]
    # Another claimant's figure at another stage of the same group is one group too (the dead among those
    # who went: Colombia's 114+ dead, at 114, inside "up to 7,000"); at the same stage it is a rival.
    other = latest(sohr[0], {**sohr[1], "claimant_id": "C004"})
    assert len(leading(largest(other, scope)[1])) == 1
    colombia = latest({"origin": "Colombia", "stage": "deployed", "qualifier": "up_to", "people_low": 7000},
                      {"origin": "Colombia", "stage": "killed", "qualifier": "at_least", "people_low": 114,
                       "claimant_id": "C004"})
    assert len(leading(largest(colombia, scope)[1])) == 1
    rival = latest(sohr[1], {**sohr[1], "category": "contract", "claimant_id": "C004"})
    assert len(leading(largest(rival, scope)[1])) == 2


def test_a_total_is_never_made_uncertain_by_its_own_member_countries():
    # Review 2, finding 7: Africa's total against its own Kenya and Cameroon. Africa "about 1,400"
    # [1,260, 1,540]; Kenya 1,300 (a member: REGION_MEMBERS["Africa"]) reaches it but is part of it;
    # Nepal 1,300 (outside Africa) reaches it and is a rival. A total over all origins holds every
    # country of its side, but not one of the other side.
    assert {"Kenya", "Cameroon", "Gambia"} <= REGION_MEMBERS["Africa"] and "Nepal" not in REGION_MEMBERS["Africa"]
    africa = {"origin": "Africa", "origin_scope": "region", "stage": "arrived", "qualifier": "about",
              "people_low": 1400}
    scope = Scope("cumulative", REACHED, reached=True)
    for member, rival in (("Kenya", False), ("Nepal", True)):
        rows = latest(africa, {"origin": member, "stage": "arrived", "people_low": 1300, "claimant_id": "C004"})
        winner, candidates = largest(rows, scope)
        assert winner["origin"] == "Africa" and len(leading(candidates)) == (2 if rival else 1)
    whole = {"origin": "all", "origin_scope": "all", "stage": "deployed", "qualifier": "more_than",
             "people_low": 18000}
    for side, size in (("russia", 1), ("ukraine", 2)):
        rows = latest(whole, {"origin": "Syria", "side": side, "stage": "deployed", "people_low": 18000,
                              "claimant_id": "C004"})
        assert len(leading(largest(rows, scope)[1])) == size


def test_the_stage_groups_cover_the_stages_of_people_who_reached_the_war_once_each():
    # Review 2, finding 8: went (arrived, deployed), the dead, those who left; never missing in action.
    stages = [s for group in RANK_GROUPS.values() for s in group]
    assert sorted(stages) == sorted(REACHED) and len(stages) == len(set(stages))
    # Sri Lanka 288 deployed, Nepal 156 dead, India 119 discharged: three groups, three rankings of one.
    rows = latest({"origin": "Sri Lanka", "stage": "deployed", "people_low": 288},
                  {"origin": "Nepal", "stage": "killed", "people_low": 156},
                  {"origin": "India", "stage": "left", "people_low": 119})
    for group, origin in (("went", "Sri Lanka"), ("killed", "Nepal"), ("left", "India")):
        assert list(ranked_origins(rows, Scope("cumulative", RANK_GROUPS[group], reached=True))["origin"]) == [origin]


def test_every_region_in_the_data_has_its_members_written_alike_twice():
    # A region missing from REGION_MEMBERS would count every country as outside it (safe, but wrong);
    # the checker states the members a second time and must agree.
    from ledger_check.rules import REGIONS
    claims = pd.read_csv(REPO / "data" / "headcount_claims.csv", dtype=str, keep_default_na=False)
    regions = set(claims.loc[claims["origin_scope"] == "region", "origin"])
    assert regions <= set(REGION_MEMBERS)
    assert {k: set(v) for k, v in REGION_MEMBERS.items()} == REGIONS


def test_a_trend_ends_on_the_series_latest_claim_and_reads_its_direction_from_every_pair():
    # Review 2, finding 4 (Nepal's dead): 71 (29 Jul 2025, C002), 70+ (31 Jul, C003), then on 18 Nov
    # 104 (C003, H-id lower) and 156 (C004, H-id higher), which contradict each other (same day, apart).
    # The latest claim (rule 3: same day, same grade and precision, the higher id) is 156; the trend
    # ends there too. 71 vs 156 do not meet (up); 70+ meets both: "up", never "moved both ways".
    rows = [{"stage": "killed", "people_low": 71, "claimant_id": "C002", "date_reported": "2025-07-29"},
            {"stage": "killed", "qualifier": "at_least", "people_low": 70, "claimant_id": "C003",
             "date_reported": "2025-07-31"},
            {"stage": "killed", "people_low": 104, "claimant_id": "C003", "date_reported": "2025-11-18"},
            {"stage": "killed", "people_low": 156, "claimant_id": "C001", "date_reported": "2025-11-18"}]
    frame = typed_rows("headcount_claims", CLAIM_DEFAULTS, rows, id_column="claim_id", id_prefix="H",
                       same_as={"people_high": "people_low"})
    claims = claims_as_of(frame, claimants=CLAIMANTS)
    last = latest_claims(claims).iloc[0]
    found = trends(claims)
    assert len(found) == 1
    assert found.iloc[0]["last_claim"] == last["claim_id"] and last["stated"] == "156"
    assert found.iloc[0]["direction"] == "up" and found.iloc[0]["first_stated"] == "71"
    # ... and the trend says its last figure is contradicted (104 of the same day), as the ranking does.
    assert bool(found.iloc[0]["last_contradicted"]) and claim.trend(found.iloc[0]).value["last_contradicted"]


def test_missing_in_action_is_no_count_of_people_who_reached_the_war():
    # Finding 37: "the largest count at one time is 300+ Nepalis … missing". Of counts at one time,
    # Nepal's 300+ missing is left out; India's 50 deployed is the largest.
    rows = latest({"origin": "Nepal", "stage": "missing", "count_type": "current", "qualifier": "more_than",
                   "people_low": 300},
                  {"origin": "India", "stage": "deployed", "count_type": "current", "people_low": 50})
    winner, candidates = largest(rows, Scope("current", REACHED, reached=True))
    assert winner["origin"] == "India" and list(candidates["origin"]) == ["India"]
    # ... and even when a caller names the stage, reached=True keeps it out.
    stages = tuple(analysis.headcounts.PRESENCE_STAGES)
    assert list(largest(rows, Scope("current", stages, reached=True))[1]["origin"]) == ["India"]
    assert "missing" not in REACHED and "missing" in stages


def test_conscripts_are_no_foreign_recruits_and_never_lead():
    # Finding 10: 20,000 naturalised migrants (Russian citizens, category conscript, a region) against
    # North Korea's 11,000-12,000 at one time: the conscripts are no candidate at all.
    rows = latest({"origin": "Central Asia", "origin_scope": "region", "category": "conscript", "stage": "deployed",
                   "count_type": "current", "people_low": 20000},
                  {"origin": "North Korea", "category": "state_deployed", "stage": "arrived", "count_type": "current",
                   "qualifier": "range", "people_low": 11000, "people_high": 12000})
    for scope in (Scope("current", REACHED, reached=True), Scope("current", confirmed=False)):
        winner, candidates = largest(rows, scope)
        assert winner["origin"] == "North Korea" and list(candidates["origin"]) == ["North Korea"]


# ------------------------------------------------------------------ the default briefings, through the checker

ENTRIES = DEFAULT_BRIEFINGS


@pytest.fixture(scope="module")
def rows():
    return read_rows(REPO / "data")


def ledger_of(params: dict) -> dict:
    return Briefing.from_parameters(**params).show_all()[-1].content


def words_of(ledger: dict, kind: str) -> list[str]:
    return [" ".join(c["words"].split()) for c in ledger["claims"] if c["kind"] == kind and c.get("words")]


def test_page_one_and_the_body_give_the_same_answer(rows):
    # Findings 7 and 49 (central-asia-caucasus), under review 2's rule: Tajikistan 72+, Uzbekistan 66+ and
    # Georgia 63+ dead are floors, each placed at its floor (72 > 66 > 63): the body ranks them, saying
    # "at least"; page 1 calls 72+ the largest, unhedged, as the body does.
    ledger = ledger_of(ENTRIES["central-asia-caucasus"])
    assert check_ledger(ledger, REPO / "data", rows=rows) == []
    ranking = words_of(ledger, "ranking")
    assert any("the largest is Tajikistan (at least 72), ahead of Uzbekistan (at least 66) and Georgia (at least 63)"
               in w for w in ranking)
    page_one = [w for w in words_of(ledger, "largest") if "72+" in w]
    assert page_one and not any("not known to be the largest" in w for w in page_one)


def test_overview_ranks_what_lies_apart_and_hedges_nothing_by_floors_or_parts(rows):
    # Review 2, findings 1, 2, 7, 8 on the default data. To date, of people who went to the war: North
    # Korea about 15,000 (H059, [13,500, 16,500]) lies above Colombia's up to 7,000 (H128), Syria's about
    # 2,000 (H036), Kenya's 1,000+ (H098, at 1,000) and Sri Lanka's 288 (H045). At one time: North Korea's
    # 11,000-12,000 (H050) lies above Cuba's 1,000-5,000 (H063). Page 1 leads Russia's side with
    # both North Korean figures, unhedged: the Pentagon's own 10,000+ in Kursk (H051) is its part, and no
    # dead count (Gambia's 23+ …) reaches 13,500. H103's 20,000 conscripts lead nothing.
    ledger = ledger_of(ENTRIES["overview"])
    assert check_ledger(ledger, REPO / "data", rows=rows) == []
    ranking = words_of(ledger, "ranking")
    assert any("the largest is North Korea (about 15,000), ahead of Colombia (up to 7,000), Syria (about 2,000), "
               "Kenya (at least 1,000) and Sri Lanka (288)" in w for w in ranking)
    assert any(re.search(r"the largest is North Korea \(11,000–12,000\), ahead of Cuba", w) for w in ranking)
    assert not any("none is ranked" in w for w in ranking)
    made = {c["subject"]["count_type"] + "/" + ",".join(c["subject"]["stages"]): c for c in ledger["claims"]
            if c["kind"] == "ranking"}
    assert set(made) == {"cumulative/arrived,deployed", "current/arrived,deployed", "cumulative/killed",
                         "cumulative/left"}
    assert "Nepal" in made["cumulative/killed"]["value"]["contradicted"]
    russia = [c for c in ledger["claims"] if c["kind"] == "largest" and c["subject"]["side"] == "russia"
              and c["subject"]["reached"]]
    assert {c["value"]["row"] for c in russia} == {"H059", "H050"}
    assert all(c["value"]["leading"] == [c["value"]["row"]] for c in russia)
    text = " ".join(words_of(ledger, "largest") + ranking)
    assert "20,000 naturalised" not in text and "Naturalised" not in text


def test_syria_and_north_korea_page_one_is_not_hedged_by_their_own_accounts(rows):
    # Review 2, finding 2: syria-origin's about 2,000 sent into Ukraine (H036) was hedged by SOHR's own
    # about 2,000 moved to Russia (H035); north-korea's 11,000-12,000 (H050) by the Pentagon's own 10,000+.
    for name, row in (("syria-origin", "H036"), ("north-korea", "H050")):
        ledger = ledger_of(ENTRIES[name])
        assert check_ledger(ledger, REPO / "data", rows=rows) == []
        found = [c for c in ledger["claims"] if c["kind"] == "largest" and c["value"]["row"] == row]
        assert found and all(c["value"]["leading"] == [row] for c in found)
        assert not any(row in w and "not known to be the largest" in w for w in words_of(ledger, "largest"))


def test_south_asia_ranks_each_stage_group_apart(rows):
    # Review 2, finding 8: Sri Lanka's 288 deployed (H045), Nepal's 156 dead (H081) and India's 119
    # discharged (H074) were ranked against each other. Now the dead are ranked among the dead: Nepal
    # 156 (contradicted by Russia's 104, H078), ahead of Sri Lanka 59 (H085) and India 26 (H075).
    ledger = ledger_of(ENTRIES["south-asia"])
    assert check_ledger(ledger, REPO / "data", rows=rows) == []
    ranking = words_of(ledger, "ranking")
    assert any("the largest is Nepal (156, contradicted), ahead of Sri Lanka (59) and India (26)" in w for w in ranking)
    assert not any(re.search(r"Sri Lanka \(288\)[^;.]*ahead of[^;.]*Nepal", w) for w in ranking)


def test_south_asia_no_missing_lead_and_recruited_is_our_reading(rows):
    # Findings 37-39: page 1 no longer leads at one time with 300+ Nepalis missing (H082), nor to date with
    # 554 Sri Lankans "recruited" (H084), a stage that is our reading of the source (rule 21).
    ledger = ledger_of(ENTRIES["south-asia"])
    assert check_ledger(ledger, REPO / "data", rows=rows) == []
    reached = [c for c in ledger["claims"] if c["kind"] == "largest" and c["subject"]["reached"]]
    assert reached and all(c["value"]["row"] not in ("H082", "H084", "H073") for c in reached)
    ranked = [o["row"] for c in ledger["claims"] if c["kind"] == "ranking" for o in c["value"]["order"]]
    assert not {"H082", "H084", "H073", "H079"} & set(ranked)


def _fails(params, rows, kind, pattern) -> list:
    found = check_ledger(ledger_of(params), REPO / "data", rows=rows)
    hits = [d for d in found if d.kind == kind and re.search(pattern, d.problem)]
    assert hits, "\n".join(map(str, found)) or "the checker found nothing"
    return hits


def test_ranking_overlapping_origins_is_refused(monkeypatch, rows):
    # Planted: every origin ranked below the first (the old "first two overlap" reading) -> south-asia
    # "Nepal (up to 200), ahead of India (50)" at one time, where [0, 200] holds 50.
    monkeypatch.setattr(analysis.claims, "ranking_places",
                        lambda ranked: ([0], list(range(1, len(ranked)))))
    hits = _fails(ENTRIES["south-asia"], rows, "ranking", r"ahead of|printed leaders|printed below")
    assert any("India" in d.problem for d in hits)


def test_the_old_chain_through_floors_is_refused(monkeypatch, rows):
    # Planted: the old rule, an open floor reaching every figure above it (rank range open again) ->
    # overview "North Korea … and Kenya (1,000+) lead"; the checker places the floor at 1,000 and refuses.
    monkeypatch.setattr(analysis.headcounts, "rank_range", lambda people: Interval(people.low, people.upper))
    hits = _fails(ENTRIES["overview"], rows, "ranking", r"printed leaders|printed below")
    assert any("Kenya" in d.problem for d in hits)


def test_a_floor_printed_without_at_least_is_refused(monkeypatch, rows):
    # Planted: the floor printed as a bare figure -> "Kenya (1,000+)" in the overview's ranking, placed at
    # its floor without saying so.
    monkeypatch.setattr(briefings.sections.origins, "_label",
                        lambda origin, row, disputed: f"{origin} ({row['stated']})")
    hits = _fails(ENTRIES["overview"], rows, "ranking", r"at least")
    assert any("Kenya" in d.problem for d in hits)


def test_a_part_hedging_its_own_total_is_refused(monkeypatch, rows):
    # Planted: every figure a rival -> syria-origin page 1 "about 2,000 … sent into Ukraine, but the range
    # of one other figure reaches it" (SOHR's own H035): the checker's rule 14 says it is no rival.
    monkeypatch.setattr(analysis.headcounts, "rivals", lambda a, b: True)
    hits = _fails(ENTRIES["syria-origin"], rows, "largest", r"named with it")
    assert any("H035" in d.problem for d in hits)


def test_a_ranking_across_stage_groups_is_refused(monkeypatch, rows):
    # Planted: one group of every stage of people who reached the war -> south-asia ranks Sri Lanka's 288
    # deployed, Nepal's 156 dead and India's 119 discharged against each other.
    monkeypatch.setattr(briefings.sections.origins, "RANK_GROUPS", {"went": REACHED})
    _fails(ENTRIES["south-asia"], rows, "ranking", r"stages of different groups")


def test_a_trend_ending_on_another_claim_than_the_latest_is_refused(monkeypatch, rows):
    # Planted: the old trend, which dropped the later of two contradicting claims of one day -> overview's
    # appendix "71 (Jul 2025) → 104 (Nov 2025), moved both ways" while the ranking uses 156.
    fake = analysis.headcounts.trends(Briefing.from_parameters(**ENTRIES["south-asia"]).assessment.all_claims)
    fake.loc[fake["origin"] == "Nepal", ["last_claim", "last_stated", "direction"]] = ["H078", "104", "mixed"]
    monkeypatch.setattr(analysis.assessment, "trends", lambda claims: fake)
    hits = _fails(ENTRIES["south-asia"], rows, "trend", r"last|direction")
    assert any("Nepal" in d.problem for d in hits)


def test_a_trend_ending_on_a_contradicted_figure_not_said_is_refused(monkeypatch, rows):
    # Planted: the trend's contradicted mark dropped -> "71 → 156, rose" with no word of Russia's 104.
    real = analysis.headcounts.trends

    def unmarked(claims):
        return real(claims).assign(last_contradicted=False)

    monkeypatch.setattr(analysis.assessment, "trends", unmarked)
    hits = _fails(ENTRIES["south-asia"], rows, "trend", r"contradicted")
    assert any("Nepal" in d.problem for d in hits)


def test_a_largest_named_alone_while_ranges_reach_it_is_refused(monkeypatch, rows):
    # Planted: the largest alone -> page 1 "the largest count at one time is up to 200 Nepalis".
    def alone(candidates):
        return candidates.iloc[:1]

    # south-asia at one time: Nepal's "up to 200" ([0, 200]) is reached by India's 50 (another claimant).
    for module in (analysis.assessment, analysis.claims, briefings.sections.headcounts):
        monkeypatch.setattr(module, "leading", alone)
    _fails(ENTRIES["south-asia"], rows, "largest", r"reach the largest|named with it")


def test_missing_in_action_leading_is_refused(monkeypatch, rows):
    # Planted: missing in action counted among the stages of people who reached the war -> south-asia's
    # page 1 leads at one time with 300+ Nepalis missing (H082).
    stages = tuple(analysis.headcounts.PRESENCE_STAGES)
    for module in (analysis.headcounts, analysis.assessment, briefings.sections.origins):
        monkeypatch.setattr(module, "REACHED_STAGES", stages)
    hits = _fails(ENTRIES["south-asia"], rows, "largest", r"left out|scope leaves out|is larger")
    assert any("H082" in d.problem or "H082" in d.rows for d in hits)


def test_conscripts_leading_is_refused(monkeypatch, rows):
    # Planted: conscripts back among the candidates -> page 1 "the largest count at one time is 20,000
    # naturalised migrants" (H103).
    monkeypatch.setattr(analysis.headcounts, "NOT_FOREIGN_RECRUITS", ())
    hits = _fails(ENTRIES["overview"], rows, "largest", r"H103")
    assert hits


# ------------------------------------------------------------------ the data: rule 21 on every row

RECRUITED = re.compile(r"\brecruit|\benlist|signed contracts|signing contracts|\bjoined", re.IGNORECASE)
PRESENT = re.compile(r"taken to|moved there|reached|\bsent\b|flown to|fighting|serving|\bserve|in training|killed|"
                     r"died|dead|missing|discharged|back |inside|took part|taking part|fought|still in|came to|"
                     r"arrived|brought into|deployed", re.IGNORECASE)
READ = re.compile(r"entered as|reads this as|means they", re.IGNORECASE)


def test_every_row_recruited_but_entered_as_present_says_it_is_our_reading():
    # Finding 39: H040 (Nepalis "recruited", entered as arrived) said "our reading", H084 (Sri Lankans
    # "recruited") and H073 (Indians "recruited") did not. Every row at a presence stage whose source's
    # words (the detail up to its first ';') say only recruited / enlisted / signed / joined must say so.
    claims = pd.read_csv(REPO / "data" / "headcount_claims.csv", dtype=str, keep_default_na=False)
    presence = claims[claims["stage"].isin(list(analysis.headcounts.PRESENCE_STAGES))]
    unmarked = [r["claim_id"] for _, r in presence.iterrows()
                if RECRUITED.search(r["stage_detail"].split(";")[0]) and not PRESENT.search(r["stage_detail"].split(";")[0])
                and not READ.search(r["stage_detail"])]
    assert unmarked == []
    # The rows the review named are among those marked.
    marked = set(presence[presence["stage_detail"].str.contains(READ)]["claim_id"])
    assert {"H040", "H073", "H084", "H087"} <= marked


# ------------------------------------------------------------------ rule 13: the reason fits every figure

def test_a_low_judgement_names_every_grave_reason_adversary_first():
    # Finding 17: the adversary judgement rests on H055 (D3, a party about its adversary) and H129
    # (credibility 4, also an adversary's): the basis said only "unconfirmed: a figure graded 4–6", which
    # fits one of the two. Both are adversary claims; one is also graded 4: both reasons, adversary first.
    from analysis.judgements import Evidence, confidence
    h055 = Evidence(("H055",), frozenset({"C002"}), (("D", 3),), adversary=True)
    h129 = Evidence(("H129",), frozenset({"C003"}), (("D", 4),), adversary=True)
    assert confidence([h055, h129]) == ("low", "a party's claim about its adversary; unconfirmed: a figure graded 4–6")
    # One figure, one reason, as before.
    assert confidence([h055]) == ("low", "a party's claim about its adversary")
    # A contradicted figure is low whatever its grade (finding 37: H082 against Russia's 40, H079).
    h082 = Evidence(("H082",), frozenset({"C037"}), (("A", 2),), contradicted=True)
    assert confidence([h082]) == ("low", "contradicted by another claim of the same time")


def test_the_origins_chart_says_which_stages_it_ranks():
    # Finding 8: the note said "arrived or were deployed" while the chart ranks killed counts (the United
    # States' 92+, Tajikistan's 72+): it names the stages the scope compares, and leaves out the missing.
    b = Briefing.from_parameters(**ENTRIES["central-asia-caucasus"])
    chart = briefings.sections.origins.view(b)["chart"]
    assert "arrived, were deployed, were killed or left" in chart.note and "not those missing in action" in chart.note
    assert "confirmed" not in chart.note and "graded 1–3 (possibly true or better)" in chart.note
    stages = set(b.latest[b.latest["claim_id"].isin(["H131", "H132", "H134"])]["stage"].astype(str))
    assert stages == {"killed"}  # what the chart ranks here: counts of the dead


def test_an_origin_placed_by_a_contradicted_figure_is_marked_and_the_checker_sees_it(monkeypatch, rows):
    # Finding 38: Nepal was ranked by the activist's 156 killed (H081), which Russia's 104 of the same day
    # (H078) contradicts: 156 and 104 are exact, different claimants, 0 days apart, so rule 7 pairs them.
    # The ranking marks it; planted away, the checker refuses the briefing.
    ledger = ledger_of(ENTRIES["south-asia"])
    made = [c for c in ledger["claims"] if c["kind"] == "ranking" and c["subject"]["count_type"] == "cumulative"
            and c["subject"]["stages"] == ["killed"]][0]
    assert "Nepal" in made["value"]["contradicted"] and "Nepal (156, contradicted)" in made["words"]
    monkeypatch.setattr(briefings.sections.origins, "_contradicted", lambda briefing: set())
    hits = _fails(ENTRIES["south-asia"], rows, "ranking", r"contradicted")
    assert any("Nepal" in d.problem for d in hits)
