"""Conflict classification is a pure function: table-driven tests, no I/O."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.domain.conflict_rules import Action, Claim, classify, has_change_cue, merge_contents, similarity

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)


def stored(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, id=f"id-{content[:12]}", said_at=T0, **kw)


def new(content: str, category: str = "fact", key: str | None = None, value: str | None = None, **kw) -> Claim:
    kw.setdefault("said_at", T1)
    return Claim(content=content, category=category, attribute_key=key, attribute_value=value, **kw)


VEG = stored("User is vegetarian", key="diet", value="vegetarian")
ACME = stored("User works at Acme", key="employer", value="acme")
JS = stored("User prefers JavaScript examples", "preference", "preference:examples", "javascript")
EXAM = stored("User's exam is on May 12", key="date:exam", value="2026-05-12")
MAYA = stored("User's sister is named Maya", "relationship", "relationship:sister:maya", "maya")
RUN = stored("User wants to run a marathon", "goal")
CITY = stored("User lives in Berlin", key="city", value="berlin")
VPN_A = stored("The VPN server is vpn1.acme.com", key="org:vpn server", value="vpn1.acme.com", scope="tenant", stated_by="alice", confidence=0.8)

CASES = [
    # (name, candidate, related, expected action, expected target)
    ("nothing related", new("User likes chess", "preference"), [VEG, ACME], Action.INSERT, None),
    ("exact duplicate", new("user is vegetarian.", key="diet", value="vegetarian"), [VEG], Action.REJECT, VEG.id),
    ("same value, other words", new("User eats vegetarian food", key="diet", value="vegetarian"), [VEG], Action.REJECT, VEG.id),
    ("near duplicate without key", new("User wants to run a marathon!", "goal"), [RUN], Action.REJECT, RUN.id),
    ("weaker restatement", new("User wants to run", "goal"), [RUN], Action.REJECT, RUN.id),
    ("diet changed", new("User eats chicken now", key="diet", value="omnivore", change_cue=True), [VEG], Action.UPDATE, VEG.id),
    ("diet denied", new("User is no longer vegetarian", key="diet", value="vegetarian", negated=True, change_cue=True), [VEG], Action.UPDATE, VEG.id),
    ("new employer", new("User works at Northstar", key="employer", value="northstar", change_cue=True), [ACME], Action.UPDATE, ACME.id),
    ("new value, no cue, plain fact", new("User lives in Lisbon", key="city", value="lisbon"), [CITY], Action.UPDATE, CITY.id),
    ("preference switch", new("User now prefers Python examples", "preference", "preference:examples", "python", change_cue=True), [JS], Action.UPDATE, JS.id),
    ("two exam dates", new("User's exam is on May 19", key="date:exam", value="2026-05-19"), [EXAM], Action.ASK_USER, EXAM.id),
    ("exam rescheduled", new("User's exam was moved to May 19", key="date:exam", value="2026-05-19", change_cue=True), [EXAM], Action.UPDATE, EXAM.id),
    ("hedged contradiction", new("User maybe lives in Porto (uncertain)", key="city", value="porto", confidence=0.4), [CITY], Action.ASK_USER, CITY.id),
    ("other context", new("User lives in Hamburg on weekends", key="city", value="hamburg", context="on weekends"), [CITY], Action.KEEP_BOTH, CITY.id),
    ("about the past", new("User lived in Paris", key="city", value="paris", valid_to=T0 - dt.timedelta(days=400)), [CITY], Action.KEEP_BOTH, CITY.id),
    ("detail of the same person", new("User's sister Maya is a nurse", "relationship", "relationship:sister:maya", "maya"), [MAYA], Action.MERGE, MAYA.id),
    ("refinement", new("User wants to run a marathon in October", "goal"), [RUN], Action.MERGE, RUN.id),
    ("other user, newer shared claim", new("The VPN server is vpn2.acme.com", key="org:vpn server", value="vpn2.acme.com", scope="tenant", stated_by="bob", confidence=0.8), [VPN_A], Action.CROSS_USER_RECENCY, VPN_A.id),
    ("other user, much less certain", new("The VPN server is vpn2.acme.com (uncertain)", key="org:vpn server", value="vpn2.acme.com", scope="tenant", stated_by="bob", confidence=0.48), [VPN_A], Action.CROSS_USER_CONFIDENCE, VPN_A.id),
    ("two authoritative users", new("The VPN server is vpn2.acme.com", key="org:vpn server", value="vpn2.acme.com", scope="tenant", stated_by="bob", confidence=0.95), [stored("The VPN server is vpn1.acme.com", key="org:vpn server", value="vpn1.acme.com", scope="tenant", stated_by="alice", confidence=0.95)], Action.TENANT_REVIEW, "id-The VPN serv"),
    ("same user corrects a shared claim", new("The VPN server is vpn3.acme.com", key="org:vpn server", value="vpn3.acme.com", scope="tenant", stated_by="alice", change_cue=True), [VPN_A], Action.UPDATE, VPN_A.id),
]


@pytest.mark.parametrize(("name", "candidate", "related", "action", "target"), CASES, ids=[c[0] for c in CASES])
def test_classify(name: str, candidate: Claim, related: list[Claim], action: Action, target: str | None) -> None:
    decision = classify(candidate, related)
    assert decision.action is action, decision.reason
    assert decision.target_id == target
    assert decision.reason


def test_cross_user_weighting_names_the_loser() -> None:
    newer = classify(new("The VPN server is vpn2.acme.com", key="org:vpn server", value="vpn2", scope="tenant", stated_by="bob"), [VPN_A])
    assert newer.weighted_down_id == VPN_A.id and not newer.candidate_loses
    weaker = classify(new("The VPN server is vpn2 (uncertain)", key="org:vpn server", value="vpn2", scope="tenant", stated_by="bob", confidence=0.4), [VPN_A])
    assert weaker.candidate_loses and weaker.weighted_down_id is None
    stronger = classify(new("The VPN server is vpn2", key="org:vpn server", value="vpn2", scope="tenant", stated_by="bob", confidence=1.0), [stored("The VPN server is vpn1", key="org:vpn server", value="vpn1", scope="tenant", stated_by="alice", confidence=0.5)])
    assert stronger.action is Action.CROSS_USER_CONFIDENCE and stronger.weighted_down_id == "id-The VPN serv"
    late_report = classify(new("The VPN server is vpn0", key="org:vpn server", value="vpn0", scope="tenant", stated_by="bob", said_at=T0 - dt.timedelta(days=9)), [VPN_A])
    assert late_report.action is Action.CROSS_USER_RECENCY and late_report.candidate_loses


def test_questions_name_both_options() -> None:
    decision = classify(new("User's exam is on May 19", key="date:exam", value="2026-05-19"), [EXAM])
    assert "May 12" in decision.question and "May 19" in decision.question


def test_merged_content() -> None:
    assert merge_contents("User wants to run a marathon", "User wants to run a marathon in October") == "User wants to run a marathon in October"
    assert merge_contents("User's sister is named Maya", "User's sister Maya is a nurse") == "User's sister is named Maya. User's sister Maya is a nurse"


@pytest.mark.parametrize(("text", "cue"), [("I eat chicken now", True), ("I'm not vegetarian any more", True), ("I left Acme and joined Northstar", True), ("My exam got rescheduled", True), ("I live in Lisbon", False), ("My exam is on May 19", False)])
def test_change_cues(text: str, cue: bool) -> None:
    assert has_change_cue(text) is cue


def test_similarity() -> None:
    assert similarity("User likes green tea", "user likes green tea!") == 1.0
    assert similarity("User likes green tea", "User owns a red car") < 0.3


@pytest.mark.parametrize(
    ("answer", "choice"),
    [
        ("1", "existing"),
        ("2", "candidate"),
        ("keep_both", "both"),
        ("accept_new", "candidate"),
        ("May 19", "candidate"),
        ("it's on the 12th of may", "existing"),
        ("the 19th", "candidate"),
        ("not sure", None),
        ("May", None),
    ],
)
def test_choose_option(answer: str, choice: str | None) -> None:
    from accord.domain.conflict_rules import choose_option

    assert choose_option(answer, "User's exam is on May 12", "User's exam is on May 19") == choice


def test_an_older_claim_never_supersedes_a_newer_one() -> None:
    older = new("User lives in Paris", key="city", value="paris", said_at=T0 - dt.timedelta(days=365), change_cue=True)
    decision = classify(older, [CITY])
    assert decision.action is Action.KEEP_BOTH and decision.past_until == T0


def test_a_denial_never_merges_into_what_it_denies() -> None:
    run = stored("User runs", "fact")
    decision = classify(new("User no longer runs", negated=True), [run])
    assert decision.action is Action.UPDATE and decision.target_id == run.id
