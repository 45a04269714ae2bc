"""How letters address the heads of real JSTs of Mazowieckie (TERC 2024): title, office in the genitive,
salutation by gender."""

from lacznik.advocates.addressing import addressing, for_enrolment, genitive
from lacznik.advocates.models import Enrolment
from lacznik.territory.models import Unit
from tests.advocates.factories import EnrolmentFactory

# code → (addressee line, office in the genitive, party of the agreement)
MAZOWSZE = {
    "1462011": ("Prezydent Miasta Płocka", "Miasta Płocka", "Miasto Płock"),
    "1462": ("Prezydent Miasta Płocka", "Miasta Płocka", "Miasto Płock"),
    "1464011": ("Prezydent Miasta Siedlec", "Miasta Siedlec", "Miasto Siedlce"),
    "1461011": ("Prezydent Miasta Ostrołęki", "Miasta Ostrołęki", "Miasto Ostrołęka"),
    "1463011": ("Prezydent Miasta Radomia", "Miasta Radomia", "Miasto Radom"),
    "1465011": (
        "Prezydent Miasta Stołecznego Warszawy",
        "Miasta Stołecznego Warszawy",
        "Miasto Stołeczne Warszawa",
    ),
    "1414011": (
        "Burmistrz Miasta Nowego Dworu Mazowieckiego",
        "Miasta Nowego Dworu Mazowieckiego",
        "Miasto Nowy Dwór Mazowiecki",
    ),
    "1412011": (
        "Burmistrz Miasta Mińska Mazowieckiego",
        "Miasta Mińska Mazowieckiego",
        "Miasto Mińsk Mazowiecki",
    ),
    "1429011": (
        "Burmistrz Miasta Sokołowa Podlaskiego",
        "Miasta Sokołowa Podlaskiego",
        "Miasto Sokołów Podlaski",
    ),
    "1412151": ("Burmistrz Miasta Sulejówka", "Miasta Sulejówka", "Miasto Sulejówek"),
    # A rural gmina and urban-rural ones: "Gmina X" is an apposition, the name stays as it is.
    "1436012": ("Wójt Gminy Kazanów", "Gminy Kazanów", "Gmina Kazanów"),
    "1412112": ("Wójt Gminy Mińsk Mazowiecki", "Gminy Mińsk Mazowiecki", "Gmina Mińsk Mazowiecki"),
    "1423063": ("Burmistrz Miasta i Gminy Przysucha", "Miasta i Gminy Przysucha", "Miasto i Gmina Przysucha"),
    "1418013": (
        "Burmistrz Miasta i Gminy Góra Kalwaria",
        "Miasta i Gminy Góra Kalwaria",
        "Miasto i Gmina Góra Kalwaria",
    ),
    "1418023": (
        "Burmistrz Miasta i Gminy Konstancin-Jeziorna",
        "Miasta i Gminy Konstancin-Jeziorna",
        "Miasto i Gmina Konstancin-Jeziorna",
    ),
    # Powiats: TERC names them by an adjective ("płocki").
    "1419": ("Starosta Płocki", "Powiatu Płockiego", "Powiat Płocki"),
    "1412": ("Starosta Miński", "Powiatu Mińskiego", "Powiat Miński"),
    "1414": ("Starosta Nowodworski", "Powiatu Nowodworskiego", "Powiat Nowodworski"),
    "1432": (
        "Starosta Warszawski Zachodni",
        "Powiatu Warszawskiego Zachodniego",
        "Powiat Warszawski Zachodni",
    ),
    "1437": ("Starosta Żuromiński", "Powiatu Żuromińskiego", "Powiat Żuromiński"),
}


def test_heads_of_real_jsts_of_mazowsze_are_addressed_by_kind_and_declined(terc):
    wrong = []
    for code, expected in MAZOWSZE.items():
        got = addressing(Unit.objects.get(code=code))
        if (got.addressee, got.office_genitive, got.jst_name) != expected:
            wrong.append(f"{code}: {(got.addressee, got.office_genitive, got.jst_name)} != {expected}")
    assert not wrong, "\n".join(wrong)
    assert len(MAZOWSZE) >= 15


def test_the_head_title_of_the_enrolment_wins_over_the_register(terc):
    # Pruszków has no powiat rights but has a prezydent.
    enrolment = EnrolmentFactory(code="1421021", head_title="Prezydent Miasta", head_gender="f")
    address = for_enrolment(enrolment)
    assert address.addressee == "Prezydent Miasta Pruszkowa"
    assert address.title == "Prezydent Miasta"
    assert address.salutation == "Szanowna Pani Prezydent"


SALUTATIONS = [
    ("1436012", "m", "Szanowny Panie Wójcie"),
    ("1436012", "f", "Szanowna Pani Wójt"),
    ("1423063", "m", "Szanowny Panie Burmistrzu"),
    ("1423063", "f", "Szanowna Pani Burmistrz"),
    ("1462011", "m", "Szanowny Panie Prezydencie"),
    ("1462011", "f", "Szanowna Pani Prezydent"),
    ("1419", "m", "Szanowny Panie Starosto"),
    ("1419", "f", "Szanowna Pani Starosto"),
    ("1419", "", "Szanowni Państwo"),
    ("1436012", "", "Szanowni Państwo"),
]


def test_salutation_is_in_the_vocative_by_the_heads_gender(terc):
    got = [
        (code, gender, addressing(Unit.objects.get(code=code), head_gender=gender).salutation)
        for code, gender, _expected in SALUTATIONS
    ]
    assert got == SALUTATIONS


def test_names_are_declined_word_by_word_and_part_by_part_keeping_capitals():
    assert genitive("Nowy Dwór Mazowiecki") == "Nowego Dworu Mazowieckiego"
    assert genitive("Ostrów Mazowiecka") == "Ostrowi Mazowieckiej"  # Ostrów is feminine here
    assert genitive("Nowe Miasto nad Pilicą") == "Nowego Miasta nad Pilicą"
    assert genitive("Konstancin-Jeziorna") == "Konstancina-Jeziorny"
    assert genitive("Podkowa Leśna") == "Podkowy Leśnej"
    assert genitive("Siedlce") == "Siedlec"
    assert genitive("warszawski zachodni", agree=("sg", "m3")) == "warszawskiego zachodniego"


def test_a_word_morfeusz_does_not_know_stays_in_the_nominative():
    assert genitive("Qwxzyk") == "Qwxzyk"
    assert genitive("Nowy Qwxzyk") == "Nowy Qwxzyk"  # no head noun found: nothing is guessed


def test_an_enrolment_of_a_made_up_gmina_is_addressed_without_error(db):
    enrolment = EnrolmentFactory(code="1465011")
    assert Enrolment.objects.unscoped(reason="test").count() == 1
    assert for_enrolment(enrolment).addressee.startswith("Prezydent Miasta")
