"""layout-catalogue: `ul.layout-catalogue-list` pages on `YYYY-MM/DD/node_N.htm(l)` URLs (docs/families/layout-catalogue.md)."""
