# Online applications for judicial confirmation (issue 11 §4): where an application came from and its id there,
# no filing clerk for one made online, and the applications waiting for their agreement to be fetched.

import django.db.models.deletion
import sutiao.accounts.pii
from django.conf import settings
from django.db import migrations, models

from sutiao.listing import around_table_rebuild


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_field_ciphertext'),
        ('court', '0013_judicial_confirmation'),
        ('docking', '0003_shared_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # SQLite rebuilds the table for these: its search index is dropped before and made again after.
        *around_table_rebuild(
            'court_confirmationapplication',
            migrations.AddField(
                model_name='confirmationapplication',
                name='peer',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='docking.peer', verbose_name='来源平台'),
            ),
            migrations.AddField(
                model_name='confirmationapplication',
                name='request_id',
                field=models.UUIDField(blank=True, null=True, unique=True, verbose_name='在线申请标识'),
            ),
            migrations.AlterField(
                model_name='confirmationapplication',
                name='received_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人'),
            ),
        ),
        migrations.CreateModel(
            name='IncomingApplication',
            fields=[
                ('id', models.UUIDField(editable=False, primary_key=True, serialize=False)),
                ('payload', sutiao.accounts.pii.EncryptedJSON(verbose_name='申请内容')),
                ('received_at', models.DateTimeField(verbose_name='收到时间')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='取件次数')),
                ('next_attempt_at', models.DateTimeField(verbose_name='下次取件时间')),
                ('last_error', models.CharField(blank=True, max_length=1000, verbose_name='最近一次取件失败原因')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='处理完毕时间')),
                ('refused_reason', models.CharField(blank=True, max_length=2000, verbose_name='拒收理由')),
                ('application', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='incoming', to='court.confirmationapplication')),
                ('court', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.institution')),
                ('peer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='docking.peer')),
            ],
            options={
                'verbose_name': '在线司法确认申请（待取件）',
                'verbose_name_plural': '在线司法确认申请（待取件）',
                'indexes': [models.Index(condition=models.Q(('done_at__isnull', True)), fields=['next_attempt_at'], name='court_incoming_due')],
            },
        ),
    ]
