"""Where the files shipped with the app live: `resources/` in a checkout, `_resources/` in a wheel.

The wheel build copies only the sub-folders the app reads (templates, fonts) into the package as
`relationship_crm/_resources/`; a source checkout or editable install reads the top-level
`resources/` folder directly.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. resource_path("templates", "thank_you")."""
    for root in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    # Not found: name the checkout location so the error message points somewhere sensible.
    return _PACKAGE.parent.joinpath("resources", *parts)
