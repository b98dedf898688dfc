"""The shared world (tests/conftest.py): built once for the module, yet fresh for every test."""

import pytest

from learners.models import Goal
from partnerships.models import School, Student
from tests import factories

SCHOOLS_SEEN = set()


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_sees_the_world_as_built(world, attempt):
    """Rows one test wrote and objects it changed are gone by the next; the world is not rebuilt."""
    SCHOOLS_SEEN.add(world.school.pk)
    assert len(SCHOOLS_SEEN) == 1
    assert world.school.name == School.objects.get(pk=world.school.pk).name == "Kōwhai School"
    assert world.student.first_name != "Changed"
    assert not Goal.objects.filter(title="Written by a test").exists()
    assert Student.objects.filter(school=world.school).count() == 3

    world.school.name = "Changed"
    world.school.save()
    world.student.first_name = "Changed"  # only in memory
    factories.GoalFactory(student=world.student, title="Written by a test")


def test_the_world_holds_one_object_per_person(world):
    """As when built: the whānau member's user is the world's whānau, one object, not a copy."""
    assert world.link.whanau.user is world.whanau
    assert world.goal.proposed_by is world.teacher
