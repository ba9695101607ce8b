"""Markdown to safe HTML: raw HTML is never rendered and only safe link targets survive.

markdown-it's CommonMark preset with ``html`` off escapes every tag in the source; its
``validateLink`` already refuses ``javascript:``, ``vbscript:``, ``file:`` and most ``data:``
URLs. On top, links may only be http(s), mailto or site-relative, and external links
(``//host/x`` included) get ``rel="nofollow noopener"``.

Images: only a picture on this site (``/static/...``) is shown as ``<img>``. A picture on
another host becomes a link to it with its alt text: the CSP (``img-src 'self'``) would
block it anyway, and loading it would tell that host who reads which case.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

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

    def render_image(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if is_local(src):
            return self.image(tokens, idx, options, env)
        alt = self.renderInlineAsText(token.children or [], options, env) or src
        return (
            f'<a href="{escapeHtml(src)}" rel="nofollow noopener">'
            f"{escapeHtml(alt)} (afbeelding)</a>"
        )

    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("image", render_image)
    return md


def is_local(url: str) -> bool:
    """A path on this site: ``/x``, never ``//host/x`` (another site, protocol-relative)."""
    url = url.strip()
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def render_markdown(text: str) -> str:
    """HTML for a case body or collection introduction; safe to insert into a page."""
    html: str = _renderer().render(text)
    return html
