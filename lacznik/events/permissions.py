from lacznik.accounts.roles import Role

GRANTS = {
    # Regional coordinators run the recruitment of their region's events; the national coordinator
    # runs national ones (e.g. the trainings for ROPS staff) and compares the regions' indicators.
    Role.REGIONAL_COORDINATOR: ["events.manage_events", "events.view_indicators"],
    Role.NATIONAL_COORDINATOR: ["events.manage_events", "events.view_indicators"],
}
