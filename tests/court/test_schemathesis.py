"""Property-based tests of both published contracts on the court platform: the REST API and the docking
interface. No 5xx, no response outside its schema (bounded in examples so `make test` stays quick)."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from token_setup import api_token

APP = WSGIHandler()
api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
docking_schema = schemathesis.openapi.from_wsgi("/docking/v1/openapi.json", APP)
BOUNDED = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
# What the contract promises: no server error, and every answer documented, of its declared type and shape.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(staff, organisation, consented_case):
    return api_token(staff, name="schemathesis")


@pytest.mark.django_db(transaction=True)
@api_schema.parametrize()
@BOUNDED
def test_rest_api_keeps_its_contract(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.mark.django_db(transaction=True)
@docking_schema.parametrize()
@BOUNDED
def test_docking_keeps_its_contract_unsigned(case):
    case.call_and_validate(checks=CHECKS)


# Signed, every operation but the batch endpoint: hypothesis spends two minutes there (on any number of examples)
# building lists of the union of every message type. Its messages are the single-message endpoint's, tested here
# signed; the batch itself is tested unsigned above and, signed, by tests/investor/test_docking_adversarial.py.
@pytest.mark.django_db(transaction=True)
@docking_schema.exclude(path="/docking/v1/batches").parametrize()
@BOUNDED
def test_docking_keeps_its_contract_when_signed(case, investor, own_key, sign_headers):
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    else:
        body = json.dumps(case.body, ensure_ascii=False, default=repr).encode()
    headers = {**sign_headers(body, investor.key, path=case.path), "Content-Type": "application/json"}
    response = case.call(headers=headers, data=body)
    case.validate_response(response, checks=CHECKS)
