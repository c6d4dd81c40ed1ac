"""End to end: inputs in, dossier out — the promises `storylens analyze` makes."""

import json
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from storylens.cli import main
from storylens.pipeline import Models, dossier_from_store, run
from storylens.settings import Settings
from storylens.store import Store

pytestmark = pytest.mark.slow


def validate(dossier, schema):
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(dossier),
                    key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def by_input(dossier, stem):
    return next(a for a in dossier["articles"] if stem in a["input"])


def test_seed_dossier_is_valid_against_the_schema(seeds_dossier, dossier_schema):
    validate(seeds_dossier, dossier_schema)


def test_all_five_seeds_make_one_story(seeds_dossier):
    assert [len(s["article_ids"]) for s in seeds_dossier["stories"]] == [5]
    assert all(a["status"] == "ok" for a in seeds_dossier["articles"])


@pytest.mark.parametrize("stem, title, published", [
    ("001_", "Russia for the first time officially recognized the participation of North Korean military "
             "personnel in the war against Ukraine.", "2025-04-26"),
    ("002_", "Russia acknowledges North Korean troops fighting alongside its forces in Kursk region", "2025-04-26"),
    ("004_", "Russia confirms for first time North Korean troop dispatch to Ukraine war: Reports", "2025-04-27"),
    ("000_", "Russia Publicly Acknowledges North Korean Troops Fighting in Ukraine", None),
])
def test_seed_titles_and_dates_come_from_the_header_lines(seeds_dossier, stem, title, published):
    article = by_input(seeds_dossier, stem)
    assert article["title"] == title
    assert article["published"] == published


@pytest.mark.parametrize("noise", ["Share", "Comments", "Please enable JavaScript", "- Category", "- Latest news"])
def test_widget_and_menu_lines_are_gone_from_the_text(seeds_dossier, noise):
    for article in seeds_dossier["articles"]:
        assert not any(line.strip().startswith(noise) for line in article["text"].splitlines()), article["input"]


def test_numeric_conflict_on_troops_sent(seeds_dossier):
    (story,) = seeds_dossier["stories"]
    numeric = [c for c in story["conflicts"] if c["kind"] == "numeric"]
    values = [{s["value"] for s in c["sides"]} for c in numeric]
    assert {11000, 12000} in values
    conflict = numeric[values.index({11000, 12000})]
    sources = {s["value"]: s["article_id"] for s in conflict["sides"]}
    assert by_input(seeds_dossier, "004_")["id"] == sources[11000]
    assert by_input(seeds_dossier, "001_")["id"] == sources[12000]


def test_gerasimov_is_quoted_in_at_least_four_articles(seeds_dossier):
    (story,) = seeds_dossier["stories"]
    articles = {m["article_id"] for c in story["claims"] for m in c["mentions"]
                if m["speaker"] and "Gerasimov" in m["speaker"]}
    assert len(articles) >= 4


def test_liberated_against_continuing_is_a_contradiction(seeds_dossier):
    (story,) = seeds_dossier["stories"]
    found = False
    for conflict in story["conflicts"]:
        if conflict["kind"] != "contradiction":
            continue
        texts = " ".join(s["text"] for s in conflict["sides"]).lower()
        speakers = " ".join(s["speaker"] or "" for s in conflict["sides"])
        if re.search(r"liberat|completed", texts) and re.search(r"continu|ongoing", texts) \
                and "Gerasimov" in speakers and "General Staff" in speakers:
            found = True
    assert found, [c["summary"] for c in story["conflicts"]]


def test_resilience_and_heroism_is_corroborated_by_three_outlets(seeds_dossier):
    (story,) = seeds_dossier["stories"]
    claims = [c for c in story["claims"]
              if sum("heroism" in m["sentence"] for m in c["mentions"]) >= 3]
    assert claims and claims[0]["status"] in ("corroborated", "disputed")
    assert len({m["article_id"] for m in claims[0]["mentions"]}) >= 3


@pytest.mark.parametrize("stem, phrase", [("002_", "defector"), ("000_", "M1991"), ("003_", "Buryats")])
def test_single_source_claims_stay_single_source(seeds_dossier, stem, phrase):
    (story,) = seeds_dossier["stories"]
    claims = [c for c in story["claims"] if any(phrase in m["sentence"] for m in c["mentions"])]
    assert claims
    for claim in claims:
        assert {m["article_id"] for m in claim["mentions"]} == {by_input(seeds_dossier, stem)["id"]}
        assert claim["status"] == "single_source"


def test_seed_timeline_has_the_dated_events(seeds_dossier):
    (story,) = seeds_dossier["stories"]
    dates = {t["date"] for t in story["timeline"]}
    assert {"2024-10-24", "2024-12-27", "2025-02-07", "2025-03-14", "2025-04-25", "2024-06"} <= dates


