"""People, organisations, countries and groups an article names, under one name each.

A person's name is the longest form the article uses for the same surname
("Gerasimov" -> "Valery Gerasimov"); any other name is the longest name seen in the
article that ends with it ("General Staff" -> "Ukraine's General Staff").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable

from spacy.tokens import Doc

from ..records import Actor

_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "country", "NORP": "group"}
_POSSESSIVE = re.compile(r"[’']s?$")


_DATELINE = re.compile(r"^[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*)*,?(?: [A-Z][a-z]+\.?)? [-–—] (?=\S)")


def strip_dateline(name: str) -> str:
    """A speaker phrase without the dateline the parser took into it ("OSLO - Norway's ferry operator")."""
    stripped = _DATELINE.sub("", name)
    return stripped or name


def clean_entity(text: str) -> str:
    """An entity's text without a leading article, possessive or surrounding punctuation."""
    text = _POSSESSIVE.sub("", text.strip(" ,.;:“”\"'\n"))
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE).strip()


class NameTable:
    """The longest form of every name an article uses."""

    def __init__(self, doc: Doc) -> None:
        self.persons: dict[str, str] = {}
        self.others: list[str] = []
        for ent in doc.ents:
            name = clean_entity(ent.text)
            if not name:
                continue
            if ent.label_ == "PERSON":
                self.add_person(name)
            elif ent.label_ in ("ORG", "GPE", "NORP"):
                self.others.append(name)

    def add_person(self, name: str) -> None:
        """Remember a person's name under its surname, keeping the longest form."""
        key = name.split()[-1].lower()
        if len(name) > len(self.persons.get(key, "")):
            self.persons[key] = name

    def add_other(self, name: str) -> None:
        """Remember an organisation or group name."""
        self.others.append(name)

    def normalise(self, name: str, kind: str | None = None) -> str:
        """The longest form of a name seen in the article."""
        words = name.split()
        if not words:
            return name
        if kind == "person" or (len(words) <= 3 and words[-1].lower() in self.persons):
            full = self.persons.get(words[-1].lower())
            if full and len(full) >= len(name) and (len(words) == 1 or full.endswith(name) or len(words) <= 2):
                return full
            return name
        lower = name.lower()
        best = name
        if len(words) < 2:
            return name  # "Ukraine" is not "Armed Forces of Ukraine"
        for other in self.others:
            if len(other) > len(best) and (other.lower().endswith(" " + lower) or other.lower() == lower):
                best = other
        return best


def collect_actors(doc: Doc, names: NameTable, speakers: Iterable[str]) -> tuple[Actor, ...]:
    """Actors with mention counts and roles, most mentioned first."""
    counts: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    roles: defaultdict[str, set[str]] = defaultdict(set)
    for ent in doc.ents:
        kind = _KINDS.get(ent.label_)
        if kind is None:
            continue
        name = clean_entity(ent.text)
        if not name:
            continue
        name = names.normalise(name, kind if kind == "person" else None)
        counts[name] += 1
        kinds.setdefault(name, kind)
        dep = ent.root.dep_
        if dep in ("nsubj", "nsubjpass"):
            roles[name].add("subject")
        elif dep in ("dobj", "pobj", "iobj"):
            roles[name].add("object")
    for speaker in speakers:
        if speaker in counts:
            roles[speaker].add("speaker")
    order = ("speaker", "subject", "object")
    return tuple(
        Actor(name, kinds[name], n, tuple(r for r in order if r in roles[name]))
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
