"""API keys: `Authorization: Bearer dsar_...`. Only the key's SHA-256 is stored.

A key belongs to one operator and acts with the CURRENT rights of the staff member who created
it (their role at the operator, read afresh on every call), narrowed by its scopes: a key whose
creator was deactivated or left the operator stops working (401); what the role may not do is 403
(`permissions.CreatorMay`) and personal data it may not see comes masked (`serializers.SubjectOut`).
The scheme is case-insensitive (RFC 7235).
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .. import permissions
from ..models import ApiKey
from ..models.channels import hash_secret

# last_used_at is written at most this often per key: a busy key must not turn every call into a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not raw.strip():
            raise exceptions.AuthenticationFailed(_('Send the API key as "Authorization: Bearer <key>".'))
        key = (
            ApiKey.objects.select_related("operator", "created_by")
            .filter(key_hash=hash_secret(raw.strip()), revoked_at__isnull=True)
            .first()
        )
        if key is None or not key.operator.is_active or not self._creator_may_act(key):
            raise exceptions.AuthenticationFailed(_("This API key is not valid or has been revoked."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USE_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return key.created_by, key

    @staticmethod
    def _creator_may_act(key: ApiKey) -> bool:
        user = key.created_by
        return user.is_active and (user.is_superuser or permissions.role_at(user, key.operator_id) is not None)

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key made in the admin (dsar_...)."}
