from django.db import models


class Submission(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
