"""The kitchen board's update path (apps.food.board) with 200 open orders in a branch
against a branch with 20, side by side: what a polling board costs each time it asks.

(a) the 304 check: `etag_for` (the board's version: its tickets and the menu's sold-out
    switches), what every poll runs while nothing changed;
(b) the full board: `board_payload` for a cook (columns by state with every ticket's
    lines, options, notes and timers, the menu's sold-out items), serialised as JSON, what
    a poll gets when something did change;
(c) the rider's view of the same branch (deliveries ready or out).

Then the large branch gets HISTORY finished orders (picked up, delivered, rejected: a few
weeks of a busy kitchen; set-up only, rows straight in) and (a) and (b) are measured
again: the board shows the same, but its version is read from every ticket of the branch.

Orders are placed by staff at the counter through order_create (two lines with options,
half of them deliveries with a spot in the area), reach the kitchen (ticket_ensure) and
are moved along the food flow by order_transition, spread over placed, accepted,
cooking, ready and out for delivery. Queries per call (after a warm-up), median time of
REPEAT interleaved calls, JSON bytes, and the ratios large / small.

    .venv/bin/python tests/perf/kitchen_board.py
"""

import json
import os

from _setup import median_ms, perf_database, timed

SMALL, LARGE, HISTORY = 20, 200, 20000
REPEAT = int(os.environ.get("REPEAT", "40"))
SLUG = "perfkitchen"
SPOT = {"latitude": "37.544000", "longitude": "127.055900"}
HOME = {"address": "Seongsu-dong 1-2, Seoul", "phone": "010-1234-5678", "memo": "Ring twice",
        "latitude": "37.547000", "longitude": "127.060000"}
STEPS = ([], ["accepted"], ["accepted", "cooking"], ["accepted", "cooking", "ready"],
         ["accepted", "cooking", "ready", "out_for_delivery"])

