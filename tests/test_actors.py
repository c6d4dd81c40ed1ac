"""Names an article uses (nlp/actors.py)."""

from __future__ import annotations

import pytest

from storylens.nlp.actors import strip_dateline


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # a dateline the parser took into the speaker phrase goes
        ("OSLO - Norway's largest ferry operator", "Norway's largest ferry operator"),
        ("WASHINGTON – Senate Democrats", "Senate Democrats"),
        ("ST. PAUL — the state's health department", "the state's health department"),
        # a name with a hyphen, a name in capitals alone, or nothing after the dash stays
        ("Jean-Luc Marchetti", "Jean-Luc Marchetti"),
        ("NATO", "NATO"),
        ("OSLO -", "OSLO -"),
        ("Harlow Motors - the van maker", "Harlow Motors - the van maker"),
    ],
)
def test_strip_dateline(name: str, expected: str) -> None:
    assert strip_dateline(name) == expected
