"""Polish text helpers (lacznik.core.text)."""

from lacznik.core.text import polish_sort_key


def test_names_sort_as_a_polish_dictionary_has_them():
    names = [
        "Zakład",
        "Łódzka",
        "Lubuska",
        "Śląsk",
        "Pomorze",
        "ostrowski",
        "ostrołęcki",
        "Ąb",
        "Az",
        "10 lat",
    ]
    assert sorted(names, key=polish_sort_key) == [
        "10 lat", "Az", "Ąb", "Lubuska", "Łódzka", "ostrołęcki", "ostrowski", "Pomorze", "Śląsk", "Zakład",
    ]  # fmt: skip


def test_case_punctuation_and_foreign_accents_do_not_count():
    assert polish_sort_key("FUNDACJA „Żak”") == polish_sort_key("fundacja żak")
    assert polish_sort_key("Élan") == polish_sort_key("elan")
    assert sorted(["Fundacja „Żak”", "Fundacja Zet"], key=polish_sort_key) == [
        "Fundacja Zet",
        "Fundacja „Żak”",
    ]


def test_the_key_is_digits_so_every_database_collation_orders_it_alike():
    key = polish_sort_key("Spółdzielnia Socjalna „Łączka” nr 7 " * 10)
    assert key.isdigit() and len(key) <= 200  # the first 100 characters, two digits each
    assert len(polish_sort_key("ź" * 300)) == 200
