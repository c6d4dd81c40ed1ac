"""Reading inputs: formats, folders, URLs, and bad input turned into rejected records."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import httpx
import pytest

from storylens.clean import clean_document
from storylens.ingest import read_inputs, reason_category
from storylens.records import RawDocument
from storylens.settings import Settings

BODY = (
    "Flood waters rose across the valley on Tuesday, forcing hundreds of families to leave their homes, "
    "officials said. The river peaked at four metres above its usual level before dawn."
)


def read_all(inputs: list[str], settings: Settings, **kwargs: object) -> list[RawDocument]:
    return list(read_inputs(inputs, settings, **kwargs))  # type: ignore[arg-type]


def test_text_file_is_read_as_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.txt"
    path.write_text(BODY, encoding="utf-8")
    [doc] = read_all([str(path)], settings)
    assert (doc.kind, doc.body, doc.error, doc.input) == ("text", BODY, None, str(path))


def test_folder_is_recursed_in_sorted_order_skipping_hidden_files(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/2.txt", "a.txt", "b/1.html", ".hidden.txt", ".git/config.txt"):
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    docs = read_all([str(tmp_path)], settings)
    assert [Path(doc.input).relative_to(tmp_path).as_posix() for doc in docs] == ["a.txt", "b/1.html", "b/2.txt"]
    assert [doc.kind for doc in docs] == ["text", "html", "text"]


@pytest.mark.parametrize(
    ("name", "content", "reason", "category"),
    [
        ("empty.txt", b"", "empty file", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file: not text or HTML", "binary file"),
        ("nul.html", b"<html>\x00\x01\x02\x00 body</html>", "binary file: not text or HTML", "binary file"),
        ("report.docx", b"PK\x03\x04 whatever", "unsupported file type: '.docx'", "unsupported file type"),
        ("garbage.txt", bytes(range(0x80, 0x100)) * 3, "cannot decode: not UTF-8", "cannot decode"),
        ("missing.txt", None, "file not found", "file not found"),
    ],
)
def test_bad_file_becomes_rejected_record_with_reason(
    tmp_path: Path, settings: Settings, name: str, content: bytes | None, reason: str, category: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    [doc] = read_all([str(path)], settings)
    assert doc.body is None
    assert doc.error is not None and doc.error.startswith(reason)
    article = clean_document(doc, settings)
    assert article.status == "rejected" and reason in (article.reason or "")
    assert reason_category(article.reason or "") == category


def test_file_over_the_size_cap_is_rejected_with_sizes(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "big.txt"
    path.write_text(BODY * 200, encoding="utf-8")
    [doc] = read_all([str(path)], settings.with_changes(max_input_bytes=10_000))
    assert doc.error == "too large: file is 36 kB, over the 10 kB cap (max_input_bytes)"


def test_latin1_text_is_decoded(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "latin1.txt"
    text = "Le café de la gare a rouvert à Montréal après des mois de travaux, a annoncé la mairie mercredi. " * 3
    path.write_bytes(text.encode("latin-1"))
    [doc] = read_all([str(path)], settings)
    assert doc.error is None and doc.body == text
    assert clean_document(doc, settings).language == "fr"


def test_html_charset_declared_in_meta_is_honoured(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "page.html"
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>Prix : 5 € pour le café.</p></body></html>'
    path.write_bytes(page.encode("iso-8859-15"))
    [doc] = read_all([str(path)], settings)
    assert doc.body == page


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"url": "https://a.example/x", "source": "A News", "title": "T1", "published": "2024-01-02", "text": BODY, "id": 7},
            {"url": "https://a.example/x", "source": "A News", "title": "T1", "published": "2024-01-02", "external_id": "7"},
        ),
        (
            {"link": "https://b.example/y", "source": {"id": "b", "name": "B Daily"}, "headline": "T2", "publishedAt": "2024-02-03T10:00:00Z", "content": BODY},
            {"url": "https://b.example/y", "source": "B Daily", "title": "T2", "published": "2024-02-03T10:00:00Z", "external_id": None},
        ),
        (
            {"outlet": "C Times", "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT", "body": BODY, "author": ["Ann Lee", "Bo Kim"]},
            {"source": "C Times", "published": "Tue, 05 Mar 2024 10:00:00 GMT", "author": "Ann Lee, Bo Kim"},
        ),
        ({"site": "D Post", "date": "2024-04-05", "text": BODY}, {"source": "D Post", "published": "2024-04-05"}),
    ],
)
def test_json_fields_are_mapped(tmp_path: Path, settings: Settings, record: dict, expected: dict) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    [doc] = read_all([str(path)], settings)
    assert doc.input == f"{path}#1" and doc.body == BODY and doc.kind == "record"
    assert {key: getattr(doc, key) for key in expected} == expected


@pytest.mark.parametrize(
    "payload",
    [
        [{"title": "One", "text": BODY}, {"title": "Two", "text": BODY + " More."}],
        {"status": "ok", "articles": [{"title": "One", "text": BODY}, {"title": "Two", "text": BODY + " More."}]},
    ],
)
def test_json_list_or_container_gives_numbered_records(tmp_path: Path, settings: Settings, payload: object) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert [(doc.input, doc.title) for doc in docs] == [(f"{path}#1", "One"), (f"{path}#2", "Two")]


def test_malformed_json_file_is_rejected_with_line(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n{"title": "x",\n "text": }\n]', encoding="utf-8")
    [doc] = read_all([str(path)], settings)
    assert doc.error == "malformed JSON: Expecting value on line 3"


def test_malformed_jsonl_line_is_rejected_and_other_lines_read(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"title": "First", "text": BODY}), '{"title": "Broken", "text": ', "", json.dumps({"title": "Third", "text": BODY})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert [doc.input for doc in docs] == [f"{path}#1", f"{path}#2", f"{path}#4"]
    assert docs[1].error == "malformed JSON: Expecting value on line 2, column 29"
    assert [clean_document(doc, settings).status for doc in docs] == ["ok", "rejected", "ok"]


def test_json_record_without_text_is_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "notext.jsonl"
    path.write_text(json.dumps({"title": "Only a title"}) + "\n" + json.dumps([1, 2]) + "\n", encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert [reason_category(doc.error or "") for doc in docs] == ["no article text", "not an article record"]
    assert "not an object" in (docs[1].error or "")


def test_csv_rows_use_the_same_field_mapping(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        'Headline,Outlet,Date,Body,URL\n"Bridge falls","North News",2024-03-05,"' + BODY + '",https://n.example/1\n'
        '"Port shut","South News",2024-03-06,"' + BODY.replace("valley", "port") + '",https://s.example/2\n',
        encoding="utf-8",
    )
    docs = read_all([str(path)], settings)
    assert [(doc.input, doc.title, doc.source, doc.published, doc.url) for doc in docs] == [
        (f"{path}#1", "Bridge falls", "North News", "2024-03-05", "https://n.example/1"),
        (f"{path}#2", "Port shut", "South News", "2024-03-06", "https://s.example/2"),
    ]
    assert "port" in (docs[1].body or "")


def _warc_record(number: int, url: str, media_type: str, payload: str) -> bytes:
    """One WARC response record, written out by hand as the format specifies."""
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {media_type}\r\n\r\n{payload}".encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Date: 2024-03-05T10:00:00Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def _warc_bytes(compress: bool) -> bytes:
    pages = [
        ("https://a.example/story", "text/html; charset=utf-8", f"<html><body><article><p>{BODY}</p></article></body></html>"),
        ("https://a.example/logo.png", "image/png", "PNGDATA"),
        ("https://a.example/other", "text/html", f"<html><body><p>{BODY} Second page.</p></body></html>"),
    ]
    records = [_warc_record(n, *page) for n, page in enumerate(pages, start=1)]
    # A .warc.gz holds one gzip member per record.
    return b"".join(gzip.compress(record) if compress else record for record in records)


@pytest.mark.parametrize(("name", "compress"), [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_become_html_documents(tmp_path: Path, settings: Settings, name: str, compress: bool) -> None:
    path = tmp_path / name
    path.write_bytes(_warc_bytes(compress))
    docs = read_all([str(path)], settings)
    assert [(doc.input, doc.kind, doc.url) for doc in docs] == [
        (f"{path}#1", "html", "https://a.example/story"),
        (f"{path}#3", "html", "https://a.example/other"),
    ]
    assert clean_document(docs[0], settings).text == BODY


def test_corrupt_warc_is_rejected_after_good_records(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cut.warc"
    record = _warc_record(1, "https://a.example/x", "text/html", f"<p>{BODY}</p>")
    path.write_bytes(record + b"NOT A WARC HEADER\r\n\r\n" + record)
    docs = read_all([str(path)], settings)
    assert [doc.input for doc in docs] == [f"{path}#1", f"{path}#2"]
    assert docs[0].error is None
    assert (docs[1].error or "").startswith("malformed WARC: the archive breaks after record 1")


def test_warc_without_html_is_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "images.warc"
    path.write_bytes(_warc_record(1, "https://a.example/a.png", "image/png", "PNG"))
    [doc] = read_all([str(path)], settings)
    assert doc.error == "no HTML responses: the WARC archive holds none (1 other record skipped)"


FEED = f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Valley Radio</title>
<item><title>Flood in the valley</title><link>https://radio.example/flood</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{BODY}</p>]]></content:encoded></item>
<item><title>Bridge reopens</title><link>https://radio.example/bridge</link><pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate></item>
<item><title>Slow page</title><link>https://radio.example/slow</link></item>
<item><title>Gone page</title><link>https://radio.example/gone</link></item>
</channel></rss>"""


