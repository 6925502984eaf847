"""factory_boy factories shared by the tests of every app."""

import factory
from django.utils import timezone

from samenspel import services
from samenspel.models import User

PASSWORD = "een-goed-wachtwoord-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persoon{n}")
    display_name = factory.Faker("first_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """``UserFactory(roles=["facilitator", ("table_host", "summit:x")])``"""
        if not create or not extracted:
            return
        for item in extracted:
            role, scope = (item, "") if isinstance(item, str) else item
            services.role_grant(user=self, role=role, scope=scope)


def code_for(user: User) -> str:
    """Issue a fresh one-time code for ``user`` and return it in plain text."""
    return services.invitation_codes_issue(users=[user], now=timezone.now())[0].code
