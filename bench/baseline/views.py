from django import forms
from django.shortcuts import redirect, render

from .models import Submission


class SubmissionForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    text = forms.CharField(required=False, widget=forms.Textarea)
    consent = forms.BooleanField()


def submit(request):
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        Submission.objects.create(name=data["name"], email=data["email"], text=data["text"])
        return redirect("/thanks/")
    return render(request, "form.html", {"form": form})
