"""Attribution on PolNeAR (2016 US political news annotated with source, cue and content spans).

Usage: python -m bench.attribution_polnear --corpus /tmp/polnear --split test [--limit N] [--errors]

The corpus is read from outside the repository: <corpus>/<split>/text/<name>.txt and
<corpus>/<split>/attributions/<name>_<annotator>.ann (brat standoff). Where an article has
several annotators' files, the alphabetically first is used. Each article's text is read whole
by storylens's reading (the real spaCy model and lexicon, `read_doc`), and every mention with a
speaker and a reporting verb is one predicted attribution.

Gold. Every brat event of type Attribution or Attribution-no-source is one gold attribution:
its Cue span (fragments "a b;c d" kept), its Source span (absent for no-source ones).
The cue's head is the syntactic root of its longest fragment in storylens's own parse
("has been eviscerated" -> "eviscerated", "according to" -> "according").

Predictions. Every attribution storylens stores for a sentence (`Mention.reports`: several
per sentence, each with its speaker, cue and the cue's offsets) is one prediction, placed on its
cue. A mention with a speaker but no report of its own (a quotation that takes the speaker of the
sentence around it) is placed as follows. A predicted attribution's cue token is the first token of its
sentence, outside quotation marks, whose lemma (or lower-cased text) is the first word of the
predicted verb ("call for" -> "call", "according to" -> "according"); a verb storylens maps from
a document phrase ("the statement read" -> "state") takes the token of "read", "issue",
"release", "make" or "publish". A sentence wholly inside quotation marks whose attribution is
inherited from the quotation's speaker (no such token in it) is not a prediction. A prediction
whose token is not found otherwise is placed on its whole sentence.

Matching, one to one, predictions in text order, each taking the first free gold attribution:
- cue strict: the predicted cue token is the gold cue's head token;
- cue lenient: the predicted cue token overlaps a gold cue fragment (a prediction placed on
  its sentence overlaps any gold cue inside the sentence).
- speaker strict: the last word of storylens's speaker (its surname or head noun) is a word of
  the gold source; when the gold source names nobody (a pronoun or a description such as "the
  newspaper" with no capitalised word), the nearest earlier gold source in the article that
  does name someone stands in for it (gold has no coreference; this is an approximation).
- speaker lenient: any word of three or more letters shared with the gold source or, for a
  source that names nobody, with any earlier naming gold source.
- a prediction that names no source (speaker None: "talks are expected to resume") matches, strict
  and lenient, only a gold attribution without a Source span (Attribution-no-source).

"Plainly spoken": the gold cue's head lemma is in PLAIN below (a fixed list, not the lexicon,
so that changes to the lexicon do not move the definition): say, tell, add, state, write, tweet,
note, explain, announce, report, claim, insist, argue, ask, reply, respond, reiterate,
acknowledge, admit, deny, confirm, warn, declare, assert, and "according (to)". A prediction
counts against plain precision when its own verb's first word is in PLAIN.

Named persons: gold attributions whose source's head (or the head's apposition) lies inside a
PERSON entity of storylens's parse. Coverage = share of them matched (cue lenient) by a
prediction; accuracy = share of the covered whose speaker matches strictly. The same figures are
also given for the named persons' plainly spoken attributions alone, the closest this corpus comes
to a corpus of quotes and their speakers (PolNeAR also counts "veered", "skips", "planned a day").
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PLAIN = frozenset({
    "say", "tell", "add", "state", "write", "tweet", "note", "explain", "announce", "report", "claim",
    "insist", "argue", "ask", "reply", "respond", "reiterate", "acknowledge", "admit", "deny", "confirm",
    "warn", "declare", "assert", "according", "accord",
})
DOCUMENT_CUES = frozenset({"read", "issue", "release", "make", "publish"})
_STOP = frozenset({"the", "and", "for", "his", "her", "its", "their", "who", "which", "that", "was", "mrs", "mr",
                   "sen", "rep", "gov", "said", "also", "with", "from"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")

Span = tuple[int, int]


@dataclass(frozen=True)
class GoldAttribution:
    """One brat Attribution event."""

    cue: tuple[Span, ...]
    source: tuple[Span, ...] = ()
    content: tuple[Span, ...] = ()
    cue_text: str = ""
    source_text: str = ""
    cue_head: Span | None = None  # filled from the parse
    head_lemma: str = ""
    named_person: bool = False


@dataclass(frozen=True)
class Prediction:
    """One mention with a speaker and a verb, placed on its cue token (or its sentence)."""

    cue: Span
    sentence: Span
    speaker: str | None  # None: a report that names no source ("is expected to", "it was reported")
    verb: str
    on_sentence: bool = False


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def line(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"  {name:34s} P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class Scores:
    cue_strict: Counts = field(default_factory=Counts)
    cue_lenient: Counts = field(default_factory=Counts)
    plain_strict: Counts = field(default_factory=Counts)
    plain_lenient: Counts = field(default_factory=Counts)
    plain_cue: Counts = field(default_factory=Counts)
    named_total: int = 0
    named_covered: int = 0
    named_right: int = 0
    # the same for the named persons' plainly spoken attributions only (what a quote corpus annotates)
    named_plain_total: int = 0
    named_plain_covered: int = 0
    named_plain_right: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Scores") -> None:
        for name in ("cue_strict", "cue_lenient", "plain_strict", "plain_lenient", "plain_cue"):
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.tp, mine.fp, mine.fn = mine.tp + theirs.tp, mine.fp + theirs.fp, mine.fn + theirs.fn
        for name in ("named_total", "named_covered", "named_right", "named_plain_total", "named_plain_covered",
                     "named_plain_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def _spans(spec: str) -> tuple[Span, ...]:
    return tuple((int(a), int(b)) for a, b in (part.split() for part in spec.split(";")))


def parse_ann(ann: str, text: str) -> list[GoldAttribution]:
    """The Attribution events of a brat .ann file, with span texts taken from the article text."""
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[tuple[str, dict[str, str]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, spec = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(spec))
        elif line.startswith("E") and len(parts) >= 2:
            args = [a.split(":", 1) for a in parts[1].split()]
            kind = args[0][0]
            events.append((kind, {role.rstrip("0123456789"): ref for role, ref in args[1:]}))
    out, seen = [], set()
    for kind, roles in events:
        if not kind.startswith("Attribution") or "Cue" not in roles or roles["Cue"] not in spans:
            continue
        cue = spans[roles["Cue"]][1]
        source = spans[roles["Source"]][1] if roles.get("Source") in spans else ()
        content = spans[roles["Content"]][1] if roles.get("Content") in spans else ()
        if (cue, source) in seen:
            continue  # one attribution annotated twice (two contents of one cue): count it once
        seen.add((cue, source))
        out.append(GoldAttribution(
            cue, source, content, " ".join(text[a:b] for a, b in cue), " ".join(text[a:b] for a, b in source)))
    return sorted(out, key=lambda g: g.cue[0])


def words(text: str) -> set[str]:
    return {w.lower().replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)}


def names_someone(source_text: str) -> bool:
    """A source with a capitalised word other than its first ("the Post", "Clinton"), or an all-capital one."""
    found = _WORD.findall(source_text)
    return any(w[0].isupper() and (i or w.lower() not in ("the", "he", "she", "it", "they", "we", "i", "his", "her",
                                                          "a", "an", "this", "that", "which", "who"))
               for i, w in enumerate(found))


def speaker_matches(speaker: str | None, gold: GoldAttribution, earlier: list[GoldAttribution], strict: bool) -> bool:
    if speaker is None:
        return not gold.source  # no source named, and none annotated
    said = [w for w in _WORD.findall(speaker)]
    if not said:
        return False
    targets = [gold.source_text] if names_someone(gold.source_text) else [gold.source_text] + [
        g.source_text for g in reversed(earlier) if names_someone(g.source_text)][: 1 if strict else None]
    for target in targets:
        have = words(target)
        if strict and said[-1].lower().replace("’", "'").removesuffix("'s") in have:
            return True
        if not strict and {w for w in words(speaker) if len(w) >= 3} - _STOP & have:
            return True
    return False


def _overlaps(span: Span, spans: tuple[Span, ...]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in spans)


def score_article(predictions: list[Prediction], gold: list[GoldAttribution], name: str = "",
                  text: str = "") -> Scores:
    """Cue, speaker+cue and named-person figures of one article (see the module docstring)."""
    scores = Scores()
    taken: dict[int, tuple[Prediction, bool]] = {}  # gold index -> (prediction, strict cue)
    unmatched: list[Prediction] = []
    for pred in sorted(predictions, key=lambda p: p.cue):
        best = None
        for i, g in enumerate(gold):
            if i in taken:
                continue
            inside = pred.on_sentence and pred.sentence[0] <= g.cue[0][0] < pred.sentence[1]
            if not (inside or _overlaps(pred.cue, g.cue)):
                continue
            strict = not pred.on_sentence and g.cue_head is not None and _overlaps(pred.cue, (g.cue_head,))
            if best is None or (strict and not best[1]):
                best = (i, strict)
        if best is None:
            unmatched.append(pred)
        else:
            taken[best[0]] = (pred, best[1])
    plain_pred = lambda p: p.verb.split()[0] in PLAIN  # noqa: E731
    for i, g in enumerate(gold):
        plain = g.head_lemma in PLAIN
        hit = taken.get(i)
        for counts, ok in ((scores.cue_strict, hit is not None and hit[1]), (scores.cue_lenient, hit is not None)):
            counts.tp += ok
            counts.fn += not ok
            counts.fp += hit is not None and not ok
        if g.named_person:
            right = hit is not None and speaker_matches(hit[0].speaker, g, gold[:i], strict=True)
            scores.named_total += 1
            scores.named_covered += hit is not None
            scores.named_right += right
            if plain:
                scores.named_plain_total += 1
                scores.named_plain_covered += hit is not None
                scores.named_plain_right += right
        if plain:
            for counts, strict in ((scores.plain_strict, True), (scores.plain_lenient, False)):
                ok = hit is not None and (hit[1] or not strict) and speaker_matches(hit[0].speaker, g, gold[:i], strict)
                counts.tp += ok
                counts.fn += not ok
                counts.fp += hit is not None and not ok and plain_pred(hit[0])
            scores.plain_cue.tp += hit is not None
            scores.plain_cue.fn += hit is None
        elif hit is not None and plain_pred(hit[0]):
            # A plainly spoken prediction on a gold cue that is not plain: neither right nor wrong
            # for the plain figures (the gold attribution is not in their denominator).
            pass
        if text and (hit is None or not hit[1] or not speaker_matches(hit[0].speaker, g, gold[:i], True)):
            sent = _sentence_around(text, g.cue[0][0])
            found = f"{hit[0].speaker!r}/{hit[0].verb}" if hit else "-"
            kind = "FN" if hit is None else "SPK" if hit[1] else "CUE"
            scores.errors.append(f"{kind} {name} "
                                 f"[{g.head_lemma}{'*' if plain else ''}{' named' if g.named_person else ''}] "
                                 f"cue={g.cue_text!r} src={g.source_text!r} got={found} :: {sent}")
    for pred in unmatched:
        for counts in (scores.cue_strict, scores.cue_lenient):
            counts.fp += 1
        if plain_pred(pred):
            scores.plain_strict.fp += 1
            scores.plain_lenient.fp += 1
            scores.plain_cue.fp += 1
        if text:
            scores.errors.append(f"FP {name} {pred.speaker!r}/{pred.verb} :: {_sentence_around(text, pred.cue[0])}")
    return scores


def _sentence_around(text: str, at: int) -> str:
    start = max(text.rfind("\n", 0, at), text.rfind(". ", 0, at - 1) + 1, 0)
    end = min((i for i in (text.find("\n", at), text.find(". ", at)) if i >= 0), default=len(text))
    return text[start:end + 1].strip()


def load_split(corpus: Path, split: str, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(name, text, ann) per article of a split; the alphabetically first annotator's file."""
    folder = corpus / split
    anns: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        name = path.stem.rsplit("_", 1)[0]
        anns.setdefault(name, path)
    out = []
    for name, path in sorted(anns.items()):
        text_path = folder / "text" / f"{name}.txt"
        if text_path.is_file():
            out.append((name, text_path.read_text(encoding="utf-8"), path.read_text(encoding="utf-8")))
    return out[:limit] if limit else out


