from django.core.management.base import BaseCommand, CommandError

from dsar.demo.staff_otp import current_code


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a user's device (demo and development only)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="whose device; without it, the shared demo key")

    def handle(self, *args, username=None, **options):
        from django.conf import settings

        if not settings.DEBUG and username:
            raise CommandError("Reading a real user's device key is for development only (DEBUG=1).")
        if not username:
            self.stdout.write(current_code())
            return
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no TOTP device.")
        self.stdout.write(current_code(device.key))
