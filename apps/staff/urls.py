from django.urls import path

from . import apis

urlpatterns = [
    path("staff/", apis.StaffListApi.as_view(), name="staff-list"),
    path("staff/<int:pk>/", apis.StaffDetailApi.as_view(), name="staff-detail"),
    path("staff/<int:pk>/deactivate/", apis.StaffDeactivateApi.as_view(), name="staff-deactivate"),
    path("staff/<int:pk>/reactivate/", apis.StaffReactivateApi.as_view(), name="staff-reactivate"),
    path("staff/<int:pk>/roles/", apis.StaffRolesApi.as_view(), name="staff-roles"),
    path("invitations/", apis.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/", apis.InvitationDetailApi.as_view(), name="invitation-detail"),
    path("invitations/<int:pk>/resend/", apis.InvitationResendApi.as_view(), name="invitation-resend"),
]
