"""The search language: what an editor types, as an FTS5 query over text indexed in the same form.

Pure: no SQL runs here. The index's tokenizer (`porter unicode61 remove_diacritics 2`) stems
words (evacuate, evacuated, evacuation meet) and drops accents; two things it cannot do are
done on both sides with `index_form`: letters that carry no Unicode diacritic (ø, đ, ł) are
folded to their base letter, and each CJK character becomes its own token, so a word inside a
longer unspaced run is found as a phrase. Figures are matched whatever their grouping:
"1500", "1,500" and "1 500" find each other (the separator inside a figure is indexed as a letter, so
"500" does not find "1,500"). Text in "double quotes" is a phrase.
"""

from __future__ import annotations

import re

MAX_TERMS = 12  # words of one search at most: each one read is a posting list scanned
SEPARATOR = "\u200b"  # zero-width space: unicode61 splits on it, and it shows as nothing
# Letters the tokenizer keeps as they are (they do not decompose into base + accent).
_FOLD = str.maketrans({
    "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ı": "i",
    "ŧ": "t", "Ŧ": "T", "ð": "d", "Ð": "D",
})
# Letters (so the tokenizer keeps a figure whole) standing for a thousands separator and a decimal point.
GROUP = "\u01c0"
POINT = "\u01c2"
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?![\d]|[.,]\d)")
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_BETWEEN_CJK = re.compile(f"(?<=[{_CJK_CLASS}])(?=[{_CJK_CLASS}])")
# One query term (of folded text): a "phrase", a figure, a CJK run, a word.
_TERM = re.compile(
    r'"(?P<phrase>[^"]*)"?'
    rf"|(?P<figure>\d+(?:[{GROUP}{POINT}]\d+)*(?![^\W_]))"
    rf"|(?P<cjk>[{_CJK_CLASS}]+)"
    rf"|(?P<word>(?:(?![{_CJK_CLASS}])[^\W_])+)",
    flags=re.UNICODE,
)
_WORD = re.compile(rf"[{_CJK_CLASS}]|[^\W_]+", flags=re.UNICODE)


def _fold(text: str) -> str:
    """Letters without a Unicode accent folded, separators inside figures made letters; one character for one."""
    text = _GROUPED.sub(lambda m: re.sub(r"\D", GROUP, m.group()), text.translate(_FOLD))
    return _DECIMAL.sub(POINT, text)


def index_form(text: str) -> str:
    """Text as it is indexed and queried: folded (see _fold), and CJK characters split apart."""
    return _BETWEEN_CJK.sub(SEPARATOR, _fold(text.replace(SEPARATOR, "")))


def _quote(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def _figure(value: str) -> str:
    """A figure matched written plain ("1500") or in groups of three ("1,500", "1 500")."""
    if POINT in value:
        return _quote([value])
    digits = value.replace(GROUP, "")
    if len(digits) <= 3 or digits.startswith("0"):
        return _quote([digits])
    groups = []
    rest = digits
    while len(rest) > 3:
        groups.insert(0, rest[-3:])
        rest = rest[:-3]
    groups.insert(0, rest)
    return f"({_quote([digits])} OR {_quote([GROUP.join(groups)])})"


def _distinct(terms: list[str]) -> list[str]:
    """Terms in order, each kept once whatever its case (the index ignores case)."""
    seen: set[str] = set()
    out = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    return out


def fts_query(text: str) -> str:
    """A user's search as a safe FTS5 query: every term required, no operator syntax passed through.

    Words match any form of the same stem; "quoted words" must appear together in that order;
    numbers match with or without thousands separators; CJK words match inside longer runs.
    """
    terms: list[str] = []
    for match in _TERM.finditer(_fold(text)):
        kind = match.lastgroup
        value = match.group(kind or 0)
        if kind == "phrase":
            tokens = _WORD.findall(index_form(value))
            if tokens:
                terms.append(_quote(tokens))
        elif kind == "figure":
            terms.append(_figure(value))
        elif kind == "cjk":
            terms.append(_quote(list(value)))
        elif kind == "word":
            terms.append(_quote([value]))
        terms = _distinct(terms)  # a repeated word, in any case, costs once
        if len(terms) >= MAX_TERMS:
            break
    return " ".join(terms)


def restore_snippet(snippet: str, original: str, separator: str) -> str:
    """An FTS5 snippet of the indexed form mapped back onto the original text (accents and spacing as written).

    Highlight markers (\\x01, \\x02) are kept where they were; a piece not found is left in its indexed form.
    """
    shown = original.replace(SEPARATOR, "")
    folded = _fold(shown)  # same length as `shown`: every fold is one character for one
    out = []
    for piece in snippet.replace(SEPARATOR, "").split(separator):
        plain = piece.replace("\x01", "").replace("\x02", "")
        at = folded.find(plain) if plain else -1
        if at < 0:
            out.append(piece)
            continue
        restored, cursor = [], at
        for char in piece:
            if char in "\x01\x02":
                restored.append(char)
            else:
                restored.append(shown[cursor])
                cursor += 1
        out.append("".join(restored))
    return separator.join(out)
