"""Key format and access rules: plain functions."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain import keys
from accord.domain.access import ALL_CATEGORIES, Access, ConsentRule, GrantRule, effective_access

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def test_keys_have_a_prefix_an_id_a_secret_and_a_checksum() -> None:
    g = keys.generate()
    assert g.key.startswith("acc_") and g.key_id in g.key
    parsed = keys.parse(g.key)
    assert parsed is not None and parsed.key_id == g.key_id
    assert keys.verify(parsed, g.secret_hash)
    assert g.secret_hash not in g.key and len(g.secret_hash) == 64
    assert keys.generate(keys.USER_PREFIX).key.startswith("acu_")


def test_typos_truncation_and_tampering_fail_the_checksum() -> None:
    g = keys.generate()
    flipped = g.key[:-1] + ("0" if g.key[-1] != "0" else "1")
    assert keys.parse(flipped) is None
    assert keys.parse(g.key[:-3]) is None
    assert keys.parse("acc_" + "0" * 12 + "_" + "0" * 40 + "_" + "0" * 8) is None
    assert keys.parse("") is None and keys.parse("Bearer x") is None
    other = keys.generate()
    forged = keys.parse(other.key)
    assert forged is not None and not keys.verify(forged, g.secret_hash)


def test_redaction_keeps_only_the_public_part() -> None:
    g = keys.generate()
    shown = keys.redact(g.key)
    assert g.key_id in shown and keys.parse(g.key).secret not in shown  # type: ignore[union-attr]
    assert keys.redact("nonsense") == "<malformed key>"


RW_FACTS = GrantRule(access="read_write", categories=["fact", "preference"], user_id=None)
RO_ALL = GrantRule(access="read_only", categories=None, user_id=None)


@pytest.mark.parametrize(
    ("grants", "consent", "read", "write"),
    [
        ([], None, set(), set()),
        ([RO_ALL], None, ALL_CATEGORIES, set()),
        ([RW_FACTS], None, {"fact", "preference"}, {"fact", "preference"}),
        ([RW_FACTS, RO_ALL], None, ALL_CATEGORIES, {"fact", "preference"}),
        ([RW_FACTS], ConsentRule(granted=False), set(), set()),
        ([RW_FACTS], ConsentRule(granted=True, categories=["fact"]), {"fact"}, {"fact"}),
        ([RW_FACTS], ConsentRule(granted=True), {"fact", "preference"}, {"fact", "preference"}),
        ([GrantRule("read_write", None, "bob")], None, set(), set()),  # another user's grant
        ([GrantRule("read_write", None, "alice")], None, ALL_CATEGORIES, ALL_CATEGORIES),
        ([GrantRule("read_write", None, None, expires_at=NOW)], None, set(), set()),  # expired
        ([GrantRule("read_write", None, None, expires_at=NOW + dt.timedelta(seconds=1))], None, ALL_CATEGORIES, ALL_CATEGORIES),
        ([GrantRule("read_write", None, None, revoked=True)], None, set(), set()),
        ([GrantRule("read_write", ["fact", "gossip"], None)], None, {"fact"}, {"fact"}),  # unknown categories ignored
    ],
)
def test_effective_access(grants, consent, read, write) -> None:
    access = effective_access(grants, consent, "alice", NOW)
    assert access == Access(frozenset(read), frozenset(write))
