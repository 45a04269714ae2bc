import factory
from django.contrib.auth.models import Group

from lacznik.accounts.models import RoleAssignment, User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"osoba{n}@lacznik.example")
    first_name = "Testowa"
    last_name = factory.Sequence(lambda n: f"Osoba-{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)


def assign(user: User, role: str, scope: str) -> User:
    """Give `user` a role in a territory the way the role service does (assignment + group)."""
    RoleAssignment.objects.update_or_create(user=user, role=role, defaults={"scope": scope})
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)
