"""Transport, cookies, Content Security Policy and development defaults (issue 14 §13): what production
settings promise, checked by Django's own deployment checks in a process without SUTIAO_DEV, and what every
page sends."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "sutiao"
PLATFORMS = ("court", "investor")


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUTIAO_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        SUTIAO_SECRET_KEY=secrets.token_urlsafe(50),
        SUTIAO_FIELD_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        SUTIAO_VAR_DIR=str(tmp_path),
        SUTIAO_BASE_URL="https://platform.example.cn",  # production is reached over https (passkeys need it)
    )
    env.update(extra)
    return env


def _django(platform: str, env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**env, "DJANGO_SETTINGS_MODULE": f"sutiao.settings.{platform}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_production_settings_pass_djangos_deployment_checks(platform, tmp_path):
    https = _production_env(tmp_path, SUTIAO_BASE_URL=f"https://{platform}.example.cn")
    done = _django(platform, https, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # Passkeys belong to the platform's https address; a plain-http one outside development fails the checks.
    passkeys = _django(
        platform,
        https,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.OTP_WEBAUTHN_RP_ID, *s.OTP_WEBAUTHN_ALLOWED_ORIGINS)",
    )
    assert passkeys.stdout.split() == [f"{platform}.example.cn", f"https://{platform}.example.cn"]
    plain = _django(platform, _production_env(tmp_path, SUTIAO_BASE_URL="http://10.1.1.1:8001"), "check")
    assert plain.returncode != 0 and "otp_webauthn.E031" in plain.stderr
    shown = _django(
        platform,
        _production_env(tmp_path, SUTIAO_TRUSTED_PROXIES="10.0.0.1"),
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
    )
    assert shown.stdout.split() == ["True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_development_default_without_sutiao_dev(platform, tmp_path):
    env = _production_env(tmp_path)
    del env["SUTIAO_SECRET_KEY"]
    done = _django(platform, env, "check")
    assert done.returncode != 0 and "SUTIAO_SECRET_KEY must be set" in done.stderr


@pytest.mark.parametrize(
    ("platform", "command"),
    [("court", "seed_demo"), ("court", "seed_demo_cases"), ("investor", "seed_demo_registry"), ("court", "totp")],
)
def test_demo_data_refuses_to_load_outside_development(platform, command, tmp_path):
    args = ["operator"] if command == "totp" else []
    done = _django(platform, _production_env(tmp_path), command, *args)
    assert done.returncode != 0
    assert "只在开发环境（SUTIAO_DEV=1）中可用" in done.stderr


def test_no_template_carries_an_inline_script_or_event_handler():
    """The Content Security Policy refuses inline scripts: behaviour lives in static/sutiao/site.js."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    found = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        found += [
            f"{template.relative_to(SRC)}: {m.group(0)}" for m in (*inline.finditer(text), *handler.finditer(text))
        ]
    assert found == []


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/accounts/login/")
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_charts_go_out_without_pygals_inline_script():
    from sutiao.reports import charts

    svg = charts.bars("受理情况", ["一月", "二月"], {"受理": [3, 5]}) + charts.line(
        "成功率", ["一月"], {"成功率": [50]}
    )
    assert "<svg" in svg and "<script" not in svg
