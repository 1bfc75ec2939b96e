"""User text escaped for Markdown renders to exactly itself: no link, image, HTML or formatting survives.

Checked with markdown-it-py (CommonMark, GFM tables and strikethrough, linkify for bare URLs), the parser
closest to the one Streamlit's front end uses (remark/micromark with GFM)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from data_access.domain.markup import escape_markdown, unescape_markdown

MD = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
MD.linkify.set({"fuzzy_link": False})  # like GFM: bare "evil.com" is not a link, "www." and "https://" are
UNESCAPED_AUTOLINK = re.compile(r"(?i)(?<![A-Za-z0-9])www\.|(?<!\\)://")
ACTIVE = {"link_open", "image", "html_inline", "html_block", "code_inline", "em_open", "strong_open", "s_open",
          "heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "table_open", "hr",
          "fence", "code_block"}
ATTACKS = ["[x](https://evil)", "![](https://evil/x.png)", "<script>alert(1)</script>", "<img src=x onerror=1>",
           "javascript:alert(1)", "https://evil.example/a", "www.evil.example", "kari@evil.example",
           "**fet** _kursiv_ `kode` ~~borte~~", "# Overskrift", "- punkt", "1. punkt", "> sitat", "a | b\n--|--",
           "&lt;script&gt;", "[x]: https://evil", "<https://evil>", ":red[rød] $x^2$", "---", "Linje 1\nLinje 2",
           "\\[x\\](https://evil)", "2) punkt", "+ punkt", "===", "***"]


def tokens(markdown: str) -> list:
    out = []
    for block in MD.parse(markdown):
        out.append(block)
        out += block.children or []
    return out


def rendered_text(markdown: str) -> str:
    return " ".join(t.content for t in tokens(markdown) if t.type in {"text", "code_inline", "code_block"})


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("text", ATTACKS)
def test_attacks_are_shown_literally(text):
    escaped = escape_markdown(text)
    assert not {t.type for t in tokens(escaped)} & ACTIVE, escaped
    assert words(rendered_text(escaped)) == words(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("[]()!<>&*_`~#+-=.:/@|$\\ \n\tabcwh1234ø") + ["https://", "www.", "e.no"]),
                max_size=30).map("".join))
def test_any_text_renders_to_itself(text):
    escaped = escape_markdown(text)
    assert not {t.type for t in tokens(escaped)} & ACTIVE, (text, escaped)
    assert not UNESCAPED_AUTOLINK.search(escaped.replace("\\\\", "")), escaped
    assert words(rendered_text(escaped)) == words(text), (text, escaped)


def test_plain_text_stays_readable_and_unescapes():
    text = "Status 01.03.2027 (tomt): 5,1 % av barna – se rapport"
    assert escape_markdown(text) == text
    for line in ATTACKS:
        if "\n" not in line:
            assert unescape_markdown(escape_markdown(line)) == line
    assert escape_markdown(None) == ""


def test_old_minutes_with_raw_user_text_are_defanged_and_escaped_ones_untouched():
    from data_access.domain.markup import defang_markdown

    old = ("# Referat\n\n**Deltakere:** [x](https://evil) ![](https://evil/x.png) <script>alert(1)</script> "
           "www.evil.example https://evil.example [y][1] [1] <https://evil>\n\n[1]: https://evil\n")
    kinds = {t.type for t in tokens(defang_markdown(old))}
    assert not kinds & {"link_open", "image", "html_inline", "html_block"}, kinds
    assert "heading_open" in kinds and "strong_open" in kinds, "our own formatting stays"
    new = "**Deltakere:** " + escape_markdown(" ".join(ATTACKS[:8]), inline=True)
    assert defang_markdown(new) == new
