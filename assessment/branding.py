"""The look of a client report: firm name, logo, colours and fonts.

A firm-level default lives in ``templates/branding.yaml``; an engagement may override any of it
in an optional ``branding:`` section of its ``engagement.yaml``. The shipped default is neutral:
no firm name and no logo (a report then carries only the client's name), until a firm sets its
own. Both report pages (Voila and the
static file) use one stylesheet whose colours and fonts are CSS variables; :func:`brand_style`
sets those variables, so the two pages always look the same. The logo is embedded as a data URI:
a report never fetches anything.
"""

from __future__ import annotations

import base64
import functools
import html
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.errors import InputError, Problem
from assessment.paths import templates_dir

BRANDING_FILE = "branding.yaml"
MAX_LOGO_BYTES = 256 * 1024
"""A logo above this size would weigh on every report (the static one must stay under 2 MB)."""

LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}

_COLOUR = r"^#[0-9a-fA-F]{6}$"
# A font stack is names, quotes, commas and spaces: nothing that could end the CSS declaration
# or load a resource (no ';', braces, '<', parentheses such as url(...)).
_FONT = r"""^[A-Za-z0-9 ,"'\-_]+$"""


class Branding(BaseModel):
    """Branding settings; every field is optional so an engagement overrides only what it sets.

    Attributes:
        firm_name: The consultancy's name, shown on the cover (none: the cover names only the
            client).
        logo: Path of the logo (SVG, PNG, JPEG, GIF or WebP, at most 256 KB), relative to the
            file that names it.
        primary: Main colour (headings, rules, cover band), ``#rrggbb``.
        accent: Second colour (highlights, the roadmap marker), ``#rrggbb``.
        font: CSS font stack (system fonts: nothing is downloaded).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    firm_name: str | None = Field(default=None, min_length=1, max_length=120)
    logo: str | None = Field(default=None, min_length=1)
    primary: str | None = Field(default=None, pattern=_COLOUR)
    accent: str | None = Field(default=None, pattern=_COLOUR)
    font: str | None = Field(default=None, pattern=_FONT, max_length=300)


class ResolvedBranding(BaseModel):
    """Branding with every value decided (firm default, then the engagement's overrides)."""

    model_config = ConfigDict(frozen=True)

    firm_name: str | None = None
    primary: str
    accent: str
    font: str
    logo_data_uri: str | None = None


DEFAULTS = ResolvedBranding(
    primary="#1f4e79",
    accent="#2a9d8f",
    font='system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
)


def logo_data_uri(path: Path, *, named_in: Path) -> str:
    """Read a logo file and return it as a ``data:`` URI.

    Raises:
        InputError: The file is missing, of an unsupported type or too large; the message names
            the file that gave the path and the ``logo`` field.
    """
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        expected = ", ".join(sorted(LOGO_TYPES))
        raise InputError.single(
            named_in, f"logo {path.name!r}: expected one of {expected}", field="branding.logo"
        )
    if not path.is_file():
        raise InputError.single(named_in, f"logo file not found: {path}", field="branding.logo")
    data = path.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        raise InputError.single(
            named_in,
            f"logo {path.name} is {len(data) // 1024} KB; expected at most "
            f"{MAX_LOGO_BYTES // 1024} KB",
            field="branding.logo",
        )
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def read_branding_file(path: Path) -> Branding:
    """Read a firm-level branding file (``templates/branding.yaml``).

    Raises:
        InputError: Not valid YAML or an unknown / invalid key, naming the file and field.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise InputError.single(path, f"not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise InputError.single(path, "expected a mapping (firm_name, logo, primary, ...)")
    try:
        return Branding.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(str(path), e["msg"], field=".".join(str(p) for p in e["loc"]))
            for e in error.errors()
        ]
        raise InputError(problems) from error


@functools.lru_cache(maxsize=8)
def _firm_default(path: Path, mtime: float) -> ResolvedBranding:
    del mtime  # part of the cache key: an edited file is read again
    firm = read_branding_file(path)
    return merge(DEFAULTS, firm, base_dir=path.parent, named_in=path)


def firm_branding(path: Path | None = None) -> ResolvedBranding:
    """The firm's default branding (``templates/branding.yaml``), or the built-in defaults."""
    path = path or templates_dir() / BRANDING_FILE
    if not path.is_file():
        return DEFAULTS
    return _firm_default(path.resolve(), path.stat().st_mtime)


def merge(
    base: ResolvedBranding, override: Branding | None, *, base_dir: Path, named_in: Path
) -> ResolvedBranding:
    """Apply the values ``override`` sets on top of ``base``; a logo path is read from base_dir."""
    if override is None:
        return base
    values = base.model_dump()
    for name in ("firm_name", "primary", "accent", "font"):
        value = getattr(override, name)
        if value is not None:
            values[name] = value
    if override.logo is not None:
        logo = Path(override.logo)
        logo = logo if logo.is_absolute() else base_dir / logo
        values["logo_data_uri"] = logo_data_uri(logo, named_in=named_in)
    return ResolvedBranding(**values)


def brand_style(branding: ResolvedBranding) -> str:
    """A ``<style>`` element setting the report stylesheet's colour and font variables.

    Values were validated (hex colours, a plain font stack), and are escaped again here as a
    guard: nothing in them can close the element.
    """
    css = (
        f":root{{--aw-primary:{branding.primary};--aw-accent:{branding.accent};"
        f"--aw-font:{branding.font};}}"
    )
    return f"<style class='aw-brand'>{html.escape(css, quote=False)}</style>"


def for_engagement(override: Branding | None, engagement_root: Path) -> ResolvedBranding:
    """The branding of one engagement: the firm default with its ``branding:`` section applied."""
    return merge(
        firm_branding(),
        override,
        base_dir=engagement_root,
        named_in=engagement_root / "engagement.yaml",
    )
