import pytest

from storylens.cli import _settings_from, build_parser, main


def subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_has_help(name):
    sub = subcommands()[name]
    assert sub.description or sub.format_help()
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"{name} {action.dest} has no help text"


def test_settings_lists_every_setting_with_help(capsys):
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "cluster_threshold = 0.225" in out and "Average pair score" in out


def test_unknown_setting_is_a_clean_error(capsys, tmp_path):
    code = main(["analyze", str(tmp_path), "--out", str(tmp_path / "r"), "--set", "no_such=1"])
    assert code == 2
    assert "Unknown setting" in capsys.readouterr().err


@pytest.mark.parametrize("value, expected", [("false", False), ("0", False), ("true", True), ("yes", True)])
def test_boolean_settings_read_false_as_false(value, expected):
    args = build_parser().parse_args(["analyze", "x", "--set", f"encoder_quantized={value}"])
    assert _settings_from(args).encoder_quantized is expected


def test_a_boolean_setting_rejects_other_words(capsys, tmp_path):
    code = main(["analyze", str(tmp_path), "--out", str(tmp_path / "r"), "--set", "encoder_quantized=maybe"])
    assert code == 2
    assert "expected true or false" in capsys.readouterr().err


def test_serve_passes_the_upload_limit_to_the_app(monkeypatch, tmp_path):
    import uvicorn

    import storylens.web.app as web_app

    seen = {}
    monkeypatch.setattr(web_app, "create_app", lambda db, **options: seen.update(options) or "app")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(served=app))
    assert main(["serve", "--db", str(tmp_path / "s.db"), "--max-upload-mb", "2.5"]) == 0
    assert seen["max_request_bytes"] == 2_500_000 and seen["served"] == "app"


def test_serve_rejects_a_limit_that_is_not_positive(capsys, tmp_path):
    assert main(["serve", "--db", str(tmp_path / "s.db"), "--max-upload-mb", "0"]) != 0
    assert "--max-upload-mb" in capsys.readouterr().err


# -- stopping and failing cleanly ---------------------------------------------------------------------

def run_python(code: str, *args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_sigterm_stops_a_run_like_ctrl_c():
    code = """
import os, signal, sys, time
import storylens.cli as cli

def settings_then_terminated(args):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
    return 0

cli.command_settings = settings_then_terminated
sys.exit(cli.main(["settings"]))
"""
    done = run_python(code)
    assert done.returncode == 143
    assert "storylens: interrupted" in done.stderr and "run the same command again" in done.stderr
    assert "Traceback" not in done.stderr


WRITE_UNDER_A_FULL_DISK = """
import json, resource, signal, sys
from pathlib import Path
from storylens.report import write_reports
from storylens.errors import StorylensError

out = Path(sys.argv[1])
dossier = json.loads((out / "next.json").read_text())
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
try:
    write_reports(dossier, out)
except StorylensError as error:
    print(error)
    sys.exit(2)
"""


def test_a_report_that_cannot_be_written_whole_leaves_the_previous_one(tmp_path):
    import json

    from storylens.records import Article
    from storylens.report import dossier_to_dict, write_reports

    def dossier(text: str) -> dict:
        article = Article(id="a1", input="a.txt", source="Wire", title="Harbour", published="2026-02-02",
                          language="en", status="ok", reason=None, text=text)
        return dossier_to_dict([article], [], "2026-02-02T00:00:00Z")

    out = tmp_path / "report"
    write_reports(dossier("The harbour reopened."), out)
    before = (out / "dossier.json").read_text()
    (out / "next.json").write_text(json.dumps(dossier("The harbour reopened after the storm. " * 2000)))
    done = run_python(WRITE_UNDER_A_FULL_DISK, str(out))
    assert done.returncode == 2, done.stderr
    assert "Cannot write the report" in done.stdout and "previous report files are unchanged" in done.stdout
    assert (out / "dossier.json").read_text() == before
    json.loads((out / "dossier.json").read_text())
    assert not list(out.glob(".*.tmp"))


def test_an_unwritable_store_is_a_clean_error(tmp_path, capsys, monkeypatch):
    from storylens.errors import StoreError
    from storylens.store import store_write_error

    error = store_write_error("s.db", __import__("sqlite3").OperationalError("database or disk is full"))
    assert isinstance(error, StoreError) and "Free some space" in str(error)
    import storylens.cli as cli

    def failing(args):
        raise error

    monkeypatch.setattr(cli, "command_settings", failing)
    assert main(["settings"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("storylens: error: Cannot write the store") and "Traceback" not in err
