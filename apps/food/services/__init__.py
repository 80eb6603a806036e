"""The food module's writes: ordering rules and pauses (ordering), the rules every food
order must meet and its delivery fee (rules), menu hours (menu), and the kitchen's side
of each order (tickets)."""
