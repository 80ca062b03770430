from django.urls import path

from . import api_tokens, views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/reponse/", views.answer_invitation, name="answer_invitation"),
    path("membres/", views.members, name="members"),
    path("membres/<int:organisation_id>/inviter/", views.invite_member, name="invite_member"),
    path("membres/rattachements/<int:pk>/role/", views.change_role, name="change_role"),
    path("membres/rattachements/<int:pk>/fin/", views.end_membership, name="end_membership"),
    path("jetons-api/", api_tokens.api_tokens, name="api_tokens"),
    path("jetons-api/<int:pk>/revoquer/", api_tokens.revoke_api_token, name="revoke_api_token"),
    path("notifications/", views.notification_centre, name="notifications"),
]
