"""The notice centre: what changed about the learner's badges, and how often they hear by e-mail."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import (
    DigestFrequency,
    mark_notifications_read,
    notice_reason_texts,
    set_digest_frequency,
    user_for_frequency_token,
)

# The page shows the newest notices; older ones stay in the API and the export.
NOTICE_PAGE_LIMIT = 200


@login_required
def notice_list(request):
    notices = list(
        Notification.objects.filter(user=request.user)
        .select_related("badge")
        .order_by("-created_at", "-id")[:NOTICE_PAGE_LIMIT]
    )
    # Grouped by badge, the badge with the newest news first (the list is newest first already).
    order = {}
    for notice in notices:
        order.setdefault(notice.badge_id, len(order))
    notices.sort(key=lambda n: order[n.badge_id])
    groups = [
        {"badge": items[0].badge, "items": [{"notice": n, "reasons": notice_reason_texts(n)} for n in items]}
        for items in (list(g) for _badge, g in groupby(notices, key=lambda n: n.badge_id))
    ]
    unread = sum(1 for n in notices if n.read_at is None)
    return render(request, "badges/notices.html", {"groups": groups, "unread": unread})


@login_required
@require_POST
def notices_read(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:NOTICE_PAGE_LIMIT]
    count = mark_notifications_read(user=request.user, ids=ids if ids else None)
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notice_list")


def email_frequency(request, token: str):
    """Linked from every digest: change how often mails come, in one click, without signing in."""
    user = user_for_frequency_token(token)
    if user is None:
        return render(request, "badges/email_frequency.html", {"invalid": True}, status=404)
    if request.method == "POST":
        frequency = request.POST.get("frequency", "")
        if frequency not in DigestFrequency.values:
            messages.error(request, _("Please choose how often to get e-mails."))
        else:
            set_digest_frequency(user=user, frequency=frequency)
            messages.success(
                request,
                _("Saved: e-mails about your badges — %(choice)s.") % {"choice": user.get_digest_frequency_display()},
            )
            return redirect("notice_email_frequency", token=token)
    return render(
        request,
        "badges/email_frequency.html",
        {"token": token, "current": user.digest_frequency, "choices": DigestFrequency.choices},
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: the mail app POSTs with no cookies; the token is the key
@require_POST
def email_stop(request, token: str):
    user = user_for_frequency_token(token)
    if user is None:
        return HttpResponse(status=404)
    set_digest_frequency(user=user, frequency=DigestFrequency.NEVER)
    return HttpResponse(_("You will get no more e-mails about your badges."), content_type="text/plain; charset=utf-8")
