from lacznik.accounts.roles import Role

GRANTS = {
    # Administrators keep the registers: they see units and imports in the admin and import new files.
    Role.ADMINISTRATOR: ["territory.import_register", "territory.view_unit", "territory.view_registerimport"],
}
