"""Protocol Explorer logic: plain Python (no streamlit), tested directly and used by the CLI and pages."""
