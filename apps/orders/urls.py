from django.urls import path

from . import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:pk>/status/", apis.OrderStatusApi.as_view(), name="order-status"),
    path("my/orders/", apis.MyOrderListApi.as_view(), name="my-order-list"),
    path("my/orders/<int:pk>/", apis.MyOrderDetailApi.as_view(), name="my-order-detail"),
]
