"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py).

/academy/classes/open/ is open for reading by design (classes with free seats, like the
catalog's items): nothing may be written there (405)."""

TENANT_API = {
    "api/v1/academy/classes/": ("get", None),
    "api/v1/academy/classes/open/": ("post", {"name": "Intruder class"}),
    "api/v1/academy/classes/1/": ("patch", {"capacity": 99}),
    "api/v1/academy/sessions/": ("get", None),
    "api/v1/academy/sessions/1/cancel/": ("post", {"reason": "Intruder"}),
    "api/v1/academy/sessions/1/move/": ("post", {"starts_at": "2030-01-07T09:00:00Z"}),
    "api/v1/academy/sessions/1/substitute/": ("post", {"teacher": None}),
    "api/v1/academy/sessions/1/attendance/": ("get", None),
    "api/v1/academy/check-in/": ("post", {"code": "ABCDEF", "student": 1}),
    "api/v1/academy/holidays/": ("post", {"date": "2030-01-01", "name": "Intruder day"}),
    "api/v1/academy/holidays/1/": ("delete", None),
    "api/v1/academy/students/": ("get", None),
    "api/v1/academy/students/1/": ("patch", {"notes": "Intruder"}),
    "api/v1/academy/enrolments/": ("post", {"klass": 1, "student": 1}),
    "api/v1/academy/enrolments/1/": ("get", None),
    "api/v1/academy/enrolments/1/withdraw/": ("post", {"reason": "Intruder"}),
    "api/v1/academy/enrolments/1/accept-offer/": ("post", None),
    "api/v1/academy/pass-plans/": ("get", None),
    "api/v1/academy/passes/": ("post", {"plan": 1, "student": 1}),
    "api/v1/academy/passes/1/": ("get", None),
    "api/v1/academy/passes/1/refund/": ("post", {"reason": "Intruder"}),
    "api/v1/academy/tuition/": ("get", None),
    "api/v1/academy/tuition/1/": ("get", None),
    "api/v1/academy/tuition/1/record-payment/": ("post", {"method": "cash"}),
    "api/v1/academy/tuition/1/void/": ("post", {"reason": "Intruder"}),
    "api/v1/academy/settings/": ("patch", {"billing_day": 2}),
    "api/v1/my/children/": ("get", None),
    "api/v1/my/attendance/": ("get", None),
    "api/v1/my/enrolments/": ("post", {"klass": 1, "student": 1}),
    "api/v1/my/enrolments/1/withdraw/": ("post", {"reason": "Intruder"}),
    "api/v1/my/enrolments/1/accept-offer/": ("post", None),
    "api/v1/my/pass-plans/": ("get", None),
    "api/v1/my/passes/": ("post", {"plan": 1, "student": 1}),
    "api/v1/my/tuition/": ("get", None),
}
PUBLIC_API: dict = {}
