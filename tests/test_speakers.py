"""Tests for analysis.speakers: who is speaking, typed by their stake in the claim."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.speakers import SPEAKER_LABELS, speaker_type, with_speakers

CLAIMANTS = pd.DataFrame({
    "claimant_id": ["C001", "C002", "C003", "C004", "C005"],
    "name": ["SOHR", "Ukrainian state", "Russian state", "Government of Nepal", "CNN"],
    "kind": ["ngo", "state", "state", "state", "media"],
    "party": ["none", "ukraine", "russia", "none", "none"],
    "country": ["United Kingdom", "Ukraine", "Russia", "Nepal", "United States"],
    "note": [None] * 5,
})


# ------------------------------------------------------------------ speaker_type

@pytest.mark.parametrize("party, about", [("russia", "russia"), ("ukraine", "ukraine")])
def test_a_party_about_its_own_side(party, about):
    assert speaker_type(party, "state", about) == "own_side"


@pytest.mark.parametrize("party, about", [("russia", "ukraine"), ("ukraine", "russia")])
def test_a_party_about_its_adversary(party, about):
    assert speaker_type(party, "state", about) == "adversary"


def test_a_party_about_no_side_counts_as_own_side():
    assert speaker_type("russia", "state", None) == "own_side"


def test_another_state_is_a_third_country_government():
    assert speaker_type("none", "state", "russia") == "third_country_government"


@pytest.mark.parametrize("kind", ["international_body", "ngo", "media", "individual", "company"])
def test_non_party_non_state_speakers_are_their_kind(kind):
    assert speaker_type("none", kind, "ukraine") == kind
    assert kind in SPEAKER_LABELS


# ------------------------------------------------------------------ with_speakers

def test_claims_are_typed_by_claimant_and_side():
    claims = pd.DataFrame({"claim_id": ["H001", "H002", "H003", "H004", "H005"],
                           "side": ["ukraine", "ukraine", "russia", "russia", "russia"],
                           "claimant_id": ["C003", "C002", "C004", "C001", "C005"],
                           "claimant": ["Russian MoD", "Kyiv", "Nepal", "SOHR (via NHK)", "CNN"]})
    typed = with_speakers(claims, CLAIMANTS)
    # Russia's MoD counting Ukraine's foreigners is an adversary; Kyiv about Ukraine its own side
    assert list(typed["speaker_type"]) == ["adversary", "own_side", "third_country_government", "ngo", "media"]
    assert list(typed["adversary"]) == [True, False, False, False, False]
    # the claimant's stable name, whatever the relay wrote
    assert list(typed["claimant_name"]) == ["Russian state", "Ukrainian state", "Government of Nepal", "SOHR", "CNN"]
    assert list(typed["claimant_party"]) == ["russia", "ukraine", "none", "none", "none"]


def test_wages_use_the_side_whose_country_they_are():
    wages = pd.DataFrame({"wage_id": ["W001", "W002", "W003", "W004"],
                          "country": ["Russia", "Russia", "Ukraine", "Nepal"],
                          "claimant_id": ["C002", "C003", "C003", "C004"],
                          "claimant": ["Kyiv", "Moscow", "Moscow", "Nepal"]})
    typed = with_speakers(wages, CLAIMANTS)
    # Ukraine on Russia's pay: adversary; Russia on its own: own side; Russia on Ukraine's: adversary;
    # Nepal on Nepal's wages: a third-country government
    assert list(typed["speaker_type"]) == ["adversary", "own_side", "adversary", "third_country_government"]
    assert list(typed["adversary"]) == [True, False, True, False]


def test_without_claimants_everyone_is_media_and_nobody_an_adversary():
    claims = pd.DataFrame({"claim_id": ["H001"], "side": ["ukraine"], "claimant_id": ["C003"],
                           "claimant": ["Russian MoD"]})
    typed = with_speakers(claims, None)
    assert list(typed["speaker_type"]) == ["media"] and list(typed["adversary"]) == [False]
    assert list(typed["claimant_name"]) == ["Russian MoD"] and list(typed["claimant_party"]) == ["none"]


def test_with_speakers_does_not_modify_its_input():
    claims = pd.DataFrame({"claim_id": ["H001"], "side": ["ukraine"], "claimant_id": ["C003"], "claimant": ["x"]})
    before = claims.copy()
    with_speakers(claims, CLAIMANTS)
    pd.testing.assert_frame_equal(claims, before)
