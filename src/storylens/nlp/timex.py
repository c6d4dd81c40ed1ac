"""Temporal expressions in a sentence, resolved against the publication date.

Rules, in short:
- A full date ("October 24, 2024", "24 October 2024", "2024-10-24") is a day.
- A day without a year ("On 26 April", "as of April 25") takes the year that puts it
  on or before the publication date when its clause is in the past tense, on or
  after it in the future tense, and the nearest occurrence otherwise.
- "late December 2024", "early March" are `part_of_month`; "January 2025", "last
  October" are `month`; "last year", "early this year", "in 2024" are `year`.
- A bare month takes its year from a relative year in the same sentence ("at their
  June summit last year" -> the June of last year), else from the tense as above.
- "in January and February" gives two month expressions, one per month.
- "last week", "this week", "next week" are `part_of_month` of the month that week
  (Monday to Sunday) lies in; a week that spans two months is left unresolved.
- Weekdays ("on Wednesday") are the past such day (up to the publication day itself)
  for a past-tense clause, the next one for a future-tense clause.
Without a publication date only expressions that carry their own year resolve.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc, Span, Token

from ..records import Precision, TimeExpr
from . import span_entities

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# Month names must be capitalised: "may" and "march" are common verbs.
_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_ANY = _FULL[:-1] + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = (
    r"(?:(?i:early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of|"
    r"the\s+start\s+of|start\s+of|the\s+middle\s+of|middle\s+of))"
)

_PATTERN = re.compile(
    "|".join(
        [
            r"(?<![\d-])(?P<iso_y>(?:19|20)\d{2})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?![\d-])",
            rf"(?:{_WD},?\s+)?(?P<md_m>{_ANY})\s+(?P<md_d>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"
            rf"(?:,?\s+(?P<md_y>(?:19|20)\d{{2}})(?!\d))?",
            rf"(?:{_WD},?\s+)?(?<![\d.,])(?P<dm_d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{_ANY})"
            rf"(?:,?\s+(?P<dm_y>(?:19|20)\d{{2}})(?!\d))?",
            rf"(?:\b(?P<my_part>{_PART})[\s-]+)?(?P<my_m>{_ANY}),?\s+(?P<my_y>(?:19|20)\d{{2}})(?!\d)",
            rf"(?:\b(?P<mo_rel>(?i:last|this|next|early|mid|late|the\s+end\s+of|end\s+of|"
            rf"the\s+beginning\s+of|beginning\s+of|the\s+start\s+of|start\s+of))[\s-]+)?(?P<mo_m>{_FULL})\b",
            r"(?i:\b(?:(?P<yr_part>early|late|mid|earlier|later)[\s-]+)?(?P<yr_rel>last|this|next)\s+year)\b",
            r"(?i:\b(?P<mon_rel>last|this|next)\s+month)\b",
            r"(?i:\b(?:earlier\s+|later\s+)?(?P<wk_rel>last|this|next)\s+week)\b",
            rf"(?:\b(?P<wd_rel>(?i:last|this|next|on|since|by|until))\s+)?(?P<wd>{_WD})\b",
            r"(?i:\b(?:between|from))\s+(?P<yy1>(?:19|20)\d{2})\s+(?i:and|to|until)\s+(?P<yy2>(?:19|20)\d{2})(?!\d)",
            r"(?i:\b(?P<ago_n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
            r"(?P<ago_unit>days?|months?|years?)\s+ago)\b",
            r"(?i:\b(?P<day_rel>the\s+day\s+before\s+yesterday|yesterday|today|tomorrow|tonight))\b",
            r"(?i:\b(?P<y_prep>in|since|during|by|until|of|from|throughout|early|late|mid|end\s+of)\s+)"
            r"(?P<y_y>(?:19|20)\d{2})(?![\d,]|[.-]\d|\s\d)",
        ]
    )
)
_YEAR_ONLY = re.compile(r"^(?:the\s+)?(?:year\s+)?((?:19|20)\d{2})$")
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})


def parse_published(published: str | None) -> date | None:
    """The publication date as a date, or None when absent or malformed."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_tense(token: Token) -> str:
    """"past", "future" or "present" for the clause that governs a token."""
    node = token
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("aux", "auxpass"):
            break
        if node.head is node:
            break
        node = node.head
    if node.pos_ not in ("VERB", "AUX"):
        return "present"
    aux = [c for c in node.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_AUX for a in aux):
        return "future"
    if node.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return "past"
    if node.tag_ == "VBN" and any(a.lemma_ == "have" for a in aux):
        return "past"
    if any(a.lower_ in ("going",) for a in aux):
        return "future"
    return "present"


