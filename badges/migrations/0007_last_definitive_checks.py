from django.db import migrations, models

DEFINITIVE = ["valid", "expired", "not_yet_valid", "revoked", "suspended", "invalid", "recipient_mismatch", "unsupported"]


def copy_current_checks(apps, schema_editor):
    """Badges whose last run was definitive: those checks are the last definitive ones."""
    Badge = apps.get_model("badges", "Badge")
    for badge in Badge.objects.filter(status__in=DEFINITIVE).only("pk", "checks").iterator():
        Badge.objects.filter(pk=badge.pk).update(last_definitive_checks=badge.checks)


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0006_badge_endorsements_contained"),
    ]

    operations = [
        migrations.AddField(
            model_name="badge",
            name="last_definitive_checks",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_current_checks, migrations.RunPython.noop),
    ]
