from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("file/", views.check_file, name="check_file"),
]
