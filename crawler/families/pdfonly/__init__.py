"""The pdf-only family: papers that publish only page PDFs (no page HTML, no article pages)."""
