"""A participant's phone and e-mail: French numbers read loosely and written one way,
international ones kept, addresses checked by the accounts' rule."""

import pytest

from clauses.rules.contact import email_address, phone_number


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("06-12-34-56-78", "06 12 34 56 78"),
        ("01 48 95\u00a000 00", "01 48 95 00 00"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("0033612345678", "06 12 34 56 78"),
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion, international form
        ("+32 2 123 45 67", "+3221234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_numbers_are_read_loosely_and_written_one_way(typed, written):
    assert phone_number(typed) == written


@pytest.mark.parametrize(
    "typed", ["612345678", "00 12 34 56 78", "06 12 34 56", "06 12 34 56 78 9", "tel 0612345678",
              "+33 6 12", "+1234567", "appeler le soir"]
)  # fmt: skip
def test_what_is_no_phone_number_is_refused(typed):
    assert phone_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("awa.diallo@example.fr", "awa.diallo@example.fr"), (" a@b.fr ", "a@b.fr"), ("", "")],
)
def test_addresses_are_trimmed(typed, kept):
    assert email_address(typed) == kept


@pytest.mark.parametrize("typed", ["awa.diallo", "awa@", "a b@example.fr", "awa@example"])
def test_addresses_the_sign_in_form_refuses_are_refused(typed):
    assert email_address(typed) is None
