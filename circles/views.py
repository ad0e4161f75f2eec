"""Circle pages: thin views over circles.services. Members-only pages answer 404 to anyone else,
so a circle's inside never differs between "not yours" and "not there"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from badges.models import Badge
from wallet.qr import make_qr

from . import services
from .attendance import issue_to_checked_in
from .directory import entry_for_badge
from .forms import CommunitySettingsForm, EventForm, JoinForm, MembershipForm, ProgrammeForm
from .keys import lookup_text
from .models import Answer, Circle, DirectoryEntry, Event, Membership, Notice, Post, Question, Report, Rsvp
from .presentation import count_label
from .services import CircleRefused


def _context(request, slug: str):
    """The circle plus who the viewer is to it (one place, a fixed number of queries)."""
    circle = get_object_or_404(Circle.objects.with_member_counts(), slug=lookup_text(slug))
    membership = services.membership_of(request.user, circle)
    organiser = services.organiser_of(request.user)
    return circle, membership, organiser


def _inside(request, slug: str):
    circle, membership, organiser = _context(request, slug)
    if not services.can_enter(request.user, circle, membership=membership, organiser=organiser):
        raise Http404
    return circle, membership, organiser


def _refused(request, refused: CircleRefused) -> None:
    messages.error(request, refused.message)


@login_required
def home(request):
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("circle").order_by("circle__name", "id")
    )
    notices = services.unread_notices(request.user)
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(read_at=timezone.now())
    return render(
        request,
        "circles/home.html",
        {"memberships": memberships, "notices": notices, "organiser": services.organiser_of(request.user)},
    )


@login_required
def community_settings(request):
    profile = services.profile_of(request.user)
    form = CommunitySettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.set_community_settings(
            user=request.user,
            under_18=form.cleaned_data["under_18"],
            share_in_suggestions=form.cleaned_data["share_in_suggestions"],
        )
        messages.success(request, _saved())
        return redirect("circles_settings")
    return render(request, "circles/settings.html", {"form": form})


def _saved() -> str:
    return _("Saved.")


@login_required
def join(request, public_id):
    """The consent screen: the circle's purpose, what members see (nickname, introduction), never e-mail."""
    badge = get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)
    slug = request.GET.get("circle") or request.POST.get("circle")
    if slug:
        circle = get_object_or_404(Circle, slug=lookup_text(slug), badge_classes__class_key=_key(badge))
    else:
        circle = services.badge_circle(badge)
    membership = services.membership_of(request.user, circle)
    if membership is not None and membership.is_active:
        return redirect("circle_detail", slug=circle.slug)
    form = JoinForm(request.POST or None, initial={"nickname": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.join_circle(
                user=request.user,
                circle=circle,
                badge=badge,
                nickname=form.cleaned_data["nickname"],
                intro=form.cleaned_data["intro"],
                consent=form.cleaned_data["consent"],
            )
        except CircleRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("circle_detail", slug=circle.slug)
    return render(
        request,
        "circles/join.html",
        {"badge": badge, "circle": circle, "form": form, "standing": services.standing_of(badge)},
    )


def _key(badge: Badge) -> str:
    from .keys import badge_class_key

    return badge_class_key(badge)


def circle_detail(request, slug):
    circle, membership, organiser = _context(request, slug)
    inside = services.can_enter(request.user, circle, membership=membership, organiser=organiser)
    ctx = {
        "circle": circle,
        "membership": membership,
        "inside": inside,
        "visible": services.is_visible(circle),
        "is_organiser": services.speaks_for(organiser, circle),
        "member_count": count_label(services.active_member_count(circle)),
    }
    if inside:
        ctx["posts"] = services.visible_posts(circle, viewer=request.user)
        ctx["events"] = list(circle.events.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")[:10])
    return render(request, "circles/detail.html", ctx)


@login_required
def membership_settings(request, slug):
    circle, membership, _organiser = _context(request, slug)
    if membership is None:
        raise Http404
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and request.POST.get("leave") == "1":
        services.leave_circle(membership=membership)
        messages.success(request, _left())
        return redirect("circles_home")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                membership=membership,
                nickname=form.cleaned_data["nickname"],
                intro=form.cleaned_data["intro"],
                dm_enabled=form.cleaned_data["dm_enabled"],
                answers_public=form.cleaned_data["answers_public"],
            )
        except CircleRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _saved())
            return redirect("circle_detail", slug=circle.slug)
    return render(
        request,
        "circles/membership.html",
        {"circle": circle, "membership": membership, "form": form, "minor": services.is_minor(request.user)},
    )


def _left() -> str:
    return _("You left the circle. Your posts there were deleted.")


def members(request, slug):
    circle, membership, organiser = _inside(request, slug)
    listed = services.member_list(circle, viewer=request.user)
    return render(
        request,
        "circles/members.html",
        {
            "circle": circle,
            "membership": membership,
            "members": listed,
            "member_count": count_label(services.active_member_count(circle)),
            "can_dm": bool(membership and membership.dm_enabled and not services.is_minor(request.user)),
        },
    )


@require_POST
def post_create(request, slug):
    circle, membership, organiser = _inside(request, slug)
    as_organiser = organiser if services.speaks_for(organiser, circle) and request.POST.get("as") == "org" else None
    try:
        services.create_post(
            circle=circle,
            body=request.POST.get("body", ""),
            membership=membership,
            organiser=as_organiser,
            pinned=bool(as_organiser) and request.POST.get("pinned") == "1",
        )
    except CircleRefused as refused:
        _refused(request, refused)
    return redirect("circle_detail", slug=circle.slug)


@require_POST
def post_pin(request, slug, pk):
    circle, _membership, organiser = _inside(request, slug)
    post = get_object_or_404(Post, circle=circle, pk=pk)
    try:
        services.set_pinned(post=post, organiser=organiser, pinned=request.POST.get("pinned") == "1")
    except CircleRefused as refused:
        _refused(request, refused)
    return redirect("circle_detail", slug=circle.slug)


@require_POST
def report(request, slug):
    circle, membership, _organiser = _context(request, slug)
    if not request.user.is_authenticated:
        raise Http404
    target = {}
    for name, model in (("post", Post), ("member", Membership), ("question", Question), ("answer", Answer)):
        value = request.POST.get(name)
        if value and value.isdigit():
            lookup = {"question__circle": circle} if model is Answer else {"circle": circle}
            target[name] = get_object_or_404(model, pk=int(value), **lookup)
    if not target:
        raise Http404
    inside = services.can_enter(request.user, circle, membership=membership, organiser=_organiser)
    if not inside and set(target) - {"question", "answer"}:
        raise Http404
    try:
        services.report(circle=circle, reporter=request.user, reason=request.POST.get("reason", ""), **target)
    except CircleRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _reported())
    if set(target) <= {"question", "answer"}:
        return redirect("circle_ask", slug=circle.slug)
    return redirect("circle_detail", slug=circle.slug)


