from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:slug>/", views.operator_page, name="operator"),
    path("o/<slug:slug>/request/", views.kind_choice, name="kind_choice"),
    path("o/<slug:slug>/request/<slug:kind>/", views.request_form, name="request_form"),
    path("find/", views.find_request, name="find_request"),
    # <token> is a random 256-bit secret, never personal data.
    path("r/<str:token>/confirm/", views.confirm, name="confirm"),
    path("r/<str:token>/confirm/resend/", views.confirm_resend, name="confirm_resend"),
    path("r/<str:token>/", views.status, name="status"),
    path("r/<str:token>/code/", views.status_code, name="status_code"),
    path("r/<str:token>/unlock/", views.status_unlock, name="status_unlock"),
    path("r/<str:token>/reply/", views.reply, name="reply"),
    path("r/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("r/<str:token>/download/<str:what>/<int:pk>/", views.download, name="download"),
    path("r/<str:token>/file/<str:link>/", views.file, name="file"),
]
