from lacznik.accounts.roles import Role

GRANTS = {
    Role.ADMINISTRATOR: [
        "entities.view_entity",
        "entities.view_national_statistics",
        "entities.add_mark",
        "entities.change_mark",
        "entities.view_mark",
    ],
    Role.NATIONAL_COORDINATOR: ["entities.view_entity", "entities.view_national_statistics"],
    Role.REGIONAL_COORDINATOR: [
        "entities.view_entity",
        "entities.change_any_entity",
        "entities.grant_ps_status",
        "entities.import_entities",
    ],
    Role.OWES_ADVISOR: ["entities.view_entity", "entities.change_any_entity", "entities.grant_ps_status"],
    Role.PES_REPRESENTATIVE: ["entities.change_own_entity"],
}
