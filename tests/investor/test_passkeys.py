"""Passkeys on the investor platform (issue 14 §10): the same endpoints as the court's, its own relying party
name; the ceremony itself runs in Chromium (tests/e2e/test_passkeys_browser.py)."""


def test_an_organisation_admin_may_add_a_passkey_under_the_platforms_name(client, admin_a, mediator_a):
    client.force_login(admin_a)  # signed in with two factors (tests/conftest.py)
    options = client.post("/accounts/two-factor/passkey/registration/begin/").json()
    assert options["rp"] == {"name": "中国投资者网证券期货纠纷在线调解平台", "id": "localhost"}
    assert options["user"]["name"] == admin_a.username
    page = client.get("/accounts/two-factor/passkeys/").content.decode()
    assert 'data-testid="second-factor-resets-link"' in page  # an administrator also resets their staff's
    client.force_login(mediator_a)
    page = client.get("/accounts/two-factor/passkeys/").content.decode()
    assert 'data-testid="second-factor-resets-link"' not in page
