"""Tests for analysis.words: plurals, number words and lists as inflect wrote them (the expected
values are inflect 7.6's output, written down here)."""

from analysis.words import Words

words = Words()


def test_number_words():
    cases = {0: "zero", 1: "one", 7: "seven", 13: "thirteen", 20: "twenty", 21: "twenty-one", 99: "ninety-nine",
             100: "one hundred", 101: "one hundred and one", 342: "three hundred and forty-two",
             1000: "one thousand", 1005: "one thousand and five", 1205: "one thousand, two hundred and five",
             40000: "forty thousand", 123456: "one hundred and twenty-three thousand, four hundred and fifty-six",
             2000305: "two million, three hundred and five", -3: "minus three"}
    for number, expected in cases.items():
        assert words.number_to_words(number) == expected, number


def test_plurals():
    assert [words.plural("offer", n) for n in (0, 1, 2)] == ["offers", "offer", "offers"]
    assert words.plural("country") == "countries" and words.plural("day") == "days"
    assert words.plural("church") == "churches" and words.plural("box") == "boxes"
    assert words.plural("series") == "series" and words.plural("person") == "people"
    assert words.plural("paid recruit") == "paid recruits"


def test_lists():
    assert words.join([]) == "" and words.join(["a"]) == "a" and words.join(["a", "b"]) == "a and b"
    assert words.join(["Cuba", "India", "Nepal"]) == "Cuba, India and Nepal"
    assert words.join(["a", "b", "c"], final_sep=",") == "a, b, and c"
