"""The product's routes plus the reference page of ``ballot_burst.py`` (bench only).

The reference does what every ballot post does before the vote itself (the session, the
logged-in user, the CSRF check, all the middleware) and one database query, then answers
with the same redirect as an accepted ballot. It is the floor a ballot post can approach.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from samenspel.urls import handler400, handler403, handler404, handler500  # noqa: F401
from samenspel.urls import urlpatterns as product_urlpatterns
from voting.models import Poll


@login_required
@require_POST
def reference_post(request: HttpRequest, pk: int) -> HttpResponse:
    """One query (the poll's status), then the redirect an accepted ballot gets."""
    if not Poll.objects.filter(pk=pk).values_list("status", flat=True).first():
        raise Http404
    return redirect("poll_ballot", pk=pk)


urlpatterns = [
    *product_urlpatterns,
    path("bench/referentie/<int:pk>/", reference_post, name="bench_reference"),
]
