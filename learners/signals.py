"""A new school gets its default learning areas and dispositions."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from partnerships.models import School


@receiver(post_save, sender=School, dispatch_uid="school_defaults")
def school_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from learners.services import school_defaults_create

        school_defaults_create(school=instance)
