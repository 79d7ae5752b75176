from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"
v1 = [
    path("kinds/", views.KindsView.as_view(), name="kinds"),
    path("requests/", views.RequestListView.as_view(), name="requests"),
    path("requests/<str:reference>/", views.RequestDetailView.as_view(), name="request"),
    path("requests/<str:reference>/transitions/", views.TransitionListView.as_view(), name="transitions"),
    path("requests/<str:reference>/transitions/<str:name>/", views.TransitionView.as_view(), name="transition"),
    path("requests/<str:reference>/records/", views.RecordsView.as_view(), name="records"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("jobs/<int:job_id>/answer/", views.JobAnswerView.as_view(), name="job_answer"),
]
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's files (no CDN). Its Redoc page is left out: the
    # template loads Google Fonts.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ is a problem+json 404, never the portal's HTML page.
    re_path(r"^", views.not_found),
]
