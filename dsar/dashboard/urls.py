from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.now_view, name="now"),
    path("performance/", views.performance_view, name="performance"),
    path("csv/<slug:key>.csv", views.table_csv, name="csv"),
    path("register.csv", views.register_csv, name="register"),
]
