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
