"""Value lists are declared once, in data/datapackage.json, and the code follows them.

The descriptor is read here with plain ``json`` (not through :mod:`analysis.schema`), so these
tests check the module against the file rather than against itself. Word tables and colour maps
that must have an entry for every value of a field are checked to cover exactly the schema's
values: adding a value to the descriptor fails here, naming the table that must learn it.
"""

from __future__ import annotations

import csv
import json

import pytest

from analysis import schema
from analysis.loading import SIDE_COUNTRY, DataError, load_data
from analysis.paths import DATA_DIR, DESCRIPTOR_NAME

DESCRIPTOR = DATA_DIR / DESCRIPTOR_NAME


def _declared() -> dict[tuple[str, str], list[str]]:
    """(resource, field) -> enum, read straight from the project's descriptor."""
    descriptor = json.loads(DESCRIPTOR.read_text("utf-8"))
    return {(resource["name"], spec["name"]): spec["constraints"]["enum"]
            for resource in descriptor["resources"] for spec in resource["schema"]["fields"]
            if "enum" in spec.get("constraints", {})}


def _edited_copy(tmp_path, resource: str, field: str, enum: list[str]):
    """A copy of the project's descriptor in tmp_path with one field's enum replaced."""
    descriptor = json.loads(DESCRIPTOR.read_text("utf-8"))
    for item in descriptor["resources"]:
        for spec in item["schema"]["fields"]:
            if (item["name"], spec["name"]) == (resource, field):
                spec["constraints"]["enum"] = enum
    path = tmp_path / DESCRIPTOR_NAME
    path.write_text(json.dumps(descriptor, indent=2), "utf-8")
    return path


# ------------------------------------------------------------------- reading the descriptor

def test_values_are_what_the_descriptor_declares_in_its_order():
    declared = _declared()
    assert declared, "the descriptor declares no enum at all"
    for (resource, field), enum in declared.items():
        assert schema.values(resource, field) == tuple(enum), f"{resource}.{field}"
    assert schema.enums() == {key: tuple(enum) for key, enum in declared.items()}


def test_a_changed_descriptor_changes_values(tmp_path):
    stages = ["applied", "signed_up", "trained", "arrived", "deployed", "killed", "left"]
    edited = _edited_copy(tmp_path, "headcount_claims", "stage", stages)
    assert schema.values("headcount_claims", "stage", descriptor=edited) == tuple(stages)
    assert schema.values("headcount_claims", "stage", descriptor=str(edited)) == tuple(stages)
    assert "trained" not in schema.values("headcount_claims", "stage")  # the project's own is untouched

    # The cache notices an edit of the same file.
    _edited_copy(tmp_path, "headcount_claims", "stage", ["applied", "left"])
    assert schema.values("headcount_claims", "stage", descriptor=edited) == ("applied", "left")


def test_a_field_without_enum_or_a_missing_descriptor_is_a_clear_error(tmp_path):
    with pytest.raises(schema.SchemaError, match=r"headcount_claims\.people_low declares no enum"):
        schema.values("headcount_claims", "people_low")
    with pytest.raises(schema.SchemaError, match="no data package descriptor"):
        schema.values("headcount_claims", "stage", descriptor=tmp_path / "nowhere.json")
    broken = tmp_path / DESCRIPTOR_NAME
    broken.write_text("{not json", "utf-8")
    with pytest.raises(schema.SchemaError, match="cannot read the value lists"):
        schema.values("headcount_claims", "stage", descriptor=broken)


def test_subset_refuses_values_the_schema_does_not_declare(tmp_path):
    assert schema.subset("exchange_rates", "kind", ["market"]) == ("market",)
    edited = _edited_copy(tmp_path, "reference_wages", "measure", ["soldier_pay", "average_wage"])
    with pytest.raises(schema.SchemaError, match="'minimum_wage'"):
        schema.subset("reference_wages", "measure", ("soldier_pay", "minimum_wage"), descriptor=edited)


def test_a_data_folder_validates_by_its_own_descriptor_not_the_projects(data_copy):
    """The constants are the project's schema; load_data checks a folder against the enums it declares."""
    descriptor = data_copy / DESCRIPTOR_NAME
    edited = json.loads(descriptor.read_text("utf-8"))
    for item in edited["resources"]:
        if item["name"] == "headcount_claims":
            for spec in item["schema"]["fields"]:
                if spec["name"] == "stage":
                    spec["constraints"]["enum"] = [s for s in spec["constraints"]["enum"] if s != "applied"]
    descriptor.write_text(json.dumps(edited, indent=2), "utf-8")
    with open(data_copy / "headcount_claims.csv", encoding="utf-8", newline="") as handle:
        stages = {row["stage"] for row in csv.DictReader(handle)}
    assert "applied" in stages, "the real data should hold an 'applied' claim for this test to bite"
    with pytest.raises(DataError) as error:
        load_data(data_copy)
    assert any(p.column == "stage" and p.value == "applied" for p in error.value.problems)


# ------------------------------------------------------------------- the constants and their order

def test_stages_run_in_the_order_a_recruit_passes_through_them():
    """Tables list stages in the descriptor's enum order, so that order must be applied → left."""
    from analysis.headcounts import COUNT_TYPES, PRESENCE_STAGES, STAGES

    assert STAGES == ["applied", "signed_up", "arrived", "deployed", "killed", "missing", "left"]
    assert STAGES == _declared()["headcount_claims", "stage"]
    assert COUNT_TYPES == _declared()["headcount_claims", "count_type"]
    assert set(PRESENCE_STAGES) < set(STAGES) and "signed_up" not in PRESENCE_STAGES


