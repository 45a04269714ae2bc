from lacznik.accounts.roles import Role

GRANTS = {
    Role.ADMINISTRATOR: ["territory.import_register"],
}
