"""The catalogue in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Category, Item, ItemImage, Option, OptionGroup

dataset("catalog/categories", Category)
dataset("catalog/items", Item)
dataset("catalog/item_branches", Item.branches.through)
dataset("catalog/option_groups", OptionGroup)
dataset("catalog/options", Option)
dataset("catalog/item_images", ItemImage)
