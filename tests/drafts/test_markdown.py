import pytest

from deliberation.drafts.markdown import render_markdown


def test_headings_lists_and_links_render():
    html = render_markdown("## Sport\n\n- zwemmen\n- [Diemen](https://www.diemen.nl)")
    assert "<h2>Sport</h2>" in html
    assert "<li>zwemmen</li>" in html
    assert 'href="https://www.diemen.nl"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example"></iframe>',
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">klik</a>',
        "[klik](javascript:alert(1))",
        '<p onclick="alert(1)">tekst</p>',
        "<svg><script>alert(1)</script></svg>",
        "[x](JaVaScRiPt:alert(1))",
        "<style>body{display:none}</style>",
    ],
)
def test_xss_payloads_render_harmlessly(payload):
    html = render_markdown(f"Tekst\n\n{payload}\n").lower()
    for bad in ("<script", "<iframe", "onerror", "onclick", "javascript:", "<style", "<svg"):
        assert bad not in html