def test_scope_and_precision_ranks_follow_the_descriptor_order():
    """headcounts ranks origin scope and date precision by enum order, most specific first."""
    from analysis.headcounts import _PRECISION_RANK, _SCOPE_RANK

    assert _declared()["headcount_claims", "origin_scope"] == ["country", "region", "all"]
    assert _SCOPE_RANK == {"all": 0, "region": 1, "country": 2}
    for resource in ("headcount_claims", "pay_offers", "reference_wages"):
        assert _declared()[resource, "date_precision"] == ["day", "month", "year"]
    assert _PRECISION_RANK == {"year": 0, "month": 1, "day": 2}


def test_one_qualifier_list_for_every_stated_figure():
    from analysis.intervals import QUALIFIERS

    declared = _declared()
    for resource in ("headcount_claims", "pay_offers", "reference_wages"):
        assert tuple(declared[resource, "qualifier"]) == QUALIFIERS, resource


def test_one_list_of_sides_and_categories_across_resources():
    declared = _declared()
    assert declared["headcount_claims", "side"] == declared["pay_offers", "side"]
    assert declared["headcount_claims", "category"] == declared["pay_offers", "category"]


def test_pay_constants_come_from_the_schema():
    from analysis.pay import FX_KINDS, HOME_MEASURES

    declared = _declared()
    assert FX_KINDS == tuple(declared["exchange_rates", "kind"])
    assert set(HOME_MEASURES) <= set(declared["reference_wages", "measure"])


def test_parameter_choices_come_from_the_schema():
    from briefings.parameters import FX_KIND_CHOICES, SIDES

    declared = _declared()
    assert SIDES == ("both", *declared["headcount_claims", "side"])
    assert FX_KIND_CHOICES[0] == "market" and sorted(FX_KIND_CHOICES) == sorted(declared["exchange_rates", "kind"])


# ------------------------------------------------------------------- tables that must cover a field

def _accepts(function, *args) -> bool:
    try:
        function(*args)
    except KeyError:
        return False
    return True


def _mappings():
    """(name, keys, the schema's values they must equal)."""
    from analysis.article47 import CATEGORY_READINGS, SIDE_READINGS
    from analysis.intervals import DEFAULT_RULE, date_text
    from analysis.pay import ARMY_MEASURE
    from analysis.speakers import SPEAKER_LABELS, SPEAKER_TYPES
    from briefings import words as briefing  # the words of the judgements and sections live there
    from briefings.charts import CATEGORY_COLOURS

    declared = {key: set(enum) for key, enum in _declared().items()}
    sides, categories = declared["headcount_claims", "side"], declared["headcount_claims", "category"]
    precision_words = {p for p in declared["headcount_claims", "date_precision"] if _accepts(date_text, "2022-03-15", p)}
    return [
        ("intervals.DEFAULT_RULE", set(DEFAULT_RULE), declared["headcount_claims", "qualifier"]),
        ("intervals.date_text precisions", precision_words, declared["headcount_claims", "date_precision"]),
        ("loading.SIDE_COUNTRY", set(SIDE_COUNTRY), sides),
        ("loading.SIDE_COUNTRY (claimant parties)", set(SIDE_COUNTRY) | {"none"}, declared["claimants", "party"]),
        ("pay.ARMY_MEASURE (components)", set(ARMY_MEASURE), declared["pay_offers", "component"]),
        ("pay.ARMY_MEASURE (measures)", set(ARMY_MEASURE.values()) - declared["reference_wages", "measure"], set()),
        ("speakers.SPEAKER_LABELS", set(SPEAKER_LABELS), set(SPEAKER_TYPES)),
        ("speakers.SPEAKER_TYPES (claimant kinds)", set(SPEAKER_TYPES) - {"own_side", "adversary",
                                                                         "third_country_government"},
         declared["claimants", "kind"] - {"state"}),
        # Categories without a reading of their own (unknown, conscript) are left out of the assessment.
        ("article47.CATEGORY_READINGS", set(CATEGORY_READINGS) - categories, set()),
        ("article47.SIDE_READINGS", ({s for s, _ in SIDE_READINGS} - sides) | ({c for _, c in SIDE_READINGS} - categories),
         set()),
        ("charts.CATEGORY_COLOURS", set(CATEGORY_COLOURS), categories),
        ("words.SIDE_NAMES", set(briefing.SIDE_NAMES), sides),
        ("words.CATEGORY_NOUNS", set(briefing.CATEGORY_NOUNS), categories),
        ("words.STAGE_TITLES", set(briefing.STAGE_TITLES), declared["headcount_claims", "stage"]),
        ("words.STAGE_WORDS", set(briefing.STAGE_WORDS), declared["headcount_claims", "stage"]),
        ("words.STAGE_PHRASES", set(briefing.STAGE_PHRASES), declared["headcount_claims", "stage"]),
        ("words.COUNT_TYPE_WORDS", set(briefing.COUNT_TYPE_WORDS), declared["headcount_claims", "count_type"]),
        ("words.COUNT_KIND_WORDS", set(briefing.COUNT_KIND_WORDS), declared["headcount_claims", "count_type"]),
        ("words.PERIOD_WORDS", set(briefing.PERIOD_WORDS), declared["pay_offers", "period"]),
        ("words.STATUS_WORDS", set(briefing.STATUS_WORDS), declared["pay_offers", "status"]),
        ("words.MEASURE_WORDS", set(briefing.MEASURE_WORDS), declared["reference_wages", "measure"]),
    ]


@pytest.mark.parametrize("index", range(len(_mappings())), ids=[name for name, _, _ in _mappings()])
def test_mapping_covers_exactly_the_schema_values(index):
    name, keys, expected = _mappings()[index]
    assert keys == expected, (f"{name}: missing {sorted(expected - keys)}, not in the schema {sorted(keys - expected)}; "
                              f"edit {name} to match data/{DESCRIPTOR_NAME}")
