"""The outlet directory: reading CSV and YAML, matching articles, explaining bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.errors import SettingsError
from storylens.outlets import Outlet, OutletDirectory, load_outlets, normalise_domain

CSV = """domain,name,country,owner,tags
riverside-post.example,Riverside Post,GB,Riverside Media Group,local;daily
https://www.capital-ledger.example/,Capital Ledger,US,,business | finance
wire.example,Continental Wire,,Continental Wire Co-op,
"""

YAML = """# outlets we follow
- domain: riverside-post.example
  name: Riverside Post
  country: GB
  owner: Riverside Media Group
  tags: [local, daily]
- domain: www.capital-ledger.example
  name: Capital Ledger
  country: US
  tags:
    - business
    - finance
- domain: wire.example
  name: Continental Wire
  owner: Continental Wire Co-op
"""

EXPECTED = (
    Outlet("riverside-post.example", "Riverside Post", "GB", "Riverside Media Group", ("local", "daily")),
    Outlet("capital-ledger.example", "Capital Ledger", "US", None, ("business", "finance")),
    Outlet("wire.example", "Continental Wire", None, "Continental Wire Co-op", ()),
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text"), [("outlets.csv", CSV), ("outlets.yaml", YAML), ("outlets.yml", YAML)])
def test_csv_and_yaml_give_the_same_directory(tmp_path: Path, name: str, text: str) -> None:
    directory = load_outlets(write(tmp_path, name, text))
    assert directory.outlets == EXPECTED


@pytest.fixture
def directory() -> OutletDirectory:
    return OutletDirectory(EXPECTED)


@pytest.mark.parametrize(
    ("source", "url", "expected"),
    [
        ("", "https://riverside-post.example/news/1", "Riverside Post"),
        ("", "https://www.riverside-post.example/news/1", "Riverside Post"),
        ("", "http://live.news.riverside-post.example:8080/x", "Riverside Post"),
        ("Someone Else", "https://capital-ledger.example/a", "Capital Ledger"),
        ("riverside post", None, "Riverside Post"),
        ("  Capital   Ledger ", "https://unknown.example/a", "Capital Ledger"),
        ("www.wire.example", None, "Continental Wire"),
        ("feeds.wire.example", None, "Continental Wire"),
        ("Nobody", "https://riverside-post.example.evil.example/x", None),
        ("Nobody", "https://post.example/x", None),
        ("", None, None),
    ],
)
def test_lookup_matches_domain_then_source(
    directory: OutletDirectory, source: str, url: str | None, expected: str | None
) -> None:
    outlet = directory.lookup(source, url)
    assert (outlet.name if outlet else None) == expected


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("WWW.Example.COM", "example.com"),
        ("https://www.example.com/path?q=1", "example.com"),
        ("example.com:443/x", "example.com"),
        ("news.example.com.", "news.example.com"),
    ],
)
def test_normalise_domain(value: str, domain: str) -> None:
    assert normalise_domain(value) == domain


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("o.csv", "", "empty file"),
        ("o.csv", "domain,name,contry\na.example,A,GB\n", "line 1: unknown column(s) contry"),
        ("o.csv", "domain,name\na.example,A\nnot a domain,B\n", "line 3: 'not a domain' is not a domain name"),
        ("o.csv", "domain,name\na.example,A\nb.example,\n", "line 3: the outlet of b.example has an empty name"),
        ("o.csv", "domain,name\na.example,A\nwww.a.example,A again\n", "line 3: domain 'a.example' is already listed on line 2"),
        ("o.csv", "domain,name\na.example,A,extra\n", "line 2: more values than the 2 columns"),
        ("o.csv", "name,country\nA,GB\n", "line 2: no 'domain'"),
        ("o.yaml", "- domain: a.example\n  name: A\n- domain: b.example\n", "line 3: no 'name'"),
        ("o.yaml", "- domain: a.example\n  name: A\n- just text\n", "line 3: expected a mapping"),
        ("o.yaml", "- domain: a.example\n  name: [A, B]\n", "line 1: 'name' must be text, not a list"),
        ("o.yaml", "- domain: a.example\n  name: A\n  tags: {x: 1}\n", "line 1: 'tags' must be a list"),
        ("o.yaml", "domain: a.example\n", "expected a list of outlets"),
        ("o.yaml", "- domain: a.example\n  name: 'A\n", "malformed YAML"),
        ("o.json", "[]", "unknown file type '.json'"),
    ],
)
def test_bad_file_is_a_settings_error_saying_where(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(SettingsError) as raised:
        load_outlets(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_outlets(tmp_path / "nowhere.csv")


def test_yaml_may_wrap_the_list_under_outlets(tmp_path: Path) -> None:
    text = "outlets:\n" + "".join(f"  {line}\n" for line in YAML.splitlines()[1:])
    assert load_outlets(write(tmp_path, "o.yaml", text)).outlets == EXPECTED
