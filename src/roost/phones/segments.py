"""Fitting text to SMS: how many segments a text costs, and cutting it to three.

A text that every character of fits the GSM 03.38 alphabet travels as GSM-7: 160
characters in one segment, 153 per segment once it is split (the rest carries the
part numbers); the extension characters (``^{}\\[~]|€`` and form feed) take two
septets, an escape and the character, and a pair is never split across segments.
Any other character makes the whole text UCS-2: 70 UTF-16 code units in one
segment, 67 per part, and a surrogate pair (an emoji) is never split either.

No library on PyPI does this while being kept up (``gsm0338`` is a codec only),
so here it is, small and tested in ``tests/phones/test_segments.py``.
"""

from __future__ import annotations

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

MAX_SEGMENTS = 3
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def _units(text: str) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if is_gsm(text):
        return [2 if c in GSM_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segments(text: str) -> int:
    """How many SMS segments the text is sent as (an empty text is one)."""
    units = _units(text)
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm(text) else (UCS2_SINGLE, UCS2_PART)
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for cost in units:  # a character never straddles two segments
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def fit(text: str, link: str, *, max_segments: int = MAX_SEGMENTS) -> str:
    """The text as is if it fits ``max_segments``; otherwise its longest beginning
    (cut at a space when one is near) followed by an ellipsis and ``link``. A GSM-7
    text is cut with "..." rather than "…", which is not in the GSM alphabet and
    would turn the whole text into UCS-2 (and its 459 characters into 201)."""
    if segments(text) <= max_segments:
        return text
    ellipsis = "..." if is_gsm(text) and is_gsm(link) else "…"
    tail = f"{ellipsis} {link}" if link else ellipsis

    def fits(n: int) -> bool:
        return segments(text[:n].rstrip() + tail) <= max_segments

    low, high = 0, len(text)  # fits(low) holds; find the largest such n
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space >= max(1, low - 20):
        cut = cut[:space]
    return cut.rstrip() + tail
