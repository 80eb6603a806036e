BEAT_SCHEDULE = {
    # Every minute: orders not accepted within their branch's minutes are rejected and
    # refunded; open branches without a kitchen board for too long stop taking orders.
    "food-kitchen-watch": {"task": "food.kitchen_watch", "schedule": 60.0},
}