def test_examples_make_two_stories_with_a_numeric_conflict_and_a_denial(examples_dossier, dossier_schema):
    validate(examples_dossier, dossier_schema)
    assert len(examples_dossier["stories"]) == 2
    assert [a for a in examples_dossier["articles"] if a["status"] == "duplicate"]
    assert not any("README" in a["input"] for a in examples_dossier["articles"])
    conflicts = [c for s in examples_dossier["stories"] for c in s["conflicts"]]
    assert any(c["kind"] == "numeric" for c in conflicts)
    assert any(side["stance"] == "denies" for c in conflicts for side in c["sides"])


@pytest.fixture
def bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.txt").write_bytes(b"\xff\xfe\xfa bad \x80\x81" * 40 + b"\x00\x01\x02")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    good = {"id": "g1", "source": "Example Wire", "title": "Harbour reopens after storm",
            "published": "2026-02-02", "text": "The harbour at Calder reopened on Monday after a storm closed it "
            "for three days, the port authority said. Ferries resumed on the northern route."}
    (tmp_path / "feed.jsonl").write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "g2",
                                         "text": good["text"] + " Fishermen returned to sea."}) + "\n")
    return tmp_path


def test_bad_inputs_are_rejected_with_reasons_and_the_batch_goes_on(bad_inputs, models, tmp_path):
    with Store(tmp_path / "s.db") as store:
        run(store, [str(bad_inputs)], Settings(), models)
        dossier = dossier_from_store(store)
    status = {a["input"].split("/")[-1]: (a["status"], a["reason"]) for a in dossier["articles"]}
    for name in ("empty.txt", "binary.txt", "broken.txt", "notes.docx", "feed.jsonl#2"):
        assert status[name][0] == "rejected", name
        assert status[name][1], name
    assert "line 2" in status["feed.jsonl#2"][1]
    assert status["feed.jsonl#1"][0] == "ok"
    assert status["feed.jsonl#3"][0] in ("ok", "duplicate")


def test_analysing_again_adds_nothing(tmp_path, seeds_dir, capsys):
    out = tmp_path / "report"
    assert main(["analyze", str(seeds_dir), "--out", str(out)]) == 0
    first = json.loads((out / "dossier.json").read_text())
    assert main(["analyze", str(seeds_dir), "--out", str(out)]) == 0
    second = json.loads((out / "dossier.json").read_text())
    assert "0 new, 5 already in the store" in capsys.readouterr().out
    assert [a["id"] for a in first["articles"]] == [a["id"] for a in second["articles"]]
    assert [s["id"] for s in first["stories"]] == [s["id"] for s in second["stories"]]
    assert (out / "index.html").is_file()
    assert all((out / f"{s['id']}.md").is_file() for s in second["stories"])


def test_adding_articles_one_by_one_matches_the_batch(tmp_path, seeds_dir, models, seeds_dossier):
    with Store(tmp_path / "inc.db") as store:
        for path in sorted(seeds_dir.iterdir(), reverse=True):
            run(store, [str(path)], Settings(), models)
        incremental = dossier_from_store(store)
    groups = lambda d: sorted(sorted(s["article_ids"]) for s in d["stories"])  # noqa: E731
    assert groups(incremental) == groups(seeds_dossier)


def test_missing_model_says_how_to_install(monkeypatch):
    from storylens.errors import ModelMissingError
    from storylens.read import load_nlp

    with pytest.raises(ModelMissingError, match="pip install"):
        load_nlp(Settings().with_changes(spacy_model="no_such_model_package"))


def test_outlet_facts_and_language_notes_reach_every_report(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbour-gazette.txt").write_text(
        " date 2026-03-04 Harbour reopens after storm\n\nThe harbour at Calder reopened on Monday after a storm "
        "closed it for three days, the port authority said. Ferries resumed on the northern route.\n")
    (folder / "nouvelles.txt").write_text(
        " date 2026-03-04 Le port rouvre après la tempête\n\nLe port de Calder a rouvert lundi après une tempête "
        "qui l'avait fermé pendant trois jours, a indiqué l'autorité portuaire. Les ferries ont repris.\n")
    outlets = tmp_path / "outlets.csv"
    outlets.write_text("domain,name,country,owner,tags\nharbourgazette.example,harbour-gazette,Freedonia,Calder Media,local;daily\n")
    out = tmp_path / "report"
    assert main(["analyze", str(folder), "--out", str(out), "--outlets", str(outlets)]) == 0
    dossier = json.loads((out / "dossier.json").read_text())
    gazette = by_input(dossier, "harbour-gazette")
    assert gazette["outlet"]["country"] == "Freedonia" and gazette["outlet"]["tags"] == ["local", "daily"]
    french = by_input(dossier, "nouvelles")
    assert french["language"] == "fr" and "attribution" in french["analyses_skipped"]
    html = (out / "index.html").read_text()
    assert "Calder Media" in html and "only English articles" in html
    markdown = "".join(p.read_text() for p in out.glob("*.md"))
    assert "Freedonia" in markdown
