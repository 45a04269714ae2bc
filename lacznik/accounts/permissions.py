from .roles import Role

GRANTS = {
    # The admin site (administrators only, is_staff) shows accounts and assignments; names and
    # addresses can be corrected there, roles and account state change on the Users and roles pages.
    Role.ADMINISTRATOR: [
        "accounts.manage_roles",
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_roleassignment",
    ],
    Role.NATIONAL_COORDINATOR: ["accounts.manage_roles", "accounts.view_user"],
}
