"""Per-article analysis rules: attribution, figures, time, framing, actors.

spaCy builds a new Span for every entity of the whole document each time `doc.ents` or
`span.ents` is asked for, so rules that ask once per sentence or token cost time in the
square of the article's length. While `entities_held(doc)` is open (the reader holds it for
one article), `doc_entities` and `span_entities` answer from the entities built once;
outside it they ask spaCy, so a Doc built or changed by hand is always read as it is.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_HELD = "storylens.held_entities"


@contextmanager
def entities_held(doc: "Doc") -> Iterator[None]:
    """Build the document's entities once for the block; the Doc must not change inside it."""
    entities = tuple(doc.ents)
    doc.user_data[_HELD] = (entities, [e.start for e in entities])
    try:
        yield
    finally:
        doc.user_data.pop(_HELD, None)


def doc_entities(doc: "Doc") -> tuple["Span", ...]:
    """`doc.ents`."""
    held = doc.user_data.get(_HELD)
    return held[0] if held is not None else doc.ents


def span_entities(span: "Span") -> list["Span"]:
    """`span.ents`: the entities wholly inside the span, in order."""
    held = span.doc.user_data.get(_HELD)
    if held is None:
        return list(span.ents)
    entities, starts = held
    found = []
    for ent in entities[bisect_left(starts, span.start):]:
        if ent.end > span.end:
            break  # as spaCy does: the first entity running past the span ends the list
        found.append(ent)
    return found
