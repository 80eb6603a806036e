from django.urls import path

from . import apis

urlpatterns = [
    path("my/notifications/", apis.MyNotificationListApi.as_view(), name="my-notifications"),
    path("my/notifications/read-all/", apis.MyNotificationReadAllApi.as_view(), name="my-notifications-read-all"),
    path("my/notifications/<int:pk>/read/", apis.MyNotificationReadApi.as_view(), name="my-notification-read"),
    path("my/notification-preferences/", apis.MyPreferencesApi.as_view(), name="my-notification-preferences"),
]
