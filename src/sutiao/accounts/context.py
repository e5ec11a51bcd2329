from django.conf import settings
from django.utils.translation import gettext


def platform(request):
    # The platform names are listed for translation in sutiao/translation.py.
    return {"platform_name": gettext(settings.PLATFORM_NAME), "platform": settings.PLATFORM}
