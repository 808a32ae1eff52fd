"""GSM-7 and UCS-2 segment counting, and cutting to three segments."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from roost.phones.segments import fit, is_gsm, segments


def test_gsm_single_segment_is_160_septets() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert segments("a" * 459) == 3
    assert segments("a" * 460) == 4


def test_gsm_extension_characters_cost_two_and_never_straddle() -> None:
    assert is_gsm("price: 5€ [ok]")
    assert segments("€" * 80) == 1
    assert segments("€" * 81) == 2
    # 152 plain septets then an escape pair: the pair moves to the next segment
    assert segments("a" * 152 + "€" + "a" * 10) == 2
    assert segments("a" * 152 + "€" + "a" * 152) == 3


def test_any_other_character_makes_the_text_ucs2() -> None:
    assert not is_gsm("café ☕")
    assert segments("é" * 160) == 1  # é is in the GSM alphabet
    assert segments("ç" * 70) == 1  # ç is not (only Ç is)
    assert segments("ç" * 71) == 2
    assert segments("ç" * 134) == 2
    assert segments("ç" * 135) == 3


def test_emoji_count_two_units_and_never_straddle() -> None:
    assert segments("😀" * 35) == 1
    assert segments("😀" * 36) == 2
    assert segments("a" * 68 + "😀") == 1  # 70 units
    assert segments("a" * 69 + "😀") == 2
    # 66 units, then a pair that would straddle the 67-unit boundary
    assert segments("a" * 66 + "😀" + "a" * 66 + "😀") == 3


def test_fit_leaves_short_texts_alone() -> None:
    assert fit("alice: hello", "http://x/1") == "alice: hello"


def test_fit_cuts_long_gsm_text_with_dots_and_link() -> None:
    text = "alice: " + "word " * 200
    fitted = fit(text, "https://roost.test/@alice/1")
    assert fitted.endswith("... https://roost.test/@alice/1")
    assert segments(fitted) == 3
    assert is_gsm(fitted)
    assert fitted.startswith("alice: word word")
    assert "wor..." not in fitted  # cut at a space


def test_fit_cuts_ucs2_text_with_an_ellipsis() -> None:
    text = "bob: " + "ça va 😀 " * 60
    fitted = fit(text, "https://roost.test/@bob/2")
    assert fitted.endswith("… https://roost.test/@bob/2")
    assert segments(fitted) <= 3


@given(st.text(max_size=800))
def test_fit_never_exceeds_three_segments(text: str) -> None:
    fitted = fit(text, "https://roost.test/@x/1")
    assert segments(fitted) <= 3
    if segments(text) <= 3:
        assert fitted == text