def _month_year(month: int, pub: date, tense: str, rel: str | None) -> int:
    if rel == "last":
        return pub.year if month < pub.month else pub.year - 1
    if rel == "next":
        return pub.year if month > pub.month else pub.year + 1
    if rel == "this":
        return pub.year
    if tense == "past":
        return pub.year if month <= pub.month else pub.year - 1
    if tense == "future":
        return pub.year if month >= pub.month else pub.year + 1
    # Present tense: the nearest occurrence.
    diff = month - pub.month
    if diff > 6:
        return pub.year - 1
    if diff < -6:
        return pub.year + 1
    return pub.year


def _day_date(month: int, day: int, pub: date, tense: str) -> date | None:
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if tense == "past":
        past = [d for d in candidates if d <= pub]
        return max(past) if past else min(candidates)
    if tense == "future":
        future = [d for d in candidates if d >= pub]
        return min(future) if future else max(candidates)
    return min(candidates, key=lambda d: abs((d - pub).days))


def _weekday_date(weekday: int, pub: date, tense: str, rel: str | None) -> date:
    back = (pub.weekday() - weekday) % 7
    ahead = (weekday - pub.weekday()) % 7
    if rel == "last":
        return pub - timedelta(days=back or 7)
    if rel == "next":
        return pub + timedelta(days=ahead or 7)
    if tense == "future" or rel in ("by", "until"):
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=back)


def _week_month(published: date, rel: str) -> str | None:
    """The month of "last week" (Monday to Sunday), or None when that week spans two months."""
    monday = published - timedelta(days=published.weekday()) + timedelta(weeks={"last": -1, "this": 0, "next": 1}[rel])
    sunday = monday + timedelta(days=6)
    return f"{monday.year:04d}-{monday.month:02d}" if (monday.year, monday.month) == (sunday.year, sunday.month) else None


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def _ago(published: date, amount: str, unit: str) -> tuple[str, Precision]:
    """"three days ago" -> the day; "two months ago" -> the month; "a year ago" -> the year."""
    n = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount.lower()]
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return (published - timedelta(days=n)).isoformat(), "day"
    if unit == "month":
        y, mo = divmod(published.year * 12 + published.month - 1 - n, 12)
        return f"{y:04d}-{mo + 1:02d}", "month"
    return f"{published.year - n:04d}", "year"