def _reported() -> str:
    return _("Thank you. The circle's organisers will look at your report.")


@require_POST
def block(request, slug, pk):
    circle, _membership, _organiser = _inside(request, slug)
    other = get_object_or_404(Membership, circle=circle, pk=pk)
    services.block(blocker=request.user, blocked=other.user)
    messages.success(request, _("Blocked. You will not see their posts, and neither of you can message the other."))
    return redirect("circle_members", slug=circle.slug)


def moderation(request, slug):
    circle, _membership, organiser = _context(request, slug)
    if not services.speaks_for(organiser, circle):
        raise Http404
    if request.method == "POST":
        number = request.POST.get("report", "")
        item = get_object_or_404(Report, circle=circle, pk=int(number) if number.isdigit() else 0)
        try:
            services.resolve_report(report=item, organiser=organiser, action=request.POST.get("action", ""))
        except CircleRefused as refused:
            _refused(request, refused)
        return redirect("circle_moderation", slug=circle.slug)
    return render(request, "circles/moderation.html", {"circle": circle, "reports": services.moderation_queue(circle)})


@require_POST
def activate(request, slug):
    circle, _membership, organiser = _context(request, slug)
    if organiser is None:
        raise Http404
    try:
        services.activate_circle(circle=circle, organiser=organiser)
    except CircleRefused as refused:
        _refused(request, refused)
    return redirect("circle_detail", slug=circle.slug)