def fake_site(request: httpx.Request) -> httpx.Response:
    """A mock transport: a few pages, a timeout and a 404."""
    path = request.url.path
    if path == "/bridge":
        page = f"<html><head><title>Bridge reopens</title></head><body><article><p>{BODY} The bridge reopened.</p></article></body></html>"
        return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, text=page)
    if path == "/slow":
        raise httpx.ReadTimeout("timed out", request=request)
    if path == "/feed.xml":
        return httpx.Response(200, headers={"content-type": "application/rss+xml"}, text=FEED)
    if path == "/plain":
        return httpx.Response(200, headers={"content-type": "text/plain"}, text=BODY)
    return httpx.Response(404)


@pytest.fixture
def client(settings: Settings):
    from storylens.ingest.fetch import make_client

    with make_client(settings, transport=httpx.MockTransport(fake_site)) as client:
        yield client


def test_feed_entries_become_records_and_links_are_fetched(
    tmp_path: Path, settings: Settings, client: httpx.Client
) -> None:
    path = tmp_path / "radio.rss"
    path.write_text(FEED, encoding="utf-8")
    docs = read_all([str(path)], settings.with_changes(fetch_retries=0), client=client)
    assert [doc.input for doc in docs] == [f"{path}#{n}" for n in (1, 2, 3, 4)]
    assert (docs[0].kind, docs[0].title, docs[0].published, docs[0].source) == ("html", "Flood in the valley", "2024-03-05", "Valley Radio")
    assert (docs[1].url, docs[1].published, docs[1].error) == ("https://radio.example/bridge", "2024-03-06", None)
    assert "The bridge reopened." in clean_document(docs[1], settings).text
    assert "timed out after 20 s" in (docs[2].error or "")
    assert docs[3].error == "HTTP 404: Not Found at https://radio.example/gone"


