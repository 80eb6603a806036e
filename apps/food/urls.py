from django.urls import path

from . import apis

urlpatterns = [
    # Staff (menuhours:*, item:change, ordering:*, ticket:*)
    path("food/menu-hours/", apis.MenuHoursListApi.as_view(), name="food-menu-hours-list"),
    path("food/menu-hours/<int:pk>/", apis.MenuHoursDetailApi.as_view(), name="food-menu-hours-detail"),
    path("food/items/<int:pk>/sold-out/", apis.ItemSoldOutApi.as_view(), name="food-item-sold-out"),
    path("food/branches/", apis.BranchRulesListApi.as_view(), name="food-branch-list"),
    path("food/branches/<int:pk>/ordering/", apis.BranchRulesApi.as_view(), name="food-branch-ordering"),
    path("food/branches/<int:pk>/pause/", apis.BranchPauseApi.as_view(), name="food-branch-pause"),
    path("food/branches/<int:pk>/resume/", apis.BranchResumeApi.as_view(), name="food-branch-resume"),
    path("food/board/", apis.BoardApi.as_view(), name="food-board"),
    path("food/rider/", apis.RiderApi.as_view(), name="food-rider"),
    path("food/orders/<int:pk>/step/", apis.OrderStepApi.as_view(), name="food-order-step"),
    # Anyone (before ordering)
    path("food/branches/open/", apis.OpenBranchListApi.as_view(), name="food-branch-open"),
    path("food/branches/<int:pk>/menu/", apis.BranchMenuApi.as_view(), name="food-branch-menu"),
    path("food/branches/<int:pk>/delivery-quote/", apis.DeliveryQuoteApi.as_view(), name="food-delivery-quote"),
    # The signed-in customer
    path("my/orders/<int:pk>/tracking/", apis.MyOrderTrackingApi.as_view(), name="my-order-tracking"),
    path("my/orders/<int:pk>/reorder/", apis.MyOrderReorderApi.as_view(), name="my-order-reorder"),
]
