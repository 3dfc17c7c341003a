"""Branding: firm defaults, engagement overrides, embedded logos, and values that cannot inject."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment import branding
from assessment.branding import Branding, brand_style, for_engagement, read_branding_file
from assessment.engagement import load_engagement
from assessment.errors import InputError
from assessment.presentation import cover


def test_the_shipped_default_names_no_firm_and_the_cover_reads_without_one(
    engagement_dir: Path,
) -> None:
    firm = branding.firm_branding()
    assert (firm.firm_name, firm.logo_data_uri) == (None, None)
    page = cover(load_engagement(engagement_dir)).data
    # no invented firm, no empty banner: the cover opens with the report's title
    assert "aw-cover-brand" not in page and "aw-firm" not in page and "<img" not in page
    assert "<section class='aw-cover'><p class='aw-kicker'>" in page


def test_a_firm_file_sets_the_name_and_logo_on_every_cover(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = tmp_path / "branding.yaml"
    path.write_text("firm_name: Example Advisory LLP\nlogo: logo.svg\n")
    firm = branding.firm_branding(path)
    assert firm.firm_name == "Example Advisory LLP"
    assert firm.logo_data_uri is not None
    assert firm.logo_data_uri.startswith("data:image/svg+xml;base64,")


def test_engagement_overrides_only_what_it_sets(engagement_dir: Path, rewrite) -> None:
    (engagement_dir / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    text = (engagement_dir / "engagement.yaml").read_text()
    rewrite(
        engagement_dir,
        "engagement.yaml",
        text
        + "branding:\n  firm_name: Example Advisory LLP\n  primary: '#8a1538'\n  logo: logo.png\n",
    )
    engagement = load_engagement(engagement_dir)
    look = for_engagement(engagement.branding, engagement.root)
    assert (look.firm_name, look.primary) == ("Example Advisory LLP", "#8a1538")
    assert look.accent == branding.firm_branding().accent
    assert look.logo_data_uri is not None and look.logo_data_uri.startswith(
        "data:image/png;base64,"
    )
    page = cover(engagement).data
    assert "Example Advisory LLP" in page and "--aw-primary:#8a1538" in page


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("  primary: red\n", "branding.primary"),
        ("  font: 'x;} body{background:url(http://e.example/a)'\n", "branding.font"),
        ("  colour: '#000000'\n", "branding.colour"),
    ],
)
def test_bad_branding_names_the_file_and_field(
    engagement_dir: Path, rewrite, section: str, field: str
) -> None:
    text = (engagement_dir / "engagement.yaml").read_text()
    rewrite(engagement_dir, "engagement.yaml", text + "branding:\n" + section)
    with pytest.raises(InputError) as caught:
        load_engagement(engagement_dir)
    assert "engagement.yaml" in str(caught.value) and field in str(caught.value)


def test_missing_or_oversized_logo_is_a_clear_error(tmp_path: Path) -> None:
    named_in = tmp_path / "engagement.yaml"
    with pytest.raises(InputError, match="logo file not found"):
        branding.logo_data_uri(tmp_path / "none.png", named_in=named_in)
    big = tmp_path / "big.png"
    big.write_bytes(b"0" * (branding.MAX_LOGO_BYTES + 1))
    with pytest.raises(InputError, match="at most 256 KB"):
        branding.logo_data_uri(big, named_in=named_in)
    with pytest.raises(InputError, match="expected one of"):
        branding.logo_data_uri(tmp_path / "logo.bmp", named_in=named_in)


def test_firm_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "branding.yaml"
    path.write_text("accent: teal\n")
    with pytest.raises(InputError, match=r"branding.yaml.*accent"):
        read_branding_file(path)


def test_brand_style_cannot_close_its_element() -> None:
    look = branding.DEFAULTS.model_copy(update={"font": "</style><script>x()</script>"})
    style = brand_style(look)
    assert style.count("</style>") == 1 and "<script>" not in style
    assert Branding(font='"Open Sans", Arial').font == '"Open Sans", Arial'
