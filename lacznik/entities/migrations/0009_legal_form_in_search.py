"""The search documents gain the entity's legal form in words, abbreviation included ("ZAZ", "fundacja"
find the entities of that form): the documents are computed again, as migration 0006 did."""

from importlib import import_module

from django.db import migrations

refresh_documents = import_module("lacznik.entities.migrations.0006_search_facets").refresh_documents


class Migration(migrations.Migration):
    dependencies = [("entities", "0008_polish_name_order")]

    operations = [migrations.RunPython(refresh_documents, migrations.RunPython.noop, elidable=True)]
