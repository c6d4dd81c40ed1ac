"""Page boilerplate: the parts of an HTML page that are not the article, pruned before text extraction.

`prune_page` edits a parsed page in place; `clean.extract_html` runs it between reading the
page's metadata and extracting its main text. Every rule is general, read from the markup's
structure or from class names that say what an element is, never from a site's address:

- an article body cut into several blocks of one class around adverts is joined into its first
  block, so the extractor takes all of it (blocks classed as comments, reviews, teasers, cards,
  promotions or related content are never joined);
- hidden elements (inline `display:none` / `visibility:hidden`, the `hidden` attribute,
  `<template>`) are not shown to a reader, so they are not the article (schema.org copies of the
  text, pop-ups);
- a table whose cells hold paragraphs of prose is page layout: it is unwrapped into blocks so the
  extractor judges its parts one by one; a table of one picture and its caption is dropped;
- captions and photo credits, standfirsts (a heading repeating the page's description, or an
  element classed as a dek/standfirst), and link pop-ups (an inline element holding a picture and
  several links, or classed as a tooltip/popover/hovercard) are not article text;
- a block classed as related content (a heading so classed takes its container with it), and a
  block of links to other pages (at least three links, nearly all of its words inside them) is
  a related-stories or navigation list; a paragraph or heading that is one link, with at most a
  short label ("SEE MORE:"), points to another story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

__all__ = ["prune_page"]

_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
# Elements whose whole content is never hidden wholesale by this rule (anti-flicker styles on the page root).
_NEVER_HIDDEN = frozenset({"html", "body", "head", "main", "article"})
_CLASS_WORDS = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")

# Class or id tokens naming a caption or credit, a standfirst, or a pop-up (compared lower-cased,
# as whole tokens or as the last part of a BEM-style token: "article__dek", "c-standfirst").
_CAPTION_NAMES = frozenset(
    """caption captions figcaption wp-caption-text image-caption img-caption photo-caption media-caption
    caption-text caption-source credit credits image-credit photo-credit img-credit media-credit
    picture-credit copyright-image""".split()
)
_STANDFIRST_NAMES = frozenset(
    """dek deck standfirst sub-head subhead subheadline sub-headline subtitle sub-title strapline
    article-dek article-deck article-standfirst article-subtitle article-subheadline summary-dek""".split()
)
_POPUP_NAMES = frozenset("""tooltip popover popup pop-up hovercard hover-card rollover-block""".split())
_LINK_BLOCKS = ("ul", "ol", "div", "section", "aside", "nav")
_LINK_LINES = ("p", "h2", "h3", "h4", "h5", "h6")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_WORD = re.compile(r"\w+")


def prune_page(tree: HtmlElement, description: str | None = None) -> None:
    """Remove what is not article text from a parsed page, in place (see the module docstring)."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    _drop_hidden(root)
    _join_chunks(root)
    _unwrap_layout_tables(root)
    _drop_named(root, description)
    _drop_related(root)
    _drop_link_lists(root)


