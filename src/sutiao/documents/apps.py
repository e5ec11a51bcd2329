from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "sutiao.documents"
    verbose_name = _("文件")

    def ready(self):
        from sutiao.jobs.schedule import periodic

        from .sweep import sweep_orphans

        periodic("sweep_orphaned_files", every="SUTIAO_DOCUMENTS_SWEEP_SECONDS", at_start=False)(sweep_orphans)
