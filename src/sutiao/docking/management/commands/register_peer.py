from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sutiao.docking.models import Peer, PeerKey, insecure_url


class Command(BaseCommand):
    help = "登记（或更新）一个对接平台及其公钥"

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--display-name", required=True)
        parser.add_argument("--url", required=True)
        parser.add_argument("--key-id", required=True)
        parser.add_argument("--public-key-file", required=True)

    @transaction.atomic
    def handle(self, *args, name, display_name, url, key_id, public_key_file, **options):
        problem = insecure_url(url)
        if problem:
            raise CommandError(problem)
        peer, _ = Peer.objects.update_or_create(name=name, defaults={"display_name": display_name, "base_url": url})
        PeerKey.objects.update_or_create(
            key_id=key_id, defaults={"peer": peer, "public_key_pem": Path(public_key_file).read_text()}
        )
        self.stdout.write(f"peer {name} at {url} with key {key_id}")
