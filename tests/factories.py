import factory

from lacznik.accounts.models import User, split_prefixes
from lacznik.accounts.services import assign_role

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"osoba{n}@lacznik.example")
    first_name = "Testowa"
    last_name = factory.Sequence(lambda n: f"Osoba-{n}")

    @factory.post_generation
    def password(user: User, create: bool, extracted: str | None, **kwargs) -> None:
        user.set_password(extracted or TEST_PASSWORD)
        if create:
            user.save(update_fields=["password"])


def assign(user: User, role: str, scope: str) -> User:
    """Give `user` a role in a territory ("14" or "1461,1462") through the role service, as the system.

    Returns the user loaded anew, as the next request would see it (groups, admin flag, scope)."""
    assign_role(user=user, role=role, prefixes=split_prefixes(scope), by=None)
    return User.objects.get(pk=user.pk)
