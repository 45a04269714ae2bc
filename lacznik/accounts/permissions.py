from .roles import Role

GRANTS = {
    Role.ADMINISTRATOR: ["accounts.manage_roles", "accounts.view_user"],
    Role.NATIONAL_COORDINATOR: ["accounts.manage_roles", "accounts.view_user"],
}
