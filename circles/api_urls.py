"""Circles in the REST API, included at /api/v1/circles/ by config/api_urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.MyCircles.as_view(), name="api_circle_list"),
    path("join/", api.Join.as_view(), name="api_circle_join"),
    path("checkin/", api.CheckIn.as_view(), name="api_circle_checkin"),
    path("directory/", api.Directory.as_view(), name="api_circle_directory"),
    path("<str:slug>/", api.CircleDetail.as_view(), name="api_circle_detail"),
    path("<str:slug>/membership/", api.MyMembership.as_view(), name="api_circle_membership"),
    path("<str:slug>/members/", api.Members.as_view(), name="api_circle_members"),
    path("<str:slug>/posts/", api.Posts.as_view(), name="api_circle_posts"),
    path("<str:slug>/events/", api.Events.as_view(), name="api_circle_events"),
    path("<str:slug>/events/<int:pk>/rsvp/", api.EventRsvp.as_view(), name="api_circle_rsvp"),
]
