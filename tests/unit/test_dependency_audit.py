"""`make lint`'s dependency audit (tools/audit_dependencies.py): it reads pip-audit's JSON report. A known
vulnerability fails; a database that cannot be reached, or that finds no dependency at all (the registry mirror
here), is a skip with a message, never a clean audit. pip-audit itself is stood in for by a script printing what
the real one prints in each case."""

import importlib.util
import json
import stat
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "audit_dependencies.py"


@pytest.fixture
def audit_with(tmp_path, monkeypatch):
    """The tool, with `pip-audit` answering `answers[service]` (stdout, stderr, exit code)."""

    def load(answers: dict):
        script = tmp_path / "pip-audit"
        script.write_text(
            f"#!{sys.executable}\n"
            "import json, sys\n"
            f"answers = json.loads({json.dumps(json.dumps(answers))})\n"
            "out, err, code = answers[sys.argv[sys.argv.index('-s') + 1]]\n"
            "sys.stdout.write(out); sys.stderr.write(err); sys.exit(code)\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        spec = importlib.util.spec_from_file_location("audit_dependencies", TOOL)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        monkeypatch.setattr(module, "PIP_AUDIT", script)
        return module

    return load


def _report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


NOT_FOUND = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2)"}
OFFLINE = ("", "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'\n", 1)


def test_a_known_vulnerability_fails(audit_with, capsys):
    vulnerable = {"name": "django", "version": "5.2", "vulns": [{"id": "PYSEC-0", "fix_versions": ["5.2.1"]}]}
    tool = audit_with({"pypi": (_report(vulnerable, {"name": "ninja", "version": "1", "vulns": []}), "", 1)})
    assert tool.main() == 1
    assert "django 5.2: PYSEC-0 (fixed in 5.2.1)" in capsys.readouterr().out


def test_a_clean_audit_passes_and_says_how_much_it_audited(audit_with, capsys):
    tool = audit_with({"pypi": (_report({"name": "django", "version": "5.2", "vulns": []}, NOT_FOUND), "", 0)})
    assert tool.main() == 0
    assert "1 dependencies audited, 1 not found, 0 known vulnerabilities" in capsys.readouterr().out


def test_no_reachable_database_is_a_skip_with_a_message_not_a_clean_audit(audit_with, capsys):
    # PyPI's mirror answers but finds no release (pip-audit alone would say "No known vulnerabilities found");
    # OSV cannot be reached at all.
    tool = audit_with({"pypi": (_report(NOT_FOUND), "", 0), "osv": OFFLINE})
    assert tool.main() == 0
    out = capsys.readouterr().out
    assert "SKIPPED" in out and "NOT audited" in out and "api.osv.dev" in out


def test_osv_is_asked_when_pypi_cannot_be(audit_with, capsys):
    vulnerable = {"name": "jinja2", "version": "3.0", "vulns": [{"id": "GHSA-x", "fix_versions": []}]}
    tool = audit_with({"pypi": OFFLINE, "osv": (_report(vulnerable), "", 1)})
    assert tool.main() == 1
    assert "jinja2 3.0: GHSA-x (fixed in no fixed release)" in capsys.readouterr().out


def test_pip_audit_failing_for_another_reason_fails(audit_with):
    tool = audit_with({"pypi": ("", "Traceback ...\nValueError: bad requirement\n", 2)})
    with pytest.raises(SystemExit, match="bad requirement"):
        tool.main()
