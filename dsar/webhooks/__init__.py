"""Signed webhooks (Standard Webhooks) to the operator's endpoints, and jobs for its data systems.

- `outbox`: what to send, recorded in the caller's transaction (`webhook_emit`).
- `delivery`: signing, the safe HTTP POST, retries with backoff, disabling dead endpoints.
- `systems`: jobs for data systems, their reminders and escalation.
- `receivers`: the hooks on transitions and letters; `tasks`: thin Celery tasks.
"""
