"""Plurals, number words and lists for the sentences the code writes: the three things the
project used inflect for, written as inflect writes them.

inflect cost 2.2-2.5 CPU-seconds to import (typeguard re-compiles its source on import), paid by
the build's server process and again by every kernel, for three small jobs: "one offer" /
"eight offers", "twenty-one", "a, b and c". :class:`Words` does them with the same method names
and the same output (inflect's style: "one hundred and one", "one thousand, two hundred", no
comma before "and" in a list), so callers keep reading like inflect calls.
"""

from __future__ import annotations

import re

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_GROUPS = ((10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"))
#: Nouns whose plural does not follow the rules below.
IRREGULAR = {"person": "people", "man": "men", "woman": "women", "child": "children", "series": "series",
             "criterion": "criteria", "analysis": "analyses", "basis": "bases", "crisis": "crises",
             "datum": "data", "medium": "media", "thesis": "theses", "foot": "feet", "tooth": "teeth",
             "mouse": "mice", "sheep": "sheep", "fish": "fish", "staff": "staff"}
_SIBILANT = re.compile(r"(s|x|z|ch|sh)$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


def _under_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = f"{_ONES[hundreds]} hundred" if hundreds else ""
    if rest:
        small = _ONES[rest] if rest < 20 else _TENS[rest // 10] + (f"-{_ONES[rest % 10]}" if rest % 10 else "")
        words = f"{words} and {small}" if words else small
    return words


class Words:
    """inflect's ``plural``, ``number_to_words`` and ``join``, for English nouns and whole numbers."""

    def plural(self, noun: str, count: int = 2) -> str:
        """``noun`` as the plural when ``count`` is not 1: 'offer' -> 'offers', 'country' -> 'countries'."""
        if count == 1 or not noun:
            return noun
        head, _, last = noun.rpartition(" ")
        lower = last.lower()
        if lower in IRREGULAR:
            plural = IRREGULAR[lower]
            plural = plural.capitalize() if last[:1].isupper() else plural
        elif _SIBILANT.search(lower):
            plural = last + "es"
        elif _CONSONANT_Y.search(lower):
            plural = last[:-1] + "ies"
        else:
            plural = last + "s"
        return f"{head} {plural}" if head else plural

    def number_to_words(self, n: int) -> str:
        """A whole number in words: 0 -> 'zero', 21 -> 'twenty-one', 1205 -> 'one thousand, two
        hundred and five'; negative numbers start with 'minus'."""
        n = int(n)
        if n < 0:
            return "minus " + self.number_to_words(-n)
        if n == 0:
            return "zero"
        parts = []
        for size, name in _GROUPS:
            if n >= size:
                parts.append(f"{self.number_to_words(n // size)} {name}")
                n %= size
        if n:
            below = _under_thousand(n)
            # inflect: "one thousand and five", but "one thousand, two hundred and five"
            parts.append(f"and {below}" if parts and n < 100 else below)
        return ", ".join(parts).replace(", and ", " and ")

    def join(self, words: list[str], final_sep: str = "") -> str:
        """'a', 'a and b', 'a, b and c' (``final_sep`` before 'and', as inflect's: '' for none)."""
        words = [str(w) for w in words]
        if len(words) <= 2:
            return " and ".join(words)
        return ", ".join(words[:-1]) + f"{final_sep} and {words[-1]}"
