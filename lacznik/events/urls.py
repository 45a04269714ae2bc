from . import indicator_views, manage_views, public_views

app_name = "events"

# Names other modules rely on: events:detail (an event's page), events:confirm_email and events:cancel
# (the links mailed to a person, with the token), events:verify_certificate (a certificate's code).
urlpatterns = [
    *public_views.urlpatterns,
    *manage_views.urlpatterns,
    *indicator_views.urlpatterns,
]
