"""Property-based tests of the VC API service from its own OpenAPI document
(schemathesis): whatever a client sends that the document allows, or nearly allows, the
service answers without a server error, and every error is a problem body. A bounded run
keeps the suite fast; raise ``max_examples`` to dig."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from skillswallet.server import ServerConfig, create_app  # noqa: E402
from skillswallet.server.openapi import openapi_document  # noqa: E402

from .serverkit import BASE, auth, make_issuer_vault, secrets_in_env  # noqa: E402

SCHEMA = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        secrets_in_env(mp)
        vault = make_issuer_vault(tmp_path_factory.mktemp("issuer"))
        app = create_app(ServerConfig(vault=vault.path, status_base_url=BASE))
        with TestClient(app, raise_server_exceptions=False) as c:
            yield c


def test_the_openapi_document_is_valid_and_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == openapi_document()
    operations = [op.ok().label for op in SCHEMA.get_all_operations()]
    assert "POST /credentials/issue" in operations and "POST /credentials/verify" in operations


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(case=SCHEMA.as_strategy())
def test_no_request_the_document_describes_makes_a_server_error(
    client: TestClient, case: Any
) -> None:
    sent = case.as_transport_kwargs(base_url="http://testserver", headers=auth())
    response = client.request(
        sent["method"],
        sent["url"],
        headers=sent.get("headers"),
        params=sent.get("params"),
        json=sent.get("json"),
        content=sent.get("data"),
    )
    assert response.status_code < 500 or response.status_code == 503, response.text
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        kind = response.headers["content-type"]
        if kind.startswith("application/problem+json"):
            assert response.json()["status"] == response.status_code
        else:  # the verification report of what did not verify: 400, as the VC API says
            assert response.status_code == 400 and "checks" in response.json(), response.text
