from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.test_signup import confirmation_link


def test_a_learner_adds_a_second_address_and_verifies_it(auth_client, user):
    response = auth_client.post(reverse("account_email"), {"action_add": "", "email": "hana.school@example.ac.jp"})
    assert response.status_code == HTTPStatus.FOUND
    added = EmailAddress.objects.get(email="hana.school@example.ac.jp")
    assert added.user == user
    assert not added.verified
    assert user.verified_emails() == ["hana@example.org"]

    path = confirmation_link(mail.outbox[-1]).split("testserver", 1)[-1]
    auth_client.post(path)

    assert sorted(user.verified_emails()) == ["hana.school@example.ac.jp", "hana@example.org"]


def test_an_address_of_another_learner_never_becomes_verified_for_someone_else(auth_client, user, other_user):
    # allauth answers as if it was added (so nobody can probe which addresses exist), but only the
    # owner of the inbox could confirm it, so badges sent to Kenji can never match Hana.
    auth_client.post(reverse("account_email"), {"action_add": "", "email": other_user.email})
    assert other_user.email not in user.verified_emails()
    assert not EmailAddress.objects.filter(user=user, email=other_user.email, verified=True).exists()
