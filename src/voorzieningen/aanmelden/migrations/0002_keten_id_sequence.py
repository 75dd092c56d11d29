from django.db import migrations

START = 9_000_000_000
EINDE = 9_999_999_999


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS aanmelden_keten_id_seq AS bigint "
            f"START WITH {START + 1} MINVALUE {START + 1} MAXVALUE {EINDE} NO CYCLE"
        )
    else:
        apps.get_model("aanmelden", "KetenIdTeller").objects.get_or_create(pk=1, defaults={"laatste": START})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS aanmelden_keten_id_seq")


class Migration(migrations.Migration):
    dependencies = [("aanmelden", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
