"""The bench's SMS step on a small crowd: every text reaches the fake carrier once."""

from __future__ import annotations

from roost.runtime import Runtime
from roost_bench.report import targets
from roost_bench.sms import measure_sms


def test_one_post_texts_every_phone_linked_follower_once(rt: Runtime) -> None:
    result = measure_sms(rt, followers=60, rate=50, budget=120)
    assert result["queued"] == 60
    assert result["sent"] == 60
    assert result["carrier_requests"] == 60
    assert result["sent_twice"] == 0
    assert result["busiest_second"] <= 55  # the pace, and the calls' jitter
    assert all(check["met"] for check in targets({"sms": result}))
