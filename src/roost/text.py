"""Post text: length as Mastodon counts it, entity parsing, and safe HTML.

Mastodon counts every URL as 23 characters whatever its length, and a remote
mention by its local part. We render HTML ourselves from escaped text (so user
input never reaches the page as markup) and pass the result through nh3 (the
Rust ammonia sanitiser) as a second line of defence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3

URL_LENGTH = 23

URL_RE = re.compile(r"(?<![\w/])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{1,30})(?:@([\w.-]+\.\w+))?(?![\w@])")
HASHTAG_RE = re.compile(r"(?<![\w#/&])#(\w{1,100})(?!\w)", re.UNICODE)

ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "rel", "target"}, "span": {"class"}}


def count_length(text: str) -> int:
    counted = URL_RE.sub("x" * URL_LENGTH, text)
    counted = MENTION_RE.sub(lambda m: "@" + m.group(1), counted)
    return len(counted)


def extract_mentions(text: str, local_domain: str | None = None) -> list[str]:
    """Local usernames mentioned, in order, without duplicates (case-insensitive).

    ``@name@host`` names someone on another server unless ``host`` is
    ``local_domain``: it must not reach (or let in) the local ``name``."""
    seen: dict[str, str] = {}
    for match in MENTION_RE.finditer(_without_urls(text)):
        if _is_local(match.group(2), local_domain):
            seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())


def _is_local(domain: str | None, local_domain: str | None) -> bool:
    if domain is None:
        return True
    return local_domain is not None and domain.lower() == local_domain.split(":")[0].lower()


def extract_hashtags(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for match in HASHTAG_RE.finditer(_without_urls(text)):
        tag = match.group(1)
        if not tag.isdigit():
            seen.setdefault(tag.lower(), tag)
    return list(seen.values())


def is_hashtag(name: str) -> bool:
    """Whether ``name`` (without the #) is a hashtag as posts would spell it."""
    return HASHTAG_RE.fullmatch("#" + name) is not None and not name.isdigit()


def extract_links(text: str) -> list[str]:
    return [m.group(1) for m in URL_RE.finditer(text)]


def _without_urls(text: str) -> str:
    return URL_RE.sub(" ", text)


@dataclass
class Linker:
    """How entities become links; the caller knows which usernames exist."""

    base_url: str
    profile_url: Callable[[str], str | None]
    tag_url: Callable[[str], str] = field(init=False)
    domain: str = field(init=False)

    def __post_init__(self) -> None:
        self.tag_url = lambda tag: f"{self.base_url}/tags/{tag.lower()}"
        self.domain = self.base_url.split("://", 1)[-1].split("/", 1)[0]


TOKEN_RE = re.compile(f"{URL_RE.pattern}|{MENTION_RE.pattern}|{HASHTAG_RE.pattern}", re.IGNORECASE)


def render_html(text: str, linker: Linker) -> str:
    """Paragraphs, line breaks, and links for URLs, known @mentions and #hashtags."""
    paragraphs = re.split(r"\n{2,}", text.strip())
    rendered = "".join(f"<p>{_render_paragraph(p, linker)}</p>" for p in paragraphs if p)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=None,
        url_schemes={"http", "https"},
    )


def _render_paragraph(text: str, linker: Linker) -> str:
    out: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        pos = match.end()
        url, username, domain, tag = match.group(1), match.group(2), match.group(3), match.group(4)
        if url:
            out.append(_link(url))
        elif username:
            href = linker.profile_url(username) if _is_local(domain, linker.domain) else None
            if href:
                out.append(
                    f'<span class="h-card"><a href="{html.escape(href)}" class="u-url mention">'
                    f"@<span>{html.escape(username)}</span></a></span>"
                )
            else:
                out.append(html.escape(match.group(0)))
        elif tag and not tag.isdigit():
            out.append(
                f'<a href="{html.escape(linker.tag_url(tag))}" class="mention hashtag" rel="tag">'
                f"#<span>{html.escape(tag)}</span></a>"
            )
        else:
            out.append(html.escape(match.group(0)))
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _link(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url)
    if len(shown) > 30:
        shown = shown[:30] + "…"
    return (
        f'<a href="{html.escape(url)}" rel="nofollow noopener noreferrer" target="_blank">'
        f"{html.escape(shown)}</a>"
    )
