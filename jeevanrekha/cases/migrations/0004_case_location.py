from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_review_and_risk"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="location",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="the locate engine's resolution: point, radius, needs_trace, reasons, ...",
            ),
        ),
    ]
