"""The claim ledger and its second read (issue 18).

Every default briefing is computed in-process (no kernel, no PDF: the sections are shown in the
notebook's order), its ledger checked by ``ledger_check`` against the raw rows: no disagreement.
Then each class of false sentence found by the reader's review is planted back into the code that
chooses or words the sentence (a monkeypatch of one function), and the checker must fail the
briefing, naming the claim. Last, a real build with a planted error fails that briefing and keeps
its last good output, and the checker shares no code with what it checks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from helpers import DEFAULT_BRIEFINGS, REPO, copy_inputs, run_briefings, tree_bytes, write_config

import analysis.assessment
import analysis.headcounts
import analysis.pay
import briefings.sections.pay
import briefings.sections.summary
import briefings.words
from analysis import claims as claim
from analysis.assessment import Assessment
from analysis.intervals import Interval, from_claim
from briefings.briefing import Briefing
from ledger_check import LedgerDisagreement, check_executed, check_ledger
from ledger_check.data import read_rows

# Computes each default briefing's ledger and plants errors in it (make check reads one small briefing in
# test_consistency instead).
pytestmark = pytest.mark.slow

ENTRIES = DEFAULT_BRIEFINGS


@pytest.fixture(scope="module")
def rows():
    return read_rows(REPO / "data")


_VALIDATED: list[str] = []


def ledger_of(params: dict) -> dict:
    # The data validated once, then trusted by its version as the build trusts it in each notebook it
    # runs (analysis.loading keeps it loaded): these tests check the ledger, not the schema pass.
    import os

    from analysis.loading import load_data

    if not _VALIDATED:
        _VALIDATED.append(load_data(REPO / "data").version)
    before = os.environ.get("BRIEFINGS_VALIDATED_DATA")
    os.environ["BRIEFINGS_VALIDATED_DATA"] = _VALIDATED[0]
    try:
        briefing = Briefing.from_parameters(**params)
    finally:
        if before is None:
            del os.environ["BRIEFINGS_VALIDATED_DATA"]
        else:
            os.environ["BRIEFINGS_VALIDATED_DATA"] = before
    return briefing.show_all()[-1].content


def disagreements(params: dict, rows) -> list:
    return check_ledger(ledger_of(params), REPO / "data", rows=rows)


# ------------------------------------------------------------------ the default set holds

@pytest.mark.parametrize("name", list(ENTRIES))
def test_every_claim_of_every_default_briefing_holds(name, rows):
    ledger = ledger_of(ENTRIES[name])
    found = check_ledger(ledger, REPO / "data", rows=rows)
    assert found == [], "\n".join(map(str, found))
    kinds = {c["kind"] for c in ledger["claims"]}
    # Every briefing states figures, credits its sources and says how old its record is.
    assert {"headcount", "credit", "newest", "window", "revisions"} <= kinds, kinds
    assert len(ledger["claims"]) >= 30
    # The ledger names the briefing as the checker needs it, and every claim names its rule.
    assert ledger["briefing"]["as_of"] and all(c["rule"].startswith("§") for c in ledger["claims"])


# ------------------------------------------------------------------ each class of error, planted

def kinds_failing(found) -> set:
    return {d.kind for d in found}


def test_none_in_force_for_a_wage_missing_from_the_data_fails(monkeypatch, rows):
    # False sentence 1: "none in force" for Russia's army pay in March 2022, when the data simply has
    # no row before W001 (Oct 2022). The words are planted; the claim says 'not on record'.
    monkeypatch.setitem(briefings.sections.pay.MISSING_WORDS, "not on record", "none in force")
    # Russia's army pay is on record from Oct 2022 (W001): for March 2022 it is 'not in force', planted too.
    monkeypatch.setitem(briefings.sections.pay.MISSING_WORDS, "not in force", "none in force")
    found = disagreements(ENTRIES["syria-origin"], rows)
    assert "in_force" in kinds_failing(found)
    assert any("not on record" in d.problem and "none in force" in d.words for d in found)


def test_a_cost_called_a_ceiling_when_a_higher_offer_is_on_record_fails(monkeypatch, rows):
    # False sentence 2: "$810M–990M … a ceiling", while a $6,590 offer and a seven-month contract are on record.
    original = analysis.assessment.drive_costs
    monkeypatch.setattr(analysis.assessment, "drive_costs",
                        lambda *a, **k: original(*a, **k).assign(ceiling=True))
    found = disagreements(ENTRIES["syria-origin"], rows)
    assert any(d.kind == "cost" and "ceiling" in d.problem for d in found)


def test_a_reported_zero_counted_as_a_group_fails(monkeypatch, rows):
    # False sentence 3: "the largest groups are from Canada and Syria; their ranges overlap", Syria's
    # figure being a reported 0 (H057). Planted: the scope keeps zeros.
    original = analysis.headcounts.in_scope

    def with_zeros(latest, scope):
        nudged = latest.assign(people=[Interval(0.0, 0.5) if p.high == 0 else p for p in latest["people"]])
        return original(nudged, scope)

    monkeypatch.setattr(analysis.headcounts, "in_scope", with_zeros)
    found = disagreements({**ENTRIES["as-of-2022-03-31"], "side": "russia"}, rows)
    assert {"largest", "ranking"} & kinds_failing(found)
    assert any("H057" in d.problem or "H057" in d.rows for d in found)


def test_a_rise_the_trends_notion_does_not_bear_out_fails(monkeypatch, rows):
    # False sentence 4: "No series changed over time" on p12, while p3's title says the number "rose from
    # 1,000+ to 20,000+": two notions of a change. Planted: the chart's title from a notion of its own.
    fake = pd.DataFrame([{"side": "ukraine", "origin": "all", "category": "volunteer", "stage": "applied",
                          "count_key": "cumulative", "first_claim": "H006", "first_stated": "1,000+",
                          "first_known": pd.Timestamp("2022-03-01"), "last_claim": "H004", "last_stated": "20,000+",
                          "last_known": pd.Timestamp("2022-03-07"), "n_claims": 3, "direction": "up", "change": 1.0}])
    monkeypatch.setattr(Assessment, "own_trends", property(lambda self: fake))
    found = disagreements(ENTRIES["as-of-2022-03-31"], rows)
    assert {"trend", "trends"} <= kinds_failing(found)


def test_the_second_largest_called_the_largest_fails(monkeypatch, rows):
    # False sentence 5: p2 "the largest reported group is 16,000 … signed up" against p1's 20,000+.
    original = analysis.assessment.largest

    def second(latest, scope):
        winner, candidates = original(latest, scope)
        return (candidates.iloc[1] if len(candidates) > 1 else winner), candidates

    monkeypatch.setattr(analysis.assessment, "largest", second)
    found = disagreements(ENTRIES["ukraine-volunteers"], rows)
    assert any(d.kind == "largest" and "is larger" in d.problem for d in found)


def test_a_count_at_one_time_ranked_against_counts_to_date_fails(monkeypatch, rows):
    # False sentence 6: "Nepal (about 15,000 to date), ahead of North Korea (11,000–12,000 at one time)".
    original = analysis.headcounts.in_scope

    def any_kind(latest, scope):
        both = [original(latest, analysis.headcounts.Scope(**{**scope.__dict__, "count_type": kind}))
                for kind in ("cumulative", "current")]
        return pd.concat(both)

    monkeypatch.setattr(analysis.headcounts, "in_scope", any_kind)
    found = disagreements(ENTRIES["overview"], rows)
    assert any("different kinds" in d.problem for d in found)


def test_no_monthly_offer_on_record_while_one_is_fails(monkeypatch, rows):
    # False sentence 7: "No monthly offer for the war in Ukraine is on record" while P021 (7,000 UAH a
    # month, the Legion's base pay) is. Planted: the old rule that left out offers to every origin.
    def old_rule(function):
        return lambda frame: (lambda kept: kept[kept["origin"] != "all"])(function(frame))

    monkeypatch.setattr(analysis.assessment, "comparable_offers", old_rule(analysis.pay.comparable_offers))
    monkeypatch.setattr(analysis.assessment, "monthly_offers_on_record",
                        old_rule(analysis.pay.monthly_offers_on_record))
    found = disagreements(ENTRIES["ukraine-volunteers"], rows)
    assert any(d.kind == "none" and "monthly_offers" in d.problem for d in found)


def test_a_comparator_of_another_day_than_the_rule_says_fails(monkeypatch, rows):
    # False sentence 8: "Mar 2022 · Syria $1,000 — 130× of $7.50": a month-dated offer compared on the
    # month's first day, not on its day (31 Mar), when W005 ($15–35) applies: 29–67×.
    monkeypatch.setattr(analysis.pay, "known_from", lambda frame: frame["date_reported"])
    found = disagreements(ENTRIES["syria-origin"], rows)
    assert any(d.kind == "ratio" and "P006" in d.rows for d in found)


def test_foreigners_called_contract_soldiers_fails(monkeypatch, rows):
    # False sentence 9: "18,000+ foreign contract soldiers", where the source says "more than 18,000
    # foreigners". Planted: our category noun for the source's own description.
    from briefings.words import CATEGORY_NOUNS

    monkeypatch.setattr(briefings.words, "described", lambda detail: CATEGORY_NOUNS["contract"])
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "headcount" and "H055" in d.rows and "description" in d.problem for d in found)


def test_conversions_said_to_be_of_the_offers_day_fail(monkeypatch, rows):
    # False sentence 10: "converted at market rates of the offer's day", while $7.50 used a rate of 28 Jan.
    def old_words(briefing, section, offers=None):
        items = briefing.assessment.conversions
        return briefings.words.say(briefing, claim.conversions(items),
                                   f"{len(items)} conversions, each converted at market rates of the offer's "
                                   f"day: {len(items)} at a rate of that very day.", section)

    monkeypatch.setattr(briefings.sections.pay, "conversion_words", old_words)
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "conversions" and "other days" in d.problem for d in found)


def test_no_contradiction_said_while_offers_contradict_fails(monkeypatch, rows):
    # False sentence 11: "No two claims about the same quantity made within 7 days … contradict", while
    # P001 ($200–300), P002 ($1,100) and P003 ($1,500–2,500) were all reported on 15 Mar 2022.
    monkeypatch.setattr(Assessment, "offer_contradictions",
                        property(lambda self: analysis.pay.offer_contradictions(self.offers.iloc[0:0])))
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "contradictions" and "P001" in d.problem for d in found)


def test_recruited_presented_as_arrived_fails(monkeypatch, rows):
    # Misleading: Nepal's "recruited 15,000" drawn as "about 15,000 arrived". Planted: the sentence code
    # no longer says where a stage is our reading of the source.
    monkeypatch.setattr(briefings.words, "stage_is_read", lambda detail: False)
    found = disagreements(ENTRIES["as-of-2022-03-31"], rows)
    assert any(d.kind == "headcount" and "our reading" in d.problem for d in found)


def test_a_side_the_source_does_not_name_presented_as_its_own_fails(monkeypatch, rows):
    # Colombia's consulate records name no side for the deaths Russia reported (side_basis: inferred):
    # "On Russia's side, … 6 Colombians" must say the side is our reading. Planted: it does not.
    monkeypatch.setattr(briefings.words, "side_is_read", lambda claim: False)
    found = disagreements(ENTRIES["colombia"], rows)
    assert any(d.kind == "headcount" and "names no side" in d.problem for d in found)


def test_a_stage_read_by_us_ranked_among_people_who_reached_the_war_fails(monkeypatch, rows):
    monkeypatch.setattr(analysis.headcounts, "reached_the_war",
                        lambda c: str(c["stage"]) in analysis.headcounts.PRESENCE_STAGES)
    found = disagreements(ENTRIES["overview"], rows)
    # The rows whose stage is our reading of their source (Nepal's "recruited" entered as arrived, ...).
    read = set(rows.headcount_claims.loc[rows.headcount_claims["stage_detail"].fillna("").str.contains(
        "entered as|reads this as|means they"), "claim_id"])
    assert read and any(d.kind in ("largest", "ranking", "headcount") and read & set(re.findall(r"H\d+", d.problem))
                        for d in found)


def test_a_derived_range_wider_than_its_figures_fails(monkeypatch, rows):
    # Misleading: "some 42,800–53,200 have not reached the war", whose top exceeds the 50,000 headline.
    monkeypatch.setattr(analysis.headcounts, "_stated",
                        lambda c: from_claim(c["qualifier"], c["people_low"], c["people_high"]))
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "gap" and "runs past" in d.problem for d in found)


def test_an_original_outlet_credited_where_a_relay_was_read_fails(monkeypatch, rows):
    # Misleading: page 1 credits The New York Times, CNN and SOHR where the copies read were D-graded relays.
    original = briefings.words.credit

    def no_relay(briefing, record, section, **options):
        made = claim.credit(record, briefing.data.sources, briefings.words.grade(briefing, record))
        return briefings.words.say(briefing, made, f"{record['claimant_name']}; {made.value['grade']}", section)

    monkeypatch.setattr(briefings.words, "credit", no_relay)
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "credit" and "relay" in d.problem for d in found)
    assert original is not no_relay


def test_headline_multiples_from_unconfirmed_offers_fail(monkeypatch, rows):
    # Misleading: the pay title's "5.7–440×" takes its top from one anonymous D4 source without saying so.
    monkeypatch.setattr(briefings.sections.pay, "CONFIRMED_BELOW", 7)
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "extremes" for d in found)


def test_a_group_left_out_of_the_law_without_saying_so_fails(monkeypatch, rows):
    # Misleading: the as-of briefing judges the Canadians but not its 40,000+ Syrians, and does not say why.
    monkeypatch.setattr(Assessment, "not_assessed", property(lambda self: []))
    found = disagreements(ENTRIES["as-of-2022-03-31"], rows)
    assert any(d.kind == "not_assessed" and "Syria" in d.problem for d in found)


def test_nothing_new_said_where_the_record_stops_fails(monkeypatch, rows):
    # Misleading: "What changed … Nothing new" under an as-of of Dec 2026 when the newest figure is from
    # Nov 2025. Planted: the window is taken as covered.
    monkeypatch.setattr(briefings.sections.summary, "window_cover", lambda since, as_of, reach: "whole")
    found = disagreements({**ENTRIES["overview"], "as_of": "2026-12-01"}, rows)
    assert any(d.kind == "window" and "record stops" in d.problem for d in found)


def test_a_data_revision_in_the_window_left_out_fails(monkeypatch, rows):
    # Misleading: "… and the data was revised on 27 Nov 2026", not said.
    monkeypatch.setattr(Assessment, "revisions", property(lambda self: []))
    found = disagreements({**ENTRIES["overview"], "as_of": "2026-12-01"}, rows)
    assert any(d.kind == "revisions" and "2026-11-27" in d.problem for d in found)


def test_an_older_figure_called_the_newest_fails(monkeypatch, rows):
    monkeypatch.setattr(Assessment, "newest", property(lambda self: (pd.Timestamp("2022-03-15"), "H001")))
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "newest" for d in found)


# ------------------------------------------------------------------ the checker on its own

def test_a_claim_of_an_unknown_kind_or_a_missing_row_disagrees(rows):
    ledger = {"briefing": {**ENTRIES["overview"], "as_of": "2022-03-31", "side": "both", "origins": [],
                           "changes_since": "2021-03-31"},
              "claims": [{"id": 1, "kind": "rumour", "subject": {}, "value": {}, "rows": [], "words": "x"},
                         {"id": 2, "kind": "headcount", "subject": {"row": "H037"}, "value": {}, "rows": ["H037"],
                          "words": "about 50,000"}]}
    found = check_ledger(ledger, REPO / "data", rows=rows)
    # H037 (Nov 2022) was not known by 31 Mar 2022: a briefing of that date cannot state it.
    assert [d.claim for d in found] == [1, 2] and "not a headcount claim in view" in found[1].problem


def test_an_executed_briefing_without_a_ledger_fails_and_other_notebooks_pass():
    meta = nbformat.v4.new_output("display_data", data={"application/vnd.briefing.meta+json": {"title": "t"}})
    briefing = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[meta])])
    with pytest.raises(LedgerDisagreement, match="no claim ledger"):
        check_executed(briefing, REPO / "data", "t")
    assert check_executed(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), REPO / "data") == 0


def test_the_checker_imports_nothing_of_the_code_it_checks():
    code = ("import sys, ledger_check, ledger_check.__main__; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('analysis', 'briefings')); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in (REPO / "ledger_check").glob("*.py"):
        text = path.read_text("utf-8")
        assert "import analysis" not in text and "from analysis" not in text and "briefings" not in \
            "".join(line for line in text.splitlines() if line.startswith(("import", "from"))), path


def test_the_checkers_windows_are_the_methods(rows):
    # Written apart, the two must agree on every number the method states.
    from ledger_check import rules

    assert (rules.CONTRADICTION_DAYS, rules.GAP_DAYS, rules.WAGE_AGE_DAYS, rules.QUOTED_DAYS, rules.DRIVE_DAYS) == (
        analysis.headcounts.CONTRADICTION_WINDOW_DAYS, analysis.headcounts.GAP_WINDOW_DAYS,
        analysis.pay.COMPARATOR_MAX_AGE_DAYS, analysis.pay.QUOTED_RATE_DAYS, analysis.pay.DRIVE_WINDOW_DAYS)
    from analysis.intervals import DEFAULT_RULE
    from analysis.loading import MAX_FX_GAP_DAYS

    assert rules.FX_GAP_DAYS == MAX_FX_GAP_DAYS and dict(rules.QUALIFIER_RULE) == dict(DEFAULT_RULE)
    # The window within which two sources' figures for one wage disagree (rule 11) is the method's too.
    method = (REPO / "docs" / "method.md").read_text("utf-8")
    assert rules.SAME_WAGE_DAYS == analysis.pay.SAME_WAGE_WINDOW_DAYS == 92 and "no more than 92 days" in method


# ------------------------------------------------------------------ the build and the command line

def test_a_disagreement_fails_the_briefing_and_keeps_its_last_good_output(tmp_path):
    root = copy_inputs(tmp_path / "project")
    config = write_config(root, [{"name": "syria", "parameters": {"title": "Syria", "origins": ["Syria"]}}])
    out = root / "out"
    first = run_briefings("build", "--config", config, "--data", root / "data", "--out", out)
    assert first.returncode == 0, first.stderr
    assert (out / "syria" / "syria-ledger.json").is_file()
    good = tree_bytes(out / "syria")
    # Plant false sentence 1 in the sentence code, inside the kernel: a wage missing from the data
    # becomes "none in force".
    path = root / "notebooks" / "briefing.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell(
        "import briefings.sections.pay\nbriefings.sections.pay.MISSING_WORDS['not on record'] = 'none in force'\n"
        "briefings.sections.pay.MISSING_WORDS['not in force'] = 'none in force'"))
    nbformat.write(notebook, path)
    second = run_briefings("build", "--config", config, "--data", root / "data", "--out", out, "--force")
    assert second.returncode == 1
    assert "syria: FAILED" in second.stderr and "LedgerDisagreement" in second.stderr
    # The log names the sentence and its rows.
    log = (out / "build.log").read_text("utf-8")
    assert "none in force" in log and "(in_force, Pay)" in log and "rows P0" in log
    assert tree_bytes(out / "syria") == good
    # `briefings check` reads the published ledger back: the last good one holds.
    check = run_briefings("check", out, "--data", root / "data")
    assert check.returncode == 0 and "1 briefings" in check.stdout, check.stdout + check.stderr


def test_the_command_line_check_reports_a_tampered_ledger(tmp_path, rows):
    folder = tmp_path / "reports" / "syria"
    folder.mkdir(parents=True)
    ledger = ledger_of(ENTRIES["syria-origin"])
    (folder / "syria-ledger.json").write_text(json.dumps(ledger), "utf-8")
    ok = subprocess.run([sys.executable, "-m", "ledger_check", str(tmp_path / "reports"), "--data", str(REPO / "data")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    headcount = next(c for c in ledger["claims"] if c["kind"] == "headcount")
    headcount["value"]["stated"] = "about 60,000"
    (folder / "syria-ledger.json").write_text(json.dumps(ledger), "utf-8")
    bad = subprocess.run([sys.executable, "-m", "ledger_check", str(tmp_path / "reports"), "--data", str(REPO / "data")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "about 60,000" in bad.stdout and headcount["subject"]["row"] in bad.stdout
    missing = subprocess.run([sys.executable, "-m", "ledger_check", str(tmp_path / "nothing")], capture_output=True,
                             text=True)
    assert missing.returncode == 2


def test_the_notebook_shows_the_sections_in_the_order_the_checks_use():
    import re

    notebook = nbformat.read(REPO / "notebooks" / "briefing.ipynb", as_version=4)
    calls = [name for cell in notebook.cells if cell.cell_type == "code"
             for name in re.findall(r"^briefing\.(\w+)\(\)", cell.source, re.M)]
    assert tuple(calls) == Briefing.SECTIONS


def test_no_contradiction_among_pay_offers_said_in_a_briefing_without_pay_fails(rows):
    # A headcounts-only briefing shows no offers, but "no two pay offers contradict" is about the record,
    # which holds P001 ($200–300) against P002 ($1,100) of the same day.
    words = ("No two headcount claims, and no two pay offers, about the same quantity made within 7 days of each "
             "other by different claimants contradict each other.")
    ledger = {"briefing": {**ENTRIES["headcounts-focus"], "as_of": "2022-03-31", "side": "both", "origins": [],
                           "changes_since": "2021-03-31"},
              "claims": [{"id": 1, "kind": "contradictions", "subject": {}, "value": {"headcounts": [], "offers": []},
                          "rows": [], "words": words, "section": "Appendix"}]}
    found = check_ledger(ledger, REPO / "data", rows=rows)
    assert len(found) == 1 and "P001" in found[0].problem
    assert check_ledger({**ledger, "claims": [{**ledger["claims"][0], "words": "No two headcount claims … contradict"}]},
                        REPO / "data", rows=rows) == []


# ------------------------------------------------------------------ review round 1: pay, Art. 47, absence

def test_a_ratio_against_one_of_two_disagreeing_comparators_in_force_fails(monkeypatch, rows):
    # Review #2/#3: W002 and W012 (Russia's army pay at 31 Dec 2024), W005 and W006 (Syrian soldier pay in
    # 2022) are in force together and disagree; a multiple taken against the chosen one alone is false.
    monkeypatch.setattr(analysis.pay.Comparator, "span", property(lambda self: self.monthly_usd))
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "ratio" and "P015" in d.rows and "every figure" in d.problem for d in found)
    assert any(d.kind == "ratio" and "P001" in d.rows for d in found)


def test_a_disagreeing_comparator_left_unshown_fails(monkeypatch, rows):
    # The other source's figure dropped altogether (the old rule shown one wage and 'sources differ').
    monkeypatch.setattr(analysis.pay, "SAME_WAGE_WINDOW_DAYS", -1)
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "ratio" and "each is shown" in d.problem for d in found)


def test_army_pay_not_in_force_merged_into_not_on_record_fails(monkeypatch, rows):
    # Review #14: the Legion's base pay P021 (11 Mar 2022) has Ukraine's base pay on record only from Feb 2023:
    # 'not in force', not 'not on record'. Planted: the two cases merged.
    monkeypatch.setattr(analysis.pay, "comparator_absence", lambda *args: "not on record")
    found = disagreements(ENTRIES["ukraine-volunteers"], rows)
    assert any(d.kind == "in_force" and "P021" in d.rows and "not in force" in d.problem for d in found)


def test_a_group_assessed_on_a_stage_of_our_reading_fails(monkeypatch, rows):
    # Review #12/#43: "Ukraine's volunteers from Canada cannot be mercenaries", Canada's only arrival (H007)
    # being a stage the research file reads as arrivals. Planted: the old rule, every presence stage counts.
    import analysis.article47

    monkeypatch.setattr(analysis.article47, "stage_is_read", lambda detail: False)
    found = disagreements(ENTRIES["as-of-2022-03-31"], rows)
    assert any(d.kind == "not_assessed" and "Canada" in d.problem and "our reading" in d.problem for d in found)


def test_groups_of_unknown_status_or_conscripts_left_out_silently_fail(monkeypatch, rows):
    # Review #11: Russia's conscripts (H103, H104) and fighters of unstated status killed (H125, H131, H132,
    # H134) reached the war, yet were neither assessed nor listed. Planted: the old rule that skipped them.
    original = Assessment.not_assessed.func

    def old_rule(self):
        return [g for g in original(self) if g[2] not in ("unknown", "conscript")]

    monkeypatch.setattr(Assessment, "not_assessed", property(old_rule))
    found = disagreements(ENTRIES["overview"], rows)
    assert any(d.kind == "not_assessed" and "Tajikistan" in d.problem and "conscript" in d.problem for d in found)


def test_no_pay_offer_said_where_pay_to_every_origin_applies_fails(monkeypatch, rows):
    # Review #23/#34: colombia p3 "No pay offer had been reported for this selection", while the Legion's base
    # pay for every origin (P021) is its volunteers' pay. Planted: the old filter, the named origins' rows only.
    original = analysis.assessment.offers_in_usd
    monkeypatch.setattr(analysis.assessment, "offers_in_usd",
                        lambda *args, **options: original(*args, **{**options, "groups": None}))
    found = disagreements(ENTRIES["colombia"], rows)
    assert any(d.kind == "none" and "offers" in d.problem for d in found)


def test_absence_from_the_data_said_as_not_reported_fails(monkeypatch, rows):
    # Review #13: "No pay offer had been reported for this selection" where the data simply holds none:
    # rule 22 says "not on record". Planted: the old words.
    monkeypatch.setattr(briefings.sections.pay, "NO_OFFER_WORDS",
                        "No pay offer had been reported for this selection by {date}.")
    found = disagreements(ENTRIES["north-korea"], rows)
    assert any(d.kind == "none" and "rule 22" in d.problem for d in found)


def test_offers_to_different_origins_said_to_agree_fails(monkeypatch, rows):
    # Review #40: south-asia p1 "$2,000+ to Nepal … $2,100+ to Sri Lanka … two independent sources agree":
    # offers to different origins state different quantities. Planted: the old evidence, every offer of a
    # judgement pooled as one figure.
    from analysis.judgements import Evidence

    def pooled(self, offers):
        return [Evidence(tuple(offers["offer_id"]), frozenset(offers["claimant_id"]),
                         tuple(("C", int(c)) for c in offers["credibility"]), False, False)]

    monkeypatch.setattr(Assessment, "_offer_evidence", pooled)
    found = disagreements(ENTRIES["south-asia"], rows)
    assert any(d.kind == "agree" and "different quantities" in d.problem for d in found)


def test_an_amount_converted_at_the_other_kind_of_rate_unsaid_fails(monkeypatch, rows):
    # Review #20/#32: Kenya's "up to $2,713" (P027) was converted at the Central Bank's official rate (X034),
    # no market rate of KES being on record, and the words did not say so. Planted: the old words.
    original = briefings.words.usd_words
    monkeypatch.setattr(briefings.sections.pay, "usd_words", lambda record, interval, wanted=None:
                        original(record, interval))
    found = disagreements(ENTRIES["africa"], rows)
    assert any(d.kind == "pay" and "P027" in d.rows and "official" in d.problem for d in found)


# ------------------------------------------------------------------ rule 14, stated a second time

def test_the_checkers_rule_14_places_a_floor_at_its_floor_and_knows_one_group_from_rivals():
    # Review 2, findings 1, 2, 7, written apart in ledger_check: "1,000+" is placed at 1,000, so "about
    # 15,000" ([13,500, 16,500]) is above it, while 1,000-5,000 holds it; a ceiling "up to 7,000" ([0,
    # 7,000]) is above nothing it reaches (288). A part of the same account, another stage of the same
    # group and a total's own member are no rivals; another origin at the same stage is.
    from ledger_check.kinds import _no_rival
    from ledger_check.rules import Span
    floor, about, cuba, ceiling, exact = (Span(1000, 1000, True), Span(13500, 16500), Span(1000, 5000),
                                          Span(0, 7000), Span(288, 288))
    assert about.above(floor) and not cuba.above(floor) and not floor.above(cuba)
    assert not ceiling.above(exact) and not exact.above(ceiling) and floor.above(exact)

    def row(**kw):
        return {"side": "russia", "origin": "North Korea", "origin_scope": "country", "claimant_id": "C015",
                "stage": "arrived", **kw}

    assert _no_rival(row(), row(stage="deployed"))                          # the Pentagon's Kursk part
    assert _no_rival(row(), row(stage="killed", claimant_id="C033"))        # the dead of the same group
    assert not _no_rival(row(), row(claimant_id="C033", origin="Cuba"))     # another origin
    africa = row(origin="Africa", origin_scope="region", claimant_id="C036")
    assert _no_rival(africa, row(origin="Kenya", claimant_id="C035"))       # Africa's own member
    assert not _no_rival(africa, row(origin="Nepal", claimant_id="C035"))   # not in Africa
    everyone = row(origin="all", origin_scope="all", claimant_id="C002")
    assert _no_rival(everyone, row(origin="Syria")) and not _no_rival(everyone, row(origin="Syria", side="ukraine"))
