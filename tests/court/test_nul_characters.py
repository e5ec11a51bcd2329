"""A NUL character in a request's parameters is refused with a clear message (PostgreSQL text cannot hold
one, so it would otherwise end as a server error)."""

import pytest


@pytest.mark.django_db
def test_the_api_refuses_a_nul_in_a_query_parameter_as_a_json_refusal(client):
    response = client.get("/api/v1/cases", {"state": "app\x00lied"})
    assert response.status_code == 400
    assert response.json()["error"] == "refused" and "空字符" in response.json()["message"]


@pytest.mark.django_db
def test_the_api_refuses_a_nul_in_a_json_body(client):
    response = client.post("/api/v1/cases", '{"facts": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["message"]


@pytest.mark.django_db
def test_a_page_refuses_a_nul_in_a_form_field_in_the_users_language(client, staff):
    client.force_login(staff)
    response = client.post("/cases/new/", {"facts": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "NUL character" in response.content.decode()
