from . import advocate_views, coverage_views, document_views, enrolment_views

app_name = "advocates"

# Names other modules rely on: advocates:enrolment (pk) — an enrolment's page.
urlpatterns = [
    *enrolment_views.urlpatterns,
    *document_views.urlpatterns,
    *advocate_views.urlpatterns,
    *coverage_views.urlpatterns,
]