def _remove(element: HtmlElement) -> None:
    """Remove an element but keep the text that follows it (its tail) in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _drop_hidden(root: HtmlElement) -> None:
    hidden = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _NEVER_HIDDEN:
            continue
        style = element.get("style") or ""
        if element.tag == "template" or element.get("hidden") is not None or _HIDDEN_STYLE.search(style):
            hidden.append(element)
    for element in hidden:
        _remove(element)


def _unwrap_layout_tables(root: HtmlElement) -> None:
    for table in list(root.iter("table")):
        cells = [cell for cell in table.iter("td", "th") if cell.text_content().strip()]
        pictures = table.findall(".//img")
        if pictures and len(cells) <= 2 and all(_words(cell.text_content()) < 60 for cell in cells):
            _remove(table)  # a picture and its caption laid out as a table
        elif any(_holds_prose(cell) for cell in cells):
            for element in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"):
                element.tag = "div"


def _holds_prose(cell: HtmlElement) -> bool:
    """True for a table cell holding paragraphs of prose, as a page laid out with tables does."""
    paragraphs = [p for p in cell.iter("p", "div", "br") if p is not cell]
    return _words(cell.text_content()) >= 80 or (len(paragraphs) >= 2 and _words(cell.text_content()) >= 40)


def _names(element: HtmlElement) -> set[str]:
    if not element.get("class") and not element.get("id"):
        return set()
    tokens = set(_CLASS_WORDS.findall(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))
    # BEM-style tokens name the thing last: "article__dek", "c-standfirst", "story-body__caption".
    tails = {re.split(r"__|--", token)[-1] for token in tokens}
    return tokens | tails


def _drop_named(root: HtmlElement, description: str | None) -> None:
    wanted = _fold(description) if description and _words(description) >= 5 else None
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _NEVER_HIDDEN:
            continue
        if element.tag == "figcaption":
            doomed.append(element)
            continue
        if wanted and element.tag in _HEADINGS and _fold(element.text_content()) == wanted:
            doomed.append(element)  # a heading repeating the page's description is its standfirst
            continue
        names = _names(element)
        if not names:
            continue
        if names & _CAPTION_NAMES or names & _STANDFIRST_NAMES or names & _POPUP_NAMES:
            if _words(element.text_content()) <= 120:  # a whole article is never a caption or a dek
                doomed.append(element)
            continue
        if element.tag == "span" and _is_popup(element):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            _remove(element)


def _is_popup(element: HtmlElement) -> bool:
    """The innermost inline element in a paragraph holding a picture and several links: a card that
    pops up over a name (the name's own link, outside the card, stays)."""
    if not _holds_card(element) or any(_holds_card(inner) for inner in element.iterdescendants("span")):
        return False
    return next(element.iterancestors("p", "li"), None) is not None and _words(element.text_content()) <= 80


def _holds_card(element: HtmlElement) -> bool:
    return element.find(".//img") is not None and len(element.findall(".//a")) >= 2 and element.find(".//p") is None


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _drop_link_lists(root: HtmlElement) -> None:
    counts = _count_words(root)
    doomed: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for element in root.iter(*_LINK_BLOCKS, *_LINK_LINES):
        if any(ancestor in seen for ancestor in element.iterancestors(*_LINK_BLOCKS)):
            continue
        if _is_link_list(counts[element]) if element.tag in _LINK_BLOCKS else _is_link_line(element):
            doomed.append(element)
            seen.add(element)
    for element in doomed:
        if element.getparent() is not None:
            _remove(element)


def _is_link_list(counts: _Counts) -> bool:
    """At least three links to other pages of three words or more, and almost nothing outside them."""
    if counts.headlines or counts.words - counts.linked >= 150:
        return False  # a block holding the page's headline or much text outside links is not a list of links
    return counts.long_links >= 3 and counts.words > 0 and counts.linked >= 0.8 * counts.words


@dataclass
class _Counts:
    """Words under an element: all of them, those inside links, links of 3+ words, paragraphs of 15+ words,
    headlines (h1)."""

    words: int = 0
    linked: int = 0
    long_links: int = 0
    long_paragraphs: int = 0
    headlines: int = 0


def _count_words(root: HtmlElement) -> dict[HtmlElement, _Counts]:
    """Word counts of every element, children before parents, in one pass over the tree."""
    counts: dict[HtmlElement, _Counts] = {}
    for element in reversed(list(root.iter())):
        text = element.text if isinstance(element.tag, str) and element.tag not in ("script", "style") else None
        own = _Counts(words=_words(text or ""))
        for child in element:
            inner = counts[child]
            own.words += inner.words + _words(child.tail or "")
            own.linked += inner.linked
            own.long_links += inner.long_links
            own.long_paragraphs += inner.long_paragraphs
            own.headlines += inner.headlines
        if element.tag == "a":
            own.linked = own.words
            own.long_links += own.words >= 3
        elif element.tag == "p":
            own.long_paragraphs += own.words >= 15
        elif element.tag == "h1":
            own.headlines += 1
        counts[element] = own
    return counts


def _is_link_line(element: HtmlElement) -> bool:
    """A paragraph or heading that is one link to another page, with at most a short label before it."""
    links = [a for a in element.iter("a") if _words(a.text_content()) >= 3]
    if len(links) != 1 or next(element.iterancestors("blockquote"), None) is not None:
        return False  # a quoted post signs off with a link to itself
    if re.match(r"\s*(?:https?://|www\.)", links[0].text_content()):
        return False  # an address written out is a source cited, not a teaser
    outside = _words(element.text_content()) - _words(links[0].text_content())
    return outside <= 3


_RELATED = re.compile(r"(?<!un)related")


def _drop_related(root: HtmlElement) -> None:
    """Blocks classed as related content; a heading so classed takes its container with it.

    A block holding the page's headline (h1) or most of its words is the article itself and stays.
    """
    counts = _count_words(root)
    page_words = counts[root].words

    def is_aside(element: HtmlElement) -> bool:
        return not counts[element].headlines and counts[element].words <= 0.8 * page_words

    doomed: list[HtmlElement] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "main", "a", "span", "li"):
            continue
        if not any(_RELATED.search(token) for token in _names(element)):
            continue
        parent = element.getparent()
        if element.tag in _HEADINGS and parent is not None and parent.tag not in ("body", "main") and is_aside(parent):
            element = parent
        if is_aside(element):
            doomed.append(element)
    gone = set(doomed)
    for element in doomed:
        if element.getparent() is not None and not any(ancestor in gone for ancestor in element.iterancestors()):
            _remove(element)


_NOT_CHUNKS = re.compile(r"comment|reply|review|teaser|card|promo|related", re.I)


def _join_chunks(root: HtmlElement) -> None:
    """An article body cut into several blocks of one class (around adverts) is joined into the first
    block, so the extractor takes the whole article rather than its first part."""
    counts = _count_words(root)
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for element in root.iter("div", "section"):
        classes = (element.get("class") or "").strip()
        if classes and not _NOT_CHUNKS.search(classes) and counts[element].long_paragraphs >= 2:
            groups.setdefault((element.tag, " ".join(classes.split())), []).append(element)
    for members in groups.values():
        members = [m for m in members if not any(a in members for a in m.iterancestors())]
        if len(members) < 2:
            continue
        first = members[0]
        for member in members[1:]:
            for child in list(member):
                first.append(child)
            _remove(member)
