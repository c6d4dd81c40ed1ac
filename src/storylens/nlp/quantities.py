"""Figures in a sentence: value, how exact it is, what it counts and what happened to it.

A figure is found by regex on the sentence text ("12 000", "1,110", "6.75%", "two
million", "a fifth") and read with the parse around it. Dates, clock times, years,
ordinals, phone-like numbers, identifiers ("M1991", "240-mm", "No. 5") and numbers
inside names are not figures.

`event` is the lemma of the governing verb; verbs joined by a conjunction that share
the figure's subject are joined with "|" ("killed or wounded" -> "kill|wound").
A bare figure ("nearly 2 700 were wounded") inherits the counted noun of the
previous figure in the same sentence.

Each figure is also read as a measure frame (`frame_figure`), with the word classes of
data/figures.yaml: its dimension and unit ("$4.5bn", "5m tonnes", "86-yard", "38-year-old",
"magnitude 7.6"), the lemma of what it measures (a property noun it is the value of,
else a counted noun of a known class, else the governing predicate), its holder (the
person whose age it is, the nationality of what is counted, the subject that is priced),
the time of its clause and flags that keep it out of comparisons (another event, part of
a group, an increment, a peak, a replaced value, an outlet's own conversion).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from spacy.tokens import Span, Token

from ..figures import FigureRules, load_figure_rules
from ..records import Qualifier, Quantity, TimeExpr
from .figure_clock import clock_figures, clock_spans
from .figure_frames import counts_a_noun, frame_figure
from .figure_links import link_figures
from .figure_words import vague_figures, zero_figures
from .lexicon import Lexicon, compile_matchers

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mln": 1_000_000}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
              "quarters": 0.25, "fifth": 0.2, "fifths": 0.2, "sixth": 1 / 6, "tenth": 0.1, "tenths": 0.1}
_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "$US": "USD", "A$": "AUD", "C$": "CAD", "€": "EUR", "£": "GBP",
                   "¥": "JPY", "₽": "RUB", "₴": "UAH", "₹": "INR"}
_SUFFIX_SCALES = {"bn": 1e9, "b": 1e9, "mn": 1e6, "mln": 1e6, "m": 1e6, "k": 1e3}
_CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "ruble": "RUB", "rouble": "RUB", "yuan": "CNY",
    "yen": "JPY", "hryvnia": "UAH", "won": "KRW", "rupee": "INR",
    "krona": "SEK", "krone": "NOK", "kronor": "SEK", "crown": "CZK", "franc": "CHF", "lira": "TRY",
}
_UNIT_NOUNS = {
    "hour", "minute", "second", "day", "week", "month", "year", "decade", "kilometre", "kilometer",
    "km", "mile", "metre", "meter", "tonne", "ton", "kilogram", "kg", "litre", "liter", "barrel",
    "acre", "hectare", "degree",
}

_WORD = "|".join(sorted(_SMALL, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?P<cur>US\$|\$US|A\$|C\$|[$€£¥₽₴₹])?\s?"
    r"(?:"
    r"(?:(?<=\$US)|(?<![\w.,+#/:-]))(?P<sdigits>\d+(?:\.\d+)?)(?P<suffix>bn|mn|mln|m|k|b|(?<=[$€£¥]\d)(?:BN|M|B|K)|(?<=[$€£¥]\d\d)(?:BN|M|B|K)|(?<=[$€£¥]\d\d\d)(?:BN|M|B|K)|(?<=\.\d)(?:BN|M|B))(?![\w-])"
    r"|(?<![\w.,+#/:-])(?P<hdigits>\d+(?:\.\d+)?)-(?P<hunit>(?i:years?-old|magnitude|yards?|miles?|kilometres?|kilometers?|km|foot|feet|metres?|meters?|hours?|days?|weeks?|months?|minutes?))(?![\w])"
    r"|(?<![\w.,+#/:-])(?P<rlow>\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?:-|–)(?P<rhigh>\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?=\s+(?i:million|billion|thousand|bn|percent|per\s+cent)\b|%)"
    r"|(?:(?<=\$US)|(?<=[Mm]agnitude-)|(?<![\w.,+#/:-]))(?P<digits>\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w/]|[.,:-]\d|-\w)"
    rf"|(?<![\w-])(?P<frac>(?i:(?:a|one|two|three|four)\s+(?:half|third|quarter|fifth|sixth|tenth)s?|half(?=\s+of\b)))\b"
    rf"|(?<![\w-])(?P<words>(?i:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}|hundred|thousand|million|billion))*))(?![\w-])"
    r")"
    r"(?P<scale>\s+(?i:hundred|thousand|million|billion|trillion|bn|mln)\b)?"
    r"(?P<pct>\s?(?:%|(?i:percent|per\s+cent)\b))?"
)
_NOT_FIGURE_BEFORE = re.compile(r"(?i:\b(?:no\.|number|#|page|article|route|flight|id|room|chapter|section)\s*)$")
_CLOCK_AFTER = re.compile(r"^\s*(?i:a\.?m\.?|p\.?m\.?|o'clock|gmt|utc)\b")
_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH_NAMES}\s*$")
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}\b")
_PHONE = re.compile(r"\d{3}[ .-]\d{3,4}[ .-]\d{3,4}")


def parse_words(text: str) -> float | None:
    """The value of number words: "two million" -> 2e6, "twenty-five" -> 25."""
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[\s-]+", text.lower()):
        if word == "and" or not word:
            continue
        if word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _parse_value(m: re.Match[str]) -> float | None:
    if m.group("sdigits"):
        return float(m.group("sdigits")) * _SUFFIX_SCALES[m.group("suffix").lower()]
    if m.group("hdigits"):
        return float(m.group("hdigits"))
    if m.group("rlow"):
        value = float(m.group("rlow").replace(",", ""))
        if m.group("scale"):
            value *= _SCALES[m.group("scale").strip().lower()]
        return value
    if m.group("digits"):
        raw = re.sub(r"[,\s\u00a0\u202f\u2009]", "", m.group("digits"))
        value = float(raw)
    elif m.group("frac"):
        words = m.group("frac").lower().split()
        if len(words) == 1:
            return _FRACTIONS.get(words[0])
        count = 1.0 if words[0] in ("a", "one") else float(_SMALL[words[0]])
        return count * _FRACTIONS[words[1]]
    else:
        parsed = parse_words(m.group("words"))
        if parsed is None:
            return None
        value = parsed
    if m.group("scale"):
        value *= _SCALES[m.group("scale").strip().lower()]
    return value


def _find_qualifier(before: str, lexicon: Lexicon) -> Qualifier:
    best: tuple[int, Qualifier] = (0, "exact")
    for name, pattern in compile_matchers(lexicon).qualifier_before:
        hit = pattern.search(before[-40:])
        if hit and len(hit.group(0)) > best[0]:
            best = (len(hit.group(0)), name)  # type: ignore[assignment]
    return best[1]


def _root_of(span: Span) -> Token:
    for tok in span:
        if not (span.start <= tok.head.i < span.end) or tok.head == tok:
            return tok
    return span[-1]


def _event_of(node: Token) -> str | None:
    """Lemma(s) of the verb that governs a noun or number token."""
    for _ in range(8):
        head = node.head
        if head == node:
            return None
        if head.pos_ in ("VERB", "AUX") and node.dep_ not in ("aux", "auxpass") and head.dep_ not in ("aux", "auxpass", "amod"):
            if head.dep_ == "prep" and head.tag_ == "VBG":
                # "including 500 officers": a preposition, not the event.
                node = head
                continue
            lemmas = [head.lemma_.lower()]
            for conj in head.children:
                if conj.dep_ == "conj" and conj.pos_ == "VERB" and not any(
                    c.dep_ in ("nsubj", "nsubjpass", "ccomp", "xcomp", "mark") for c in conj.children
                ):
                    lemmas.append(conj.lemma_.lower())
            return "|".join(dict.fromkeys(lemmas))
        if node.dep_ == "pobj" and head.head.pos_ == "NOUN" and head.lower_ == "of" and head.head.lemma_ not in _SCALES:
            # "the destruction of eight tanks": the noun names the event.
            return head.head.lemma_.lower()
        node = head
    return None


_RESTATED_NOUNS = frozenset({"number", "figure", "total", "toll", "count", "tally", "estimate"})


def _restates_figure(number: Token) -> bool:
    """A figure given as "put the number (figure, toll) at N"."""
    at = number.head
    if number.dep_ != "pobj" or at.lower_ != "at" or at.head.lemma_.lower() != "put":
        return False
    return any(c.dep_ == "dobj" and c.lemma_.lower() in _RESTATED_NOUNS for c in at.head.children)


def _modifiers(noun: Token, number: Token, lexicon: Lexicon) -> tuple[str, ...]:
    found: list[str] = []
    doc = noun.doc
    for child in list(noun.children) + list(number.children):
        if child.i > noun.i and child.dep_ != "prep":
            continue
        if child.dep_ == "prep" and child.lower_ == "from":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found.append(" ".join(t.lower_ for t in obj.subtree if t.dep_ != "det"))
            continue
        if child.ent_type_ in ("NORP", "GPE") and child.dep_ in ("amod", "compound", "nmod"):
            ent = next((e for e in doc.ents if e.start <= child.i < e.end), None)
            found.append(ent.text.lower() if ent is not None else child.lower_)
        elif child.lower_ in lexicon.figure_modifiers and not (
            child.i + 1 < len(doc) and doc[child.i + 1].lower_ == "than"
        ):
            found.append(child.lower_)
    return tuple(dict.fromkeys(f for f in found if f))


# A model name: letters and a number, joined or not ("AK-47", "F-16s", "M16", "T-72"); or a name and
# a number written apart ("AK 47", "Boeing 737").
_MODEL = re.compile(r"(?i)^[a-z]{1,6}-?\d{1,4}[a-z]?(?:'?s)?$")


def _model_key(words: Sequence[str]) -> str:
    """A model name as one key: "AK-47s", "AK 47" and "ak47" are one model."""
    key = re.sub(r"[\s-]", "", "".join(words).lower())
    return re.sub(r"(?<=\d)'?s$", "", key)


def _model_of(counted_tok: Token, root: Token) -> tuple[str, frozenset[str]] | None:
    """The model a count counts ("seven AK-47s", "12 AK 47 guns", "four F-16 jets") and the words of
    the phrase that only say what kind of thing it is, or None when it names no model."""
    if _MODEL.match(counted_tok.text) and any(c.isdigit() for c in counted_tok.text):
        return _model_key([counted_tok.text]), frozenset({counted_tok.lower_})
    between = [t for t in counted_tok.doc[root.i + 1:counted_tok.i] if t.head == counted_tok or t.head.head == counted_tok]
    for k, tok in enumerate(between):
        if _MODEL.match(tok.text) and any(c.isdigit() for c in tok.text) and tok.pos_ != "PUNCT":
            words = [tok.text]
        elif tok.pos_ == "PROPN" and k + 1 < len(between) and between[k + 1].i == tok.i + 1 \
                and re.fullmatch(r"\d{1,4}", between[k + 1].text):
            words = [tok.text, between[k + 1].text]
        else:
            continue
        kind = frozenset(t.lower_ for t in between[k:]) | {counted_tok.lower_, counted_tok.lemma_.lower()}
        return _model_key(words), kind
    return None


def extract_quantities(sent: Span, lexicon: Lexicon, times: Sequence[TimeExpr] = (),
                       rules: FigureRules | None = None) -> list[Quantity]:
    """Every figure of a sentence, in text order, read as a measure frame; `times` mark the date spans to skip."""
    rules = rules if rules is not None else load_figure_rules()
    text = sent.text
    base = sent.start_char
    doc = sent.doc
    date_spans = [(t.start - base, t.end - base) for t in times] + \
        [(s - base, e - base) for s, e in clock_spans(sent, rules)]  # "1100 hrs IST" is no count of hours
    result: list[Quantity] = []
    for m in _NUMBER.finditer(text):
        start, end = m.span()
        if m.group("cur") is None:
            start = next(m.start(g) for g in ("sdigits", "hdigits", "rlow", "digits", "frac", "words") if m.group(g))
        if any(s < end and start < e for s, e in date_spans):
            continue
        before, after = text[:start], text[end:]
        digits = m.group("digits")
        year_like = False
        if digits and not m.group("cur") and not m.group("pct") and not m.group("scale"):
            if _CLOCK_AFTER.match(after):
                continue
            year_like = bool(re.fullmatch(r"(?:1[89]|20)\d{2}", digits))
        if _NOT_FIGURE_BEFORE.search(before) or _PHONE.match(text, start):
            continue
        if digits and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
            continue  # a day of a date that could not be resolved: "on April 26"
        value = _parse_value(m)
        if value is None:
            continue
        span = doc.char_span(base + start, base + end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        if any(t.ent_type_ in ("PERSON", "ORG", "FAC", "LAW", "PRODUCT", "WORK_OF_ART", "EVENT", "GPE") for t in span):
            continue
        root = _root_of(span)
        if year_like and not counts_a_noun(root, rules):
            continue  # "in 2004", "the 2004 tsunami"; "2000 people" is a figure
        is_words = bool(m.group("words"))
        unit: str | None = None
        if m.group("pct") or (m.group("rlow") and after.startswith("%")):
            unit = "%"
        elif m.group("cur"):
            unit = _CURRENCY_SIGNS[m.group("cur")]
        counted_tok: Token | None = None
        if root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN") and root.head.i > root.i:
            # "more than 50,000 -- the biggest protest": a noun behind its own determiner is not counted
            if not any(t.dep_ == "det" and t.head == root.head for t in doc[root.i + 1:root.head.i]):
                counted_tok = root.head
        elif root.dep_ in ("compound", "nummod") and root.head.i == root.i + 1 and _MODEL.match(root.head.text) \
                and any(c.isdigit() for c in root.head.text) and root.head.head.pos_ == "NOUN" \
                and root.head.head.i > root.head.i:
            counted_tok = root.head.head  # "seven AK-47 assault rifles", parsed as a number before a number
        elif root.pos_ in ("NOUN", "PROPN") and root.i >= span.end - 1 and root.lemma_.lower() not in _SCALES and root.lemma_.lower() not in _FRACTIONS and not root.like_num:
            counted_tok = root
        else:
            for child in root.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                        counted_tok = obj
        if is_words and re.findall(r"[a-z]+", before.lower())[-1:] and \
                re.findall(r"[a-z]+", before.lower())[-1] in rules.vague_multipliers:
            continue  # "several dozen people": a vague count, no figure
        if is_words and m.group("words").lower() == "one" and re.match(r"\s+of\b", after):
            continue  # "one of the world's most isolated regimes"
        if is_words and counted_tok is None and root.dep_ not in ("nummod", "quantmod"):
            # "one of the world's ...", "the two met": words alone are not figures.
            continue
        if counted_tok is not None and counted_tok.lower_ in ("%", "percent"):
            unit, counted_tok = "%", None
        counted: str | None = None
        modifiers: tuple[str, ...] = ()
        if counted_tok is not None:
            lemma = counted_tok.lemma_.lower()
            compound = [c.lower_ for c in counted_tok.children if c.dep_ == "compound" and c.i < counted_tok.i and c.i > root.i]
            if unit is None and lemma == "point" and compound == ["basis"]:
                unit = "basis points"
            elif unit is None and lemma in _UNIT_NOUNS:
                unit = lemma + ("" if lemma.endswith("s") else "s")
            elif unit is None and lemma in _CURRENCY_WORDS:
                unit = _CURRENCY_WORDS[lemma]
            else:
                counted = lemma
                modifiers = _modifiers(counted_tok, root, lexicon)
        elif unit is None and result and result[-1].counted and result[-1].unit is None and root.dep_ not in ("pobj",):
            counted = result[-1].counted
        if unit in ("hours", "minutes", "seconds", "days", "weeks", "months", "years") and any(
            t.ent_type_ in ("DATE", "TIME") for t in span
        ) and counted_tok is None:
            continue
        pre = [
            t.lower_ for t in doc[max(span.start - 2, sent.start) : span.start]
            if t.lower_ in lexicon.figure_modifiers and doc[t.i + 1].lower_ != "than"
        ]
        if pre:
            modifiers = tuple(dict.fromkeys(list(modifiers) + pre))
        event = _event_of(counted_tok if counted_tok is not None else root)
        if counted is None and unit is None and result and _restates_figure(root):
            # "Seoul put the number at 11,000": the same count as the figure before it.
            counted, event, modifiers = result[-1].counted, result[-1].event, result[-1].modifiers
        quantity = Quantity(
                text=text[start:end].strip(),
                value=value,
                qualifier=_find_qualifier(before, lexicon),
                unit=unit,
                counted=counted,
                event=event,
                modifiers=modifiers,
                start=base + start,
                end=base + end,
            )
        framed = frame_figure(quantity, m, span, root, counted_tok, sent, times, rules)
        model = _model_of(counted_tok, root) if counted_tok is not None and framed.dimension == "count" \
            and rules.objects.get(counted_tok.lemma_.lower()) not in rules.unmodelled_objects else None
        if model is not None:
            # "12 AK 47 guns" and "seven AK-47s" count one model: the model is what is counted, and
            # the words naming it or its kind ("assault rifles") hold nothing
            key, kind = model
            holder = " ".join(w for w in (framed.holder or "").split() if w not in kind and _model_key([w]) != key)
            measure = key if framed.measure == counted else framed.measure
            framed = replace(framed, counted=key, holder=holder or None, measure=measure)
        result.append(framed)
    result += zero_figures(sent, times, rules) + vague_figures(sent, times, rules) + clock_figures(sent, times, rules)
    result.sort(key=lambda q: q.start)
    return link_figures(result, sent, rules)
