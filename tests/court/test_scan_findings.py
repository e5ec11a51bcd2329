"""What the wapiti scan of the running platforms (make scan, bench/scan.py; issue 14) reported, pinned down.

- "CSRF token not properly checked" on the public forms: a false positive (wapiti's replay of the genuine
  request had lost the CSRF cookie, so both answers were the same refusal). The forms refuse a wrong token and
  accept the right one, proven here.
- The refusal itself was Django's bare English page: it is now the platform's own page, in Chinese."""

import re

import pytest
from django.test import Client

FORMS = {
    "/accounts/login/": {"username": "nobody", "password": "not-the-password"},
    "/accounts/password-reset/": {"email": "wapiti2021@mailinator.com"},
    "/accounts/sms-login/": {"mobile": "13900000000", "send": "1"},
}


@pytest.mark.parametrize("url", FORMS)
def test_public_forms_refuse_a_forged_anti_forgery_token(db, url):
    client = Client(enforce_csrf_checks=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)
    forged = client.post(url, {**FORMS[url], "csrfmiddlewaretoken": "wapiti"})
    assert forged.status_code == 403
    page = forged.content.decode()
    assert "页面已过期，请重新提交" in page and 'data-testid="error-403-csrf"' in page and "<script>" not in page
    genuine = client.post(url, {**FORMS[url], "csrfmiddlewaretoken": token})
    assert genuine.status_code in (200, 302)


def test_the_refusal_speaks_english_to_english_users(db):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    refused = client.post("/accounts/login/", {"csrfmiddlewaretoken": "wapiti"})
    assert refused.status_code == 403 and "The page has expired" in refused.content.decode()
