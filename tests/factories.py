"""Factories for people, schools and pairs. Page factories live beside them in
``tests/page_factories.py`` and own the home page and Site wiring."""

import datetime
import re

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from accounts import roles
from pairs.models import Pair, School

PASSWORD = "correct-horse-battery"


def signed_in(user) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def without_csrf_token(response) -> str:
    """A page's HTML without its CSRF token, which each response masks afresh."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class ParaFactory(UserFactory):
    role = roles.LearnerRole.PARA


class TeacherFactory(UserFactory):
    role = roles.LearnerRole.TEACHER


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    teacher = factory.SubFactory(TeacherFactory)
    para = factory.SubFactory(ParaFactory)
    started_on = datetime.date(2026, 8, 1)

    @factory.post_generation
    def join_school(self, create, extracted, **kwargs):
        if create:
            self.school.members.add(self.teacher, self.para)


def school_admin_for(*schools, **kwargs):
    admin = UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS], **kwargs)
    for school in schools:
        school.administrators.add(admin)
    return admin
