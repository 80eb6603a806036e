
urlpatterns: list = []  # the staff API under food/, the consumer's under food/ and my/ (apps.food.apis)
