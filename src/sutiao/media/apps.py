from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "sutiao.media"
    label = "media"
    verbose_name = "音视频调解室"
