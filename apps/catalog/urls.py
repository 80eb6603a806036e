from django.urls import path

from . import apis

urlpatterns = [
    # Staff (category:*, item:*)
    path("catalog/manage/categories/", apis.CategoryListApi.as_view(), name="catalog-manage-category-list"),
    path("catalog/manage/categories/<int:pk>/", apis.CategoryDetailApi.as_view(),
         name="catalog-manage-category-detail"),
    path("catalog/manage/items/", apis.ItemListApi.as_view(), name="catalog-manage-item-list"),
    path("catalog/manage/items/<int:pk>/", apis.ItemDetailApi.as_view(), name="catalog-manage-item-detail"),
    path("catalog/manage/items/<int:pk>/sold-out/", apis.ItemSoldOutApi.as_view(),
         name="catalog-manage-item-sold-out"),
    path("catalog/manage/items/<int:pk>/images/", apis.ItemImageListApi.as_view(),
         name="catalog-manage-item-images"),
    path("catalog/manage/items/<int:pk>/images/<int:image_pk>/", apis.ItemImageDetailApi.as_view(),
         name="catalog-manage-item-image"),
    # Anyone (browsing)
    path("catalog/categories/", apis.OpenCategoryListApi.as_view(), name="catalog-category-list"),
    path("catalog/items/", apis.OpenItemListApi.as_view(), name="catalog-item-list"),
    path("catalog/items/<int:pk>/", apis.OpenItemDetailApi.as_view(), name="catalog-item-detail"),
    path("catalog/images/<int:pk>/", apis.ItemImageFileApi.as_view(), name="catalog-image"),
]
