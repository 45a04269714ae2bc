from django.db import migrations


def install_search_index(apps, schema_editor):
    from lacznik.entities.search import install_index

    install_index(schema_editor.connection)


def remove_search_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE entities_entity DROP COLUMN IF EXISTS search_vector")
        elif schema_editor.connection.vendor == "sqlite":
            for name in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS entities_entity_fts_{name}")
            cursor.execute("DROP TABLE IF EXISTS entities_entity_fts")


def add_marks(apps, schema_editor):
    Mark = apps.get_model("entities", "Mark")
    Mark.objects.get_or_create(
        code="zakup-prospoleczny",
        defaults={
            "name": "Zakup Prospołeczny",
            "description": "Znak dla podmiotów ekonomii społecznej, których produkty i usługi spełniają "
            "kryteria certyfikacji „Zakup Prospołeczny”.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]

    operations = [
        migrations.RunPython(install_search_index, remove_search_index),
        migrations.RunPython(add_marks, migrations.RunPython.noop),
    ]
