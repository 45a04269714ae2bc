"""Issue #4 point 4: national-scale synthetic data, deterministic from the seed, obviously synthetic."""

import pytest
from django.core.management import call_command

from lacznik.accounts.models import RoleAssignment, User
from lacznik.accounts.roles import Role
from lacznik.core.datagen import SYNTHETIC_DOMAIN, BatchWriter, generate, generators, scaled
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample

# A small register: gminas in four powiats of three voivodeships.
CODES = ["1465011", "1465022", "1461011", "1462012", "2862011", "0201011", "0201022"]


def _quiet(_line: str) -> None:
    pass


def _snapshot() -> list[tuple]:
    return sorted(
        RoleAssignment.objects.filter(user__email__endswith=SYNTHETIC_DOMAIN).values_list(
            "user__email", "user__first_name", "user__last_name", "user__date_joined", "role", "scope"
        )
    )


# The accounts generator is the one under test here; every app tests its own (tests/<app>/test_datagen.py).
ACCOUNTS = ["accounts"]


@pytest.fixture
def small_register(db):
    for code in CODES:
        unit_sample(code)


def test_every_app_generator_is_registered():
    assert "accounts" in {entry.app for entry in generators()}


def test_same_seed_same_data_other_seed_other_data(small_register):
    generate(scale=1.0, seed=1, only=ACCOUNTS, out=_quiet)
    first = _snapshot()
    generate(scale=1.0, seed=1, replace=True, only=ACCOUNTS, out=_quiet)
    assert _snapshot() == first
    generate(scale=1.0, seed=2, replace=True, only=ACCOUNTS, out=_quiet)
    assert _snapshot() != first
    assert len(_snapshot()) == len(first)  # at scale 1.0 the head count does not depend on the seed


def test_people_are_synthetic_and_cover_every_jst_and_voivodeship(small_register):
    report = generate(scale=1.0, seed=1, only=ACCOUNTS, out=_quiet)
    people = User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}")
    assert report.rows["accounts.User"] == people.count() > 0
    assert not any(user.has_usable_password() for user in people)
    assert all(user.last_name.startswith(("Przykładowa-", "Przykładowy-")) for user in people)
    assert all(user.email.endswith(".example") for user in people)
    # Permissions come with the role's group, as for people given a role in the interface.
    assert all(user.groups.filter(name=user.roles.pop()).exists() for user in people[:20])

    advocates = set(RoleAssignment.objects.filter(role=Role.ADVOCATE).values_list("scope", flat=True))
    jst = {code[:6] for code in CODES} | {code[:4] for code in CODES}
    assert jst <= advocates, "at scale 1.0 every gmina and powiat office has an advocate"
    for voivodeship in Unit.objects.voivodeships().values_list("code", flat=True):
        assert RoleAssignment.objects.filter(role=Role.REGIONAL_COORDINATOR, scope=voivodeship).exists()
    for scope in RoleAssignment.objects.filter(role=Role.OWES_ADVISOR).values_list("scope", flat=True):
        powiats = scope.split(",")
        assert all(len(code) == 4 for code in powiats)
        assert len({code[:2] for code in powiats}) == 1, "an OWES centre serves powiats of one voivodeship"


def test_smaller_scale_thins_out_in_proportion(small_register):
    full = generate(scale=1.0, seed=1, only=ACCOUNTS, out=_quiet).rows["accounts.User"]
    tenth = generate(scale=0.1, seed=1, replace=True, only=ACCOUNTS, out=_quiet).rows["accounts.User"]
    assert tenth < full


def test_scaled_keeps_the_average():
    import random

    rng = random.Random(7)
    draws = [scaled(rng, 0.25) for _ in range(4000)]
    assert set(draws) == {0, 1}
    assert 0.22 < sum(draws) / len(draws) < 0.28


def test_batch_writer_inserts_parents_before_children_in_batches(db):
    writer = BatchWriter(batch_size=7)
    for number in range(20):
        user = writer.add(User(email=f"batch.{number}@{SYNTHETIC_DOMAIN}", password="!x"))
        writer.add(RoleAssignment(user=user, role=Role.ADVOCATE, scope="146501"))
    writer.flush()
    assert writer.counts == {"accounts.User": 20, "accounts.RoleAssignment": 20}
    assert RoleAssignment.objects.filter(user__email__startswith="batch.").count() == 20


def test_the_command_covers_the_whole_register(terc, capsys):
    call_command("generate_national_data", "--scale", "0.01", "--seed", "1")
    output = capsys.readouterr().out
    assert "2,477 gminas" in output
    assert "Generated" in output and " s (peak memory" in output
    coordinators = RoleAssignment.objects.filter(role=Role.REGIONAL_COORDINATOR).values_list(
        "scope", flat=True
    )
    assert len(set(coordinators)) == 16
