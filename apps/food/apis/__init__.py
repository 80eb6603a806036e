"""Food API. Staff under /api/v1/food/ (JWT or API key; permissions per method, rows
limited to the branches each permission reaches, another branch's row is absent: 404):
menu hours and the sold-out switch (apis.menu), each branch's ordering rules and pause
(apis.ordering), the kitchen board's and the rider page's feeds polled with ETag and an
order's steps (apis.board). For anyone: the branches taking orders, a branch's menu with
what can be ordered now, a delivery quote (apis.consumer). For the signed-in customer
under /api/v1/my/: tracking an order and ordering it again (apis.my). Orders themselves
are placed at /api/v1/orders/ (apps.orders). In a workspace that is not a restaurant
these endpoints do not exist (404). Thin: parse, call one service or selector, serialise."""

from .board import BoardApi, OrderStepApi, RiderApi
from .consumer import BranchMenuApi, DeliveryQuoteApi, OpenBranchListApi
from .menu import ItemSoldOutApi, MenuHoursDetailApi, MenuHoursListApi
from .my import MyOrderReorderApi, MyOrderTrackingApi
from .ordering import BranchPauseApi, BranchResumeApi, BranchRulesApi, BranchRulesListApi

__all__ = [
    "BoardApi", "OrderStepApi", "RiderApi", "BranchMenuApi", "DeliveryQuoteApi", "OpenBranchListApi",
    "ItemSoldOutApi", "MenuHoursDetailApi", "MenuHoursListApi", "MyOrderReorderApi", "MyOrderTrackingApi",
    "BranchPauseApi", "BranchResumeApi", "BranchRulesApi", "BranchRulesListApi",
]
