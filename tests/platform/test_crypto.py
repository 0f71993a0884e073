"""Field encryption (AES-256-GCM with key ids) and blind indexes."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from loyalnest.platform.crypto import Keyring, KeyringError, decrypt_optional, encrypt_optional

# The session's Dramatiq worker threads (started by other tests) draw from the global
# `random` while hypothesis generates examples here; hypothesis sees the global state
# move and blames the strategies. Nothing in these strategies uses `random`.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)


def _key(seed: bytes, length: int = 32) -> str:
    return base64.b64encode((seed * length)[:length]).decode()


BIDX = _key(b"b")
OLD = f"old:{_key(b'o')}"
NEW = f"new:{_key(b'n')}"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.from_config(OLD, BIDX)


def _flip(token: str, position: int) -> str:
    kid, _, encoded = token.partition(":")
    blob = bytearray(base64.b64decode(encoded))
    blob[position % len(blob)] ^= 0x01
    return f"{kid}:{base64.b64encode(bytes(blob)).decode()}"


class TestEncryption:
    @given(text=st.text(max_size=200), context=st.binary(max_size=40))
    def test_property_round_trip(self, text, context):
        keyring = Keyring.from_config(OLD, BIDX)
        token = keyring.encrypt(text, context=context)
        assert keyring.decrypt(token, context=context) == text

    def test_ciphertext_carries_the_key_id_and_hides_the_plaintext(self, keyring):
        token = keyring.encrypt("jane@example.com", context=b"customers.email")
        assert token.startswith("old:")
        assert "jane" not in token
        assert "jane" not in base64.b64decode(token.partition(":")[2]).decode("latin-1")

    def test_same_plaintext_encrypts_differently_each_time(self, keyring):
        assert keyring.encrypt("x") != keyring.encrypt("x")

    @given(position=st.integers(0, 10_000))
    def test_property_any_modified_byte_fails(self, position):
        keyring = Keyring.from_config(OLD, BIDX)
        token = keyring.encrypt("secret value", context=b"c")
        with pytest.raises(InvalidTag):
            keyring.decrypt(_flip(token, position), context=b"c")

    def test_truncated_ciphertext_fails(self, keyring):
        token = keyring.encrypt("secret value")
        kid, _, encoded = token.partition(":")
        short = base64.b64encode(base64.b64decode(encoded)[:-1]).decode()
        with pytest.raises(InvalidTag):
            keyring.decrypt(f"{kid}:{short}")

    def test_context_is_bound(self, keyring):
        token = keyring.encrypt("jane@example.com", context=b"customers.email")
        with pytest.raises(InvalidTag):
            keyring.decrypt(token, context=b"customers.phone")
        with pytest.raises(InvalidTag):
            keyring.decrypt(token)

    def test_unknown_key_id_is_refused(self, keyring):
        token = keyring.encrypt("x")
        with pytest.raises(KeyringError):
            keyring.decrypt("nope:" + token.partition(":")[2])
        with pytest.raises(KeyringError):
            keyring.decrypt("no-separator")

    def test_optional_helpers_pass_none_through(self, keyring):
        assert encrypt_optional(keyring, None, context=b"c") is None
        assert decrypt_optional(keyring, None, context=b"c") is None
        token = encrypt_optional(keyring, "v", context=b"c")
        assert decrypt_optional(keyring, token, context=b"c") == "v"


class TestRotation:
    def test_new_first_key_encrypts_and_old_ciphertexts_still_decrypt(self, keyring):
        old_token = keyring.encrypt("jane@example.com", context=b"customers.email")
        rotated = Keyring.from_config(f"{NEW},{OLD}", BIDX)
        assert rotated.current_kid == "new"
        assert rotated.decrypt(old_token, context=b"customers.email") == "jane@example.com"
        assert rotated.needs_rotation(old_token) is True
        new_token = rotated.encrypt("jane@example.com", context=b"customers.email")
        assert new_token.startswith("new:")
        assert rotated.needs_rotation(new_token) is False
        assert rotated.needs_rotation(None) is False
        # a keyring that dropped the old key can no longer read what it wrote
        with pytest.raises(KeyringError):
            Keyring.from_config(NEW, BIDX).decrypt(old_token, context=b"customers.email")

    def test_old_keyring_does_not_need_rotation_for_its_own_tokens(self, keyring):
        assert keyring.needs_rotation(keyring.encrypt("x")) is False

    def test_duplicate_key_ids_are_refused(self):
        with pytest.raises(KeyringError):
            Keyring.from_config(f"k:{_key(b'1')},k:{_key(b'2')}", BIDX)


class TestConfiguration:
    @pytest.mark.parametrize("length", [16, 24, 31, 33, 64])
    def test_wrong_key_length_is_refused(self, length):
        with pytest.raises(KeyringError, match="32"):
            Keyring.from_config(f"k:{_key(b'k', length)}", BIDX)

    @pytest.mark.parametrize("config", ["", " , ", "nokid", ":abc", f"k:{_key(b'k')}:extra"])
    def test_malformed_key_config_is_refused(self, config):
        with pytest.raises(KeyringError):
            Keyring.from_config(config, BIDX)

    def test_short_blind_index_key_is_refused(self):
        with pytest.raises(KeyringError):
            Keyring.from_config(OLD, _key(b"b", 16))


class TestBlindIndex:
    def test_deterministic_and_normalised(self, keyring):
        a = keyring.blind_index("Jane@Example.com", kind="email")
        assert a == keyring.blind_index("jane@example.com", kind="email")
        assert a == keyring.blind_index("  JANE@EXAMPLE.COM\n", kind="email")
        assert len(a) == 64
        assert "jane" not in a

    def test_distinct_values_kinds_and_keys_differ(self, keyring):
        a = keyring.blind_index("jane@example.com", kind="email")
        assert a != keyring.blind_index("john@example.com", kind="email")
        assert a != keyring.blind_index("jane@example.com", kind="phone")
        other = Keyring.from_config(OLD, _key(b"c"))
        assert a != other.blind_index("jane@example.com", kind="email")

    def test_independent_of_the_encryption_key(self, keyring):
        rotated = Keyring.from_config(f"{NEW},{OLD}", BIDX)
        assert rotated.blind_index("x@y.z", kind="email") == keyring.blind_index("x@y.z", kind="email")

    @given(value=st.text(max_size=60))
    def test_property_case_and_surrounding_whitespace_do_not_matter(self, value):
        keyring = Keyring.from_config(OLD, BIDX)
        assert (
            keyring.blind_index(value, kind="email")
            == keyring.blind_index(f"  {value.upper()}\t", kind="email")
            or value.upper().lower() != value.lower()
        )


class TestBlindIndexKeys:
    """Several blind keys with ids, as the encryption keys: the first indexes writes,
    lookups match each key's index; the single bare key of earlier releases stays valid."""

    def test_a_bare_key_is_the_key_id_bare_and_indexes_as_before(self, keyring):
        assert [key.kid for key in keyring.blind_keys] == ["bare"]
        assert keyring.blind_kid == "bare"
        named = Keyring.from_config(OLD, f"b1:{BIDX}")
        assert named.blind_index("x@y.z", kind="email") == keyring.blind_index("x@y.z", kind="email")
        # one key, one candidate: a lookup costs what it did
        assert keyring.blind_indexes("x@y.z", kind="email") == [keyring.blind_index("x@y.z", kind="email")]

    def test_the_first_key_indexes_and_every_key_is_a_candidate_in_order(self, keyring):
        rotated = Keyring.from_config(OLD, f"b2:{_key(b'c')},{BIDX}")
        assert rotated.blind_kid == "b2"
        new_index = rotated.blind_index(" Jane@Example.com", kind="email")
        old_index = keyring.blind_index("jane@example.com", kind="email")
        assert new_index != old_index
        assert rotated.blind_indexes("JANE@example.com ", kind="email") == [new_index, old_index]
        assert rotated.blind_index_key == base64.b64decode(_key(b"c"))

    @pytest.mark.parametrize(
        "config",
        [
            "",
            " , ",
            f"b1:{BIDX},b1:{_key(b'c')}",  # one id twice
            f"{BIDX},{_key(b'c')}",  # two bare keys: both would be 'bare'
            f":{BIDX}",
            f"b1:{_key(b'c', 16)}",
            "b1:not-base64!!",
            f"b1:{BIDX}:x",
        ],
    )
    def test_malformed_blind_key_lists_are_refused(self, config):
        with pytest.raises(KeyringError):
            Keyring.from_config(OLD, config)

    def test_derived_keys_keep_the_single_key_derivation_and_follow_the_order(self, keyring):
        import hashlib
        import hmac

        before = hmac.new(BIDX.encode(), b"purpose", hashlib.sha256).digest()
        assert keyring.derived_keys(b"purpose") == [before]
        rotated = Keyring.from_config(OLD, f"b2:{_key(b'c')},{BIDX}")
        derived = rotated.derived_keys(b"purpose")
        assert derived[1] == before
        assert derived[0] != before
        assert Keyring.from_config(OLD, f"b1:{BIDX}").derived_keys(b"purpose") == [before]


class TestBulk:
    """``encrypt_many`` and ``blind_index_many``: what an import of a million rows seals
    with, the same stored forms as one value at a time."""

    @given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=20))
    def test_property_encrypt_many_decrypts_value_by_value(self, values):
        keyring = Keyring.from_config(NEW, BIDX)
        sealed = keyring.encrypt_many(values, context=b"t.c")
        assert [decrypt_optional(keyring, token, context=b"t.c") for token in sealed] == values
        assert all(token is None or token.startswith("new:") for token in sealed)

    def test_every_value_gets_its_own_nonce(self):
        keyring = Keyring.from_config(NEW, BIDX)
        sealed = keyring.encrypt_many(["same"] * 50, context=b"t.c")
        assert len(set(sealed)) == 50

    @given(
        st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=20),
        st.sampled_from([32, 64, 65, 100]),
    )
    def test_property_blind_index_many_is_blind_index_value_by_value(self, values, key_length):
        keyring = Keyring.from_config(NEW, _key(b"k", key_length))
        assert keyring.blind_index_many(values, kind="email") == [
            None if v is None else keyring.blind_index(v, kind="email") for v in values
        ]
