"""Ask a holder: a public page per open circle, questions from signed-in learners (rate-limited),
answers under a nickname only when the member allows it."""

from __future__ import annotations

import pytest

from circles import services
from circles.models import Question
from circles.services import CircleRefused

from .factories import open_circle

pytestmark = pytest.mark.django_db


def test_anyone_reads_answers_that_members_chose_to_show(client, other_user):
    circle, members = open_circle(5)
    (shy, shy_m), (open_, open_m) = members[:2]
    open_m.answers_public = True
    open_m.save()
    question = services.ask_question(circle=circle, user=other_user, body="How long did the course take?")
    services.answer_question(question=question, membership=shy_m, body="About three weeks (private)")
    services.answer_question(question=question, membership=open_m, body="Six Saturdays")

    html = client.get(f"/circles/c/{circle.slug}/ask/").content.decode()

    assert "How long did the course take?" in html
    assert "Six Saturdays" in html and open_m.nickname in html
    assert "About three weeks" not in html and shy_m.nickname not in html
    assert "Kenji" not in html  # the asker is never named


def test_asking_needs_sign_in_and_is_rate_limited(client, other_user, settings):
    circle, _members = open_circle(5)
    response = client.post(f"/circles/c/{circle.slug}/ask/", {"body": "Anyone?"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Question.objects.exists()

    settings.CIRCLES_QUESTIONS_PER_HOUR = 2
    client.force_login(other_user)
    for n in range(3):
        client.post(f"/circles/c/{circle.slug}/ask/", {"body": f"Question {n}"})
    assert Question.objects.count() == 2


def test_only_members_answer(other_user):
    circle, members = open_circle(5)
    question = services.ask_question(circle=circle, user=other_user, body="?")
    other_circle, others = open_circle(5, class_id="https://other.example/badges/b")

    with pytest.raises(CircleRefused):
        services.answer_question(question=question, membership=others[0][1], body="not mine to answer")


def test_a_circle_that_is_not_open_has_no_public_page(client):
    circle, _members = open_circle(3)
    assert client.get(f"/circles/c/{circle.slug}/ask/").status_code == 404


def test_a_reported_question_can_be_hidden(client, other_user):
    from .factories import make_organiser

    circle, members = open_circle(5)
    question = services.ask_question(circle=circle, user=other_user, body="Rude question")
    client.force_login(members[0][0])
    client.post(f"/circles/c/{circle.slug}/report/", {"question": question.pk, "reason": "rude"})
    report = question.reports.get()

    services.resolve_report(report=report, organiser=make_organiser(), action="hide")

    assert "Rude question" not in client.get(f"/circles/c/{circle.slug}/ask/").content.decode()
