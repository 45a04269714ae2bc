from lacznik.accounts.roles import Role

GRANTS = {
    Role.ADMINISTRATOR: ["accounts.view_change_history"],
    Role.NATIONAL_COORDINATOR: ["accounts.view_change_history"],
}
