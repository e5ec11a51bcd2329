"""REST API tokens on the investor platform (issue 14 §12): its own resources, scoped the same way (the
actions' rules are tested on the court platform, tests/court/test_api_tokens.py)."""

from sutiao.accounts.api_auth import resource_of
from sutiao.investor.api import api
from token_setup import api_token


def test_the_api_resources_tokens_are_scoped_to_are_this_platforms_api(settings):
    paths = api.get_openapi_schema()["paths"]
    assert {resource_of(p) for p in paths} == set(settings.SUTIAO_API_RESOURCES)


def test_an_organisations_token_reads_delegations_only_within_its_scope(client, admin_a):
    reader = api_token(admin_a, "delegations:read")
    assert client.get("/api/v1/delegations", HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 200
    assert client.get("/api/v1/mediators", HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 403
    refused = client.post(
        "/api/v1/delegations/00000000-0000-7000-8000-000000000999/accept", HTTP_AUTHORIZATION=f"Bearer {reader}"
    )
    assert refused.status_code == 403 and "delegations:write" in refused.json()["message"]