def _place(mention, doc, regions) -> Prediction | None:
    from storylens.nlp.attribution import _in_regions

    first = mention.verb.split()[0]
    sent_toks = [t for t in doc if mention.start <= t.idx < mention.end and not _in_regions(t.idx, regions)]
    token = next((t for t in sent_toks if t.lemma_.lower() == first or t.lower_ == first), None)
    if token is None and mention.verb == "state":
        token = next((t for t in sent_toks if t.lemma_.lower() in DOCUMENT_CUES), None)
    if token is not None:
        return Prediction((token.idx, token.idx + len(token.text)), (mention.start, mention.end), mention.speaker,
                          mention.verb)
    words_in = [t for t in doc if mention.start <= t.idx < mention.end and t.is_alpha]
    if words_in and all(_in_regions(t.idx, regions) for t in words_in):
        return None  # inherited from the quotation's speaker
    return Prediction((mention.start, mention.end), (mention.start, mention.end), mention.speaker, mention.verb, True)


def _with_parse(gold: list[GoldAttribution], doc) -> list[GoldAttribution]:
    out = []
    for g in gold:
        a, b = max(g.cue, key=lambda s: s[1] - s[0])
        span = doc.char_span(a, b, alignment_mode="expand")
        head = span.root if span is not None and len(span) else None
        if head is not None and head.lower_ == "to" and head.i > 0 and doc[head.i - 1].lower_ == "according":
            head = doc[head.i - 1]
        lemma = "according" if head is not None and head.lower_ == "according" else (head.lemma_.lower() if head else "")
        named = False
        if g.source:
            a, b = max(g.source, key=lambda s: s[1] - s[0])
            src = doc.char_span(a, b, alignment_mode="expand")
            if src is not None and len(src):
                root = src.root
                heads = [root] + [c for c in root.children if c.dep_ == "appos"]
                named = any(t.ent_type_ == "PERSON" for t in heads)
        out.append(GoldAttribution(g.cue, g.source, g.content, g.cue_text, g.source_text,
                                   (head.idx, head.idx + len(head.text)) if head is not None else None, lemma, named))
    return out