@pytest.mark.parametrize(
    ("url", "kind", "error"),
    [
        ("https://radio.example/plain", "text", None),
        ("https://radio.example/nothing", "html", "HTTP 404: Not Found at https://radio.example/nothing"),
    ],
)
def test_url_input_is_fetched_through_the_client(
    settings: Settings, client: httpx.Client, url: str, kind: str, error: str | None
) -> None:
    [doc] = read_all([url], settings, client=client)
    assert (doc.input, doc.kind, doc.error) == (url, kind, error)


def test_url_timeout_is_retried_then_rejected(settings: Settings) -> None:
    from storylens.ingest.fetch import make_client

    calls: list[str] = []

    def always_slow(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectTimeout("timed out", request=request)

    with make_client(settings, transport=httpx.MockTransport(always_slow)) as client:
        [doc] = read_all(["https://slow.example/a"], settings.with_changes(fetch_retries=1, fetch_timeout=3), client=client)
    assert calls == ["https://slow.example/robots.txt"] + ["https://slow.example/a"] * 2  # robots.txt failing allows
    assert doc.error == "timed out after 3 s fetching https://slow.example/a (fetch_timeout)"


def test_stdin_lists_paths_and_urls(
    tmp_path: Path, settings: Settings, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(BODY, encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{path}\n\nhttps://radio.example/plain\n"))
    docs = read_all(["-"], settings, client=client)
    assert [(doc.input, doc.error) for doc in docs] == [(str(path), None), ("https://radio.example/plain", None)]


@pytest.mark.parametrize("text, error", [
    (" date 2026-03-04 Harbour reopens\n\nThe harbour reopened on Monday, the port authority said.\n", None),
    ("   \n", "empty input: nothing was read from stdin"),
])
def test_stdin_holding_an_article_is_read_as_text(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, text: str, error: str | None
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    [doc] = read_all(["-"], settings)
    assert (doc.input, doc.kind, doc.error) == ("<stdin>", "text", error)
    if error is None:
        assert doc.body == text


def test_gzip_text_is_not_mistaken_for_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(gzip.compress(BODY.encode()))
    [doc] = read_all([str(path)], settings)
    assert doc.error == "binary file: not text or HTML"


def test_many_urls_keep_input_order(settings: Settings, client: httpx.Client) -> None:
    urls = [f"https://radio.example/{'plain' if n % 2 else 'missing'}?n={n}" for n in range(8)]
    docs = read_all(urls, settings.with_changes(fetch_concurrency=4), client=client)
    assert [doc.input for doc in docs] == urls
    assert [doc.error is None for doc in docs] == [n % 2 == 1 for n in range(8)]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("saved.txt", f"<!DOCTYPE html><html><body><p>{BODY}</p></body></html>", "html"),
        ("noext", f"<html><body><p>{BODY}</p></body></html>", "html"),
        ("noext2", BODY, "text"),
    ],
)
def test_content_decides_when_the_name_misleads(tmp_path: Path, settings: Settings, name: str, content: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [doc] = read_all([str(path)], settings)
    assert doc.kind == kind
    assert clean_document(doc, settings).text == BODY


def test_deeply_nested_json_is_rejected_not_raised(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert len(docs) == 1 and docs[0].error is not None


# Folders: documentation files are not articles.


def test_folder_skips_documentation_files_and_counts_them(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    names = [
        "README.md", "README-fr.txt", "readme.txt", "LICENSE", "License.txt", "NOTICE.txt", "CHANGELOG.md",
        "CONTRIBUTING.rst", ".draft.txt",
        "notice-to-residents.txt", "readme-review.txt", "story.txt",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    with caplog.at_level("DEBUG", logger="storylens.ingest"):
        docs = read_all([str(tmp_path)], settings)
    assert sorted(Path(doc.input).name for doc in docs) == ["notice-to-residents.txt", "readme-review.txt", "story.txt"]
    assert "skipped 9 hidden or documentation file(s)" in caplog.text
    assert "README-fr.txt: skipped" in caplog.text


def test_documentation_file_named_on_its_own_is_read(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "README.txt"
    path.write_text(BODY, encoding="utf-8")
    [doc] = read_all([str(path)], settings)
    assert doc.error is None and doc.body == BODY


def test_examples_folder_readme_is_not_an_article(settings: Settings) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    docs = read_all([str(examples)], settings)
    names = {Path(doc.input.split("#")[0]).name for doc in docs}
    assert "README.md" not in names
    assert len(names) == len([p for p in examples.iterdir() if p.is_file()]) - 1


# Rejection reasons group by category.


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("empty file", "empty file"),
        ("binary response: not text or HTML", "binary response"),
        ("too large: file is 36 kB, over the 10 kB cap (max_input_bytes)", "too large"),
        ("malformed JSON: Expecting value on line 3", "malformed JSON"),
        ("HTTP 404: Not Found at https://a.example/x", "HTTP 404"),
        ("HTTP 503: Service Unavailable at https://a.example/x (after 3 attempts)", "HTTP 503"),
        ("timed out after 20 s fetching https://a.example/x (fetch_timeout)", "timed out"),
        ("robots.txt of a.example disallows /private/x", "robots.txt"),
        ("redirect loop: https://a.example/a keeps redirecting (https://a.example/a -> https://a.example/b)", "redirect loop"),
        ("not an RSS or Atom feed: the content is an HTML page", "not an RSS or Atom feed"),
        ("unsupported file type: '.docx' (storylens reads .csv, .txt)", "unsupported file type"),
        ("no article text: 10 characters left after cleaning, fewer than 80 (min_text_chars)", "no article text"),
        ("file not found", "file not found"),
        ("something new", "something new"),
    ],
)
def test_reason_category_is_the_leading_phrase(reason: str, category: str) -> None:
    assert reason_category(reason) == category


# Fetching from a local web site (tests/data/ingest/site served on 127.0.0.1).

FAST = {"fetch_timeout": 0.4, "fetch_retries": 0}


def feed_inputs(local_site, tmp_path: Path, via: str, name: str) -> tuple[str, str]:
    """The feed as an input (its URL, or a saved copy) and the input name its entries carry."""
    if via == "url":
        return local_site.url(name), local_site.url(name)
    text = (local_site.root / name).read_text(encoding="utf-8").replace("{base}", local_site.base)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path), str(path)


@pytest.mark.parametrize("via", ["url", "file"])
def test_feed_entries_without_content_are_fetched_and_failures_rejected(
    local_site, tmp_path: Path, settings: Settings, via: str
) -> None:
    item, name = feed_inputs(local_site, tmp_path, via, "feed.rss")
    docs = read_all([item], settings.with_changes(**FAST))
    assert [doc.input for doc in docs] == [f"{name}#{n}" for n in range(1, 8)]
    stored, fetched = docs[0], docs[1]
    assert (stored.error, stored.title, stored.published, stored.source) == (
        None, "Storm closes coast road", "2024-12-02", "Harbour Gazette",
    )  # fmt: skip
    assert (fetched.error, fetched.url, fetched.title, fetched.published, fetched.external_id) == (
        None, local_site.url("pages/bridge.html"), "Swing bridge stuck open", "2024-12-05", "gazette-bridge",
    )  # fmt: skip
    assert "replacement part would arrive" in clean_document(fetched, settings).text
    host = local_site.base.removeprefix("http://")
    assert [doc.error for doc in docs[2:]] == [
        f"timed out after 0.4 s fetching {local_site.url('slow')} (fetch_timeout)",
        f"HTTP 500: Internal Server Error at {local_site.url('status/500')}",
        f"HTTP 404: Not Found at {local_site.url('status/404')}",
        f"redirect loop: {local_site.url('loop/a')} keeps redirecting "
        f"({local_site.url('loop/a')} -> {local_site.url('loop/b')} -> {local_site.url('loop/a')})",
        f"robots.txt of {host} disallows /private/memo.html",
    ]
    assert [clean_document(doc, settings).status for doc in docs] == ["ok", "ok"] + ["rejected"] * 5


def test_fetches_send_the_user_agent_and_read_robots_once(local_site, settings: Settings) -> None:
    settings = settings.with_changes(user_agent="lens-test/9.9", **FAST)
    pages = [local_site.url(f"pages/{name}.html") for name in ("bridge", "ferry", "market", "tide")]
    docs = read_all([local_site.url("feed.rss"), *pages], settings)
    assert all(doc.error is None for doc in docs[-4:])
    assert local_site.hits("/robots.txt") == 1
    assert local_site.hits("/private/memo.html") == 0
    assert {agent for _path, agent in local_site.requests} == {"lens-test/9.9"}


def test_server_error_is_retried_with_backoff(local_site, settings: Settings) -> None:
    url = local_site.url("status/503")
    [doc] = read_all([url], settings.with_changes(fetch_retries=1))
    assert local_site.hits("/status/503") == 2
    assert doc.error == f"HTTP 503: Service Unavailable at {url} (after 2 attempts)"


@pytest.mark.parametrize("concurrency", [1, 3])
def test_entry_pages_are_fetched_with_bounded_concurrency(local_site, settings: Settings, concurrency: int) -> None:
    docs = read_all([local_site.url("parallel.rss")], settings.with_changes(fetch_concurrency=concurrency))
    assert [doc.error for doc in docs] == [None] * 6
    assert [doc.title for doc in docs] == ["Bridge", "Ferry", "Market", "School", "Lighthouse", "Tide"]
    assert local_site.max_in_flight == concurrency


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not-a-feed.rss", "not an RSS or Atom feed: the content is an HTML page"),
        ("sitemap.xml", "not an RSS or Atom feed: the XML root element is <urlset>"),
    ],
)
@pytest.mark.parametrize("via", ["url", "file"])
def test_feed_that_is_not_a_feed_is_rejected(
    local_site, tmp_path: Path, settings: Settings, via: str, name: str, reason: str
) -> None:
    item, _name = feed_inputs(local_site, tmp_path, via, name)
    [doc] = read_all([item], settings.with_changes(**FAST))
    assert doc.error == reason
    assert reason_category(doc.error) == "not an RSS or Atom feed"


def test_atom_entry_link_is_followed_through_a_redirect(local_site, settings: Settings) -> None:
    [doc] = read_all([local_site.url("atom.xml")], settings.with_changes(**FAST))
    assert (doc.error, doc.url, doc.source, doc.published) == (
        None, local_site.url("pages/ferry.html"), "Islands Weekly", "2024-12-09",
    )  # fmt: skip
    assert "forty cabins" in clean_document(doc, settings).text


def robots_transport(robots: httpx.Response | Exception):
    """A mock site whose robots.txt answers `robots` and whose pages are all articles."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            if isinstance(robots, Exception):
                raise robots
            return robots
        return httpx.Response(200, headers={"content-type": "text/plain"}, text=BODY)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.Response(500), True),
        (httpx.Response(404), True),
        (httpx.Response(200, text="User-agent: storylens\nDisallow: /news/\n"), False),
        (httpx.Response(200, text="User-agent: otherbot\nDisallow: /\n"), True),
        (httpx.Response(200, text="User-agent: *\nDisallow: /\n"), False),
    ],
)
def test_robots_rules_apply_and_a_failing_robots_fetch_allows(
    settings: Settings, robots: httpx.Response | Exception, allowed: bool
) -> None:
    from storylens.ingest.fetch import make_client

    with make_client(settings, transport=robots_transport(robots)) as client:
        [doc] = read_all(["https://news.example/news/a"], settings, client=client)
    assert (doc.error is None) == allowed
    if not allowed:
        assert doc.error == "robots.txt of news.example disallows /news/a"


class DictCache:
    """An in-memory HttpCache."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def get(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        return self.entries.get(url)

    def put(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        self.entries[url] = (status, headers, body)


def test_cache_answers_repeat_fetches_without_the_network(local_site, settings: Settings) -> None:
    from storylens.ingest.fetch import make_client

    cache = DictCache()
    inputs = [local_site.url("atom.xml"), local_site.url("pages/bridge.html")]
    first = read_all(inputs, settings.with_changes(**FAST), cache=cache)
    assert set(cache.entries) == {*inputs, local_site.url("redirect/pages/ferry.html")}
    served = len(local_site.requests)

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("offline", request=request)

    with make_client(settings, transport=httpx.MockTransport(offline)) as client:
        again = read_all(inputs, settings.with_changes(**FAST), client=client, cache=cache)
    assert again == first
    assert again[0].url == local_site.url("pages/ferry.html")  # the final URL of the redirect is kept
    assert len(local_site.requests) == served


def test_cached_error_status_is_a_fetch_error(settings: Settings) -> None:
    from storylens.errors import FetchError
    from storylens.ingest.fetch import fetch_url, make_client

    cache = DictCache()
    cache.put("https://gone.example/x", 410, {"Content-Type": "text/plain"}, b"")
    with make_client(settings, transport=httpx.MockTransport(lambda request: httpx.Response(200))) as client:
        with pytest.raises(FetchError, match="^HTTP 410"):
            fetch_url("https://gone.example/x", client, settings, cache=cache)


def test_too_many_redirects_are_rejected(settings: Settings) -> None:
    from storylens.ingest.fetch import MAX_REDIRECTS, make_client

    def onward(request: httpx.Request) -> httpx.Response:
        step = int(request.url.params.get("n", "0"))
        return httpx.Response(302, headers={"location": f"/next?n={step + 1}"})

    with make_client(settings, transport=httpx.MockTransport(onward)) as client:
        [doc] = read_all(["https://hops.example/next?n=0"], settings, client=client)
    assert doc.error == f"too many redirects: more than {MAX_REDIRECTS} fetching https://hops.example/next?n=0"


@pytest.mark.parametrize("media_type", ["text/html; charset=utf-8", "text/plain", "application/octet-stream"])
def test_feed_is_read_as_a_feed_whatever_its_media_type(settings: Settings, media_type: str) -> None:
    from storylens.ingest.fetch import make_client

    def site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed":
            return httpx.Response(200, headers={"content-type": media_type}, text=FEED)
        return fake_site(request)

    with make_client(settings, transport=httpx.MockTransport(site)) as client:
        docs = read_all(["https://radio.example/feed"], settings.with_changes(fetch_retries=0), client=client)
    assert [doc.input for doc in docs] == [f"https://radio.example/feed#{n}" for n in (1, 2, 3, 4)]
    assert docs[0].title == "Flood in the valley" and docs[1].error is None


def test_retry_after_header_is_read_as_seconds_or_a_date() -> None:
    from storylens.ingest.fetch import retry_after_seconds

    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_busy_server_is_retried_after_the_pause_it_asks_for(local_site, settings: Settings) -> None:
    url = local_site.url("busy/1")
    [doc] = read_all([url], settings.with_changes(fetch_retries=1))
    assert local_site.hits("/busy/1") == 2
    assert doc.error == f"HTTP 429: Too Many Requests at {url} (after 2 attempts)"


def test_a_server_asking_for_a_long_pause_fails_at_once_with_the_reason(local_site, settings: Settings) -> None:
    url = local_site.url("busy/600")
    [doc] = read_all([url], settings.with_changes(fetch_retries=3))
    assert local_site.hits("/busy/600") == 1
    assert doc.error == f"HTTP 429: Too Many Requests at {url}; the server asked to wait 600s"
