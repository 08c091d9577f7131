"""The statement vocabulary's trie-shaped regexes match exactly what a flat alternation of the
same words matches (the obviously right form, kept here as the reference)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shared_features.statements.classify import load_categories
from shared_features.statements.vocabulary import alternation, contains_pattern, fold, unspaced

CATEGORIES = load_categories()["categories"]
WORDS = sorted({fold(w) for words in CATEGORIES.values() for w in words if fold(w)})


def flat(words: list[str], inside_from: int | None) -> re.Pattern[str]:
    """Each word its own alternative: inside longer words from ``inside_from`` letters (no
    space) or when of an unspaced script (Thai, Chinese), else - and always for a word
    written '=word' - between word boundaries."""
    exact = {fold(w[1:]) for w in words if w.startswith("=")}
    parts = [re.escape(w) if w not in exact and (unspaced(w) or (
                 inside_from and len(w) >= inside_from and " " not in w))
             else rf"\b{re.escape(w)}\b"
             for w in {fold(w.lstrip("=")) for w in words if fold(w.lstrip("="))}]
    return re.compile("|".join(parts) or "(?:)")


# Texts made of category words, pieces of them, glued and spaced, with other letters around.
pieces = st.sampled_from(WORDS).flatmap(
    lambda w: st.sampled_from([w, w[:-1], w[1:], w + "s", "x" + w, w.upper().lower()]))
texts = st.lists(st.one_of(pieces, st.sampled_from(["", "1234", "*", "-", "ab", "zz"])),
                 max_size=6).flatmap(
    lambda parts: st.sampled_from([" ".join(parts), "".join(parts), "-".join(parts)]))


# (reference, trie) per category, as classify (6+ letters inside) and reader (5+, or whole
# words only) build them.
PAIRS = [(flat(words, inside_from if compounds else None),
          re.compile(contains_pattern(words, compounds, inside_from)))
         for words in CATEGORIES.values()
         for compounds, inside_from in ((True, 6), (True, 5), (False, 5))]


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_every_category_pattern_matches_what_the_flat_alternation_does(text):
    for reference, trie in PAIRS:
        assert bool(trie.search(text)) == bool(reference.search(text)), text


def test_the_trie_shares_prefixes_and_prefers_the_longer_word():
    pattern = alternation(["pay", "payment", "payroll", "fee"])
    assert pattern == "(?:fee|pay(?:(?:ment|roll))?)"
    assert re.match(pattern, "payments").group() == "payment"
    assert re.fullmatch(pattern, "pa") is None


def test_no_words_match_everything_as_before():
    assert re.search(contains_pattern([]), "anything")
