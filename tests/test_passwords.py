"""The password policy: length, no composition rules, no common passwords."""

import pytest

from casework.accounts.passwords import hash_password, password_problems, verify_password


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "123456789012",
        "qwertyuiop123",
        "aaaaaaaaaaaaaaa",
        "Password123!",
        "iloveyou2024!!",
        "passwordpassword",
    ],
)
def test_common_passwords_are_refused(password):
    assert password_problems(password) == [
        "This password is too common or too easy to guess. Choose a few unrelated words instead."
    ]


def test_short_passwords_are_refused_with_what_to_type():
    assert password_problems("tiny") == [
        "Use at least 12 characters; a few unrelated words make a good password."
    ]


@pytest.mark.parametrize(
    "password", ["lantern orchid quarry", "all lowercase and fine", "ŝtupo kaj ĉevalo 7"]
)
def test_no_composition_rules(password):
    assert password_problems(password) == []


def test_email_in_password_is_refused():
    assert password_problems("chanthy.ouk is great", email="chanthy.ouk@example.org")


def test_hash_and_verify():
    h = hash_password("lantern orchid quarry")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "lantern orchid quarry")
    assert not verify_password(h, "lantern orchid quarrx")
    assert not verify_password(None, "anything at all")
