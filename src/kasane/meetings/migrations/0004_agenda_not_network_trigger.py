"""A network meeting (推進会議・まちづくり委員会・庁内連携会議) can never hold a case item: a
database trigger refuses an agenda row of such a meeting, whatever code writes it (the
service and ``AgendaItem.clean`` refuse it first, with a Japanese message)."""

from django.db import migrations

NETWORK = "('promotion_council', 'area_committee', 'intra_office')"
CHECK = ("SELECT 1 FROM meetings_meeting m JOIN meetings_meetingbody b ON b.id = m.body_id "
         f"WHERE m.id = NEW.meeting_id AND b.type IN {NETWORK}")

POSTGRES = f"""
CREATE OR REPLACE FUNCTION meetings_agenda_not_network() RETURNS trigger AS $$
BEGIN
  IF EXISTS ({CHECK}) THEN
    RAISE EXCEPTION 'a network meeting cannot hold a case item' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER meetings_agenda_not_network BEFORE INSERT OR UPDATE ON meetings_agendaitem
FOR EACH ROW EXECUTE FUNCTION meetings_agenda_not_network();
"""
SQLITE = [
    f"""CREATE TRIGGER meetings_agenda_not_network_ins BEFORE INSERT ON meetings_agendaitem
WHEN EXISTS ({CHECK}) BEGIN SELECT RAISE(ABORT, 'a network meeting cannot hold a case item'); END""",
    f"""CREATE TRIGGER meetings_agenda_not_network_upd BEFORE UPDATE ON meetings_agendaitem
WHEN EXISTS ({CHECK}) BEGIN SELECT RAISE(ABORT, 'a network meeting cannot hold a case item'); END""",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS meetings_agenda_not_network ON meetings_agendaitem;"
                              "DROP FUNCTION IF EXISTS meetings_agenda_not_network();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS meetings_agenda_not_network_ins")
        schema_editor.execute("DROP TRIGGER IF EXISTS meetings_agenda_not_network_upd")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_network_meetings")]
    operations = [migrations.RunPython(forwards, backwards)]
