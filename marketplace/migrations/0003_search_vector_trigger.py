"""A PostgreSQL trigger keeps Offer.search_vector current on every insert and update.

Weights: A the title; B what you will get and who it is for; C what the price covers,
the area and the start dates; D accessibility and languages. SQLite has no full-text
vector: search there falls back to a simple match, so this migration does nothing.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION marketplace_offer_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english',
      coalesce(NEW.what_you_get, '') || ' ' || coalesce(NEW.who_it_is_for, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english',
      coalesce(NEW.price_covers, '') || ' ' || coalesce(NEW.area, '') || ' ' ||
      coalesce(NEW.start_dates, '')), 'C') ||
    setweight(to_tsvector('pg_catalog.english',
      coalesce(NEW.accessibility, '') || ' ' || coalesce(NEW.languages, '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS marketplace_offer_search_vector_trg ON marketplace_offer;
CREATE TRIGGER marketplace_offer_search_vector_trg
  BEFORE INSERT OR UPDATE ON marketplace_offer
  FOR EACH ROW EXECUTE FUNCTION marketplace_offer_search_vector();

-- Fill the vector of rows that already exist.
UPDATE marketplace_offer SET title = title;
"""

DROP = """
DROP TRIGGER IF EXISTS marketplace_offer_search_vector_trg ON marketplace_offer;
DROP FUNCTION IF EXISTS marketplace_offer_search_vector();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0002_search_and_standing"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
