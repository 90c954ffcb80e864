"""js-data: pages and articles filled from a data file (`data.js`, a page JSON)."""