def extract_times(sent: Span, published: date | None) -> list[TimeExpr]:
    """Every temporal expression of a sentence that can be resolved, in text order."""
    text = sent.text
    base = sent.start_char
    doc = sent.doc
    found: list[tuple[int, int, str, Precision, str]] = []  # start, end, value, precision, kind
    relative_year: int | None = None
    pending_months: list[tuple[int, int, int, str | None]] = []

    def tense_at(offset: int) -> str:
        tok = _token_at(doc, base + offset)
        return find_tense(tok) if tok is not None else "present"

    for m in _PATTERN.finditer(text):
        g = m.groupdict()
        start, end = m.span()
        if g["iso_y"]:
            d = _valid_day(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
            if d:
                found.append((start, end, d.isoformat(), "day", "abs"))
        elif g["md_m"] or g["dm_m"]:
            month = _MONTHS[(g["md_m"] or g["dm_m"]).lower().rstrip(".")]
            day = int(g["md_d"] or g["dm_d"])
            year = g["md_y"] or g["dm_y"]
            if year:
                d = _valid_day(int(year), month, day)
            elif published is not None and 1 <= day <= 31:
                d = _day_date(month, day, published, tense_at(start))
            else:
                d = None
            if d:
                found.append((start, end, d.isoformat(), "day", "abs"))
        elif g["my_m"]:
            month = _MONTHS[g["my_m"].lower().rstrip(".")]
            precision: Precision = "part_of_month" if g["my_part"] else "month"
            found.append((start, end, f"{int(g['my_y']):04d}-{month:02d}", precision, "abs"))
        elif g["mo_m"]:
            rel = (g["mo_rel"] or "").lower() or None
            pending_months.append((start, end, _MONTHS[g["mo_m"].lower()], rel))
        elif g["yr_rel"]:
            if published is not None:
                shift = {"last": -1, "this": 0, "next": 1}[g["yr_rel"].lower()]
                relative_year = published.year + shift
                found.append((start, end, f"{relative_year:04d}", "year", "relyear"))
        elif g["mon_rel"]:
            if published is not None:
                shift = {"last": -1, "this": 0, "next": 1}[g["mon_rel"].lower()]
                y, mo = divmod(published.year * 12 + published.month - 1 + shift, 12)
                found.append((start, end, f"{y:04d}-{mo + 1:02d}", "month", "abs"))
        elif g["wk_rel"]:
            month = _week_month(published, g["wk_rel"].lower()) if published is not None else None
            if month:
                found.append((start, end, month, "part_of_month", "abs"))
        elif g["wd"]:
            if published is not None:
                rel = (g["wd_rel"] or "").lower() or None
                d = _weekday_date(_WEEKDAYS[g["wd"].lower()], published, tense_at(m.start("wd")), rel)
                found.append((start, end, d.isoformat(), "day", "abs"))
        elif g["ago_n"]:
            if published is not None:
                found.append((start, end, *_ago(published, g["ago_n"], g["ago_unit"]), "abs"))
        elif g["day_rel"]:
            if published is not None:
                relative = " ".join(g["day_rel"].lower().split())
                shift = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0,
                         "tomorrow": 1}[relative]
                found.append((start, end, (published + timedelta(days=shift)).isoformat(), "day", "abs"))
        elif g["yy1"]:
            found.append((m.start("yy1"), m.end("yy1"), g["yy1"], "year", "abs"))
            found.append((m.start("yy2"), m.end("yy2"), g["yy2"], "year", "abs"))
        elif g["y_y"]:
            ystart = m.start("y_y")
            found.append((ystart, end, g["y_y"], "year", "abs"))

    explicit_years = [int(v[:4]) for _, _, v, p, k in found if k == "abs" and p != "day" and len(v) >= 4]
    for start, end, month, rel in pending_months:
        part = rel in ("early", "mid", "late") or (rel is not None and "of" in rel)
        if rel in ("last", "next", "this") and published is not None:
            year = _month_year(month, published, "present", rel)
        elif relative_year is not None:
            year = relative_year
        elif published is not None:
            year = _month_year(month, published, tense_at(start), None)
        elif explicit_years:
            year = explicit_years[0]
        else:
            continue
        found.append((start, end, f"{year:04d}-{month:02d}", "part_of_month" if part else "month", "abs"))
    if relative_year is not None and pending_months:
        # "June ... last year": the year only located the month.
        found = [f for f in found if f[4] != "relyear"]

    # spaCy DATE entities that are bare years ("the year 2022").
    covered = [(s, e) for s, e, *_ in found]
    for ent in span_entities(sent):
        if ent.label_ != "DATE":
            continue
        s, e = ent.start_char - base, ent.end_char - base
        if any(s < ce and cs < e for cs, ce in covered):
            continue
        ym = _YEAR_ONLY.match(ent.text.strip())
        if ym:
            found.append((s, e, ym.group(1), "year", "abs"))

    found.sort(key=lambda f: (f[0], -f[1]))
    result: list[TimeExpr] = []
    last_end = -1
    for start, end, value, precision, _ in found:
        if start < last_end:
            continue
        last_end = end
        result.append(TimeExpr(text[start:end], value, precision, base + start, base + end))
    return result
