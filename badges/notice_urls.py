"""The notice centre, mounted at /notices/ by config/urls.py."""

from django.urls import path

from . import notice_views

urlpatterns = [
    path("", notice_views.notice_list, name="notice_list"),
    path("read/", notice_views.notices_read, name="notices_read"),
    path("email/<str:token>/", notice_views.email_frequency, name="notice_email_frequency"),
    path("email/<str:token>/stop/", notice_views.email_stop, name="notice_email_stop"),
]
