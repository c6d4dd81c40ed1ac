"""Cleaning: boilerplate and header lines out; title, date, outlet, language and dateline place in.

`clean_document` turns one RawDocument into an Article. It is pure: HTML is parsed from the
string already read by ingest, nothing is fetched. A page's metadata is read from the whole
page; its text is extracted after `boilerplate.prune_page` has taken out what is not the
article, and tables are kept (their rows read as cells: "1 | Ana Ruiz | 5040").

Text conventions understood (plain text and record bodies):
- a first line ` date YYYY-MM-DD Title`, where the title may end with a written-out date
  and time ("Saturday, April 26, 2025 11:01:03 AM") that is not part of the title;
- leading menu bullets (`- Category`, `- Latest news`) before the headline;
- without a header, the first line is the title when it reads like a headline: at most
  25 words and 200 characters, not ending in sentence punctuation, with more text after it;
  otherwise the title is None;
- widget and promo lines (share bars, comment widgets, "follow us on", "also read:",
  newsletter boxes and cookie notices, reach-the-writer and reprint lines, story teasers,
  bylines, "Published:" lines and posting times in any language) are dropped; a related-links
  or comments heading in the back half of the text ends the article;
- a title that is only a posting-time line or a bare capitalised place is not the headline;
- a dateline opening the first paragraph ("Seoul:", "MUMBAI —", "KYIV (Reuters) -") is
  recorded as `place` and removed from the text.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import PurePath
from urllib.parse import urlsplit

import py3langid
import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from .boilerplate import prune_page
from .records import Article, RawDocument
from .settings import Settings

__all__ = [
    "CleanedText",
    "clean_document",
    "clean_text",
    "detect_language",
    "extract_html",
    "find_dateline",
    "normalise_date",
    "normalise_text",
]

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_CLOCK = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\s?\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?)"
# A written-out date, optionally with weekday and clock time.
_WRITTEN_DATE = (
    rf"{_WEEKDAY}?(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?)?){_CLOCK}?"
)
_TRAILING_DATE = re.compile(rf"\s*[|\-–—,]?\s+{_WRITTEN_DATE}\s*$")
_DATE_ONLY = re.compile(rf"^{_WRITTEN_DATE}$", re.I)
_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•·▪►»]|\d+\.)\s+\S")
_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")
_SENTENCE_END = re.compile(r"[.,;:…]\s*$")
# A full stop closing a sentence, not an abbreviation's ("Corp.", "U.S.") or an initial's.
_FULL_STOP_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bCorp)(?<!\bInc)(?<!\bLtd)\.[\"'”’)]?\s*$")
_LEAD_MIN_WORDS = 8

# Lines that are widget labels on their own (compared lower-cased, trailing punctuation off).
_WIDGET_LABELS = frozenset(
    """share|shares|share this|share this article|share this story|share this post|share article|tweet|email|e-mail
    |print|comments|comment|leave a comment|post a comment|view comments|show comments|reply|advertisement|advert
    |ad|ads|sponsored|sponsored content|read more|read full article|read the full article|continue reading|load more
    |show more|see more|more|related|related articles|related stories|related news|related content|recommended
    |recommended for you|you may also like|you might also like|most read|most popular|trending|trending now
    |top stories|latest news|latest|menu|home|search|sign in|log in|login|register|subscribe|subscribe now
    |newsletter|skip to content|skip to main content|back to top|listen|listen to this article|facebook|twitter|x
    |whatsapp|linkedin|telegram|reddit|pinterest|copy link|link copied|copied|close|next|previous|next article
    |previous article|next story|previous story|loading|category|categories|tags|topics|follow|follow us|like
    |save|bookmark|font size|text size|a+|a-|advertisement - scroll to continue|story continues below
    |story continues below advertisement|article continues below|view gallery|open gallery|play video|watch video
    |more on this story|more stories|in other news|editor's picks|top news|breaking news|live|updates|live updates
    |accept|accept all|reject all|manage cookies|cookie settings|got it|ok|min read|toggle navigation|navigation""".replace(
        "\n", ""
    ).replace(" |", "|").split("|")
)
_WIDGET_PATTERNS = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"^\d+\s+(?:comments?|shares?|replies|views)$",
        r"^please enable javascript",
        r"^(?:you need to )?enable javascript\b",
        r"^share (?:this|on|via|to)\b",
        r"^follow (?:us|me|@)\b.{0,150}$",
        r"^follow\b.{0,200}(?:https?://|\bon (?:twitter|facebook|instagram|youtube|tiktok|linkedin|threads|bluesky)\b).{0,200}$",
        r"\bfollow us on\b.{0,120}$",
        r"^(?:download|get|install) (?:our|the)\b.{0,40}\bapps?\b",
        r"^(?:also read|read also|see also|read more|more news|related|recommended|watch|listen|you may also like"
        r"|don'?t miss|must read|editor'?s picks?|top news|more on this|read next|up next|trending)\s*[:|\-–—»]",
        r"^subscribe\b.{0,250}$",
        r"^(?:sign up|register) (?:for|to|now|here)\b.{0,250}$",
        r"^newsletter\b.{0,250}$",
        r"^.{0,120}\b(?:our|daily|weekly|free|the)\s+newsletters?\b.{0,120}$",
        r"^.{0,200}\bcookies?\b.{0,200}\b(?:accept|consent|policy|settings|preferences|we use|this site uses)\b",
        r"^.{0,200}\b(?:we use|this (?:web)?site uses)\s+cookies\b",
        r"^(?:©|\(c\)|copyright\b).{0,200}$",
        r"\ball rights reserved\b.{0,40}$",
        r"^advertisement\b.{0,60}$",
        r"^scroll (?:down|to continue)\b",
        r"^click here\b.{0,200}$",
        r"^\((?:reporting|writing|editing|additional reporting|compiled) by\b.{0,300}\)$",
        r"^(?:reporting|writing|editing|additional reporting) by\b.{0,300}$",
        r"^(?:image|photo|picture|video|photograph)(?: source| credit| caption|s)?\s*[:,]\s*.{0,200}$",
        r"^(?:tags|topics|categories|filed under|keywords)\s*:",
        r"^\d+\s*(?:min|minute)s?\s+read$",
        r"^(?:loading|please wait)\.*$",
        r"^(?:[\w'’&-]+(?: [\w'’&-]+){0,3}\s*[>›»/]\s*){2,}[\w'’&-]+(?: [\w'’&-]+){0,3}$",  # breadcrumbs
        r"^our (?:standards|editorial (?:standards|principles)|trust principles)\b.{0,120}$",
        r"^(?:this article|this story|the article) (?:was|has been) (?:updated|amended|corrected)\b.{0,120}$",
        # newsletter sign-up boxes and their messages
        r"^thanks? (?:you )?for (?:signing up|subscribing)\b.{0,80}$",
        r"^keep an eye on your inbox\b.{0,80}$",
        r"^(?:sorry[!.,]?\s*)?(?:there was an|an) error (?:has )?(?:occurred|processing)\b.{0,80}$",
        r"^(?:get|receive|have) (?:the|our)\b.{0,100}\b(?:in|to) your inbox\b.{0,100}$",
        r"^(?:if you enjoyed this (?:article|story|post)\b|like this (?:story|article)\?|tell us what you think\b).{0,200}$",
        # how to reach the writer, contributor and reprint lines
        r"^(?:write to|reach|contact|email)\b.{0,120}(?:@\w|https?://).{0,120}$",
        r"\bmay be reached at\b.{0,80}@\w.{0,120}$",
        r"^.{0,200}\bcontributed (?:to )?this (?:report|story|article)\.?$",
        r"^this (?:copy|article) is for your personal,? non-commercial use\b",
        r"^(?:order reprints|print article|print this (?:article|page)|email this (?:article|story)|reprints)$",
        r"^if you (?:buy|purchase|click)\b.{0,120}\b(?:commission|share of the sale|affiliate)\b.{0,120}$",
        # teasers for other stories
        r"^(?:see more|also on [\w.-]+\.[a-z]{2,}|most read in\b.{0,40}|don'?t miss)\b\s*:?.{0,160}$",
        r"^.{0,160}\[(?-i:[A-Z]{3,}|Videos?|Photos?|Gallery|Pics)\]\|?$",  # "... [INSIGHT]" teasers
        r"^\[related:.{0,200}\]$",
        # unrendered shortcodes
        r"^\[(\w+)\b[^\]]*\].{0,200}\[/\1\]$",
    )
)
# Headings after which a page holds comments or links to other stories, not the article.
_TAIL_HEADINGS = re.compile(
    r"^(?:\d+\s+)?(?:comments?|leave a (?:comment|reply)|(?:show|view|load|read) comments|join the (?:conversation|discussion)"
    r"|please enable javascript to view the comments.*|related(?: articles| stories| news| content| coverage)?"
    r"|more (?:from|on|stories|news)\b.{0,40}|most (?:read|popular|viewed)|recommended(?: for you)?|you (?:may|might) also like"
    r"|what to read next|trending(?: now)?|latest (?:news|stories))\s*:?$",
    re.I,
)
_META_LINE = re.compile(
    r"^(?:first\s+)?(?:published|updated|posted|last (?:updated|modified)|modified|date)(?:\s+on)?\s*[:\-–]?\s*(.{0,80})$",
    re.I,
)
_TIMESTAMP_WORDS = re.compile(
    rf"(?i:{_MONTHS}|{_WEEKDAY}|\b[ap]\.?\s?m\b\.?|\b(?:at|on)\b)|\b[A-Z]{{2,5}}\b"  # time zones are capitals
)


_META_WORDS = re.compile(
    r"(?i)\b(?:(?:article|story|entry|news|page)\s+(?=posted|published|updated|modified|dated)|first|last|posted|"
    r"published|updated|modified|date[d]?|on|at)\b|@|\|")


def _is_date_title(title: str) -> bool:
    """True for a 'title' that is only a date line: "Jan 05, 2011", "18 September 2013 Last updated at 13: 59 GMT"."""
    title = title.strip()
    return bool(_DATE_ONLY.match(title)) or _is_timestamp(_META_WORDS.sub(" ", title))


def _is_not_headline(title: str) -> bool:
    """True for a title field that holds page furniture, not a headline: a date or posting-time line
    ("Posted: Nov 27, 2005 8: 20 AM ET Last Updated: ...", "updated 8: 41 p. m. EST, Tue March 3, 2009")
    or a bare dateline place in capitals ("INDONESIA", "INDONESIA, July 2, 2013")."""
    title = " ".join(title.split())
    bare = _TRAILING_DATE.sub("", title).strip(" ,|-–—:")
    if _is_date_title(title) or (bare != title and (not bare or _is_date_title(bare))):
        return True
    return bool(bare) and len(bare.split()) <= 2 and bare.isupper()


def _is_timestamp(value: str) -> bool:
    """True for a date or time however written ("04 / 02 / 07, 9: 00 PM PDT", "4: 08 p. m. ET")."""
    rest = _TIMESTAMP_WORDS.sub(" ", value)
    return any(ch.isdigit() for ch in value) and not any(ch.isalpha() for ch in rest)


_NAME_WORD = r"(?:[A-Z][\w'’.\-]*|de|van|von|der|da|al|bin|and|&)"
_BYLINE = re.compile(rf"^[Bb]y\s+({_NAME_WORD}(?:[\s,]+{_NAME_WORD}){{0,8}})(?:\s*[|,•·]\s*.{{0,60}})?$")

_PLACE_WORD = r"(?:[A-Z][A-Za-z'’.\-]*|de|del|da|do|dos|al|el|la|le|upon|on|am)"
_AGENCY = r"\((?:[A-Z][\w.&\- ]{0,30})\)"
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z'’.\-]*(?:\s{_PLACE_WORD}){{0,3}})"
    rf"(?:,\s*(?P<region>[A-Z][A-Za-z.\-]*(?:\s[A-Z][A-Za-z.\-]*){{0,2}}))?"
    rf"(?:,?\s*(?P<date>{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    rf"\s*(?P<agency>{_AGENCY})?"
    r"\s*(?P<sep>:|—|–|--?)\s+(?=\S)"
)
# Words that open a first paragraph like a place would, but are labels.
_NOT_PLACES = frozenset(
    """update updated breaking analysis opinion exclusive watch video note editor editors correction warning summary
    background context live photos photo read also source sources related q a interview comment explainer factbox
    timeline profile review report reporting listen important latest today yesterday advertisement sponsored
    disclaimer transcript announcement notice alert headline headlines highlights posted published by date
    dated filed dear ask question answer letter letters reader readers tip hint quote p.s ps""".split()
)


# The longest value, in characters, that a metadata field of any input may keep: a longer
# one is not a headline, an outlet's name, a byline or an address, and is left out.
METADATA_LIMITS = {"title": 1_000, "source": 200, "author": 500, "url": 2_048, "external_id": 200}

_METADATA_FIELD = {"sitename": "source"}  # a page's site name is its outlet


def bounded_metadata(raw: RawDocument) -> RawDocument:
    """The document with every metadata field longer than its METADATA_LIMITS entry left empty."""
    changes = {name: None for name, limit in METADATA_LIMITS.items()
               if isinstance(getattr(raw, name), str) and len(getattr(raw, name)) > limit}
    return replace(raw, **changes) if changes else raw


def clean_document(raw: RawDocument, settings: Settings) -> Article:
    """An Article with status "ok", or "rejected" with the reason (raw.error or too little text)."""
    raw = bounded_metadata(raw)
    if raw.error is not None or raw.body is None:
        return _rejected(raw, raw.error or "no content", settings)
    title = raw.title
    published = raw.published
    if title and _is_not_headline(title):
        # A record whose title field holds only its date line ("Posted 2 / 3 / 2009 11: 11 PM")
        # or a dateline place ("INDONESIA, July 2, 2013"): the headline is looked for in the text.
        published = published or normalise_date(_META_WORDS.sub(" ", title)) or title
        title = None
    source = raw.source
    url = raw.url
    author = raw.author
    body = raw.body
    sitename: str | None = None
    if raw.kind == "html":
        page = extract_html(body, raw.url)
        body = page["text"] or ""
        page = {name: (None if value and len(value) > METADATA_LIMITS.get(_METADATA_FIELD.get(name, name), len(value))
                       else value)
                for name, value in page.items()}
        title = title or page["title"]
        published = published or page["date"]
        sitename = page["sitename"]
        url = url or page["url"]
        author = author or page["author"]
    cleaned = clean_text(body, title=title, header=raw.kind == "text")
    title = _tidy_title(cleaned.title, sitename or source, url)
    if title and _is_not_headline(title):
        title = None
    published = normalise_date(published) or cleaned.published or _date_from_url(url)
    text = cleaned.text
    if len(text) < settings.min_text_chars:
        return _rejected(
            raw,
            f"no article text: {len(text)} characters left after cleaning, fewer than {settings.min_text_chars} "
            "(min_text_chars)",
            settings,
        )
    content_hash = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
    return Article(
        id=content_hash[:12],
        input=raw.input,
        source=_pick_source(source, sitename, url, raw.input),
        title=title,
        published=published,
        language=detect_language(text),
        status="ok",
        reason=None,
        text=text,
        url=url,
        external_id=raw.external_id,
        content_hash=content_hash,
        place=cleaned.place,
        author=author or cleaned.author,
    )


def _rejected(raw: RawDocument, reason: str, settings: Settings) -> Article:
    digest = hashlib.sha256(f"rejected\n{raw.input}\n{reason}".encode("utf-8")).hexdigest()
    return Article(
        id=digest[:12],
        input=raw.input,
        source=_pick_source(raw.source, None, raw.url, raw.input),
        title=raw.title,
        published=normalise_date(raw.published),
        language=None,
        status="rejected",
        reason=reason,
        text="",
        url=raw.url,
        external_id=raw.external_id,
        author=raw.author,
    )


def normalise_text(text: str) -> str:
    """Text folded for hashing: Unicode NFKC, case-folded, quotes and dashes unified, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_FOLD)
    return " ".join(text.split())


