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
