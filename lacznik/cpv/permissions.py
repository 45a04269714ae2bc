from lacznik.accounts.roles import Role

GRANTS = {
    # Administrators keep the registers: they see the CPV dictionary in the admin (read-only; it is
    # loaded with the import_cpv command).
    Role.ADMINISTRATOR: ["cpv.view_cpvcode"],
}
