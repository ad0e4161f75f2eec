"""The API's shape of the learner's own profile."""

from __future__ import annotations

from rest_framework import serializers

from .models import User


class ProfileSerializer(serializers.ModelSerializer):
    """The signed-in learner. ``email`` is read-only here: addresses are managed (and confirmed)
    on the site's e-mail page; the avatar is changed on the profile page."""

    avatar_url = serializers.SerializerMethodField()
    public_name = serializers.CharField(read_only=True, help_text="What strangers see: never the e-mail.")

    class Meta:
        model = User
        fields = ["email", "display_name", "bio", "preferred_language", "public_name", "avatar_url", "date_joined"]
        read_only_fields = ["email", "public_name", "avatar_url", "date_joined"]

    def get_avatar_url(self, user: User) -> str | None:
        return user.avatar.url if user.avatar else None
