"""Effective access: live grants for this user, unioned, then narrowed by consent. Expiry at exactly `now` is expired."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.access import ALL_CATEGORIES, Access, ConsentRule, GrantRule, effective_access

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
RO, RW = "read_only", "read_write"
F = frozenset

CASES = [
    # (rule, grants, consent, read, write)
    ("no grant: nothing", [], None, F(), F()),
    ("read_only reads but never writes", [GrantRule(RO, ["fact"], "u")], None, F({"fact"}), F()),
    ("read_write reads and writes", [GrantRule(RW, ["fact"], "u")], None, F({"fact"}), F({"fact"})),
    ("no categories: all of them", [GrantRule(RO, None, None)], None, ALL_CATEGORIES, F()),
    ("unknown categories are dropped", [GrantRule(RW, ["fact", "secrets"], "u")], None, F({"fact"}), F({"fact"})),
    ("a grant for another user does not apply", [GrantRule(RW, None, "other")], None, F(), F()),
    ("a tenant-wide grant applies to every user", [GrantRule(RW, ["goal"], None)], None, F({"goal"}), F({"goal"})),
    ("grants are unioned", [GrantRule(RO, ["fact"], "u"), GrantRule(RW, ["goal"], None)], None,
     F({"fact", "goal"}), F({"goal"})),
    ("a revoked grant gives nothing", [GrantRule(RW, None, "u", revoked=True)], None, F(), F()),
    ("a grant expiring exactly now has expired", [GrantRule(RW, None, "u", expires_at=NOW)], None, F(), F()),
    ("a grant expiring one instant later is live", [GrantRule(RW, ["fact"], "u", expires_at=NOW + TICK)], None,
     F({"fact"}), F({"fact"})),
    ("withdrawn consent leaves nothing", [GrantRule(RW, None, "u")], ConsentRule(granted=False), F(), F()),
    ("consent without categories keeps the grant", [GrantRule(RW, ["fact"], "u")], ConsentRule(granted=True),
     F({"fact"}), F({"fact"})),
    ("consent with categories narrows reads and writes", [GrantRule(RW, ["fact", "goal"], "u")],
     ConsentRule(granted=True, categories=["goal", "preference"]), F({"goal"}), F({"goal"})),
    ("consent never widens a read-only grant", [GrantRule(RO, ["fact"], "u")], ConsentRule(True, ["fact"]),
     F({"fact"}), F()),
    ("a dead grant listed first does not hide a live one after it",
     [GrantRule(RW, None, "u", revoked=True), GrantRule(RW, ["goal"], "u", expires_at=NOW),
      GrantRule(RO, ["fact"], "u")], None, F({"fact"}), F()),
    ("another user's grant listed first does not hide this user's after it",
     [GrantRule(RW, None, "other"), GrantRule(RW, ["fact"], "u")], None, F({"fact"}), F({"fact"})),
    ("two read-write grants add up their write categories",
     [GrantRule(RW, ["fact"], "u"), GrantRule(RW, ["goal"], None)], None, F({"fact", "goal"}), F({"fact", "goal"})),
]


@pytest.mark.parametrize(("rule", "grants", "consent", "read", "write"), CASES, ids=[c[0] for c in CASES])
def test_effective_access(rule: str, grants: list[GrantRule], consent: ConsentRule | None, read: frozenset[str],
                          write: frozenset[str]) -> None:
    assert effective_access(grants, consent, "u", NOW) == Access(read, write)


def test_access_answers_per_category() -> None:
    access = Access(F({"fact"}), F())
    assert (access.can_read("fact"), access.can_read("goal"), access.can_write("fact")) == (True, False, False)
    assert Access.full() == Access(ALL_CATEGORIES, ALL_CATEGORIES)
    assert Access.none() == Access(F(), F())
