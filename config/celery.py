"""The Celery app. Broker, beat schedule and task settings live in config/settings.py (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("manabi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
