import django.db.models.deletion
import dsar.models.fields
from django.conf import settings
from django.db import migrations, models

# Checkpoints are append-only in the database too: a row-level trigger refuses UPDATE and
# DELETE (TRUNCATE stays possible, for test-database flushes; a table owner can also drop the
# trigger, which is why each checkpoint is signed and e-mailed as well).
CHECKPOINT_TRIGGER = """
CREATE OR REPLACE FUNCTION dsar_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dsar_chaincheckpoint is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dsar_checkpoint_append_only BEFORE UPDATE OR DELETE ON dsar_chaincheckpoint
    FOR EACH ROW EXECUTE FUNCTION dsar_checkpoint_append_only();
"""
CHECKPOINT_TRIGGER_DROP = """
DROP TRIGGER IF EXISTS dsar_checkpoint_append_only ON dsar_chaincheckpoint;
DROP FUNCTION IF EXISTS dsar_checkpoint_append_only();
"""


def checkpoint_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECKPOINT_TRIGGER)


def checkpoint_trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECKPOINT_TRIGGER_DROP)


def seal_outbox(apps, schema_editor):
    """Encrypt the contexts already waiting in the outbox; forget those already sent."""
    Notification = apps.get_model("dsar", "Notification")
    Notification.objects.filter(status="sent").exclude(context={}).update(context={})
    for row in Notification.objects.exclude(status="sent").exclude(context={}).iterator():
        row.save(update_fields=["context"])  # SealedJSONField encrypts on the way in



class Migration(migrations.Migration):

    dependencies = [
        ('dsar', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(verbose_name='events')),
                ('head_hash', models.CharField(max_length=64, verbose_name='hash of the last event')),
                ('signed_at', models.DateTimeField(verbose_name='signed at')),
                ('key_id', models.CharField(max_length=16, verbose_name='key')),
                ('signature', models.CharField(max_length=100, verbose_name='signature')),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['operator', 'seq'],
            },
        ),
        migrations.AlterField(
            model_name='notification',
            name='context',
            field=dsar.models.fields.SealedJSONField(blank=True, default=dict),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('redacted', False), models.Q(('data', {}), ('note', '')), _connector='OR'), name='event_redacted_is_empty'),
        ),
        migrations.AddField(
            model_name='chaincheckpoint',
            name='operator',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chain_checkpoints', to='dsar.operator'),
        ),
        migrations.AddConstraint(
            model_name='chaincheckpoint',
            constraint=models.UniqueConstraint(fields=('operator', 'seq'), name='checkpoint_seq_unique'),
        ),
        migrations.RunPython(checkpoint_trigger, checkpoint_trigger_drop),
        migrations.RunPython(seal_outbox, migrations.RunPython.noop),
    ]
