from django.urls import path

from . import apis

urlpatterns = [
    path("coupons/", apis.CouponListApi.as_view(), name="coupon-list"),
    path("coupons/<int:pk>/", apis.CouponDetailApi.as_view(), name="coupon-detail"),
    path("my/coupons/", apis.MyCouponsApi.as_view(), name="my-coupons"),
]
