"""The print stylesheet: printing any page from the browser gives its content, not the app around it.

A constant (no user or content text goes in it), injected once per page run. In print it hides the
sidebar, the toolbar and header, every input and button (choices are in the page's URL, not on paper),
links to other pages (except in a container keyed ``print-links-...``, whose labels print as text), and
folded expanders; it lets the page run over as many sheets as it needs
(on screen Streamlit scrolls one fixed-height box, which prints as a single cut-off sheet); and it
keeps headings with what follows them and short clause cards whole.
"""

import streamlit as st

PRINT_CSS = """<style>
@media print {
  @page { margin: 1.6cm 1.5cm; }
  html, body { height: auto !important; overflow: visible !important; background: #fff !important; }
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    position: static !important; display: block !important; height: auto !important; min-height: 0 !important;
    max-height: none !important; overflow: visible !important; inset: auto !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; width: auto !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
  [data-testid="stSkipToContent"], [data-testid="stBottom"], [data-testid="stToastContainer"],
  [data-testid="stHeaderActionElements"], [data-testid="stElementToolbar"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stTextInput"],
  [data-testid="stTextArea"], [data-testid="stNumberInput"], [data-testid="stDateInput"],
  [data-testid="stTimeInput"], [data-testid="stCheckbox"], [data-testid="stRadio"], [data-testid="stSlider"],
  [data-testid="stButtonGroup"], [data-testid="stButton"], [data-testid="stDownloadButton"],
  [data-testid="stFormSubmitButton"], [data-testid="stLinkButton"], [data-testid="stPageLink"],
  [data-testid="stFileUploader"], [data-testid="stPopover"], [data-testid="stChatInput"],
  [data-testid="stExpander"]:has(details:not([open])), [data-testid="stSkeleton"] {
    display: none !important;
  }
  /* Streamlit draws inputs as placeholders ("skeletons") for print; their wrappers go too, gaps and all. */
  [data-testid="stElementContainer"]:has(> [data-testid="stSkeleton"]),
  [data-testid="stElementContainer"]:has(> [data-testid="stPageLink"]),
  [data-testid="stElementContainer"]:has(> [data-testid="stButton"]),
  [data-testid="stElementContainer"]:has(> [data-testid="stDownloadButton"]) { display: none !important; }
  /* Except rows of links that say something on paper (a container keyed "print-links-..."): their labels print. */
  [class*="st-key-print-links"] [data-testid="stElementContainer"]:has(> [data-testid="stPageLink"]),
  [class*="st-key-print-links"] [data-testid="stPageLink"] { display: block !important; }
  [class*="st-key-print-links"] [data-testid="stPageLink"] span[data-testid="stIconMaterial"] { display: none; }
  /* Blocks flow as ordinary boxes, so the browser can break pages between (and inside) them. */
  [data-testid="stVerticalBlock"] { display: block !important; height: auto !important; overflow: visible !important; }
  [data-testid="stVerticalBlock"] > * { margin-bottom: 0.6rem; }
  [data-testid="stElementContainer"]:has([data-testid="stHeading"]) { break-after: avoid; page-break-after: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  /* A card (a bordered container) stays on one sheet unless it is longer than a sheet. */
  [data-testid="stLayoutWrapper"], [data-testid="stAlert"] { break-inside: avoid; page-break-inside: avoid; }
  [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"]) { break-inside: auto; }  /* rows of cards */
  p, li { orphans: 3; widows: 3; }
  h1 { font-size: 1.9rem !important; padding-top: 0 !important; }
  h2 { font-size: 1.45rem !important; }
  h3 { font-size: 1.15rem !important; }
  a { color: inherit !important; text-decoration: none !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""


def use_print_styles() -> None:
    """Inject the print stylesheet (style-only HTML goes to Streamlit's event container and takes no space)."""
    st.html(PRINT_CSS)
