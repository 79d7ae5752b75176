"""The operators' REST API under /api/v1/ (Django REST framework, schema by drf-spectacular).

One module per concern: keys (`auth`), scopes (`permissions`), errors as RFC 9457 problems
(`problems`), `Idempotency-Key` replay (`idempotency`), per-key rate limits (`throttling`),
the operations (`views`) and their shapes (`serializers`).
"""
