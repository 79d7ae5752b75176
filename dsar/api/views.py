"""The operations. Every query starts from the key's operator: a key never sees another's rows."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, workflow
from ..admin.forms import SEEN_STATE, TRANSITION_LABELS, form_for
from ..kinds import KIND_RULES, Kind
from ..models import DataRequest
from ..models.channels import SystemJob
from ..portal.forms.request import KIND_FIELDS
from ..services import transitions, triage
from ..services.channels import AnswerRefused, records_add, request_submit_api, system_job_answer
from . import serializers as s
from .idempotency import HEADER, IDEMPOTENCY_TTL, MAX_LENGTH, idempotent
from .problems import CONTENT_TYPE, Conflict, problem_body, problem_response

PROBLEMS = {
    (code, "application/problem+json"): OpenApiResponse(s.Problem, description=text)
    for code, text in [
        (400, "Malformed input, or no Idempotency-Key"),
        (401, "No or bad API key"),
        (403, "The key lacks the scope, or its creator's current role does not allow the operation"),
        (404, "Not found (or another operator's)"),
        (409, "Not possible in the request's state"),
        (422, "Input breaks a rule of the request or the workflow, or the Idempotency-Key was used with another body"),
        (429, "Over the key's rate limit"),
    ]
}
IDEMPOTENCY = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH},
    OpenApiParameter.HEADER,
    required=True,
    description=(
        f"Any unique printable string per operation, 1 to {MAX_LENGTH} characters (else 400). A retry with "
        f"the same key within {IDEMPOTENCY_TTL.total_seconds() / 3600:g} hours replays the first answer "
        "(`Idempotent-Replayed: true`); the same key with another body is refused with 422."
    ),
)


def _problems(*codes):
    return {(c, "application/problem+json"): PROBLEMS[(c, "application/problem+json")] for c in codes}


class OperatorScoped:
    def operator(self):
        return self.request.auth.operator

    def shown(self, serializer_class, instance, *, many: bool = False, **context) -> dict | list:
        """Serialize requests with the subject's data masked unless the key's creator may see it
        now; each request whose data does go out leaves a `viewed_personal_data` event naming the key."""
        visible = permissions.can(self.request.user, "personal_data", self.request.auth.operator_id)
        data = serializer_class(instance, many=many, context={**context, s.PERSONAL_DATA_VISIBLE: visible}).data
        if visible:
            with transaction.atomic():
                for obj in instance if many else [instance]:
                    triage.request_personal_data_viewed(
                        request=obj, actor=self.request.user, what="api", api_key=self.request.auth
                    )
        return data

    def requests(self):
        return DataRequest.objects.filter(operator=self.request.auth.operator).select_related("operator")

    def get_request(self, reference: str) -> DataRequest:
        return get_object_or_404(self.requests(), reference=reference.upper())


class KindsView(OperatorScoped, APIView):
    required_scopes = {"GET": "submit|read|manage"}
    required_permissions = {"GET": "view"}

    @extend_schema(
        operation_id="kinds_list",
        responses={(200, "application/json"): s.KindWindow(many=True), **_problems(401, 403, 429)},
        summary="The operator's kinds of request and their answer windows",
    )
    def get(self, request):
        operator = self.operator()
        rows = []
        for kind in Kind:
            policy = operator.policy_for(kind)
            rows.append(
                {
                    "kind": kind.value,
                    "label": str(kind.label),
                    "accepted": policy.enabled,
                    "deadline_n": policy.deadline_n,
                    "deadline_unit": policy.deadline_unit,
                    "in_hours": KIND_RULES[kind].in_hours,
                    "promise_text": policy.promise_text,
                    "detail_fields": [name for name, _req in KIND_FIELDS[kind]],
                }
            )
        return Response(s.KindWindow(rows, many=True).data)


class RequestPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class RequestListView(OperatorScoped, generics.GenericAPIView):
    required_scopes = {"GET": "read", "POST": "submit"}
    # Registering a request is triage work (the intake assistant's); reading needs "view".
    required_permissions = {"GET": "view", "POST": "triage"}
    pagination_class = RequestPagination
    serializer_class = s.RequestOut

    @extend_schema(
        operation_id="requests_list",
        parameters=[s.ListFilters],
        # 404: a cursor that is not one of ours.
        responses={(200, "application/json"): s.RequestOut(many=True), **_problems(400, 401, 403, 404, 429)},
        summary="List requests, newest first, with filters and cursor pagination",
    )
    def get(self, request):
        filters = s.ListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(filters.apply(self.requests()))
        return self.get_paginated_response(self.shown(s.RequestOut, page, many=True))

    @extend_schema(
        operation_id="requests_submit",
        request=s.SubmitIn,
        parameters=[IDEMPOTENCY],
        responses={(201, "application/json"): s.SubmittedOut, **_problems(400, 401, 403, 422, 429)},
        summary="Submit a request (for a signed-in app user with the verified_identity scope)",
    )
    @idempotent
    def post(self, request):
        data = s.SubmitIn(data=request.data, context={"operator": self.operator()})
        data.is_valid(raise_exception=True)
        verified = data.validated_data["identity"] == "verified"
        if verified and not request.auth.has_scope("verified_identity"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("Only a key with the verified_identity scope may submit a verified identity."))
        result = request_submit_api(
            operator=self.operator(),
            fields=data.request_fields(),
            api_key=request.auth,
            verified=verified,
            account_reference=data.validated_data.get("account_reference", ""),
        )
        body = self.shown(s.SubmittedOut, result.request, confirm_url=result.confirm_url)
        return Response(body, status=status.HTTP_201_CREATED)


class RequestDetailView(OperatorScoped, APIView):
    required_scopes = {"GET": "read"}
    required_permissions = {"GET": "view"}

    @extend_schema(
        operation_id="requests_read",
        responses={(200, "application/json"): s.RequestDetailOut, **_problems(401, 403, 404, 429)},
        summary="A request's status and timeline",
    )
    def get(self, request, reference):
        return Response(self.shown(s.RequestDetailOut, self.get_request(reference)))


class TransitionListView(OperatorScoped, APIView):
    required_scopes = {"GET": "read|manage"}
    required_permissions = {"GET": "view"}

    @extend_schema(
        operation_id="transitions_list",
        responses={(200, "application/json"): s.TransitionOut(many=True), **_problems(401, 403, 404, 429)},
        summary="The steps the key (as its creator) may take on this request now, and their fields",
    )
    def get(self, request, reference):
        obj = self.get_request(reference)
        rows = []
        for name in workflow.available_transitions(obj, request.user):
            form = form_for(name)(request_obj=obj)
            rows.append(
                {
                    "name": name,
                    "label": str(TRANSITION_LABELS[name]),
                    "fields": [f for f in form.fields if f != SEEN_STATE],
                }
            )
        return Response(s.TransitionOut(rows, many=True).data)


class TransitionView(OperatorScoped, APIView):
    required_scopes = {"POST": "manage"}
    required_permissions = {"POST": "triage"}  # the workflow then checks the step itself, as in the admin

    @extend_schema(
        operation_id="transitions_take",
        request=s.TransitionIn,
        parameters=[IDEMPOTENCY],
        responses={(200, "application/json"): s.RequestDetailOut, **_problems(400, 401, 403, 404, 409, 422, 429)},
        summary="Take one step, with the same rules and required fields as the admin",
    )
    @idempotent
    def post(self, request, reference, name):
        if name not in workflow.STAFF_TRANSITIONS:
            from django.http import Http404

            raise Http404
        obj = self.get_request(reference)
        body = s.TransitionIn(data=request.data)
        body.is_valid(raise_exception=True)
        expected = body.validated_data.get("expected_state")
        if expected and expected != obj.state:
            raise Conflict(_("Someone else has just moved this request."))
        raw = {k: v for k, v in request.data.items() if k in s.TransitionIn().fields and k != "expected_state"}
        form = form_for(name)(data={**raw, SEEN_STATE: obj.state}, request_obj=obj)
        if not form.is_valid():
            from django.core.exceptions import ValidationError as DjangoValidationError

            raise DjangoValidationError({k: v for k, v in form.errors.items()})
        fields = form.transition_fields()
        with transaction.atomic():
            if name == "ask_subject":
                triage.request_ask_subject(request_id=obj.pk, question=fields["question"], actor=request.user)
            else:
                transitions.transition(obj.pk, name, actor=request.user, actor_label="api", **fields)
        return Response(self.shown(s.RequestDetailOut, self.get_request(reference)))


class RecordsView(OperatorScoped, APIView):
    required_scopes = {"POST": "manage"}
    required_permissions = {"POST": "keep_records"}

    @extend_schema(
        operation_id="records_add",
        request=s.RecordsIn,
        parameters=[IDEMPOTENCY],
        responses={
            (201, "application/json"): s.RecordOut(many=True),
            **_problems(400, 401, 403, 404, 409, 422, 429),
        },
        summary="Add what the operator holds about the subject, for the access answer",
    )
    @idempotent
    def post(self, request, reference):
        obj = self.get_request(reference)
        body = s.RecordsIn(data=request.data)
        body.is_valid(raise_exception=True)
        rows = records_add(
            request=obj, records=body.validated_data["records"], actor=request.user, default_source=request.auth.name
        )
        return Response(s.RecordOut(rows, many=True).data, status=status.HTTP_201_CREATED)


class JobListView(OperatorScoped, APIView):
    # The queue of a data system's work: for system keys only (a read-only key reads requests).
    required_scopes = {"GET": "system"}
    required_permissions = {"GET": "view_systemjob"}

    @extend_schema(
        operation_id="jobs_list",
        responses={(200, "application/json"): s.JobDetailOut(many=True), **_problems(401, 403, 429)},
        summary="Data-system jobs still waiting for an answer",
    )
    def get(self, request):
        jobs = (
            SystemJob.objects.filter(system__operator=self.operator(), status=SystemJob.Status.SENT)
            .select_related("system", "request")
            .order_by("sent_at")[:500]
        )
        return Response(s.JobDetailOut(jobs, many=True).data)


class JobAnswerView(OperatorScoped, APIView):
    required_scopes = {"POST": "system"}
    required_permissions = {"POST": "keep_records"}

    @extend_schema(
        operation_id="jobs_answer",
        request=s.JobAnswerIn,
        parameters=[IDEMPOTENCY],
        responses={(200, "application/json"): s.JobDetailOut, **_problems(400, 401, 403, 404, 409, 422, 429)},
        summary="A data system answers its job: records, done, or nothing held",
    )
    @idempotent
    def post(self, request, job_id):
        job = get_object_or_404(
            SystemJob.objects.select_related("system", "request"), pk=job_id, system__operator=self.operator()
        )
        body = s.JobAnswerIn(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job = system_job_answer(
                job_id=job.pk,
                status=body.validated_data["status"],
                records=body.validated_data["records"],
                note=body.validated_data["note"],
                api_key=request.auth,
            )
        except AnswerRefused as exc:
            # Answered, not raised: the refusal's audit event must commit (with the idempotency record).
            problem = problem_body(
                status_code=409,
                code="not-possible-now",
                title=_("That step is not possible for this request now."),
                detail=str(exc),
            )
            return Response(problem, status=409, content_type=CONTENT_TYPE)
        return Response(s.JobDetailOut(job).data)


@csrf_exempt
def not_found(request, *args, **kwargs):
    return problem_response(status_code=404, code="not-found", title=_("Not found."))
