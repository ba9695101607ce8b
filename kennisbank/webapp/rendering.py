"""Markdown to safe HTML: raw HTML is never rendered and only safe link targets survive.

markdown-it's CommonMark preset with ``html`` off escapes every tag in the source; its
``validateLink`` already refuses ``javascript:``, ``vbscript:``, ``file:`` and most ``data:``
URLs. On top, links may only be http(s), mailto or site-relative, and external links
(``//host/x`` included) get ``rel="nofollow noopener"``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

SAFE_LINK = re.compile(r"^(https?://|mailto:|/|#)", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    return bool(SAFE_LINK.match(url.strip()))


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]

    def render_link_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        # "//host/x" is another site (protocol-relative), not a path on this one.
        if href.lower().startswith(("http://", "https://", "//")):
            token.attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", render_link_open)
    return md


def render_markdown(text: str) -> str:
    """HTML for a case body or collection introduction; safe to insert into a page."""
    html: str = _renderer().render(text)
    return html
