"""The webhook rules without I/O: signatures, the retry schedule, the quota marks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from accord.domain import webhooks as wh


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"e1"}'
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert wh.sign("whsec_k", 1700000000, body) == expected
    assert wh.signature_header("whsec_k", 1700000000, body) == f"t=1700000000,v1={expected}"


@pytest.mark.parametrize(
    ("header", "now", "ok"),
    [
        (None, 1700000000, True),
        (None, 1700000300, True),  # at the tolerance
        (None, 1700000301, False),  # past it
        (None, 1699999699, False),  # from the future, past it
        ("t=1700000000", 1700000000, False),  # no v1
        ("v1=abc", 1700000000, False),  # no t
        ("t=soon,v1=abc", 1700000000, False),
        ("garbage", 1700000000, False),
    ],
)
def test_verify(header: str | None, now: float, ok: bool) -> None:
    body = b"{}"
    header = header or wh.signature_header("s", 1700000000, body)
    assert wh.verify("s", header, body, now=now) is ok


def test_backoff_doubles_from_ten_seconds_up_to_an_hour() -> None:
    assert [wh.backoff_seconds(n) for n in (1, 2, 3, 4)] == [10.0, 20.0, 40.0, 80.0]
    assert wh.backoff_seconds(0) == 10.0
    assert wh.backoff_seconds(30) == wh.BACKOFF_CAP_SECONDS == 3600.0


@pytest.mark.parametrize(
    ("used", "quota", "marks"),
    [(0, 10, []), (7, 10, []), (8, 10, [80]), (9, 10, [80]), (10, 10, [80, 100]), (12, 10, [80, 100]),
     (4, 5, [80]), (5, None, []), (5, 0, [])],
)
def test_quota_marks(used: int, quota: int | None, marks: list[int]) -> None:
    assert wh.quota_marks_reached(used, quota) == marks
