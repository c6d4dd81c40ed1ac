"""Reading inputs: formats, folders, URLs, and bad input turned into rejected records."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import httpx
import pytest

from storylens.clean import clean_document
from storylens.ingest import read_inputs
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
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file (not text or HTML)"),
        ("nul.html", b"<html>\x00\x01\x02\x00 body</html>", "binary file (not text or HTML)"),
        ("report.docx", b"PK\x03\x04 whatever", "unsupported file type '.docx'"),
        ("garbage.txt", bytes(range(0x80, 0x100)) * 3, "cannot decode as text"),
        ("missing.txt", None, "file not found"),
    ],
)
def test_bad_file_becomes_rejected_record_with_reason(
    tmp_path: Path, settings: Settings, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    [doc] = read_all([str(path)], settings)
    assert doc.body is None
    assert doc.error is not None and reason in doc.error
    article = clean_document(doc, settings)
    assert article.status == "rejected" and reason in (article.reason or "")


def test_file_over_the_size_cap_is_rejected_with_sizes(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "big.txt"
    path.write_text(BODY * 200, encoding="utf-8")
    [doc] = read_all([str(path)], settings.with_changes(max_input_bytes=10_000))
    assert doc.error == "file is 36 kB, over the 10 kB cap (max_input_bytes)"


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
    assert doc.error is not None and doc.error.startswith("malformed JSON on line 3")


def test_malformed_jsonl_line_is_rejected_and_other_lines_read(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"title": "First", "text": BODY}), '{"title": "Broken", "text": ', "", json.dumps({"title": "Third", "text": BODY})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert [doc.input for doc in docs] == [f"{path}#1", f"{path}#2", f"{path}#4"]
    assert docs[1].error is not None and docs[1].error.startswith("malformed JSON on line 2")
    assert [clean_document(doc, settings).status for doc in docs] == ["ok", "rejected", "ok"]


def test_json_record_without_text_is_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "notext.jsonl"
    path.write_text(json.dumps({"title": "Only a title"}) + "\n" + json.dumps([1, 2]) + "\n", encoding="utf-8")
    docs = read_all([str(path)], settings)
    assert "no article text" in (docs[0].error or "")
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
    assert (docs[1].error or "").startswith("malformed WARC archive after record 1")


def test_warc_without_html_is_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "images.warc"
    path.write_bytes(_warc_record(1, "https://a.example/a.png", "image/png", "PNG"))
    [doc] = read_all([str(path)], settings)
    assert doc.error == "WARC archive holds no HTML responses (1 other record skipped)"


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
    assert docs[3].error == "HTTP 404 Not Found from https://radio.example/gone"


@pytest.mark.parametrize(
    ("url", "kind", "error"),
    [
        ("https://radio.example/plain", "text", None),
        ("https://radio.example/nothing", "html", "HTTP 404 Not Found from https://radio.example/nothing"),
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
    assert len(calls) == 2
    assert doc.error == "timed out after 3 s fetching https://slow.example/a (fetch_timeout)"


def test_stdin_lists_paths_and_urls(
    tmp_path: Path, settings: Settings, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(BODY, encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{path}\n\nhttps://radio.example/plain\n"))
    docs = read_all(["-"], settings, client=client)
    assert [(doc.input, doc.error) for doc in docs] == [(str(path), None), ("https://radio.example/plain", None)]


def test_gzip_text_is_not_mistaken_for_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(gzip.compress(BODY.encode()))
    [doc] = read_all([str(path)], settings)
    assert doc.error == "binary file (not text or HTML)"


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