_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": None})


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, by py3langid; None for text without letters."""
    sample = text[:1500]  # enough for a stable guess; the classifier's cost grows with length
    if not any(ch.isalpha() for ch in sample):
        return None
    code, _score = py3langid.classify(sample)
    return str(code)


def extract_html(html: str, url: str | None) -> dict[str, str | None]:
    """Main text and metadata of an HTML page; broken pages give what can be recovered."""
    page: dict[str, str | None] = {"text": None, "title": None, "date": None, "sitename": None, "url": None, "author": None}
    try:
        page.update(_extract_parts(html, url))
    except Exception:  # noqa: BLE001 - a page that breaks the extractor falls back to plain markup stripping
        pass
    title, sitename = _title_and_site(html, page["title"], page["sitename"])
    page["title"], page["sitename"] = title, sitename
    if not page["text"]:
        page["text"] = _strip_markup(html)
    return page


def _extract_parts(html: str, url: str | None) -> dict[str, str | None]:
    """Metadata read from the whole page, then main text from the page without its boilerplate."""
    tree = load_html(html)
    if tree is None:
        return {}
    options = Extractor(with_metadata=True, url=url)
    metadata = extract_metadata(tree, url, options.date_params, options.fast, options.author_blacklist)
    prune_page(tree, _meta_content(html, "description", "og:description", "twitter:description"))
    document = trafilatura.bare_extraction(
        tree,
        url=url or metadata.url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    parts: dict[str, str | None] = {}
    for key in ("title", "date", "sitename", "url", "author"):
        value = getattr(metadata, key, None)
        parts[key] = str(value).strip() if value else None
    text = getattr(document, "text", None) if document is not None else None
    parts["text"] = str(text).strip() if text else None
    return parts


_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_HEADING = re.compile(r"<h([12])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""(\w[\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_LD_PUBLISHER = re.compile(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]+)"', re.S)
_TITLE_SEPARATORS = (" | ", " :: ", " – ", " — ", " - ", " · ", " « ", " » ", ": ")


def _meta_content(html: str, *names: str) -> str | None:
    """Content of the first <meta> whose property or name is one of `names`."""
    wanted = {name.lower() for name in names}
    for tag in _META_TAG.findall(html[:200_000]):
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag)}
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if key in wanted and attrs.get("content", "").strip():
            return unescape_text(attrs["content"])
    return None


def unescape_text(fragment: str) -> str:
    """Markup fragment as plain text: tags dropped, entities decoded, spaces collapsed."""
    import html as html_lib

    return " ".join(html_lib.unescape(_TAG.sub(" ", fragment)).split())


def _title_and_site(html: str, title: str | None, sitename: str | None) -> tuple[str | None, str | None]:
    """Headline and outlet from the page head: declared site name, else the part of <title> beside the headline."""
    declared = _meta_content(html, "og:site_name", "application-name", "twitter:site:name")
    if not declared:
        publisher = _LD_PUBLISHER.search(html[:200_000])
        declared = unescape_text(publisher.group(1)) if publisher else None
    tag = _TITLE_TAG.search(html[:200_000])
    full = unescape_text(tag.group(1)) if tag else ""
    headings = [unescape_text(m.group(2)) for m in _HEADING.finditer(html[:400_000])][:6]
    headings += [h for h in (_meta_content(html, "og:title", "twitter:title"),) if h]
    known = {normalise_text(h) for h in headings if h}
    for separator in _TITLE_SEPARATORS:
        if separator not in full:
            continue
        head, _, tail = full.partition(separator)
        first, _, last = full.rpartition(separator)
        for headline, site in ((first, last), (tail, head), (head, tail)):
            if normalise_text(headline) in known:
                return headline.strip(), declared or site.strip() or sitename
    if title and sitename and normalise_text(sitename) in known:
        sitename = None  # the extractor mistook the headline for the outlet
    return title, declared or sitename


_SCRIPT = re.compile(r"<(script|style|noscript|nav|header|footer|aside|form)\b.*?</\1\s*>", re.I | re.S)
_BLOCK = re.compile(r"</?(?:p|div|br|h[1-6]|li|tr|article|section|blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.S)


def _strip_markup(html: str) -> str:
    """Visible text of markup the extractor could not parse: scripts and navigation out, blocks as lines."""
    import html as html_lib

    text = _SCRIPT.sub(" ", html)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html_lib.unescape(text)


@dataclass(frozen=True)
class CleanedText:
    """What clean_text found: the article text and the metadata its header lines and dateline gave."""

    text: str
    title: str | None
    published: str | None
    author: str | None
    place: str | None


def clean_text(body: str, title: str | None = None, header: bool = True) -> CleanedText:
    """Article text without boilerplate, with title/date/author/place taken from header lines and dateline."""
    lines = _split_lines(body)
    published: str | None = None
    if header:
        lines, title, published = _take_header(lines, title)
    lines = _drop_menu(lines)
    if title is None:
        while _first(lines) and len(_first(lines).split()) <= 16 and _is_not_headline(_first(lines)):
            published = published or normalise_date(_META_WORDS.sub(" ", _first(lines)))
            lines = _drop_first(lines)  # date and place lines above the headline
        title = _take_headline(lines, wrapped=_is_wrapped([line for line in lines if line]))
        if title is not None:
            lines = _drop_first(lines)
    elif lines and _same_text(_first(lines), title) and _first(_drop_first(lines)) and not _is_lead_sentence(title):
        lines = _drop_first(lines)  # the headline repeated above the body; a one-line article keeps it
    lines, meta_date, author = _drop_boilerplate(lines)
    published = published or meta_date
    paragraphs = _paragraphs(lines)
    if len(paragraphs) > 1 and title and _same_text(paragraphs[0], title) and not _is_lead_sentence(title):
        paragraphs = paragraphs[1:]
    place = None
    if paragraphs:
        place, first = find_dateline(paragraphs[0])
        if place:
            paragraphs[0] = first
    return CleanedText("\n\n".join(p for p in paragraphs if p), title, published, author, place)


def _is_lead_sentence(title: str) -> bool:
    """A title field that is the article's first sentence, not a headline: it ends in a full stop and
    runs over `_LEAD_MIN_WORDS` words. Feeds without headlines give the lead as the title; repeated at
    the top of the body, it stays there to be read like any other sentence."""
    return bool(_FULL_STOP_END.search(title)) and len(title.split()) > _LEAD_MIN_WORDS


def _split_lines(body: str) -> list[str]:
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").replace("\u2028", "\n")
    return [" ".join(line.split()) if line.strip() else "" for line in body.split("\n")]


def _first(lines: list[str]) -> str:
    return next((line for line in lines if line), "")


def _drop_first(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line:
            return lines[index + 1 :]
    return lines


def _same_text(a: str, b: str) -> bool:
    return normalise_text(a).rstrip(".!?") == normalise_text(b).rstrip(".!?")


def _take_header(lines: list[str], title: str | None) -> tuple[list[str], str | None, str | None]:
    """Split off a ' date YYYY-MM-DD Title' first line."""
    for index, line in enumerate(lines):
        if not line:
            continue
        match = _HEADER.match(line)
        if not match:
            return lines, title, None
        return lines[index + 1 :], title or match.group(2), normalise_date(match.group(1))
    return lines, title, None


def _drop_menu(lines: list[str]) -> list[str]:
    """Leading menu bullets ('- Category', '- Latest news') before the headline are navigation."""
    index = 0
    while index < len(lines) and (not lines[index] or (_BULLET.match(lines[index]) and len(lines[index].split()) <= 6)):
        index += 1
    return lines[index:]


def _take_headline(lines: list[str], wrapped: bool = False) -> str | None:
    """The first line when it reads like a headline and more text follows; else None.

    In hard-wrapped text a headline stands apart: a first line running straight on into
    the next one is the start of a paragraph.
    """
    nonblank = [line for line in lines if line]
    if len(nonblank) < 2:
        return None
    first = nonblank[0]
    start = lines.index(first)
    if wrapped and start + 1 < len(lines) and lines[start + 1]:
        return None
    words = first.split()
    if not (2 <= len(words) <= 25 and len(first) <= 200) or _SENTENCE_END.search(first):
        return None
    if _is_widget(first) or find_dateline(first)[0] or _BYLINE.match(first) or _DATE_ONLY.match(first):
        return None
    return first


def _is_widget(line: str) -> bool:
    label = line.strip().strip(".:!|»›>→-–—•·*").strip().lower()
    if label in _WIDGET_LABELS:
        return True
    return any(pattern.search(line) for pattern in _WIDGET_PATTERNS)


def _drop_boilerplate(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """Lines without widgets, bylines and date lines; the tail from a comments/related heading is cut."""
    kept: list[str] = []
    published: str | None = None
    author: str | None = None
    total = sum(1 for line in lines if line)
    seen = 0
    previous = ""
    for line in lines:
        if not line:
            kept.append(line)
            continue
        seen += 1
        if seen > total / 2 and _TAIL_HEADINGS.match(line.strip(" .:|»›>→-–—•·*")):
            break
        if not _WORD_CHAR.search(line):
            continue  # list marks and rules with no words
        if _TABLE_ROW.match(line):
            if line != previous:  # a header row is given twice by the extractor
                kept.append(line.strip("| "))  # a table row reads as its cells
            previous = line
            continue
        previous = line
        line = _LIST_MARK.sub("", line) if _LIST_MARK.match(line) and len(line.split()) <= 14 else line
        meta = _META_LINE.match(line)
        if meta and (not line.endswith(".") or _is_timestamp(meta.group(1))) and (
            not meta.group(1) or _is_timestamp(meta.group(1)) or normalise_date(meta.group(1))
        ):
            published = published or normalise_date(meta.group(1))
            continue
        if _DATE_ONLY.match(line) or _is_stamp_line(line):
            published = published or normalise_date(line)
            continue
        byline = _BYLINE.match(line)
        if byline and len(line.split()) <= 12 and not _SENTENCE_END.search(byline.group(1)):
            author = author or byline.group(1).strip(" ,")
            continue
        if _is_widget(line):
            continue
        kept.append(line)
    return kept, published, author


_WORD_CHAR = re.compile(r"\w")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_LIST_MARK = re.compile(r"^[-*•·▪]\s+")
_CLOCK_TIME = re.compile(r"\b\d{1,2}\s?[:h]\s?\d{2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMERIC_DAY = re.compile(r"^\W*(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2})\b")
_CLOCK_END = re.compile(r"\b[ap]\.\s?m\.$", re.I)


def _is_stamp_line(line: str) -> bool:
    """A short line saying when the page was posted, in any language: a year and a clock time
    ("segunda-feira, 22 de outubro de 2010 às 20:13"), or a numeric date opening a line of labels."""
    if len(_TOKEN.findall(line)) > 14 or (_SENTENCE_END.search(line) and not _CLOCK_END.search(line)):
        return False
    return bool(_YEAR.search(line) and _CLOCK_TIME.search(line)) or bool(_NUMERIC_DAY.match(line))


_TOKEN = re.compile(r"\w+")


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs: blank-line separated blocks; hard-wrapped blocks are rejoined, others keep a line each."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    wrapped = _is_wrapped([line for block in blocks for line in block])
    paragraphs: list[str] = []
    for block in blocks:
        if not block:
            continue
        if wrapped:
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
    return paragraphs


def _is_wrapped(lines: list[str]) -> bool:
    """True for hard-wrapped text: no line over 100 characters and most lines 55 to 100 long."""
    if len(lines) < 4 or max(map(len, lines)) > 100:
        return False
    return sum(1 for line in lines if 55 <= len(line) <= 100) >= 0.6 * len(lines)


def find_dateline(paragraph: str) -> tuple[str | None, str]:
    """(place, rest) when the paragraph opens with a dateline ("Seoul:", "KYIV (Reuters) -"), else (None, paragraph)."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    place = match.group("place").strip()
    words = place.split()
    upper = place.isupper() and len(place) > 2
    strong = upper or match.group("agency") or match.group("date")
    if words[0].lower().strip(".") in _NOT_PLACES or len(words) > 4:
        return None, paragraph
    if not strong:
        # A title-case place needs a colon or dash right after it and at most three words.
        if len(words) > 3 or any(word.islower() for word in words[:1]):
            return None, paragraph
        if match.group("sep") in ("-",) and not match.group("region"):
            return None, paragraph  # "Pro-Russian forces - ..." style hyphens are not datelines
    rest = paragraph[match.end() :].lstrip()
    if not rest or not (rest[0].isupper() or rest[0] in "\"“‘'(" or rest[0].isdigit()):
        return None, paragraph
    if not strong and not re.search(r"[.!?][\"”’']?$", rest):
        return None, paragraph  # "Lawyer: Star checks into rehab" is a headline, not a dateline
    if upper:
        place = " ".join(word if len(word) <= 2 and "." in word else word.capitalize() for word in words)
    return place, rest


