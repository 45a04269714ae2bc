from lacznik.accounts.roles import Role

GRANTS = {
    Role.REGIONAL_COORDINATOR: [
        "advocates.manage_enrolments",
        "advocates.record_support",
        "advocates.view_coverage",
    ],
    # OWES advisors record the support their centre gives to the advocates of the powiats it serves.
    Role.OWES_ADVISOR: ["advocates.record_support"],
    Role.NATIONAL_COORDINATOR: ["advocates.view_coverage"],
}