def event_create(request, slug):
    circle, _membership, organiser = _context(request, slug)
    if not services.speaks_for(organiser, circle):
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(circle=circle, organiser=organiser, **form.cleaned_data)
        except CircleRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("circle_event", slug=circle.slug, pk=event.pk)
    return render(request, "circles/event_form.html", {"circle": circle, "form": form})


def event_detail(request, slug, pk):
    circle, membership, organiser = _inside(request, slug)
    event = get_object_or_404(Event, circle=circle, pk=pk)
    if request.method == "POST":
        if membership is None:
            raise Http404
        try:
            services.rsvp(event=event, membership=membership, going=request.POST.get("going") == "1")
        except CircleRefused as refused:
            _refused(request, refused)
        return redirect("circle_event", slug=circle.slug, pk=event.pk)
    is_organiser = services.speaks_for(organiser, circle)
    mine = Rsvp.objects.filter(event=event, membership=membership).first() if membership else None
    going = services.going_count(event)
    ctx = {
        "circle": circle,
        "event": event,
        "mine": mine,
        "is_organiser": is_organiser,
        "going": count_label(going),
        "places_left": max(event.capacity - going, 0),
        "rsvps": list(event.rsvps.select_related("membership").order_by("membership__nickname", "id"))
        if is_organiser
        else [],
    }
    return render(request, "circles/event.html", ctx)


def _checkin_url(event: Event) -> str:
    return settings.SITE_URL + reverse("circle_checkin", args=[event.checkin_token])


def event_qr(request, slug, pk):
    """The venue's QR code (organisers only): big, bright, for a screen or a printout."""
    circle, _membership, organiser = _context(request, slug)
    if not services.speaks_for(organiser, circle):
        raise Http404
    event = get_object_or_404(Event, circle=circle, pk=pk)
    if request.GET.get("format") == "svg":
        response = HttpResponse(make_qr(_checkin_url(event)), content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "circles/event_qr.html",
        {
            "circle": circle,
            "event": event,
            "svg_url": reverse("circle_event_qr", args=[circle.slug, event.pk]) + "?format=svg",
            "checkin_url": _checkin_url(event),
        },
    )


@require_POST
def event_issue(request, slug, pk):
    circle, _membership, organiser = _context(request, slug)
    if not services.speaks_for(organiser, circle):
        raise Http404
    event = get_object_or_404(Event, circle=circle, pk=pk)
    issued = issue_to_checked_in(event=event)
    messages.success(
        request,
        ngettext("%(n)s attendance badge issued.", "%(n)s attendance badges issued.", issued) % {"n": issued},
    )
    return redirect("circle_event", slug=circle.slug, pk=event.pk)


@login_required
def checkin(request, token):
    event = get_object_or_404(Event.objects.select_related("circle", "organiser"), checkin_token=lookup_text(token))
    if request.method == "POST":
        try:
            answer = services.check_in(event=event, user=request.user)
        except CircleRefused as refused:
            _refused(request, refused)
            return redirect("circle_checkin", token=token)
        if answer.attendance_badge_id:
            messages.success(request, _("Checked in. Your attendance badge is in your wallet."))
            return redirect("badge_detail", public_id=answer.attendance_badge.public_id)
        messages.success(request, _("Checked in. Enjoy the meet-up!"))
        return redirect("circle_event", slug=event.circle.slug, pk=event.pk)
    membership = services.membership_of(request.user, event.circle)
    return render(request, "circles/checkin.html", {"event": event, "membership": membership})


