"""Post text: Mastodon's length rule, entity parsing, and HTML that cannot carry markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from roost.text import (
    Linker,
    count_length,
    extract_hashtags,
    extract_links,
    extract_mentions,
    render_html,
)

BASE = "http://roost.test"


def linker(known: tuple[str, ...] = ("bob",)) -> Linker:
    return Linker(BASE, lambda u: f"{BASE}/@{u}" if u.lower() in known else None)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("hello", 5),
        ("https://example.com/" + "a" * 300, 23),
        ("see http://x.io/abc and https://example.org/long/path?q=1", 4 + 23 + 5 + 23),
        ("@bob@elsewhere.social hi", len("@bob hi")),
        ("héllo 🐦", 7),
    ],
)
def test_length_counts_urls_as_23_and_remote_mentions_by_name(text: str, length: int) -> None:
    assert count_length(text) == length


def test_mentions_are_local_names_in_order_without_duplicates() -> None:
    text = "@Bob and @carol, again @bob; mail me at dave@example.com"
    assert extract_mentions(text) == ["Bob", "carol"]


def test_a_mention_on_another_server_is_not_the_local_name() -> None:
    text = "@bob@evil.example @carol@roost.test @dave"
    assert extract_mentions(text, "roost.test") == ["carol", "dave"]
    assert extract_mentions(text, "roost.test:8000") == ["carol", "dave"]
    html = render_html("@bob@evil.example hi", linker())
    assert "href" not in html
    assert "@bob@evil.example" in html


def test_hashtags_skip_numbers_urls_and_duplicates() -> None:
    text = "#Python #python #123 #a_b https://x.io/#anchor &#39;"
    assert extract_hashtags(text) == ["Python", "a_b"]


def test_links_are_found_without_trailing_punctuation() -> None:
    assert extract_links("go to https://example.com/a. Or (https://x.io/b)") == [
        "https://example.com/a",
        "https://x.io/b",
    ]


def test_html_renders_paragraphs_links_mentions_and_tags() -> None:
    html = render_html("Hi @bob and @nobody #Tag\nsecond line\n\nnew https://example.com", linker())
    assert html.startswith("<p>Hi ")
    assert f'<a href="{BASE}/@bob" class="u-url mention">@<span>bob</span></a>' in html
    assert "@nobody" in html
    assert f'href="{BASE}/@nobody"' not in html
    assert (
        f'<a href="{BASE}/tags/tag" class="mention hashtag" rel="tag">#<span>Tag</span></a>' in html
    )
    assert "<br>second line</p><p>new " in html
    assert 'href="https://example.com"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
        'https://example.com/"onmouseover="alert(1)',
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_markup_in_text_is_escaped(text: str) -> None:
    html = render_html(text, linker())
    seen = _Tags()
    seen.feed(html)
    for tag, attrs in seen.found:
        assert tag in {"p", "br", "a", "span"}, html
        for name, value in attrs:
            assert name in {"href", "class", "rel", "target"}, html
            if name == "href":
                assert (value or "").startswith(("http://", "https://")), html


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))
