"""Ingest under hostile files and servers: every input ends, in bounded memory, with a record."""

from __future__ import annotations

import gzip
import http.server
import itertools
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.ingest.decode import decode_bytes
from storylens.ingest.structured import read_csv
from storylens.settings import Settings

PAGE = ("<html><head><title>Harbour reopens</title></head><body><article><p>The harbour at Calder reopened "
        "on Monday after a storm closed it for three days, the port authority said.</p></article></body></html>")


def warc_record(uri: str, html: bytes, extra_header: bytes = b"") -> bytes:
    """One WARC response record holding an HTML page."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri.encode() + b"\r\n"
            b"WARC-Record-ID: <urn:uuid:" + uri[-8:].encode().rjust(8, b"0") + b">\r\n" + extra_header +
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: " + str(len(http)).encode() +
            b"\r\n\r\n" + http + b"\r\n\r\n")


def write_warc_gz(path: Path, records: list[bytes]) -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(gzip.compress(record))
    return path


def documents(inputs: list[str], settings: Settings) -> list:
    return list(read_inputs(inputs, settings))


# -- 5. memory without bound: archives that expand without limit --------------------------------

def test_a_warc_expanding_past_the_decompression_limit_is_rejected_where_it_crosses_it(tmp_path):
    good = warc_record("https://news.example/a", PAGE.encode())
    bomb = warc_record("https://news.example/b", b"<html><body>" + b" " * 3_000_000 + b"</body></html>")
    path = write_warc_gz(tmp_path / "bomb.warc.gz", [good, bomb])
    assert path.stat().st_size < 100_000  # small on disk, 3 MB expanded
    settings = Settings().with_changes(max_decompressed_bytes=1_000_000)
    docs = documents([str(path)], settings)
    assert docs[0].error is None and "Calder" in docs[0].body
    assert docs[-1].error is not None and docs[-1].error.startswith("too large")
    assert "max_decompressed_bytes" in docs[-1].error


def test_a_warc_header_line_past_the_line_limit_is_rejected(tmp_path):
    header = b"X-Padding: " + b"a" * 2_000_000 + b"\r\n"
    path = write_warc_gz(tmp_path / "longline.warc.gz", [warc_record("https://news.example/a", PAGE.encode(), header)])
    settings = Settings().with_changes(max_line_bytes=100_000)
    (doc,) = documents([str(path)], settings)
    assert doc.error is not None and "max_line_bytes" in doc.error


def test_an_ordinary_warc_still_reads_within_the_limits(tmp_path):
    path = write_warc_gz(tmp_path / "ok.warc.gz", [warc_record(f"https://news.example/{n}", PAGE.encode())
                                                   for n in range(3)])
    settings = Settings().with_changes(max_decompressed_bytes=100_000, max_line_bytes=10_000)
    docs = documents([str(path)], settings)
    assert [d.error for d in docs] == [None, None, None]


# -- 5 and 6. servers that send without end or drip ---------------------------------------------

class HostileServer:
    """A local HTTP server: an endless robots.txt, or robots.txt or a page sent one byte at a time."""

    def __init__(self, robots: str = "none", page: str = "normal") -> None:
        self.robots = robots
        self.page = page
        self.sent: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                mode = server.robots if self.path == "/robots.txt" else server.page
                if mode == "none":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = (b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else PAGE.encode())
                if mode == "drip_headers":
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 150 + b"\r\n\r\n"
                    for byte in head:  # 30 s at most, so a failing test ends
                        if not server.write(self, self.path, bytes([byte])):
                            return
                        time.sleep(0.2)
                    server.write(self, self.path, body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
                if mode == "endless":
                    self.end_headers()  # no length: the body ends when the connection does
                    chunk = b"# " + b"x" * 1022 + b"\n"
                    for _ in range(50_000):  # 50 MB at most, so a failing test ends
                        if not server.write(self, self.path, chunk):
                            return
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if mode == "drip":
                    for byte in body[:150]:  # 30 s at most, so a failing test ends
                        if not server.write(self, self.path, bytes([byte])):
                            return
                        time.sleep(0.2)
                    server.write(self, self.path, body[150:])
                    return
                server.write(self, self.path, body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def write(self, handler: http.server.BaseHTTPRequestHandler, path: str, data: bytes) -> bool:
        try:
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            return False
        self.sent[path] = self.sent.get(path, 0) + len(data)
        return True

    def __enter__(self) -> "HostileServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_an_endless_robots_txt_is_read_no_further_than_500_kib():
    with HostileServer(robots="endless") as server:
        (doc,) = documents([server.base + "/page.html"], Settings())
    assert doc.error is None and "Calder" in doc.body
    # The server may push a little ahead into socket buffers, but not the 50 MB it would send.
    assert server.sent["/robots.txt"] < 8_000_000


@pytest.mark.parametrize("robots, page", [("none", "drip"), ("drip", "normal"), ("none", "drip_headers"),
                                          ("drip_headers", "normal")])
def test_a_server_dripping_bytes_is_cut_off_at_the_url_deadline(robots, page):
    settings = Settings().with_changes(fetch_deadline=1.0, fetch_timeout=5.0, fetch_retries=0)
    with HostileServer(robots=robots, page=page) as server:
        (doc,) = documents([server.base + "/page.html"], settings)
    assert doc.error is not None and doc.error.startswith("timed out")
    assert "fetch_deadline" in doc.error
    assert sum(server.sent.values()) < 100  # a few bytes in one second, not the whole drip


# -- 6. folders that link to themselves -----------------------------------------------------------

ARTICLE = ("Harbour reopens after storm\n\nThe harbour at Calder reopened on Monday after a storm closed it "
           "for three days, the port authority said. Ferries resumed on the northern route.\n")


def test_links_back_into_a_folder_never_read_a_file_twice(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLE)
    (folder / "self").symlink_to(".")
    (folder / "again").symlink_to(folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")
    # At most a few documents are taken: a walk that follows the links would go on for 2^40 paths.
    docs = list(itertools.islice(read_inputs([str(folder)], Settings()), 5))
    assert [Path(d.input).name for d in docs] == ["story.txt"]


def test_a_folder_that_cannot_be_listed_becomes_a_rejected_record(tmp_path, monkeypatch):
    folder = tmp_path / "news"
    (folder / "locked").mkdir(parents=True)
    (folder / "story.txt").write_text(ARTICLE)
    real_iterdir = Path.iterdir

    def iterdir(self: Path) -> Iterator[Path]:
        if self.name == "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    docs = {Path(d.input).name: d for d in documents([str(folder)], Settings())}
    assert docs["locked"].error == "cannot read folder: Permission denied"
    assert docs["story.txt"].error is None


def test_a_file_that_cannot_be_read_becomes_a_rejected_record(tmp_path, monkeypatch):
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE)
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "story.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    (doc,) = documents([str(path)], Settings())
    assert doc.error == "cannot read file: Permission denied"


# -- 7. input identity ------------------------------------------------------------------------------

def test_an_input_is_the_same_whichever_way_its_path_is_typed(tmp_path, monkeypatch):
    from storylens.ingest import canonical_input

    (tmp_path / "feeds").mkdir()
    path = tmp_path / "feeds" / "wire.jsonl"
    path.write_text("{}\n")
    (tmp_path / "link").symlink_to(tmp_path / "feeds")
    monkeypatch.chdir(tmp_path)
    names = [str(path), "feeds/wire.jsonl", "./feeds/../feeds/wire.jsonl", "link/wire.jsonl"]
    assert len({canonical_input(name) for name in names}) == 1
    assert canonical_input("feeds/wire.jsonl#12") == canonical_input(str(path)) + "#12"
    assert canonical_input("https://news.example/a#1") == "https://news.example/a#1"


# -- 8. malformed CSV ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, bad_row", [
    # The quote is never closed: the rest of the file would be one field.
    ('id,title,text\n1,Calm,fine text\n2,"Broken,quote text\n3,Third,text three\n4,Fourth,text four\n', 2),
    # The quote closes on a later row: the rows between would vanish into one field.
    ('id,title,text\n1,Calm,fine text\n2,"Broken quote,text two\n3,Third,"text three"\n4,Fourth,text four\n', 2),
])
def test_a_csv_row_swallowed_by_a_broken_quote_is_rejected_with_its_row(text, bad_row):
    docs = list(read_csv(text, "feed.csv"))
    rejected = [d for d in docs if d.error]
    assert rejected, [d.body for d in docs]
    assert rejected[0].input == f"feed.csv#{bad_row}"
    assert rejected[0].error.startswith("malformed CSV") and f"row {bad_row}" in rejected[0].error
    assert docs[0].error is None and docs[0].body == "fine text"


def test_a_quoted_csv_field_over_several_lines_is_not_malformed():
    text = 'id,title,text\n1,Calm,"First paragraph, with a comma.\n\nSecond paragraph, also, with commas."\n2,B,two\n'
    docs = list(read_csv(text, "feed.csv"))
    assert [d.error for d in docs] == [None, None]
    assert docs[0].body.startswith("First paragraph") and docs[0].body.endswith("commas.")


# -- 10. invalid UTF-8 ----------------------------------------------------------------------------------

def test_utf8_with_a_bad_byte_keeps_its_accents_and_notes_the_replacement(tmp_path, caplog):
    path = tmp_path / "cafe.txt"
    path.write_bytes("Café owners in Zürich said the naïve plan would cost 5 €.".encode() + b" \xff More text.")
    with caplog.at_level(logging.WARNING):
        (doc,) = documents([str(path)], Settings())
    assert "Café" in doc.body and "Zürich" in doc.body and "€" in doc.body
    assert "\ufffd" in doc.body and "Ã" not in doc.body
    assert any("cafe.txt" in r.getMessage() and "invalid UTF-8" in r.getMessage() for r in caplog.records)


def test_single_byte_text_is_still_read_in_its_own_encoding():
    data = "Les cafés de Zürich ont fermé à midi, a indiqué la mairie.".encode("cp1252")
    assert decode_bytes(data) == "Les cafés de Zürich ont fermé à midi, a indiqué la mairie."
