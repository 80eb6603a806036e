"""Parts of an industry template that other apps put into a new tenant:
`@template_part("sample_catalog")` on `def apply(*, tenant, items) -> int` (run inside the
tenant schema during provisioning; returns how many rows it created). The apps above
industry register their parts (flags: `default_flags`, returning the overrides it set),
so industry never imports them."""

from collections.abc import Callable

_parts: dict[str, Callable] = {}


def template_part(name: str):
    def register(applier: Callable) -> Callable:
        _parts[name] = applier
        return applier

    return register


def applier_for(name: str) -> Callable | None:
    return _parts.get(name)
