"""Model fields of our own."""

from django.db import models

from ..outbox_crypto import seal, unseal


class SealedJSONField(models.JSONField):
    """A JSONField stored encrypted (dsar/outbox_crypto.py); code reads and writes plain dicts.

    In the database a non-empty value is `{"sealed": "<token>"}`; an empty one is `{}`. A value
    that cannot be decrypted (its key is gone) is read back still sealed, never guessed at.
    """

    def get_prep_value(self, value):
        if isinstance(value, dict):
            value = seal(value)
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        return unseal(super().from_db_value(value, expression, connection))
