"""A token revoked through one web process stops working in another that had it in
its token cache (``oauth.queries.get_token``): the forget travels through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.scale.conftest import ScaleEnv, wait_for, wait_until_up
from tests.scale.test_processes import Cluster, sign_up

pytestmark = pytest.mark.slow

HOME = "/api/v1/timelines/home"


@pytest.fixture(scope="module")
def two_webs(scale_env: ScaleEnv) -> Iterator[Cluster]:
    """Two single-process web servers, so a test knows which process answers."""
    a = scale_env.start_web()
    b = scale_env.start_web()
    wait_until_up(a)
    wait_until_up(b)
    yield Cluster(a, b)
    scale_env.stop_all()


def _status(base: str, token: str) -> int:
    return httpx.get(f"{base}{HOME}", headers={"Authorization": f"Bearer {token}"}).status_code


def test_revoking_an_app_through_one_process_ends_its_token_in_another(
    two_webs: Cluster,
) -> None:
    # given a token both processes have verified (and cached)
    person = sign_up(two_webs.a, f"r{uuid.uuid4().hex[:8]}")
    assert _status(two_webs.a, person.token) == 200
    assert _status(two_webs.b, person.token) == 200
    # when the person revokes the app through A
    apps = httpx.get(f"{two_webs.a}/api/roost/v1/authorized_apps", headers=person.headers()).json()
    revoked = httpx.post(
        f"{two_webs.a}/api/roost/v1/authorized_apps/{apps[0]['id']}/revoke",
        headers=person.headers(),
    )
    assert revoked.status_code == 200
    # then A refuses it at once, and B as soon as the forget arrives through Redis
    assert _status(two_webs.a, person.token) == 401
    wait_for(lambda: _status(two_webs.b, person.token) == 401, timeout=5, step=0.05)


def test_revoking_through_the_other_process_ends_only_that_persons_token(
    two_webs: Cluster,
) -> None:
    person = sign_up(two_webs.a, f"r{uuid.uuid4().hex[:8]}")
    other = sign_up(two_webs.a, f"r{uuid.uuid4().hex[:8]}")
    for base in (two_webs.a, two_webs.b):
        assert _status(base, person.token) == 200
        assert _status(base, other.token) == 200
    # when the person revokes every app through B
    apps = httpx.get(f"{two_webs.b}/api/roost/v1/authorized_apps", headers=person.headers())
    for app in apps.json():
        httpx.post(
            f"{two_webs.b}/api/roost/v1/authorized_apps/{app['id']}/revoke",
            headers=person.headers(),
        )
    wait_for(lambda: _status(two_webs.a, person.token) == 401, timeout=5, step=0.05)
    assert _status(two_webs.b, person.token) == 401
    assert _status(two_webs.a, other.token) == 200
