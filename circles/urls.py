"""Circle pages, mounted at /circles/ by config/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="circles_home"),
    path("settings/", views.community_settings, name="circles_settings"),
    path("organise/", views.organise, name="circles_organise"),
    path("join/<uuid:public_id>/", views.join, name="circle_join"),
    path("checkin/<str:token>/", views.checkin, name="circle_checkin"),
    path("c/<str:slug>/", views.circle_detail, name="circle_detail"),
    path("c/<str:slug>/membership/", views.membership_settings, name="circle_membership"),
    path("c/<str:slug>/members/", views.members, name="circle_members"),
    path("c/<str:slug>/posts/", views.post_create, name="circle_post"),
    path("c/<str:slug>/posts/<int:pk>/pin/", views.post_pin, name="circle_post_pin"),
    path("c/<str:slug>/report/", views.report, name="circle_report"),
    path("c/<str:slug>/block/<int:pk>/", views.block, name="circle_block"),
    path("c/<str:slug>/moderation/", views.moderation, name="circle_moderation"),
    path("c/<str:slug>/activate/", views.activate, name="circle_activate"),
    path("c/<str:slug>/events/new/", views.event_create, name="circle_event_new"),
    path("c/<str:slug>/events/<int:pk>/", views.event_detail, name="circle_event"),
    path("c/<str:slug>/events/<int:pk>/qr/", views.event_qr, name="circle_event_qr"),
    path("c/<str:slug>/events/<int:pk>/issue/", views.event_issue, name="circle_event_issue"),
    path("c/<str:slug>/ask/", views.ask, name="circle_ask"),
    path("c/<str:slug>/ask/<int:pk>/answer/", views.answer, name="circle_answer"),
    path("c/<str:slug>/dm/<int:pk>/", views.direct_messages, name="circle_dm"),
]
