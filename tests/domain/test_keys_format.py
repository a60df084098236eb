"""Key format: ``<prefix>_<12 hex id>_<40 hex secret>_<8 hex checksum>``; what parses, verifies and is redacted."""

from __future__ import annotations

import hashlib

import pytest

from accord.domain import keys

KEY_ID, SECRET = "0123456789ab", "f" * 40


def make(prefix: str = "acc", key_id: str = KEY_ID, secret: str = SECRET) -> str:
    checksum = hashlib.sha256(f"{prefix}_{key_id}_{secret}".encode()).hexdigest()[:8]
    return f"{prefix}_{key_id}_{secret}_{checksum}"


def test_generated_keys_have_the_documented_shape_and_hash() -> None:
    for prefix in (keys.AGENT_PREFIX, keys.USER_PREFIX):
        g = keys.generate(prefix)
        parsed = keys.parse(g.key)
        assert parsed is not None
        assert g.key == make(prefix, g.key_id, parsed.secret)
        assert (parsed.prefix, parsed.key_id, len(g.key_id), len(parsed.secret)) == (prefix, g.key_id, 12, 40)
        assert g.secret_hash == hashlib.sha256(parsed.secret.encode()).hexdigest()
    assert keys.generate().key.startswith("acc_")


def test_a_well_formed_key_parses_to_its_parts_even_with_surrounding_space() -> None:
    assert keys.parse(f"  {make()}\n") == keys.ParsedKey(prefix="acc", key_id=KEY_ID, secret=SECRET)
    assert keys.parse(make("acu")) == keys.ParsedKey(prefix="acu", key_id=KEY_ID, secret=SECRET)


@pytest.mark.parametrize(
    "bad",
    [make()[:-1] + ("0" if make()[-1] != "0" else "1"), make("acx"), make().upper(), make() + "0", "x" + make(),
     make(key_id="0123456789a"), make(secret="f" * 39), "", "Bearer abc", 42],
    ids=["checksum", "prefix", "case", "trailing", "leading", "short-id", "short-secret", "empty", "bearer", "not-str"],
)
def test_malformed_keys_do_not_parse(bad: object) -> None:
    assert keys.parse(bad) is None  # type: ignore[arg-type]


def test_verify_compares_the_secret_hash() -> None:
    parsed = keys.parse(make())
    assert parsed is not None
    assert keys.verify(parsed, hashlib.sha256(SECRET.encode()).hexdigest()) is True
    assert keys.verify(parsed, hashlib.sha256(b"other").hexdigest()) is False


def test_redact_shows_prefix_and_id_only() -> None:
    assert keys.redact(make()) == f"acc_{KEY_ID}_…"
    assert keys.redact(f" {make('acu')} ") == f"acu_{KEY_ID}_…"
    assert keys.redact("nonsense") == keys.redact(None) == "<malformed key>"  # type: ignore[arg-type]