def run(corpus: Path, split: str, limit: int | None, errors: bool) -> Scores:
    from storylens.nlp.attribution import find_quote_regions
    from storylens.read import load_lexicon, load_nlp, read_doc
    from storylens.records import Article
    from storylens.settings import Settings

    settings = Settings()
    nlp = load_nlp(settings)
    lexicon = load_lexicon(settings.lexicon_path, settings.loaded_term_packs)
    total = Scores()
    for name, text, ann in load_split(corpus, split, limit):
        doc = nlp(text)
        article = Article(name, name, "polnear", None, None, "en", "ok", None, text)
        reading = read_doc(article, doc, lexicon)
        regions = find_quote_regions(text)
        preds = []
        for m in reading.mentions:
            if m.reports:
                preds.extend(Prediction((r.cue_start, r.cue_end), (m.start, m.end), r.speaker, r.verb)
                             for r in m.reports)
            elif m.speaker and m.verb:
                placed = _place(m, doc, regions)
                if placed is not None:
                    preds.append(placed)
        total.add(score_article(preds, _with_parse(parse_ann(ann, text), doc), name, text if errors else ""))
    return total


def report(scores: Scores, articles: int) -> str:
    named = scores.named_total
    lines = [
        f"articles {articles}",
        "cue, all attributions:",
        scores.cue_strict.line("strict (head token)"),
        scores.cue_lenient.line("lenient (overlap)"),
        "plainly spoken attributions:",
        scores.plain_cue.line("cue (lenient)"),
        scores.plain_strict.line("speaker+cue strict"),
        scores.plain_lenient.line("speaker+cue lenient"),
        f"named-person sources: {named}, covered {scores.named_covered} "
        f"({scores.named_covered / named if named else 0:.3f}), speaker right {scores.named_right} "
        f"({scores.named_right / scores.named_covered if scores.named_covered else 0:.3f} of covered)",
        f"  of them plainly spoken (quotes): {scores.named_plain_total}, covered {scores.named_plain_covered} "
        f"({scores.named_plain_covered / scores.named_plain_total if scores.named_plain_total else 0:.3f}), "
        f"speaker right {scores.named_plain_right} "
        f"({scores.named_plain_right / scores.named_plain_covered if scores.named_plain_covered else 0:.3f} of covered)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder with <split>/text and <split>/attributions")
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--errors", action="store_true", help="print every missed (FN), wrong-speaker (SPK), cue-elsewhere (CUE: the gold cue matched only "
                        "leniently, by sentence or overlap, not on its head word) and spurious "
                        "(FP) attribution; [lemma*] marks a plainly spoken cue, 'named' a named-person source")
    args = parser.parse_args()
    articles = len(load_split(args.corpus, args.split, args.limit))
    if not articles:
        raise SystemExit(f"no articles under {args.corpus / args.split}: expected text/*.txt and attributions/*.ann")
    scores = run(args.corpus, args.split, args.limit, args.errors)
    if args.errors:
        print("\n".join(sorted(scores.errors)))
    print(report(scores, articles))


if __name__ == "__main__":
    main()
