from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="optiongroup",
            name="catalog_optiongroup_choices_range",
        ),
        migrations.RemoveConstraint(
            model_name="optiongroup",
            name="catalog_optiongroup_required_min",
        ),
        migrations.AddConstraint(
            model_name="optiongroup",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_choices__gte", models.F("min_choices")), ("max_choices__gte", 1)),
                name="catalog_optiongroup_choices_range", violation_error_code="option_choices_invalid",
                violation_error_message="The maximum number of choices must be at least 1 and not below the "
                                        "minimum."),
        ),
        migrations.AddConstraint(
            model_name="optiongroup",
            constraint=models.CheckConstraint(
                condition=models.Q(("required", False), ("min_choices__gte", 1), _connector="OR"),
                name="catalog_optiongroup_required_min", violation_error_code="option_choices_invalid",
                violation_error_message="A required group needs at least one choice."),
        ),
    ]