with perf_database():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from tests.plugin import create_provisioned

    tenant = create_provisioned(slug=SLUG, name="Perf Kitchen", business_type="food",
                                owner_email=f"owner@{SLUG}.test")
    owner = User.objects.get(email=f"owner@{SLUG}.test")
    with schema_context(tenant.schema_name):
        from apps.branches.models import Branch
        from apps.catalog.services import item_create
        from apps.crm.models import Customer
        from apps.food.board import board_payload, etag_for
        from apps.food.models import Ticket
        from apps.food.services.ordering import ordering_update
        from apps.food.services.tickets import ticket_ensure
        from apps.orders.services import order_create, order_transition

        sizes = [{"name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
                  "options": [{"name": "Regular"}, {"name": "Large", "price_delta": 3000}]},
                 {"name": "Extras", "min_choices": 0, "max_choices": 2,
                  "options": [{"name": "Egg", "price_delta": 1000}, {"name": "Cheese", "price_delta": 1500},
                              {"name": "Extra spicy"}]}]
        dishes = [item_create(actor=owner, kind="menu_item", name=f"Dish {n}", price=12000 + 1000 * n,
                              option_groups=sizes) for n in range(8)]
        item_create(actor=owner, kind="menu_item", name="Sold-out special", price=9000, is_sold_out=True)
        options = {dish.pk: {option.name: option.pk for group in dish.option_groups.all()
                             for option in group.options.all()} for dish in dishes}
        customers = Customer.objects.bulk_create([Customer(name=f"Diner {n}") for n in range(40)])

        def kitchen(name: str, open_orders: int) -> Branch:
            branch = Branch.objects.create(name=name)
            ordering_update(branch=branch, actor=owner, pickup=True, delivery=True, delivery_fee=3000, **SPOT)
            for n in range(open_orders):
                delivery = n % 2 == 0
                first, second = dishes[n % 8], dishes[(n + 3) % 8]
                order = order_create(
                    customer=customers[n % 40], branch=branch, actor=owner, notes="No onions" if n % 3 else "",
                    fulfilment="delivery" if delivery else "pickup", delivery=HOME if delivery else None,
                    lines=[{"item": first.pk, "quantity": 1 + n % 2,
                            "options": [options[first.pk]["Large"], options[first.pk]["Egg"]]},
                           {"item": second.pk, "quantity": 1, "options": [options[second.pk]["Regular"]]}])
                ticket_ensure(order=order)
                steps = STEPS[n % 5] if delivery or n % 5 != 4 else STEPS[3]
                for step in steps:
                    order_transition(order=order, to_status=step, actor=owner,
                                     details={"ready_in_minutes": 15} if step == "accepted" else None)
            return branch

        branches = {"small": kitchen("Small kitchen", SMALL), "large": kitchen("Large kitchen", LARGE)}
        opened = {size: Ticket.objects.filter(branch=branch).count() for size, branch in branches.items()}
        assert opened == {"small": SMALL, "large": LARGE}, opened

        def payload(size: str, *, rider: bool = False) -> bytes:
            board = board_payload(branch_ids=[branches[size].pk], cook=not rider, deliver=True,
                                  delivery_only=rider)
            return json.dumps(board, ensure_ascii=False).encode()

        paths = {
            "etag_304_check": lambda size: etag_for(branch_ids=[branches[size].pk], viewer="cook").encode(),
            "board_payload": payload,
            "rider_payload": lambda size: payload(size, rider=True),
        }
        results = {}
        for path, fn in paths.items():
            entry = {}
            for size in ("small", "large"):
                fn(size)  # warm up
                with CaptureQueriesContext(connection) as queries:
                    body = fn(size)
                entry[size] = {"queries": len(queries), "bytes": len(body), "samples": []}
                if path == "board_payload":
                    board = json.loads(body)
                    entry[size]["tickets"] = sum(len(column["tickets"]) for column in board["columns"])
            for _ in range(REPEAT):  # interleaved, so that both see the same conditions
                for size in ("small", "large"):
                    entry[size]["samples"] += timed(lambda size=size, fn=fn: fn(size), 1)
            for size in ("small", "large"):
                entry[size]["median_ms"] = median_ms(entry[size].pop("samples"))
            entry["ratio_ms"] = round(entry["large"]["median_ms"] / entry["small"]["median_ms"], 2)
            entry["ratio_bytes"] = round(entry["large"]["bytes"] / entry["small"]["bytes"], 2)
            results[path] = entry

        # A few weeks later: the same open orders, and the finished ones behind them.
        from django.utils import timezone

        from apps.orders.models import Order

        large = branches["large"]
        now = timezone.now()
        ended = ("picked_up", "delivered", "rejected")
        done = Order.objects.bulk_create([
            Order(number=10_000_000 + n, kind="order", flow="food", status=ended[n % 3], branch=large,
                  fulfilment="pickup" if n % 3 == 0 else "delivery", currency="KRW", subtotal=20000, total=20000,
                  paid_amount=20000) for n in range(HISTORY)], batch_size=2000)
        Ticket.objects.bulk_create([
            Ticket(order=order, branch=large, status=order.status, fulfilment=order.fulfilment, released_at=now,
                   accept_by=now, done_at=now) for order in done], batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE food_ticket; ANALYZE orders_order")
        for path in ("etag_304_check", "board_payload"):
            fn = paths[path]
            fn("large")
            with CaptureQueriesContext(connection) as queries:
                body = fn("large")
            samples = [sample for _ in range(REPEAT) for sample in timed(lambda fn=fn: fn("large"), 1)]
            results[path]["large_with_history"] = {"queries": len(queries), "bytes": len(body),
                                                   "median_ms": median_ms(samples)}
    connection.set_schema_to_public()

    print(json.dumps({"open_orders": [SMALL, LARGE], "repeat": REPEAT, **results}, indent=2))
    print(f"\n{'path':<16}{'queries':>12}{'median ms':>20}{'bytes':>22}{'x ms':>7}{'x bytes':>9}")
    for path, entry in results.items():
        small, large = entry["small"], entry["large"]
        print(f"{path:<16}{small['queries']:>5} / {large['queries']:<5}{small['median_ms']:>9} / "
              f"{large['median_ms']:<9}{small['bytes']:>10} / {large['bytes']:<10}{entry['ratio_ms']:>7}"
              f"{entry['ratio_bytes']:>9}")
    print(f"\nthe large branch with {HISTORY} finished orders behind its {LARGE} open ones:")
    for path in ("etag_304_check", "board_payload"):
        entry = results[path]["large_with_history"]
        print(f"{path:<16}{entry['queries']:>13}{entry['median_ms']:>21}{entry['bytes']:>22}"
              f"{round(entry['median_ms'] / results[path]['large']['median_ms'], 2):>7}")
    assert results["board_payload"]["large"]["tickets"] == LARGE
    assert all(entry["small"]["queries"] == entry["large"]["queries"] for entry in results.values()), results
