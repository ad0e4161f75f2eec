"""次のバッジ — the public, indexable directory of badge classes held in Manabi (mounted at /next/)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from badges.files import badge_image_response
from wallet.previews import make_preview

from .directory import search
from .keys import lookup_text
from .models import AlsoEarned, Circle, DirectoryEntry
from .presentation import count_label
from .services import is_visible

MAX_QUERY = 100
MAX_PAGES = 50


def directory(request):
    """Search results a page at a time, without counting them all: one bounded query per page, and
    no deeper than MAX_PAGES (the search box, not paging, is how to get further)."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), MAX_PAGES)
    except ValueError:
        number = 1
    size = settings.CIRCLES_PAGE_SIZE
    rows = list(search(query)[(number - 1) * size : number * size + 1])
    entries = rows[:size]
    return render(
        request,
        "circles/directory.html",
        {
            "query": query,
            "page": {
                "number": number,
                "previous": number - 1 if number > 1 else None,
                "next": number + 1 if len(rows) > size and number < MAX_PAGES else None,
            },
            "entries": [(e, count_label(e.holders)) for e in entries],
        },
    )


def issuers(request):
    rows = (
        DirectoryEntry.objects.values("issuer_key", "issuer_name")
        .annotate(classes=Count("id"))
        .order_by("issuer_name", "issuer_key")[:500]
    )
    return render(request, "circles/issuers.html", {"issuers": rows})


def issuer(request, issuer_key):
    entries = list(DirectoryEntry.objects.filter(issuer_key=lookup_text(issuer_key)).defer("search_text")[:200])
    if not entries:
        raise Http404
    return render(
        request,
        "circles/issuer.html",
        {"issuer_name": entries[0].issuer_name, "entries": [(e, count_label(e.holders)) for e in entries]},
    )


def entry(request, class_key):
    item = get_object_or_404(DirectoryEntry.objects.defer("search_text"), class_key=lookup_text(class_key))
    also = list(
        AlsoEarned.objects.filter(source=item)
        .select_related("target")
        .only("holders", "target__name", "target__class_key", "target__issuer_name")[
            : settings.CIRCLES_SUGGESTIONS_PER_BADGE
        ]
    )
    circle = (
        Circle.objects.with_member_counts()
        .filter(kind=Circle.Kind.BADGE_CLASS, badge_classes__class_key=item.class_key)
        .first()
    )
    url = settings.SITE_URL + reverse("directory_entry", args=[item.class_key])
    return render(
        request,
        "circles/entry.html",
        {
            "entry": item,
            "holders": count_label(item.holders),
            "also": also,
            "circle": circle if circle is not None and is_visible(circle) else None,
            "og": {
                "title": item.name,
                "description": (item.description or item.issuer_name)[:200],
                "url": url,
                "image": settings.SITE_URL + reverse("directory_entry_preview", args=[item.class_key]),
            },
            "course_url": item.criteria_url or item.issuer_url,
        },
    )


def entry_image(request, class_key):
    """The class's picture: the thumbnail made from the issuer's image (never a learner's file)."""
    item = get_object_or_404(DirectoryEntry.objects.select_related("image_badge"), class_key=lookup_text(class_key))
    if item.image_badge is None or not item.image_badge.thumbnail:
        raise Http404
    response = badge_image_response(item.image_badge)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def entry_preview(request, class_key):
    """The 1200×630 link preview (Open Graph) of a directory entry: picture, name and issuer."""
    item = get_object_or_404(DirectoryEntry.objects.select_related("image_badge"), class_key=lookup_text(class_key))
    key = f"circles:preview:{item.class_key}:{item.updated_at.timestamp()}"
    png = cache.get(key)
    if png is None:
        picture = b""
        if item.image_badge is not None and item.image_badge.thumbnail:
            with item.image_badge.thumbnail.open("rb") as handle:
                picture = handle.read(2 * 1024 * 1024)
        png = make_preview(title=item.name, subtitle=item.issuer_name, images=[picture] if picture else [])
        cache.set(key, png, 60 * 60 * 24)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
