"""Food in GraphQL (being built)."""


class FoodQuery:
    pass


class FoodMutation:
    pass
