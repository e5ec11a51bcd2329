"""Demo institutions and one user per role (what `make up` loads)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sutiao import demo
from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.accounts.two_factor import STAFF_ROLES

COURTS = [
    (demo.SPC, InstitutionKind.SUPREME_COURT, "最高人民法院", "", None),
    (demo.BEIJING_HIGH, InstitutionKind.HIGH_COURT, "北京市高级人民法院", "京", demo.SPC),
    (
        demo.BEIJING_4TH_INTERMEDIATE,
        InstitutionKind.INTERMEDIATE_COURT,
        "北京市第四中级人民法院",
        "京04",
        demo.BEIJING_HIGH,
    ),
    (demo.CHAOYANG, InstitutionKind.BASIC_COURT, "北京市朝阳区人民法院", "京0105", demo.BEIJING_4TH_INTERMEDIATE),
    (demo.XICHENG, InstitutionKind.BASIC_COURT, "北京市西城区人民法院", "京0102", demo.BEIJING_4TH_INTERMEDIATE),
]
INVESTOR_BODIES = [
    (demo.BUREAU, InstitutionKind.PROTECTION_BUREAU, "中国证监会投资者保护局", "", None),
    (demo.BEIJING_OFFICE, InstitutionKind.REGIONAL_OFFICE, "中国证监会北京监管局", "", None),
    *[(org_id, InstitutionKind.MEDIATION_ORG, name, "", demo.BEIJING_OFFICE) for org_id, name, _ in demo.ORGANISATIONS],
]


class Command(BaseCommand):
    help = "载入演示机构与演示账号（每个角色一个）"

    @transaction.atomic
    def handle(self, *args, **options):
        demo.ensure_development()
        court = settings.PLATFORM == "court"
        for pk, kind, name, code, parent in COURTS if court else INVESTOR_BODIES:
            Institution.objects.update_or_create(
                pk=pk, defaults={"kind": kind, "name": name, "short_code": code, "parent_id": parent}
            )
        for username, full_name, role, institution in demo.COURT_USERS if court else demo.INVESTOR_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "role": role,
                    "institution_id": institution,
                    "phone": demo.MEDIATOR_MOBILES.get(username, ""),
                },
            )
            if created:
                user.set_password(demo.PASSWORD)
                user.save()
        operator, created = User.objects.get_or_create(
            username="operator",
            defaults={"full_name": "平台运维", "role": Role.OPERATOR, "is_staff": True, "is_superuser": True},
        )
        if created:
            operator.set_password(demo.PASSWORD)
            operator.save()
        # Every staff role signs in with a second factor (sutiao.accounts.two_factor): the demo accounts share one
        # published authenticator key, so `sutiao court totp <username>` shows the code to type.
        for user in User.objects.filter(role__in=STAFF_ROLES).exclude(totpdevice__confirmed=True):
            TOTPDevice.objects.create(user=user, name="demo", key=demo.OPERATOR_TOTP_KEY, confirmed=True)
        self.stdout.write(f"{settings.PLATFORM}: demo institutions and users ready")
