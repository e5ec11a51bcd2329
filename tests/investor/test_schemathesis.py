"""The investor platform's REST API against its published contract (bounded, for `make test`)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from token_setup import api_token

api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(receive, org_a, admin_a, mediator_a):
    receive(org_a)
    return api_token(admin_a, name="schemathesis")


@pytest.mark.django_db(transaction=True)
@api_schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_rest_api_keeps_its_contract(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
