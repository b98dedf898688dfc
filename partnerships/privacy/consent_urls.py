"""URLs: consent for photos and recordings. (Confirming held evidence is learners':
``evidence_confirm``.)"""

from django.urls import path

from partnerships.privacy import consent_views

urlpatterns = [
    path("students/<int:pk>/consent/", consent_views.media_consent, name="media_consent"),
]
