"""Demo accounts: one per role in Mazowieckie (14) and in Warmińsko-Mazurskie (28).

Names are obviously fictional and addresses use the reserved .example domain (no real people).
"""

from typing import TextIO

from .models import User
from .roles import Role
from .services import assign_role

DEMO_PASSWORD = "Demo-Haslo-Testowe-2026"
ALL_VOIVODESHIPS = [f"{number:02d}" for number in range(2, 33, 2)]

# (e-mail, first name, last name, role, scope)
DEMO_ACCOUNTS = [
    ("admin@lacznik.example", "Adam", "Administracyjny-Demo", Role.ADMINISTRATOR, ALL_VOIVODESHIPS),
    ("krajowy@lacznik.example", "Krystyna", "Krajowa-Demo", Role.NATIONAL_COORDINATOR, ALL_VOIVODESHIPS),
    ("koordynator.mazowsze@lacznik.example", "Maria", "Mazowiecka-Demo", Role.REGIONAL_COORDINATOR, ["14"]),
    ("rzecznik.warszawa@lacznik.example", "Roman", "Rzecznikowski-Demo", Role.ADVOCATE, ["146501"]),
    ("owes.mazowsze@lacznik.example", "Olga", "Owesowa-Demo", Role.OWES_ADVISOR, ["1461", "1462"]),
    ("pes.mazowsze@lacznik.example", "Paweł", "Spółdzielczy-Demo", Role.PES_REPRESENTATIVE, ["146501"]),
    ("rkres.mazowsze@lacznik.example", "Renata", "Komitetowa-Demo", Role.COMMITTEE_MEMBER, ["14"]),
    ("recenzent.mazowsze@lacznik.example", "Cezary", "Recenzencki-Demo", Role.CERTIFICATION_REVIEWER, ["14"]),
    ("koordynator.warmia@lacznik.example", "Wanda", "Warmińska-Demo", Role.REGIONAL_COORDINATOR, ["28"]),
    ("rzecznik.olsztyn@lacznik.example", "Olaf", "Olsztyński-Demo", Role.ADVOCATE, ["286201"]),
    ("owes.warmia@lacznik.example", "Mirosława", "Mazurska-Demo", Role.OWES_ADVISOR, ["2862", "2814"]),
    ("pes.warmia@lacznik.example", "Piotr", "Przykładowy-Demo", Role.PES_REPRESENTATIVE, ["286201"]),
    ("rkres.warmia@lacznik.example", "Regina", "Radna-Demo", Role.COMMITTEE_MEMBER, ["28"]),
    ("recenzent.warmia@lacznik.example", "Celina", "Certyfikacka-Demo", Role.CERTIFICATION_REVIEWER, ["28"]),
]


def seed(*, stdout: TextIO) -> None:
    for email, first_name, last_name, role, scope in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role not in user.roles or sorted(user.prefixes_for(role)) != sorted(scope):
            assign_role(user=user, role=role, prefixes=scope, by=None)
    stdout.write("\nKonta demonstracyjne (hasło dla wszystkich: %s):\n" % DEMO_PASSWORD)
    for email, _first, _last, role, scope in DEMO_ACCOUNTS:
        stdout.write(f"  {email:<40} {Role(role).label:<32} TERYT {', '.join(scope)}\n")