def ask(request, slug):
    """Public: prospective learners read holders' answers (nicknames only, if the member allows)."""
    circle, membership, organiser = _context(request, slug)
    if not services.is_visible(circle):
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.ask_question(circle=circle, user=request.user, body=request.POST.get("body", ""))
        except CircleRefused as refused:
            _refused(request, refused)
        else:
            messages.success(request, _("Your question was posted. Members will answer when they can."))
        return redirect("circle_ask", slug=circle.slug)
    return render(
        request,
        "circles/ask.html",
        {
            "circle": circle,
            "questions": services.public_questions(circle),
            "can_answer": membership is not None and membership.is_active,
            "member_count": count_label(services.active_member_count(circle)),
        },
    )


@require_POST
def answer(request, slug, pk):
    circle, membership, _organiser = _inside(request, slug)
    question = get_object_or_404(Question, circle=circle, pk=pk, hidden=False)
    if membership is None:
        raise Http404
    try:
        services.answer_question(question=question, membership=membership, body=request.POST.get("body", ""))
    except CircleRefused as refused:
        _refused(request, refused)
    return redirect("circle_ask", slug=circle.slug)


def direct_messages(request, slug, pk):
    circle, membership, _organiser = _inside(request, slug)
    if membership is None:
        raise Http404
    other = get_object_or_404(Membership.objects.select_related("user"), circle=circle, pk=pk)
    if not services.can_message(membership, other):
        raise Http404
    if request.method == "POST":
        try:
            services.send_message(sender=membership, recipient=other, body=request.POST.get("body", ""))
        except CircleRefused as refused:
            _refused(request, refused)
        return redirect("circle_dm", slug=circle.slug, pk=other.pk)
    return render(
        request,
        "circles/dm.html",
        {"circle": circle, "me": membership, "other": other, "messages_list": services.conversation(membership, other)},
    )


def organise(request):
    """The organiser's desk: circles of their badges (activate), programmes, events, moderation."""
    organiser = services.organiser_of(request.user)
    if organiser is None:
        raise Http404
    form = ProgrammeForm(request.POST or None, organiser=organiser)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.create_programme(
                organiser=organiser,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                entries=form.cleaned_data["badges"],
            )
        except CircleRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("circle_detail", slug=circle.slug)
    circles = services.organiser_circles(organiser)
    rows = [
        {
            "circle": circle,
            "count": count_label(services.active_member_count(circle)),
            "open_reports": circle.reports.filter(resolution=Report.Resolution.OPEN).count(),
        }
        for circle in circles
    ]
    return render(request, "circles/organise.html", {"organiser": organiser, "rows": rows, "form": form})


def badge_circles_panel(request, badge: Badge):
    """The badge page's "Circles of holders" section (registered in badges.views.BADGE_PAGE_PANELS)."""
    from django.template.loader import render_to_string

    return render_to_string("circles/_badge_panel.html", badge_panel_context(request.user, badge), request=request)


def badge_panel_context(user, badge: Badge) -> dict:
    """What the badge page shows about circles and the directory (circles_tags.circle_panel)."""
    circles = services.circles_for_badge(badge)
    mine = {m.circle_id: m for m in Membership.objects.filter(user=user, circle__in=[c.pk for c in circles])}
    return {
        "badge": badge,
        "rows": [
            {"circle": c, "membership": mine.get(c.pk), "count": count_label(services.active_member_count(c))}
            for c in circles
        ],
        "has_own_circle": any(c.kind == Circle.Kind.BADGE_CLASS for c in circles),
        "can_join": services.standing_of(badge) == Membership.State.ACTIVE,
        "entry": entry_for_badge(badge),
    }


__all__ = ["DirectoryEntry"]
