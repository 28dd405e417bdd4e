import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from service.engine.masking import MASK, Masker


def test_a_secret_is_replaced_wherever_it_appears():
    mask = Masker(["hunter2-long"])
    assert mask("pw=hunter2-long and again hunter2-long") == f"pw={MASK} and again {MASK}"


def test_structured_secrets_are_masked_leaf_by_leaf():
    mask = Masker([{"user": "admin-user", "keys": ["key-aaaa", 12345678]}])
    assert mask("admin-user key-aaaa 12345678") == f"{MASK} {MASK} {MASK}"


def test_a_longer_secret_containing_a_shorter_one_is_masked_whole():
    mask = Masker(["abcd", "abcdefgh"])
    assert mask("abcdefgh") == MASK


def test_very_short_values_are_left_alone():
    assert Masker(["ab", "", None, True])("ab is fine") == "ab is fine"


SECRET = "s3cr3t/pa$$ word+é"


@pytest.mark.parametrize("encode", [
    pytest.param(lambda s: base64.b64encode(s.encode()).decode(), id="base64"),
    pytest.param(lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="), id="base64url-unpadded"),
    pytest.param(lambda s: base64.b64encode(f"user:{s}".encode()).decode(), id="base64-inside-longer-text-1"),
    pytest.param(lambda s: base64.b64encode(f"pw={s}".encode()).decode(), id="base64-inside-longer-text-2"),
    pytest.param(lambda s: base64.b64encode(f"ab{s}".encode()).decode(), id="base64-inside-longer-text-3"),
    pytest.param(lambda s: quote(s, safe=""), id="url"),
    pytest.param(lambda s: quote_plus(s), id="form"),
    pytest.param(lambda s: s.encode().hex(), id="hex"),
    pytest.param(lambda s: s.encode().hex().upper(), id="HEX"),
    pytest.param(lambda s: json.dumps(s, ensure_ascii=True)[1:-1], id="json-escaped"),
])
def test_common_encodings_of_a_secret_are_masked_too(encode):
    line = f"output = {encode(SECRET)} (done)"
    masked = Masker([SECRET])(line)
    assert MASK in masked
    # What is left of the encoded form is too little to decode the secret from.
    assert encode(SECRET)[4:-4] not in masked


def test_encodings_do_not_mask_ordinary_text():
    assert Masker(["abcd"])("abcd YWJjZA== 61626364 dcba") == f"{MASK} {MASK} {MASK} dcba"
    assert Masker([SECRET])("terraform apply: 3 added, 0 changed") == "terraform apply: 3 added, 0 changed"


def test_within_masks_every_string_of_a_json_value():
    mask = Masker(["hunter2-long"])
    assert mask.within({"a": ["x hunter2-long", 3, None], "b": {"c": "aHVudGVyMi1sb25n"}}) == \
        {"a": [f"x {MASK}", 3, None], "b": {"c": MASK}}
