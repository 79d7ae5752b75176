"""Letters to data subjects: texts, rendering to PDF, QR codes, verification, the Celery task."""