def normalise_date(value: str | None) -> str | None:
    """A date string (ISO, RFC 2822, written out, epoch seconds) as YYYY-MM-DD, or None when unreadable."""
    if not value:
        return None
    value = str(value).strip()
    match = _ISO_PREFIX.match(value)
    if match:
        return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", value):
        seconds = float(value) / (1000 if len(value.split(".")[0]) == 13 else 1)
        return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.strftime("%Y-%m-%d")
    if not re.search(r"\d{4}", value):
        return None  # without a year any reading would be a guess
    return _parse_written(value)


_MONTH_NUMBERS = {name: number for number, names in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1) for name in (names,)}
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS}),?\s+(\d{{4}})\b", re.I)


_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s?[/.]\s?(\d{1,2})\s?[/.]\s?(\d{4}|\d{2})\b")


def _parse_written(value: str) -> str | None:
    """English written dates by pattern; other shapes through dateparser (English only: it is slow)."""
    match = _MONTH_DAY_YEAR.search(value)
    if match:
        month, day, year = match.groups()
        return _checked(int(year), _MONTH_NUMBERS[month[:3].lower()], int(day))
    match = _DAY_MONTH_YEAR.search(value)
    if match:
        day, month, year = match.groups()
        return _checked(int(year), _MONTH_NUMBERS[month[:3].lower()], int(day))
    match = _NUMERIC_DATE.search(value)
    if match:
        first, second, year = (int(part) for part in match.groups())
        year += 2000 if year < 70 else 1900 if year < 100 else 0
        if first > 12 >= second:
            return _checked(year, second, first)  # day / month / year
        if second > 12 >= first:
            return _checked(year, first, second)  # month / day / year
        return None  # "8/2/13": August 2 or 8 February, no way to tell
    if len(value) > 40:
        return None  # a long line is prose that happens to hold a year, not a date
    import dateparser  # slow to import; only needed for unusual date shapes

    parsed = dateparser.parse(
        value[:80],
        languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.strftime("%Y-%m-%d") if parsed else None


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        return None


def _date_from_url(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    return _checked(*(int(part) for part in match.groups())) if match else None


def _tidy_title(title: str | None, outlet: str | None, url: str | None) -> str | None:
    """The headline without a trailing written-out date or ' | Outlet' suffix."""
    if not title:
        return None
    title = " ".join(title.split())
    title = _TRAILING_DATE.sub("", title).strip()
    names = {name.lower() for name in (outlet, _domain(url)) if name}
    for separator in (" | ", " - ", " – ", " — ", " :: ", " · "):
        head, found, tail = title.rpartition(separator)
        if found and head and (tail.lower() in names or _domain_like(tail, names)):
            title = head.strip()
            break
    return title or None


def _domain_like(tail: str, names: set[str]) -> bool:
    squashed = re.sub(r"[^a-z0-9]", "", tail.lower())
    return len(squashed) >= 4 and any(squashed in re.sub(r"[^a-z0-9]", "", name) for name in names)


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("amp.").removeprefix("m.") or None


def _pick_source(source: str | None, sitename: str | None, url: str | None, input_name: str) -> str:
    """Outlet name: record field, then site name, then the URL's domain, then the input file's stem."""
    for candidate in (source, sitename, _domain(url)):
        if candidate and candidate.strip():
            return candidate.strip()
    path = input_name.split("#", 1)[0]
    stem = PurePath(path).name
    for suffix in (".warc.gz", ".gz"):
        stem = stem.removesuffix(suffix)
    return PurePath(stem).stem or stem or input_name or "unknown"
